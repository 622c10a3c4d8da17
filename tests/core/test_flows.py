"""The regular movie and TV flows end where they should, in any order, twice over."""

from __future__ import annotations

import itertools
import random

import pytest

from custom_components.status_tracker.core.lifecycle import episode_summary
from custom_components.status_tracker.core.model import Stage
from tests.flows import MOVIE_HASH, MOVIE_JELLYFIN_ID, SHOW_HASH, movie_flow, tv_flow

from .harness import NOW, Harness, comparable


def test_movie_flow_in_order_walks_every_stage() -> None:
    """Each webhook of the movie flow moves the request to the expected stage."""
    harness = Harness()
    expected = [
        Stage.REQUESTED,
        Stage.APPROVED,
        Stage.SEARCHING,
        Stage.GRABBED,
        Stage.IMPORTING,
        Stage.AVAILABLE,
        Stage.AVAILABLE,
    ]
    seen = []
    for service, body in movie_flow():
        harness.post(service, body)
        seen.append(harness.only().state)
    assert seen == expected

    request = harness.only()
    assert request.seerr_request_id == 201
    assert request.requested_by == "alice"
    assert request.tmdb_id == 603
    assert request.imdb_id == "tt0133093"
    assert request.arr_id == 12
    assert request.movie.download_ids == [MOVIE_HASH]
    assert request.movie.jellyfin_id == MOVIE_JELLYFIN_ID
    assert request.finished_at == NOW.isoformat()
    assert [entry.kind for entry in request.timeline] == [
        "requested",
        "approved",
        "added_to_arr",
        "grabbed",
        "imported",
        "available",
        "seerr_available",
    ]


def test_movie_flow_stage_events() -> None:
    """Stage changes are reported once each, with the previous stage."""
    harness = Harness()
    harness.play(movie_flow())
    changes = [
        (c.previous, c.current) for u in harness.updates for c in u.stage_changes
    ]
    assert changes == [
        (None, "requested"),
        ("requested", "approved"),
        ("approved", "searching"),
        ("searching", "grabbed"),
        ("grabbed", "importing"),
        ("importing", "available"),
    ]


def test_movie_flow_every_order_same_result() -> None:
    """All 5040 orders of the movie flow end in the same state and timeline."""
    steps = movie_flow()
    reference = Harness()
    reference.play(steps)
    expected = comparable(reference.only())
    assert expected["state"] == Stage.AVAILABLE
    for order in itertools.permutations(steps):
        harness = Harness()
        harness.play(list(order))
        assert comparable(harness.only()) == expected, order


def test_tv_flow_in_order() -> None:
    """Season 1 becomes available only when its third episode is in Jellyfin."""
    harness = Harness()
    states = []
    for service, body in tv_flow():
        harness.post(service, body)
        states.append(harness.only().state)
    assert states == [
        Stage.REQUESTED,
        Stage.APPROVED,
        Stage.SEARCHING,
        Stage.GRABBED,
        Stage.GRABBED,  # E01 imported, E02/E03 still grabbed
        Stage.GRABBED,
        Stage.IMPORTING,
        Stage.IMPORTING,  # import complete repeats what the files said
        Stage.IMPORTING,  # E01 in Jellyfin
        Stage.IMPORTING,
        Stage.AVAILABLE,
        Stage.AVAILABLE,
    ]
    request = harness.only()
    assert request.seasons == [1]
    assert request.episodes_complete
    # The special (season 0) and season 2 of Sonarr's list are not requested.
    assert sorted(request.episodes) == ["S01E01", "S01E02", "S01E03"]
    assert all(e.download_ids == [SHOW_HASH] for e in request.episodes.values())
    assert request.jellyfin_series_id == "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
    assert episode_summary(request, NOW).text == "3/3 available"


def test_tv_summary_mid_flow() -> None:
    """The summary counts episodes per stage."""
    harness = Harness()
    harness.play(tv_flow()[:5])
    assert episode_summary(harness.only(), NOW).text == (
        "0/3 available · 1 importing · 2 grabbed"
    )


def test_tv_flow_random_orders_with_duplicates() -> None:
    """Shuffled TV flows with repeated deliveries all end identically."""
    steps = tv_flow()
    reference = Harness()
    reference.play(steps)
    expected = comparable(reference.only())
    assert expected["state"] == Stage.AVAILABLE
    rng = random.Random(2026)
    for _ in range(400):
        order = steps + rng.sample(steps, k=rng.randint(0, 4))
        rng.shuffle(order)
        harness = Harness()
        harness.play(order)
        assert comparable(harness.only()) == expected


@pytest.mark.parametrize("flow", [movie_flow, tv_flow])
def test_duplicates_change_nothing(flow) -> None:  # type: ignore[no-untyped-def]
    """Every event delivered twice in a row: the second delivery is a no-op."""
    harness = Harness()
    for service, body in flow():
        harness.post(service, body)
        update = harness.post(service, body)
        assert not update, (service, body.get("eventType"))
    reference = Harness()
    reference.play(flow())
    assert comparable(harness.only()) == comparable(reference.only())


def test_tv_core_events_every_order() -> None:
    """Every order of the TV events that carry the evidence ends the same."""
    steps = [step for step in tv_flow() if _is_core_tv_step(step)]
    assert len(steps) == 7
    reference = Harness()
    reference.play(steps)
    expected = comparable(reference.only())
    assert expected["state"] == Stage.AVAILABLE
    for order in itertools.permutations(steps):
        harness = Harness()
        harness.play(list(order))
        assert comparable(harness.only()) == expected


def _is_core_tv_step(step: tuple[str, dict]) -> bool:  # type: ignore[type-arg]
    service, body = step
    if service == "seerr":
        return body["notification_type"] == "MEDIA_APPROVED"
    if service == "sonarr":
        if "episodeFile" in body:
            return body["episodeFile"]["id"] == 7001
        return body["eventType"] == "Grab" or "episodeFiles" in body
    return True
