"""Facts read back from Sonarr's/Radarr's history move a request like their webhooks.

While Home Assistant is down the *arr webhooks are lost (they are not sent
again); reconciliation reads the *arr's history instead. A Seerr request whose
*arr webhooks were all lost (the "added" one with the *arr id too) must end in
the same stage, with the same timeline, as if they had arrived; and history
read after webhooks that did arrive must add nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from custom_components.status_tracker.api.arr import history_events
from custom_components.status_tracker.core.model import Request, Stage
from custom_components.status_tracker.core.observations import ArrService
from tests.flows import MOVIE_HASH, SHOW_HASH, episode_import, load_fixture

from .harness import INSTANCE, NOW, Harness, comparable

# When Home Assistant is back and reads the history.
BACK_UP = datetime(2026, 1, 10, 13, 30, tzinfo=UTC)


def at(hour: int, minute: int, second: int = 0) -> datetime:
    """Return a moment of the request's day (2026-01-10, UTC)."""
    return datetime(2026, 1, 10, hour, minute, second, tzinfo=UTC)


# The *arr webhooks of the requests, with when the *arr sent them (the times
# the history fixtures record).
TV_WEBHOOKS: list[tuple[datetime, dict[str, Any]]] = [
    (at(12, 0, 5), load_fixture("sonarr/series_add.json")),
    (at(12, 1), load_fixture("sonarr/grab.json")),
    (at(12, 41, 1), episode_import(1)),
    (at(12, 41, 2), episode_import(2)),
    (at(12, 41, 3), episode_import(3)),
    (at(13, 5), load_fixture("sonarr/episode_file_delete.json")),
]
MOVIE_WEBHOOKS: list[tuple[datetime, dict[str, Any]]] = [
    (at(12, 0, 4), load_fixture("radarr/movie_added.json")),
    (at(12, 1), load_fixture("radarr/grab.json")),
    (at(12, 1, 30), load_fixture("radarr/grab_anime_movie.json")),
    (at(12, 44, 31), load_fixture("radarr/download.json")),
    (at(13, 10), load_fixture("radarr/movie_file_delete.json")),
]
# Stamped when something is applied (arrival), not when it happened.
ARRIVAL_FIELDS = ("updated_at", "stage_since", "last_progress_at", "finished_at")


def requested(media: str) -> Harness:
    """Return a tracker that saw Seerr's request and approval at 12:00."""
    harness = Harness()
    suffix = "_tv" if media == "tv" else ""
    harness.play(
        [
            ("seerr", load_fixture(f"jellyseerr/media_pending{suffix}.json")),
            ("seerr", load_fixture(f"jellyseerr/media_approved{suffix}.json")),
        ]
    )
    return harness


def with_webhooks(
    harness: Harness, service: str, webhooks: list[tuple[datetime, dict[str, Any]]]
) -> Harness:
    """Deliver the webhooks, each when the *arr sent it."""
    for sent, body in webhooks:
        harness.now = sent
        harness.post(service, body)
    return harness


def with_history(
    harness: Harness, service: ArrService, *, until: datetime = BACK_UP
) -> Harness:
    """Apply what the history says since the request, read once back up."""
    harness.now = BACK_UP
    records = [
        record
        for record in load_fixture(f"{service}/api_history.json")["records"]
        if datetime.fromisoformat(record["date"]) < until
    ]
    for event in history_events(
        records,
        service=service,
        instance_id=INSTANCE,
        since=NOW,
        # Radarr's anime movie is tagged; the client names the tag.
        tag_labels={1: "anime"},
    ):
        harness.observe(event.observation, at=event.at)
    return harness


def request_by_tmdb(harness: Harness, tmdb_id: int) -> Request:
    """Return the one request of a movie/show."""
    (request,) = [r for r in harness.tracker.requests.values() if r.tmdb_id == tmdb_id]
    return request


def facts(request: Request) -> dict[str, Any]:
    """Return a request's stage and evidence, with when each fact happened."""
    data = comparable(request)
    for name in ARRIVAL_FIELDS:
        data.pop(name)
    data["timeline"] = [
        (entry.at, entry.kind, entry.source, entry.key, entry.detail)
        for entry in sorted(request.timeline, key=lambda e: (e.at, e.key))
    ]
    return data


@pytest.mark.parametrize(
    ("media", "service", "webhooks", "tmdb_id"),
    [
        ("tv", ArrService.SONARR, TV_WEBHOOKS, 1396),
        ("movie", ArrService.RADARR, MOVIE_WEBHOOKS, 603),
    ],
)
def test_history_moves_the_request_like_the_webhooks(
    media: str,
    service: ArrService,
    webhooks: list[tuple[datetime, dict[str, Any]]],
    tmdb_id: int,
) -> None:
    """Lost webhooks read back from the history: same stage, timeline, evidence."""
    by_webhooks = request_by_tmdb(
        with_webhooks(requested(media), str(service), webhooks), tmdb_id
    )
    by_history = request_by_tmdb(with_history(requested(media), service), tmdb_id)

    assert facts(by_history) == facts(by_webhooks)
    # The history alone linked the request to its *arr item (the "added"
    # webhook with the *arr id was lost too): found by its TMDB/TVDB id.
    assert (by_history.arr_service, by_history.arr_instance) == (
        str(service),
        INSTANCE,
    )
    assert by_history.arr_id == (7 if media == "tv" else 12)
    assert by_history.seerr_request_id == (202 if media == "tv" else 201)


def test_tv_history_stage_and_timeline() -> None:
    """The show: grabbed, imported file by file, then one file deleted again."""
    request = request_by_tmdb(with_history(requested("tv"), ArrService.SONARR), 1396)

    assert [entry.kind for entry in request.timeline] == [
        "requested",
        "approved",
        # When the series was added: its resource in each record says so.
        "added_to_arr",
        "grabbed",
        "imported",
        "imported",
        "imported",
        "file_deleted",
    ]
    # S01E01's file is gone: Sonarr searches for it again, so the show is
    # back to waiting for its grab.
    assert request.state == Stage.SEARCHING
    pilot = request.episodes["S01E01"]
    assert (pilot.grabbed_at, pilot.imported_at, pilot.files) == (None, None, [])
    assert request.episodes["S01E02"].imported_at == at(12, 41, 2).isoformat()
    assert request.episodes["S01E03"].download_ids == [SHOW_HASH]


def test_movie_history_stage_and_timeline() -> None:
    """The movie: grabbed, imported, its file deleted; the anime movie apart."""
    harness = with_history(requested("movie"), ArrService.RADARR)
    request = request_by_tmdb(harness, 603)

    assert [entry.kind for entry in request.timeline] == [
        "requested",
        "approved",
        "added_to_arr",
        "grabbed",
        "imported",
        "deleted",
    ]
    assert request.movie.download_ids == [MOVIE_HASH]
    assert request.movie.grabbed_at == at(12, 1).isoformat()
    # Nobody requested the anime movie through Seerr: the *arr grab starts a
    # request of its own, recognised as anime by its tag.
    anime = request_by_tmdb(harness, 378064)
    assert (anime.origin, anime.is_anime, anime.state) == ("arr", True, "grabbed")


@pytest.mark.parametrize(
    ("media", "service", "webhooks", "tmdb_id"),
    [
        ("tv", ArrService.SONARR, TV_WEBHOOKS, 1396),
        # Up to the import: once its file is deleted, the movie's request is
        # finished, and finished requests take no grab or import any more.
        ("movie", ArrService.RADARR, MOVIE_WEBHOOKS[:4], 603),
    ],
)
def test_history_after_the_webhooks_adds_nothing(
    media: str,
    service: ArrService,
    webhooks: list[tuple[datetime, dict[str, Any]]],
    tmdb_id: int,
) -> None:
    """Facts the webhooks brought are recognised: reading them again is a no-op."""
    harness = with_webhooks(requested(media), str(service), webhooks)
    before = facts(request_by_tmdb(harness, tmdb_id))
    count = len(harness.tracker.requests)
    applied = len(harness.updates)

    with_history(harness, service, until=webhooks[-1][0] + timedelta(seconds=1))

    assert facts(request_by_tmdb(harness, tmdb_id)) == before
    assert len(harness.tracker.requests) == count
    assert len(harness.updates) > applied
    assert not any(
        update.stage_changes or update.orphaned or update.persist
        for update in harness.updates[applied:]
    )
