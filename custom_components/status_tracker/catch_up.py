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
from .api.arr import ArrClient, ArrQueueItem
from .clients import ServiceInstance
from .coordinator import QBittorrentCoordinator
from .core.lifecycle import in_requested_seasons
from .core.model import Request, Stage, Unit
from .core.observations import (
    ArrGrab,
    ArrService,
    EpisodeRef,
    MediaRef,
    MediaType,
    ShokoFile,
    ShokoFileEvent,
    normalize_download_id,
)
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
            for grab in queue_grabs(instance, by_media, queue):
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
                    ShokoFile(
                        instance_id=instance_id,
                        event=ShokoFileEvent.MATCHED,
                        relative_path=suffix,
                        file_id=info.file_id,
                        cross_references=info.cross_references,
                        full_path=file.path,
                    ),
                    keep_orphan=False,
                )
                return


def queue_grabs(
    instance: ServiceInstance,
    by_media: Mapping[int, list[Request]],
    queue: Iterable[ArrQueueItem],
) -> Iterator[ArrGrab]:
    """Return the grabs the queue shows for the waiting requests of an instance.

    `by_media` holds the waiting requests by movie/series id. Records of one
    download (Sonarr has one per episode) make one grab, as the webhook does.
    Pending releases (no download id) are not grabbed yet; in Sonarr,
    downloads of seasons no waiting request asked for are left alone.
    """
    downloads: dict[tuple[int, str], list[ArrQueueItem]] = {}
    for item in queue:
        if item.media_id in by_media and item.download_id:
            downloads.setdefault((item.media_id, item.download_id), []).append(item)
    sonarr = isinstance(instance.client, SonarrClient)
    for (media_id, download_id), items in downloads.items():
        waiting = by_media[media_id]
        episodes = _episodes(items)
        if sonarr and not any(
            in_requested_seasons(request, episode.season)
            for request in waiting
            for episode in episodes
        ):
            continue
        first = items[0]
        yield ArrGrab(
            service=ArrService.SONARR if sonarr else ArrService.RADARR,
            instance_id=instance.subentry_id,
            media=_media(waiting[0], media_id),
            episodes=episodes,
            download_id=normalize_download_id(download_id),
            release_title=first.title,
            size=first.size,
            download_client=first.download_client,
        )


def _episodes(items: Iterable[ArrQueueItem]) -> tuple[EpisodeRef, ...]:
    """Return the episodes of a download's records, in order, once each."""
    episodes = {item.episode.key: item.episode for item in items if item.episode}
    return tuple(sorted(episodes.values(), key=lambda e: (e.season, e.episode)))


def _media(request: Request, arr_id: int) -> MediaRef:
    """Return the movie/series of a request as the *arr's webhook names it."""
    return MediaRef(
        media_type=request.media_type,
        title=request.title,
        year=request.year,
        tmdb_id=request.tmdb_id,
        tvdb_id=request.tvdb_id,
        imdb_id=request.imdb_id,
        poster_url=request.poster_url,
        arr_id=arr_id,
    )


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
