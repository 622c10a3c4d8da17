"""The tracker: the book of every request, and the rules that change it.

`Tracker.apply(observation)` hands the observation to the rule object of its
source (`rules/`), which finds (or creates) the request it is about and records
the new evidence once (idempotent by event key); the book then re-derives the
request's state and reports what changed. Observations that match nothing yet
and cannot start a request (a Jellyfin item, a "series added") are kept for a
while as orphans and replayed when a matching request appears, so the final
state does not depend on the order in which events arrived.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from .book import (
    DEFAULT_MAX_ORPHANS,
    DEFAULT_ORPHAN_TTL,
    MATCHED,
    AnimeRules,
    Orphan,
    ProblemChange,
    RequestBook,
    StageChange,
    Touched,
    TrackerUpdate,
    new_request_id,
)
from .deletion_log import ServiceResult
from .model import EVIDENCE_PROBLEMS, ProblemKind
from .observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrMediaDeleted,
    DownloadClientUnreachable,
    Ignored,
    JellyfinEvent,
    JellyfinItem,
    Observation,
    SeerrNotification,
    SeriesEpisodes,
    ShokoFile,
    ShokoMetadata,
    TorrentSnapshot,
)
from .rules.arr import ArrRules
from .rules.deletions import DeletionRules
from .rules.downloads import DownloadRules
from .rules.jellyfin import JellyfinRules
from .rules.library import LibraryRules, SyncResult
from .rules.seerr import SeerrRules
from .rules.shoko import ShokoRules

__all__ = [
    "DEFAULT_MAX_ORPHANS",
    "DEFAULT_ORPHAN_TTL",
    "AnimeRules",
    "Orphan",
    "ProblemChange",
    "StageChange",
    "SyncResult",
    "Touched",
    "Tracker",
    "TrackerUpdate",
    "new_request_id",
]


class Tracker(RequestBook):
    """All requests of one hub (the book) and the rule object of each source.

    The rules that answer questions or take commands besides `apply` are
    public: `downloads` (stalled check, polling pace), `jellyfin` (the
    availability fallback) and `library` (the library sync).
    """

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
        super().__init__(
            now=now,
            # Looked up at call time so tests can make ids predictable.
            new_id=new_id or (lambda: new_request_id()),  # noqa: PLW0108
            trust_seerr_available=trust_seerr_available,
            anime_rules=anime_rules,
            max_orphans=max_orphans,
            orphan_ttl=orphan_ttl,
        )
        self.seerr = SeerrRules(self)
        self.arr = ArrRules(self)
        self.downloads = DownloadRules(self)
        self.jellyfin = JellyfinRules(self)
        self.shoko = ShokoRules(self)
        self.deletions = DeletionRules(self)
        self.library = LibraryRules(self)

    # ------------------------------------------------------------------ apply

    def apply(
        self,
        observation: Observation,
        *,
        at: datetime | None = None,
        keep_orphan: bool = True,
        replay: bool = False,
    ) -> TrackerUpdate:
        """Record one observation and return what changed.

        `at` is when the observation was received (an orphan's arrival time): its
        facts keep that time, while the request is re-derived and stamped now.
        With `replay` the request is stamped `at` too: the observation is applied
        again exactly as it was then (a journaled webhook after a kill).
        With `keep_orphan` False an observation that matches nothing is dropped
        (a periodic check's library item) instead of waiting for a request.
        """
        now = at if replay and at is not None else self._now()
        when = at or now
        touched = Touched()
        match observation:
            case SeerrNotification():
                applied = self.seerr.apply(observation, when, touched)
            case (
                ArrGrab()
                | ArrImport()
                | ArrMediaAdded()
                | ArrImportBlocked()
                | SeriesEpisodes()
            ):
                applied = self.arr.apply(observation, when, touched)
            case TorrentSnapshot() | DownloadClientUnreachable():
                applied = self.downloads.apply(observation, when, touched)
            case (
                ArrMediaDeleted()
                | ArrFileDeleted()
                | JellyfinItem(event=JellyfinEvent.ITEM_DELETED)
            ):
                applied = self.deletions.apply(observation, when, touched)
            case JellyfinItem():
                applied = self.jellyfin.apply(observation, when, touched)
            case ShokoFile():
                applied = self.shoko.apply(observation, when, touched)
            case ShokoMetadata() | Ignored():
                # Metadata updates say nothing about a request's files.
                applied = MATCHED
        update = self.settle(touched, now, persist=applied.lasting)
        if not applied.matched and keep_orphan:
            self._add_orphan(observation, when)
            update.orphaned = True
            update.persist = True
        return update

    # --------------------------------------------------------------- commands

    def delete_request(
        self,
        request_id: str,
        *,
        user: str | None,
        delete_files: bool,
        results: Iterable[ServiceResult],
        source: str = "user",
    ) -> TrackerUpdate:
        """Record a deletion everywhere: by a user, or one propagated from `source`."""
        self.deletions.mark_deleted(
            request_id,
            source=source,
            user=user,
            delete_files=delete_files,
            results=results,
        )
        touched = Touched()
        touched.add(self._requests[request_id])
        return self.settle(touched, self._now())

    def clear_problems(self, request_id: str) -> tuple[list[str], TrackerUpdate]:
        """Clear the problems a retry can fix; return their kinds.

        Problems of contradicting evidence stay: only new evidence ends them.
        """
        request = self._requests[request_id]
        cleared = [kind for kind in request.problems if kind not in EVIDENCE_PROBLEMS]
        for kind in cleared:
            self.clear_problem(request, ProblemKind(kind))
        touched = Touched()
        if cleared:
            touched.add(request)
        return cleared, self.settle(touched, self._now())

    def refresh(self) -> TrackerUpdate:
        """Re-derive listed requests (air dates pass) and expire old orphans.

        Recently finished requests are re-derived too: a show available up to
        its last aired episode is searching again once the next one airs.
        """
        when = self._now()
        touched = Touched()
        for request in [*self.active(), *self.recently_finished()]:
            touched.add(request)
        update = self.settle(touched, when, only_if_state_changes=True)
        before = len(self._orphans)
        self._expire_orphans(when)
        if len(self._orphans) != before:
            update.orphaned = update.persist = True
        return update
