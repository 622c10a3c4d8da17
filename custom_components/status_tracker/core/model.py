"""The tracked data: requests, episodes, evidence and timelines, with JSON round-trips.

A request stores *evidence* (facts reported by upstream services, with the time
they were first seen) and a timeline of those facts. Its stage is derived from the
evidence by `lifecycle.py`; the stored `state` is only a cache of that derivation
so the previous stage is known when a new observation arrives.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from sys import intern
from typing import Any, Final, overload

from .observations import MediaType, episode_key, is_torrent_complete


def intern_or_none(value: str | None) -> str | None:
    """Return the interned string (a plain str, also for enum members), or None."""
    return None if value is None else intern(str(value))


class StringSharer:
    """Hands out one object per distinct string value, for one request's load."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        """Start with no strings known."""
        self._known: dict[str, str] = {}

    @overload
    def __call__(self, value: str) -> str: ...

    @overload
    def __call__(self, value: str | None) -> str | None: ...

    def __call__(self, value: str | None) -> str | None:
        """Return the first seen string equal to `value` (None stays None)."""
        if value is None:
            return None
        return self._known.setdefault(value, value)


class Stage(StrEnum):
    """Lifecycle stages, in order of progress."""

    REQUESTED = "requested"
    APPROVED = "approved"
    SEARCHING = "searching"
    GRABBED = "grabbed"
    DOWNLOADING = "downloading"
    DOWNLOADED = "downloaded"
    IMPORTING = "importing"
    MATCHING = "matching"
    AVAILABLE = "available"


class Outcome(StrEnum):
    """Ends of a request outside the stage order."""

    DECLINED = "declined"
    FAILED = "failed"
    DELETED = "deleted"


STAGE_RANK: Final = {stage: rank for rank, stage in enumerate(Stage)}
# Every value a request's state can take, in display order.
ALL_STATES: Final = (*(str(stage) for stage in Stage), *(str(o) for o in Outcome))
FINISHED_STATES: Final = frozenset({Stage.AVAILABLE, *Outcome})


class ProblemKind(StrEnum):
    """Problems that do not change a request's stage."""

    STALLED = "stalled"
    DOWNLOAD_ERROR = "download_error"
    NEEDS_LINK = "needs_link"
    IMPORT_BLOCKED = "import_blocked"
    # Seerr declined the request, but the *arr grabbed or imported it anyway.
    DECLINED_BUT_GRABBED = "declined_but_grabbed"


# Problems that follow from the evidence alone: raised and cleared whenever the
# request is derived again, so a retry does not clear them.
EVIDENCE_PROBLEMS: Final = frozenset({ProblemKind.DECLINED_BUT_GRABBED})


class TimelineKind(StrEnum):
    """Facts that appear on a request's timeline."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    FAILED = "failed"
    SEERR_AVAILABLE = "seerr_available"
    ADDED_TO_ARR = "added_to_arr"
    GRABBED = "grabbed"
    DOWNLOADED = "downloaded"
    DOWNLOAD_ERROR = "download_error"
    IMPORTED = "imported"
    IMPORT_BLOCKED = "import_blocked"
    MATCHED = "matched"
    NOT_MATCHED = "not_matched"
    AVAILABLE = "available"
    DELETED = "deleted"
    FILE_DELETED = "file_deleted"
    IN_LIBRARY = "in_library"


# Download state recorded when the client no longer lists the torrent.
REMOVED_STATE: Final = "removed"


@dataclass(slots=True)
class Download:
    """Live state of one download (torrent hash) as the download client reports it."""

    progress: float = 0.0
    state: str | None = None
    # None while the download client cannot be read (unknown, not zero).
    speed: int | None = 0
    eta: int | None = None
    size: int | None = None
    # Config subentry id of the download client that reports it.
    client: str | None = None

    @property
    def complete(self) -> bool:
        """Return True when every selected byte is on disk."""
        return is_torrent_complete(self.progress, self.state)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "progress": self.progress,
            "state": self.state,
            "speed": self.speed,
            "eta": self.eta,
            "size": self.size,
            "client": self.client,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Download:
        """Build from `to_dict` output."""
        return cls(
            progress=data.get("progress", 0.0),
            state=data.get("state"),
            speed=data.get("speed", 0),
            eta=data.get("eta"),
            size=data.get("size"),
            client=data.get("client"),
        )


@dataclass(slots=True)
class Unit:
    """Evidence about one playable item: a movie, or one episode of a show.

    Timestamps are ISO-8601 strings (UTC) of the first time the fact was seen.
    """

    grabbed_at: str | None = None
    download_ids: list[str] = field(default_factory=list)
    imported_at: str | None = None
    files: list[str] = field(default_factory=list)
    matched_at: str | None = None
    available_at: str | None = None
    jellyfin_id: str | None = None
    # Shoko (anime): the file's Shoko ids, and when Shoko said it cannot match it.
    shoko_file_ids: list[int] = field(default_factory=list)
    shoko_episode_ids: list[int] = field(default_factory=list)
    shoko_not_matched_at: str | None = None

    def unit_dict(self) -> dict[str, Any]:
        """Return the evidence fields as a JSON-serialisable dict."""
        return {
            "grabbed_at": self.grabbed_at,
            "download_ids": list(self.download_ids),
            "imported_at": self.imported_at,
            "files": list(self.files),
            "matched_at": self.matched_at,
            "available_at": self.available_at,
            "jellyfin_id": self.jellyfin_id,
            "shoko_file_ids": list(self.shoko_file_ids),
            "shoko_episode_ids": list(self.shoko_episode_ids),
            "shoko_not_matched_at": self.shoko_not_matched_at,
        }

    @staticmethod
    def unit_kwargs(
        data: dict[str, Any], share: StringSharer | None = None
    ) -> dict[str, Any]:
        """Return constructor arguments for the evidence fields of `data`.

        `share` returns one object for equal timestamps (see `StringSharer`).
        """
        share = share or StringSharer()
        get = data.get
        return {
            "grabbed_at": share(get("grabbed_at")),
            "download_ids": list(get("download_ids", ())),
            "imported_at": share(get("imported_at")),
            "files": list(get("files", ())),
            "matched_at": share(get("matched_at")),
            "available_at": share(get("available_at")),
            "jellyfin_id": get("jellyfin_id"),
            "shoko_file_ids": list(get("shoko_file_ids", ())),
            "shoko_episode_ids": list(get("shoko_episode_ids", ())),
            "shoko_not_matched_at": share(get("shoko_not_matched_at")),
        }

    @property
    def has_evidence(self) -> bool:
        """Return True when anything beyond the request itself happened to this item."""
        return bool(
            self.grabbed_at or self.imported_at or self.matched_at or self.available_at
        )


@dataclass(slots=True)
class Episode(Unit):
    """One requested episode of a TV request, with its own evidence."""

    season: int = 0
    number: int = 0
    title: str | None = None
    air_date: str | None = None
    arr_episode_id: int | None = None
    tvdb_id: int | None = None
    # True when the episode is in Sonarr's episode list for the series.
    in_arr_list: bool = False

    @property
    def known_to_arr(self) -> bool:
        """Return True when Sonarr knows this episode (listed, grabbed or imported).

        Episodes known only from Jellyfin do not make up the requested set: a show
        must not look complete because the first episode Jellyfin saw is available.
        """
        return self.in_arr_list or bool(self.grabbed_at or self.imported_at)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "season": self.season,
            "number": self.number,
            "title": self.title,
            "air_date": self.air_date,
            "arr_episode_id": self.arr_episode_id,
            "tvdb_id": self.tvdb_id,
            "in_arr_list": self.in_arr_list,
            **self.unit_dict(),
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        share: StringSharer | None = None,
    ) -> Episode:
        """Build from `to_dict` output."""
        return cls(
            season=data["season"],
            number=data["number"],
            title=data.get("title"),
            air_date=data.get("air_date"),
            arr_episode_id=data.get("arr_episode_id"),
            tvdb_id=data.get("tvdb_id"),
            in_arr_list=data.get("in_arr_list", False),
            **cls.unit_kwargs(data, share),
        )


@dataclass(slots=True)
class Problem:
    """Something wrong with a request that does not change its stage."""

    reason: str
    since: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {"reason": self.reason, "since": self.since}


@dataclass(slots=True, frozen=True)
class TimelineEntry:
    """One fact on a request's timeline. `key` makes recording it idempotent."""

    at: str
    kind: str
    source: str
    key: str
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "at": self.at,
            "kind": self.kind,
            "source": self.source,
            "key": self.key,
            "detail": self.detail,
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        share: StringSharer | None = None,
    ) -> TimelineEntry:
        """Build from `to_dict` output.

        `kind` and `source` come from small fixed sets: interned, every entry
        shares one string object instead of keeping its own decoded copy.
        """
        return cls(
            at=data["at"] if share is None else share(data["at"]),
            kind=intern(str(data["kind"])),
            source=intern(str(data["source"])),
            key=data["key"],
            detail=data.get("detail"),
        )


@dataclass(slots=True)
class Request:
    """A media request followed from Seerr (or the *arr) to Jellyfin."""

    id: str
    media_type: MediaType
    title: str
    created_at: str
    year: int | None = None
    poster_url: str | None = None
    requested_by: str | None = None
    seerr_request_id: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    arr_service: str | None = None
    arr_instance: str | None = None
    arr_id: int | None = None
    jellyfin_series_id: str | None = None
    shoko_series_ids: list[int] = field(default_factory=list)
    seasons: list[int] = field(default_factory=list)
    is_4k: bool = False
    is_anime: bool = False
    # Added by the library sync for media already in Jellyfin (store only).
    from_library: bool = False
    # Request-level evidence.
    requested_at: str | None = None
    approved_at: str | None = None
    searching_at: str | None = None
    declined_at: str | None = None
    failed_at: str | None = None
    seerr_available_at: str | None = None
    deleted_at: str | None = None
    # The movie's evidence (movies only).
    movie: Unit = field(default_factory=Unit)
    # Episodes by key "S01E03" (TV only).
    episodes: dict[str, Episode] = field(default_factory=dict)
    # True once Sonarr's full episode list for the requested seasons is known.
    episodes_complete: bool = False
    # Seasons whose every episode was listed by a season-pack import.
    complete_seasons: list[int] = field(default_factory=list)
    downloads: dict[str, Download] = field(default_factory=dict)
    problems: dict[str, Problem] = field(default_factory=dict)
    timeline: list[TimelineEntry] = field(default_factory=list)
    # Cache of the derived state (a Stage or an Outcome value).
    state: str = Stage.REQUESTED
    updated_at: str | None = None
    finished_at: str | None = None
    # When the state last changed, and when anything last moved forward (a new
    # fact, download progress): what the stalled check measures.
    stage_since: str | None = None
    last_progress_at: str | None = None
    # Idempotency keys of the facts already recorded; built from the timeline
    # on first use (most stored requests are history that never needs it).
    seen_key_cache: set[str] | None = field(default=None, repr=False, compare=False)

    @property
    def seen_keys(self) -> set[str]:
        """Return the idempotency keys of the facts on the timeline."""
        if self.seen_key_cache is None:
            self.seen_key_cache = {entry.key for entry in self.timeline}
        return self.seen_key_cache

    @property
    def awaiting_arr(self) -> bool:
        """Return True while approved and not yet added to Sonarr/Radarr.

        Seerr hands an approved request over once; one approved while the *arr
        was down stays here (docs/protocols.md §4.3), and an addition whose
        webhook was lost leaves it here too (reconciliation.py looks it up).
        """
        return self.state == Stage.APPROVED and self.arr_instance is None

    @property
    def finished(self) -> bool:
        """Return True when the request reached `available` or an outcome."""
        return self.state in FINISHED_STATES

    @property
    def origin(self) -> str:
        """Return where the request came from: "seerr", "arr" or "library"."""
        if self.seerr_request_id is not None:
            return "seerr"
        return "library" if self.from_library else "arr"

    @property
    def has_progress_evidence(self) -> bool:
        """Return True when anything happened after the request was approved."""
        if self.media_type is MediaType.MOVIE:
            return self.movie.has_evidence
        return any(episode.has_evidence for episode in self.episodes.values())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "id": self.id,
            "media_type": str(self.media_type),
            "title": self.title,
            "created_at": self.created_at,
            "year": self.year,
            "poster_url": self.poster_url,
            "requested_by": self.requested_by,
            "seerr_request_id": self.seerr_request_id,
            "tmdb_id": self.tmdb_id,
            "tvdb_id": self.tvdb_id,
            "imdb_id": self.imdb_id,
            "arr_service": self.arr_service,
            "arr_instance": self.arr_instance,
            "arr_id": self.arr_id,
            "jellyfin_series_id": self.jellyfin_series_id,
            "shoko_series_ids": list(self.shoko_series_ids),
            "seasons": list(self.seasons),
            "is_4k": self.is_4k,
            "is_anime": self.is_anime,
            "from_library": self.from_library,
            "requested_at": self.requested_at,
            "approved_at": self.approved_at,
            "searching_at": self.searching_at,
            "declined_at": self.declined_at,
            "failed_at": self.failed_at,
            "seerr_available_at": self.seerr_available_at,
            "deleted_at": self.deleted_at,
            "movie": self.movie.unit_dict(),
            "episodes": [episode.to_dict() for episode in self.episodes.values()],
            "episodes_complete": self.episodes_complete,
            "complete_seasons": list(self.complete_seasons),
            "downloads": {h: d.to_dict() for h, d in self.downloads.items()},
            "problems": {k: p.to_dict() for k, p in self.problems.items()},
            "timeline": [entry.to_dict() for entry in self.timeline],
            "state": self.state,
            "updated_at": self.updated_at,
            "finished_at": self.finished_at,
            "stage_since": self.stage_since,
            "last_progress_at": self.last_progress_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Request:
        """Build from `to_dict` output.

        Strings repeated across requests (states, service names, users) are
        interned and equal timestamps within the request share one object:
        decoded JSON gives each occurrence its own string, which made up half
        of a stored request's memory (script/bench, item f).
        """
        share = StringSharer()
        get = data.get
        episodes = (Episode.from_dict(item, share) for item in get("episodes", ()))
        return cls(
            id=data["id"],
            media_type=MediaType(data["media_type"]),
            title=data["title"],
            created_at=share(data["created_at"]),
            year=get("year"),
            poster_url=get("poster_url"),
            requested_by=intern_or_none(get("requested_by")),
            seerr_request_id=get("seerr_request_id"),
            tmdb_id=get("tmdb_id"),
            tvdb_id=get("tvdb_id"),
            imdb_id=get("imdb_id"),
            arr_service=intern_or_none(get("arr_service")),
            arr_instance=intern_or_none(get("arr_instance")),
            arr_id=get("arr_id"),
            jellyfin_series_id=get("jellyfin_series_id"),
            shoko_series_ids=list(get("shoko_series_ids", ())),
            seasons=list(get("seasons", ())),
            is_4k=get("is_4k", False),
            is_anime=get("is_anime", False),
            from_library=get("from_library", False),
            requested_at=share(get("requested_at")),
            approved_at=share(get("approved_at")),
            searching_at=share(get("searching_at")),
            declined_at=share(get("declined_at")),
            failed_at=share(get("failed_at")),
            seerr_available_at=share(get("seerr_available_at")),
            deleted_at=share(get("deleted_at")),
            movie=Unit(**Unit.unit_kwargs(get("movie", {}), share)),
            episodes={episode_key(ep.season, ep.number): ep for ep in episodes},
            episodes_complete=get("episodes_complete", False),
            complete_seasons=list(get("complete_seasons", ())),
            downloads={
                h: Download.from_dict(d) for h, d in get("downloads", {}).items()
            },
            problems={
                intern(str(k)): Problem(reason=p["reason"], since=p["since"])
                for k, p in get("problems", {}).items()
            },
            timeline=[
                TimelineEntry.from_dict(item, share) for item in get("timeline", ())
            ],
            state=intern(str(get("state", Stage.REQUESTED))),
            updated_at=share(get("updated_at")),
            finished_at=share(get("finished_at")),
            stage_since=share(get("stage_since")),
            last_progress_at=share(get("last_progress_at")),
        )
