"""Sonarr/Radarr events: grabs, imports, media added, blocked imports, episode lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from ..book import (
    MATCHED,
    NO_MATCH,
    Applied,
    RequestBook,
    Touched,
    add_unique,
    episodes_label,
    merge_episode_ref,
    seasons_of,
)
from ..correlation import media_keys
from ..lifecycle import in_requested_seasons
from ..model import ProblemKind, Request, TimelineKind
from ..observations import (
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    EpisodeRef,
    MediaRef,
    MediaType,
    SeriesEpisodes,
)


class ArrRules:
    """Apply Sonarr and Radarr events."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(
        self,
        obs: ArrGrab | ArrImport | ArrMediaAdded | ArrImportBlocked | SeriesEpisodes,
        when: datetime,
        touched: Touched,
    ) -> Applied:
        """Record a Sonarr/Radarr event or a series' episode list."""
        match obs:
            case ArrGrab():
                self._apply_grab(obs, when, touched)
            case ArrImport():
                self._apply_import(obs, when, touched)
            case ArrMediaAdded():
                return (
                    MATCHED if self._apply_media_added(obs, when, touched) else NO_MATCH
                )
            case ArrImportBlocked():
                matched = self._apply_import_blocked(obs, when, touched)
                return MATCHED if matched else NO_MATCH
            case SeriesEpisodes():
                self._apply_series_episodes(obs, touched)
        return MATCHED

    def _match_arr(
        self,
        media: MediaRef,
        instance_id: str,
        download_id: str | None,
        episodes: tuple[EpisodeRef, ...],
        *,
        late: Callable[[Request], bool],
    ) -> Request | None:
        """Find the request an *arr event is about (same download first)."""
        seasons = seasons_of(episodes)
        if download_id and (
            request := self._book.find(
                [("hash", download_id)], media.media_type, seasons, late=lambda r: True
            )
        ):
            return request
        return self._book.find(
            media_keys(media, instance_id),
            media.media_type,
            seasons,
            only=lambda r: r.arr_instance in (None, instance_id),
            late=late,
        )

    def _create_for_arr(
        self, media: MediaRef, episodes: tuple[EpisodeRef, ...], when: datetime
    ) -> Request:
        """Start a request for media nobody requested through Seerr."""
        request = self._book.create(media, when)
        request.seasons = sorted(seasons_of(episodes))
        return request

    def _apply_grab(self, obs: ArrGrab, when: datetime, touched: Touched) -> None:
        request = self._match_arr(
            obs.media,
            obs.instance_id,
            obs.download_id,
            obs.episodes,
            late=lambda r: _lacks(r, obs.episodes, "grabbed_at"),
        )
        created = request is None
        if request is None:
            request = self._create_for_arr(obs.media, obs.episodes, when)
        at = when.isoformat()
        ident = obs.download_id or episodes_label(obs.episodes) or "movie"
        if not self._book.record(
            request,
            key=f"{obs.service}:{obs.instance_id}:grab:{ident}",
            kind=TimelineKind.GRABBED,
            source=str(obs.service),
            at=at,
            detail=obs.release_title,
        ):
            return
        self._book.link_arr(request, obs.service, obs.instance_id, obs.media)
        for unit in self._book.units_for(request, obs.episodes):
            unit.grabbed_at = unit.grabbed_at or at
            add_unique(unit.download_ids, obs.download_id)
        touched.add(request, created=created)

    def _apply_import(self, obs: ArrImport, when: datetime, touched: Touched) -> None:
        request = self._match_arr(
            obs.media,
            obs.instance_id,
            obs.download_id,
            obs.episodes,
            late=lambda r: _lacks(r, obs.episodes, "imported_at"),
        )
        created = request is None
        if request is None:
            if obs.is_upgrade:
                # A better copy of something already finished: not a new request.
                return
            request = self._create_for_arr(obs.media, obs.episodes, when)
        at = when.isoformat()
        recorded = False
        for imported in _import_groups(obs):
            ident, episodes, paths, detail = imported
            if not self._book.record(
                request,
                key=f"{obs.service}:{obs.instance_id}:import:{ident}",
                kind=TimelineKind.IMPORTED,
                source=str(obs.service),
                at=at,
                detail=detail,
            ):
                continue
            recorded = True
            for unit in self._book.units_for(request, episodes):
                unit.imported_at = unit.imported_at or at
                add_unique(unit.download_ids, obs.download_id)
                for path in paths:
                    add_unique(unit.files, path)
        if not recorded:
            return
        self._book.link_arr(request, obs.service, obs.instance_id, obs.media)
        self._book.clear_problem(request, ProblemKind.IMPORT_BLOCKED)
        if obs.import_complete and obs.release_type == "seasonPack":
            # A season pack's import lists every episode of its season(s).
            seasons = seasons_of(obs.episodes) | set(request.complete_seasons)
            request.complete_seasons = sorted(seasons)
        touched.add(request, created=created)

    def _apply_media_added(
        self, obs: ArrMediaAdded, when: datetime, touched: Touched
    ) -> bool:
        key = f"{obs.service}:{obs.instance_id}:added:{obs.media.arr_id}"
        request = self._match_arr(
            obs.media,
            obs.instance_id,
            None,
            (),
            # A repeat of the event that started the search is a duplicate, not
            # an orphan waiting for the next request of the same media.
            late=lambda r: r.searching_at is None or key in r.seen_keys,
        )
        if request is None:
            return False
        if (
            request.origin == "arr"
            and request.created_at
            and when < datetime.fromisoformat(request.created_at)
        ):
            # Only a history read tells of an addition from before the *arr's
            # own grab started the request: its webhook found no request then
            # and was dropped, so is this. (A Seerr request is created before
            # the *arr adds its media, though its webhook may arrive later.)
            return True
        at = when.isoformat()
        if self._book.record(
            request,
            key=key,
            kind=TimelineKind.ADDED_TO_ARR,
            source=str(obs.service),
            at=at,
        ):
            self._book.link_arr(request, obs.service, obs.instance_id, obs.media)
            request.searching_at = request.searching_at or at
            touched.add(request)
        return True

    def _apply_import_blocked(
        self, obs: ArrImportBlocked, when: datetime, touched: Touched
    ) -> bool:
        request = self._match_arr(
            obs.media,
            obs.instance_id,
            obs.download_id,
            obs.episodes,
            late=lambda r: _lacks(r, obs.episodes, "imported_at"),
        )
        if request is None:
            return False
        at = when.isoformat()
        if self._book.record(
            request,
            key=f"{obs.service}:{obs.instance_id}:blocked:{obs.download_id}",
            kind=TimelineKind.IMPORT_BLOCKED,
            source=str(obs.service),
            at=at,
            detail=obs.reason,
        ):
            self._book.link_arr(request, obs.service, obs.instance_id, obs.media)
            units = self._book.units_for(request, obs.episodes)
            for unit in units:
                add_unique(unit.download_ids, obs.download_id)
            # An import that already happened for this download wins.
            if not any(unit.imported_at for unit in units):
                self._book.set_problem(
                    request, ProblemKind.IMPORT_BLOCKED, obs.reason, when
                )
            touched.add(request)
        return True

    def _apply_series_episodes(self, obs: SeriesEpisodes, touched: Touched) -> None:
        for request in self._book.lookup([("arr", obs.instance_id, obs.series_id)]):
            if request.media_type is not MediaType.TV or (
                request.finished and request.episodes_complete
            ):
                continue
            changed = not request.episodes_complete
            request.episodes_complete = True
            for ref in obs.episodes:
                if not in_requested_seasons(request, ref.season):
                    continue
                episode = self._book.episode(request, ref.season, ref.episode)
                changed |= merge_episode_ref(episode, ref, listed=True)
            if changed:
                touched.add(request)


def _import_groups(
    obs: ArrImport,
) -> Iterator[tuple[str, tuple[EpisodeRef, ...], list[str], str | None]]:
    """Split an import into recordable facts: (key part, episodes, paths, detail)."""
    if obs.import_complete:
        paths = [f.path for f in obs.files]
        ident = obs.download_id or "|".join(paths)
        yield (
            f"complete:{ident}",
            obs.episodes,
            paths,
            f"{len(paths)} files",
        )
        return
    for imported in obs.files:
        episodes = imported.episodes or obs.episodes
        ident = str(imported.file_id) if imported.file_id is not None else imported.path
        detail = episodes_label(episodes) or imported.path.rsplit("/", 1)[-1]
        yield (f"file:{ident}", episodes, [imported.path], detail)


def _lacks(request: Request, episodes: tuple[EpisodeRef, ...], evidence: str) -> bool:
    """Return True when the request has no `evidence` yet for the event's items."""
    if request.media_type is MediaType.MOVIE:
        return getattr(request.movie, evidence) is None
    return any(
        (episode := request.episodes.get(ref.key)) is None
        or getattr(episode, evidence) is None
        for ref in episodes
        if in_requested_seasons(request, ref.season)
    )
