"""Tests for the Sonarr/Radarr calls the actions need (delete, look up, search)."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aiohttp import ClientError
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    ArrMovie,
    ArrSeries,
    CannotConnect,
    InvalidAuth,
    NotFound,
    RadarrClient,
    ServiceError,
    SonarrClient,
    UnexpectedResponse,
)
from tests.api.conftest import API_KEY, RADARR_URL, SONARR_URL

EPISODES_FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures/sonarr/api_episodes.json"
)

# GET /api/v3/series?tvdbId=81189: SeriesResource of Example Show (Sonarr v4,
# camelCase, nulls omitted; Sonarr.Api.V3/Series/SeriesResource.cs).
EXAMPLE_SHOW: dict[str, Any] = {
    "title": "Example Show",
    "alternateTitles": [],
    "sortTitle": "example show",
    "status": "ended",
    "ended": True,
    "overview": "An invented example show used for integration tests.",
    "network": "AMC",
    "airTime": "22:00",
    "images": [
        {
            "coverType": "poster",
            "url": "/MediaCover/7/poster.jpg?lastWrite=639035472000000000",
            "remoteUrl": "https://artworks.thetvdb.com/banners/posters/81189-10.jpg",
        }
    ],
    "originalLanguage": {"id": 1, "name": "English"},
    "seasons": [
        {"seasonNumber": 0, "monitored": False},
        {"seasonNumber": 1, "monitored": True},
        {"seasonNumber": 2, "monitored": False},
    ],
    "year": 2008,
    "path": "/data/media/tv/Example Show (2008)",
    "qualityProfileId": 1,
    "seasonFolder": True,
    "monitored": True,
    "monitorNewItems": "all",
    "useSceneNumbering": False,
    "runtime": 47,
    "tvdbId": 81189,
    "tvRageId": 18164,
    "tvMazeId": 169,
    "tmdbId": 1396,
    "firstAired": "2008-01-20T00:00:00Z",
    "lastAired": "2013-09-29T00:00:00Z",
    "seriesType": "standard",
    "cleanTitle": "exampleshow",
    "imdbId": "tt0903747",
    "titleSlug": "example-show",
    "rootFolderPath": "/data/media/tv/",
    "certification": "TV-MA",
    "genres": ["Crime", "Drama", "Thriller"],
    "tags": [],
    "added": "2026-01-10T12:00:05Z",
    "ratings": {"votes": 31000, "value": 9.5},
    "statistics": {
        "seasonCount": 2,
        "episodeFileCount": 3,
        "episodeCount": 3,
        "totalEpisodeCount": 5,
        "sizeOnDisk": 5_234_567_890,
        "releaseGroups": ["EXAMPLE"],
        "percentOfEpisodes": 100.0,
    },
    "languageProfileId": 1,
    "id": 7,
}

# GET /api/v3/movie?tmdbId=603: MovieResource of Example Movie (Radarr v5).
# folderName is the whole path (Movie.FolderName() returns Path); tags are ids.
EXAMPLE_MOVIE: dict[str, Any] = {
    "title": "Example Movie",
    "originalTitle": "Example Movie",
    "originalLanguage": {"id": 1, "name": "English"},
    "alternateTitles": [],
    "secondaryYearSourceId": 0,
    "sortTitle": "example movie",
    "sizeOnDisk": 8_123_456_789,
    "status": "released",
    "overview": "An invented example movie used for integration tests.",
    "inCinemas": "1999-03-30T00:00:00Z",
    "physicalRelease": "1999-09-21T00:00:00Z",
    "digitalRelease": "2001-01-01T00:00:00Z",
    "images": [],
    "website": "",
    "year": 1999,
    "youTubeTrailerId": "",
    "studio": "Example Studios",
    "path": "/data/media/movies/Example Movie (1999)",
    "qualityProfileId": 4,
    "hasFile": True,
    "movieFileId": 1201,
    "monitored": True,
    "minimumAvailability": "released",
    "isAvailable": True,
    "folderName": "/data/media/movies/Example Movie (1999)",
    "runtime": 136,
    "cleanTitle": "examplemovie",
    "imdbId": "tt0133093",
    "tmdbId": 603,
    "titleSlug": "603",
    "rootFolderPath": "/data/media/movies",
    "certification": "R",
    "genres": ["Action", "Science Fiction"],
    "tags": [3, 5],
    "added": "2026-01-10T12:00:04Z",
    "ratings": {"tmdb": {"votes": 26000, "value": 8.2, "type": "user"}},
    "popularity": 80.5,
    "statistics": {
        "movieFileCount": 1,
        "sizeOnDisk": 8_123_456_789,
        "releaseGroups": ["EXAMPLE"],
    },
    "id": 12,
}


def command_answer(name: str, command_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Return the 201 CommandResource an arr answers to POST /api/v3/command."""
    return {
        "name": name,
        "commandName": "Episode Search" if name == "EpisodeSearch" else "Movies Search",
        "body": {
            **body,
            "sendUpdatesToClient": True,
            "updateScheduledTask": True,
            "completionMessage": "Completed",
            "requiresDiskAccess": False,
            "isExclusive": False,
            "isLongRunning": False,
            "name": name,
            "trigger": "manual",
            "suppressMessages": False,
        },
        "priority": "normal",
        "status": "queued",
        "result": "unknown",
        "queued": "2026-01-10T13:00:00Z",
        "trigger": "manual",
        "sendUpdatesToClient": True,
        "updateScheduledTask": True,
        "id": command_id,
    }


def only_call(aioclient_mock: AiohttpClientMocker) -> tuple[str, Any, Any, Any]:
    """Return the single request made; the key must be in a header only."""
    assert aioclient_mock.call_count == 1
    method, url, data, headers = aioclient_mock.mock_calls[0]
    assert headers["X-Api-Key"] == API_KEY
    assert API_KEY not in str(url)
    return method, url, data, headers


# --- Sonarr --------------------------------------------------------------------


@pytest.mark.parametrize(("delete_files", "flag"), [(True, "true"), (False, "false")])
async def test_delete_series(
    sonarr: SonarrClient,
    aioclient_mock: AiohttpClientMocker,
    delete_files: bool,
    flag: str,
) -> None:
    """DELETE /api/v3/series/{id} with deleteFiles and no import list exclusion."""
    aioclient_mock.delete(f"{SONARR_URL}/api/v3/series/7", text="")

    await sonarr.async_delete_series(7, delete_files=delete_files)

    method, url, data, _ = only_call(aioclient_mock)
    assert method == "DELETE"
    assert url.path == "/api/v3/series/7"
    assert dict(url.query) == {
        "deleteFiles": flag,
        "addImportListExclusion": "false",
    }
    assert data is None


async def test_delete_series_not_found(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Sonarr answers 404 for an unknown series id: NotFound, an UnexpectedResponse."""
    aioclient_mock.delete(
        f"{SONARR_URL}/api/v3/series/99",
        status=HTTPStatus.NOT_FOUND,
        json={"message": "NotFound", "description": "Series with ID 99 does not exist"},
    )

    with pytest.raises(NotFound) as exc_info:
        await sonarr.async_delete_series(99, delete_files=True)

    assert isinstance(exc_info.value, UnexpectedResponse)
    assert str(exc_info.value) == (
        "Sonarr at sonarr.lan:8989: DELETE /api/v3/series/99 answered HTTP 404"
    )
    assert API_KEY not in str(exc_info.value)


@pytest.mark.parametrize("series_id", [0, -1, True, "7"])
async def test_delete_series_refuses_bad_id(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker, series_id: Any
) -> None:
    """An id that is not a positive integer never reaches the URL."""
    with pytest.raises(ValueError, match="series_id"):
        await sonarr.async_delete_series(series_id, delete_files=False)
    assert aioclient_mock.call_count == 0


async def test_series_by_tvdb(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The library series comes from the tvdbId filter of GET /api/v3/series."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/series", json=[EXAMPLE_SHOW])

    series = await sonarr.async_get_series_by_tvdb(81189)

    assert series == ArrSeries(
        id=7,
        title="Example Show",
        tvdb_id=81189,
        tmdb_id=1396,
        imdb_id="tt0903747",
        path="/data/media/tv/Example Show (2008)",
        series_type="standard",
        year=2008,
        added=datetime(2026, 1, 10, 12, 0, 5, tzinfo=UTC),
    )
    method, url, _, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v3/series"
    assert dict(url.query) == {"tvdbId": "81189"}


async def test_series_by_tvdb_anime_and_malformed(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Malformed elements are skipped; optional ids missing stay None."""
    anime = {
        "title": "Example Anime",
        "year": 2023,
        "path": "/data/media/anime/shows/Example Anime (2023)",
        "tvdbId": 424536,
        "tmdbId": 209867,
        "seriesType": "anime",
        "imdbId": "",
        "tags": [1],
        "id": 23,
    }
    aioclient_mock.get(
        f"{SONARR_URL}/api/v3/series",
        json=["garbage", {"title": "No id", "tvdbId": 424536}, anime],
    )

    series = await sonarr.async_get_series_by_tvdb(424536)

    assert series == ArrSeries(
        id=23,
        title="Example Anime",
        tvdb_id=424536,
        tmdb_id=209867,
        path="/data/media/anime/shows/Example Anime (2023)",
        series_type="anime",
        year=2023,
    )


async def test_series_by_tvdb_absent(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An empty array means Sonarr does not have the series."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/series", json=[])
    assert await sonarr.async_get_series_by_tvdb(81189) is None


async def test_series_by_tvdb_not_a_list(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An object instead of the array is an unexpected response."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/series", json=EXAMPLE_SHOW)
    with pytest.raises(UnexpectedResponse, match="array of series from Sonarr"):
        await sonarr.async_get_series_by_tvdb(81189)


async def test_series_by_tvdb_refuses_bad_id(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """tvdbId 0 (unknown) is refused: without the filter Sonarr lists every series."""
    with pytest.raises(ValueError, match="tvdb_id"):
        await sonarr.async_get_series_by_tvdb(0)
    assert aioclient_mock.call_count == 0


async def test_search_episodes(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """EpisodeSearch is POSTed as JSON; the command id comes back."""
    aioclient_mock.post(
        f"{SONARR_URL}/api/v3/command",
        status=HTTPStatus.CREATED,
        json=command_answer("EpisodeSearch", 1234, {"episodeIds": [701, 702]}),
    )

    command_id = await sonarr.async_search_episodes([701, 702, 701])

    assert command_id == 1234
    method, url, data, headers = only_call(aioclient_mock)
    assert method == "POST"
    assert str(url) == f"{SONARR_URL}/api/v3/command"
    assert data == {"name": "EpisodeSearch", "episodeIds": [701, 702]}
    assert headers["Accept"] == "application/json"


@pytest.mark.parametrize("episode_ids", [[], [0], [701, -3], [True]])
async def test_search_episodes_refuses_bad_ids(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker, episode_ids: list[int]
) -> None:
    """No ids, or an id below 1, is a caller error and sends nothing."""
    with pytest.raises(ValueError, match="episode_ids"):
        await sonarr.async_search_episodes(episode_ids)
    assert aioclient_mock.call_count == 0


@pytest.mark.parametrize(
    "mock_kwargs",
    [
        {"json": {"name": "EpisodeSearch", "status": "queued"}},
        {"json": [1234]},
        {"text": "<html>Sonarr</html>"},
    ],
)
async def test_search_episodes_unexpected(
    sonarr: SonarrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
) -> None:
    """An answer without a command id is an unexpected response."""
    aioclient_mock.post(f"{SONARR_URL}/api/v3/command", **mock_kwargs)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await sonarr.async_search_episodes([701])
    assert API_KEY not in str(exc_info.value)


# --- Radarr --------------------------------------------------------------------


@pytest.mark.parametrize(("delete_files", "flag"), [(True, "true"), (False, "false")])
async def test_delete_movie(
    radarr: RadarrClient,
    aioclient_mock: AiohttpClientMocker,
    delete_files: bool,
    flag: str,
) -> None:
    """Radarr's parameter is addImportExclusion (Sonarr: addImportListExclusion)."""
    aioclient_mock.delete(f"{RADARR_URL}/api/v3/movie/12", text="")

    await radarr.async_delete_movie(12, delete_files=delete_files)

    method, url, data, _ = only_call(aioclient_mock)
    assert method == "DELETE"
    assert url.path == "/api/v3/movie/12"
    assert dict(url.query) == {"deleteFiles": flag, "addImportExclusion": "false"}
    assert data is None


async def test_delete_movie_not_found(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """404 for an unknown movie id is NotFound."""
    aioclient_mock.delete(
        f"{RADARR_URL}/api/v3/movie/99",
        status=HTTPStatus.NOT_FOUND,
        json={"message": "NotFound", "description": "Movie with ID 99 does not exist"},
    )
    with pytest.raises(NotFound, match="DELETE /api/v3/movie/99 answered HTTP 404"):
        await radarr.async_delete_movie(99, delete_files=False)


async def test_delete_movie_refuses_bad_id(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An id below 1 never reaches the URL."""
    with pytest.raises(ValueError, match="movie_id"):
        await radarr.async_delete_movie(0, delete_files=True)
    assert aioclient_mock.call_count == 0


async def test_movie_by_tmdb(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The movie is looked up with the tmdbId filter; tag ids are kept."""
    aioclient_mock.get(f"{RADARR_URL}/api/v3/movie", json=[EXAMPLE_MOVIE])

    movie = await radarr.async_get_movie_by_tmdb(603)

    assert movie == ArrMovie(
        id=12,
        title="Example Movie",
        tmdb_id=603,
        imdb_id="tt0133093",
        year=1999,
        has_file=True,
        path="/data/media/movies/Example Movie (1999)",
        tags=(3, 5),
        folder="Example Movie (1999)",
        root_folder_path="/data/media/movies",
        added=datetime(2026, 1, 10, 12, 0, 4, tzinfo=UTC),
    )
    method, url, _, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v3/movie"
    assert dict(url.query) == {"tmdbId": "603"}


async def test_movie_by_tmdb_sparse(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Odd tags are dropped; a Windows path still gives its folder."""
    movie = {
        "title": "Example Anime Movie",
        "year": 2020,
        "hasFile": False,
        "folderName": "D:\\Media\\Anime Movies\\Example Anime Movie (2020)\\",
        "tmdbId": 378064,
        "tags": [7, "anime", True, 0],
        "id": 31,
    }
    aioclient_mock.get(
        f"{RADARR_URL}/api/v3/movie", json=[{"id": 31}, 42, movie, EXAMPLE_MOVIE]
    )

    result = await radarr.async_get_movie_by_tmdb(378064)

    assert result == ArrMovie(
        id=31,
        title="Example Anime Movie",
        tmdb_id=378064,
        year=2020,
        path="D:\\Media\\Anime Movies\\Example Anime Movie (2020)\\",
        tags=(7,),
        folder="Example Anime Movie (2020)",
    )


async def test_movie_by_tmdb_without_path(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No path at all leaves path and folder None."""
    aioclient_mock.get(
        f"{RADARR_URL}/api/v3/movie",
        json=[{"title": "Example Movie", "tmdbId": 603, "tags": None, "id": 12}],
    )
    assert await radarr.async_get_movie_by_tmdb(603) == ArrMovie(
        id=12, title="Example Movie", tmdb_id=603
    )


async def test_movie_by_tmdb_absent(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An empty array means Radarr does not have the movie."""
    aioclient_mock.get(f"{RADARR_URL}/api/v3/movie", json=[])
    assert await radarr.async_get_movie_by_tmdb(603) is None
    with pytest.raises(ValueError, match="tmdb_id"):
        await radarr.async_get_movie_by_tmdb(-603)
    assert aioclient_mock.call_count == 1


async def test_search_movies(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """MoviesSearch is POSTed with movieIds; the command id comes back."""
    aioclient_mock.post(
        f"{RADARR_URL}/api/v3/command",
        status=HTTPStatus.CREATED,
        json=command_answer("MoviesSearch", 88, {"movieIds": [12]}),
    )

    assert await radarr.async_search_movies([12]) == 88

    method, url, data, _ = only_call(aioclient_mock)
    assert method == "POST"
    assert url.path == "/api/v3/command"
    assert data == {"name": "MoviesSearch", "movieIds": [12]}


async def test_search_movies_refuses_empty(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An empty id list is refused before any request."""
    with pytest.raises(ValueError, match="movie_ids"):
        await radarr.async_search_movies([])
    assert aioclient_mock.call_count == 0


# --- error mapping -------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"status": HTTPStatus.CONFLICT}, UnexpectedResponse),
    ],
)
@pytest.mark.parametrize(
    ("method", "url", "call"),
    [
        (
            "delete",
            f"{SONARR_URL}/api/v3/series/7",
            lambda s, r: s.async_delete_series(7, delete_files=True),
        ),
        (
            "get",
            f"{SONARR_URL}/api/v3/series",
            lambda s, r: s.async_get_series_by_tvdb(81189),
        ),
        (
            "post",
            f"{SONARR_URL}/api/v3/command",
            lambda s, r: s.async_search_episodes([701]),
        ),
        (
            "delete",
            f"{RADARR_URL}/api/v3/movie/12",
            lambda s, r: r.async_delete_movie(12, delete_files=False),
        ),
        (
            "get",
            f"{RADARR_URL}/api/v3/movie",
            lambda s, r: r.async_get_movie_by_tmdb(603),
        ),
        (
            "post",
            f"{RADARR_URL}/api/v3/command",
            lambda s, r: r.async_search_movies([12]),
        ),
    ],
)
async def test_errors_mapped(
    sonarr: SonarrClient,
    radarr: RadarrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    method: str,
    url: str,
    call: Any,
) -> None:
    """Transport, auth and server errors map to the three classes, without the key."""
    aioclient_mock.request(method, url, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await call(sonarr, radarr)

    assert not isinstance(exc_info.value, NotFound)
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


async def test_lookup_404_is_not_not_found(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A 404 on a list call means a wrong base path, not a missing series."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/series", status=HTTPStatus.NOT_FOUND)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await sonarr.async_get_series_by_tvdb(81189)
    assert not isinstance(exc_info.value, NotFound)
