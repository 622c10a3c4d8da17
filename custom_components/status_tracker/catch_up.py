"""Catch-up: ask the services what a lost webhook or hub event would have said.

Two facts reach the integration only by push: Radarr's/Sonarr's grab (it ties a
torrent to a request) and Shoko's file match (it ties Shokofin's Jellyfin ids
to it). Received webhooks are saved with a short debounce, so a hard kill of
Home Assistant can lose them. After a start and at every maintenance run this
asks for them again:

* requests linked to an *arr that still wait for a grab: one read of that
  instance's queue (``GET /api/v3/queue/details``), whose records become the
  grab the webhook would have brought;
* anime files imported but not matched: Shoko's file with the same path
  suffix (``File/PathEndsWith``), whose cross references become the match.

Both apply through the tracker's idempotent rules: a fact already recorded,
or a webhook that arrives later, adds nothing twice. Errors are logged at
debug level only; the coordinators already report services that are down.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
import logging
from typing import Final

from homeassistant.core import callback

from .api import ServiceError, ShokoClient, SonarrClient
from .api.arr import ArrClient, ArrQueueItem, queue_grabs
from .coordinator import QBittorrentCoordinator
from .core.lifecycle import in_requested_seasons
from .core.model import Request, Stage, Unit
from .core.observations import ArrGrab, MediaType
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)

# Stages of a request that has not been grabbed yet.
WAITING_FOR_GRAB: Final = frozenset({Stage.REQUESTED, Stage.APPROVED, Stage.SEARCHING})
# Shoko lookups per run: one call per unmatched file, so a large backlog is
# worked through over several maintenance runs.
MAX_SHOKO_LOOKUPS: Final = 20
# Path components sent to Shoko: what Shoko and the *arr agree on whatever
# their mounts ("Show/Season 01/file.mkv", "Movie (2020)/file.mkv").
SHOW_SUFFIX_PARTS: Final = 3
MOVIE_SUFFIX_PARTS: Final = 2


@dataclass(frozen=True, slots=True)
class _UnmatchedFile:
    request: Request
    unit: Unit
    path: str


class CatchUp:
    """Runs the catch-up of one hub, never two at a time."""

    def __init__(self, runtime: HubRuntime) -> None:
        """Prepare the catch-up of `runtime`'s hub (no I/O)."""
        self._runtime = runtime
        self._task: asyncio.Task[None] | None = None
        # Run number in which each unmatched file was last looked up, so the
        # bounded lookups take turns instead of asking for the same files.
        self._runs = 0
        self._asked: dict[str, int] = {}

    @callback
    def schedule(self) -> None:
        """Start a run unless one is still going."""
        if self._task is not None and not self._task.done():
            return
        runtime = self._runtime
        self._task = runtime.entry.async_create_task(
            runtime.hass, self._async_run(), "Status Tracker catch-up"
        )

    @callback
    def cancel(self) -> None:
        """Stop a run in progress (unload)."""
        if self._task is not None:
            self._task.cancel()

    async def _async_run(self) -> None:
        await self._async_catch_up_grabs()
        await self._async_catch_up_matches()

    # ------------------------------------------------------------------ grabs

    async def _async_catch_up_grabs(self) -> None:
        """Read the queue of each *arr that has requests waiting for a grab."""
        # Instance -> movie/series id -> the requests waiting for its grab.
        waiting: dict[str, dict[int, list[Request]]] = {}
        for request in self._runtime.tracker.active():
            if (
                request.arr_instance is not None
                and request.arr_id is not None
                and request.state in WAITING_FOR_GRAB
            ):
                by_media = waiting.setdefault(request.arr_instance, {})
                by_media.setdefault(request.arr_id, []).append(request)
        tied = False
        for instance_id, by_media in waiting.items():
            instance = self._runtime.instances.get(instance_id)
            if instance is None or not isinstance(instance.client, ArrClient):
                continue
            try:
                queue = await instance.client.async_get_queue()
            except ServiceError as err:
                _LOGGER.debug("Catch-up could not read the queue: %s", err)
                continue
            for grab in waiting_grabs(instance.client, instance_id, by_media, queue):
                # Usually known: a TV request waits for its other episodes.
                known = self._runtime.tracker.knows(("hash", grab.download_id))
                self._runtime.apply(grab, keep_orphan=False)
                tied = tied or not known
        if tied:
            for coordinator in self._runtime.coordinators.values():
                if isinstance(coordinator, QBittorrentCoordinator):
                    await coordinator.async_resync()

    # ---------------------------------------------------------------- matches

    async def _async_catch_up_matches(self) -> None:
        """Ask Shoko about imported anime files it has not reported matched."""
        clients = {
            instance.subentry_id: instance.client
            for instance in self._runtime.instances.values()
            if isinstance(instance.client, ShokoClient)
        }
        if not clients:
            return
        self._runs += 1
        files = list(_unmatched_files(self._runtime.tracker.active()))
        paths = {file.path for file in files}
        self._asked = {p: run for p, run in self._asked.items() if p in paths}
        # Files never asked first, then those asked longest ago.
        files.sort(key=lambda file: self._asked.get(file.path, 0))
        for file in files[:MAX_SHOKO_LOOKUPS]:
            if not clients:
                return
            if file.unit.matched_at is not None:
                # Matched meanwhile (a live event, or another path of the unit).
                continue
            self._asked[file.path] = self._runs
            await self._async_match(file, clients)

    async def _async_match(
        self, file: _UnmatchedFile, clients: dict[str, ShokoClient]
    ) -> None:
        """Look one file up; apply the match Shoko's event would have brought.

        A Shoko that fails is not asked again in this run.
        """
        suffix = path_suffix(file.path, file.request.media_type)
        for instance_id, client in list(clients.items()):
            try:
                info = await client.async_get_file_by_path_suffix(suffix)
            except ServiceError as err:
                _LOGGER.debug("Catch-up could not ask Shoko: %s", err)
                del clients[instance_id]
                continue
            if info is not None and info.cross_references:
                self._runtime.apply(
                    info.matched(instance_id, suffix, file.path), keep_orphan=False
                )
                return


def waiting_grabs(
    client: ArrClient,
    instance_id: str,
    by_media: Mapping[int, list[Request]],
    queue: Iterable[ArrQueueItem],
) -> Iterator[ArrGrab]:
    """Return the grabs the queue shows for the waiting requests of an instance.

    `by_media` holds the waiting requests by movie/series id. In Sonarr,
    downloads of seasons no waiting request asked for are left alone.
    """
    sonarr = isinstance(client, SonarrClient)
    for grab in queue_grabs(queue, service=client.service, instance_id=instance_id):
        waiting = by_media.get(grab.media.arr_id or 0)
        if not waiting:
            continue
        if sonarr and not any(
            in_requested_seasons(request, episode.season)
            for request in waiting
            for episode in grab.episodes
        ):
            continue
        yield grab


def _unmatched_files(requests: Iterable[Request]) -> Iterator[_UnmatchedFile]:
    """Return the imported files of anime requests that Shoko has not matched."""
    seen: set[str] = set()
    for request in requests:
        if not request.is_anime:
            continue
        units: list[Unit] = [request.movie, *request.episodes.values()]
        for unit in units:
            if unit.imported_at is None or unit.matched_at is not None:
                continue
            for path in unit.files:
                if path not in seen:
                    seen.add(path)
                    yield _UnmatchedFile(request, unit, path)


def path_suffix(path: str, media_type: MediaType) -> str:
    """Return the end of a library path that Shoko sees the same way.

    Shoko may mount the library elsewhere, so only the folders the *arr named
    are kept: series/season/file for shows, movie/file for movies.
    """
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    keep = SHOW_SUFFIX_PARTS if media_type is MediaType.TV else MOVIE_SUFFIX_PARTS
    return "/".join(parts[-keep:])
