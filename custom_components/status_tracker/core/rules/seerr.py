"""Seerr notifications: a request is asked for, approved, declined, available.

A watchlist auto-request (MEDIA_AUTO_REQUESTED) is a request being asked for,
like MEDIA_PENDING. It is never taken as an approval: its event text is the
same whether the request waits or was approved, and its media status is read
before the hand-over to the *arr (PENDING either way for new media) or set by
another request of the media. Seerr sends it with the request's MEDIA_PENDING
or MEDIA_AUTO_APPROVED, which says which (docs/protocols.md §4.3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ..book import MATCHED, Applied, RequestBook, Touched, fill_media, media_label
from ..correlation import media_keys
from ..model import Request, TimelineKind
from ..observations import SeerrEvent, SeerrNotification

_SEERR_TIMELINE: Final = {
    SeerrEvent.PENDING: TimelineKind.REQUESTED,
    SeerrEvent.APPROVED: TimelineKind.APPROVED,
    SeerrEvent.AUTO_APPROVED: TimelineKind.APPROVED,
    SeerrEvent.DECLINED: TimelineKind.DECLINED,
    SeerrEvent.FAILED: TimelineKind.FAILED,
    SeerrEvent.AVAILABLE: TimelineKind.SEERR_AVAILABLE,
    SeerrEvent.AUTO_REQUESTED: TimelineKind.REQUESTED,
}
# What the timeline says about how Seerr did it.
_SEERR_DETAIL: Final = {
    SeerrEvent.AUTO_APPROVED: "automatically",
    SeerrEvent.AUTO_REQUESTED: "from a watchlist",
}


class SeerrRules:
    """Apply Seerr notifications."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(
        self, obs: SeerrNotification, when: datetime, touched: Touched
    ) -> Applied:
        """Record a Seerr notification (it starts a request if none matches)."""
        self._apply_seerr(obs, when, touched)
        return MATCHED

    def _apply_seerr(
        self, obs: SeerrNotification, when: datetime, touched: Touched
    ) -> None:
        request: Request | None = None
        if obs.request_id is not None:
            request = self._book.first(self._book.lookup([("seerr", obs.request_id)]))
        if request is None:
            # An *arr event may have arrived first and started the request.
            # A notification without a request (request: null) cannot be
            # about another Seerr request, so it joins any request of the media.
            request = self._book.find(
                media_keys(obs.media),
                obs.media.media_type,
                obs.seasons,
                only=lambda r: obs.request_id is None or r.seerr_request_id is None,
                late=lambda r: True,
            )
        created = request is None
        if request is None:
            request = self._book.create(obs.media, when)
        key = f"seerr:{obs.request_id or media_label(obs.media)}:{obs.event}"
        at = when.isoformat()
        if not self._book.record(
            request,
            key=key,
            kind=_SEERR_TIMELINE[obs.event],
            source="seerr",
            at=at,
            detail=_SEERR_DETAIL.get(obs.event),
        ):
            return
        request.seerr_request_id = request.seerr_request_id or obs.request_id
        request.requested_by = obs.requested_by or request.requested_by
        request.is_4k = request.is_4k or obs.is_4k
        request.seasons = sorted(set(request.seasons) | set(obs.seasons))
        # Seerr's TMDB title and poster win over the *arr's, whatever the order.
        request.title = obs.media.title or request.title
        request.poster_url = obs.media.poster_url or request.poster_url
        fill_media(request, obs.media)
        match obs.event:
            case SeerrEvent.PENDING | SeerrEvent.AUTO_REQUESTED:
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
