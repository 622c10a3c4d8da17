"""What actions and the card see of a request: JSON-ready views.

One place turns a request into the dictionary users get back, so the
`get_requests` action and the websocket API answer the same shape.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from .deletion_log import DeletionLogEntry
from .lifecycle import (
    download_progress,
    download_rate,
    episode_stage,
    episode_summary,
    in_requested_seasons,
    is_aired,
    unit_progress,
)
from .model import FINISHED_STATES, Request
from .observations import MediaType
from .request_table import PackedRequest

MAX_PAGE_SIZE: Final = 500


def request_view(
    request: Request, now: datetime, *, details: bool = True
) -> dict[str, Any]:
    """Return a request as users see it; `details` adds episodes and timeline."""
    speed, eta = download_rate(request)
    view: dict[str, Any] = {
        "request_id": request.id,
        "title": request.title,
        "year": request.year,
        "media_type": str(request.media_type),
        "state": str(request.state),
        "finished": request.finished,
        "stage_since": request.stage_since,
        "created_at": request.created_at,
        "finished_at": request.finished_at,
        "requested_by": request.requested_by,
        "origin": request.origin,
        "seasons": list(request.seasons),
        "is_anime": request.is_anime,
        "poster_url": request.poster_url,
        "progress": download_progress(request),
        "speed": speed,
        "eta": eta,
        "problems": {
            kind: {"reason": problem.reason, "since": problem.since}
            for kind, problem in request.problems.items()
        },
        "ids": {
            "seerr_request": request.seerr_request_id,
            "tmdb": request.tmdb_id,
            "tvdb": request.tvdb_id,
            "imdb": request.imdb_id,
            "arr": request.arr_id,
            "jellyfin": request.movie.jellyfin_id or request.jellyfin_series_id,
        },
    }
    if request.media_type is MediaType.TV:
        summary = episode_summary(request, now)
        view["episodes_summary"] = summary.text
    if details:
        view["timeline"] = [entry.to_dict() for entry in request.timeline]
        if request.media_type is MediaType.TV:
            view["episodes"] = _episodes(request, now)
    return view


def _episodes(request: Request, now: datetime) -> list[dict[str, Any]]:
    episodes = sorted(
        (
            e
            for e in request.episodes.values()
            if in_requested_seasons(request, e.season)
        ),
        key=lambda e: (e.season, e.number),
    )
    return [
        {
            "season": episode.season,
            "episode": episode.number,
            "title": episode.title,
            "air_date": episode.air_date,
            "stage": "unaired"
            if not episode.has_evidence and not is_aired(episode, now)
            else str(episode_stage(request, episode)),
            "progress": unit_progress(episode, request.downloads),
            "jellyfin_id": episode.jellyfin_id,
        }
        for episode in episodes
    ]


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What `get_requests` (and the card's list) selects."""

    status: str = "active"  # "active", "finished" or "all"
    stages: frozenset[str] = frozenset()
    media_type: str | None = None
    requested_by: str | None = None

    def matches(self, request: Request | PackedRequest) -> bool:
        """Return True when the request passes every filter."""
        finished = request.state in FINISHED_STATES
        if self.status == "active" and finished:
            return False
        if self.status == "finished" and not finished:
            return False
        if self.stages and request.state not in self.stages:
            return False
        if self.media_type and str(request.media_type) != self.media_type:
            return False
        return not (
            self.requested_by
            and (request.requested_by or "").casefold() != self.requested_by.casefold()
        )


def page(items: list[Any], *, offset: int, limit: int) -> list[Any]:
    """Return one page of items (limit capped at MAX_PAGE_SIZE)."""
    limit = max(0, min(limit, MAX_PAGE_SIZE))
    return items[max(0, offset) : max(0, offset) + limit]


def requests_page(
    requests: Iterable[Request | PackedRequest],
    selected: RequestFilter,
    now: datetime,
    *,
    offset: int,
    limit: int,
    details: bool,
    read: Callable[[str], Request],
) -> dict[str, Any]:
    """Return the selected requests, newest first, one page of them as views.

    `requests` may hold packed history: it is filtered and sorted on the fields
    a packed request keeps, and only the page is built, through `read`.
    """
    found = sorted(
        (request for request in requests if selected.matches(request)),
        key=lambda request: (request.created_at, request.id),
        reverse=True,
    )
    return {
        "total": len(found),
        "offset": offset,
        "requests": [
            request_view(read(request.id), now, details=details)
            for request in page(found, offset=offset, limit=limit)
        ],
    }


def deletion_log_page(
    log: list[DeletionLogEntry],
    *,
    request_id: str | None,
    offset: int,
    limit: int,
) -> dict[str, Any]:
    """Return the deletion log (or one request's part), newest first, paged."""
    entries = [
        entry.to_dict()
        for entry in reversed(log)
        if request_id is None or entry.request_id == request_id
    ]
    return {
        "total": len(entries),
        "offset": offset,
        "entries": page(entries, offset=offset, limit=limit),
    }
