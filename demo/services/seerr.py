"""Simulated Seerr: status, API key check, requests, and the posters of the demo titles.

Its request list is the world's (`World.requests`, paged and sorted as Seerr
does), so what Seerr notified while Home Assistant was away can be read back.

The real Seerr links TMDB posters; the demo has no network, so its Seerr
serves a drawn poster for each title at /posters/<name>.svg and the webhook
bodies point there.
"""

from __future__ import annotations

import hashlib
from html import escape
from urllib.parse import quote

from aiohttp import web

from .base import SimulatedService, json_answer

POSTER_PATH = "/posters"


class Seerr(SimulatedService):
    """Seerr 2.7 as the integration sees it."""

    name = "seerr"

    def routes(self, app: web.Application) -> None:
        """Add the routes."""
        app.router.add_get("/api/v1/status", self._status)
        app.router.add_get("/api/v1/auth/me", self._me)
        app.router.add_get(POSTER_PATH + "/{name}", self._poster)
        app.router.add_get("/api/v1/request", self._requests)
        app.router.add_get("/api/v1/{kind:movie|tv}/{tmdb_id:\\d+}", self._title)
        app.router.add_delete("/api/v1/request/{id}", self._deleted)
        app.router.add_delete("/api/v1/media/{id}", self._deleted)

    def needs_key(self, request: web.Request) -> bool:
        """Status and posters are public, as in Seerr."""
        return not (
            request.path == "/api/v1/status" or request.path.startswith(POSTER_PATH)
        )

    def poster_url(self, title: str) -> str:
        """Return the poster address of a title."""
        return f"{self.url}{POSTER_PATH}/{quote(title)}.svg"

    async def _status(self, request: web.Request) -> web.Response:
        return json_answer({"version": "2.7.3", "commitTag": "v2.7.3"})

    async def _me(self, request: web.Request) -> web.Response:
        return json_answer({"id": 1, "displayName": "demo", "permissions": 2})

    async def _requests(self, request: web.Request) -> web.Response:
        """``GET /api/v1/request``: `take`/`skip` pages, sorted by id or updatedAt."""
        query = request.query
        try:
            take = int(query.get("take", "10"))
            skip = int(query.get("skip", "0"))
        except ValueError:
            return json_answer({"message": "take and skip are numbers"}, status=400)
        key = "updatedAt" if query.get("sort") == "modified" else "id"
        records = sorted(
            self.world.requests.values(),
            key=lambda r: (r[key], r["id"]),
            reverse=query.get("sortDirection", "desc") == "desc",
        )
        pages = max(1, -(-len(records) // take)) if take > 0 else 1
        return json_answer(
            {
                "pageInfo": {
                    "pages": pages,
                    "pageSize": take,
                    "results": len(records),
                    "page": skip // take + 1 if take > 0 else 1,
                },
                "results": records[skip : skip + take],
            }
        )

    async def _title(self, request: web.Request) -> web.Response:
        key = f"{request.match_info['kind']}/{request.match_info['tmdb_id']}"
        if (title := self.world.titles.get(key)) is None:
            return json_answer({"message": "Unable to retrieve media."}, status=500)
        return json_answer(title)

    async def _deleted(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _poster(self, request: web.Request) -> web.Response:
        title = request.match_info["name"].removesuffix(".svg")
        return web.Response(body=poster_svg(title), content_type="image/svg+xml")


def poster_svg(title: str) -> str:
    """Return a 2:3 poster with the title on a colour of its own."""
    hue = int(hashlib.sha256(title.encode()).hexdigest()[:4], 16) % 360
    words = escape(title).split()
    top = 150 - 18 * (len(words) - 1)
    text = "".join(
        f'<text x="100" y="{top + 36 * i}" font-size="30" font-weight="bold" '
        f'text-anchor="middle" fill="#fff" font-family="sans-serif">{word}</text>'
        for i, word in enumerate(words)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="300">'
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="hsl({hue},55%,45%)"/>'
        f'<stop offset="1" stop-color="hsl({(hue + 40) % 360},60%,20%)"/>'
        '</linearGradient></defs><rect width="200" height="300" fill="url(#g)"/>'
        f"{text}</svg>"
    )
