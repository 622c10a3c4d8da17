"""Jellyfin episodes with their series' provider ids (one batched lookup per series).

Jellyfin's webhook and its item list carry an episode's own ids only; the
series is known by its Jellyfin id. Its TMDB/TVDB/IMDb ids are read once, for
all unknown series at a time, and kept in a small cache.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
import logging
from typing import Final

from .api import JellyfinClient, ServiceError
from .core.observations import JellyfinItem

_LOGGER = logging.getLogger(__name__)

# Series kept (Jellyfin series id -> provider ids), so each costs one lookup.
SERIES_CACHE_SIZE: Final = 256


class JellyfinSeries:
    """The provider ids of the Jellyfin series one hub has seen, bounded."""

    def __init__(self) -> None:
        """Start with an empty cache."""
        self._provider_ids: OrderedDict[str, dict[str, str]] = OrderedDict()

    async def async_complete(
        self, items: list[JellyfinItem], client: JellyfinClient
    ) -> list[JellyfinItem]:
        """Add the series' provider ids to Jellyfin episodes.

        The series not cached yet are looked up in one call; a failed lookup is
        logged at debug level and the episodes go on without them.
        """
        known = self._provider_ids
        unknown = {
            item.series_id
            for item in items
            if item.item_type == "Episode"
            and item.series_id
            and item.series_provider_ids is None
            and item.series_id not in known
        }
        if unknown:
            try:
                found = await client.async_get_provider_ids(sorted(unknown))
            except ServiceError as err:
                _LOGGER.debug("Could not look up Jellyfin series: %s", err)
                found = None
            if found is not None:
                for series_id in unknown:
                    known[series_id] = found.get(series_id, {})
                while len(known) > SERIES_CACHE_SIZE:
                    known.popitem(last=False)
        return [
            replace(item, series_provider_ids=ids)
            if item.series_provider_ids is None
            and (ids := known.get(item.series_id or "")) is not None
            else item
            for item in items
        ]
