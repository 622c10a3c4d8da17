"""Reconciliation: read what the services did while Home Assistant did not listen.

Seerr, Sonarr, Radarr and Jellyfin send each webhook once. Those answered are
journaled (journal.py); those sent while Home Assistant was stopped, restarting
or cut off from the service were refused and are gone. Each of these services
keeps a history, so at start-up (a reload is one) and whenever a service is
reachable again, each instance is asked what happened since its watermark (its
last webhook, or the last reading of its history) and the answers go through
the tracker's rules like webhooks, with the times the services give:

* Seerr: its request list, most recently modified first;
* Sonarr and Radarr: their history (grabs, imports, file deletions), then,
  for approved requests they were not heard adding (its webhook may be what
  was lost, and no history record tells of an addition before the grab), the
  movie or series itself, whose ``added`` dates it;
* Jellyfin: the items added, newest first.

qBittorrent needs nothing: its first poll after a start or an outage reads its
full state. The rules record facts idempotently, so a fact a webhook (or an
earlier reading) brought adds nothing twice. A first start has no watermark: it
reads nothing (the library sync is there for what came before), it only sets
one. Each reading is bounded (api/history.py); one that fails is tried again
after RETRY_AFTER from the same watermark. How the last one went is kept per
instance and shown in diagnostics.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Container, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
import logging
from typing import Final

from homeassistant.core import callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .api import JellyfinClient, RadarrClient, SeerrClient, ServiceError, SonarrClient
from .api.arr import ArrClient, ArrMovie, ArrSeries
from .api.history import HistoryEvent, HistoryRead
from .clients import ServiceInstance
from .const import ServiceType
from .coordinator import QBittorrentCoordinator, ServiceCoordinator
from .core.model import Request
from .core.observations import (
    ArrGrab,
    ArrImport,
    ArrMediaAdded,
    ArrService,
    JellyfinItem,
    MediaType,
)
from .reconciliation_log import LastReconciliation
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)

# Read this much before the watermark: the services' clocks and Home
# Assistant's may differ, and reading a fact twice costs nothing.
CLOCK_MARGIN: Final = timedelta(minutes=5)
# A reading that failed is tried again after this long (the health check may
# not notice: a service can answer it and fail on its history).
RETRY_AFTER: Final = timedelta(minutes=15)
# Approved requests looked up in each *arr per reading (one call each).
MAX_ADDITION_LOOKUPS: Final = 20
# Facts applied between two yields to the event loop: a long outage's history
# must not hold it (each apply takes well under a millisecond).
APPLY_BATCH: Final = 20
# The order facts of the same second are applied in: a request before what
# the *arr did for it, before Jellyfin has it.
SERVICE_ORDER: Final = {
    ServiceType.SEERR: 0,
    ServiceType.SONARR: 1,
    ServiceType.RADARR: 1,
    ServiceType.JELLYFIN: 2,
}


class Reconciliation:
    """Reads the histories of one hub's services, one reading at a time."""

    def __init__(self, runtime: HubRuntime) -> None:
        """Prepare the reconciliation of `runtime`'s hub (no I/O)."""
        self._runtime = runtime
        self._task: asyncio.Task[None] | None = None
        # Instances to read in the running or the next reading.
        self._wanted: set[str] = set()
        # The timer of the next try of the readings that failed, and theirs.
        self._retry: Callable[[], None] | None = None
        self._failed: set[str] = set()

    @callback
    def async_start(self) -> None:
        """Read every instance's history now, then each one's again when it is back.

        "Back" is a health check that works after one that failed.
        """
        runtime = self._runtime
        for subentry_id, coordinator in runtime.coordinators.items():
            if subentry_id in runtime.instances and (
                runtime.instances[subentry_id].service in SERVICE_ORDER
            ):
                runtime.entry.async_on_unload(
                    coordinator.async_add_listener(
                        self._when_back(subentry_id, coordinator)
                    )
                )
        self.schedule(
            subentry_id
            for subentry_id, instance in runtime.instances.items()
            if instance.service in SERVICE_ORDER
        )

    def _when_back(
        self, subentry_id: str, coordinator: ServiceCoordinator
    ) -> Callable[[], None]:
        reachable = True

        @callback
        def health_checked() -> None:
            nonlocal reachable
            was_reachable, reachable = reachable, coordinator.last_update_success
            if reachable and not was_reachable:
                self.schedule([subentry_id])

        return health_checked

    @callback
    def schedule(self, subentry_ids: Iterable[str]) -> None:
        """Read these instances' histories, after the reading in progress if any."""
        self._wanted.update(subentry_ids)
        if self._task is not None and not self._task.done():
            return
        runtime = self._runtime
        runtime.histories_read.clear()
        self._task = runtime.entry.async_create_background_task(
            runtime.hass, self._async_run(), "Status Tracker reconciliation"
        )

    @callback
    def cancel(self) -> None:
        """Stop a reading in progress and the next try (unload)."""
        if self._task is not None:
            self._task.cancel()
        if self._retry is not None:
            self._retry()
            self._retry = None

    async def _async_run(self) -> None:
        try:
            await self._async_read_wanted()
        finally:
            self._runtime.histories_read.set()

    async def _async_read_wanted(self) -> None:
        runtime = self._runtime
        # The journal first: it holds what came before the kill, in order.
        await runtime.journal_replayed.wait()
        while self._wanted:
            wanted, self._wanted = self._wanted, set()
            instances = sorted(
                (
                    runtime.instances[subentry_id]
                    for subentry_id in wanted
                    if subentry_id in runtime.instances
                ),
                key=lambda instance: SERVICE_ORDER[instance.service],
            )
            await self._async_reconcile(instances)

    async def _async_reconcile(self, instances: list[ServiceInstance]) -> None:
        """Read the instances' histories, then apply what they say, oldest first."""
        runtime = self._runtime
        found: list[tuple[datetime, int, ServiceInstance, HistoryEvent]] = []
        for instance in instances:
            started = dt_util.utcnow()
            since = runtime.watermark(instance.subentry_id)
            if since is None:
                runtime.reconciliations[instance.subentry_id] = LastReconciliation(
                    at=started
                )
                continue
            try:
                read = await self._async_read(instance, since - CLOCK_MARGIN)
            except ServiceError as err:
                _LOGGER.debug(
                    "Could not read the history of %s: %s", instance.title, err
                )
                runtime.reconciliations[instance.subentry_id] = LastReconciliation(
                    at=started, since=since, error=str(err)
                )
                self._retry_later(instance.subentry_id)
                continue
            if not read.complete:
                _LOGGER.warning(
                    "%s has more history since %s than one reading takes: "
                    "what happened before %s is not read",
                    instance.title,
                    since.isoformat(timespec="seconds"),
                    read.events[0].at.isoformat(timespec="seconds")
                    if read.events
                    else "now",
                )
            runtime.reconciliations[instance.subentry_id] = LastReconciliation(
                at=started,
                since=since,
                recovered=len(read.events),
                calls=read.calls,
                complete=read.complete,
            )
            order = SERVICE_ORDER[instance.service]
            found.extend((event.at, order, instance, event) for event in read.events)
        found.sort(key=lambda item: (item[0], item[1]))
        await self._async_apply(found)
        for instance in instances:
            last = runtime.reconciliations[instance.subentry_id]
            if (
                isinstance(instance.client, ArrClient)
                and last.since is not None
                and last.error is None
            ):
                await self._async_recover_additions(
                    instance, instance.client, last, last.since - CLOCK_MARGIN
                )
        # Keep the new watermarks, a first start's too: without one, the next
        # start would read nothing of what was refused in between.
        runtime.store.schedule_save(runtime.store_data)

    async def _async_recover_additions(
        self,
        instance: ServiceInstance,
        client: ArrClient,
        last: LastReconciliation,
        since: datetime,
    ) -> None:
        """Ask the *arr for the approved requests it was not heard adding.

        After the history, a request still approved may have been added while
        its webhook was refused: the movie or series says when it was added.
        One call per request (at most MAX_ADDITION_LOOKUPS), counted in the
        reading's calls; an addition before `since` (the reading's) was heard
        or was no news then, and is left alone.
        """
        runtime = self._runtime
        service = ArrService(str(instance.service))
        media_type = MediaType.TV if service is ArrService.SONARR else MediaType.MOVIE
        waiting = [
            (request, media_id)
            for request in runtime.tracker.active()
            if request.awaiting_arr
            and request.media_type is media_type
            and (media_id := _lookup_id(client, request)) is not None
        ][:MAX_ADDITION_LOOKUPS]
        calls = recovered = 0
        for request, media_id in waiting:
            calls += 1
            try:
                item = await _async_arr_item(client, media_id)
            except ServiceError as err:
                _LOGGER.debug("Could not look %s up: %s", request.title, err)
                break
            if item is None or item.added is None or item.added < since:
                continue
            recovered += 1
            runtime.apply(
                ArrMediaAdded(
                    service=service,
                    instance_id=instance.subentry_id,
                    media=item.media(),
                ),
                at=item.added,
            )
        if calls:
            runtime.reconciliations[instance.subentry_id] = replace(
                last, calls=last.calls + calls, recovered=last.recovered + recovered
            )

    @callback
    def _retry_later(self, subentry_id: str) -> None:
        """Read this instance again after RETRY_AFTER (with any others failing)."""
        self._failed.add(subentry_id)
        if self._retry is not None:
            return

        @callback
        def retry(_: datetime) -> None:
            self._retry = None
            again, self._failed = self._failed, set()
            self.schedule(again)

        self._retry = async_call_later(self._runtime.hass, RETRY_AFTER, retry)

    async def _async_read(
        self, instance: ServiceInstance, since: datetime
    ) -> HistoryRead:
        """Ask one instance for what happened since `since`."""
        match instance.client:
            case ArrClient() as arr:
                return await arr.async_history_since(
                    since, instance_id=instance.subentry_id
                )
            case SeerrClient() as seerr:
                return await seerr.async_history_since(
                    since, known_request_ids=_KnownSeerrRequests(self._runtime)
                )
            case JellyfinClient() as jellyfin:
                return await self._async_read_jellyfin(jellyfin, since)
            case _:  # pragma: no cover - SERVICE_ORDER names those with a history
                raise TypeError(f"{instance.service} keeps no history")

    async def _async_read_jellyfin(
        self, client: JellyfinClient, since: datetime
    ) -> HistoryRead:
        """Read Jellyfin's added items; episodes get their series' ids."""
        read = await client.async_history_since(since)
        # As a webhook's, episodes need their series' ids (one batched call).
        items = [e.observation for e in read.events]
        if any(isinstance(item, JellyfinItem) for item in items):
            completed = iter(
                await self._runtime.jellyfin_series.async_complete(
                    [item for item in items if isinstance(item, JellyfinItem)], client
                )
            )
            events = tuple(
                HistoryEvent(event.at, next(completed))
                if isinstance(event.observation, JellyfinItem)
                else event
                for event in read.events
            )
            read = HistoryRead(events, read.calls, read.complete)
        return read

    async def _async_apply(
        self, found: list[tuple[datetime, int, ServiceInstance, HistoryEvent]]
    ) -> None:
        """Apply the facts in batches, letting other work run in between."""
        runtime = self._runtime
        downloads = False
        for number, (_, _, _, event) in enumerate(found, 1):
            observation = event.observation
            downloads = downloads or (
                isinstance(observation, ArrGrab | ArrImport)
                and observation.download_id is not None
            )
            runtime.apply(observation, at=event.at)
            if number % APPLY_BATCH == 0:
                await asyncio.sleep(0)
        if downloads:
            # The torrents of grabs and imports that were missed may have
            # been tied to their requests only now (or by a webhook that came
            # after the torrent finished): their state is in no delta.
            for coordinator in runtime.coordinators.values():
                if isinstance(coordinator, QBittorrentCoordinator):
                    await coordinator.async_resync()


def _lookup_id(client: ArrClient, request: Request) -> int | None:
    """Return the id the *arr finds the request's media by (TVDB or TMDB)."""
    return request.tvdb_id if isinstance(client, SonarrClient) else request.tmdb_id


async def _async_arr_item(
    client: ArrClient, media_id: int
) -> ArrMovie | ArrSeries | None:
    """Return the series (by TVDB id) or movie (by TMDB id), if the *arr has it."""
    match client:
        case SonarrClient():
            return await client.async_get_series_by_tvdb(media_id)
        case RadarrClient():
            return await client.async_get_movie_by_tmdb(media_id)
        case _:  # pragma: no cover - Sonarr and Radarr are the *arr clients
            raise TypeError(f"{type(client).__name__} is not Sonarr or Radarr")


class _KnownSeerrRequests(Container[int]):
    """The Seerr request ids the tracker holds, asked of its index one by one."""

    def __init__(self, runtime: HubRuntime) -> None:
        self._runtime = runtime

    def __contains__(self, request_id: object) -> bool:
        return self._runtime.tracker.knows(("seerr", request_id))
