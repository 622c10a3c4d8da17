"""Request views shaped like the websocket API's (views.request_view + card fields)."""

from __future__ import annotations

import copy
from typing import Any

POSTER = "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example.jpg"


def _ids(**ids: Any) -> dict[str, Any]:
    return {
        "seerr_request": None,
        "tmdb": None,
        "tvdb": None,
        "imdb": None,
        "arr": None,
        "jellyfin": None,
        **ids,
    }


def movie(**changes: Any) -> dict[str, Any]:
    """Return a downloading movie (list view: no timeline)."""
    view: dict[str, Any] = {
        "request_id": "req000001",
        "title": "Example Movie",
        "year": 1999,
        "media_type": "movie",
        "state": "downloading",
        "finished": False,
        "stage_since": "2026-01-10T12:05:00+00:00",
        "created_at": "2026-01-10T12:00:00+00:00",
        "finished_at": None,
        "requested_by": "alice",
        "origin": "seerr",
        "seasons": [],
        "is_anime": False,
        "poster_url": POSTER,
        "progress": 42.5,
        "problems": {},
        "ids": _ids(seerr_request=201, tmdb=603, arr=12),
        "jellyfin_url": None,
        "speed": 2_500_000,
        "eta": 3720,
    }
    view.update(changes)
    return view


def show(**changes: Any) -> dict[str, Any]:
    """Return a TV request with a stalled download and a few episodes."""
    view: dict[str, Any] = {
        "request_id": "req000002",
        "title": "Example Show",
        "year": 2008,
        "media_type": "tv",
        "state": "grabbed",
        "finished": False,
        "stage_since": "2026-01-10T13:05:00+00:00",
        "created_at": "2026-01-10T13:00:00+00:00",
        "finished_at": None,
        "requested_by": "bob",
        "origin": "seerr",
        "seasons": [1, 2],
        "is_anime": False,
        "poster_url": None,
        "progress": 7.0,
        "problems": {
            "stalled": {
                "reason": "No seeds for 2 hours",
                "since": "2026-01-10T13:10:00+00:00",
            }
        },
        "ids": _ids(seerr_request=202, tmdb=1396, tvdb=81189, arr=7),
        "episodes_summary": "1/4 available · 2 grabbed",
        "episodes": [
            _episode(1, 1, "Pilot", "available", 100.0),
            _episode(1, 2, "The Second Cook", "downloading", 35.0),
            _episode(1, 3, "The Third Cook", "grabbed", None),
            _episode(2, 1, "Next Season", "unaired", None),
        ],
        "jellyfin_url": None,
        "speed": None,
        "eta": None,
    }
    view.update(changes)
    return view


def _episode(
    season: int, number: int, title: str, stage: str, progress: float | None
) -> dict[str, Any]:
    return {
        "season": season,
        "episode": number,
        "title": title,
        "air_date": "2008-01-21T03:00:00Z",
        "stage": stage,
        "progress": progress,
        "jellyfin_id": "e1" if stage == "available" else None,
    }


TIMELINE = [
    {
        "at": "2026-01-10T12:00:00+00:00",
        "kind": "requested",
        "source": "seerr",
        "key": "seerr:201:MEDIA_PENDING",
        "detail": None,
    },
    {
        "at": "2026-01-10T12:01:00+00:00",
        "kind": "approved",
        "source": "seerr",
        "key": "seerr:201:MEDIA_APPROVED",
        "detail": None,
    },
    {
        "at": "2026-01-10T12:05:00+00:00",
        "kind": "grabbed",
        "source": "radarr",
        "key": "radarr:abc",
        "detail": "Example.Movie.1999.1080p",
    },
]


def detail(view: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Return what requests/get answers for a list view: with the timeline."""
    full = copy.deepcopy(view)
    full["timeline"] = TIMELINE
    full.update(changes)
    return full


def finished(request_id: str, title: str, state: str, by: str) -> dict[str, Any]:
    """Return a finished request for the history tab."""
    return movie(
        request_id=request_id,
        title=title,
        state=state,
        finished=True,
        finished_at="2026-01-11T10:00:00+00:00",
        requested_by=by,
        progress=None,
        speed=None,
        eta=None,
    )


DELETE_RESPONSE = {
    "requests": [
        {
            "request_id": "req000001",
            "title": "Example Movie",
            "state": "deleted",
            "delete_files": True,
            "partial": True,
            "results": [
                {
                    "service": "radarr",
                    "instance": "Radarr",
                    "outcome": "deleted",
                    "detail": None,
                },
                {
                    "service": "qbittorrent",
                    "instance": "qBittorrent",
                    "outcome": "failed",
                    "detail": "Connection refused",
                },
                {
                    "service": "seerr",
                    "instance": "Seerr",
                    "outcome": "deleted",
                    "detail": None,
                },
            ],
        }
    ]
}
