"""A real Home Assistant (`hass -c DIR`) on 127.0.0.1 for the card's end-to-end test.

Minimal configuration (http, frontend, lovelace, config; no default_config), the
integration linked into custom_components/, onboarding done through its REST API
so the test has an admin user and tokens.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

import aiohttp

from demo.ha_client import HomeAssistantClient

ROOT = Path(__file__).parent.parent.parent
PACKAGE = ROOT / "custom_components" / "status_tracker"
HASS = Path(sys.executable).parent / "hass"
PYTHON = sys.executable
FAKE_SERVICES = Path(__file__).parent / "fake_services.py"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def http(
    method: str,
    url: str,
    body: Any = None,
    *,
    token: str | None = None,
    form: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    """Send one request; return the status and the JSON (or text) answer."""
    headers = {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(  # noqa: S310 (http URLs the test builds)
        url, data=data, method=method, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


@dataclass
class FakeServices:
    """The fake Seerr + Radarr process."""

    url: str
    process: subprocess.Popen[bytes]

    def log(self) -> list[str]:
        """Return the requests the fake services saw."""
        _, seen = http("GET", f"{self.url}/__log")
        return list(seen)


@dataclass
class HomeAssistant:
    """A running Home Assistant and an admin's tokens."""

    url: str
    config_dir: Path
    process: subprocess.Popen[bytes]
    access_token: str = ""
    refresh_token: str = ""
    entry_id: str = ""
    webhook_ids: dict[str, str] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        """Return the OAuth client id the frontend uses."""
        return f"{self.url}/"

    def api(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """Call the REST API as the admin."""
        return http(method, f"{self.url}{path}", body, token=self.access_token)

    def onboard(self) -> None:
        """Create the owner and finish onboarding; keep the owner's tokens."""
        status, answer = http(
            "POST",
            f"{self.url}/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": "Admin",
                "username": "admin",
                "password": "admin-password-1",
                "language": "en",
            },
        )
        assert status == 200, answer
        status, tokens = http(
            "POST",
            f"{self.url}/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": answer["auth_code"],
                "client_id": self.client_id,
            },
        )
        assert status == 200, tokens
        self.access_token = tokens["access_token"]
        self.refresh_token = tokens["refresh_token"]
        for step, body in (
            ("core_config", {}),
            ("analytics", {}),
            (
                "integration",
                {"client_id": self.client_id, "redirect_uri": f"{self.url}/"},
            ),
        ):
            status, answer = self.api("POST", f"/api/onboarding/{step}", body)
            assert status == 200, (step, answer)

    def add_hub(self) -> None:
        """Create the hub through the config flow."""
        status, flow = self.api(
            "POST", "/api/config/config_entries/flow", {"handler": "status_tracker"}
        )
        assert status == 200, flow
        status, result = self.api(
            "POST",
            f"/api/config/config_entries/flow/{flow['flow_id']}",
            {"name": "Media stack"},
        )
        assert status == 200 and result["type"] == "create_entry", result
        self.entry_id = result["result"]["entry_id"]

    def add_service(self, service: str, url: str) -> None:
        """Add a service subentry (validated against `url`); keep its webhook id."""
        base = "/api/config/config_entries/subentries/flow"
        status, flow = self.api("POST", base, {"handler": [self.entry_id, service]})
        assert status == 200, flow
        status, step = self.api(
            "POST",
            f"{base}/{flow['flow_id']}",
            {
                "url": url,
                "api_key": f"{service}-api-key-0123456789",
                "verify_ssl": True,
                "register_webhook": False,
            },
        )
        assert status == 200 and step.get("step_id") == "webhook", step
        webhook_url = step["description_placeholders"]["webhook_url"]
        self.webhook_ids[service] = webhook_url.rstrip("/").rsplit("/", 1)[-1]
        status, result = self.api("POST", f"{base}/{flow['flow_id']}", {})
        assert status == 200 and result["type"] == "create_entry", result
        self.wait_loaded()

    def wait_loaded(self, timeout: float = 30) -> None:
        """Wait until the hub is loaded (adding a subentry reloads it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, entries = self.api(
                "GET", "/api/config/config_entries/entry?domain=status_tracker"
            )
            if status == 200 and entries and entries[0]["state"] == "loaded":
                return
            time.sleep(0.2)
        raise AssertionError(f"The hub did not load: {entries}")

    def post_webhook(self, service: str, body: Any) -> None:
        """Post a service's webhook body, as the service would."""
        status, answer = http(
            "POST", f"{self.url}/api/webhook/{self.webhook_ids[service]}", body
        )
        assert status == 200, answer

    def browser_tokens(self) -> dict[str, Any]:
        """Return what the frontend keeps in localStorage.hassTokens."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": "Bearer",
            "expires_in": 1800,
            "expires": int(time.time() * 1000) + 1_800_000,
            "hassUrl": self.url,
            "clientId": self.client_id,
        }

    def websocket(self, *commands: dict[str, Any]) -> list[Any]:
        """Run websocket commands as the admin (through the demo's client)."""

        async def run() -> list[Any]:
            async with aiohttp.ClientSession() as session:
                client = HomeAssistantClient(self.url, session, self.access_token)
                return await client.websocket(*commands)

        return asyncio.run(run())

    def keep_http_config(self) -> None:
        """Confirm the 127.0.0.1 HTTP settings (see the demo client's docstring)."""

        async def run() -> None:
            async with aiohttp.ClientSession() as session:
                client = HomeAssistantClient(self.url, session, self.access_token)
                await client.keep_http_config()

        asyncio.run(run())

    def log_text(self) -> str:
        """Return Home Assistant's log so far."""
        log = self.config_dir / "home-assistant.log"
        return log.read_text(errors="replace") if log.exists() else ""


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def fake_services() -> Iterator[FakeServices]:
    """Run the fake Seerr + Radarr on a free port."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 (our own scripts)
        [PYTHON, str(FAKE_SERVICES), str(port)], stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"ready"
        yield FakeServices(f"http://127.0.0.1:{port}", process)
    finally:
        _stop(process)


CONFIGURATION = """\
homeassistant:
  name: Status Tracker e2e
  country: DE
  time_zone: UTC
  unit_system: metric
  currency: EUR
  internal_url: "http://127.0.0.1:{port}"
http:
  server_host: 127.0.0.1
  server_port: {port}
frontend:
lovelace:
config:
logger:
  default: warning
  logs:
    custom_components.status_tracker: info
"""


@contextmanager
def home_assistant(
    config_dir: Path, startup_timeout: float = 120
) -> Iterator[HomeAssistant]:
    """Start Home Assistant with the integration; onboard; stop it at the end."""
    port = free_port()
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(CONFIGURATION.format(port=port))
    (config_dir / "custom_components").mkdir(exist_ok=True)
    link = config_dir / "custom_components" / "status_tracker"
    if not link.exists():
        link.symlink_to(PACKAGE, target_is_directory=True)
    output = (config_dir / "hass.out").open("wb")
    process = subprocess.Popen(  # noqa: S603 (our own scripts)
        [str(HASS), "-c", str(config_dir), "--skip-pip"],
        stdout=output,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    instance = HomeAssistant(f"http://127.0.0.1:{port}", config_dir, process)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"Home Assistant exited: {(config_dir / 'hass.out').read_text()}"
                )
            with suppress(OSError):
                status, _ = http("GET", f"{instance.url}/api/onboarding", timeout=2)
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("Home Assistant did not start in time")
            time.sleep(0.3)
        instance.onboard()
        instance.keep_http_config()
        yield instance
    finally:
        _stop(process)
        output.close()
