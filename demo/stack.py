"""The whole demo stack: simulated services plus a configured Home Assistant.

`DemoStack.start` does, in order, what a new user does by hand: start Home
Assistant, onboard, add the Status Tracker hub, set its options, add each
service through its config subentry flow (validated live against the
simulator), and put the card on a dashboard.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from demo.ha_client import HomeAssistantClient
from demo.home_assistant import HomeAssistantProcess
from demo.services.base import API_KEY
from demo.services.qbittorrent import PASSWORD as QBT_PASSWORD, USERNAME as QBT_USER
from demo.simulator import Simulator

DASHBOARD_PATH = "status-tracker-demo"
HUB_NAME = "Media stack"
# The options form, with the demo's values: fast polling, a short (the
# shortest the form allows) stall limit for finished but unimported downloads.
OPTIONS: dict[str, dict[str, Any]] = {
    "history": {"retention_days": 7, "history_size": 5000},
    "webhooks": {"webhook_local_only": False},
    "deletions": {"propagate_deletions": False},
    "polling": {"fast_poll_seconds": 2, "slow_poll_seconds": 10},
    "stalled": {
        "stall_approved_hours": 2,
        "stall_downloading_hours": 24,
        "stall_downloaded_minutes": 5,
        "stall_importing_minutes": 60,
        "stall_matching_minutes": 30,
    },
    "anime": {"anime_tags": "anime", "anime_paths": ""},
}
DASHBOARD_NOTE = """\
**Status Tracker demo.** Simulated Seerr, Sonarr, Radarr, qBittorrent, Jellyfin \
and Shoko play five requests per round: a movie, a TV season and an anime \
season become *available*; one movie finishes downloading but is never \
imported (after 5 minutes it shows the **stalled** problem); one anime \
episode cannot be matched by Shoko (**needs link**). Click a request for its \
timeline. Then the problems are fixed and a new round starts.
"""
DASHBOARD: dict[str, Any] = {
    "title": "Status Tracker demo",
    "views": [
        {
            "title": "Requests",
            "path": "requests",
            "cards": [
                {"type": "custom:status-tracker-card", "title": "Media requests"},
                {"type": "markdown", "content": DASHBOARD_NOTE},
            ],
        }
    ],
}


def service_forms(urls: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Return what a user types into each service's form, for the simulator."""
    with_key = {"api_key": API_KEY, "verify_ssl": True}
    registrable = {**with_key, "register_webhook": False}
    return {
        "seerr": {"url": urls["seerr"], **registrable},
        "radarr": {"url": urls["radarr"], **registrable},
        "sonarr": {"url": urls["sonarr"], **registrable},
        "qbittorrent": {
            "url": urls["qbittorrent"],
            "username": QBT_USER,
            "password": QBT_PASSWORD,
            "verify_ssl": True,
        },
        "jellyfin": {"url": urls["jellyfin"], **with_key},
        "shoko": {"url": urls["shoko"], **with_key},
    }


@dataclass
class DemoStack:
    """The simulator and Home Assistant, set up for the story."""

    config_dir: Path
    port: int
    username: str
    password: str
    extra_yaml: str = ""
    options: dict[str, dict[str, Any]] = field(default_factory=lambda: OPTIONS)
    simulator: Simulator = field(default_factory=Simulator)
    process: HomeAssistantProcess | None = None
    client: HomeAssistantClient | None = None
    _session: aiohttp.ClientSession | None = None

    @property
    def dashboard_url(self) -> str:
        """Return the address of the demo dashboard."""
        return f"http://127.0.0.1:{self.port}/{DASHBOARD_PATH}/requests"

    async def start(self, say: Callable[[str], None]) -> None:
        """Start everything and configure Home Assistant (see the module doc)."""
        say("==> Starting simulated services")
        urls = await self.simulator.start()
        say("    " + ", ".join(f"{name} {url}" for name, url in urls.items()))
        say(f"==> Starting Home Assistant on http://127.0.0.1:{self.port}")
        self.process = HomeAssistantProcess(self.config_dir, self.port, self.extra_yaml)
        await self.process.start()
        say("==> Home Assistant is up; onboarding and configuring Status Tracker")
        self._session = aiohttp.ClientSession()
        client = HomeAssistantClient(self.process.url, self._session)
        self.client = client
        await client.onboard(self.username, self.password)
        await client.keep_http_config()
        await client.add_hub(HUB_NAME)
        await client.set_options(self.options)
        for service, form in service_forms(urls).items():
            title = await client.add_service(service, form)
            say(f"    added {title}")
        await client.save_dashboard(DASHBOARD_PATH, "Status Tracker demo", DASHBOARD)
        say("==> Dashboard saved")

    async def kill(self) -> None:
        """Kill Home Assistant with SIGKILL, as a power cut or the OOM killer would."""
        if self.process is not None:
            await asyncio.to_thread(self.process.kill)

    async def restart(self) -> None:
        """Start Home Assistant again on its configuration; wait for the hub."""
        if self.process is None or self.client is None:
            raise RuntimeError("The stack is not started")
        await self.process.start(ready=self.client.hub_loaded)

    async def post(self, service: str, body: dict[str, Any]) -> None:
        """Send a webhook to Home Assistant as `service`."""
        if self.client is None:
            raise RuntimeError("The stack is not started")
        await self.client.post_webhook(service, body)

    async def stop(self) -> None:
        """Stop Home Assistant and the simulator (whatever was started)."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self.process is not None:
            # In a thread: the simulator keeps answering while it shuts down.
            await asyncio.to_thread(self.process.stop)
        await self.simulator.stop()
