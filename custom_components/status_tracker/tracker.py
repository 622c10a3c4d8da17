"""The tracker: owns every request and the correlation indexes.

`Tracker.apply(observation)` finds (or creates) the request an observation is
about, records the new evidence once (idempotent by event key), re-derives the
request's state and reports what changed. Observations that match nothing yet
and cannot start a request (a Jellyfin item, a "series added") are kept for a
while as orphans and replayed when a matching request appears, so the final
state does not depend on the order in which events arrived.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
import logging
from typing import Any, Final
from uuid import uuid4

from .correlation import (
    SHOKOFIN_KEYS,
    CorrelationIndex,
    IndexKey,
    external_id_keys,
    file_name,
    int_or_none,
    media_keys,
    normalize_path,
    observation_keys,
    shoko_file_keys,
)
from .lifecycle import derive_state, in_requested_seasons
from .model import (
    FINISHED_STATES,
    REMOVED_STATE,
    Download,
    Episode,
    Outcome,
    Problem,
    ProblemKind,
    Request,
    Stage,
    TimelineEntry,
    TimelineKind,
    Unit,
)
from .observations import (
    TORRENT_ERROR_STATES,
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrMediaDeleted,
    EpisodeRef,
    Ignored,
    JellyfinEvent,
    JellyfinItem,
    MediaRef,
    MediaType,
    Observation,
    SeerrEvent,
    SeerrNotification,
    SeriesEpisodes,
    ShokoFile,
    ShokoFileEvent,
    ShokoMetadata,
    TorrentSnapshot,
    TorrentState,
    episode_key,
)
from .serialize import observation_from_dict, observation_to_dict

_LOGGER = logging.getLogger(__name__)

# Shoko file events that say something about a request's files.
_SHOKO_LIFECYCLE_EVENTS: Final = frozenset(
    {
        ShokoFileEvent.DETECTED,
        ShokoFileEvent.HASHED,
        ShokoFileEvent.MATCHED,
        ShokoFileEvent.NOT_MATCHED,
    }
)

# Stages in which the files are (nearly) in the library.
_AWAITING_LIBRARY: Final = frozenset(
    {Stage.DOWNLOADED, Stage.IMPORTING, Stage.MATCHING}
)

DEFAULT_MAX_ORPHANS: Final = 500
DEFAULT_ORPHAN_TTL: Final = timedelta(hours=48)

_SEERR_TIMELINE: Final = {
    SeerrEvent.PENDING: TimelineKind.REQUESTED,
    SeerrEvent.APPROVED: TimelineKind.APPROVED,
    SeerrEvent.AUTO_APPROVED: TimelineKind.APPROVED,
    SeerrEvent.DECLINED: TimelineKind.DECLINED,
    SeerrEvent.FAILED: TimelineKind.FAILED,
    SeerrEvent.AVAILABLE: TimelineKind.SEERR_AVAILABLE,
}


def new_request_id() -> str:
    """Return a new random request id (12 hex digits)."""
    return uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class StageChange:
    """A request's state changed (`previous` is None for a new request)."""

    request_id: str
    previous: str | None
    current: str


@dataclass(frozen=True, slots=True)
class ProblemChange:
    """A problem was raised (`reason` set) or cleared (`reason` None)."""

    request_id: str
    kind: str
    reason: str | None


@dataclass(slots=True)
class TrackerUpdate:
    """What one call changed, for the entities, events and the store."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    stage_changes: list[StageChange] = field(default_factory=list)
    problem_changes: list[ProblemChange] = field(default_factory=list)
    orphaned: bool = False
    # False when only live download figures (progress, speed, ETA) changed:
    # the next poll brings them back, so they are not worth a write.
    persist: bool = False

    def __bool__(self) -> bool:
        """Return True when anything (including the orphan buffer) changed."""
        return bool(self.changed or self.orphaned)

    def extend(self, other: TrackerUpdate) -> None:
        """Add another update's changes to this one."""
        self.created.extend(other.created)
        self.changed.extend(i for i in other.changed if i not in self.changed)
        self.stage_changes.extend(other.stage_changes)
        self.problem_changes.extend(other.problem_changes)
        self.orphaned = self.orphaned or other.orphaned
        self.persist = self.persist or other.persist


@dataclass(slots=True)
class Orphan:
    """An observation that matched no request yet, kept for a later match."""

    observation: Observation
    received_at: datetime
    keys: frozenset[IndexKey]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "observation": observation_to_dict(self.observation),
            "received_at": self.received_at.isoformat(),
        }


@dataclass(slots=True)
class _Touched:
    """Requests one observation changed, in order, and which ones it created."""

    # A dict keeps the order of first touch and makes repeats O(1).
    ids: dict[str, None] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def add(self, request: Request, *, created: bool = False) -> None:
        self.ids[request.id] = None
        if created:
            self.created.add(request.id)


class Tracker:
    """All requests of one hub, their indexes and the orphan buffer."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        new_id: Callable[[], str] | None = None,
        trust_seerr_available: bool = False,
        anime_rules: AnimeRules | None = None,
        max_orphans: int = DEFAULT_MAX_ORPHANS,
        orphan_ttl: timedelta = DEFAULT_ORPHAN_TTL,
    ) -> None:
        """Create an empty tracker; `now` must return an aware UTC datetime."""
        self._now = now
        # Looked up at call time so tests can make ids predictable.
        self._new_id = new_id or (lambda: new_request_id())  # noqa: PLW0108
        self.trust_seerr_available = trust_seerr_available
        self.anime_rules = anime_rules or AnimeRules()
        self._max_orphans = max_orphans
        self._orphan_ttl = orphan_ttl
        self._requests: dict[str, Request] = {}
        # Ids of unfinished requests, and of finished ones not yet forgotten by
        # `forget_finished_before`: what entities and summaries look at, kept
        # apart so they never scan the whole history.
        self._active: set[str] = set()
        self._recent: dict[str, str] = {}
        self._index = CorrelationIndex()
        self._orphans: list[Orphan] = []
        # Problems raised or cleared since the last update was reported.
        self._problem_changes: list[ProblemChange] = []

    # ------------------------------------------------------------------ access

    @property
    def requests(self) -> dict[str, Request]:
        """Return every stored request by id (do not mutate)."""
        return self._requests

    @property
    def orphans(self) -> list[Orphan]:
        """Return the observations waiting for a matching request."""
        return self._orphans

    def is_listed(self, request_id: str) -> bool:
        """Return True for active and recently finished requests."""
        return request_id in self._active or request_id in self._recent

    def knows(self, key: IndexKey) -> bool:
        """Return True when some request is indexed under `key`."""
        return bool(self._index.lookup([key]))

    def get(self, request_id: str) -> Request | None:
        """Return one request."""
        return self._requests.get(request_id)

    def active(self) -> Iterator[Request]:
        """Return requests that are not finished."""
        return (self._requests[i] for i in list(self._active))

    def recently_finished(self) -> Iterator[Request]:
        """Return finished requests not yet forgotten by `forget_finished_before`."""
        return (self._requests[i] for i in list(self._recent))

    def forget_finished_before(self, cutoff: datetime) -> list[str]:
        """Stop listing requests finished before `cutoff`; return their ids."""
        limit = cutoff.isoformat()
        gone = [i for i, finished_at in self._recent.items() if finished_at < limit]
        for request_id in gone:
            del self._recent[request_id]
        return gone

    def needs_episode_list(
        self, request_ids: Iterable[str] | None = None
    ) -> list[Request]:
        """Return listed TV requests whose Sonarr episode list has not been read.

        Only among `request_ids` when given (the requests an update changed).
        Recently finished ones are included: a show Seerr called available is
        checked against the list, so the result does not depend on whether the
        list arrived before or after Seerr's word.
        """
        candidates = (
            [*self.active(), *self.recently_finished()]
            if request_ids is None
            else [self._requests[i] for i in request_ids if self.is_listed(i)]
        )
        return [
            request
            for request in candidates
            if request.media_type is MediaType.TV
            and request.arr_instance is not None
            and request.arr_id is not None
            and not request.episodes_complete
        ]

    def awaiting_availability(self, entered_before: datetime) -> list[Request]:
        """Return active requests waiting for Jellyfin since before a time.

        Those in downloaded, importing or matching: the files are (nearly) in
        the library, so Jellyfin should show them.
        """
        limit = entered_before.isoformat()
        return [
            request
            for request in self.active()
            if request.state in _AWAITING_LIBRARY
            and (request.stage_since or request.created_at) <= limit
        ]

    def would_match(self, observation: Observation, among: set[str]) -> bool:
        """Return True when an observation's keys point at one of `among`."""
        return bool(self._index.lookup(observation_keys(observation)) & among)

    def downloading_via(self, client: str) -> bool:
        """Return True while an active request has an unfinished download there."""
        return any(
            download.client == client
            and not download.complete
            and download.state != REMOVED_STATE
            for request in self.active()
            for download in request.downloads.values()
        )

    # ------------------------------------------------------------ persistence

    def load(self, data: dict[str, Any]) -> None:
        """Replace the content with what `to_dict` produced."""
        self._requests.clear()
        self._index.clear()
        self._active.clear()
        self._recent.clear()
        for item in data.get("requests", ()):
            request = Request.from_dict(item)
            self._requests[request.id] = request
            self._index.update(request)
            self._track_finished(request)
        self._orphans = []
        for item in data.get("orphans", ()):
            observation = observation_from_dict(item["observation"])
            if observation is not None:
                self._orphans.append(
                    Orphan(
                        observation=observation,
                        received_at=datetime.fromisoformat(item["received_at"]),
                        keys=observation_keys(observation),
                    )
                )

    def to_dict(self) -> dict[str, Any]:
        """Return everything that must survive a restart."""
        return {
            "requests": [request.to_dict() for request in self._requests.values()],
            "orphans": [orphan.to_dict() for orphan in self._orphans],
        }

    def prune(self, history_size: int) -> list[str]:
        """Forget the oldest finished requests beyond `history_size`."""
        if len(self._requests) - len(self._active) <= history_size:
            return []
        finished = [r for r in self._requests.values() if r.finished]
        excess = len(finished) - history_size
        if excess <= 0:
            return []
        finished.sort(key=lambda r: r.finished_at or r.created_at)
        removed = [request.id for request in finished[:excess]]
        for request_id in removed:
            self._index.remove(request_id)
            self._recent.pop(request_id, None)
            del self._requests[request_id]
        return removed

    # ------------------------------------------------------------------ apply

    def apply(
        self,
        observation: Observation,
        *,
        at: datetime | None = None,
        keep_orphan: bool = True,
    ) -> TrackerUpdate:
        """Record one observation and return what changed.

        `at` is when the observation was received (an orphan's arrival time): its
        facts keep that time, while the request is re-derived and stamped now.
        With `keep_orphan` False an observation that matches nothing is dropped
        (a periodic check's library item) instead of waiting for a request.
        """
        now = self._now()
        when = at or now
        touched = _Touched()
        orphan = False
        persist = True
        match observation:
            case SeerrNotification():
                self._apply_seerr(observation, when, touched)
            case ArrGrab():
                self._apply_grab(observation, when, touched)
            case ArrImport():
                self._apply_import(observation, when, touched)
            case ArrMediaAdded():
                orphan = not self._apply_media_added(observation, when, touched)
            case ArrImportBlocked():
                orphan = not self._apply_import_blocked(observation, when, touched)
            case JellyfinItem():
                orphan = not self._apply_jellyfin(observation, when, touched)
            case SeriesEpisodes():
                self._apply_series_episodes(observation, touched)
            case TorrentSnapshot():
                persist = self._apply_torrents(observation, when, touched)
            case ShokoFile():
                orphan = not self._apply_shoko_file(observation, when, touched)
            case ArrMediaDeleted() | ArrFileDeleted() | ShokoMetadata() | Ignored():
                # Deletions are handled by the deletion feature; Ignored carries nothing.
                pass
        update = self._settle(touched, now, persist=persist)
        if orphan and keep_orphan:
            self._add_orphan(observation, when)
            update.orphaned = True
            update.persist = True
        return update

    def refresh(self) -> TrackerUpdate:
        """Re-derive listed requests (air dates pass) and expire old orphans.

        Recently finished requests are re-derived too: a show available up to
        its last aired episode is searching again once the next one airs.
        """
        when = self._now()
        touched = _Touched()
        for request in [*self.active(), *self.recently_finished()]:
            touched.add(request)
        update = self._settle(touched, when, only_if_state_changes=True)
        before = len(self._orphans)
        self._expire_orphans(when)
        if len(self._orphans) != before:
            update.orphaned = update.persist = True
        return update

    def check_stalled(self, thresholds: dict[str, timedelta]) -> TrackerUpdate:
        """Raise or clear the `stalled` problem of active requests.

        A request is stalled when nothing moved forward for longer than the
        threshold of its stage (stages without a threshold never stall).
        """
        now = self._now()
        touched = _Touched()
        for request in self.active():
            limit = thresholds.get(request.state)
            since = request.last_progress_at or request.stage_since
            quiet = now - datetime.fromisoformat(since) if since else timedelta(0)
            stalled = limit is not None and quiet >= limit
            if stalled and limit is not None:
                reason = f"No progress for {_duration(limit)} while {request.state}"
                if self._set_problem(request, ProblemKind.STALLED, reason, now):
                    touched.add(request)
            elif not stalled and self._clear_problem(request, ProblemKind.STALLED):
                touched.add(request)
        return self._settle(touched, now)

    # ---------------------------------------------------------------- seerr

    def _apply_seerr(
        self, obs: SeerrNotification, when: datetime, touched: _Touched
    ) -> None:
        request: Request | None = None
        if obs.request_id is not None:
            request = self._first(self._lookup([("seerr", obs.request_id)]))
        if request is None:
            # An *arr event may have arrived first and started the request.
            # A notification without a request (request: null) cannot be
            # about another Seerr request, so it joins any request of the media.
            request = self._find(
                media_keys(obs.media),
                obs.media.media_type,
                obs.seasons,
                only=lambda r: obs.request_id is None or r.seerr_request_id is None,
                late=lambda r: True,
            )
        created = request is None
        if request is None:
            request = self._create(obs.media, when)
        key = f"seerr:{obs.request_id or _media_label(obs.media)}:{obs.event}"
        at = when.isoformat()
        if not self._record(
            request,
            key=key,
            kind=_SEERR_TIMELINE[obs.event],
            source="seerr",
            at=at,
            detail="automatically" if obs.event is SeerrEvent.AUTO_APPROVED else None,
        ):
            return
        request.seerr_request_id = request.seerr_request_id or obs.request_id
        request.requested_by = obs.requested_by or request.requested_by
        request.is_4k = request.is_4k or obs.is_4k
        request.seasons = sorted(set(request.seasons) | set(obs.seasons))
        # Seerr's TMDB title and poster win over the *arr's, whatever the order.
        request.title = obs.media.title or request.title
        request.poster_url = obs.media.poster_url or request.poster_url
        _fill_media(request, obs.media)
        match obs.event:
            case SeerrEvent.PENDING:
                request.requested_at = request.requested_at or at
            case SeerrEvent.APPROVED | SeerrEvent.AUTO_APPROVED:
                request.requested_at = request.requested_at or at
                request.approved_at = request.approved_at or at
            case SeerrEvent.DECLINED:
                request.declined_at = request.declined_at or at
            case SeerrEvent.FAILED:
                request.failed_at = request.failed_at or at
            case SeerrEvent.AVAILABLE:
                request.seerr_available_at = request.seerr_available_at or at
        touched.add(request, created=created)

    # ------------------------------------------------------------------ arr

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
        seasons = _seasons_of(episodes)
        if download_id and (
            request := self._find(
                [("hash", download_id)], media.media_type, seasons, late=lambda r: True
            )
        ):
            return request
        return self._find(
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
        request = self._create(media, when)
        request.seasons = sorted(_seasons_of(episodes))
        return request

    def _apply_grab(self, obs: ArrGrab, when: datetime, touched: _Touched) -> None:
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
        ident = obs.download_id or _episodes_label(obs.episodes) or "movie"
        if not self._record(
            request,
            key=f"{obs.service}:{obs.instance_id}:grab:{ident}",
            kind=TimelineKind.GRABBED,
            source=str(obs.service),
            at=at,
            detail=obs.release_title,
        ):
            return
        self._link_arr(request, obs.service, obs.instance_id, obs.media)
        for unit in self._units_for(request, obs.episodes):
            unit.grabbed_at = unit.grabbed_at or at
            _add_unique(unit.download_ids, obs.download_id)
        touched.add(request, created=created)

    def _apply_import(self, obs: ArrImport, when: datetime, touched: _Touched) -> None:
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
            if not self._record(
                request,
                key=f"{obs.service}:{obs.instance_id}:import:{ident}",
                kind=TimelineKind.IMPORTED,
                source=str(obs.service),
                at=at,
                detail=detail,
            ):
                continue
            recorded = True
            for unit in self._units_for(request, episodes):
                unit.imported_at = unit.imported_at or at
                _add_unique(unit.download_ids, obs.download_id)
                for path in paths:
                    _add_unique(unit.files, path)
        if not recorded:
            return
        self._link_arr(request, obs.service, obs.instance_id, obs.media)
        self._clear_problem(request, ProblemKind.IMPORT_BLOCKED)
        if obs.import_complete and obs.release_type == "seasonPack":
            # A season pack's import lists every episode of its season(s).
            seasons = _seasons_of(obs.episodes) | set(request.complete_seasons)
            request.complete_seasons = sorted(seasons)
        touched.add(request, created=created)

    def _apply_media_added(
        self, obs: ArrMediaAdded, when: datetime, touched: _Touched
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
        at = when.isoformat()
        if self._record(
            request,
            key=key,
            kind=TimelineKind.ADDED_TO_ARR,
            source=str(obs.service),
            at=at,
        ):
            self._link_arr(request, obs.service, obs.instance_id, obs.media)
            request.searching_at = request.searching_at or at
            touched.add(request)
        return True

    def _apply_import_blocked(
        self, obs: ArrImportBlocked, when: datetime, touched: _Touched
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
        if self._record(
            request,
            key=f"{obs.service}:{obs.instance_id}:blocked:{obs.download_id}",
            kind=TimelineKind.IMPORT_BLOCKED,
            source=str(obs.service),
            at=at,
            detail=obs.reason,
        ):
            self._link_arr(request, obs.service, obs.instance_id, obs.media)
            units = self._units_for(request, obs.episodes)
            for unit in units:
                _add_unique(unit.download_ids, obs.download_id)
            # An import that already happened for this download wins.
            if not any(unit.imported_at for unit in units):
                self._set_problem(request, ProblemKind.IMPORT_BLOCKED, obs.reason, when)
            touched.add(request)
        return True

    def _apply_series_episodes(self, obs: SeriesEpisodes, touched: _Touched) -> None:
        for request in self._lookup([("arr", obs.instance_id, obs.series_id)]):
            if request.media_type is not MediaType.TV or (
                request.finished and request.episodes_complete
            ):
                continue
            changed = not request.episodes_complete
            request.episodes_complete = True
            for ref in obs.episodes:
                if not in_requested_seasons(request, ref.season):
                    continue
                episode = self._episode(request, ref.season, ref.episode)
                changed |= _merge_episode_ref(episode, ref, listed=True)
            if changed:
                touched.add(request)

    # ------------------------------------------------------------- downloads

    def _apply_torrents(
        self, obs: TorrentSnapshot, when: datetime, touched: _Touched
    ) -> bool:
        """Record download states; return True if anything worth saving changed."""
        persist = False
        seen: set[str] = set()
        for torrent in obs.torrents:
            seen.add(torrent.hash)
            for request in self._lookup([("hash", torrent.hash)], active_only=True):
                old = request.downloads.get(torrent.hash)
                new = _download_of(torrent, obs.instance_id)
                if new == old:
                    continue
                request.downloads[torrent.hash] = new
                touched.add(request)
                persist |= self._record_download(request, torrent, old, new, when)
        removed = set(obs.removed)
        if obs.full:
            # A full answer lists everything: what it lacks was removed.
            removed |= {
                download_id
                for request in self.active()
                for download_id, download in request.downloads.items()
                if download.client == obs.instance_id and download_id not in seen
            }
        for download_id in removed:
            for request in self._lookup([("hash", download_id)], active_only=True):
                download = request.downloads.get(download_id)
                if download is not None and download.state != REMOVED_STATE:
                    request.downloads[download_id] = replace(
                        download, state=REMOVED_STATE, speed=0, eta=None
                    )
                    touched.add(request)
                    persist = True
        return persist

    def _record_download(
        self,
        request: Request,
        torrent: TorrentState,
        old: Download | None,
        new: Download,
        when: datetime,
    ) -> bool:
        """Turn one torrent change into facts and problems; True if lasting."""
        at = when.isoformat()
        if old is None or new.progress > old.progress:
            request.last_progress_at = at
        if new.complete and not (old and old.complete):
            self._record(
                request,
                key=f"download:{torrent.hash}:complete",
                kind=TimelineKind.DOWNLOADED,
                source="qbittorrent",
                at=at,
                detail=torrent.name,
            )
        failing = {
            d.state
            for d in request.downloads.values()
            if d.state in TORRENT_ERROR_STATES
        }
        if failing:
            reason = f"The download client reports {', '.join(sorted(failing))}"
            if self._set_problem(request, ProblemKind.DOWNLOAD_ERROR, reason, when):
                self._record(
                    request,
                    key=f"download:{torrent.hash}:{new.state}",
                    kind=TimelineKind.DOWNLOAD_ERROR,
                    source="qbittorrent",
                    at=at,
                    detail=torrent.name,
                )
        else:
            self._clear_problem(request, ProblemKind.DOWNLOAD_ERROR)
        return (
            old is None
            or old.complete != new.complete
            or (old.state in TORRENT_ERROR_STATES)
            != (new.state in TORRENT_ERROR_STATES)
        )

    # ----------------------------------------------------------------- shoko

    def _apply_shoko_file(
        self, obs: ShokoFile, when: datetime, touched: _Touched
    ) -> bool:
        """Record a Shoko file event; return False when it should wait as an orphan.

        The file is found by its Shoko id, its full path, or (when Shoko sees the
        library under another mount) its file name.
        """
        if obs.event not in _SHOKO_LIFECYCLE_EVENTS:
            # Deletions and moves are handled by the deletion feature.
            return True
        found = [
            r for r in self._lookup(shoko_file_keys(obs)) if r.state != Outcome.DELETED
        ]
        request = self._pick([r for r in found if not r.finished], ()) or self._pick(
            [r for r in found if r.finished and _shoko_is_new_to(r, obs)], ()
        )
        if request is None:
            return False
        units = _units_with_file(request, obs)
        at = when.isoformat()
        for unit in units:
            _add_unique_int(unit.shoko_file_ids, obs.file_id)
        ident = obs.file_id or obs.relative_path
        if obs.event is ShokoFileEvent.MATCHED and obs.cross_references:
            if self._record(
                request,
                key=f"shoko:{obs.instance_id}:matched:{ident}",
                kind=TimelineKind.MATCHED,
                source="shoko",
                at=at,
                detail=obs.file_name,
            ):
                for unit in units:
                    unit.matched_at = unit.matched_at or at
                    for reference in obs.cross_references:
                        _add_unique_int(unit.shoko_episode_ids, reference.episode_id)
                for reference in obs.cross_references:
                    _add_unique_int(request.shoko_series_ids, reference.series_id)
        elif obs.event is ShokoFileEvent.NOT_MATCHED:
            attempts = obs.auto_match_attempts or 0
            if self._record(
                request,
                key=f"shoko:{obs.instance_id}:not_matched:{ident}:{attempts}",
                kind=TimelineKind.NOT_MATCHED,
                source="shoko",
                at=at,
                detail=obs.file_name,
            ):
                for unit in units:
                    unit.shoko_not_matched_at = unit.shoko_not_matched_at or at
        self._update_needs_link(request, obs, when)
        touched.add(request)
        return True

    def _update_needs_link(
        self, request: Request, obs: ShokoFile, when: datetime
    ) -> None:
        """Keep `needs_link` raised while a file Shoko gave up on is unmatched."""
        units: list[Unit] = [request.movie, *request.episodes.values()]
        waiting = [u for u in units if u.shoko_not_matched_at and not u.matched_at]
        if not waiting:
            self._clear_problem(request, ProblemKind.NEEDS_LINK)
            return
        names = sorted({file_name(path) for unit in waiting for path in unit.files})
        reason = f"Shoko could not match {', '.join(names) or 'a file'}"
        if obs.event is ShokoFileEvent.NOT_MATCHED and obs.udp_banned:
            reason += " (AniDB has banned Shoko for now)"
        self._set_problem(
            request,
            ProblemKind.NEEDS_LINK,
            f"{reason}; link it manually in Shoko",
            when,
        )

    # -------------------------------------------------------------- jellyfin

    def _apply_jellyfin(
        self, obs: JellyfinItem, when: datetime, touched: _Touched
    ) -> bool:
        """Record a Jellyfin item; return False when it should wait as an orphan."""
        if obs.event is not JellyfinEvent.ITEM_ADDED:
            # ItemDeleted is handled by the deletion feature.
            return True
        match obs.item_type:
            case "Movie":
                return self._jellyfin_movie(obs, when, touched)
            case "Episode":
                return self._jellyfin_episode(obs, when, touched)
            case "Series":
                self._jellyfin_series(obs, touched)
        return True

    def _jellyfin_movie(
        self, obs: JellyfinItem, when: datetime, touched: _Touched
    ) -> bool:
        request = self._find(
            observation_keys(obs),
            MediaType.MOVIE,
            (),
            late=lambda r: (
                r.movie.available_at is None or r.movie.jellyfin_id == obs.item_id
            ),
        )
        if request is None:
            return False
        at = when.isoformat()
        if self._record(
            request,
            key=f"jellyfin:added:{obs.item_id}",
            kind=TimelineKind.AVAILABLE,
            source="jellyfin",
            at=at,
            detail=obs.name,
        ):
            request.movie.available_at = request.movie.available_at or at
            request.movie.jellyfin_id = obs.item_id
            touched.add(request)
        return True

    def _jellyfin_episode(
        self, obs: JellyfinItem, when: datetime, touched: _Touched
    ) -> bool:
        if obs.season is None or obs.episode is None:
            return True
        season, number = obs.season, obs.episode
        request: Request | None = None
        if exact := _exact_episode_keys(obs):
            # Exact even where Jellyfin numbers the episode, or its season,
            # differently from Sonarr (anime through Shokofin often does).
            request = self._find(
                exact,
                MediaType.TV,
                (),
                late=lambda r: _jellyfin_item_is_new_to(r, obs, season, number),
            )
        request = request or self._find(
            observation_keys(obs),
            MediaType.TV,
            (season,),
            only=lambda r: in_requested_seasons(r, season),
            late=lambda r: _jellyfin_item_is_new_to(r, obs, season, number),
        )
        if request is None:
            return False
        numbers = range(number, max(number, obs.episode_end or 0) + 1)
        episodes = _episodes_by_exact_ids(request, obs) or [
            self._episode(request, season, n) for n in numbers
        ]
        at = when.isoformat()
        if self._record(
            request,
            key=f"jellyfin:added:{obs.item_id}",
            kind=TimelineKind.AVAILABLE,
            source="jellyfin",
            at=at,
            detail=", ".join(episode_key(e.season, e.number) for e in episodes),
        ):
            for episode in episodes:
                episode.available_at = episode.available_at or at
                episode.jellyfin_id = obs.item_id
            if obs.series_id:
                request.jellyfin_series_id = request.jellyfin_series_id or obs.series_id
            touched.add(request)
        return True

    def _jellyfin_series(self, obs: JellyfinItem, touched: _Touched) -> None:
        """Learn the Jellyfin id of a series so its episodes match at once."""
        keys = external_id_keys(MediaType.TV, obs.provider_ids)
        for request in self._lookup(keys, active_only=True):
            if request.media_type is MediaType.TV and not request.jellyfin_series_id:
                request.jellyfin_series_id = obs.item_id
                touched.add(request)

    # --------------------------------------------------------------- helpers

    def _create(self, media: MediaRef, when: datetime) -> Request:
        request = Request(
            id=self._new_id(),
            media_type=media.media_type,
            title=media.title,
            created_at=when.isoformat(),
        )
        _fill_media(request, media)
        self._requests[request.id] = request
        return request

    def _record(
        self,
        request: Request,
        *,
        key: str,
        kind: TimelineKind,
        source: str,
        at: str,
        detail: str | None = None,
    ) -> bool:
        """Add a timeline fact once; return False when it was already recorded."""
        if key in request.seen_keys:
            return False
        request.seen_keys.add(key)
        request.last_progress_at = max(request.last_progress_at or at, at)
        request.timeline.append(
            TimelineEntry(at=at, kind=str(kind), source=source, key=key, detail=detail)
        )
        return True

    def _link_arr(
        self, request: Request, service: str, instance_id: str, media: MediaRef
    ) -> None:
        if request.arr_instance is None:
            request.arr_service = str(service)
            request.arr_instance = instance_id
        if request.arr_instance == instance_id and media.arr_id is not None:
            request.arr_id = media.arr_id
        if self.anime_rules.is_anime(media):
            request.is_anime = True
        _fill_media(request, media)

    def _units_for(
        self, request: Request, episodes: tuple[EpisodeRef, ...]
    ) -> list[Unit]:
        """Return the evidence holders an *arr event speaks about."""
        if request.media_type is MediaType.MOVIE:
            return [request.movie]
        units: list[Unit] = []
        for ref in episodes:
            if not in_requested_seasons(request, ref.season):
                continue
            episode = self._episode(request, ref.season, ref.episode)
            _merge_episode_ref(episode, ref, listed=False)
            units.append(episode)
        return units

    @staticmethod
    def _episode(request: Request, season: int, number: int) -> Episode:
        key = episode_key(season, number)
        episode = request.episodes.get(key)
        if episode is None:
            episode = Episode(season=season, number=number)
            request.episodes[key] = episode
        return episode

    def _find(
        self,
        keys: Iterable[IndexKey],
        media_type: MediaType,
        seasons: Iterable[int],
        *,
        only: Callable[[Request], bool] = lambda r: True,
        late: Callable[[Request], bool] | None = None,
    ) -> Request | None:
        """Return the request indexed under `keys` that an event is about.

        Active requests come first. A finished request is chosen only when `late`
        says the event fills a gap in its evidence (the event was merely delivered
        late); otherwise the event starts a new cycle. Deleted requests never
        match lifecycle events.
        """
        found = [
            r
            for r in self._lookup(keys)
            if r.media_type is media_type and r.state != Outcome.DELETED and only(r)
        ]
        wanted = tuple(seasons)
        active = self._pick([r for r in found if not r.finished], wanted)
        if active is not None or late is None:
            return active
        return self._pick([r for r in found if r.finished and late(r)], wanted)

    def _lookup(
        self, keys: Iterable[IndexKey], *, active_only: bool = False
    ) -> list[Request]:
        """Return the requests indexed under any of `keys`."""
        found = (self._requests[i] for i in self._index.lookup(keys))
        return [r for r in found if not (active_only and r.finished)]

    @staticmethod
    def _first(requests: list[Request]) -> Request | None:
        return requests[0] if requests else None

    @staticmethod
    def _pick(candidates: list[Request], seasons: Iterable[int]) -> Request | None:
        """Pick one request: a season match first, then the newest.

        Requests that list seasons none of which is concerned are not candidates:
        a second request for other seasons of a show is a request of its own.
        """
        wanted = set(seasons)
        if wanted:
            candidates = [
                r for r in candidates if not r.seasons or wanted & set(r.seasons)
            ]
        if not candidates:
            return None
        candidates.sort(
            key=lambda r: (bool(wanted & set(r.seasons)), r.created_at, r.id),
            reverse=True,
        )
        if len(candidates) > 1:
            _LOGGER.debug(
                "Several requests match (%s); using %s",
                ", ".join(r.id for r in candidates),
                candidates[0].id,
            )
        return candidates[0]

    def _settle(
        self,
        touched: _Touched,
        when: datetime,
        *,
        only_if_state_changes: bool = False,
        persist: bool = True,
    ) -> TrackerUpdate:
        """Re-derive touched requests, reindex them and replay matching orphans."""
        update = TrackerUpdate()
        new_keys: set[IndexKey] = set()
        at = when.isoformat()
        for request_id in touched.ids:
            request = self._requests[request_id]
            created = request_id in touched.created
            previous = request.state
            current = derive_state(
                request, when, trust_seerr_available=self.trust_seerr_available
            )
            if current == previous and not created and only_if_state_changes:
                continue
            if created or current != previous:
                request.state = current
                request.stage_since = at
                request.last_progress_at = max(request.last_progress_at or at, at)
                update.stage_changes.append(
                    StageChange(request_id, None if created else previous, current)
                )
                persist = True
            stalled = request.problems.get(ProblemKind.STALLED)
            if stalled and (request.last_progress_at or "") >= stalled.since:
                # Something moved after the request was found stalled.
                self._clear_problem(request, ProblemKind.STALLED)
            if current in FINISHED_STATES:
                request.finished_at = request.finished_at or at
            else:
                request.finished_at = None
            self._track_finished(request)
            request.updated_at = at
            new_keys |= self._index.update(request)
            if created:
                update.created.append(request_id)
            update.changed.append(request_id)
        update.persist = persist and bool(update.changed)
        update.problem_changes, self._problem_changes = self._problem_changes, []
        if new_keys:
            update.extend(self._replay_orphans(new_keys))
        return update

    def _set_problem(
        self, request: Request, kind: ProblemKind, reason: str, when: datetime
    ) -> bool:
        """Raise a problem (or change its reason); return True if it changed."""
        existing = request.problems.get(kind)
        if existing is not None and existing.reason == reason:
            return False
        since = existing.since if existing else when.isoformat()
        request.problems[kind] = Problem(reason=reason, since=since)
        self._problem_changes.append(ProblemChange(request.id, kind, reason))
        return True

    def _clear_problem(self, request: Request, kind: ProblemKind) -> bool:
        """Clear a problem; return True if it was raised."""
        if request.problems.pop(kind, None) is None:
            return False
        self._problem_changes.append(ProblemChange(request.id, kind, None))
        return True

    def _track_finished(self, request: Request) -> None:
        """Keep the active and recently finished id sets in step with a request."""
        if request.finished_at is None:
            self._active.add(request.id)
            self._recent.pop(request.id, None)
        else:
            self._active.discard(request.id)
            self._recent[request.id] = request.finished_at

    # ---------------------------------------------------------------- orphans

    def _add_orphan(self, observation: Observation, when: datetime) -> None:
        keys = observation_keys(observation)
        self._orphans = [o for o in self._orphans if o.observation != observation]
        self._orphans.append(Orphan(observation, when, keys))
        self._expire_orphans(when)

    def _expire_orphans(self, when: datetime) -> None:
        cutoff = when - self._orphan_ttl
        kept = [o for o in self._orphans if o.received_at >= cutoff]
        self._orphans = kept[-self._max_orphans :]

    def _replay_orphans(self, new_keys: set[IndexKey]) -> TrackerUpdate:
        """Apply orphans that the new index keys can now match."""
        update = TrackerUpdate()
        ready = [o for o in self._orphans if o.keys & new_keys]
        if not ready:
            return update
        self._orphans = [o for o in self._orphans if not o.keys & new_keys]
        update.orphaned = True
        for orphan in ready:
            update.extend(self.apply(orphan.observation, at=orphan.received_at))
        return update


# ------------------------------------------------------------------- helpers


def _fill_media(request: Request, media: MediaRef) -> None:
    """Fill ids and display fields the request does not have yet."""
    request.tmdb_id = request.tmdb_id or media.tmdb_id
    if media.media_type is MediaType.TV:
        request.tvdb_id = request.tvdb_id or media.tvdb_id
    request.imdb_id = request.imdb_id or media.imdb_id
    request.year = request.year or media.year
    request.poster_url = request.poster_url or media.poster_url
    request.title = request.title or media.title


def _merge_episode_ref(episode: Episode, ref: EpisodeRef, *, listed: bool) -> bool:
    """Copy what an *arr says about an episode; return True if anything changed."""
    before = (
        episode.title,
        episode.air_date,
        episode.arr_episode_id,
        episode.tvdb_id,
        episode.in_arr_list,
    )
    episode.title = ref.title or episode.title
    episode.air_date = ref.air_date or episode.air_date
    episode.arr_episode_id = ref.arr_episode_id or episode.arr_episode_id
    episode.tvdb_id = ref.tvdb_id or episode.tvdb_id
    episode.in_arr_list = episode.in_arr_list or listed
    return before != (
        episode.title,
        episode.air_date,
        episode.arr_episode_id,
        episode.tvdb_id,
        episode.in_arr_list,
    )


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
        detail = _episodes_label(episodes) or imported.path.rsplit("/", 1)[-1]
        yield (f"file:{ident}", episodes, [imported.path], detail)


def _episodes_by_exact_ids(request: Request, obs: JellyfinItem) -> list[Episode]:
    """Return the request's episodes the item names by exact id, if any.

    Jellyfin and Sonarr can number episodes differently (absolute or scene
    numbering, Shokofin's seasons); the episode's own TVDB id, or Shoko's file
    and episode ids, are exact where numbers are not.
    """
    keys = set(_exact_episode_keys(obs))
    if not keys:
        return []
    return [
        episode
        for episode in request.episodes.values()
        if keys & set(_episode_exact_keys(episode))
    ]


def _exact_episode_keys(obs: JellyfinItem) -> list[IndexKey]:
    """Return the keys that name one episode exactly (TVDB, Shoko file/episode)."""
    keys: list[IndexKey] = []
    if (tvdb := _episode_tvdb(obs)) is not None:
        keys.append(("ep_tvdb", tvdb))
    keys.extend(
        (SHOKOFIN_KEYS[provider], shoko_id)
        for provider in ("shoko file", "shoko episode")
        if (shoko_id := int_or_none(obs.provider_ids.get(provider))) is not None
    )
    return keys


def _episode_exact_keys(episode: Episode) -> list[IndexKey]:
    keys: list[IndexKey] = []
    if episode.tvdb_id is not None:
        keys.append(("ep_tvdb", episode.tvdb_id))
    keys += [("shoko_file", i) for i in episode.shoko_file_ids]
    keys += [("shoko_episode", i) for i in episode.shoko_episode_ids]
    return keys


def _units_with_file(request: Request, obs: ShokoFile) -> list[Unit]:
    """Return the movie/episodes that hold the Shoko file (id, path, then name)."""
    units: list[Unit] = [request.movie, *request.episodes.values()]
    if obs.file_id is not None:
        by_id = [u for u in units if obs.file_id in u.shoko_file_ids]
        if by_id:
            return by_id
    if obs.full_path:
        path = normalize_path(obs.full_path)
        by_path = [u for u in units if path in map(normalize_path, u.files)]
        if by_path:
            return by_path
    return [u for u in units if obs.file_name in map(file_name, u.files)]


def _shoko_is_new_to(request: Request, obs: ShokoFile) -> bool:
    """Return True when a finished request lacks this Shoko fact (late delivery)."""
    return any(unit.matched_at is None for unit in _units_with_file(request, obs))


def _add_unique_int(items: list[int], value: int | None) -> None:
    if value is not None and value not in items:
        items.append(value)


@dataclass(frozen=True, slots=True)
class AnimeRules:
    """How anime is recognised besides Sonarr's series type "anime".

    Radarr has no series type: a tag (e.g. "anime") or a library folder (e.g.
    "/data/media/anime") marks it. Paths compare with '/' separators.
    """

    tags: frozenset[str] = frozenset({"anime"})
    path_prefixes: tuple[str, ...] = ()

    def is_anime(self, media: MediaRef) -> bool:
        """Return True when the media is anime by any rule."""
        if media.series_type == "anime":
            return True
        if self.tags & {tag.casefold() for tag in media.tags}:
            return True
        if media.path and self.path_prefixes:
            path = normalize_path(media.path) + "/"
            return any(
                path.startswith(normalize_path(prefix) + "/")
                for prefix in self.path_prefixes
            )
        return False


def _episode_tvdb(obs: JellyfinItem) -> int | None:
    """Return the TVDB id of a single-episode Jellyfin item (None for a range)."""
    if obs.episode_end not in (None, obs.episode):
        return None
    return int_or_none(obs.provider_ids.get("tvdb"))


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


def _jellyfin_item_is_new_to(
    request: Request, obs: JellyfinItem, season: int, number: int
) -> bool:
    """Return True when a finished request lacks this Jellyfin episode."""
    episodes = _episodes_by_exact_ids(request, obs)
    if not episodes:
        episode = request.episodes.get(episode_key(season, number))
        if episode is None:
            return True
        episodes = [episode]
    return any(
        episode.available_at is None or episode.jellyfin_id == obs.item_id
        for episode in episodes
    )


def _download_of(torrent: TorrentState, client: str) -> Download:
    return Download(
        progress=torrent.progress,
        state=torrent.state,
        speed=torrent.download_speed,
        eta=torrent.eta,
        size=torrent.size,
        client=client,
    )


def _duration(limit: timedelta) -> str:
    """Return "30 min", "2 h" or "1 d 2 h" for a stalled-problem reason."""
    minutes = int(limit.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")


def _seasons_of(episodes: Iterable[EpisodeRef]) -> set[int]:
    return {episode.season for episode in episodes}


def _episodes_label(episodes: Iterable[EpisodeRef]) -> str:
    return ", ".join(episode.key for episode in episodes)


def _media_label(media: MediaRef) -> str:
    return f"{media.media_type}:{media.tmdb_id or media.tvdb_id or media.title}"


def _add_unique(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)
