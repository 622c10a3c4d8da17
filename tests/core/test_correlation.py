"""Which request an event belongs to: ids, seasons, several candidates, late events."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta
import logging
from typing import Any

import pytest

from custom_components.status_tracker.core.correlation import (
    CorrelationIndex,
    external_id_keys,
    file_name,
    int_or_none,
    media_keys,
    normalize_path,
    observation_keys,
)
from custom_components.status_tracker.core.model import Request, Stage
from custom_components.status_tracker.core.observations import (
    ArrGrab,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrService,
    EpisodeRef,
    Ignored,
    JellyfinEvent,
    JellyfinItem,
    MediaRef,
    MediaType,
    SeerrEvent,
    SeerrNotification,
    normalize_download_id,
    normalize_jellyfin_id,
)
from custom_components.status_tracker.core.tracker import Tracker, new_request_id
from custom_components.status_tracker.parsers import parse_webhook
from tests.flows import (
    MOVIE_HASH,
    MOVIE_JELLYFIN_ID,
    SHOW_HASH,
    SHOW_JELLYFIN_ID,
    SHOW_TVDB,
    jellyfin_episode,
    load_fixture,
    movie_flow,
    tv_flow,
)

from .harness import INSTANCE, NOW, Harness

SEASON_TWO_HASH = "5e2d8c4a1f7b3e9d6c0a2f4b8d1e3c5a7f9b0d2e"
UPGRADE_HASH = "9a8b7c6d5e4f30211203f4e5d6c7b8a9f0e1d2c3"
OTHER_MOVIE_JELLYFIN_ID = "7e6d5c4b3a2910f8e7d6c5b4a3928170"


def fixture(name: str) -> dict[str, Any]:
    """Return a private copy of a fixture body, ready to be changed."""
    return copy.deepcopy(load_fixture(name))


def seerr_body(
    name: str,
    *,
    request_id: str | None = None,
    seasons: str | None = None,
    event_text: str | None = None,
) -> dict[str, Any]:
    """Return a Seerr fixture for another request id / seasons / event text."""
    body = fixture(f"jellyseerr/{name}.json")
    if request_id is not None:
        body["request"]["request_id"] = request_id
    if seasons is not None:
        body["extra"] = [{"name": "Requested Seasons", "value": seasons}]
    if event_text is not None:
        body["event"] = event_text
    return body


def season_two_grab() -> dict[str, Any]:
    """Return Sonarr's Grab of Example Show S02E01-E02 (its own torrent)."""
    body = fixture("sonarr/grab.json")
    template = body["episodes"][0]
    body["episodes"] = [
        {
            **template,
            "id": 800 + number,
            "seasonNumber": 2,
            "episodeNumber": number,
            "title": f"Season Two Part {number}",
            "airDate": f"2009-03-0{number}",
            "airDateUtc": f"2009-03-0{number}T03:00:00Z",
            "tvdbId": 438000 + number,
        }
        for number in (1, 2)
    ]
    body["release"]["releaseTitle"] = "Example.Show.S02.1080p.WEB-DL-EXAMPLE"
    body["downloadId"] = SEASON_TWO_HASH.upper()
    return body


def jellyfin_s02e01() -> dict[str, Any]:
    """Return Jellyfin's ItemAdded for Example Show S02E01."""
    body = jellyfin_episode(1)
    body["ItemId"] = "4d5e6f7a8b9c40d1e2f3a4b5c6d7e8f9"
    body["Name"] = "Season Two Part 1"
    body["SeasonNumber"] = 2
    body["Provider_tvdb"] = "438001"
    body["Provider_imdb"] = "tt1232451"
    return body


def other_movie_with_tmdb_1396() -> dict[str, Any]:
    """Return a Seerr movie request whose TMDB id (1396) is also Example Show's."""
    body = seerr_body("media_approved", request_id="301")
    body["subject"] = "Other Movie (2010)"
    body["media"]["tmdbId"] = "1396"
    return body


def jellyfin_movie_1396() -> dict[str, Any]:
    """Return Jellyfin's ItemAdded for a *movie* with Provider_tmdb 1396."""
    body = fixture("jellyfin/item_added_movie.json")
    body["ItemId"] = OTHER_MOVIE_JELLYFIN_ID
    body["Name"] = "Other Movie"
    body["Year"] = 2010
    body["Provider_tmdb"] = "1396"
    del body["Provider_imdb"]
    return body


def by_seerr_id(harness: Harness, seerr_id: int) -> Request:
    """Return the request of one Seerr request id."""
    found = [
        r for r in harness.tracker.requests.values() if r.seerr_request_id == seerr_id
    ]
    assert len(found) == 1
    return found[0]


# --------------------------------------------------------------- media types


def test_movie_and_show_sharing_a_tmdb_id_stay_apart() -> None:
    """A movie and a show with the same TMDB number are two separate requests."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    harness.post("seerr", other_movie_with_tmdb_1396())

    assert len(harness.tracker.requests) == 2
    show = by_seerr_id(harness, 202)
    movie = by_seerr_id(harness, 301)
    assert (show.media_type, movie.media_type) == (MediaType.TV, MediaType.MOVIE)
    assert show.tmdb_id == movie.tmdb_id == 1396
    assert harness.tracker.knows(("tmdb", MediaType.MOVIE, 1396))
    assert harness.tracker.knows(("tmdb", MediaType.TV, 1396))

    update = harness.post("jellyfin", jellyfin_movie_1396())

    assert update.changed == [movie.id]
    assert movie.state == Stage.AVAILABLE
    assert movie.movie.jellyfin_id == OTHER_MOVIE_JELLYFIN_ID
    assert show.state == Stage.APPROVED
    assert not any(e.available_at for e in show.episodes.values())


def test_jellyfin_movie_never_marks_a_show_with_its_tmdb_id() -> None:
    """With only the show requested, a movie sharing its TMDB id waits as an orphan."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    show = harness.only()
    before = show.to_dict()

    update = harness.post("jellyfin", jellyfin_movie_1396())

    assert update.orphaned
    assert update.changed == []
    assert show.to_dict() == before
    assert len(harness.tracker.orphans) == 1


def test_radarr_grab_of_the_movie_skips_the_show() -> None:
    """A Radarr grab for TMDB 1396 goes to the movie, never to the show."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    harness.post("seerr", other_movie_with_tmdb_1396())
    grab = fixture("radarr/grab.json")
    grab["movie"]["tmdbId"] = 1396
    grab["movie"]["imdbId"] = "tt1375666"
    grab["remoteMovie"]["tmdbId"] = 1396
    grab["remoteMovie"]["imdbId"] = "tt1375666"

    harness.post("radarr", grab)

    assert by_seerr_id(harness, 301).state == Stage.GRABBED
    assert by_seerr_id(harness, 202).state == Stage.APPROVED


# ------------------------------------------------------- strength of the keys


def other_movie_grab(**movie: Any) -> dict[str, Any]:
    """Return Radarr's Grab of another movie (TMDB 604, Radarr id 13, own torrent)."""
    grab = fixture("radarr/grab.json")
    fields = {"title": "Other Movie", "tmdbId": 604, **movie}
    grab["movie"].update(id=13, **fields)
    grab["remoteMovie"].update(fields)
    grab["downloadId"] = "ab" * 20
    return grab


def test_shared_imdb_id_never_joins_another_movie(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A grab whose IMDb id and folder are another movie's, but not its TMDB id,
    starts its own request; the refused match is logged with the keys."""
    caplog.set_level(logging.DEBUG)
    harness = Harness()
    harness.play(movie_flow()[:4])
    example = harness.only()
    before = example.to_dict()

    harness.post(
        "radarr",
        other_movie_grab(
            imdbId="tt0133093", folderPath="/data/media/movies/Example Movie (1999)"
        ),
    )

    assert example.to_dict() == before
    other = next(r for r in harness.tracker.requests.values() if r is not example)
    assert (other.tmdb_id, other.arr_id, other.state) == (604, 13, Stage.GRABBED)
    assert f"Not matching {example.id}" in caplog.text
    assert "('tmdb', <MediaType.MOVIE: 'movie'>, 604) but 603" in caplog.text


def test_seerr_request_after_the_grab_finds_its_own_movie() -> None:
    """Seerr's request for the second movie joins the request its grab started."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    harness.post("radarr", other_movie_grab(imdbId="tt0133093"))
    seerr = seerr_body("media_approved", request_id="302")
    seerr["media"]["tmdbId"] = "604"

    harness.post("seerr", seerr)

    assert len(harness.tracker.requests) == 2
    other = by_seerr_id(harness, 302)
    assert (other.tmdb_id, other.arr_id, other.state) == (604, 13, Stage.GRABBED)
    assert by_seerr_id(harness, 201).arr_id == 12


def test_a_strong_match_survives_a_wrong_imdb_id() -> None:
    """Radarr's grab with the same TMDB id but another IMDb id is the same movie."""
    harness = Harness()
    harness.play(movie_flow()[:3])
    grab = fixture("radarr/grab.json")
    grab["movie"]["imdbId"] = grab["remoteMovie"]["imdbId"] = "tt9999999"

    harness.post("radarr", grab)

    assert harness.only().state == Stage.GRABBED


def test_another_radarr_item_with_the_same_tmdb_id_is_refused() -> None:
    """The *arr item is stronger than TMDB: another Radarr movie id is not the same
    movie, even with the same TMDB id (a re-added movie gets a new id)."""
    harness = Harness()
    harness.play(movie_flow()[:5])
    example = harness.only()
    grab = fixture("radarr/grab.json")
    grab["movie"]["id"] = 99
    grab["downloadId"] = "cd" * 20

    harness.post("radarr", grab)

    assert len(harness.tracker.requests) == 2
    assert example.arr_id == 12


def test_tvdb_agreement_keeps_a_show_despite_another_tmdb_id() -> None:
    """TMDB and TVDB are equally strong: Sonarr's other TMDB id does not split a
    show matched by its TVDB id."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    grab = fixture("sonarr/grab.json")
    grab["series"]["tmdbId"] = 424242

    harness.post("sonarr", grab)

    assert harness.only().state == Stage.GRABBED


# ------------------------------------------------------------------- seasons


def test_second_season_request_is_its_own_request() -> None:
    """Season 2 requested later gets its own entity; each grab finds its season."""
    harness = Harness()
    harness.play(tv_flow()[:3])
    harness.post(
        "seerr", seerr_body("media_approved_tv", request_id="203", seasons="2")
    )

    assert len(harness.tracker.requests) == 2
    first = by_seerr_id(harness, 202)
    second = by_seerr_id(harness, 203)
    assert (first.seasons, second.seasons) == ([1], [2])

    harness.post("sonarr", season_two_grab())
    assert second.state == Stage.GRABBED
    assert sorted(k for k, e in second.episodes.items() if e.grabbed_at) == [
        "S02E01",
        "S02E02",
    ]
    assert first.state == Stage.SEARCHING

    harness.post("sonarr", load_fixture("sonarr/grab.json"))
    assert first.state == Stage.GRABBED
    assert sorted(first.episodes) == ["S01E01", "S01E02", "S01E03"]
    assert all(e.season == 2 for e in second.episodes.values())
    assert all(e.download_ids == [SHOW_HASH] for e in first.episodes.values())

    update = harness.post("jellyfin", jellyfin_s02e01())
    assert update.changed == [second.id]
    assert second.episodes["S02E01"].available_at is not None
    assert not any(e.available_at for e in first.episodes.values())


def test_season_two_grab_before_its_seerr_request() -> None:
    """A season 2 grab seen before the season 2 request still ends in one request."""
    harness = Harness()
    harness.play(tv_flow()[:3])
    harness.post("sonarr", season_two_grab())
    assert len(harness.tracker.requests) == 2

    harness.post(
        "seerr", seerr_body("media_approved_tv", request_id="203", seasons="2")
    )

    assert len(harness.tracker.requests) == 2
    second = by_seerr_id(harness, 203)
    assert second.requested_by == "alice"
    assert second.state == Stage.GRABBED


def test_season_match_wins_over_newer_request() -> None:
    """A grab goes to the request asking for that season even if another is newer."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    harness.now += timedelta(minutes=5)
    # A later request for the whole show (no seasons listed).
    harness.post("seerr", seerr_body("media_approved_tv", request_id="204", seasons=""))
    assert by_seerr_id(harness, 204).seasons == []

    harness.post("sonarr", load_fixture("sonarr/grab.json"))

    assert by_seerr_id(harness, 202).state == Stage.GRABBED
    assert by_seerr_id(harness, 204).state == Stage.APPROVED


# --------------------------------------------------------- requests from *arr


def test_sonarr_grab_without_request_starts_one_and_seerr_merges() -> None:
    """Added straight in Sonarr: tracked at once; Seerr's request later joins it."""
    harness = Harness()
    update = harness.post("sonarr", load_fixture("sonarr/grab.json"))

    request = harness.only()
    assert update.created == [request.id]
    assert request.requested_by is None
    assert request.seerr_request_id is None
    assert request.origin == "arr"
    assert request.seasons == [1]
    assert request.state == Stage.GRABBED

    harness.post("seerr", load_fixture("jellyseerr/media_pending_tv.json"))
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))

    assert harness.only() is request
    assert request.seerr_request_id == 202
    assert request.requested_by == "alice"
    assert request.origin == "seerr"
    assert request.state == Stage.GRABBED
    assert request.poster_url == (
        "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-show-poster.jpg"
    )


def test_radarr_grab_without_request_starts_one_and_seerr_merges() -> None:
    """The same for a movie added straight in Radarr."""
    harness = Harness()
    harness.post("radarr", load_fixture("radarr/grab.json"))
    request = harness.only()
    assert (request.origin, request.requested_by, request.seasons) == ("arr", None, [])

    harness.post("seerr", load_fixture("jellyseerr/media_approved.json"))

    assert harness.only() is request
    assert (request.seerr_request_id, request.requested_by) == (201, "alice")
    assert request.state == Stage.GRABBED


def test_import_without_request_starts_one() -> None:
    """An import for media nobody requested is tracked too (no grab was seen)."""
    harness = Harness()
    harness.post("radarr", load_fixture("radarr/download.json"))
    request = harness.only()
    assert request.origin == "arr"
    assert request.state == Stage.IMPORTING


# ------------------------------------------------------- several candidates


def test_two_active_requests_for_one_movie_newest_gets_the_grab() -> None:
    """An HD and a 4K request for one movie: no crash, the newer one gets the grab."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved.json"))
    harness.now += timedelta(minutes=3)
    harness.post(
        "seerr",
        seerr_body(
            "media_approved", request_id="205", event_text="4K Movie Request Approved"
        ),
    )
    hd = by_seerr_id(harness, 201)
    uhd = by_seerr_id(harness, 205)
    assert (hd.is_4k, uhd.is_4k) == (False, True)

    harness.post("radarr", load_fixture("radarr/grab.json"))

    assert uhd.state == Stage.GRABBED
    assert uhd.movie.download_ids == [MOVIE_HASH]
    assert hd.state == Stage.APPROVED


def test_several_candidates_pick_by_creation_time_not_arrival() -> None:
    """The pick follows when each request was made, whatever order they arrived in."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved.json"))
    # The second request reaches the tracker second but was made an hour earlier.
    observation = parse_webhook(
        "seerr", seerr_body("media_approved", request_id="205"), INSTANCE
    )
    harness.tracker.apply(observation, at=NOW - timedelta(hours=1))

    harness.post("radarr", load_fixture("radarr/grab.json"))

    assert by_seerr_id(harness, 201).state == Stage.GRABBED
    assert by_seerr_id(harness, 205).state == Stage.APPROVED


def test_several_candidates_for_a_jellyfin_episode() -> None:
    """Two requests for season 1 of one show: the Jellyfin episode picks one."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    harness.now += timedelta(minutes=1)
    harness.post("seerr", seerr_body("media_approved_tv", request_id="206"))

    update = harness.post("jellyfin", jellyfin_episode(1))

    assert update.changed == [by_seerr_id(harness, 206).id]


# ------------------------------------------------------- finished requests


def test_new_grab_after_available_starts_a_new_request() -> None:
    """Once available, a fresh grab (another torrent) is a new request."""
    harness = Harness()
    harness.play(movie_flow())
    first = harness.only()
    grab = fixture("radarr/grab.json")
    grab["downloadId"] = UPGRADE_HASH.upper()

    update = harness.post("radarr", grab)

    assert len(update.created) == 1
    second = harness.tracker.get(update.created[0])
    assert second is not None and second is not first
    assert second.state == Stage.GRABBED
    assert second.origin == "arr"
    assert second.movie.download_ids == [UPGRADE_HASH]
    assert first.state == Stage.AVAILABLE
    assert first.movie.download_ids == [MOVIE_HASH]


@pytest.mark.parametrize("download_id", [UPGRADE_HASH.upper(), None])
def test_upgrade_import_for_finished_movie_changes_nothing(
    download_id: str | None,
) -> None:
    """A better copy imported for a finished movie neither reopens nor adds a request."""
    harness = Harness()
    harness.play(movie_flow())
    before = harness.tracker.to_dict()
    body = fixture("radarr/download.json")
    body["isUpgrade"] = True
    body["movieFile"]["id"] = 1202
    body["movieFile"]["path"] = body["movieFile"]["path"].replace("1080p", "2160p")
    if download_id is None:
        del body["downloadId"]
    else:
        body["downloadId"] = download_id

    update = harness.post("radarr", body)

    assert not update
    assert harness.tracker.to_dict() == before


@pytest.mark.parametrize("flow", [movie_flow, tv_flow], ids=["movie", "tv"])
def test_duplicates_after_finish_change_nothing(flow: Any) -> None:
    """Any event delivered again after the request finished is a no-op."""
    harness = Harness()
    harness.play(flow())
    assert harness.only().state == Stage.AVAILABLE
    before = harness.tracker.to_dict()

    for service, body in flow():
        update = harness.post(service, body)
        assert not update, (service, body.get("eventType"), update)

    assert harness.tracker.to_dict() == before
    assert harness.tracker.orphans == []


def test_sonarr_upgrade_after_finish_changes_nothing() -> None:
    """Sonarr's upgrade of S01E01 after the season finished changes nothing."""
    harness = Harness()
    harness.play(tv_flow())
    before = harness.tracker.to_dict()

    assert not harness.post("sonarr", load_fixture("sonarr/download_upgrade.json"))
    assert harness.tracker.to_dict() == before


def test_late_grab_for_a_finished_show_fills_the_gap() -> None:
    """A grab for an episode the finished request lacks reopens that request."""
    harness = Harness()
    harness.play(tv_flow())
    request = harness.only()
    grab = fixture("sonarr/grab.json")
    grab["episodes"] = [
        {**grab["episodes"][0], "id": 704, "episodeNumber": 4, "tvdbId": 349237}
    ]
    grab["downloadId"] = UPGRADE_HASH.upper()

    update = harness.post("sonarr", grab)

    assert update.created == []
    assert update.changed == [request.id]
    assert request.state == Stage.GRABBED
    assert request.finished_at is None
    assert harness.tracker.is_listed(request.id)


# ----------------------------------------------------------- download ids


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SABnzbd_nzo_abc", "SABnzbd_nzo_abc"),
        (MOVIE_HASH.upper(), MOVIE_HASH),
        ("A" * 64, "a" * 64),
        (f"  {SHOW_HASH.upper()}  ", SHOW_HASH),
        # 40 characters but not hex: not a torrent hash, kept as sent.
        ("Z" * 40, "Z" * 40),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalize_download_id(raw: str | None, expected: str | None) -> None:
    """Torrent hashes match qBittorrent's lower case; usenet ids stay as sent."""
    assert normalize_download_id(raw) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/data/media/Movie (1999)/Movie.mkv", "/data/media/Movie (1999)/Movie.mkv"),
        ("/data//media/Movie.mkv", "/data/media/Movie.mkv"),
        ("/data/media/", "/data/media"),
        ("D:\\Media\\Movie\\Movie.mkv", "D:/Media/Movie/Movie.mkv"),
        ("\\\\nas\\media\\Movie.mkv", "/nas/media/Movie.mkv"),
        ("Season 01/Show - S01E01.mkv", "Season 01/Show - S01E01.mkv"),
    ],
)
def test_normalize_path(path: str, expected: str) -> None:
    """Windows and doubled separators compare equal to the *arr's form."""
    assert normalize_path(path) == expected
    assert file_name(path) == expected.rsplit("/", 1)[-1]


def test_normalize_jellyfin_id() -> None:
    """Jellyfin ids in either GUID form index the same way."""
    assert normalize_jellyfin_id("0D3B5F7A-9C1E-4D6F-8A0B-2C4E6D8F1A3B") == (
        MOVIE_JELLYFIN_ID
    )
    assert normalize_jellyfin_id("") is None
    assert normalize_jellyfin_id("-") is None


def test_usenet_download_id_tracks_the_movie() -> None:
    """A SABnzbd grab and its import find each other by the id as sent."""
    harness = Harness()
    harness.play(movie_flow()[:3])
    grab = fixture("radarr/grab.json")
    grab["downloadId"] = "SABnzbd_nzo_abc"
    grab["downloadClient"] = "SABnzbd"
    harness.post("radarr", grab)
    request = harness.only()
    assert request.movie.download_ids == ["SABnzbd_nzo_abc"]
    assert harness.tracker.knows(("hash", "SABnzbd_nzo_abc"))
    assert not harness.tracker.knows(("hash", "sabnzbd_nzo_abc"))

    download = fixture("radarr/download.json")
    download["downloadId"] = "SABnzbd_nzo_abc"
    harness.post("radarr", download)
    assert harness.only().state == Stage.IMPORTING


def test_upper_case_hash_matches_the_grab() -> None:
    """Sonarr's upper-case hash and the tracker's lower-case index agree."""
    harness = Harness()
    harness.post("sonarr", load_fixture("sonarr/grab.json"))
    assert harness.tracker.knows(("hash", SHOW_HASH))
    assert not harness.tracker.knows(("hash", SHOW_HASH.upper()))


# ---------------------------------------------------------------- jellyfin


def series_item_added() -> dict[str, Any]:
    """Return Jellyfin's ItemAdded for the Example Show *series* item."""
    body = fixture("jellyfin/item_added_episode.json")
    for key in (
        "SeriesName",
        "SeriesId",
        "SeasonId",
        "SeriesPremiereDate",
        "SeasonNumber",
        "SeasonNumber00",
        "SeasonNumber000",
        "EpisodeNumber",
        "EpisodeNumber00",
        "EpisodeNumber000",
    ):
        del body[key]
    body["ItemId"] = SHOW_JELLYFIN_ID
    body["ItemType"] = "Series"
    body["Name"] = "Example Show"
    body["Provider_tvdb"] = str(SHOW_TVDB)
    body["Provider_tmdb"] = "1396"
    body["Provider_imdb"] = "tt0903747"
    return body


def test_jellyfin_series_item_teaches_the_series_id() -> None:
    """Once Jellyfin adds the series, its episodes match without a series lookup."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    request = harness.only()
    assert not harness.tracker.knows(("jellyfin", SHOW_JELLYFIN_ID))

    update = harness.post("jellyfin", series_item_added())

    assert update.changed == [request.id]
    assert request.jellyfin_series_id == SHOW_JELLYFIN_ID
    assert harness.tracker.knows(("jellyfin", SHOW_JELLYFIN_ID))
    assert request.state == Stage.GRABBED

    # An episode webhook with neither the series' provider ids (no lookup made)
    # nor its own TVDB id: only the series id can match it.
    body = jellyfin_episode(2)
    del body["Provider_tvdb"]
    episode = parse_webhook("jellyfin", body, INSTANCE)
    assert isinstance(episode, JellyfinItem)
    assert episode.series_provider_ids is None
    harness.tracker.apply(episode)
    assert request.episodes["S01E02"].available_at is not None

    # The same series added again changes nothing.
    assert not harness.post("jellyfin", series_item_added())


def test_jellyfin_series_item_without_request_is_dropped() -> None:
    """A series nobody requested is not kept: its episodes carry the ids anyway."""
    harness = Harness()
    update = harness.post("jellyfin", series_item_added())
    assert not update
    assert harness.tracker.orphans == []


def test_jellyfin_episode_without_numbers_is_acknowledged() -> None:
    """An episode item without season/episode numbers is ignored, not kept."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    body = jellyfin_episode(1)
    del body["EpisodeNumber"]
    assert not harness.post("jellyfin", body)
    assert harness.tracker.orphans == []


def test_other_jellyfin_item_types_change_nothing() -> None:
    """A Season item is acknowledged and changes nothing."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    body = jellyfin_episode(1)
    body["ItemType"] = "Season"
    body["ItemId"] = "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7"
    assert not harness.post("jellyfin", body)


def test_multi_episode_file_marks_every_episode() -> None:
    """A Jellyfin file holding E01-E02 marks both episodes available."""
    harness = Harness()
    harness.play(tv_flow()[:8])
    body = jellyfin_episode(1)
    body["EpisodeNumberEnd"] = 2

    harness.post("jellyfin", body)

    request = harness.only()
    available = {k for k, e in request.episodes.items() if e.available_at}
    assert available == {"S01E01", "S01E02"}
    assert request.episodes["S01E02"].jellyfin_id == body["ItemId"]
    assert request.state == Stage.IMPORTING

    harness.post("jellyfin", jellyfin_episode(3))
    assert request.state == Stage.AVAILABLE


@pytest.mark.parametrize(
    ("season", "number"), [(1, 5), (3, 7)], ids=["other-episode", "other-season"]
)
def test_jellyfin_episode_matched_by_episode_tvdb_id(season: int, number: int) -> None:
    """Jellyfin numbering the episode differently still marks the right episode."""
    harness = Harness()
    harness.play(tv_flow()[:8])
    body = jellyfin_episode(2)
    body["SeasonNumber"] = season
    body["EpisodeNumber"] = number

    update = harness.post("jellyfin", body)

    request = harness.only()
    assert update.changed == [request.id]
    assert not update.orphaned
    assert request.episodes["S01E02"].available_at is not None
    assert request.episodes["S01E02"].jellyfin_id == body["ItemId"]
    assert {k for k, e in request.episodes.items() if e.available_at} == {"S01E02"}
    # Delivered again: nothing new.
    assert not harness.post("jellyfin", body)


def test_jellyfin_episode_tvdb_match_for_a_finished_request() -> None:
    """A repeated, differently numbered episode of a finished show changes nothing."""
    harness = Harness()
    harness.play(tv_flow())
    body = jellyfin_episode(3)
    body["SeasonNumber"] = 2
    body["EpisodeNumber"] = 9
    body["ItemId"] = "5e6f7a8b9c0d41e2f3a4b5c6d7e8f9a0"
    before = harness.only().to_dict()

    update = harness.post("jellyfin", body)

    # Another copy of an episode that is already available: it waits, and the
    # finished request is not reopened.
    assert update.changed == []
    assert harness.only().to_dict() == before


def test_jellyfin_episode_outside_requested_seasons_waits() -> None:
    """An episode of a season nobody requested does not touch the request."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    body = jellyfin_episode(1)
    body["SeasonNumber"] = 4
    body["ItemId"] = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b2"
    body["Provider_tvdb"] = "999999"

    update = harness.post("jellyfin", body)

    assert update.orphaned
    assert update.changed == []
    assert "S04E01" not in harness.only().episodes


def test_late_jellyfin_episode_completes_finished_request() -> None:
    """Jellyfin confirming an episode a finished request lacks is recorded."""
    harness = Harness()
    harness.play(tv_flow())
    request = harness.only()
    body = jellyfin_episode(1)
    body["EpisodeNumber"] = 4
    body["ItemId"] = "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c3"
    body["Provider_tvdb"] = "349237"

    update = harness.post("jellyfin", body)

    assert update.changed == [request.id]
    assert request.episodes["S01E04"].available_at is not None
    # Known only from Jellyfin: not part of the requested set.
    assert request.state == Stage.AVAILABLE


def test_second_jellyfin_copy_of_finished_movie_waits() -> None:
    """Another Jellyfin copy of an already available movie does not reopen it."""
    harness = Harness()
    harness.play(movie_flow())
    body = fixture("jellyfin/item_added_movie.json")
    body["ItemId"] = OTHER_MOVIE_JELLYFIN_ID

    update = harness.post("jellyfin", body)

    assert update.orphaned
    assert update.changed == []
    assert harness.only().movie.jellyfin_id == MOVIE_JELLYFIN_ID


# ------------------------------------------------------------------- seerr


def test_seerr_notification_without_request_tracks_by_media() -> None:
    """A Seerr event with `request: null` is tracked and found by TMDB later."""
    harness = Harness()
    body = fixture("jellyseerr/media_approved.json")
    body["request"] = None

    update = harness.post("seerr", body)

    request = harness.only()
    assert update.created == [request.id]
    assert request.seerr_request_id is None
    assert request.requested_by is None
    assert request.tmdb_id == 603
    assert request.state == Stage.APPROVED
    assert not harness.post("seerr", body)

    harness.post("radarr", load_fixture("radarr/grab.json"))
    assert harness.only().state == Stage.GRABBED


def test_seerr_notification_without_request_joins_the_tracked_request() -> None:
    """A request-less Seerr event for tracked media adds no phantom request."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    body = fixture("jellyseerr/media_available.json")
    body["request"] = None

    harness.post("seerr", body)

    request = harness.only()
    assert request.seerr_request_id == 201
    assert request.seerr_available_at is not None


def test_auto_approved_is_recorded_as_approval() -> None:
    """An auto-approved request shows as approved, marked automatic on the timeline."""
    harness = Harness()
    harness.post("seerr", load_fixture("jellyseerr/media_auto_approved.json"))
    request = harness.only()
    assert request.state == Stage.APPROVED
    assert request.requested_at == request.approved_at
    assert request.timeline[-1].detail == "automatically"


@pytest.mark.parametrize("name", ["media_available", "media_approved_tv"])
def test_untitled_seerr_notification_keeps_the_title(name: str) -> None:
    """A notification rebuilt from Seerr's request list may carry no title.

    The Seerr client leaves the title, year and poster out for requests the
    tracker holds; the request keeps what the first webhook gave it.
    """
    harness = Harness()
    pending = "media_pending_tv" if name.endswith("_tv") else "media_pending"
    harness.post("seerr", load_fixture(f"jellyseerr/{pending}.json"))
    titled = harness.only()
    before = (titled.title, titled.year, titled.poster_url)
    observation = parse_webhook("seerr", load_fixture(f"jellyseerr/{name}.json"), "")
    assert isinstance(observation, SeerrNotification)
    untitled = replace(
        observation,
        media=replace(observation.media, title="", year=None, poster_url=None),
    )

    update = harness.tracker.apply(untitled)

    request = harness.only()
    assert update.changed == [request.id]
    assert (request.title, request.year, request.poster_url) == before
    assert request.title in {"Example Movie", "Example Show"}
    assert request.timeline[-1].kind != "requested"


def test_ignored_observation_changes_nothing() -> None:
    """Test/Health payloads are acknowledged without touching anything."""
    harness = Harness()
    harness.play(movie_flow()[:2])
    assert not harness.post("sonarr", load_fixture("sonarr/health.json"))
    assert not harness.tracker.apply(Ignored("radarr", "Test", "test notification"))


# ------------------------------------------------------------- correlation


def test_correlation_index_update_and_remove() -> None:
    """Index keys follow a request's ids and disappear with it."""
    index = CorrelationIndex()
    request = Request(
        id="a",
        media_type=MediaType.MOVIE,
        title="Example Movie",
        created_at=NOW.isoformat(),
        tmdb_id=603,
        imdb_id="tt0133093",
    )
    assert index.update(request) == {
        ("tmdb", MediaType.MOVIE, 603),
        ("imdb", MediaType.MOVIE, "tt0133093"),
    }
    request.imdb_id = None
    request.movie.jellyfin_id = MOVIE_JELLYFIN_ID
    assert index.update(request) == {("jellyfin", MOVIE_JELLYFIN_ID)}
    assert index.lookup([("imdb", MediaType.MOVIE, "tt0133093")]) == set()
    assert index.lookup([("tmdb", MediaType.MOVIE, 603)]) == {"a"}
    twin = Request(
        id="b", media_type=MediaType.MOVIE, title="Twin", created_at="", tmdb_id=603
    )
    index.update(twin)
    assert index.lookup([("tmdb", MediaType.MOVIE, 603)]) == {"a", "b"}
    index.remove("b")
    assert index.lookup([("tmdb", MediaType.MOVIE, 603)]) == {"a"}
    index.remove("a")
    index.remove("a")
    assert index.lookup([("tmdb", MediaType.MOVIE, 603)]) == set()
    index.update(request)
    index.clear()
    # A request known by no id yet has no keys at all.
    assert index.update(Request("c", MediaType.TV, "Unknown", "")) == set()
    assert index.lookup([("jellyfin", MOVIE_JELLYFIN_ID)]) == set()


def test_provider_id_keys() -> None:
    """Provider ids become keys; garbage numbers are skipped, TVDB only for TV."""
    assert int_or_none("603") == 603
    assert int_or_none("abc") is None
    assert int_or_none(None) is None
    ids = {"tmdb": "x", "tvdb": "81189", "imdb": "tt1"}
    assert external_id_keys(MediaType.TV, ids) == [
        ("tvdb", 81189),
        ("imdb", MediaType.TV, "tt1"),
    ]
    assert external_id_keys(MediaType.MOVIE, ids) == [("imdb", MediaType.MOVIE, "tt1")]
    assert external_id_keys(MediaType.MOVIE, {}) == []
    show = MediaRef(MediaType.TV, "Example Show", tmdb_id=1396, tvdb_id=81189, arr_id=7)
    assert media_keys(show) == [("tmdb", MediaType.TV, 1396), ("tvdb", 81189)]
    assert media_keys(show, "sonarr-1")[0] == ("arr", "sonarr-1", 7)
    assert media_keys(MediaRef(MediaType.MOVIE, "Untitled")) == []


def test_observation_keys_of_orphans() -> None:
    """Orphans are indexed by every id they could later match."""
    show = MediaRef(MediaType.TV, "Example Show", tvdb_id=81189, arr_id=7)
    added = ArrMediaAdded(ArrService.SONARR, "s", show)
    assert observation_keys(added) == {("arr", "s", 7), ("tvdb", 81189)}
    blocked = ArrImportBlocked(ArrService.SONARR, "s", show, (), SHOW_HASH, "why")
    assert ("hash", SHOW_HASH) in observation_keys(blocked)
    assert ("hash", None) not in observation_keys(replace(blocked, download_id=None))
    episode = JellyfinItem(
        JellyfinEvent.ITEM_ADDED,
        "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8",
        "Episode",
        "Pilot",
        provider_ids={"tvdb": "349232"},
        season=1,
        episode=1,
    )
    assert observation_keys(episode) == {("ep_tvdb", 349232)}
    assert observation_keys(replace(episode, provider_ids={})) == frozenset()
    grab = ArrGrab(ArrService.RADARR, "r", MediaRef(MediaType.MOVIE, "M"), (), None)
    assert observation_keys(grab) == frozenset()


def test_request_ids_are_random_hex() -> None:
    """Request ids are 12 random hex digits (entity unique ids build on them)."""
    ids = {new_request_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 12 and int(i, 16) >= 0 for i in ids)


def test_default_id_factory_is_looked_up_at_call_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without an id factory the tracker uses `new_request_id` as patched now."""
    monkeypatch.setattr(
        "custom_components.status_tracker.core.tracker.new_request_id", lambda: "fixed"
    )
    tracker = Tracker(now=lambda: NOW)
    update = tracker.apply(
        SeerrNotification(
            SeerrEvent.PENDING,
            MediaRef(MediaType.MOVIE, "Example Movie", tmdb_id=603),
            request_id=201,
            requested_by="alice",
        )
    )
    assert update.created == ["fixed"]


def test_grab_outside_the_requested_seasons_records_no_episode() -> None:
    """A grab spanning seasons records only the episodes of the requested ones."""
    harness = Harness()
    harness.play(tv_flow()[:4])
    request = harness.only()
    grab = ArrGrab(
        ArrService.SONARR,
        INSTANCE,
        MediaRef(MediaType.TV, "Example Show", tvdb_id=SHOW_TVDB, arr_id=7),
        (EpisodeRef(season=1, episode=4), EpisodeRef(season=5, episode=1)),
        UPGRADE_HASH,
    )
    update = harness.tracker.apply(grab)
    assert update.changed == [request.id]
    assert request.episodes["S01E04"].download_ids == [UPGRADE_HASH]
    assert "S05E01" not in request.episodes


def test_import_from_another_instance_keeps_the_link() -> None:
    """A request stays linked to the *arr instance that grabbed it."""
    harness = Harness()
    harness.play(movie_flow()[:4])
    request = harness.only()
    body = fixture("radarr/download.json")
    body["movie"]["id"] = 99
    observation = parse_webhook("radarr", body, "radarr-4k")

    harness.tracker.apply(observation)

    assert request.state == Stage.IMPORTING
    assert (request.arr_instance, request.arr_id) == (INSTANCE, 12)


def test_jellyfin_episode_without_series_id_matches_by_tvdb() -> None:
    """An episode Jellyfin reports without its series still finds its request."""
    harness = Harness()
    harness.play(tv_flow()[:8])
    body = jellyfin_episode(2)
    del body["SeriesId"]

    harness.post("jellyfin", body)

    request = harness.only()
    assert request.episodes["S01E02"].available_at is not None
    assert request.jellyfin_series_id is None


def test_second_jellyfin_copy_of_an_episode_of_a_finished_show() -> None:
    """Another copy of an available episode (no TVDB id) leaves the show alone."""
    harness = Harness()
    harness.play(tv_flow())
    request = harness.only()
    before = request.to_dict()
    same = jellyfin_episode(1)
    del same["Provider_tvdb"]
    other = jellyfin_episode(1)
    del other["Provider_tvdb"]
    other["ItemId"] = "8b9c0d1e2f3a44b5c6d7e8f9a0b1c2d3"

    assert not harness.post("jellyfin", same)
    update = harness.post("jellyfin", other)

    assert update.changed == []
    assert request.to_dict() == before
