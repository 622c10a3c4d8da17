"""Tests for the Jellyfin calls the actions and the library sync need."""

from __future__ import annotations

from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    JellyfinClient,
    NotFound,
    RecentItemsPage,
    ServiceError,
    UnexpectedResponse,
)

API_KEY = "0123456789abcdef0123456789abcdef"
JELLYFIN_URL = "http://jellyfin.lan:8096"
ITEMS_URL = f"{JELLYFIN_URL}/Items"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures/jellyfin"

MOVIE_ID = "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"
SERIES_ID = "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
SEASON_ID = "2b3c4d5e6f7a48b9c0d1e2f3a4b5c6d7"
EPISODE_ID = "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8"
ANIME_SERIES_ID = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1"
AUTH_HEADER = f'MediaBrowser Token="{API_KEY}"'


def fixture(name: str) -> dict[str, Any]:
    """Return a fresh copy of a Jellyfin fixture."""
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


def recent_items() -> list[dict[str, Any]]:
    """Return the items of the recent-items fixture."""
    items: list[dict[str, Any]] = fixture("api_items_recent.json")["Items"]
    return items


def query_result(items: list[Any], total: int | None = None) -> dict[str, Any]:
    """Return a QueryResult<BaseItemDto> as Jellyfin serialises it."""
    return {
        "Items": items,
        "TotalRecordCount": len(items) if total is None else total,
        "StartIndex": 0,
    }


@pytest.fixture
def client(session: ClientSession) -> JellyfinClient:
    """Return a Jellyfin client on the mocked session."""
    return JellyfinClient(session, JELLYFIN_URL, API_KEY)


def only_call(aioclient_mock: AiohttpClientMocker) -> tuple[str, Any, Any]:
    """Return (method, url, data) of the single request; the key is in a header."""
    assert aioclient_mock.call_count == 1
    method, url, data, headers = aioclient_mock.mock_calls[0]
    assert headers["Authorization"] == AUTH_HEADER
    assert API_KEY not in str(url)
    return method, url, data


# --- delete ----------------------------------------------------------------------


async def test_delete_item(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """DELETE /Items/{id} (N form, whatever form the caller had) answers 204."""
    aioclient_mock.delete(f"{ITEMS_URL}/{MOVIE_ID}", status=HTTPStatus.NO_CONTENT)

    await client.async_delete_item("0D3B5F7A-9C1E-4D6F-8A0B-2C4E6D8F1A3B")

    method, url, data = only_call(aioclient_mock)
    assert method == "DELETE"
    assert str(url) == f"{ITEMS_URL}/{MOVIE_ID}"
    assert data is None


async def test_delete_item_not_found(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """404 (item gone) is NotFound."""
    aioclient_mock.delete(f"{ITEMS_URL}/{EPISODE_ID}", status=HTTPStatus.NOT_FOUND)
    with pytest.raises(NotFound, match=f"DELETE /Items/{EPISODE_ID} answered HTTP 404"):
        await client.async_delete_item(EPISODE_ID)


async def test_delete_item_unauthorized(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """401 "Unauthorized access" (the user may not delete) is InvalidAuth."""
    aioclient_mock.delete(
        f"{ITEMS_URL}/{MOVIE_ID}",
        status=HTTPStatus.UNAUTHORIZED,
        text="Unauthorized access",
    )
    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_delete_item(MOVIE_ID)
    assert API_KEY not in str(exc_info.value)


@pytest.mark.parametrize(
    "item_id", ["", "../Library/Refresh", "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3", "all"]
)
async def test_delete_item_refuses_non_guid(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker, item_id: str
) -> None:
    """Only a GUID reaches the path: nothing else is ever deleted."""
    with pytest.raises(ValueError, match="GUID"):
        await client.async_delete_item(item_id)
    assert aioclient_mock.call_count == 0


# --- items by id -------------------------------------------------------------------


# --- search ------------------------------------------------------------------------


async def test_search_movie(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A title search over the whole library, with ProviderIds and Path."""
    movies = [item for item in recent_items() if item["Type"] == "Movie"]
    aioclient_mock.get(ITEMS_URL, json=query_result(movies))

    items = await client.async_search("Movie", "  Example Movie ")

    assert items == movies
    method, url, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/Items"
    assert dict(url.query) == {
        "Recursive": "true",
        "IncludeItemTypes": "Movie",
        "SearchTerm": "Example Movie",
        "Fields": "ProviderIds,Path",
        "Limit": "20",
        "EnableImages": "false",
        "EnableUserData": "false",
    }


async def test_search_series_limit(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Series searches use the same call with another type and limit."""
    body = fixture("api_items_series.json")
    aioclient_mock.get(ITEMS_URL, json=body)

    items = await client.async_search("Series", "Example Show", limit=5)

    assert items == body["Items"]
    url = aioclient_mock.mock_calls[0][1]
    assert url.query["IncludeItemTypes"] == "Series"
    assert url.query["Limit"] == "5"


@pytest.mark.parametrize(
    ("item_type", "term", "limit", "match"),
    [
        ("Episode", "Pilot", 20, "item_type"),
        ("movie", "Example Movie", 20, "item_type"),
        ("Movie", "   ", 20, "term"),
        ("Series", "Example Show", 0, "limit"),
    ],
)
async def test_search_refuses_bad_arguments(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    item_type: str,
    term: str,
    limit: int,
    match: str,
) -> None:
    """Only Movie/Series, a real term and a positive limit are accepted."""
    with pytest.raises(ValueError, match=match):
        await client.async_search(item_type, term, limit=limit)
    assert aioclient_mock.call_count == 0


# --- series episodes ---------------------------------------------------------------


async def test_series_episodes(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """GET /Shows/{id}/Episodes (Items has no series filter); virtual ones stay."""
    episodes = [item for item in recent_items() if item.get("SeriesId") == SERIES_ID]
    episodes.sort(key=lambda item: item["IndexNumber"])
    aioclient_mock.get(
        f"{JELLYFIN_URL}/Shows/{SERIES_ID}/Episodes", json=query_result(episodes)
    )

    items = await client.async_get_series_episodes(
        "1a2b3c4d-5e6f-47a8-b9c0-d1e2f3a4b5c6"
    )

    assert [item["IndexNumber"] for item in items] == [1, 2, 3, 4]
    assert items[3]["LocationType"] == "Virtual"
    method, url, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == f"/Shows/{SERIES_ID}/Episodes"
    assert dict(url.query) == {
        "Fields": "ProviderIds,Path",
        "EnableImages": "false",
        "EnableUserData": "false",
    }


@pytest.mark.parametrize("season", [0, 1])
async def test_series_episodes_of_season(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker, season: int
) -> None:
    """A season number is passed as `season` (0 = specials)."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/Shows/{ANIME_SERIES_ID}/Episodes", json=query_result([])
    )

    assert await client.async_get_series_episodes(ANIME_SERIES_ID, season) == []

    assert aioclient_mock.mock_calls[0][1].query["season"] == str(season)


async def test_series_episodes_not_found(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Jellyfin answers 404 for an unknown series: NotFound."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/Shows/{SERIES_ID}/Episodes", status=HTTPStatus.NOT_FOUND
    )
    with pytest.raises(NotFound):
        await client.async_get_series_episodes(SERIES_ID, 1)


@pytest.mark.parametrize(
    ("series_id", "season"),
    [("Example Show", None), (SERIES_ID, -1), (SERIES_ID, True)],
)
async def test_series_episodes_refuses_bad_arguments(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    series_id: str,
    season: Any,
) -> None:
    """A non-GUID series id or a bad season number is refused."""
    with pytest.raises(ValueError):
        await client.async_get_series_episodes(series_id, season)
    assert aioclient_mock.call_count == 0


# --- library pages -----------------------------------------------------------------


async def test_library_page(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """One bounded page of movies and series by sort name."""
    series = fixture("api_items_series.json")["Items"][0]
    movies = [item for item in recent_items() if item["Type"] == "Movie"]
    aioclient_mock.get(
        ITEMS_URL,
        json={"Items": [movies[0], series, 7], "TotalRecordCount": 3, "StartIndex": 0},
    )

    page = await client.async_get_library_page(
        ["Movie", "Series"], start_index=0, limit=100
    )

    assert page == RecentItemsPage(items=[movies[0], series], total=3, start_index=0)
    method, url, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/Items"
    assert dict(url.query) == {
        "Recursive": "true",
        "IncludeItemTypes": "Movie,Series",
        "SortBy": "SortName",
        "SortOrder": "Ascending",
        "Fields": "ProviderIds,Path",
        "StartIndex": "0",
        "Limit": "100",
        "EnableImages": "false",
        "EnableUserData": "false",
    }


async def test_library_later_page(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Later pages pass their start index; a bare type string is one type."""
    aioclient_mock.get(
        ITEMS_URL, json={"Items": [], "TotalRecordCount": 250, "StartIndex": 200}
    )

    page = await client.async_get_library_page("Movie", start_index=200, limit=100)

    assert page == RecentItemsPage(items=[], total=250, start_index=200)
    url = aioclient_mock.mock_calls[0][1]
    assert url.query["IncludeItemTypes"] == "Movie"
    assert url.query["StartIndex"] == "200"


@pytest.mark.parametrize(
    ("item_types", "start_index", "limit"),
    [([], 0, 100), (["", ""], 0, 100), (["Movie"], -1, 100), (["Movie"], 0, 0)],
)
async def test_library_page_refuses_bad_arguments(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    item_types: list[str],
    start_index: int,
    limit: int,
) -> None:
    """No type, a negative start or a limit below 1 is refused (never unbounded)."""
    with pytest.raises(ValueError):
        await client.async_get_library_page(
            item_types, start_index=start_index, limit=limit
        )
    assert aioclient_mock.call_count == 0


# --- error mapping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"text": "<html>Jellyfin</html>"}, UnexpectedResponse),
        ({"json": ["not", "an", "object"]}, UnexpectedResponse),
    ],
)
@pytest.mark.parametrize(
    ("url", "call"),
    [
        (ITEMS_URL, lambda c: c.async_search("Movie", "Example Movie")),
        (
            f"{JELLYFIN_URL}/Shows/{SERIES_ID}/Episodes",
            lambda c: c.async_get_series_episodes(SERIES_ID),
        ),
        (
            ITEMS_URL,
            lambda c: c.async_get_library_page(["Movie"], start_index=0, limit=10),
        ),
    ],
)
async def test_errors_mapped(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    url: str,
    call: Any,
) -> None:
    """Transport, auth and content errors map to the three classes, without the key."""
    aioclient_mock.get(url, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await call(client)

    assert not isinstance(exc_info.value, NotFound)
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
    ],
)
async def test_delete_errors_mapped(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
) -> None:
    """The delete maps errors the same way."""
    aioclient_mock.delete(f"{ITEMS_URL}/{MOVIE_ID}", **mock_kwargs)
    with pytest.raises(error) as exc_info:
        await client.async_delete_item(MOVIE_ID)
    assert not isinstance(exc_info.value, NotFound)
    assert API_KEY not in str(exc_info.value)


async def test_items_404_is_not_not_found(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """/Items answering 404 means a wrong base path, not a missing item."""
    aioclient_mock.get(ITEMS_URL, status=HTTPStatus.NOT_FOUND)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await client.async_search("Series", "Example Show")
    assert not isinstance(exc_info.value, NotFound)
