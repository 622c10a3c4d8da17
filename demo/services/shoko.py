"""Simulated Shoko Server 5.3: REST v3 and the SignalR aggregate hub.

The hub speaks the SignalR JSON protocol (docs/protocols.md §7.2) well enough
for the integration's pysignalr client: negotiate (with a connection token),
WebSocket, `{"protocol":"json","version":1}` handshake answered with `{}`,
records ending in 0x1E, `ShokoEvent:OnConnected` on joining feed `shoko`, a
ping every 15 s like ASP.NET, client pings accepted silently. The scenario
sends file events with `broadcast`.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
import json
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from .base import API_KEY, SimulatedService, json_answer

RECORD_SEPARATOR = "\x1e"
HUB_PATH = "/signalr/aggregate"
PING_INTERVAL = 15.0
VERSION = {
    "Server": {
        "Version": "5.3.3.0",
        "Commit": "4d1c1b3f0e6a9b8c7d6e5f4a3b2c1d0e9f8a7b6c",
        "ReleaseChannel": "Stable",
        "Tag": "v5.3.3",
        "ReleaseDate": "2025-11-02T00:00:00Z",
    },
    "MediaInfo": {"Version": "24.12"},
}


def encode(*records: dict[str, Any]) -> str:
    """Return one WebSocket text frame carrying the records."""
    return "".join(json.dumps(record) + RECORD_SEPARATOR for record in records)


class Shoko(SimulatedService):
    """Shoko Server with the import folders of `World.import_folders`."""

    name = "shoko"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Prepare the service with no hub clients."""
        super().__init__(*args, **kwargs)
        self._pending: set[str] = set()  # negotiated, not yet connected
        self._sockets: set[web.WebSocketResponse] = set()

    @property
    def clients(self) -> int:
        """Return how many clients listen to feed `shoko`."""
        return len(self._sockets)

    def routes(self, app: web.Application) -> None:
        """Add the routes."""
        app.router.add_post("/api/auth", self._auth)
        app.router.add_get("/api/v3/Init/Version", self._version)
        app.router.add_get("/api/v3/ImportFolder", self._import_folders)
        app.router.add_get("/api/v3/File/PathEndsWith", self._no_files)
        app.router.add_get("/api/v3/Action/RemoveMissingFiles/{flag}", self._ok)
        app.router.add_post(f"{HUB_PATH}/negotiate", self._negotiate)
        app.router.add_get(HUB_PATH, self._hub)

    def needs_key(self, request: web.Request) -> bool:
        """REST v3 needs the key, except the version; the v5 hub does not."""
        return request.path.startswith("/api/v3/") and request.path != (
            "/api/v3/Init/Version"
        )

    def key_of(self, request: web.Request) -> str | None:
        """Read the `apikey` header (or query parameter)."""
        return request.headers.get("apikey") or request.query.get("apikey")

    async def broadcast(self, message: dict[str, Any]) -> int:
        """Send one invocation record to every client; return how many got it."""
        frame = encode(message)
        sent = 0
        for ws in list(self._sockets):
            with suppress(ConnectionError, RuntimeError):
                await ws.send_str(frame)
                sent += 1
        return sent

    async def stop(self) -> None:
        """Close the hub connections, then stop listening."""
        for ws in list(self._sockets):
            await ws.close()
        await super().stop()

    async def _auth(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("user") != "Default" or body.get("pass", "") != "":
            return json_answer({"title": "Unauthorized", "status": 401}, status=401)
        return json_answer({"apikey": API_KEY})

    async def _version(self, request: web.Request) -> web.Response:
        return json_answer(VERSION)

    async def _import_folders(self, request: web.Request) -> web.Response:
        return json_answer(
            [
                {
                    "ID": folder_id,
                    "WatchForNewFiles": True,
                    "DropFolderType": "Destination",
                    "Path": path,
                    "FileSize": 0,
                    "Name": f"Import folder {folder_id}",
                    "Size": 0,
                }
                for folder_id, path in sorted(self.world.import_folders.items())
            ]
        )

    async def _no_files(self, request: web.Request) -> web.Response:
        return json_answer([])

    async def _ok(self, request: web.Request) -> web.Response:
        return web.Response()

    async def _negotiate(self, request: web.Request) -> web.Response:
        # Like ASP.NET: with negotiateVersion=1 the WebSocket presents a
        # separate connection token, with version 0 (pysignalr) the id itself.
        version = 0 if request.query.get("negotiateVersion", "0") in ("", "0") else 1
        connection_id = secrets.token_urlsafe(16)
        body: dict[str, Any] = {
            "negotiateVersion": version,
            "connectionId": connection_id,
            "availableTransports": [
                {"transport": "WebSockets", "transferFormats": ["Text", "Binary"]}
            ],
        }
        if version:
            body["connectionToken"] = secrets.token_urlsafe(16)
        self._pending.add(body.get("connectionToken", connection_id))
        return json_answer(body)

    async def _hub(self, request: web.Request) -> web.StreamResponse:
        token = request.query.get("id")
        if token is not None:
            if token not in self._pending:
                return web.Response(status=404, text="No Connection with that ID")
            self._pending.discard(token)
        ws = web.WebSocketResponse()
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Expected a WebSocket request")
        await ws.prepare(request)
        try:
            message = await ws.receive(timeout=10)
        except TimeoutError:
            await ws.close()
            return ws
        handshake = str(message.data).split(RECORD_SEPARATOR, 1)[0]
        if message.type is not WSMsgType.TEXT or json.loads(handshake) != {
            "protocol": "json",
            "version": 1,
        }:
            await ws.send_str(encode({"error": "Unsupported handshake"}))
            await ws.close()
            return ws
        await ws.send_str(encode({}))
        feeds = {f.strip().lower() for f in request.query.get("feeds", "").split(",")}
        if "shoko" in feeds:
            await ws.send_str(
                encode(
                    {"type": 1, "target": "ShokoEvent:OnConnected", "arguments": [None]}
                )
            )
            self._sockets.add(ws)
        pinger = asyncio.create_task(self._ping(ws))
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    break
                # Client pings (type 6) only keep the link alive; a close
                # message (type 7) ends it.
                records = str(message.data).split(RECORD_SEPARATOR)
                if any(r and json.loads(r).get("type") == 7 for r in records):
                    break
        finally:
            pinger.cancel()
            self._sockets.discard(ws)
            await ws.close()
        return ws

    async def _ping(self, ws: web.WebSocketResponse) -> None:
        while not ws.closed:
            await asyncio.sleep(PING_INTERVAL)
            with suppress(ConnectionError, RuntimeError):
                await ws.send_str(encode({"type": 6}))
