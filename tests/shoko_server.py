"""A fake Shoko Server (REST + SignalR hub) on 127.0.0.1 for tests.

It speaks enough of the SignalR JSON hub protocol (docs/protocols.md §7.2) for the
real pysignalr client to connect, and it behaves like ASP.NET Core where that matters
to a reconnecting client:

* ``POST /signalr/aggregate/negotiate`` hands out a fresh connection id every time
  (with ``negotiateVersion=1`` a separate connection token, which is then the id the
  WebSocket must present, exactly like ASP.NET).
* ``GET /signalr/aggregate?id=…`` accepts each negotiated id ONCE: an unknown or
  already used id gets ``404 No Connection with that ID``. A client that reconnects
  with a stale id (pysignalr's built-in websockets reconnect does) fails the way it
  would against a real Shoko.
* After the ``{"protocol":"json","version":1}`` handshake it answers ``{}`` and, on
  feed ``shoko``, sends ``ShokoEvent:OnConnected`` with a ``null`` argument.
* Client pings (type 6) are counted and, like ASP.NET, not answered.

The REST side serves ``GET /api/v3/Init/Version`` (no auth) and
``GET /api/v3/ImportFolder`` (``apikey`` header required), PascalCase like Shoko.

Tests import the ``shoko_server`` fixture from this module.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
import json
from pathlib import Path
import secrets
from typing import Any

from aiohttp import WSMsgType, web
import pytest

RECORD_SEPARATOR = "\x1e"
HUB_PATH = "/signalr/aggregate"
FIXTURES = Path(__file__).parent / "fixtures" / "shoko"
API_KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
# Generous for a busy CI machine; a healthy wait takes milliseconds.
WAIT_TIMEOUT = 10.0

VERSION = {
    "Server": {
        "Version": "5.3.3.0",
        "Commit": "4d1c1b3f0e6a9b8c7d6e5f4a3b2c1d0e9f8a7b6c",
        "ReleaseChannel": "Stable",
        "Tag": "v5.3.3",
        "ReleaseDate": "2025-11-02T00:00:00Z",
    },
    "MediaInfo": {"Version": "24.12"},
    "WebUI": {
        "Version": "2.3.0",
        "ReleaseChannel": "Stable",
        "Commit": "0a1b2c3d4e5f",
        "Tag": "v2.3.0",
        "ReleaseDate": "2025-10-20T00:00:00Z",
    },
}
IMPORT_FOLDERS = [
    {
        "ID": 2,
        "WatchForNewFiles": True,
        "DropFolderType": "Destination",
        "Path": "/data/media/anime/shows",
        "FileSize": 1_073_741_824,
        "Name": "Anime shows",
        "Size": 2,
    },
    {
        "ID": 3,
        "WatchForNewFiles": True,
        "DropFolderType": "Destination",
        "Path": "/data/media/anime/movies",
        "FileSize": 2_147_483_648,
        "Name": "Anime movies",
        "Size": 1,
    },
]


def load_fixture(name: str) -> dict[str, Any]:
    """Return one tests/fixtures/shoko message (``file_matched`` or ``file_matched.json``)."""
    filename = name if name.endswith(".json") else f"{name}.json"
    data: dict[str, Any] = json.loads((FIXTURES / filename).read_text("utf-8"))
    return data


def encode(*records: dict[str, Any]) -> str:
    """Return one WebSocket text frame carrying the given records."""
    return "".join(json.dumps(record) + RECORD_SEPARATOR for record in records)


@dataclass
class HubSocket:
    """One client that completed the SignalR handshake."""

    ws: web.WebSocketResponse
    request: web.Request
    connection_id: str
    feeds: frozenset[str]
    received: list[dict[str, Any]] = field(default_factory=list)


SHOKO_SUBENTRY_ID = "shoko_subentry"


class ShokoServer:
    """The fake Shoko Server; see the module docstring."""

    def __init__(self, api_key: str = API_KEY) -> None:
        """Prepare the server (``start`` binds it)."""
        self.api_key = api_key
        self.url = ""
        # Set to e.g. 500 to refuse negotiation (Shoko starting up, a proxy error...).
        self.negotiate_status = 200
        # Set to answer WebSocket requests with this status (a misconfigured proxy).
        self.socket_status: int | None = None
        # Set to accept WebSockets but never answer the SignalR handshake.
        self.stall_handshake = False
        self.stalled_sockets = 0  # stalled sockets still open
        self.stalled_total = 0
        # Counters and records the tests assert on.
        self.negotiations = 0
        self.connections = 0  # completed handshakes, ever
        self.pings_received = 0
        self.rejected_sockets = 0  # WebSocket requests with an unknown/used id
        self.requested_urls: list[str] = []  # path + query of every request
        self.negotiate_headers: list[dict[str, str]] = []
        self.socket_headers: list[dict[str, str]] = []
        self.socket_queries: list[dict[str, str]] = []
        self.handshakes: list[Any] = []
        self.received: list[dict[str, Any]] = []  # client messages other than pings
        self.rest_headers: list[dict[str, str]] = []
        self._pending_ids: dict[str, str] = {}  # id for the socket -> connection id
        self._sockets: dict[web.WebSocketResponse, HubSocket] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None

    # --- life cycle -------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Bind to `port` on 127.0.0.1 (a random free one by default).

        A server that was closed can be started again on its old port: Shoko
        restarting, as its clients see it.
        """
        app = web.Application(middlewares=[self._record_request])
        app.router.add_post(f"{HUB_PATH}/negotiate", self._negotiate)
        app.router.add_get(HUB_PATH, self._hub)
        app.router.add_get("/api/v3/Init/Version", self._version)
        app.router.add_get("/api/v3/ImportFolder", self._import_folders)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def close(self) -> None:
        """Close every socket and stop listening."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def subentry(self) -> dict[str, Any]:
        """Return the hub's stored subentry of this Shoko (subentry id shoko_subentry)."""
        return {
            "data": {"url": self.url, "api_key": self.api_key, "verify_ssl": True},
            "subentry_id": SHOKO_SUBENTRY_ID,
            "subentry_type": "shoko",
            "title": "Shoko (127.0.0.1)",
            "unique_id": self.url,
        }

    @property
    def hub_url(self) -> str:
        """Return the hub URL a Shoko client uses (events of feed ``shoko``)."""
        return f"{self.url}{HUB_PATH}?feeds=shoko"

    @property
    def open_sockets(self) -> int:
        """Return how many clients are connected right now."""
        return len(self._sockets)

    # --- what a test does ---------------------------------------------------------

    async def send_records(self, *records: dict[str, Any]) -> int:
        """Send the records in ONE frame to every connected client; return how many."""
        frame = encode(*records)
        sockets = list(self._sockets)
        for ws in sockets:
            await ws.send_str(frame)
        return len(sockets)

    async def send(self, target: str, *arguments: Any) -> int:
        """Send one invocation (type 1) to every connected client."""
        return await self.send_records(
            {"type": 1, "target": target, "arguments": list(arguments)}
        )

    async def send_fixture(self, *names: str) -> int:
        """Send the named fixture messages, all in ONE frame, to every client."""
        return await self.send_records(*(load_fixture(name) for name in names))

    async def ping(self) -> int:
        """Send a SignalR ping (type 6) to every client, as ASP.NET does every 15 s."""
        return await self.send_records({"type": 6})

    async def drop(
        self, *, close_message: bool = False, error: str | None = None
    ) -> None:
        """Disconnect every client.

        By default the TCP connections are aborted (no close frame: a crash or a
        network cut). With ``close_message`` (or ``error``) the server first sends a
        SignalR close message (type 7, like a server shutting down) and then closes
        the WebSocket properly.
        """
        for ws, hub_socket in list(self._sockets.items()):
            if close_message or error is not None:
                record: dict[str, Any] = {"type": 7, "allowReconnect": True}
                if error is not None:
                    record["error"] = error
                await ws.send_str(encode(record))
                await ws.close()
            elif (transport := hub_socket.request.transport) is not None:
                transport.abort()

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds (re-checked on every server event)."""
        async with asyncio.timeout(WAIT_TIMEOUT), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_connected(self, count: int = 1) -> None:
        """Wait until ``count`` handshakes have completed since the start."""
        await self.wait_for(lambda: self.connections >= count)

    async def wait_disconnected(self) -> None:
        """Wait until no client is connected."""
        await self.wait_for(lambda: not self._sockets)

    async def wait_pings(self, count: int) -> None:
        """Wait until ``count`` client pings have arrived since the start."""
        await self.wait_for(lambda: self.pings_received >= count)

    async def wait_negotiations(self, count: int) -> None:
        """Wait until ``count`` negotiate requests have arrived since the start."""
        await self.wait_for(lambda: self.negotiations >= count)

    # --- handlers -----------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    @web.middleware
    async def _record_request(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Any],
    ) -> web.StreamResponse:
        self.requested_urls.append(str(request.rel_url))
        response: web.StreamResponse = await handler(request)
        return response

    async def _negotiate(self, request: web.Request) -> web.Response:
        self.negotiations += 1
        self.negotiate_headers.append(dict(request.headers))
        await self._notify()
        if self.negotiate_status != 200:
            return web.Response(
                status=self.negotiate_status, text="Negotiation refused"
            )
        connection_id = secrets.token_urlsafe(16)
        # ASP.NET answers with min(requested, 1); version 0 has no token and the
        # connection id itself is what the client passes as ``id``.
        version = (
            1 if request.query.get("negotiateVersion", "0") not in ("", "0") else 0
        )
        body: dict[str, Any] = {
            "negotiateVersion": version,
            "connectionId": connection_id,
            "availableTransports": [
                {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]},
                {"transport": "ServerSentEvents", "transferFormats": ["Text"]},
                {"transport": "LongPolling", "transferFormats": ["Text", "Binary"]},
            ],
        }
        if version:
            token = secrets.token_urlsafe(16)
            body["connectionToken"] = token
            self._pending_ids[token] = connection_id
        else:
            self._pending_ids[connection_id] = connection_id
        return web.json_response(body)

    async def _hub(self, request: web.Request) -> web.StreamResponse:
        if self.socket_status is not None:
            return web.Response(status=self.socket_status, text="Refused")
        socket_id = request.query.get("id")
        if socket_id is None:
            # Negotiation is optional for WebSockets: ASP.NET makes up an id.
            connection_id = secrets.token_urlsafe(16)
        elif (connection_id_or_none := self._pending_ids.pop(socket_id, None)) is None:
            self.rejected_sockets += 1
            await self._notify()
            return web.Response(status=404, text="No Connection with that ID")
        else:
            connection_id = connection_id_or_none

        ws = web.WebSocketResponse()
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Expected a WebSocket request")
        self.socket_headers.append(dict(request.headers))
        self.socket_queries.append(dict(request.query))
        await ws.prepare(request)
        if self.stall_handshake:
            return await self._stall(ws)

        message = await ws.receive(timeout=WAIT_TIMEOUT)
        if message.type is not WSMsgType.TEXT:
            await ws.close()
            return ws
        first, _, rest = str(message.data).partition(RECORD_SEPARATOR)
        handshake = json.loads(first)
        self.handshakes.append(handshake)
        if handshake != {"protocol": "json", "version": 1}:
            await ws.send_str(
                encode({"error": f"Unsupported handshake {first!r}"}),
            )
            await ws.close()
            return ws
        await ws.send_str(encode({}))

        feeds = frozenset(
            feed.strip().lower()
            for feed in request.query.get("feeds", "").split(",")
            if feed.strip()
        )
        hub_socket = HubSocket(ws, request, connection_id, feeds)
        if "shoko" in feeds:
            await ws.send_str(encode(load_fixture("on_connected")))
        self._sockets[ws] = hub_socket
        self.connections += 1
        await self._notify()
        try:
            await self._handle_records(hub_socket, rest)
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._handle_records(hub_socket, str(message.data))
        finally:
            del self._sockets[ws]
            await self._notify()
        return ws

    async def _stall(self, ws: web.WebSocketResponse) -> web.WebSocketResponse:
        self.stalled_sockets += 1
        self.stalled_total += 1
        await self._notify()
        try:
            async for _ in ws:
                pass
        finally:
            self.stalled_sockets -= 1
            await self._notify()
        return ws

    async def _handle_records(self, hub_socket: HubSocket, data: str) -> None:
        for raw in data.split(RECORD_SEPARATOR):
            if not raw:
                continue
            record = json.loads(raw)
            if record.get("type") == 6:
                # ASP.NET does not answer pings: they only keep the link alive.
                self.pings_received += 1
            elif record.get("type") == 7:
                await hub_socket.ws.close()
            else:
                self.received.append(record)
                hub_socket.received.append(record)
        await self._notify()

    async def _version(self, request: web.Request) -> web.Response:
        return web.json_response(VERSION)

    async def _import_folders(self, request: web.Request) -> web.Response:
        self.rest_headers.append(dict(request.headers))
        if request.headers.get("apikey") != self.api_key:
            return web.json_response(
                {"title": "Unauthorized", "status": 401}, status=401
            )
        return web.json_response(IMPORT_FOLDERS)


@pytest.fixture
async def shoko_server(socket_enabled: None) -> AsyncGenerator[ShokoServer]:
    """Run a fake Shoko Server on 127.0.0.1 for the duration of a test."""
    server = ShokoServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
