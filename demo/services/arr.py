"""Simulated Sonarr v4 and Radarr v5: status, library lookups, deletes.

The webhooks they would send are posted by the scenario; here is the REST side
the integration reads: system status (validation and health), the movie or
series of a request, Sonarr's episode list (which episodes a season has, and
which have a file), and the history the scenario wrote (grabs and imports),
paged newest first as the apps answer it.
"""

from __future__ import annotations

from itertools import count
from typing import Any, ClassVar

from aiohttp import web

from .base import SimulatedService, json_answer


class _Arr(SimulatedService):
    """What Sonarr and Radarr share."""

    app_name: ClassVar[str]
    version: ClassVar[str]

    def routes(self, app: web.Application) -> None:
        """Add the shared routes."""
        app.router.add_get("/api/v3/system/status", self._status)
        app.router.add_get("/api/v3/notification", self._notifications)
        app.router.add_post("/api/v3/command", self._command)
        app.router.add_get("/api/v3/history", self._history)
        self._commands = count(1)

    async def _status(self, request: web.Request) -> web.Response:
        return json_answer(
            {
                "appName": self.app_name,
                "instanceName": self.app_name,
                "version": self.version,
                "isDebug": False,
                "isProduction": True,
                "authentication": "forms",
                "urlBase": "",
                "runtimeName": ".NET",
                "osName": "debian",
            }
        )

    async def _notifications(self, request: web.Request) -> web.Response:
        return json_answer([])

    async def _history(self, request: web.Request) -> web.Response:
        """``GET /api/v3/history``: pages of `pageSize` from page 1, by date."""
        try:
            page = int(request.query.get("page", "1"))
            size = int(request.query.get("pageSize", "10"))
        except ValueError:
            return json_answer({"message": "page and pageSize are numbers"}, 400)
        records = sorted(
            self.world.history[self.name],
            key=lambda r: (r["date"], r["id"]),
            reverse=request.query.get("sortDirection") != "ascending",
        )
        start = (max(page, 1) - 1) * size
        return json_answer(
            {
                "page": page,
                "pageSize": size,
                "sortKey": "date",
                "sortDirection": request.query.get("sortDirection", "descending"),
                "totalRecords": len(records),
                "records": records[start : start + size],
            }
        )

    async def _command(self, request: web.Request) -> web.Response:
        body = await request.json()
        return json_answer(
            {"id": next(self._commands), "name": body.get("name"), "status": "queued"},
            status=201,
        )


class Radarr(_Arr):
    """Radarr v5."""

    name = "radarr"
    app_name = "Radarr"
    version = "5.28.0.10274"

    def routes(self, app: web.Application) -> None:
        """Add the movie routes."""
        super().routes(app)
        app.router.add_get("/api/v3/movie", self._movies)
        app.router.add_delete("/api/v3/movie/{id:\\d+}", self._delete)

    async def _movies(self, request: web.Request) -> web.Response:
        movies: list[dict[str, Any]] = list(self.world.movies.values())
        if tmdb := request.query.get("tmdbId"):
            movies = [m for m in movies if str(m["tmdbId"]) == tmdb]
        return json_answer(movies)

    async def _delete(self, request: web.Request) -> web.Response:
        self.world.movies.pop(int(request.match_info["id"]), None)
        return json_answer({})


class Sonarr(_Arr):
    """Sonarr v4."""

    name = "sonarr"
    app_name = "Sonarr"
    version = "4.0.19.2979"

    def routes(self, app: web.Application) -> None:
        """Add the series and episode routes."""
        super().routes(app)
        app.router.add_get("/api/v3/series", self._series)
        app.router.add_get("/api/v3/episode", self._episodes)
        app.router.add_delete("/api/v3/series/{id:\\d+}", self._delete)

    async def _series(self, request: web.Request) -> web.Response:
        series: list[dict[str, Any]] = list(self.world.series.values())
        if tvdb := request.query.get("tvdbId"):
            series = [s for s in series if str(s["tvdbId"]) == tvdb]
        return json_answer(series)

    async def _episodes(self, request: web.Request) -> web.Response:
        try:
            series_id = int(request.query.get("seriesId", ""))
        except ValueError:
            return json_answer({"message": "seriesId is required"}, status=400)
        return json_answer(self.world.episodes.get(series_id, []))

    async def _delete(self, request: web.Request) -> web.Response:
        series_id = int(request.match_info["id"])
        self.world.series.pop(series_id, None)
        self.world.episodes.pop(series_id, None)
        return json_answer({})
