"""The library sync rules and the request views, on the pure tracker.

`sync_jellyfin_item` turns media Jellyfin has into finished `library` requests
(or fills the ids of tracked ones), `sync_arr_item` and `sync_seerr_request`
only fill in what tracked requests lack. Every step says whether it added,
updated or left things unchanged, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from custom_components.status_tracker.core.model import (
    Download,
    Episode,
    Outcome,
    Problem,
    Request,
    Stage,
    TimelineEntry,
)
from custom_components.status_tracker.core.observations import MediaRef, MediaType
from custom_components.status_tracker.core.tracker import StageChange, SyncResult
from custom_components.status_tracker.core.views import (
    MAX_PAGE_SIZE,
    RequestFilter,
    deletion_log_page,
    page,
    request_view,
    requests_page,
)
from tests.flows import (
    MOVIE_JELLYFIN_ID,
    SHOW_JELLYFIN_ID,
    load_fixture,
    movie_flow,
    tv_flow,
)

from .harness import INSTANCE, NOW, Harness

AT = NOW.isoformat()
# Jellyfin's ProviderIds as the REST parser hands them over (lower-cased keys).
MOVIE_IDS = {"tmdb": "603", "imdb": "tt0133093", "tmdbcollection": "2344"}
SHOW_IDS = {"tvdb": "81189", "tmdb": "1396", "imdb": "tt0903747"}
UNRELATED_ID = "8e9f0a1b2c3d44e5f6a7b8c9d0e1f2a3"
UNRELATED_IDS = {"tmdb": "100001", "imdb": "tt0100001"}
# Sonarr series 7 / Radarr movie 12 as the library sync passes them on.
SHOW_IN_SONARR = MediaRef(
    MediaType.TV,
    "Example Show",
    year=2008,
    tmdb_id=1396,
    tvdb_id=81189,
    imdb_id="tt0903747",
    arr_id=7,
    series_type="standard",
    path="/data/media/tv/Example Show (2008)",
)
MOVIE_IN_RADARR = MediaRef(
    MediaType.MOVIE,
    "Example Movie",
    year=1999,
    tmdb_id=603,
    imdb_id="tt0133093",
    arr_id=12,
)


def sync_movie(harness: Harness, **changes: Any) -> tuple[SyncResult, Any]:
    """Sync Example Movie as Jellyfin lists it (fields overridable)."""
    item: dict[str, Any] = {
        "media_type": MediaType.MOVIE,
        "item_id": MOVIE_JELLYFIN_ID,
        "title": "Example Movie",
        "year": 1999,
        "provider_ids": dict(MOVIE_IDS),
        **changes,
    }
    return harness.tracker.library.sync_jellyfin_item(**item)


def sync_show(harness: Harness, **changes: Any) -> tuple[SyncResult, Any]:
    """Sync Example Show as Jellyfin lists it (fields overridable)."""
    item: dict[str, Any] = {
        "media_type": MediaType.TV,
        "item_id": SHOW_JELLYFIN_ID,
        "title": "Example Show",
        "year": 2008,
        "provider_ids": dict(SHOW_IDS),
        **changes,
    }
    return harness.tracker.library.sync_jellyfin_item(**item)


def seerr_pending(*, tv: bool = False) -> dict[str, Any]:
    """Return Seerr's MEDIA_PENDING webhook for the movie (201) or the show (202)."""
    return load_fixture(f"jellyseerr/media_pending{'_tv' if tv else ''}.json")


def two_movie_requests() -> Harness:
    """Return Example Movie started twice in Radarr: available, then grabbed again."""
    harness = Harness()
    harness.play(
        [
            ("radarr", load_fixture("radarr/grab.json")),
            ("radarr", load_fixture("radarr/download.json")),
            ("jellyfin", load_fixture("jellyfin/item_added_movie.json")),
        ]
    )
    harness.now = NOW + timedelta(days=2)
    grab = load_fixture("radarr/grab.json")
    grab["downloadId"] = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567"
    harness.post("radarr", grab)
    states = sorted((r.id, r.state) for r in harness.tracker.requests.values())
    assert states == [("r1", Stage.AVAILABLE), ("r2", Stage.GRABBED)]
    return harness


# ------------------------------------------------------------ Jellyfin items


def test_untracked_movie_becomes_a_finished_library_request() -> None:
    """A movie no request tracks is stored as available history, not news."""
    harness = Harness()

    result, update = sync_movie(harness)

    request = harness.only()
    assert result is SyncResult.ADDED
    assert update.created == update.changed == [request.id]
    assert update.stage_changes == [StageChange(request.id, None, Stage.AVAILABLE)]
    assert update.persist
    assert request.from_library
    assert request.origin == "library"
    assert (request.state, request.finished) == (Stage.AVAILABLE, True)
    assert (request.title, request.year) == ("Example Movie", 1999)
    assert (request.tmdb_id, request.imdb_id, request.tvdb_id) == (
        603,
        "tt0133093",
        None,
    )
    assert request.movie.jellyfin_id == MOVIE_JELLYFIN_ID
    assert request.movie.available_at == AT
    assert request.created_at == request.finished_at == request.stage_since == AT
    assert request.timeline == [
        TimelineEntry(
            at=AT,
            kind="in_library",
            source="jellyfin",
            key=f"library:{MOVIE_JELLYFIN_ID}",
        )
    ]
    # No entity: neither active nor among the recently finished.
    assert not harness.tracker.is_listed(request.id)
    assert list(harness.tracker.active()) == []
    assert list(harness.tracker.recently_finished()) == []
    # Indexed, so Jellyfin's webhook or a later sync finds it.
    assert harness.tracker.knows(("jellyfin", MOVIE_JELLYFIN_ID))
    assert harness.tracker.knows(("tmdb", MediaType.MOVIE, 603))


def test_untracked_series_becomes_a_library_request_with_its_shoko_series() -> None:
    """A series keeps its Jellyfin id and Shokofin's series id; no episodes."""
    harness = Harness()

    result, update = sync_show(
        harness, provider_ids={**SHOW_IDS, "shoko series": "42", "anidb": "17617"}
    )

    request = harness.only()
    assert result is SyncResult.ADDED
    assert update.stage_changes == [StageChange(request.id, None, Stage.AVAILABLE)]
    assert request.media_type is MediaType.TV
    assert request.state == Stage.AVAILABLE
    assert request.jellyfin_series_id == SHOW_JELLYFIN_ID
    assert request.shoko_series_ids == [42]
    assert (request.tvdb_id, request.tmdb_id, request.imdb_id) == (
        81189,
        1396,
        "tt0903747",
    )
    assert request.episodes == {}
    assert request.movie.available_at is None
    assert harness.tracker.knows(("shoko_series", 42))
    assert harness.tracker.knows(("tvdb", 81189))


def test_unusable_provider_ids_are_ignored() -> None:
    """Non-numeric ids are not ids; a movie has no TVDB id; blank IMDb is none."""
    harness = Harness()

    result, _ = sync_movie(
        harness,
        year=None,
        provider_ids={"tmdb": "n/a", "tvdb": "81189", "imdb": "", "shoko series": "x"},
    )

    request = harness.only()
    assert result is SyncResult.ADDED
    assert (request.tmdb_id, request.tvdb_id, request.imdb_id) == (None, None, None)
    assert request.year is None
    assert request.shoko_series_ids == []


def test_second_sync_of_the_same_items_changes_nothing() -> None:
    """Found again by its Jellyfin id: unchanged, nothing to save or tell."""
    harness = Harness()
    sync_movie(harness)
    sync_show(harness, provider_ids={**SHOW_IDS, "shoko series": "42"})
    before = [r.to_dict() for r in harness.tracker.requests.values()]
    harness.now = NOW + timedelta(days=1)

    results = [sync_movie(harness), sync_show(harness)]

    assert [result for result, _ in results] == [SyncResult.UNCHANGED] * 2
    assert [bool(update) or update.persist for _, update in results] == [False] * 2
    assert [r.to_dict() for r in harness.tracker.requests.values()] == before


def test_tracked_request_gets_the_ids_it_lacks() -> None:
    """A Seerr request knows only TMDB: Jellyfin adds IMDb and its item id."""
    harness = Harness()
    harness.post("seerr", seerr_pending())
    request = harness.only()
    assert (request.imdb_id, request.movie.jellyfin_id) == (None, None)

    result, update = sync_movie(harness)

    assert result is SyncResult.UPDATED
    assert harness.only() is request
    assert request.imdb_id == "tt0133093"
    assert request.movie.jellyfin_id == MOVIE_JELLYFIN_ID
    assert update.changed == [request.id]
    assert update.created == []
    assert update.stage_changes == []
    assert update.persist
    # Ids only: the request still waits for its own lifecycle.
    assert request.state == Stage.REQUESTED
    assert not request.from_library
    assert request.origin == "seerr"
    assert harness.tracker.is_listed(request.id)

    assert sync_movie(harness)[0] is SyncResult.UNCHANGED


def test_tracked_series_gets_its_jellyfin_and_shoko_ids() -> None:
    """A show tracked through Seerr gets the series id and Shokofin's series."""
    harness = Harness()
    harness.post("seerr", seerr_pending(tv=True))
    request = harness.only()

    result, _ = sync_show(harness, provider_ids={**SHOW_IDS, "shoko series": "42"})

    assert result is SyncResult.UPDATED
    assert request.jellyfin_series_id == SHOW_JELLYFIN_ID
    assert request.imdb_id == "tt0903747"
    assert request.shoko_series_ids == [42]
    # A new Shokofin series for the same show is added once.
    result, _ = sync_show(harness, provider_ids={**SHOW_IDS, "shoko series": "44"})
    assert result is SyncResult.UPDATED
    assert request.shoko_series_ids == [42, 44]
    assert sync_show(harness)[0] is SyncResult.UNCHANGED
    assert request.jellyfin_series_id == SHOW_JELLYFIN_ID


def test_request_known_only_by_its_jellyfin_id_gets_tmdb() -> None:
    """The Jellyfin id alone finds the request; the other ids are filled in."""
    harness = Harness()
    sync_movie(harness, provider_ids={})
    request = harness.only()
    assert request.tmdb_id is None

    result, _ = sync_movie(harness)

    assert result is SyncResult.UPDATED
    assert harness.only() is request
    assert (request.tmdb_id, request.imdb_id) == (603, "tt0133093")


def test_finished_request_with_every_id_is_unchanged() -> None:
    """The whole movie flow already knows everything Jellyfin says."""
    harness = Harness()
    harness.play(movie_flow())
    before = harness.only().to_dict()

    result, update = sync_movie(harness)

    assert result is SyncResult.UNCHANGED
    assert not update
    assert harness.only().to_dict() == before


def test_every_live_request_of_the_item_is_filled() -> None:
    """An old finished request and a new one for the same movie both get ids."""
    harness = Harness()
    harness.play(movie_flow()[:6])  # available via Jellyfin's webhook
    old = harness.only()
    harness.now = NOW + timedelta(days=30)
    # Requested again (another Seerr request) after the movie was replaced.
    again = seerr_pending()
    again["request"]["request_id"] = "301"
    harness.post("seerr", again)
    new = next(r for r in harness.tracker.requests.values() if r is not old)
    old.imdb_id = None

    result, update = sync_movie(harness)

    assert result is SyncResult.UPDATED
    assert sorted(update.changed) == sorted([old.id, new.id])
    assert old.imdb_id == new.imdb_id == "tt0133093"
    assert new.movie.jellyfin_id == MOVIE_JELLYFIN_ID


def test_deleted_request_does_not_count_as_tracking_the_item() -> None:
    """Media still in Jellyfin after its request was deleted is library media."""
    harness = Harness()
    harness.play(movie_flow())
    harness.post("radarr", load_fixture("radarr/movie_delete.json"))
    deleted = harness.only()
    assert deleted.state == Outcome.DELETED
    before = deleted.to_dict()

    result, _ = sync_movie(harness)

    assert result is SyncResult.ADDED
    assert deleted.to_dict() == before
    [added] = [r for r in harness.tracker.requests.values() if r is not deleted]
    assert added.from_library
    assert added.state == Stage.AVAILABLE


def test_media_types_do_not_mix() -> None:
    """A show sharing the movie's TMDB number is another title."""
    harness = Harness()
    sync_movie(harness)

    result, _ = sync_show(
        harness, item_id=SHOW_JELLYFIN_ID, provider_ids={"tmdb": "603"}
    )

    assert result is SyncResult.ADDED
    assert sorted(str(r.media_type) for r in harness.tracker.requests.values()) == [
        "movie",
        "tv",
    ]


def test_orphaned_episode_joins_the_library_series() -> None:
    """An episode webhook that waited for its show is applied to the new request."""
    harness = Harness()
    harness.post(
        "jellyfin", load_fixture("jellyfin/item_added_episode.json")
    )  # no request yet: kept as an orphan
    assert len(harness.tracker.orphans) == 1

    result, update = sync_show(harness)

    request = harness.only()
    assert result is SyncResult.ADDED
    assert harness.tracker.orphans == []
    assert update.orphaned
    assert request.episodes["S01E01"].jellyfin_id == "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8"
    assert request.state == Stage.AVAILABLE
    # Still one "new" stage change only: library media stays available.
    assert [c.current for c in update.stage_changes] == [Stage.AVAILABLE]


# ------------------------------------------------------------------ the *arr


def test_arr_links_a_library_series() -> None:
    """Sonarr's series list links the library request and fills its ids."""
    harness = Harness()
    sync_show(harness, provider_ids={"tmdb": "1396"})
    request = harness.only()
    assert request.tvdb_id is None

    result, update = harness.tracker.library.sync_arr_item(
        "sonarr", INSTANCE, SHOW_IN_SONARR
    )

    assert result is SyncResult.UPDATED
    assert update.changed == [request.id]
    assert update.stage_changes == []
    assert (request.arr_service, request.arr_instance, request.arr_id) == (
        "sonarr",
        INSTANCE,
        7,
    )
    assert (request.tvdb_id, request.imdb_id) == (81189, "tt0903747")
    assert request.state == Stage.AVAILABLE
    assert harness.tracker.knows(("arr", INSTANCE, 7))
    assert harness.tracker.knows(("tvdb", 81189))
    # Library media needs no episode list: it has no entity to show it.
    assert harness.tracker.needs_episode_list() == []

    again = harness.tracker.library.sync_arr_item("sonarr", INSTANCE, SHOW_IN_SONARR)
    assert again[0] is SyncResult.UNCHANGED
    assert not again[1]


def test_arr_links_an_active_request_that_missed_its_webhook() -> None:
    """A request whose "series added" never came is linked and wants its episodes."""
    harness = Harness()
    harness.play(tv_flow()[:2])  # Seerr only
    request = harness.only()
    assert request.arr_id is None

    result, _ = harness.tracker.library.sync_arr_item(
        "sonarr", INSTANCE, SHOW_IN_SONARR
    )

    assert result is SyncResult.UPDATED
    assert (request.arr_instance, request.arr_id) == (INSTANCE, 7)
    assert request.imdb_id == "tt0903747"
    assert request.state == Stage.APPROVED
    assert harness.tracker.needs_episode_list() == [request]


def test_arr_link_of_another_instance_is_kept() -> None:
    """Linked to another Radarr: no relinking, only the missing ids."""
    harness = Harness()
    harness.post("seerr", seerr_pending())
    request = harness.only()
    request.arr_service, request.arr_instance, request.arr_id = "radarr", "4k", 99

    result, _ = harness.tracker.library.sync_arr_item(
        "radarr", INSTANCE, MOVIE_IN_RADARR
    )

    assert result is SyncResult.UPDATED
    assert (request.arr_instance, request.arr_id) == ("4k", 99)
    assert request.imdb_id == "tt0133093"
    again, _ = harness.tracker.library.sync_arr_item(
        "radarr", INSTANCE, MOVIE_IN_RADARR
    )
    assert again is SyncResult.UNCHANGED


def test_arr_entry_without_id_links_nothing() -> None:
    """Without an *arr id there is nothing to link; known ids are unchanged."""
    harness = Harness()
    harness.post("seerr", seerr_pending())
    request = harness.only()
    request.imdb_id = "tt0133093"

    result, update = harness.tracker.library.sync_arr_item(
        "radarr", INSTANCE, MediaRef(MediaType.MOVIE, "Example Movie", tmdb_id=603)
    )

    assert result is SyncResult.UNCHANGED
    assert not update
    assert request.arr_instance is None


@pytest.mark.parametrize(
    "media",
    [
        # Nobody tracks it.
        MediaRef(MediaType.MOVIE, "Unrelated Movie", tmdb_id=100001, arr_id=40),
        # Same TMDB number, other media type.
        MediaRef(MediaType.TV, "Example Movie", tmdb_id=603, arr_id=40),
    ],
)
def test_arr_entry_of_untracked_media_is_unchanged(media: MediaRef) -> None:
    """The *arr never adds requests: what nobody tracks stays unknown."""
    harness = Harness()
    harness.post("seerr", seerr_pending())

    result, update = harness.tracker.library.sync_arr_item("radarr", INSTANCE, media)

    assert result is SyncResult.UNCHANGED
    assert not update
    assert len(harness.tracker.requests) == 1
    assert harness.only().arr_id is None


def test_arr_does_not_touch_deleted_requests() -> None:
    """A deleted request stays as it was deleted."""
    harness = Harness()
    harness.play(movie_flow()[:2])
    request = harness.only()
    harness.tracker.delete_request(
        request.id, user="admin", delete_files=True, results=()
    )
    before = request.to_dict()

    result, _ = harness.tracker.library.sync_arr_item(
        "radarr", INSTANCE, MOVIE_IN_RADARR
    )

    assert result is SyncResult.UNCHANGED
    assert request.to_dict() == before


# ---------------------------------------------------------------------- Seerr


def test_seerr_request_id_goes_to_the_library_request() -> None:
    """Seerr's list names the request of library media: it is Seerr's now."""
    harness = Harness()
    sync_movie(harness)
    request = harness.only()

    result, update = harness.tracker.library.sync_seerr_request(
        MediaRef(MediaType.MOVIE, "", tmdb_id=603), 201, "alice"
    )

    assert result is SyncResult.UPDATED
    assert update.changed == [request.id]
    assert update.stage_changes == []
    assert (request.seerr_request_id, request.requested_by) == (201, "alice")
    assert request.origin == "seerr"
    assert request.state == Stage.AVAILABLE
    assert harness.tracker.knows(("seerr", 201))


def test_known_seerr_request_is_unchanged() -> None:
    """A Seerr request already tracked gives its id to no other request."""
    harness = two_movie_requests()
    older, newer = sorted(harness.tracker.requests.values(), key=lambda r: r.id)
    older.seerr_request_id = 201
    harness.tracker.load(harness.tracker.to_dict())  # reindex

    result, update = harness.tracker.library.sync_seerr_request(
        MediaRef(MediaType.MOVIE, "", tmdb_id=603), 201, "alice"
    )

    assert result is SyncResult.UNCHANGED
    assert not update
    assert harness.tracker.get(newer.id).seerr_request_id is None


def test_seerr_request_keeps_a_known_requester() -> None:
    """requested_by is filled only when the request has none."""
    harness = Harness()
    sync_show(harness)
    request = harness.only()
    request.requested_by = "bob"

    result, _ = harness.tracker.library.sync_seerr_request(
        MediaRef(MediaType.TV, "", tmdb_id=1396, tvdb_id=81189), 202, "alice"
    )

    assert result is SyncResult.UPDATED
    assert (request.seerr_request_id, request.requested_by) == (202, "bob")


def test_seerr_request_goes_to_the_newest_request_without_one() -> None:
    """Of two requests lacking a Seerr id, the newest gets it; one only."""
    harness = two_movie_requests()
    older, newer = sorted(harness.tracker.requests.values(), key=lambda r: r.id)

    result, update = harness.tracker.library.sync_seerr_request(
        MediaRef(MediaType.MOVIE, "", tmdb_id=603), 201, None
    )

    assert result is SyncResult.UPDATED
    assert update.changed == [newer.id]
    assert (newer.seerr_request_id, newer.requested_by) == (201, None)
    assert older.seerr_request_id is None


@pytest.mark.parametrize("state", ["other_seerr_request", "deleted", "none"])
def test_seerr_request_without_candidate_is_unchanged(state: str) -> None:
    """Requests of another Seerr request, deleted ones, or none at all: no change."""
    harness = Harness()
    if state == "other_seerr_request":
        harness.post("seerr", seerr_pending())  # request 201
    elif state == "deleted":
        harness.post("radarr", load_fixture("radarr/grab.json"))
        harness.tracker.delete_request(
            harness.only().id, user=None, delete_files=False, results=()
        )
    before = [r.to_dict() for r in harness.tracker.requests.values()]

    result, update = harness.tracker.library.sync_seerr_request(
        MediaRef(MediaType.MOVIE, "", tmdb_id=603), 301, "bob"
    )

    assert result is SyncResult.UNCHANGED
    assert not update
    assert [r.to_dict() for r in harness.tracker.requests.values()] == before


# ---------------------------------------------------------------------- views


def test_movie_view() -> None:
    """What get_requests answers for a finished movie, with and without details."""
    harness = Harness()
    harness.play(movie_flow())
    request = harness.only()

    view = request_view(request, NOW)

    assert view == {
        "request_id": request.id,
        "title": "Example Movie",
        "year": 1999,
        "media_type": "movie",
        "state": "available",
        "finished": True,
        "stage_since": AT,
        "created_at": AT,
        "finished_at": AT,
        "requested_by": "alice",
        "origin": "seerr",
        "seasons": [],
        "is_anime": False,
        "poster_url": "https://image.tmdb.org/t/p/w600_and_h900_bestv2/"
        "example-movie-poster.jpg",
        "progress": None,
        "speed": None,
        "eta": None,
        "problems": {},
        "ids": {
            "seerr_request": 201,
            "tmdb": 603,
            "tvdb": None,
            "imdb": "tt0133093",
            "arr": 12,
            "jellyfin": MOVIE_JELLYFIN_ID,
        },
        "timeline": [entry.to_dict() for entry in request.timeline],
    }
    assert view["timeline"][0]["kind"] == "requested"
    assert "episodes" not in view
    brief = request_view(request, NOW, details=False)
    assert "timeline" not in brief
    assert brief == {k: v for k, v in view.items() if k != "timeline"}


def test_movie_view_progress_and_problems() -> None:
    """A downloading movie shows its size-weighted progress and its problems."""
    request = Request(
        id="r9",
        media_type=MediaType.MOVIE,
        title="Example Movie",
        created_at=AT,
        state=Stage.DOWNLOADING,
        downloads={
            "a": Download(progress=0.5, size=300, speed=2048, eta=120),
            "b": Download(progress=1.0, size=100, speed=0, eta=0),
        },
        problems={"stalled": Problem(reason="No progress for 2 h", since=AT)},
    )

    view = request_view(request, NOW, details=False)

    assert view["progress"] == 62.5
    # Live figures of the running download only: the finished one has none.
    assert (view["speed"], view["eta"]) == (2048, 120)
    assert view["problems"] == {
        "stalled": {"reason": "No progress for 2 h", "since": AT}
    }
    assert view["finished"] is False
    assert view["origin"] == "arr"
    assert view["ids"]["jellyfin"] is None


def test_show_view_lists_the_requested_episodes() -> None:
    """A show lists its requested episodes in order, with stage and progress."""
    harness = Harness()
    harness.play(tv_flow())
    request = harness.only()

    view = request_view(request, NOW)

    assert view["episodes_summary"] == "3/3 available"
    assert view["seasons"] == [1]
    assert view["ids"]["jellyfin"] == SHOW_JELLYFIN_ID
    assert view["ids"]["tvdb"] == 81189
    # The special (season 0) and season 2 were not requested.
    assert [(e["season"], e["episode"], e["stage"]) for e in view["episodes"]] == [
        (1, 1, "available"),
        (1, 2, "available"),
        (1, 3, "available"),
    ]
    first = view["episodes"][0]
    assert first == {
        "season": 1,
        "episode": 1,
        "title": "Pilot",
        "air_date": "2008-01-21T03:00:00Z",
        "stage": "available",
        "progress": None,
        "jellyfin_id": "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8",
    }
    brief = request_view(request, NOW, details=False)
    assert "episodes" not in brief
    assert "timeline" not in brief
    assert brief["episodes_summary"] == "3/3 available"


def test_show_view_marks_unaired_episodes() -> None:
    """Seasons 1 and 2 requested: the episode without air date is unaired."""
    harness = Harness()
    pending = seerr_pending(tv=True)
    pending["extra"][0]["value"] = "1, 2"
    harness.post("seerr", pending)
    harness.post("sonarr", load_fixture("sonarr/series_add.json"))
    harness.post("sonarr", load_fixture("sonarr/grab.json"))
    request = harness.only()
    request.downloads["b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"] = Download(
        progress=0.25, state="downloading"
    )

    view = request_view(request, NOW)

    assert view["seasons"] == [1, 2]
    assert [(e["season"], e["episode"], e["stage"]) for e in view["episodes"]] == [
        (1, 1, "downloading"),
        (1, 2, "downloading"),
        (1, 3, "downloading"),
        (2, 1, "unaired"),
    ]
    assert [e["progress"] for e in view["episodes"]] == [25.0, 25.0, 25.0, None]
    # Plain strings, like the request's own state (no enum members leak out).
    assert {type(e["stage"]) for e in view["episodes"]} == {str}
    assert type(view["state"]) is str
    assert view["episodes"][3]["air_date"] is None
    assert view["episodes_summary"] == "0/3 available · 3 downloading · 1 unaired"


def test_show_view_unaired_until_evidence() -> None:
    """An episode not aired yet but already grabbed shows its real stage.

    Episodes of seasons that are not requested (kept from an earlier request
    of other seasons) are not listed.
    """
    request = Request(
        id="r9",
        media_type=MediaType.TV,
        title="Example Show",
        created_at=AT,
        seasons=[2],
        episodes={
            "S01E01": Episode(
                season=1,
                number=1,
                air_date="2008-01-21T03:00:00Z",
                in_arr_list=True,
                available_at=AT,
            ),
            "S02E01": Episode(
                season=2, number=1, air_date="2026-02-01", in_arr_list=True
            ),
            "S02E02": Episode(
                season=2,
                number=2,
                air_date="2026-02-08",
                in_arr_list=True,
                grabbed_at=AT,
            ),
        },
    )

    view = request_view(request, NOW)

    assert [(e["season"], e["episode"], e["stage"]) for e in view["episodes"]] == [
        (2, 1, "unaired"),
        (2, 2, "grabbed"),
    ]
    assert view["episodes_summary"] == "0/1 available · 1 grabbed · 1 unaired"


# -------------------------------------------------------------------- filters


def _request(
    request_id: str,
    *,
    state: str,
    media_type: MediaType = MediaType.MOVIE,
    requested_by: str | None = None,
) -> Request:
    return Request(
        id=request_id,
        media_type=media_type,
        title=request_id,
        created_at=AT,
        state=state,
        requested_by=requested_by,
    )


REQUESTS = [
    _request("grabbed", state=Stage.GRABBED, requested_by="Alice"),
    _request("approved-tv", state=Stage.APPROVED, media_type=MediaType.TV),
    _request("available", state=Stage.AVAILABLE, requested_by="alice"),
    _request("declined", state=Outcome.DECLINED, requested_by="bob"),
    _request("deleted", state=Outcome.DELETED, media_type=MediaType.TV),
]


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        (RequestFilter(), ["grabbed", "approved-tv"]),
        (RequestFilter(status="finished"), ["available", "declined", "deleted"]),
        (RequestFilter(status="all"), [r.id for r in REQUESTS]),
        (
            RequestFilter(status="all", stages=frozenset({"grabbed", "deleted"})),
            ["grabbed", "deleted"],
        ),
        # Stages outside the status select nothing.
        (RequestFilter(stages=frozenset({"available"})), []),
        (RequestFilter(status="all", media_type="tv"), ["approved-tv", "deleted"]),
        (
            RequestFilter(status="all", media_type="movie"),
            ["grabbed", "available", "declined"],
        ),
        # Case-insensitive; requests without requester never match a name.
        (RequestFilter(status="all", requested_by="ALICE"), ["grabbed", "available"]),
        (RequestFilter(status="finished", requested_by="Bob"), ["declined"]),
        (RequestFilter(status="all", requested_by="carol"), []),
    ],
)
def test_request_filter(selected: RequestFilter, expected: list[str]) -> None:
    """Every filter narrows the selection; together they all must pass."""
    assert [r.id for r in REQUESTS if selected.matches(r)] == expected


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        (0, 2, [0, 1]),
        (2, 2, [2, 3]),
        (4, 2, [4]),
        (5, 2, []),
        (100, 2, []),
        (-3, 2, [0, 1]),
        (0, 0, []),
        (0, -1, []),
    ],
)
def test_page(offset: int, limit: int, expected: list[int]) -> None:
    """One page of a list; out-of-range values never fail."""
    assert page(list(range(5)), offset=offset, limit=limit) == expected


def test_page_size_is_capped() -> None:
    """Whatever the caller asks, a page holds at most MAX_PAGE_SIZE items."""
    items = list(range(MAX_PAGE_SIZE + 20))
    assert page(items, offset=0, limit=MAX_PAGE_SIZE + 10) == items[:MAX_PAGE_SIZE]
    assert page(items, offset=10, limit=10**6) == items[10 : 10 + MAX_PAGE_SIZE]


def test_requests_page_newest_first() -> None:
    """Selected requests, newest first (ties by id), paged; total counts all."""
    harness = Harness()
    harness.play(movie_flow())
    harness.now = NOW + timedelta(hours=1)
    harness.play(tv_flow()[:4])
    harness.now = NOW + timedelta(hours=2)
    sync_movie(harness, item_id=UNRELATED_ID, provider_ids=dict(UNRELATED_IDS))
    requests = list(harness.tracker.requests.values())
    assert [r.id for r in requests] == ["r1", "r2", "r3"]

    everything = requests_page(
        requests,
        RequestFilter(status="all"),
        NOW,
        offset=0,
        limit=50,
        details=True,
        read=harness.tracker.peek,
    )
    assert everything["total"] == 3
    assert everything["offset"] == 0
    assert [v["request_id"] for v in everything["requests"]] == ["r3", "r2", "r1"]
    assert everything["requests"][1] == request_view(requests[1], NOW)

    second = requests_page(
        requests,
        RequestFilter(status="finished"),
        NOW,
        offset=1,
        limit=1,
        details=False,
        read=harness.tracker.peek,
    )
    assert (second["total"], second["offset"]) == (2, 1)
    assert [v["request_id"] for v in second["requests"]] == ["r1"]
    assert "timeline" not in second["requests"][0]


def test_deletion_log_page_newest_first() -> None:
    """The log newest first, or one request's part of it, paged."""
    harness = Harness()
    harness.play(movie_flow())
    harness.play(tv_flow())
    harness.now = NOW + timedelta(minutes=5)
    harness.post("radarr", load_fixture("radarr/movie_delete.json"))
    harness.now = NOW + timedelta(minutes=10)
    harness.post("sonarr", load_fixture("sonarr/series_delete.json"))
    log = harness.tracker.deletion_log
    assert [e.title for e in log] == ["Example Movie", "Example Show"]

    everything = deletion_log_page(log, request_id=None, offset=0, limit=50)
    assert everything == {
        "total": 2,
        "offset": 0,
        "entries": [log[1].to_dict(), log[0].to_dict()],
    }
    one = deletion_log_page(log, request_id="r1", offset=0, limit=50)
    assert (one["total"], [e["title"] for e in one["entries"]]) == (
        1,
        ["Example Movie"],
    )
    paged = deletion_log_page(log, request_id=None, offset=1, limit=1)
    assert (paged["total"], paged["offset"]) == (2, 1)
    assert [e["title"] for e in paged["entries"]] == ["Example Movie"]
    assert deletion_log_page(log, request_id="r9", offset=0, limit=50) == {
        "total": 0,
        "offset": 0,
        "entries": [],
    }


def test_library_entries_do_not_push_out_request_history() -> None:
    """Pruning keeps library entries and counts only real finished requests."""
    harness = Harness()
    harness.play(
        [
            ("radarr", load_fixture("radarr/grab.json")),
            ("radarr", load_fixture("radarr/download.json")),
            ("jellyfin", load_fixture("jellyfin/item_added_movie.json")),
        ]
    )
    real = harness.only()
    assert real.finished
    for number in range(3):
        harness.tracker.library.sync_jellyfin_item(
            MediaType.MOVIE,
            f"{number + 1:032x}",
            f"Library movie {number}",
            2000 + number,
            {"tmdb": str(9000 + number)},
        )

    assert harness.tracker.prune(1) == []
    assert len(harness.tracker.requests) == 4
    assert harness.tracker.prune(0) == [real.id]
    assert all(r.from_library for r in harness.tracker.requests.values())
