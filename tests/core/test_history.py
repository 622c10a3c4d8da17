"""Finished requests loaded from the store stay packed until something asks.

What a user would notice if packing went wrong: a late event that no longer
finds its old request, history missing from listings or the store, a pruned
request coming back, a deletion that removes media another request still uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
import json
from typing import Any

import pytest

from custom_components.status_tracker.core.correlation import (
    request_keys,
    stored_request_keys,
)
from custom_components.status_tracker.core.model import Outcome, Request
from custom_components.status_tracker.core.observations import (
    ArrMediaDeleted,
    ArrService,
    MediaRef,
    MediaType,
)
from custom_components.status_tracker.core.request_table import (
    BLOCK_SIZE,
    PackedRequest,
)
from custom_components.status_tracker.core.tracker import Tracker
from custom_components.status_tracker.core.views import (
    RequestFilter,
    request_view,
    requests_page,
)
from tests.bench.data import store_data
from tests.conftest import SUBENTRY_IDS
from tests.core.harness import NOW, Harness
from tests.flows import Step, anime_movie_flow, anime_tv_flow, movie_flow, tv_flow

FINISHED = 40
ACTIVE = 2


def json_round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` as the store gives it back after a restart."""
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


@pytest.fixture(name="stored", scope="module")
def stored_fixture() -> dict[str, Any]:
    """Forty finished movie requests (30 days old) and two active ones."""
    return json_round_trip(store_data(FINISHED, ACTIVE))


def loaded(stored: dict[str, Any]) -> Tracker:
    """Return a tracker that loaded `stored` (a copy: loading keeps strings)."""
    tracker = Tracker(now=lambda: NOW)
    tracker.load(json_round_trip(stored))
    return tracker


def packed_ids(tracker: Tracker) -> list[str]:
    return [e.id for e in tracker.summaries() if isinstance(e, PackedRequest)]


@pytest.mark.parametrize(
    "flow",
    [movie_flow, tv_flow, anime_tv_flow, anime_movie_flow],
    ids=lambda f: f.__name__,
)
def test_stored_keys_are_the_request_keys(flow: Callable[[], list[Step]]) -> None:
    """A packed request is found under exactly the keys it has when built."""
    steps = flow()
    for count in range(1, len(steps) + 1):
        harness = Harness()
        harness.play(steps[:count])
        for request in harness.tracker.requests.values():
            stored = json_round_trip(request.to_dict())
            assert set(stored_request_keys(stored)) == set(request_keys(request))


def test_history_stays_packed_and_stores_unchanged(stored: dict[str, Any]) -> None:
    """Loading builds only active requests; storing gives back what was loaded."""
    tracker = loaded(stored)

    assert len(tracker.requests) == FINISHED + ACTIVE
    assert len(packed_ids(tracker)) == FINISHED
    assert sorted(r.id for r in tracker.active()) == sorted(
        item["id"] for item in stored["requests"] if item["finished_at"] is None
    )
    assert tracker.to_dict()["requests"] == stored["requests"]

    more = [tracker.finish_loading(1) for _ in range(-(-FINISHED // BLOCK_SIZE))]
    assert more == [True] * (len(more) - 1) + [False]
    assert tracker.to_dict()["requests"] == stored["requests"]


def test_reading_history_builds_only_what_is_asked(stored: dict[str, Any]) -> None:
    """`peek` leaves history packed; `[]` builds the request once and keeps it."""
    tracker = loaded(stored)
    tracker.finish_loading(100)
    first = stored["requests"][0]

    assert tracker.peek(first["id"]).to_dict() == first
    assert first["id"] in packed_ids(tracker)

    request = tracker.requests[first["id"]]
    assert request.to_dict() == first
    assert tracker.requests[first["id"]] is request
    assert first["id"] not in packed_ids(tracker)
    assert len(packed_ids(tracker)) == FINISHED - 1
    # The order of the store does not change when a request is built.
    assert [item["id"] for item in tracker.to_dict()["requests"]] == [
        item["id"] for item in stored["requests"]
    ]


def test_a_late_deletion_finds_a_packed_request(stored: dict[str, Any]) -> None:
    """Radarr deleting an old movie marks its packed request deleted, and stores it."""
    tracker = loaded(stored)
    old = stored["requests"][3]

    update = tracker.apply(
        ArrMediaDeleted(
            service=ArrService.RADARR,
            instance_id=SUBENTRY_IDS["radarr"],
            media=MediaRef(
                media_type=MediaType.MOVIE,
                title=old["title"],
                tmdb_id=old["tmdb_id"],
                arr_id=old["arr_id"],
            ),
            files_deleted=True,
        )
    )

    assert update.changed == [old["id"]]
    saved = {item["id"]: item for item in tracker.to_dict()["requests"]}
    assert saved[old["id"]]["state"] == Outcome.DELETED
    assert saved[old["id"]]["timeline"][:-1] == old["timeline"]
    others = [item for item in stored["requests"] if item["id"] != old["id"]]
    assert [saved[item["id"]] for item in others] == others


def test_pruning_forgets_the_oldest_packed_requests(stored: dict[str, Any]) -> None:
    """History beyond the limit goes, oldest first, and is no longer matched."""
    tracker = loaded(stored)
    finished = sorted(
        (item for item in stored["requests"] if item["finished_at"]),
        key=lambda item: item["finished_at"],
    )

    removed = tracker.prune(10)

    assert removed == [item["id"] for item in finished[:-10]]
    assert sorted(packed_ids(tracker)) == sorted(item["id"] for item in finished[-10:])
    assert not tracker.knows(("tmdb", MediaType.MOVIE, finished[0]["tmdb_id"]))
    assert tracker.knows(("tmdb", MediaType.MOVIE, finished[-1]["tmdb_id"]))
    assert len(tracker.to_dict()["requests"]) == 10 + ACTIVE


def test_listing_history_reads_packed_requests(stored: dict[str, Any]) -> None:
    """The history page shows the same views as built requests, and builds none."""
    tracker = loaded(stored)
    newest = sorted(
        (item for item in stored["requests"] if item["finished_at"]),
        key=lambda item: (item["created_at"], item["id"]),
        reverse=True,
    )

    page = requests_page(
        tracker.summaries(),
        RequestFilter(status="finished", requested_by="ALICE"),
        NOW,
        offset=2,
        limit=5,
        details=True,
        read=tracker.peek,
    )

    assert page["total"] == FINISHED
    assert page["requests"] == [
        request_view(Request.from_dict(item), NOW, details=True) for item in newest[2:7]
    ]
    assert len(packed_ids(tracker)) == FINISHED


def test_related_requests_include_packed_history() -> None:
    """Another season's finished request shares the series with a new one."""
    harness = Harness()
    harness.play(tv_flow())
    season_one = json_round_trip(harness.only().to_dict())
    assert season_one["finished_at"] is not None
    season_two = {
        **season_one,
        "id": "r2",
        "seerr_request_id": 999,
        "seasons": [2],
        "state": "approved",
        "finished_at": None,
        "created_at": (NOW + timedelta(days=1)).isoformat(),
    }
    tracker = Tracker(now=lambda: NOW)
    tracker.load({"requests": [season_one, season_two]})
    assert packed_ids(tracker) == [season_one["id"]]

    related = tracker.related(tracker.requests["r2"])

    assert [request.id for request in related] == [season_one["id"]]
    assert related[0].to_dict() == season_one
