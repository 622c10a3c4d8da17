"""Tests for the Radarr webhook parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrMediaDeleted,
    ArrService,
    Ignored,
    ImportedFile,
    MediaRef,
    MediaType,
    Observation,
)
from custom_components.status_tracker.parsers import InvalidPayload, parse_radarr

from . import DELETE, assert_robust_to_field_mutations, mutated, webhook_fixture_names

LoadFixture = Callable[[str], Any]

INSTANCE = "radarr-4k"
MOVIE_HASH = "3f5a9c2e7b1d4a6c8e0f2b4d6a8c0e1f3a5b7c9d"
ANIME_MOVIE_HASH = "d9e1f3a5c7b9021e4f6a8c0e2b4d6f8a1c3e5b72"
MOVIE_DIR = "/data/media/movies/Example Movie (1999)"

EXAMPLE_MOVIE = MediaRef(
    media_type=MediaType.MOVIE,
    title="Example Movie",
    year=1999,
    tmdb_id=603,
    imdb_id="tt0133093",
    poster_url="https://image.tmdb.org/t/p/original/example-movie-poster.jpg",
    arr_id=12,
    tags=(),
    path=MOVIE_DIR,
    original_language="English",
)

TRACKED_FIXTURES = {
    "grab.json": ArrGrab,
    "grab_anime_movie.json": ArrGrab,
    "download.json": ArrImport,
    "movie_added.json": ArrMediaAdded,
    "movie_delete.json": ArrMediaDeleted,
    "movie_file_delete.json": ArrFileDeleted,
}


ARR_KINDS = (
    ArrGrab,
    ArrImport,
    ArrMediaAdded,
    ArrMediaDeleted,
    ArrFileDeleted,
    ArrImportBlocked,
)


def _parse(body: Any) -> Observation:
    return parse_radarr(body, INSTANCE)


def test_every_fixture_is_covered() -> None:
    names = set(webhook_fixture_names("radarr", "eventType"))
    assert names == set(TRACKED_FIXTURES) | {"test.json"}


@pytest.mark.parametrize(("file_name", "kind"), TRACKED_FIXTURES.items())
def test_tracked_fixtures(
    load_fixture: LoadFixture, file_name: str, kind: type
) -> None:
    result = _parse(load_fixture(f"radarr/{file_name}"))

    assert type(result) is kind
    assert isinstance(result, ARR_KINDS)
    assert result.service is ArrService.RADARR
    assert result.instance_id == INSTANCE
    assert result.media.media_type is MediaType.MOVIE
    # Movies never carry episodes.
    assert getattr(result, "episodes", ()) == ()


def test_grab(load_fixture: LoadFixture) -> None:
    assert _parse(load_fixture("radarr/grab.json")) == ArrGrab(
        service=ArrService.RADARR,
        instance_id=INSTANCE,
        media=EXAMPLE_MOVIE,
        episodes=(),
        download_id=MOVIE_HASH,
        release_title="Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
        size=8204017664,
        download_client="qBittorrent",
    )


def test_grab_anime_movie(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("radarr/grab_anime_movie.json"))

    assert isinstance(result, ArrGrab)
    assert result.download_id == ANIME_MOVIE_HASH
    assert result.media.arr_id == 31
    assert result.media.tmdb_id == 378064
    assert result.media.tags == ("anime",)
    assert result.media.original_language == "Japanese"
    assert result.media.path == "/data/media/anime/movies/Example Anime Movie (2020)"
    assert result.media.series_type is None


@pytest.mark.parametrize("is_upgrade", [False, True])
def test_download(load_fixture: LoadFixture, is_upgrade: bool) -> None:
    body = mutated(load_fixture("radarr/download.json"), ("isUpgrade",), is_upgrade)

    assert _parse(body) == ArrImport(
        service=ArrService.RADARR,
        instance_id=INSTANCE,
        media=EXAMPLE_MOVIE,
        episodes=(),
        files=(
            ImportedFile(
                path=f"{MOVIE_DIR}/Example Movie (1999) Bluray-1080p.mkv",
                file_id=1201,
                episodes=(),
                size=8203010048,
            ),
        ),
        download_id=MOVIE_HASH,
        is_upgrade=is_upgrade,
        import_complete=False,
    )


def test_download_without_movie_file_is_invalid(load_fixture: LoadFixture) -> None:
    body = mutated(load_fixture("radarr/download.json"), ("movieFile",), DELETE)
    with pytest.raises(
        InvalidPayload, match=r"^movieFile is missing \(expected an object\)$"
    ):
        _parse(body)


def test_movie_added(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("radarr/movie_added.json"))
    assert result == ArrMediaAdded(ArrService.RADARR, INSTANCE, EXAMPLE_MOVIE)


@pytest.mark.parametrize("deleted_files", [True, False])
def test_movie_delete(load_fixture: LoadFixture, deleted_files: bool) -> None:
    body = mutated(
        load_fixture("radarr/movie_delete.json"), ("deletedFiles",), deleted_files
    )
    result = _parse(body)
    assert result == ArrMediaDeleted(
        ArrService.RADARR, INSTANCE, EXAMPLE_MOVIE, deleted_files
    )


def test_movie_file_delete(load_fixture: LoadFixture) -> None:
    assert _parse(load_fixture("radarr/movie_file_delete.json")) == ArrFileDeleted(
        service=ArrService.RADARR,
        instance_id=INSTANCE,
        media=EXAMPLE_MOVIE,
        episodes=(),
        path=f"{MOVIE_DIR}/Example Movie (1999) Bluray-1080p.mkv",
        file_id=1201,
        reason="manual",
    )


def test_manual_interaction_required() -> None:
    # Radarr's payload is Sonarr's with `movie` instead of series/episodes.
    body = {
        "movie": {"id": 12, "title": "Example Movie", "year": 1999, "tmdbId": 603},
        "downloadInfo": {"quality": "Bluray-1080p", "title": "Example.Movie.1999"},
        "downloadClient": "qBittorrent",
        "downloadId": MOVIE_HASH.upper(),
        "downloadStatus": "Warning",
        "downloadStatusMessages": [
            {"title": "Example.Movie.1999.mkv", "messages": ["Unknown Movie"]}
        ],
        "eventType": "ManualInteractionRequired",
        "instanceName": "Radarr",
        "applicationUrl": "",
    }

    result = _parse(body)

    assert result == ArrImportBlocked(
        service=ArrService.RADARR,
        instance_id=INSTANCE,
        media=MediaRef(
            MediaType.MOVIE, "Example Movie", year=1999, tmdb_id=603, arr_id=12
        ),
        episodes=(),
        download_id=MOVIE_HASH,
        reason="Example.Movie.1999.mkv: Unknown Movie",
    )


def test_ids_fall_back_to_remote_movie(load_fixture: LoadFixture) -> None:
    body = load_fixture("radarr/grab.json")
    body["movie"]["tmdbId"] = 0
    del body["movie"]["imdbId"]
    body["remoteMovie"].update(tmdbId=604, imdbId="tt0234215")

    result = _parse(body)

    assert isinstance(result, ArrGrab)
    assert (result.media.tmdb_id, result.media.imdb_id) == (604, "tt0234215")


def test_movie_ids_win_over_remote_movie(load_fixture: LoadFixture) -> None:
    body = load_fixture("radarr/grab.json")
    body["remoteMovie"].update(tmdbId=999, imdbId="tt9999999")

    result = _parse(body)

    assert isinstance(result, ArrGrab)
    assert (result.media.tmdb_id, result.media.imdb_id) == (603, "tt0133093")


def test_without_remote_movie_or_ids(load_fixture: LoadFixture) -> None:
    body = load_fixture("radarr/movie_added.json")
    body["movie"].update(tmdbId=0, imdbId="", year=0)

    result = _parse(body)

    assert isinstance(result, ArrMediaAdded)
    assert (result.media.tmdb_id, result.media.imdb_id, result.media.year) == (
        None,
        None,
        None,
    )


def test_release_size_zero_is_unknown(load_fixture: LoadFixture) -> None:
    body = mutated(load_fixture("radarr/grab.json"), ("release", "size"), 0)
    result = _parse(body)
    assert isinstance(result, ArrGrab)
    assert result.size is None


def test_grab_without_release(load_fixture: LoadFixture) -> None:
    body = mutated(load_fixture("radarr/grab.json"), ("release",), DELETE)
    result = _parse(body)
    assert isinstance(result, ArrGrab)
    assert (result.release_title, result.size) == (None, None)


def test_test_event_is_ignored(load_fixture: LoadFixture) -> None:
    assert _parse(load_fixture("radarr/test.json")) == Ignored(
        "radarr", "Test", "test notification"
    )


@pytest.mark.parametrize(
    "event_type",
    ["Rename", "Health", "HealthRestored", "ApplicationUpdate", "SeriesAdd", "Unknown"],
)
def test_untracked_event_types_are_ignored(event_type: str) -> None:
    result = _parse({"eventType": event_type})
    assert isinstance(result, Ignored)
    assert (result.source, result.event_type) == ("radarr", event_type)


@pytest.mark.parametrize(
    ("file_name", "path", "value", "field"),
    [
        ("grab.json", ("eventType",), DELETE, "eventType"),
        ("grab.json", ("eventType",), 3, "eventType"),
        ("grab.json", ("eventType",), " ", "eventType"),
        ("grab.json", ("movie",), DELETE, "movie"),
        ("grab.json", ("movie",), "Example Movie", "movie"),
        ("grab.json", ("movie", "id"), DELETE, "movie.id"),
        ("grab.json", ("movie", "id"), 0, "movie.id"),
        ("grab.json", ("movie", "id"), "12", "movie.id"),
        ("grab.json", ("movie", "title"), None, "movie.title"),
        ("grab.json", ("movie", "tmdbId"), "603", "movie.tmdbId"),
        ("grab.json", ("movie", "imdbId"), ["tt0133093"], "movie.imdbId"),
        ("grab.json", ("movie", "folderPath"), 1, "movie.folderPath"),
        ("grab.json", ("movie", "tags"), [None], "movie.tags[0]"),
        ("grab.json", ("movie", "images", 0, "url"), 1, "movie.images[0].url"),
        ("grab.json", ("remoteMovie",), [], "remoteMovie"),
        ("grab.json", ("remoteMovie", "tmdbId"), "603", "remoteMovie.tmdbId"),
        ("grab.json", ("remoteMovie", "imdbId"), 5, "remoteMovie.imdbId"),
        ("grab.json", ("downloadId",), ["x"], "downloadId"),
        ("grab.json", ("release", "size"), True, "release.size"),
        ("download.json", ("movieFile",), [], "movieFile"),
        ("download.json", ("movieFile", "path"), None, "movieFile.path"),
        ("download.json", ("movieFile", "id"), -1, "movieFile.id"),
        ("download.json", ("movieFile", "size"), "8 GB", "movieFile.size"),
        ("download.json", ("isUpgrade",), "no", "isUpgrade"),
        ("movie_delete.json", ("deletedFiles",), 1, "deletedFiles"),
        ("movie_file_delete.json", ("movieFile",), "x", "movieFile"),
        ("movie_file_delete.json", ("movieFile", "id"), "1201", "movieFile.id"),
        ("movie_file_delete.json", ("deleteReason",), False, "deleteReason"),
    ],
)
def test_malformed_payloads(
    load_fixture: LoadFixture,
    file_name: str,
    path: tuple[str | int, ...],
    value: object,
    field: str,
) -> None:
    body = mutated(load_fixture(f"radarr/{file_name}"), path, value)

    with pytest.raises(InvalidPayload) as err:
        _parse(body)

    assert err.value.field == field
    assert str(err.value).startswith(f"{field} ")


@pytest.mark.parametrize("body", [None, 12, 0.0, True, "Grab", "", [], [[]]])
def test_non_object_bodies(body: object) -> None:
    with pytest.raises(InvalidPayload, match=r"^payload must be a JSON object"):
        _parse(body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"eventType": {}},
        {"eventType": "Grab", "movie": {}},
        {"eventType": "Download", "movie": {"id": 1, "title": "t"}},
        {"eventType": "Grab", "movie": {"id": 1, "title": "t", "images": [1]}},
        {
            "eventType": "Grab",
            "movie": {"id": 1, "title": "t"},
            "remoteMovie": {"tmdbId": "9" * 5000},
        },
    ],
)
def test_hostile_objects_raise_invalid_payload(body: object) -> None:
    with pytest.raises(InvalidPayload):
        _parse(body)


@pytest.mark.parametrize("file_name", webhook_fixture_names("radarr", "eventType"))
def test_every_field_mutation_gives_observation_or_invalid_payload(
    load_fixture: LoadFixture, file_name: str
) -> None:
    body = load_fixture(f"radarr/{file_name}")
    assert assert_robust_to_field_mutations(_parse, body) > 0
