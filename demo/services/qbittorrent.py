"""Simulated qBittorrent 5.1 WebUI API: login, versions, sync/maindata, info.

`sync/maindata` follows the real incremental protocol (docs/protocols.md
§6.4): state per WebUI session, a full update for rid 0 or an unknown rid,
otherwise only the keys that changed since the answer with that rid, removed
torrents in `torrents_removed`, empty collections left out. Progress comes from
the clock (`demo.world.Torrent`), so each poll sees the download move on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import secrets
import time
from typing import Any
from urllib.parse import quote

from aiohttp import web

from demo.world import UNKNOWN_ETA, Torrent

from .base import SimulatedService, json_answer

USERNAME = "admin"
PASSWORD = "demo-qbittorrent"  # noqa: S105 (the simulated client's fake password)
TRACKER = "udp://tracker.example.org:1337/announce"
CATEGORIES = {
    "radarr": {"name": "radarr", "savePath": "/data/torrents/movies"},
    "tv-sonarr": {"name": "tv-sonarr", "savePath": "/data/torrents/tv"},
}
SERVER_STATE: dict[str, Any] = {
    "alltime_dl": 2199023255552,
    "alltime_ul": 1649267441664,
    "average_time_queue": 0,
    "connection_status": "connected",
    "dht_nodes": 312,
    "dl_info_data": 0,
    "dl_info_speed": 0,
    "dl_rate_limit": 0,
    "free_space_on_disk": 1870441316352,
    "global_ratio": "0.75",
    "last_external_address_v4": "203.0.113.24",
    "last_external_address_v6": "",
    "queued_io_jobs": 0,
    "queueing": True,
    "read_cache_hits": "0",
    "read_cache_overload": "0",
    "refresh_interval": 1500,
    "total_buffers_size": 0,
    "total_peer_connections": 21,
    "total_queued_size": 0,
    "total_wasted_session": 0,
    "up_info_data": 0,
    "up_info_speed": 0,
    "up_rate_limit": 0,
    "use_alt_speed_limits": False,
    "use_subcategories": False,
    "write_cache_overload": "0",
}


@dataclass(slots=True)
class _SyncState:
    """What one WebUI session was last sent (the base of the next delta)."""

    rid: int = 0
    torrents: dict[str, dict[str, Any]] = field(default_factory=dict)
    server_state: dict[str, Any] = field(default_factory=dict)


def torrent_fields(torrent: Torrent, now: float) -> dict[str, Any]:
    """Return a torrent as sync/maindata lists it (keys sorted, no `hash`)."""
    progress = torrent.progress(now)
    done = int(torrent.size * progress)
    speed = torrent.speed(now)
    finished = progress >= 1
    if finished:
        state, eta = "stalledUP", UNKNOWN_ETA
    elif speed == 0:
        state, eta = "stalledDL", UNKNOWN_ETA
    else:
        state, eta = "downloading", int((torrent.size - done) / speed)
    content = f"{torrent.save_path}/{torrent.name}"
    return {
        "added_on": int(torrent.added_on),
        "amount_left": torrent.size - done,
        "auto_tmm": True,
        "availability": 0 if speed == 0 and not finished else 4.2,
        "category": torrent.category,
        "comment": "",
        "completed": done,
        "completion_on": torrent.completed_on() if finished else -1,
        "content_path": content,
        "dl_limit": 0,
        "dlspeed": speed,
        "download_path": "",
        "downloaded": done,
        "downloaded_session": done,
        "eta": eta,
        "f_l_piece_prio": False,
        "force_start": False,
        "has_metadata": True,
        "inactive_seeding_time_limit": -2,
        "infohash_v1": torrent.hash,
        "infohash_v2": "",
        "last_activity": int(now) if speed else int(torrent.added_on),
        "magnet_uri": (
            f"magnet:?xt=urn:btih:{torrent.hash}&dn={quote(torrent.name)}"
            f"&tr={quote(TRACKER, safe='')}"
        ),
        "max_inactive_seeding_time": -1,
        "max_ratio": -1,
        "max_seeding_time": -1,
        "name": torrent.name,
        "num_complete": 40,
        "num_incomplete": 6,
        "num_leechs": 2,
        "num_seeds": 11 if speed else 0,
        "popularity": 0,
        "priority": 0 if finished else 1,
        "private": False,
        "progress": round(progress, 4),
        "ratio": 0,
        "ratio_limit": -2,
        "reannounce": 1500,
        "root_path": content,
        "save_path": torrent.save_path,
        "seeding_time": 0,
        "seeding_time_limit": -2,
        "seen_complete": int(torrent.added_on),
        "seq_dl": False,
        "size": torrent.size,
        "state": state,
        "super_seeding": False,
        "tags": "",
        "time_active": int(now - torrent.added_on),
        "total_size": torrent.size,
        "tracker": TRACKER,
        "trackers_count": 1,
        "up_limit": 0,
        "uploaded": 0,
        "uploaded_session": 0,
        "upspeed": 0,
    }


class QBittorrent(SimulatedService):
    """qBittorrent 5.1.4 (WebUI API 2.11.4) with username and password."""

    name = "qbittorrent"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Prepare the service with no sessions."""
        super().__init__(*args, **kwargs)
        self._sessions: dict[str, _SyncState] = {}

    def routes(self, app: web.Application) -> None:
        """Add the routes."""
        app.router.add_post("/api/v2/auth/login", self._login)
        app.router.add_post("/api/v2/auth/logout", self._logout)
        app.router.add_get("/api/v2/app/version", self._version)
        app.router.add_get("/api/v2/app/webapiVersion", self._api_version)
        app.router.add_get("/api/v2/sync/maindata", self._maindata)
        app.router.add_get("/api/v2/torrents/info", self._info)
        app.router.add_post("/api/v2/torrents/delete", self._delete)

    def needs_key(self, request: web.Request) -> bool:
        """No API key: the handlers check the session cookie, as qBittorrent does."""
        return False

    def _session(self, request: web.Request) -> _SyncState | None:
        return self._sessions.get(request.cookies.get("SID", ""))

    async def _login(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("username") != USERNAME or form.get("password") != PASSWORD:
            return web.Response(text="Fails.")
        sid = secrets.token_urlsafe(24)
        self._sessions[sid] = _SyncState()
        response = web.Response(text="Ok.")
        response.set_cookie("SID", sid, httponly=True, path="/", samesite="Strict")
        return response

    async def _logout(self, request: web.Request) -> web.Response:
        self._sessions.pop(request.cookies.get("SID", ""), None)
        return web.Response()

    async def _version(self, request: web.Request) -> web.Response:
        if self._session(request) is None:
            return web.Response(status=403, text="Forbidden")
        return web.Response(text="v5.1.4")

    async def _api_version(self, request: web.Request) -> web.Response:
        if self._session(request) is None:
            return web.Response(status=403, text="Forbidden")
        return web.Response(text="2.11.4")

    async def _maindata(self, request: web.Request) -> web.Response:
        state = self._session(request)
        if state is None:
            return web.Response(status=403, text="Forbidden")
        try:
            rid = int(request.query.get("rid", "0"))
        except ValueError:
            rid = 0
        now = time.time()
        torrents = {h: torrent_fields(t, now) for h, t in self.world.torrents.items()}
        server = {
            **SERVER_STATE,
            "dl_info_speed": sum(t["dlspeed"] for t in torrents.values()),
            "dl_info_data": sum(t["downloaded_session"] for t in torrents.values()),
        }
        answer: dict[str, Any] = {"rid": state.rid % 1_000_000 + 1}
        if rid == 0 or rid != state.rid:
            answer["full_update"] = True
            answer["categories"] = CATEGORIES
            answer["server_state"] = server
            if torrents:
                answer["torrents"] = torrents
                answer["trackers"] = {TRACKER: sorted(torrents)}
        else:
            changed = {
                h: {
                    k: v
                    for k, v in fields.items()
                    if state.torrents.get(h, {}).get(k) != v
                }
                for h, fields in torrents.items()
            }
            if changed := {h: c for h, c in changed.items() if c}:
                answer["torrents"] = changed
            if removed := sorted(set(state.torrents) - set(torrents)):
                answer["torrents_removed"] = removed
            if server_changes := {
                k: v for k, v in server.items() if state.server_state.get(k) != v
            }:
                answer["server_state"] = server_changes
        state.rid = answer["rid"]
        state.torrents = torrents
        state.server_state = server
        return json_answer(answer)

    async def _info(self, request: web.Request) -> web.Response:
        if self._session(request) is None:
            return web.Response(status=403, text="Forbidden")
        now = time.time()
        wanted = set(filter(None, request.query.get("hashes", "").lower().split("|")))
        return json_answer(
            [
                {"hash": h, **torrent_fields(t, now)}
                for h, t in self.world.torrents.items()
                if not wanted or h in wanted
            ]
        )

    async def _delete(self, request: web.Request) -> web.Response:
        if self._session(request) is None:
            return web.Response(status=403, text="Forbidden")
        form = await request.post()
        for torrent_hash in str(form.get("hashes", "")).lower().split("|"):
            self.world.torrents.pop(torrent_hash, None)
        return web.Response()
