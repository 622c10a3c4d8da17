"""Drive a running Home Assistant the way a person would in its UI.

Through the same REST and websocket APIs the frontend uses: onboarding, the
login flow, the integration's config, subentry and options flows, webhooks
and saving a dashboard.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import itertools
from typing import Any

import aiohttp

from demo.home_assistant import DOMAIN, HomeAssistantError


@dataclass
class HomeAssistantClient:
    """Drives a running Home Assistant over REST and the websocket API."""

    url: str
    session: aiohttp.ClientSession
    access_token: str = ""
    entry_id: str = ""
    # Service type -> webhook id (secret: never printed).
    webhook_ids: dict[str, str] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        """Return the OAuth client id the frontend uses."""
        return f"{self.url}/"

    async def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        form: dict[str, str] | None = None,
        authenticated: bool = True,
    ) -> tuple[int, Any]:
        headers = {}
        if authenticated and self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        async with self.session.request(
            method,
            f"{self.url}{path}",
            json=body if form is None else None,
            data=form,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=60),
        ) as response:
            text = await response.text()
            try:
                data = await response.json(content_type=None) if text else None
            except ValueError:
                data = text
            return response.status, data

    async def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the REST API as the owner; raise unless it answers 200."""
        status, data = await self._call(method, path, body)
        if status != 200:
            raise HomeAssistantError(f"{method} {path}: HTTP {status}: {data}")
        return data

    # ------------------------------------------------------------ onboarding

    async def onboard(self, username: str, password: str) -> None:
        """Create the owner and finish onboarding; keep the owner's token."""
        status, answer = await self._call(
            "POST",
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": username.capitalize(),
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        if status != 200:
            raise HomeAssistantError(f"Onboarding refused the user: {answer}")
        await self._token(answer["auth_code"])
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            (
                "integration",
                {"client_id": self.client_id, "redirect_uri": self.client_id},
            ),
        ):
            await self.api("POST", f"/api/onboarding/{step}", body)

    async def login(self, username: str, password: str) -> None:
        """Log in as a user through the login flow (as the login page does)."""
        flow = await self.api(
            "POST",
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": self.client_id,
            },
        )
        result = await self.api(
            "POST",
            f"/auth/login_flow/{flow['flow_id']}",
            {"client_id": self.client_id, "username": username, "password": password},
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"Login refused: {result.get('errors')}")
        await self._token(result["result"])

    async def _token(self, code: str) -> None:
        status, tokens = await self._call(
            "POST",
            "/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
            },
            authenticated=False,
        )
        if status != 200:
            raise HomeAssistantError(f"No token: {tokens}")
        self.access_token = tokens["access_token"]

    # ------------------------------------------------------------ the hub

    async def add_hub(self, name: str) -> None:
        """Create the hub through the config flow."""
        flow = await self.api(
            "POST", "/api/config/config_entries/flow", {"handler": DOMAIN}
        )
        result = await self.api(
            "POST", f"/api/config/config_entries/flow/{flow['flow_id']}", {"name": name}
        )
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"The hub was not created: {result}")
        self.entry_id = result["result"]["entry_id"]

    async def set_options(self, sections: dict[str, dict[str, Any]]) -> None:
        """Submit the hub's options form (values grouped by form section)."""
        base = "/api/config/config_entries/options/flow"
        flow = await self.api("POST", base, {"handler": self.entry_id})
        result = await self.api("POST", f"{base}/{flow['flow_id']}", sections)
        if result.get("type") != "create_entry":
            raise HomeAssistantError(f"The options were refused: {result}")
        await self.wait_loaded()

    async def add_service(self, service: str, data: dict[str, Any]) -> str:
        """Add a service to the hub (validated live); return the subentry title."""
        base = "/api/config/config_entries/subentries/flow"
        flow = await self.api("POST", base, {"handler": [self.entry_id, service]})
        step = await self.api("POST", f"{base}/{flow['flow_id']}", data)
        if step.get("errors"):
            raise HomeAssistantError(f"{service} was refused: {step['errors']}")
        if step.get("step_id") == "webhook":
            # The URL to paste into the service; the demo posts there itself.
            webhook_url = step["description_placeholders"]["webhook_url"]
            self.webhook_ids[service] = webhook_url.rstrip("/").rsplit("/", 1)[-1]
            step = await self.api("POST", f"{base}/{flow['flow_id']}", {})
        if step.get("type") != "create_entry":
            raise HomeAssistantError(f"{service} was not added: {step}")
        await self.wait_loaded()
        return str(step.get("title", service))

    async def wait_loaded(self, limit_seconds: float = 60) -> None:
        """Wait until the hub is loaded (each change reloads it)."""
        entries: Any = None
        try:
            async with asyncio.timeout(limit_seconds):
                while True:
                    entries = await self.api(
                        "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
                    )
                    if entries and entries[0]["state"] == "loaded":
                        return
                    await asyncio.sleep(0.3)
        except TimeoutError as err:
            raise HomeAssistantError(f"The hub did not load: {entries}") from err

    async def hub_loaded(self) -> bool:
        """Return True when the API answers and says the hub is loaded."""
        try:
            status, entries = await self._call(
                "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
            )
        except aiohttp.ClientError, TimeoutError:
            return False
        return status == 200 and bool(entries) and entries[0]["state"] == "loaded"

    async def post_webhook(self, service: str, body: Any) -> None:
        """Post a service's webhook body to its webhook, as the service would."""
        status, answer = await self._call(
            "POST",
            f"/api/webhook/{self.webhook_ids[service]}",
            body,
            authenticated=False,
        )
        if status != 200:
            raise HomeAssistantError(
                f"The {service} webhook answered {status}: {answer}"
            )

    async def states(self) -> list[dict[str, Any]]:
        """Return every entity state."""
        data: list[dict[str, Any]] = await self.api("GET", "/api/states")
        return data

    # ------------------------------------------------------------ websocket

    async def websocket(self, *commands: dict[str, Any]) -> list[Any]:
        """Run websocket commands in order; return their results."""
        counter = itertools.count(1)
        results = []
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.access_token})
            answer = await ws.receive_json()
            if answer.get("type") != "auth_ok":
                raise HomeAssistantError(f"Websocket authentication failed: {answer}")
            for command in commands:
                message_id = next(counter)
                await ws.send_json({"id": message_id, **command})
                while (answer := await ws.receive_json()).get("id") != message_id:
                    continue
                if not answer.get("success"):
                    raise HomeAssistantError(
                        f"{command['type']} failed: {answer.get('error')}"
                    )
                results.append(answer.get("result"))
        return results

    async def keep_http_config(self) -> None:
        """Confirm the HTTP settings Home Assistant started with (127.0.0.1).

        From 2026.10 on, Home Assistant keeps `http:` settings in its storage: the
        YAML ones become a trial that reverts to 0.0.0.0:8123 (with a restart)
        after five minutes unless an admin confirms them, as its dialog asks.
        """
        await self.websocket({"type": "http/config/promote"})
        (config,) = await self.websocket({"type": "http/config"})
        stable = config["stable"]
        if config["pending"] is not None or stable.get("server_host") != ["127.0.0.1"]:
            raise HomeAssistantError(f"The HTTP settings were not kept: {config}")

    async def save_dashboard(
        self, url_path: str, title: str, config: dict[str, Any]
    ) -> None:
        """Create a storage-mode dashboard and save its configuration."""
        await self.websocket(
            {
                "type": "lovelace/dashboards/create",
                "url_path": url_path,
                "title": title,
                "icon": "mdi:movie-open-check",
                "show_in_sidebar": True,
                "require_admin": False,
                "mode": "storage",
            },
            {"type": "lovelace/config/save", "url_path": url_path, "config": config},
        )
