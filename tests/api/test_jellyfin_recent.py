"""Tests for JellyfinClient.async_get_recent_items (one batched /Items query)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import ClientConnectionError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    JellyfinClient,
    UnexpectedResponse,
)
from custom_components.status_tracker.api.jellyfin import (
    RECENT_ITEM_FIELDS,
    RecentItemsPage,
)

API_KEY = "0123456789abcdef0123456789abcdef"
JELLYFIN_URL = "http://jellyfin.lan:8096"
ITEMS_URL = f"{JELLYFIN_URL}/Items"
FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures/jellyfin/api_items_recent.json"
)


def _recent_items() -> dict[str, Any]:
    """Return a fresh copy of the recent-items answer."""
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def client(session: ClientSession) -> JellyfinClient:
    """Return a Jellyfin client on the mocked session."""
    return JellyfinClient(session, JELLYFIN_URL, API_KEY)


async def test_recent_items_one_request(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Movies and episodes come from a single sorted, filtered /Items request."""
    body = _recent_items()
    aioclient_mock.get(ITEMS_URL, json=body)

    page = await client.async_get_recent_items(["Movie", "Episode"], limit=50)

    assert aioclient_mock.call_count == 1
    method, url, _, headers = aioclient_mock.mock_calls[0]
    assert method == "GET"
    assert url.path == "/Items"
    assert dict(url.query) == {
        "Recursive": "true",
        "IncludeItemTypes": "Movie,Episode",
        "SortBy": "DateCreated",
        "SortOrder": "Descending",
        "Fields": "ProviderIds,Path,DateCreated",
        "IsMissing": "false",
        "StartIndex": "0",
        "Limit": "50",
        "EnableImages": "false",
        "EnableUserData": "false",
    }
    assert headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'
    assert API_KEY not in str(url)
    assert "api_key" not in {key.lower() for key in url.query}

    assert isinstance(page, RecentItemsPage)
    assert page.items == body["Items"]
    assert page.total == 1873
    assert page.start_index == 0


def test_fields_cover_the_converter() -> None:
    """The requested fields are the ones the DTO converter needs beyond the defaults."""
    assert set(RECENT_ITEM_FIELDS) == {"ProviderIds", "Path", "DateCreated"}


async def test_recent_items_paging(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """StartIndex/Limit are passed through; the page remembers where it starts."""
    aioclient_mock.get(
        ITEMS_URL, json={"Items": [], "TotalRecordCount": 120, "StartIndex": 100}
    )

    page = await client.async_get_recent_items(("Episode",), limit=20, start_index=100)

    query = aioclient_mock.mock_calls[0][1].query
    assert query["IncludeItemTypes"] == "Episode"
    assert query["StartIndex"] == "100"
    assert query["Limit"] == "20"
    assert page == RecentItemsPage(items=[], total=120, start_index=100)


async def test_recent_items_single_type_string(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A bare string is one type, not a sequence of letters."""
    aioclient_mock.get(ITEMS_URL, json={"Items": []})

    page = await client.async_get_recent_items("Movie", limit=5)

    assert aioclient_mock.mock_calls[0][1].query["IncludeItemTypes"] == "Movie"
    assert page.total is None


async def test_recent_items_skips_non_objects(
    client: JellyfinClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Elements that are not JSON objects are dropped; a bad count is None."""
    movie = _recent_items()["Items"][0]
    aioclient_mock.get(
        ITEMS_URL,
        json={"Items": [movie, "garbage", None, 7, [movie]], "TotalRecordCount": "6"},
    )

    page = await client.async_get_recent_items(["Movie"], limit=10)

    assert page.items == [movie]
    assert page.total is None


@pytest.mark.parametrize(
    ("item_types", "limit", "start_index"),
    [
        ([], 10, 0),
        (["", ""], 10, 0),
        (["Movie"], 0, 0),
        (["Movie"], 10, -1),
    ],
)
async def test_recent_items_invalid_arguments(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    item_types: list[str],
    limit: int,
    start_index: int,
) -> None:
    """Programming errors are refused before any request."""
    with pytest.raises(ValueError, match=r"item_types|limit"):
        await client.async_get_recent_items(
            item_types, limit=limit, start_index=start_index
        )
    assert aioclient_mock.call_count == 0


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"status": 401}, InvalidAuth),
        ({"status": 403}, InvalidAuth),
        ({"status": 500}, UnexpectedResponse),
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientConnectionError()}, CannotConnect),
        ({"text": "<html>login</html>"}, UnexpectedResponse),
        ({"json": ["not", "an", "object"]}, UnexpectedResponse),
        ({"json": {"Items": None}}, UnexpectedResponse),
        ({"json": {"Items": {"0": {}}}}, UnexpectedResponse),
        ({"json": {"TotalRecordCount": 0}}, UnexpectedResponse),
    ],
)
async def test_recent_items_errors(
    client: JellyfinClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[Exception],
) -> None:
    """HTTP, transport and shape errors map to the client's error types."""
    aioclient_mock.get(ITEMS_URL, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await client.async_get_recent_items(["Movie", "Episode"], limit=50)

    assert API_KEY not in str(exc_info.value)
    assert aioclient_mock.call_count == 1
