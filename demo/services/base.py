"""What every simulated service shares: binding, the API key check, stopping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from aiohttp import web

from demo.world import World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The demo's credentials. They are fake: they only open the simulated services.
API_KEY = "demo0000000000000000000000000000"


class SimulatedService:
    """One simulated service on its own port of 127.0.0.1.

    Subclasses add their routes in `routes` and say which requests need the API
    key (`needs_key`) and how the real service reads it (`key_of`).
    """

    name: ClassVar[str] = "service"

    def __init__(self, world: World) -> None:
        """Prepare the service; `start` binds it."""
        self.world = world
        self.url = ""
        self._runner: web.AppRunner | None = None

    def routes(self, app: web.Application) -> None:
        """Add the service's routes."""
        raise NotImplementedError

    def needs_key(self, request: web.Request) -> bool:
        """Return True when the request must carry the API key."""
        return True

    def key_of(self, request: web.Request) -> str | None:
        """Return the API key a request carries (X-Api-Key, as Seerr and *arr)."""
        return request.headers.get("X-Api-Key")

    @web.middleware
    async def _authenticate(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if self.needs_key(request) and self.key_of(request) != API_KEY:
            return web.json_response({"message": "Unauthorized"}, status=401)
        return await handler(request)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on host:port (0: any free port); return the service's URL."""
        app = web.Application(middlewares=[self._authenticate])
        self.routes(app)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.url = f"http://{bound_host}:{bound_port}"
        return self.url

    async def cut_off(self) -> None:
        """Become unreachable (connections refused) until `reconnect`."""
        await self.stop()

    async def reconnect(self) -> None:
        """Listen again on the address the service had."""
        host, port = self.url.removeprefix("http://").rsplit(":", 1)
        await self.start(host, int(port))

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def json_answer(data: Any, status: int = 200) -> web.Response:
    """Return a JSON answer."""
    return web.json_response(data, status=status)
