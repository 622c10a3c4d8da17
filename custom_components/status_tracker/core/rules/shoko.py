"""Shoko file events: files are detected, hashed and matched (or not) to AniDB."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ..book import MATCHED, NO_MATCH, Applied, RequestBook, Touched, add_unique_int
from ..correlation import file_name, normalize_path, shoko_file_keys
from ..model import Outcome, ProblemKind, Request, TimelineKind, Unit
from ..observations import ShokoFile, ShokoFileEvent

# Shoko file events that say something about a request's files.
_SHOKO_LIFECYCLE_EVENTS: Final = frozenset(
    {
        ShokoFileEvent.DETECTED,
        ShokoFileEvent.HASHED,
        ShokoFileEvent.MATCHED,
        ShokoFileEvent.NOT_MATCHED,
    }
)


class ShokoRules:
    """Apply Shoko file events."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(self, obs: ShokoFile, when: datetime, touched: Touched) -> Applied:
        """Record a Shoko file event (kept as an orphan if nothing matches)."""
        return MATCHED if self._apply_shoko_file(obs, when, touched) else NO_MATCH

    def _apply_shoko_file(
        self, obs: ShokoFile, when: datetime, touched: Touched
    ) -> bool:
        """Record a Shoko file event; return False when it should wait as an orphan.

        The file is found by its Shoko id, its full path, or (when Shoko sees the
        library under another mount) its file name.
        """
        if obs.event not in _SHOKO_LIFECYCLE_EVENTS:
            # Deletions and moves are handled by the deletion feature.
            return True
        found = [
            r
            for r in self._book.lookup(shoko_file_keys(obs))
            if r.state != Outcome.DELETED
        ]
        request = self._book.pick(
            [r for r in found if not r.finished], ()
        ) or self._book.pick(
            [r for r in found if r.finished and _shoko_is_new_to(r, obs)], ()
        )
        if request is None:
            return False
        units = _units_with_file(request, obs)
        at = when.isoformat()
        for unit in units:
            add_unique_int(unit.shoko_file_ids, obs.file_id)
        ident = obs.file_id or obs.relative_path
        if obs.event is ShokoFileEvent.MATCHED and obs.cross_references:
            if self._book.record(
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
                        add_unique_int(unit.shoko_episode_ids, reference.episode_id)
                for reference in obs.cross_references:
                    add_unique_int(request.shoko_series_ids, reference.series_id)
        elif obs.event is ShokoFileEvent.NOT_MATCHED:
            attempts = obs.auto_match_attempts or 0
            if self._book.record(
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
            self._book.clear_problem(request, ProblemKind.NEEDS_LINK)
            return
        names = sorted({file_name(path) for unit in waiting for path in unit.files})
        reason = f"Shoko could not match {', '.join(names) or 'a file'}"
        if obs.event is ShokoFileEvent.NOT_MATCHED and obs.udp_banned:
            reason += " (AniDB has banned Shoko for now)"
        self._book.set_problem(
            request,
            ProblemKind.NEEDS_LINK,
            f"{reason}; link it manually in Shoko",
            when,
        )


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
