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

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from .book import (
    DEFAULT_MAX_ORPHANS,
    DEFAULT_ORPHAN_TTL,
    AnimeRules,
    Orphan,
    ProblemChange,
    StageChange,
    TrackerUpdate,
    _Touched,
    new_request_id,
)
from .deletion_log import ServiceResult
from .model import ProblemKind
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
    "Tracker",
    "TrackerUpdate",
    "_Touched",
    "new_request_id",
]


class Tracker(
    SeerrRules,
    ArrRules,
    DownloadRules,
    JellyfinRules,
    ShokoRules,
    DeletionRules,
    LibraryRules,
):
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
        super().__init__(
            now=now,
            # Looked up at call time so tests can make ids predictable.
            new_id=new_id or (lambda: new_request_id()),  # noqa: PLW0108
            trust_seerr_available=trust_seerr_available,
            anime_rules=anime_rules,
            max_orphans=max_orphans,
            orphan_ttl=orphan_ttl,
        )

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
            case JellyfinItem(event=JellyfinEvent.ITEM_DELETED):
                self._apply_jellyfin_deleted(observation, when, touched)
            case JellyfinItem():
                orphan = not self._apply_jellyfin(observation, when, touched)
            case SeriesEpisodes():
                self._apply_series_episodes(observation, touched)
            case TorrentSnapshot():
                persist = self._apply_torrents(observation, when, touched)
            case DownloadClientUnreachable():
                persist = False
                self._apply_client_unreachable(observation, touched)
            case ShokoFile():
                orphan = not self._apply_shoko_file(observation, when, touched)
            case ArrMediaDeleted():
                self._apply_media_deleted(observation, when, touched)
            case ArrFileDeleted():
                self._apply_file_deleted(observation, when, touched)
            case ShokoMetadata() | Ignored():
                # Metadata updates say nothing about a request's files.
                pass
        update = self._settle(touched, now, persist=persist)
        if orphan and keep_orphan:
            self._add_orphan(observation, when)
            update.orphaned = True
            update.persist = True
        return update

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
        self.mark_deleted(
            request_id,
            source=source,
            user=user,
            delete_files=delete_files,
            results=results,
        )
        touched = _Touched()
        touched.add(self._requests[request_id])
        return self._settle(touched, self._now())

    def clear_problems(self, request_id: str) -> tuple[list[str], TrackerUpdate]:
        """Clear every problem of a request (retry); return their kinds."""
        request = self._requests[request_id]
        cleared = list(request.problems)
        for kind in cleared:
            self._clear_problem(request, ProblemKind(kind))
        touched = _Touched()
        if cleared:
            touched.add(request)
        return cleared, self._settle(touched, self._now())

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
