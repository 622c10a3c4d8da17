"""Simulated Jellyfin 10.11: system info and the /Items queries the integration makes.

Webhook bodies (the Webhook plugin's ItemAdded) are posted by the scenario;
this is the REST side: items by id (series provider ids for episodes), the
newest items (the availability check), title search, a series' episodes.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from .base import SimulatedService, json_answer

SERVER_ID = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
_TOKEN_RE = re.compile(r'Token="([^"]*)"')


class Jellyfin(SimulatedService):
    """Jellyfin with the items of `World.items`."""

    name = "jellyfin"

    def routes(self, app: web.Application) -> None:
        """Add the routes."""
        app.router.add_get("/System/Info", self._info)
        app.router.add_get("/Items", self._items)
        app.router.add_get("/Shows/{id}/Episodes", self._episodes)
        app.router.add_delete("/Items/{id}", self._delete)

    def key_of(self, request: web.Request) -> str | None:
        """Read `Authorization: MediaBrowser Token="…"` (or X-Emby-Token)."""
        match = _TOKEN_RE.search(request.headers.get("Authorization", ""))
        return match.group(1) if match else request.headers.get("X-Emby-Token")

    async def _info(self, request: web.Request) -> web.Response:
        return json_answer(
            {
                "ServerName": "Jellyfin",
                "Version": "10.11.5",
                "Id": SERVER_ID,
                "ProductName": "Jellyfin Server",
                "OperatingSystem": "Linux",
                "StartupWizardCompleted": True,
            }
        )

    async def _items(self, request: web.Request) -> web.Response:
        query = request.query
        items = list(self.world.items.values())
        if ids := query.get("ids"):
            wanted = {i.strip().replace("-", "").lower() for i in ids.split(",")}
            items = [i for i in items if i["Id"] in wanted]
        if types := query.get("IncludeItemTypes"):
            wanted_types = set(types.split(","))
            items = [i for i in items if i["Type"] in wanted_types]
        if term := query.get("SearchTerm"):
            items = [i for i in items if term.casefold() in i["Name"].casefold()]
        if query.get("IsMissing") == "false":
            items = [i for i in items if i.get("LocationType") != "Virtual"]
        if query.get("SortBy") == "DateCreated":
            items.sort(key=lambda i: i["DateCreated"])
        else:
            items.sort(key=lambda i: i["Name"])
        if query.get("SortOrder") == "Descending":
            items.reverse()
        total = len(items)
        start = int(query.get("StartIndex", "0"))
        limit = int(query.get("Limit", str(total or 1)))
        return json_answer(
            {
                "Items": [_dto(i) for i in items[start : start + limit]],
                "TotalRecordCount": total,
                "StartIndex": start,
            }
        )

    async def _episodes(self, request: web.Request) -> web.Response:
        series_id = request.match_info["id"].replace("-", "").lower()
        if series_id not in self.world.items:
            return json_answer({"message": "Not found"}, status=404)
        season = request.query.get("season")
        episodes = [
            _dto(i)
            for i in self.world.items.values()
            if i["Type"] == "Episode"
            and i.get("SeriesId") == series_id
            and (season is None or str(i.get("ParentIndexNumber")) == season)
        ]
        episodes.sort(key=lambda i: (i["ParentIndexNumber"], i["IndexNumber"]))
        return json_answer(
            {"Items": episodes, "TotalRecordCount": len(episodes), "StartIndex": 0}
        )

    async def _delete(self, request: web.Request) -> web.Response:
        item_id = request.match_info["id"].replace("-", "").lower()
        if self.world.items.pop(item_id, None) is None:
            return json_answer({"message": "Not found"}, status=404)
        return web.Response(status=204)


def _dto(item: dict[str, Any]) -> dict[str, Any]:
    """Return an item as the API lists it (the stored DTO plus the server id)."""
    return {"ServerId": SERVER_ID, **item}
