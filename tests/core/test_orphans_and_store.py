"""Orphans waiting for their request, the stored form, deletions and history limits."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
import json
from typing import Any

import pytest

from custom_components.status_tracker.core.model import (
    Download,
    Problem,
    ProblemKind,
    Request,
    Stage,
)
from custom_components.status_tracker.core.observations import (
    ArrImportBlocked,
    ArrMediaAdded,
    ArrService,
    EpisodeRef,
    JellyfinEvent,
    JellyfinItem,
    MediaRef,
    MediaType,
)
from custom_components.status_tracker.core.serialize import (
    observation_from_dict,
    observation_to_dict,
)
from custom_components.status_tracker.core.tracker import Tracker
from tests.flows import (
    MOVIE_HASH,
    MOVIE_JELLYFIN_ID,
    SHOW_HASH,
    SHOW_JELLYFIN_ID,
    jellyfin_episode,
    load_fixture,
    movie_flow,
    tv_flow,
)

from .harness import INSTANCE, NOW, Harness

ANIME_HASH = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"


def fixture(name: str) -> dict[str, Any]:
    """Return a private copy of a fixture body, ready to be changed."""
    return copy.deepcopy(load_fixture(name))


def json_round_trip(data: dict[str, Any]) -> dict[str, Any]:
    """Return `data` as the store would give it back after a restart."""
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


def restarted(harness: Harness) -> Harness:
    """Return a new harness loaded from what `harness` would have stored."""
    fresh = Harness(now=harness.now)
    fresh.tracker.load(json_round_trip(harness.tracker.to_dict()))
    return fresh


def jellyfin_movie(number: int) -> JellyfinItem:
    """Return a Jellyfin ItemAdded for an unrequested movie number `number`."""
    return JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED,
        item_id=f"{number:032x}",
        item_type="Movie",
        name=f"Movie {number}",
        provider_ids={"tmdb": str(9000 + number)},
    )


# ----------------------------------------------------------------- orphans


def test_jellyfin_movie_before_request_is_available_at_once() -> None:
    """A movie already in Jellyfin is available the moment it is requested."""
    harness = Harness()
    update = harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    assert update.orphaned
    assert update.changed == []
    assert len(harness.tracker.requests) == 0
    assert len(harness.tracker.orphans) == 1

    update = harness.post("seerr", load_fixture("jellyseerr/media_pending.json"))

    request = harness.only()
    assert request.state == Stage.AVAILABLE
    assert request.movie.jellyfin_id == MOVIE_JELLYFIN_ID
    assert update.created == [request.id]
    assert update.orphaned
    assert [(c.previous, c.current) for c in update.stage_changes] == [
        (None, "requested"),
        ("requested", "available"),
    ]
    assert harness.tracker.orphans == []


def test_replayed_orphan_keeps_its_time_but_finishes_now() -> None:
    """Evidence keeps when it was seen; the request finishes when it is requested."""
    harness = Harness()
    harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    harness.now = NOW + timedelta(hours=30)

    harness.post("seerr", load_fixture("jellyseerr/media_pending.json"))

    request = harness.only()
    assert request.movie.available_at == NOW.isoformat()
    assert request.created_at == harness.now.isoformat()
    assert request.finished_at == harness.now.isoformat()
    assert request.updated_at == harness.now.isoformat()
    # Listed as recently finished from now on, not from the orphan's arrival.
    assert harness.tracker.forget_finished_before(NOW + timedelta(hours=1)) == []
    assert harness.tracker.is_listed(request.id)


def test_radarr_movie_added_before_request_is_replayed() -> None:
    """Radarr adding the movie before Seerr's webhook still shows "searching"."""
    harness = Harness()
    assert harness.post("radarr", load_fixture("radarr/movie_added.json")).orphaned

    harness.post("seerr", load_fixture("jellyseerr/media_pending.json"))
    harness.post("seerr", load_fixture("jellyseerr/media_approved.json"))

    request = harness.only()
    assert request.state == Stage.SEARCHING
    assert request.arr_id == 12
    assert harness.tracker.orphans == []


def test_sonarr_series_add_before_request_is_replayed() -> None:
    """Sonarr's SeriesAdd before the request links the request to the series."""
    harness = Harness()
    harness.post("sonarr", load_fixture("sonarr/series_add.json"))
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    request = harness.only()
    assert request.state == Stage.SEARCHING
    assert request.arr_id == 7
    assert request.episodes_complete


def test_manual_interaction_before_any_request_is_replayed() -> None:
    """A blocked import reported before the grab is shown once the grab arrives."""
    harness = Harness()
    update = harness.post(
        "sonarr", load_fixture("sonarr/manual_interaction_required.json")
    )
    assert update.orphaned

    harness.post("sonarr", load_fixture("sonarr/grab_anime.json"))

    request = harness.only()
    assert ProblemKind.IMPORT_BLOCKED in request.problems
    assert request.is_anime


def test_same_orphan_twice_is_kept_once() -> None:
    """A repeated unmatched webhook does not fill the buffer."""
    harness = Harness()
    harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    harness.now += timedelta(minutes=1)
    harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    assert len(harness.tracker.orphans) == 1
    assert harness.tracker.orphans[0].received_at == harness.now


def test_orphans_expire_after_ttl() -> None:
    """Unmatched events are forgotten after the TTL; refresh reports it."""
    harness = Harness()
    harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))

    harness.now = NOW + timedelta(hours=47)
    assert not harness.tracker.refresh()
    assert len(harness.tracker.orphans) == 1

    harness.now = NOW + timedelta(hours=48, seconds=1)
    update = harness.tracker.refresh()
    assert update.orphaned
    assert update.changed == []
    assert harness.tracker.orphans == []

    harness.post("seerr", load_fixture("jellyseerr/media_pending.json"))
    assert harness.only().state == Stage.REQUESTED


def test_orphan_ttl_is_configurable() -> None:
    """A shorter TTL drops orphans sooner."""
    now = NOW
    tracker = Tracker(now=lambda: now, orphan_ttl=timedelta(minutes=10))
    tracker.apply(jellyfin_movie(1))
    now = NOW + timedelta(minutes=11)
    assert tracker.refresh().orphaned
    assert tracker.orphans == []


def test_orphan_buffer_is_bounded() -> None:
    """At most max_orphans wait; the oldest go first."""
    now = NOW
    tracker = Tracker(now=lambda: now, max_orphans=3)
    for number in range(5):
        now = NOW + timedelta(minutes=number)
        assert tracker.apply(jellyfin_movie(number)).orphaned
    assert [o.observation for o in tracker.orphans] == [
        jellyfin_movie(n) for n in (2, 3, 4)
    ]


@pytest.mark.parametrize(
    "observation",
    [
        ArrMediaAdded(
            ArrService.RADARR,
            INSTANCE,
            MediaRef(
                MediaType.MOVIE,
                "Example Movie",
                year=1999,
                tmdb_id=603,
                imdb_id="tt0133093",
                arr_id=12,
                tags=("anime", "4k"),
                path="/data/media/movies/Example Movie (1999)",
            ),
        ),
        ArrImportBlocked(
            ArrService.SONARR,
            INSTANCE,
            MediaRef(
                MediaType.TV,
                "Example Anime",
                tvdb_id=424536,
                arr_id=23,
                series_type="anime",
            ),
            (EpisodeRef(1, 1, "The Journey's End", "2023-09-29T14:00:00Z", 2301, 1),),
            ANIME_HASH,
            "Unable to determine if file is a sample",
        ),
        JellyfinItem(
            JellyfinEvent.ITEM_ADDED,
            "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8",
            "Episode",
            "Pilot",
            year=2008,
            provider_ids={"tvdb": "349232"},
            series_id=SHOW_JELLYFIN_ID,
            series_name="Example Show",
            season=1,
            episode=1,
            series_provider_ids={"tvdb": "81189"},
        ),
    ],
    ids=["media-added", "import-blocked", "jellyfin"],
)
def test_orphan_observations_round_trip(observation: Any) -> None:
    """Every kind of orphan comes back from the store exactly as it was."""
    data = json_round_trip(observation_to_dict(observation))
    assert observation_from_dict(data) == observation


def test_unknown_stored_observation_is_skipped() -> None:
    """An orphan type this version does not store is dropped on load."""
    assert observation_from_dict({"type": "ArrGrab", "data": {}}) is None
    assert observation_from_dict({}) is None
    tracker = Tracker(now=lambda: NOW)
    tracker.load(
        {
            "orphans": [
                {
                    "observation": {"type": "Unknown", "data": {}},
                    "received_at": NOW.isoformat(),
                }
            ]
        }
    )
    assert tracker.orphans == []
    assert tracker.to_dict() == {"requests": [], "orphans": [], "deletion_log": []}


def test_orphans_survive_a_restart_and_still_replay() -> None:
    """Events waiting for their request are not lost when Home Assistant restarts."""
    harness = Harness()
    harness.post("radarr", load_fixture("radarr/movie_added.json"))
    harness.post("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    harness.post("sonarr", load_fixture("sonarr/manual_interaction_required.json"))
    harness.post("jellyfin", jellyfin_episode(1))
    assert len(harness.tracker.orphans) == 4

    loaded = restarted(harness)

    assert loaded.tracker.to_dict() == harness.tracker.to_dict()
    assert [o.keys for o in loaded.tracker.orphans] == [
        o.keys for o in harness.tracker.orphans
    ]
    loaded.post("seerr", load_fixture("jellyseerr/media_approved.json"))
    movie = loaded.only()
    assert movie.searching_at is not None
    assert movie.state == Stage.AVAILABLE
    assert movie.timeline[-1].at == NOW.isoformat()

    loaded.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    show = next(r for r in loaded.tracker.requests.values() if r is not movie)
    assert show.episodes["S01E01"].available_at is not None
    assert len(loaded.tracker.orphans) == 1  # the anime's blocked import


# ------------------------------------------------------------------- store


@pytest.mark.parametrize("flow", [movie_flow, tv_flow], ids=["movie", "tv"])
def test_store_round_trip_is_identical(flow: Any) -> None:
    """What is stored comes back identical after a restart."""
    harness = Harness()
    harness.play(flow())
    request = harness.only()
    request.downloads[MOVIE_HASH] = Download(
        progress=0.5, state="downloading", speed=1024, eta=60, size=2048
    )
    request.problems[ProblemKind.STALLED] = Problem("no progress", NOW.isoformat())
    data = harness.tracker.to_dict()

    loaded = restarted(harness)

    assert loaded.tracker.to_dict() == data
    assert loaded.only().seen_keys == request.seen_keys
    assert loaded.only().finished


def test_indexes_work_after_restart_movie() -> None:
    """A webhook after a restart finds the request stored before it."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    loaded = restarted(harness)
    request = loaded.only()
    assert loaded.tracker.knows(("hash", MOVIE_HASH))
    assert loaded.tracker.knows(("seerr", 201))
    assert loaded.tracker.knows(("arr", INSTANCE, 12))

    loaded.play(movie_flow()[4:])

    assert loaded.only() is request
    assert request.state == Stage.AVAILABLE
    # Duplicates of what happened before the restart are still recognised.
    for step in movie_flow():
        assert not loaded.post(*step)


def test_indexes_work_after_restart_tv() -> None:
    """A Jellyfin episode after a restart finds the stored show by its series id."""
    harness = Harness()
    harness.play(tv_flow()[:9])
    loaded = restarted(harness)
    assert loaded.tracker.knows(("jellyfin", SHOW_JELLYFIN_ID))
    assert loaded.tracker.knows(("hash", SHOW_HASH))
    assert loaded.tracker.knows(("ep_tvdb", 349236))

    loaded.play(tv_flow()[9:])

    request = loaded.only()
    assert request.state == Stage.AVAILABLE
    assert list(loaded.tracker.recently_finished()) == [request]
    assert list(loaded.tracker.active()) == []


def test_load_replaces_everything() -> None:
    """Loading forgets what the tracker held before."""
    harness = Harness()
    harness.play(movie_flow())
    harness.post("jellyfin", jellyfin_episode(1))
    harness.tracker.load({})
    assert len(harness.tracker.requests) == 0
    assert harness.tracker.orphans == []
    assert not harness.tracker.knows(("seerr", 201))
    assert list(harness.tracker.recently_finished()) == []


def test_request_from_minimal_dict() -> None:
    """Older stored requests missing newer fields still load."""
    request = Request.from_dict(
        {
            "id": "old",
            "media_type": "tv",
            "title": "Example Show",
            "created_at": NOW.isoformat(),
            "episodes": [{"season": 1, "number": 2}],
        }
    )
    assert request.state == Stage.REQUESTED
    assert request.episodes["S01E02"].download_ids == []
    assert not request.episodes["S01E02"].known_to_arr
    assert request.downloads == {}
    assert Download.from_dict({}) == Download()


# ----------------------------------------------------------------- history


def finished_movies(harness: Harness, count: int) -> list[Request]:
    """Create `count` movies, each available one hour after the previous one."""
    requests: list[Request] = []
    for number in range(count):
        harness.now = NOW + timedelta(hours=number)
        body = fixture("jellyseerr/media_approved.json")
        body["request"]["request_id"] = str(500 + number)
        body["media"]["tmdbId"] = str(7000 + number)
        harness.post("seerr", body)
        item = fixture("jellyfin/item_added_movie.json")
        item["ItemId"] = f"{number:032x}"
        item["Provider_tmdb"] = str(7000 + number)
        del item["Provider_imdb"]
        harness.post("jellyfin", item)
        request = harness.tracker.requests[harness.updates[-1].changed[0]]
        assert request.state == Stage.AVAILABLE
        requests.append(request)
    return requests


def test_prune_drops_oldest_finished_only() -> None:
    """History keeps the newest finished requests and every active one."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    active = harness.only()
    old, middle, new = finished_movies(harness, 3)

    assert harness.tracker.prune(5) == []
    assert harness.tracker.prune(3) == []
    assert harness.tracker.prune(1) == [old.id, middle.id]

    assert set(harness.tracker.requests) == {active.id, new.id}
    assert not harness.tracker.knows(("seerr", 500))
    assert not harness.tracker.knows(("tmdb", MediaType.MOVIE, 7001))
    assert not harness.tracker.knows(("jellyfin", f"{0:032x}"))
    assert harness.tracker.knows(("seerr", 502))
    assert not harness.tracker.is_listed(old.id)

    assert harness.tracker.prune(0) == [new.id]
    assert harness.tracker.prune(0) == []
    assert list(harness.tracker.requests) == [active.id]
    assert harness.tracker.knows(("hash", SHOW_HASH))


def test_forget_finished_before() -> None:
    """Finished requests stay listed until the retention cutoff passes."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    active = harness.only()
    old, new = finished_movies(harness, 2)
    assert {r.id for r in harness.tracker.recently_finished()} == {old.id, new.id}
    assert all(harness.tracker.is_listed(r.id) for r in (active, old, new))

    cutoff: datetime = NOW + timedelta(minutes=30)
    assert harness.tracker.forget_finished_before(cutoff) == [old.id]

    assert [r.id for r in harness.tracker.recently_finished()] == [new.id]
    assert not harness.tracker.is_listed(old.id)
    assert harness.tracker.is_listed(new.id)
    assert harness.tracker.is_listed(active.id)
    # Forgotten from the lists, still stored and still matched.
    assert harness.tracker.get(old.id) is old
    assert harness.tracker.knows(("seerr", 500))
    assert harness.tracker.forget_finished_before(cutoff) == []
    assert [r.id for r in harness.tracker.active()] == [active.id]


def test_reopened_request_is_listed_again() -> None:
    """A forgotten request that gets new evidence comes back to the lists."""
    harness = Harness()
    harness.play(tv_flow())
    request = harness.only()
    harness.tracker.forget_finished_before(NOW + timedelta(seconds=1))
    assert not harness.tracker.is_listed(request.id)

    grab = fixture("sonarr/grab.json")
    grab["episodes"] = [
        {**grab["episodes"][0], "id": 704, "episodeNumber": 4, "tvdbId": 349237}
    ]
    grab["downloadId"] = "SABnzbd_nzo_e04"
    harness.post("sonarr", grab)

    assert request.state == Stage.GRABBED
    assert harness.tracker.is_listed(request.id)
    assert list(harness.tracker.active()) == [request]


def test_get_unknown_request() -> None:
    """Looking up an unknown id answers None."""
    assert Tracker(now=lambda: NOW).get("nope") is None
