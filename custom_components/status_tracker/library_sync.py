"""The sync_library action: media already in the library, and ids others know.

Jellyfin's movies and series that no request tracks become library requests
(history, without entities); Sonarr's, Radarr's and Seerr's items fill in the
ids (the *arr item, the Seerr request) of requests that lack them. Jellyfin
first, since it adds requests, then the others, so one run leaves nothing for a
second one to do.
"""

from __future__ import annotations

from collections import Counter
import logging
from typing import Any, Final

from .api import JellyfinClient, RadarrClient, SeerrClient, ServiceError, SonarrClient
from .clients import ServiceInstance
from .core.observations import MediaRef, MediaType
from .core.request_table import RequestTable
from .core.tracker import SyncResult, TrackerUpdate
from .parsers.jellyfin_api import is_playable, library_item_from_dto
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)

# Items per Jellyfin library page, requests per Seerr page.
LIBRARY_PAGE_SIZE: Final = 200
SEERR_PAGE_SIZE: Final = 100
MAX_LIBRARY_ITEMS: Final = 200_000


async def async_sync_library(runtime: HubRuntime) -> dict[str, Any]:
    """Add Jellyfin's untracked media as library requests; fill missing ids.

    Jellyfin first (it adds requests), then the *arr and Seerr, which only
    fill in ids, so one run leaves nothing for a second one to do.
    """
    sync = _LibrarySync()
    for instance in runtime.instances.values():
        client = instance.client
        try:
            match client:
                case JellyfinClient():
                    await _async_sync_jellyfin(runtime, client, sync)
        except ServiceError as err:
            sync.failed(instance, err)
    for instance in runtime.instances.values():
        client = instance.client
        try:
            match client:
                case SonarrClient():
                    for series in await client.async_get_all_series():
                        sync.add(
                            runtime.tracker.library.sync_arr_item(
                                "sonarr", instance.subentry_id, series.media()
                            )
                        )
                case RadarrClient():
                    for movie in await client.async_get_all_movies():
                        sync.add(
                            runtime.tracker.library.sync_arr_item(
                                "radarr",
                                instance.subentry_id,
                                movie.media(),
                            )
                        )
                case SeerrClient():
                    await _async_sync_seerr(runtime, client, sync)
        except ServiceError as err:
            sync.failed(instance, err)
    update = sync.update(runtime.tracker.requests)
    # Shows just linked to Sonarr get their episode list at once (EpisodeLists
    # reads it for every update).
    runtime.publish(update)
    return sync.answer()


async def _async_sync_jellyfin(
    runtime: HubRuntime, client: JellyfinClient, sync: _LibrarySync
) -> None:
    start = 0
    while True:
        page = await client.async_get_library_page(
            ("Movie", "Series"), start_index=start, limit=LIBRARY_PAGE_SIZE
        )
        for dto in page.items:
            item = library_item_from_dto(dto)
            if item is None or (item.item_type == "Movie" and not is_playable(dto)):
                continue
            sync.add(
                runtime.tracker.library.sync_jellyfin_item(
                    MediaType.MOVIE if item.item_type == "Movie" else MediaType.TV,
                    item.item_id,
                    item.name,
                    item.year,
                    item.provider_ids,
                )
            )
        start += len(page.items)
        if (
            len(page.items) < LIBRARY_PAGE_SIZE
            or (page.total is not None and start >= page.total)
            # A server ignoring StartIndex and giving no total must not
            # keep the sync going forever.
            or start >= MAX_LIBRARY_ITEMS
        ):
            return


async def _async_sync_seerr(
    runtime: HubRuntime, client: SeerrClient, sync: _LibrarySync
) -> None:
    skip = 0
    while True:
        requests, pages = await client.async_get_requests_page(
            take=SEERR_PAGE_SIZE, skip=skip
        )
        for seerr_request in requests:
            media = seerr_request.media
            if media is None or seerr_request.media_type not in ("movie", "tv"):
                continue
            sync.add(
                runtime.tracker.library.sync_seerr_request(
                    MediaRef(
                        MediaType(seerr_request.media_type),
                        "",
                        tmdb_id=media.tmdb_id,
                        tvdb_id=media.tvdb_id,
                    ),
                    seerr_request.id,
                    seerr_request.requested_by,
                )
            )
        skip += SEERR_PAGE_SIZE
        if not requests or skip >= pages * SEERR_PAGE_SIZE:
            return


class _LibrarySync:
    """Counts and changes of one library sync."""

    def __init__(self) -> None:
        """Start with nothing counted."""
        self.counts: Counter[str] = Counter()
        self.failures: list[dict[str, str]] = []
        # Ordered set of changed request ids: one list for the whole run.
        self._changed: dict[str, None] = {}
        self._updates: list[TrackerUpdate] = []

    def add(self, synced: tuple[SyncResult, TrackerUpdate]) -> None:
        result, update = synced
        self.counts[result] += 1
        self._changed.update(dict.fromkeys(update.changed))
        if update.stage_changes or update.problem_changes or update.deleted:
            self._updates.append(update)

    def failed(self, instance: ServiceInstance, err: ServiceError) -> None:
        _LOGGER.debug("Library sync: %s failed: %s", instance.title, err)
        self.failures.append(
            {
                "service": str(instance.service),
                "instance": instance.title,
                "error": str(err),
            }
        )

    def update(self, requests: RequestTable) -> TrackerUpdate:
        """Return one update for everything the sync changed.

        Library requests get no entity and fire no stage events: they are
        history, not news.
        """
        update = TrackerUpdate(changed=list(self._changed), persist=bool(self._changed))
        for part in self._updates:
            update.stage_changes += [
                change
                for change in part.stage_changes
                if not requests[change.request_id].from_library
            ]
            update.problem_changes += part.problem_changes
            update.deleted += part.deleted
        return update

    def answer(self) -> dict[str, Any]:
        return {
            "scanned": sum(self.counts.values()),
            "added": self.counts[SyncResult.ADDED],
            "updated": self.counts[SyncResult.UPDATED],
            "unchanged": self.counts[SyncResult.UNCHANGED],
            "errors": len(self.failures),
            "failures": self.failures,
        }
