"""What the actions do on one hub, and the two checks that run by themselves.

The actions: delete a request everywhere, retry it, verify it in Jellyfin, and
sync the library. The automatic checks: when a request is created, whether its
media is already there (then it is available at once); and, when the option is
on, deleting everywhere else what was deleted in one service.

Answers are plain dicts (the action responses); `services.py` only validates
input and permissions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    ArrMovie,
    ArrSeries,
    JellyfinClient,
    RadarrClient,
    SeerrClient,
    ServiceError,
    SonarrClient,
)
from .const import DOMAIN, LOGGER, ServiceType
from .core.deletion_log import ServiceOutcome, ServiceResult
from .core.lifecycle import in_requested_seasons, is_aired
from .core.model import Outcome, Request, Stage
from .core.observations import (
    EpisodeRef,
    JellyfinItem,
    MediaRef,
    MediaType,
    SeriesEpisodes,
)
from .core.request_table import RequestTable
from .core.tracker import SyncResult, TrackerUpdate
from .deleting import Service, async_delete_everywhere, is_partial
from .lookups import async_find_request_items
from .parsers.jellyfin_api import is_playable, library_item_from_dto

if TYPE_CHECKING:
    from .hub import ServiceInstance, StatusTrackerHub

# Items per Jellyfin library page, requests per Seerr page during a sync.
LIBRARY_PAGE_SIZE: Final = 200
SEERR_PAGE_SIZE: Final = 100
MAX_LIBRARY_ITEMS: Final = 200_000
# Services whose deletion events can be propagated to the others.
PROPAGATING_SOURCES: Final = frozenset({"sonarr", "radarr", "jellyfin"})


class HubActions:
    """The actions of one hub."""

    def __init__(self, hub: StatusTrackerHub) -> None:
        """Act on `hub`'s tracker and services."""
        self._hub = hub

    def _request(self, request_id: str) -> Request:
        request = self._hub.tracker.get(request_id)
        if request is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="request_not_found",
                translation_placeholders={"request_id": request_id},
            )
        return request

    def _instances(self, service: ServiceType) -> list[ServiceInstance]:
        return [i for i in self._hub.instances.values() if i.service is service]

    def _clients[C](self, kind: type[C]) -> list[tuple[ServiceInstance, C]]:
        return [
            (i, i.client)
            for i in self._hub.instances.values()
            if isinstance(i.client, kind)
        ]

    def _deletion_services(self) -> list[Service]:
        return [
            Service(str(i.service), i.subentry_id, i.title, i.client)
            for i in self._hub.instances.values()
        ]

    # ----------------------------------------------------------------- delete

    async def async_delete(
        self, request_id: str, *, delete_files: bool, user: str | None
    ) -> dict[str, Any]:
        """Delete a request in every service and record it; return the results."""
        request = self._request(request_id)
        results = await async_delete_everywhere(
            request,
            self._deletion_services(),
            delete_files=delete_files,
            others=self._hub.tracker.related(request),
        )
        failed = [r for r in results if r.outcome is ServiceOutcome.FAILED]
        if failed and all(
            r.outcome in (ServiceOutcome.FAILED, ServiceOutcome.SKIPPED)
            for r in results
        ):
            # Nothing was removed anywhere (a skipped service removed nothing
            # either): the request is not deleted.
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="delete_failed",
                translation_placeholders={
                    "title": request.title,
                    "errors": _describe_failures(failed),
                },
            )
        self._hub.publish(
            self._hub.tracker.delete_request(
                request_id, user=user, delete_files=delete_files, results=results
            )
        )
        return {
            "request_id": request.id,
            "title": request.title,
            "state": str(request.state),
            "delete_files": delete_files,
            "partial": is_partial(results),
            "results": [result.to_dict() for result in results],
        }

    @callback
    def schedule_propagation(self, request_ids: Iterable[str]) -> None:
        """Delete elsewhere what one service reported deleted (option on)."""
        for request_id in request_ids:
            request = self._hub.tracker.get(request_id)
            entry = self._latest_log_entry(request_id)
            if (
                request is None
                or request.state != Outcome.DELETED
                or entry is None
                or entry.source not in PROPAGATING_SOURCES
                or entry.results
                or entry.episodes
            ):
                continue
            self._hub.entry.async_create_task(
                self._hub.hass,
                self._async_propagate(
                    request_id,
                    entry.source,
                    delete_files=entry.delete_files is not False,
                ),
                f"Status Tracker propagate deletion {request_id}",
            )

    def _latest_log_entry(self, request_id: str) -> Any:
        for entry in reversed(self._hub.tracker.deletion_log):
            if entry.request_id == request_id:
                return entry
        return None

    async def _async_propagate(
        self, request_id: str, source: str, *, delete_files: bool
    ) -> None:
        request = self._request(request_id)
        results = await async_delete_everywhere(
            request,
            self._deletion_services(),
            delete_files=delete_files,
            others=self._hub.tracker.related(request),
            exclude=frozenset({source}),
        )
        if not results:
            return
        if is_partial(results):
            LOGGER.warning(
                "Deleting %s everywhere after %s deleted it: %s",
                request.title,
                source,
                _describe_failures(
                    [r for r in results if r.outcome is ServiceOutcome.FAILED]
                ),
            )
        self._hub.publish(
            self._hub.tracker.delete_request(
                request_id,
                user=None,
                delete_files=delete_files,
                results=results,
                source=source,
            )
        )

    # ---------------------------------------------------------- verify, retry

    async def async_verify(self, request_id: str) -> dict[str, Any]:
        """Look the request up in Jellyfin now; report what was found and changed."""
        request = self._request(request_id)
        if not self._instances(ServiceType.JELLYFIN):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_jellyfin"
            )
        state_before = request.state
        available_before = _available_units(request)
        items = await self._async_apply_jellyfin(request)
        return {
            "request_id": request.id,
            "title": request.title,
            "found": [_item_view(item) for item in items],
            "state_before": str(state_before),
            "state": str(request.state),
            "newly_available": sorted(_available_units(request) - available_before),
            "changed": request.state != state_before
            or _available_units(request) != available_before,
        }

    async def async_retry(self, request_id: str) -> dict[str, Any]:
        """Check Jellyfin, then ask Sonarr/Radarr to search what is still missing."""
        request = self._request(request_id)
        state_before = request.state
        available_before = _available_units(request)
        if self._instances(ServiceType.JELLYFIN):
            await self._async_apply_jellyfin(request)
        newly_available = sorted(_available_units(request) - available_before)
        answer: dict[str, Any] = {
            "request_id": request.id,
            "title": request.title,
            "state_before": str(state_before),
            "newly_available": newly_available,
            "search": None,
            "problems_cleared": [],
        }
        if request.state not in (Stage.AVAILABLE, Outcome.DELETED):
            answer["search"] = await self._async_search(request)
            cleared, update = self._hub.tracker.clear_problems(request.id)
            self._hub.publish(update)
            answer["problems_cleared"] = [str(kind) for kind in cleared]
        answer["state"] = str(request.state)
        return answer

    async def _async_apply_jellyfin(self, request: Request) -> list[JellyfinItem]:
        """Find the request's playable items in Jellyfin and apply them."""
        found: list[JellyfinItem] = []
        for instance, client in self._clients(JellyfinClient):
            try:
                items = await async_find_request_items(client, request)
            except ServiceError as err:
                raise _upstream_error(instance, err) from err
            for item in items:
                self._hub.apply(item, keep_orphan=False)
            found += items
        return found

    async def _async_search(self, request: Request) -> dict[str, Any]:
        """Start the *arr search for the request's missing movie or episodes."""
        instance = self._hub.instances.get(request.arr_instance or "")
        if instance is None or request.arr_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_in_arr",
                translation_placeholders={"title": request.title},
            )
        client = instance.client
        try:
            if isinstance(client, RadarrClient):
                command = await client.async_search_movies([request.arr_id])
                return _search_view(instance, command, ["movie"])
            if not isinstance(
                client, SonarrClient
            ):  # pragma: no cover - linked to an *arr
                raise TypeError(client)
            missing = _missing_episodes(request, dt_util.utcnow())
            if not missing:
                return _search_view(instance, None, [])
            command = await client.async_search_episodes(
                [episode_id for _, episode_id in missing]
            )
        except ServiceError as err:
            raise _upstream_error(instance, err) from err
        return _search_view(instance, command, [label for label, _ in missing])

    # -------------------------------------------------------- already present

    @callback
    def schedule_presence_checks(self, request_ids: Iterable[str]) -> None:
        """Check whether new Seerr requests' media is already there."""
        for request_id in request_ids:
            request = self._hub.tracker.get(request_id)
            if request is None or request.origin != "seerr" or request.finished:
                continue
            if request.has_progress_evidence:
                continue
            self._hub.entry.async_create_task(
                self._hub.hass,
                self._async_check_present(request_id),
                f"Status Tracker presence check {request_id}",
            )

    async def _async_check_present(self, request_id: str) -> None:
        """Mark media already in the library available (the *arr first, then Jellyfin).

        The *arr knows whether files are on disk: Jellyfin is asked only when
        it has them (or when no *arr of that kind is configured), and an item
        counts only when Jellyfin has it playable under the same provider ids.
        """
        request = self._hub.tracker.get(request_id)
        if request is None:
            return
        try:
            if request.media_type is MediaType.MOVIE:
                present = await self._async_radarr_has_file(request)
            else:
                present = await self._async_sonarr_has_files(request)
        except ServiceError as err:
            LOGGER.debug("Could not check %s in the *arr: %s", request.title, err)
            present = None
        if present is False or request.finished:
            return
        for _, client in self._clients(JellyfinClient):
            try:
                items = await async_find_request_items(client, request)
            except ServiceError as err:
                LOGGER.debug("Could not check %s in Jellyfin: %s", request.title, err)
                continue
            for item in items:
                self._hub.apply(item, keep_orphan=False)

    async def _async_radarr_has_file(self, request: Request) -> bool | None:
        if request.tmdb_id is None:
            return None
        for instance, client in self._clients(RadarrClient):
            movie = await client.async_get_movie_by_tmdb(request.tmdb_id)
            if movie is None:
                continue
            self._link(
                instance,
                _movie_ref(movie),
            )
            return movie.has_file
        # Seerr hands movies to Radarr: one Radarr lacks, is not on disk.
        return False if self._clients(RadarrClient) else None

    async def _async_sonarr_has_files(self, request: Request) -> bool | None:
        if request.tvdb_id is None:
            return None
        for instance, client in self._clients(SonarrClient):
            series = await client.async_get_series_by_tvdb(request.tvdb_id)
            if series is None:
                continue
            self._link(instance, _series_ref(series))
            episodes, present = await client.async_get_episodes_and_files(series.id)
            self._hub.apply(
                SeriesEpisodes(
                    instance_id=instance.subentry_id,
                    series_id=series.id,
                    episodes=tuple(episodes),
                )
            )
            return any(in_requested_seasons(request, season) for season, _ in present)
        return False if self._clients(SonarrClient) else None

    def _link(self, instance: ServiceInstance, media: MediaRef) -> None:
        _, update = self._hub.tracker.library.sync_arr_item(
            str(instance.service), instance.subentry_id, media
        )
        self._hub.publish(update)

    # ------------------------------------------------------------ library sync

    async def async_sync_library(self) -> dict[str, Any]:
        """Add Jellyfin's untracked media as library requests; fill missing ids.

        Jellyfin first (it adds requests), then the *arr and Seerr, which only
        fill in ids, so one run leaves nothing for a second one to do.
        """
        sync = _LibrarySync()
        for instance in self._hub.instances.values():
            client = instance.client
            try:
                match client:
                    case JellyfinClient():
                        await self._async_sync_jellyfin(client, sync)
            except ServiceError as err:
                sync.failed(instance, err)
        for instance in self._hub.instances.values():
            client = instance.client
            try:
                match client:
                    case SonarrClient():
                        for series in await client.async_get_all_series():
                            sync.add(
                                self._hub.tracker.library.sync_arr_item(
                                    "sonarr", instance.subentry_id, _series_ref(series)
                                )
                            )
                    case RadarrClient():
                        for movie in await client.async_get_all_movies():
                            sync.add(
                                self._hub.tracker.library.sync_arr_item(
                                    "radarr",
                                    instance.subentry_id,
                                    _movie_ref(movie),
                                )
                            )
                    case SeerrClient():
                        await self._async_sync_seerr(client, sync)
            except ServiceError as err:
                sync.failed(instance, err)
        update = sync.update(self._hub.tracker.requests)
        self._hub.publish(update)
        # Shows just linked to Sonarr need their episode list now, not at the
        # next maintenance run.
        self._hub.schedule_episode_lists(update.changed)
        return sync.answer()

    async def _async_sync_jellyfin(
        self, client: JellyfinClient, sync: _LibrarySync
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
                    self._hub.tracker.library.sync_jellyfin_item(
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

    async def _async_sync_seerr(self, client: SeerrClient, sync: _LibrarySync) -> None:
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
                    self._hub.tracker.library.sync_seerr_request(
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
        LOGGER.debug("Library sync: %s failed: %s", instance.title, err)
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


def _movie_ref(movie: ArrMovie) -> MediaRef:
    return MediaRef(
        MediaType.MOVIE,
        movie.title,
        year=movie.year,
        tmdb_id=movie.tmdb_id,
        imdb_id=movie.imdb_id,
        arr_id=movie.id,
    )


def _series_ref(series: ArrSeries) -> MediaRef:
    return MediaRef(
        MediaType.TV,
        series.title,
        year=series.year,
        tmdb_id=series.tmdb_id,
        tvdb_id=series.tvdb_id,
        imdb_id=series.imdb_id,
        arr_id=series.id,
        series_type=series.series_type,
        path=series.path,
    )


def _available_units(request: Request) -> set[str]:
    """Return what of a request is available: "movie" or episode keys."""
    if request.media_type is MediaType.MOVIE:
        return {"movie"} if request.movie.available_at else set()
    return {key for key, e in request.episodes.items() if e.available_at}


def _missing_episodes(request: Request, now: datetime) -> list[tuple[str, int]]:
    """Return (label, Sonarr episode id) of aired, requested, unavailable episodes."""
    return [
        (key, episode.arr_episode_id)
        for key, episode in sorted(request.episodes.items())
        if episode.arr_episode_id is not None
        and episode.available_at is None
        and in_requested_seasons(request, episode.season)
        and is_aired(episode, now)
    ]


def _item_view(item: JellyfinItem) -> dict[str, Any]:
    view: dict[str, Any] = {"item_id": item.item_id, "name": item.name}
    if item.season is not None:
        view["episode"] = EpisodeRef(item.season, item.episode or 0).key
    return view


def _search_view(
    instance: ServiceInstance, command_id: int | None, searched: list[str]
) -> dict[str, Any]:
    return {
        "service": str(instance.service),
        "instance": instance.title,
        "command_id": command_id,
        "searched": searched,
    }


def _describe_failures(failed: list[ServiceResult]) -> str:
    return "; ".join(f"{r.instance or r.service}: {r.detail}" for r in failed)


def _upstream_error(instance: ServiceInstance, err: ServiceError) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key="service_failed",
        translation_placeholders={"title": instance.title, "error": str(err)},
    )
