"""The demo, headless: simulated services and the scenario against a real HA.

Runs what script/demo runs (the simulator, `hass` configured through its real
config flows, the scenario) on a free port, with the story played 3x faster,
and follows the request sensors over REST until the movie, the TV season and
the anime season are available, the unimported movie is stalled and the
unmatched anime episode needs a link.

The options form allows 5 minutes at least for the stall limit; to keep the
test short, a tiny helper integration in the test's configuration sets it to
6 seconds. The integration checks for stalled requests once a minute, so the
test takes about 1.5 minutes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import json
from pathlib import Path
import socket
import threading
import time
from typing import Any
import urllib.request

import pytest

from demo.catalog import Role, round_media
from demo.ha_client import HomeAssistantClient
from demo.home_assistant import HASS
from demo.scenario import Scenario
from demo.stack import DemoStack

pytestmark = pytest.mark.skipif(not HASS.exists(), reason=f"{HASS} is missing")

PACE = 3.0
STARTUP_SECONDS = 240
STORY_SECONDS = 180

HELPER = "demo_test_options"
HELPER_MANIFEST = {
    "domain": HELPER,
    "name": "Demo test options",
    "version": "1.0.0",
    "documentation": "https://example.invalid",
    "codeowners": [],
    "requirements": [],
    "dependencies": [],
    "iot_class": "local_push",
}
# Sets hub options without the form's limits (the stall limit in minutes).
HELPER_CODE = '''
"""Test helper: set Status Tracker hub options without the form's limits."""

async def async_setup(hass, config):
    async def set_options(call):
        entry = hass.config_entries.async_entries("status_tracker")[0]
        hass.config_entries.async_update_entry(
            entry, options={**entry.options, **call.data}
        )

    hass.services.async_register("demo_test_options", "set_options", set_options)
    return True
'''


def _install_helper(config_dir: Path) -> None:
    folder = config_dir / "custom_components" / HELPER
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(HELPER_MANIFEST))
    (folder / "__init__.py").write_text(HELPER_CODE)


class DemoThread(threading.Thread):
    """Runs the stack and one round of the story on an event loop of its own."""

    def __init__(self, stack: DemoStack) -> None:
        super().__init__(name="demo", daemon=True)
        self.stack = stack
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.lines: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        try:
            await self.stack.start(self.lines.append)
            client = self.stack.client
            assert client is not None
            await client.api(
                "POST",
                f"/api/services/{HELPER}/set_options",
                {"stall_downloaded_minutes": 0.1},
            )
            await asyncio.sleep(0.5)
            await client.wait_loaded()
            self.ready.set()
            scenario = Scenario(
                self.stack.simulator,
                self.stack.post,
                pace=PACE,
                resolve_after=None,
                say=self.lines.append,
            )
            play = asyncio.create_task(scenario.play_round(1))
            stop = asyncio.create_task(self._stop_event.wait())
            await asyncio.wait({play, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if play.done():
                play.result()
                await self._stop_event.wait()
            else:
                play.cancel()
        except BaseException as err:  # noqa: BLE001 (reported to the test)
            self.error = err
        finally:
            self.ready.set()
            await self.stack.stop()

    def stop(self) -> None:
        if self._loop is not None and self._stop_event is not None:
            self._loop.call_soon_threadsafe(self._stop_event.set)
        self.join(timeout=120)


@pytest.fixture
def demo(socket_enabled: None, tmp_path: Path) -> Iterator[DemoThread]:
    config_dir = tmp_path / "config"
    _install_helper(config_dir)
    stack = DemoStack(
        config_dir=config_dir,
        port=free_port(),
        username="demo",
        password="demo-test-password",
        extra_yaml=f"{HELPER}:\n",
    )
    thread = DemoThread(stack)
    thread.start()
    try:
        yield thread
    finally:
        thread.stop()
        assert not thread.is_alive()
        assert stack.process is None or stack.process.pid is None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _states(client: HomeAssistantClient) -> list[dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 (the test's own HA)
        f"{client.url}/api/states",
        headers={"Authorization": f"Bearer {client.access_token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        states: list[dict[str, Any]] = json.loads(response.read())
    return states


def test_demo_round(demo: DemoThread) -> None:
    assert demo.ready.wait(STARTUP_SECONDS), "the demo did not start"
    assert demo.error is None, (demo.error, demo.lines)
    client = demo.stack.client
    assert client is not None
    media = round_media(1)
    expected = {
        Role.MOVIE: ("available", None),
        Role.SHOW: ("available", None),
        Role.ANIME: ("available", None),
        Role.STALLED: ("downloaded", "stalled"),
        Role.UNLINKED: ("importing", "needs_link"),
    }
    seen: dict[Role, tuple[str, str | None]] = {}
    progress: set[float] = set()
    deadline = time.monotonic() + STORY_SECONDS
    while time.monotonic() < deadline and demo.error is None:
        by_title = {
            state["attributes"].get("title"): state
            for state in _states(client)
            if state["entity_id"].startswith("sensor.")
        }
        for role, item in media.items():
            if (state := by_title.get(item.title)) is not None:
                seen[role] = (state["state"], state["attributes"]["problem"])
                if state["state"] == "downloading":
                    progress.add(state["attributes"]["progress"])
        if seen == expected:
            break
        time.sleep(0.5)
    assert demo.error is None, (demo.error, demo.lines)
    assert seen == expected, demo.lines
    # qBittorrent's progress was followed while it rose.
    assert any(0 < value < 100 for value in progress), progress
