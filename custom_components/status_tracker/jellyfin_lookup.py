"""Look one request up in Jellyfin (verify, retry, media already there).

Only exact provider-id matches of playable items count. The answers are the
same `JellyfinItem` observations the webhook gives, so the tracker's rules
decide what they change.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from dataclasses import replace

from .api import JellyfinClient
from .core.correlation import int_or_none
from .core.lifecycle import in_requested_seasons
from .core.model import Request
from .core.observations import JellyfinItem, MediaType
from .parsers.jellyfin_api import is_playable, item_from_dto, library_item_from_dto


async def async_find_request_items(
    client: JellyfinClient, request: Request
) -> list[JellyfinItem]:
    """Return the playable Jellyfin items of a request (movie, or its episodes)."""
    if request.media_type is MediaType.MOVIE:
        return [
            item
            for dto in await client.async_search("Movie", request.title)
            if is_playable(dto)
            and (item := item_from_dto(dto)) is not None
            and _same_media(request, item.provider_ids)
        ]
    series = await _async_find_series(client, request)
    if series is None:
        return []
    series_id, series_ids = series
    return [
        replace(item, series_provider_ids=series_ids)
        for dto in await client.async_get_series_episodes(series_id)
        if is_playable(dto)
        and (item := item_from_dto(dto)) is not None
        and item.season is not None
        and in_requested_seasons(request, item.season)
    ]


async def _async_find_series(
    client: JellyfinClient, request: Request
) -> tuple[str, dict[str, str]] | None:
    """Return the Jellyfin id and provider ids of the request's series."""
    if request.jellyfin_series_id:
        found = await client.async_get_provider_ids([request.jellyfin_series_id])
        if (ids := found.get(request.jellyfin_series_id)) is not None:
            return request.jellyfin_series_id, ids
    for dto in await client.async_search("Series", request.title):
        series = library_item_from_dto(dto)
        if series is not None and _same_media(request, series.provider_ids):
            return series.item_id, series.provider_ids
    return None


def _same_media(request: Request, provider_ids: dict[str, str]) -> bool:
    """Return True when an item's provider ids name the request's media exactly."""
    if request.tmdb_id is not None and int_or_none(provider_ids.get("tmdb")) == (
        request.tmdb_id
    ):
        return True
    if request.tvdb_id is not None and int_or_none(provider_ids.get("tvdb")) == (
        request.tvdb_id
    ):
        return True
    return bool(request.imdb_id) and provider_ids.get("imdb") == request.imdb_id
