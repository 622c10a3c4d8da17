"""A real Home Assistant for the demo: `hass -c DIR --skip-pip` on 127.0.0.1.

A minimal configuration (http, frontend, lovelace, config; no default_config,
so nothing needs installing) with the integration linked into
DIR/custom_components, exactly as a user would install it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import suppress
import os
from pathlib import Path
import signal
import subprocess
import sys

import aiohttp

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "custom_components" / "status_tracker"
HASS = Path(sys.executable).parent / "hass"
DOMAIN = "status_tracker"

CONFIGURATION = """\
homeassistant:
  name: Status Tracker demo
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
{extra}"""


class HomeAssistantError(Exception):
    """Home Assistant did not start, or refused a step of the setup."""


class HomeAssistantProcess:
    """`hass` on 127.0.0.1:`port` with `config_dir`; output in DIR/hass.out."""

    def __init__(self, config_dir: Path, port: int, extra_yaml: str = "") -> None:
        """Prepare the configuration directory (`start` runs Home Assistant)."""
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._extra_yaml = extra_yaml
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def output(self) -> Path:
        """Return the file with Home Assistant's console output."""
        return self.config_dir / "hass.out"

    @property
    def pid(self) -> int | None:
        """Return the process id while it runs."""
        return self._process.pid if self._process else None

    def write_config(self) -> None:
        """Write configuration.yaml and link the integration in."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.port, extra=self._extra_yaml)
        )
        components = self.config_dir / "custom_components"
        components.mkdir(exist_ok=True)
        link = components / DOMAIN
        if not link.exists():
            link.symlink_to(PACKAGE, target_is_directory=True)

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.write_config()
        with self.output.open("wb") as output:
            # Its own session: Ctrl-C reaches the demo, which stops it in order.
            return subprocess.Popen(  # noqa: S603 (our own venv's hass)
                [str(HASS), "-c", str(self.config_dir), "--skip-pip"],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                start_new_session=True,
            )

    async def start(
        self,
        startup_seconds: float = 180,
        ready: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Start Home Assistant and wait until it is `ready`.

        By default until onboarding answers, which it does only until a user
        is onboarded: a restart passes a check of its own.
        """
        if not HASS.exists():
            raise HomeAssistantError(f"{HASS} is missing: run script/bootstrap")
        process = self._process = self._spawn()
        try:
            async with (
                asyncio.timeout(startup_seconds),
                aiohttp.ClientSession() as session,
            ):
                while not await (ready() if ready else self._answers(session)):
                    if process.poll() is not None:
                        raise HomeAssistantError(
                            f"Home Assistant exited (code {process.returncode}); "
                            f"see {self.output}"
                        )
                    await asyncio.sleep(0.5)
        except TimeoutError as err:
            raise HomeAssistantError(
                f"Home Assistant did not answer in {startup_seconds:g} s; "
                f"see {self.output}"
            ) from err

    async def _answers(self, session: aiohttp.ClientSession) -> bool:
        """Return True once onboarding answers."""
        with suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(
                f"{self.url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=2)
            ) as response:
                return response.status == 200
        return False

    def kill(self) -> None:
        """Kill Home Assistant at once (SIGKILL): nothing is saved on the way out."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.kill()
        process.wait(timeout=10)

    def stop(self, timeout: float = 60) -> None:
        """Stop Home Assistant (SIGTERM, then SIGKILL) and wait for it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
