"""The tracker's core: requests, indexes, matching, settling and orphans.

`RequestBook` holds the state the per-source rules work on and the steps
they share (find a request, record a fact, raise a problem, settle what
changed). The rules are objects in `rules/`, each given the book; `Tracker`
(in `tracker.py`) is the book with its rules.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import gc
import logging
from typing import Any, Final
from uuid import uuid4

from .contradictions import declined_but_grabbed
from .correlation import (
    CorrelationIndex,
    IndexKey,
    disagreements,
    normalize_path,
    observation_keys,
)
from .deletion_log import DELETION_LOG_SIZE, DeletionLogEntry, ServiceResult
from .lifecycle import derive_state, in_requested_seasons
from .model import (
    FINISHED_STATES,
    Episode,
    Outcome,
    Problem,
    ProblemKind,
    Request,
    TimelineEntry,
    TimelineKind,
    Unit,
)
from .observations import EpisodeRef, MediaRef, MediaType, Observation, episode_key
from .request_table import BLOCK_SIZE, PackedRequest, RequestTable
from .serialize import observation_from_dict, observation_to_dict

_LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_ORPHANS: Final = 500
DEFAULT_ORPHAN_TTL: Final = timedelta(hours=48)


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
    # Requests deleted (or whose files went) by this update, for the log and
    # the entities.
    deleted: list[str] = field(default_factory=list)
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
        self.deleted.extend(i for i in other.deleted if i not in self.deleted)
        self.orphaned = self.orphaned or other.orphaned
        self.persist = self.persist or other.persist


@dataclass(frozen=True, slots=True)
class Applied:
    """What a rule made of one observation."""

    # False: no request matched and none could start from it; the tracker keeps
    # the observation as an orphan and replays it when a matching request comes.
    matched: bool = True
    # False: only live download figures changed; the next poll brings them
    # back, so they are not worth a write of their own.
    lasting: bool = True


MATCHED: Final = Applied()
NO_MATCH: Final = Applied(matched=False)
LIVE_ONLY: Final = Applied(lasting=False)


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
class Touched:
    """Requests one observation changed, in order, and which ones it created."""

    # A dict keeps the order of first touch and makes repeats O(1).
    ids: dict[str, None] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)

    def add(self, request: Request, *, created: bool = False) -> None:
        """Note a request the observation changed (or created)."""
        self.ids[request.id] = None
        if created:
            self.created.add(request.id)


class RequestBook(ABC):
    """The requests, indexes and orphans, and the steps every rule set shares."""

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        new_id: Callable[[], str],
        trust_seerr_available: bool = False,
        anime_rules: AnimeRules | None = None,
        max_orphans: int = DEFAULT_MAX_ORPHANS,
        orphan_ttl: timedelta = DEFAULT_ORPHAN_TTL,
    ) -> None:
        """Create an empty tracker; `now` must return an aware UTC datetime."""
        self._now = now
        self._new_id = new_id
        self.trust_seerr_available = trust_seerr_available
        self.anime_rules = anime_rules or AnimeRules()
        self._max_orphans = max_orphans
        self._orphan_ttl = orphan_ttl
        self._requests = RequestTable()
        # Ids of unfinished requests, and of finished ones not yet forgotten by
        # `forget_finished_before`: what entities and summaries look at, kept
        # apart so they never scan the whole history.
        self._active: set[str] = set()
        self._recent: dict[str, str] = {}
        self._index = CorrelationIndex()
        self._orphans: list[Orphan] = []
        # Problems raised or cleared since the last update was reported.
        self._problem_changes: list[ProblemChange] = []
        self._deletion_log: list[DeletionLogEntry] = []
        # Requests deleted since the last update was reported.
        self._deleted: list[str] = []

    # ------------------------------------------------------------------ access

    def now(self) -> datetime:
        """Return the current time (the tracker's clock)."""
        return self._now()

    @property
    def deletion_log(self) -> list[DeletionLogEntry]:
        """Return the logged deletions, oldest first."""
        return self._deletion_log

    def indexed_under(self, keys: Iterable[IndexKey]) -> set[str]:
        """Return the ids of the requests indexed under any of `keys`."""
        return self._index.lookup(keys)

    @property
    def requests(self) -> RequestTable:
        """Return every stored request by id (do not mutate)."""
        return self._requests

    def read_all(self) -> Iterator[Request]:
        """Return every request for reading only (history is not kept built)."""
        return (self._requests.peek(request_id) for request_id in self._requests)

    def summaries(self) -> Iterator[Request | PackedRequest]:
        """Return every request as held: history as its packed summary."""
        return self._requests.entries()

    def peek(self, request_id: str) -> Request:
        """Return one request for reading only (history is not kept built)."""
        return self._requests.peek(request_id)

    def related(self, request: Request) -> list[Request]:
        """Return the other requests of the same movie or series.

        They share the *arr item or the TMDB id; found through the index, so
        only they are built from the history.
        """
        keys: list[IndexKey] = []
        if request.tmdb_id is not None:
            keys.append(("tmdb", request.media_type, request.tmdb_id))
        if request.arr_instance is not None and request.arr_id is not None:
            keys.append(("arr", request.arr_instance, request.arr_id))
        return [r for r in self.lookup(keys) if r.id != request.id]

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

    # ------------------------------------------------------------ persistence

    def load(self, data: dict[str, Any]) -> None:
        """Replace the content with what `to_dict` produced."""
        self._index.clear()
        self._active.clear()
        self._recent.clear()
        # Loading makes hundreds of thousands of objects and no garbage: with
        # the cyclic collector paused, it does not rescan the whole process
        # again and again meanwhile (setup with 10,000 stored requests went
        # from 2.3 s to 1.1 s in script/bench).
        collecting = gc.isenabled()
        gc.disable()
        try:
            # Finished requests stay packed until something asks for them.
            for entry, item in self._requests.load(list(data.get("requests", ()))):
                if isinstance(entry, Request):
                    self._index.add_loaded(entry)
                    self._track_finished(entry)
                    continue
                self._index.defer(entry.id, item)
                self._track(
                    entry.id,
                    entry.finished_at,
                    listed=not entry.from_library and entry.state != Outcome.DELETED,
                )
        finally:
            if collecting:
                gc.enable()
        self._deletion_log = [
            DeletionLogEntry.from_dict(item) for item in data.get("deletion_log", ())
        ]
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

    def finish_loading(self, steps: int) -> bool:
        """Index and compress some of the history `load` deferred; True if any left.

        Until done, the index indexes the rest first whenever it is used.
        """
        indexing = self._index.index_deferred(steps * BLOCK_SIZE)
        return self._requests.compress(steps) or indexing

    def to_dict(self) -> dict[str, Any]:
        """Return everything that must survive a restart."""
        return {
            "requests": list(self._requests.stored()),
            "orphans": [orphan.to_dict() for orphan in self._orphans],
            "deletion_log": [entry.to_dict() for entry in self._deletion_log],
        }

    def prune(self, history_size: int) -> list[str]:
        """Forget the oldest finished requests beyond `history_size`.

        Library entries (from the library sync) do not count and are kept:
        they mirror the library, so dropping them would only make the next
        sync add them again, and they must not push out real requests.
        """
        if len(self._requests) - len(self._active) <= history_size:
            return []
        finished = [
            (r.finished_at or r.created_at, r.id)
            for r in self._requests.entries()
            if r.state in FINISHED_STATES and not r.from_library
        ]
        excess = len(finished) - history_size
        if excess <= 0:
            return []
        finished.sort()
        removed = [request_id for _, request_id in finished[:excess]]
        for request_id in removed:
            self._index.remove(request_id)
            self._recent.pop(request_id, None)
            del self._requests[request_id]
        return removed

    # ------------------------------------------------------------------ apply

    @abstractmethod
    def apply(
        self,
        observation: Observation,
        *,
        at: datetime | None = None,
        keep_orphan: bool = True,
    ) -> TrackerUpdate:
        """Record one observation and return what changed (see `Tracker.apply`)."""
        raise NotImplementedError

    # --------------------------------------------------------------- helpers

    def create(self, media: MediaRef, when: datetime) -> Request:
        """Start a request for `media` (ids and display fields filled in)."""
        request = Request(
            id=self._new_id(),
            media_type=media.media_type,
            title=media.title,
            created_at=when.isoformat(),
        )
        fill_media(request, media)
        self._requests[request.id] = request
        return request

    def record(
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

    def link_arr(
        self, request: Request, service: str, instance_id: str, media: MediaRef
    ) -> None:
        """Link a request to its Sonarr/Radarr item (the first instance wins)."""
        if request.arr_instance is None:
            request.arr_service = str(service)
            request.arr_instance = instance_id
        if request.arr_instance == instance_id and media.arr_id is not None:
            request.arr_id = media.arr_id
        if self.anime_rules.is_anime(media):
            request.is_anime = True
        fill_media(request, media)

    def units_for(
        self, request: Request, episodes: tuple[EpisodeRef, ...]
    ) -> list[Unit]:
        """Return the evidence holders an *arr event speaks about."""
        if request.media_type is MediaType.MOVIE:
            return [request.movie]
        units: list[Unit] = []
        for ref in episodes:
            if not in_requested_seasons(request, ref.season):
                continue
            episode = self.episode(request, ref.season, ref.episode)
            merge_episode_ref(episode, ref, listed=False)
            units.append(episode)
        return units

    @staticmethod
    def episode(request: Request, season: int, number: int) -> Episode:
        """Return a request's episode, added when it is new."""
        key = episode_key(season, number)
        episode = request.episodes.get(key)
        if episode is None:
            episode = Episode(season=season, number=number)
            request.episodes[key] = episode
        return episode

    def find(
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
            for r in self.lookup(keys)
            if r.media_type is media_type and r.state != Outcome.DELETED and only(r)
        ]
        wanted = tuple(seasons)
        active = self.pick([r for r in found if not r.finished], wanted)
        if active is not None or late is None:
            return active
        return self.pick([r for r in found if r.finished and late(r)], wanted)

    def lookup(
        self, keys: Iterable[IndexKey], *, active_only: bool = False
    ) -> list[Request]:
        """Return the requests an event with `keys` can be about.

        A request indexed under a weak key (IMDb, a path) is refused when a
        stronger key both carry disagrees (another TMDB id, another *arr item):
        two titles that share an IMDb id or a folder are never merged.
        """
        keys = tuple(keys)
        found: list[Request] = []
        for request_id, strength in self._index.lookup_strength(keys).items():
            request = self._requests[request_id]
            if active_only and request.finished:
                continue
            if conflicts := disagreements(keys, request, strength):
                _LOGGER.debug(
                    "Not matching %s: %s",
                    request_id,
                    ", ".join(f"{key} but {theirs!r}" for key, theirs in conflicts),
                )
                continue
            found.append(request)
        return found

    @staticmethod
    def first(requests: list[Request]) -> Request | None:
        """Return the first of `requests`, or None."""
        return requests[0] if requests else None

    @staticmethod
    def pick(candidates: list[Request], seasons: Iterable[int]) -> Request | None:
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

    def settle(
        self,
        touched: Touched,
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
                self.clear_problem(request, ProblemKind.STALLED)
            self._check_contradictions(request, when)
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
        update.deleted, self._deleted = self._deleted, []
        for request_id in update.deleted:
            # A deleted request's entity goes at once, not after the retention.
            if self._requests[request_id].state == Outcome.DELETED:
                self._recent.pop(request_id, None)
        if new_keys:
            update.extend(self._replay_orphans(new_keys))
        return update

    def log_deletion(
        self,
        request: Request,
        *,
        source: str,
        at: str,
        user: str | None = None,
        delete_files: bool | None = None,
        episodes: tuple[str, ...] = (),
        results: tuple[ServiceResult, ...] = (),
    ) -> None:
        """Add a deletion to the log (bounded) and report the request deleted."""
        self._deletion_log.append(
            DeletionLogEntry(
                at=at,
                request_id=request.id,
                title=request.title,
                media_type=str(request.media_type),
                source=source,
                user=user,
                delete_files=delete_files,
                episodes=episodes,
                results=results,
            )
        )
        del self._deletion_log[:-DELETION_LOG_SIZE]
        self._deleted.append(request.id)

    def set_problem(
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

    def clear_problem(self, request: Request, kind: ProblemKind) -> bool:
        """Clear a problem; return True if it was raised."""
        if request.problems.pop(kind, None) is None:
            return False
        self._problem_changes.append(ProblemChange(request.id, kind, None))
        return True

    def _check_contradictions(self, request: Request, when: datetime) -> None:
        """Raise or clear the problems of evidence that contradicts itself."""
        reason = declined_but_grabbed(request)
        if reason is None:
            self.clear_problem(request, ProblemKind.DECLINED_BUT_GRABBED)
        else:
            self.set_problem(request, ProblemKind.DECLINED_BUT_GRABBED, reason, when)

    def _track_finished(self, request: Request) -> None:
        """Keep the active and recently finished id sets in step with a request."""
        # Library media gets no entity (history, not news), and a deleted
        # request's entity goes at once, also after a restart.
        self._track(
            request.id,
            request.finished_at,
            listed=not request.from_library and request.state != Outcome.DELETED,
        )

    def _track(self, request_id: str, finished_at: str | None, *, listed: bool) -> None:
        if finished_at is None:
            self._active.add(request_id)
            self._recent.pop(request_id, None)
        else:
            self._active.discard(request_id)
            if listed:
                self._recent[request_id] = finished_at
            else:
                self._recent.pop(request_id, None)

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


def fill_media(request: Request, media: MediaRef) -> None:
    """Fill ids and display fields the request does not have yet."""
    request.tmdb_id = request.tmdb_id or media.tmdb_id
    if media.media_type is MediaType.TV:
        request.tvdb_id = request.tvdb_id or media.tvdb_id
    request.imdb_id = request.imdb_id or media.imdb_id
    request.year = request.year or media.year
    request.poster_url = request.poster_url or media.poster_url
    request.title = request.title or media.title


def merge_episode_ref(episode: Episode, ref: EpisodeRef, *, listed: bool) -> bool:
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


def add_unique_int(items: list[int], value: int | None) -> None:
    """Append `value` unless it is None or already there."""
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


def duration_text(limit: timedelta) -> str:
    """Return "30 min", "2 h" or "1 d 2 h" for a stalled-problem reason."""
    minutes = int(limit.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = divmod(hours, 24)
    return f"{days} d" + (f" {hours} h" if hours else "")


def seasons_of(episodes: Iterable[EpisodeRef]) -> set[int]:
    """Return the seasons of some episodes."""
    return {episode.season for episode in episodes}


def episodes_label(episodes: Iterable[EpisodeRef]) -> str:
    """Return "S01E01, S01E02" for a timeline detail or an event key."""
    return ", ".join(episode.key for episode in episodes)


def media_label(media: MediaRef) -> str:
    """Return a key for media without a request id ("movie:603")."""
    return f"{media.media_type}:{media.tmdb_id or media.tvdb_id or media.title}"


def add_unique(items: list[str], value: str | None) -> None:
    """Append `value` unless it is empty or already there."""
    if value and value not in items:
        items.append(value)
