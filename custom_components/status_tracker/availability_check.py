"""The fallback for a missed Jellyfin webhook: look for waiting requests' items.

Every 30 s, requests that have waited over two minutes in downloaded, importing
or matching are looked for among Jellyfin's newest items, in batched pages,
never one query per request. Only items that match a waiting request are
applied: anything else is library content, not an orphan to keep.
"""

from __future__ import annotations

from datetime import datetime, timedelta
import logging
from typing import Final

from .api import JellyfinClient, ServiceError
from .const import ServiceType
from .core.observations import JellyfinItem
from .parsers.jellyfin_api import created_at, is_playable, item_from_dto
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)

AVAILABILITY_INTERVAL: Final = timedelta(seconds=30)
AVAILABILITY_MIN_WAIT: Final = timedelta(minutes=2)
RECENT_ITEMS_PAGE_SIZE: Final = 100
RECENT_ITEMS_MAX_PAGES: Final = 5
# Items created this long before a request entered its stage cannot be its
# import; older pages are not read.
RECENT_ITEMS_MARGIN: Final = timedelta(days=1)


class AvailabilityCheck:
    """Confirms one hub's waiting requests from Jellyfin, one run at a time."""

    def __init__(self, runtime: HubRuntime) -> None:
        """Check `runtime`'s requests (nothing runs yet)."""
        self._runtime = runtime
        self._running = False

    async def async_run(self, now: datetime) -> None:
        """Confirm waiting requests from Jellyfin's newest items (batched)."""
        runtime = self._runtime
        waiting = runtime.tracker.jellyfin.awaiting_availability(
            now - AVAILABILITY_MIN_WAIT
        )
        if not waiting or self._running:
            return
        self._running = True
        try:
            oldest = min(
                datetime.fromisoformat(r.stage_since or r.created_at) for r in waiting
            )
            ids = {request.id for request in waiting}
            for instance in runtime.instances_of(ServiceType.JELLYFIN):
                if isinstance(instance.client, JellyfinClient):
                    await self._async_confirm_from(
                        instance.client, oldest - RECENT_ITEMS_MARGIN, ids
                    )
        finally:
            self._running = False

    async def _async_confirm_from(
        self, client: JellyfinClient, not_before: datetime, ids: set[str]
    ) -> None:
        items: list[JellyfinItem] = []
        try:
            for page in range(RECENT_ITEMS_MAX_PAGES):
                answer = await client.async_get_recent_items(
                    ("Movie", "Episode"),
                    limit=RECENT_ITEMS_PAGE_SIZE,
                    start_index=page * RECENT_ITEMS_PAGE_SIZE,
                )
                items += [
                    item
                    for dto in answer.items
                    if is_playable(dto) and (item := item_from_dto(dto)) is not None
                ]
                created = [c for dto in answer.items if (c := created_at(dto))]
                if len(answer.items) < RECENT_ITEMS_PAGE_SIZE or (
                    created and min(created) < not_before
                ):
                    break
        except ServiceError as err:
            _LOGGER.debug("Jellyfin availability check failed: %s", err)
            return
        runtime = self._runtime
        for item in await runtime.jellyfin_series.async_complete(items, client):
            if runtime.tracker.jellyfin.would_match(item, ids):
                runtime.apply(item, keep_orphan=False)
