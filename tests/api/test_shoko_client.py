"""Tests for the Shoko Server REST client (no Home Assistant needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from http import HTTPStatus
from typing import Any

from aiohttp import ClientConnectionError, ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    ServiceError,
    ShokoClient,
    ShokoVersion,
    UnexpectedResponse,
)

API_KEY = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
PASSWORD = "correct horse battery staple"
SHOKO_URL = "http://shoko.lan:8111"
VERSION_URL = f"{SHOKO_URL}/api/v3/Init/Version"
FOLDERS_URL = f"{SHOKO_URL}/api/v3/ImportFolder"
MANAGED_FOLDERS_URL = f"{SHOKO_URL}/api/v3/ManagedFolder"
AUTH_URL = f"{SHOKO_URL}/api/auth"

# GET /api/v3/Init/Version of a v5.3.3 release build (ComponentVersionSet: null
# members are omitted, enums are strings).
VERSION: dict[str, Any] = {
    "Server": {
        "Version": "5.3.3.0",
        "Commit": "0c1303b1967c1d4c893695a9891917847942615d",
        "ReleaseChannel": "Stable",
        "ReleaseDate": "2026-01-04T18:22:10Z",
        "Tag": "v5.3.3",
    },
    "MediaInfo": {"Version": "24.12"},
    "WebUI": {
        "Version": "2.5.1",
        "MinimumServerVersion": "5.1.0.0",
        "ReleaseChannel": "Stable",
        "Tag": "v2.5.1",
    },
}

# GET /api/v3/ImportFolder (ImportFolder.cs: BaseModel Name/Size + own fields).
IMPORT_FOLDERS: list[dict[str, Any]] = [
    {
        "ID": 2,
        "WatchForNewFiles": True,
        "DropFolderType": 2,
        "Path": "/data/media/anime/shows",
        "FileSize": 2_912_345_678,
        "Name": "Anime shows",
        "Size": 1,
    },
    {
        "ID": 3,
        "WatchForNewFiles": True,
        "DropFolderType": 2,
        "Path": "/data/media/anime/movies",
        "FileSize": 8_123_456_789,
        "Name": "Anime movies",
        "Size": 1,
    },
]


@pytest.fixture
async def session(aioclient_mock: AiohttpClientMocker) -> AsyncGenerator[ClientSession]:
    """Return a client session answered by aioclient_mock."""
    client_session = aioclient_mock.create_session(asyncio.get_running_loop())
    yield client_session
    await client_session.close()


def _client(session: ClientSession) -> ShokoClient:
    return ShokoClient(session, f"{SHOKO_URL}/", API_KEY)


def test_invalid_url_is_refused(session: ClientSession) -> None:
    with pytest.raises(ValueError):
        ShokoClient(session, "shoko.lan:8111", API_KEY)


def test_signalr_url_and_headers(session: ClientSession) -> None:
    """The hub URL joins the v5 and v6 feeds; the key goes in a header only."""
    client = ShokoClient(session, "https://Shoko.LAN/shoko/", API_KEY)
    assert client.signalr_url == (
        "https://shoko.lan/shoko/signalr/aggregate?feeds=shoko,file,release,metadata"
    )
    assert API_KEY not in client.signalr_url


async def test_version(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.get(VERSION_URL, json=VERSION)

    version = await _client(session).async_get_version()

    assert version == ShokoVersion(version="5.3.3.0", tag="v5.3.3")
    method, url, _, headers = aioclient_mock.mock_calls[0]
    assert method == "GET"
    assert str(url) == VERSION_URL
    assert headers["apikey"] == API_KEY


async def test_version_of_dev_build(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """A dev build has no tag; v6 reports a semantic version."""
    aioclient_mock.get(
        VERSION_URL,
        json={"Server": {"Version": "6.0.0-dev.128", "ReleaseChannel": "Dev"}},
    )
    version = await _client(session).async_get_version()
    assert version == ShokoVersion(version="6.0.0-dev.128", tag=None)


@pytest.mark.parametrize(
    "body",
    [
        [{"Name": "Server", "Version": "4.0.0.0"}],
        {"Server": None},
        {"Server": "5.3.3.0"},
        {"Server": {"Version": None}},
        {"Server": {"Version": 5}},
        {},
    ],
)
async def test_version_unexpected_shape(
    session: ClientSession, aioclient_mock: AiohttpClientMocker, body: Any
) -> None:
    """Old list answers (Shoko 4) and broken objects are UnexpectedResponse."""
    aioclient_mock.get(VERSION_URL, json=body)
    with pytest.raises(UnexpectedResponse):
        await _client(session).async_get_version()


async def test_import_folders(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.get(FOLDERS_URL, json=IMPORT_FOLDERS)

    folders = await _client(session).async_get_import_folders()

    assert folders == {2: "/data/media/anime/shows", 3: "/data/media/anime/movies"}
    method, url, _, headers = aioclient_mock.mock_calls[0]
    assert (method, str(url)) == ("GET", FOLDERS_URL)
    assert headers["apikey"] == API_KEY
    assert API_KEY not in str(url)


async def test_import_folders_skip_malformed_entries(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Entries without an id or a path are skipped, not fatal."""
    aioclient_mock.get(
        FOLDERS_URL,
        json=[
            IMPORT_FOLDERS[0],
            "not an object",
            {"ID": 0, "Path": "/zero"},
            {"ID": "4", "Path": "/string-id"},
            {"ID": 5, "Path": ""},
            {"ID": 6},
            {"ID": True, "Path": "/bool"},
            {"ID": 7, "Path": "D:\\Anime"},
        ],
    )
    folders = await _client(session).async_get_import_folders()
    assert folders == {2: "/data/media/anime/shows", 7: "D:\\Anime"}


async def test_managed_folders_on_shoko_v6(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Shoko v6 lists its (renamed) managed folders under /api/v3/ManagedFolder."""
    aioclient_mock.get(FOLDERS_URL, status=HTTPStatus.NOT_FOUND)
    aioclient_mock.get(
        MANAGED_FOLDERS_URL,
        json=[{**IMPORT_FOLDERS[0], "DropFolderType": "Destination"}],
    )

    folders = await _client(session).async_get_import_folders()

    assert folders == {2: "/data/media/anime/shows"}
    assert [str(call[1]) for call in aioclient_mock.mock_calls] == [
        FOLDERS_URL,
        MANAGED_FOLDERS_URL,
    ]
    assert aioclient_mock.mock_calls[1][3]["apikey"] == API_KEY


async def test_import_folders_original_error_when_both_fail(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """When neither list answers, the error names the v5 request."""
    aioclient_mock.get(FOLDERS_URL, status=HTTPStatus.NOT_FOUND)
    aioclient_mock.get(MANAGED_FOLDERS_URL, status=HTTPStatus.NOT_FOUND)

    with pytest.raises(UnexpectedResponse) as exc_info:
        await _client(session).async_get_import_folders()

    assert str(exc_info.value) == (
        "Shoko at shoko.lan:8111: GET /api/v3/ImportFolder answered HTTP 404"
    )
    assert exc_info.value.__cause__ is None


async def test_import_folders_not_a_list(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.get(FOLDERS_URL, json={"ID": 2, "Path": "/data"})
    with pytest.raises(UnexpectedResponse, match="list of import folders"):
        await _client(session).async_get_import_folders()


async def test_import_folders_auth_error_is_not_retried(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """A refused key is InvalidAuth right away; the v6 path is not tried."""
    aioclient_mock.get(FOLDERS_URL, status=HTTPStatus.UNAUTHORIZED)
    with pytest.raises(InvalidAuth):
        await _client(session).async_get_import_folders()
    assert aioclient_mock.call_count == 1


async def test_validate(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Validation reads the version and proves the key with the folder list."""
    aioclient_mock.get(VERSION_URL, json=VERSION)
    aioclient_mock.get(FOLDERS_URL, json=IMPORT_FOLDERS)

    assert await _client(session).async_validate() == ShokoVersion("5.3.3.0", "v5.3.3")
    assert aioclient_mock.call_count == 2


async def test_validate_wrong_key(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Init/Version needs no key, so a wrong key shows up on the folder list."""
    aioclient_mock.get(VERSION_URL, json=VERSION)
    aioclient_mock.get(FOLDERS_URL, status=HTTPStatus.UNAUTHORIZED)

    with pytest.raises(InvalidAuth) as exc_info:
        await _client(session).async_validate()

    assert str(exc_info.value) == (
        "Shoko at shoko.lan:8111: GET /api/v3/ImportFolder was refused (HTTP 401)"
    )
    assert API_KEY not in str(exc_info.value)


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"exc": ClientConnectionError("refused")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.NOT_FOUND}, UnexpectedResponse),
        ({"status": HTTPStatus.SERVICE_UNAVAILABLE}, UnexpectedResponse),
        (
            {"text": "<!doctype html><html><body>Shoko</body></html>"},
            UnexpectedResponse,
        ),
        ({"content": b"\xff\xfe\xfa"}, UnexpectedResponse),
    ],
)
async def test_error_mapping(
    session: ClientSession,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
) -> None:
    """Transport, auth and content problems map to the three error classes."""
    aioclient_mock.get(VERSION_URL, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await _client(session).async_get_version()

    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


# --- API key creation ---------------------------------------------------------


async def test_create_api_key(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """POST /api/auth with user, pass and device returns the key."""
    aioclient_mock.post(AUTH_URL, json={"apikey": API_KEY})

    key = await ShokoClient.async_create_api_key(
        session, f"{SHOKO_URL}/", "Default", PASSWORD
    )

    assert key == API_KEY
    method, url, body, headers = aioclient_mock.mock_calls[0]
    assert (method, str(url)) == ("POST", AUTH_URL)
    assert body == {"user": "Default", "pass": PASSWORD, "device": "home-assistant"}
    assert "apikey" not in headers
    assert PASSWORD not in str(url)


async def test_create_api_key_empty_password_and_own_device(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Shoko's default user has an empty password; the device name is free."""
    aioclient_mock.post(AUTH_URL, json={"apikey": API_KEY})

    key = await ShokoClient.async_create_api_key(
        session, SHOKO_URL, "Default", "", device="status-tracker"
    )

    assert key == API_KEY
    assert aioclient_mock.mock_calls[0][2] == {
        "user": "Default",
        "pass": "",
        "device": "status-tracker",
    }


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            HTTPStatus.UNAUTHORIZED,
            (
                "Shoko at shoko.lan:8111: POST /api/auth was refused (HTTP 401): "
                "wrong user name or password"
            ),
        ),
        (
            HTTPStatus.FORBIDDEN,
            (
                "Shoko at shoko.lan:8111: POST /api/auth was refused (HTTP 403): "
                "wrong user name or password"
            ),
        ),
        (
            HTTPStatus.BAD_REQUEST,
            (
                "Shoko at shoko.lan:8111: POST /api/auth was refused (HTTP 400): "
                "a user name and a device name are required"
            ),
        ),
    ],
)
async def test_create_api_key_refused(
    session: ClientSession,
    aioclient_mock: AiohttpClientMocker,
    status: HTTPStatus,
    message: str,
) -> None:
    """401 and 400 are both InvalidAuth, with a message saying why."""
    aioclient_mock.post(
        AUTH_URL,
        status=status,
        json={"errors": {"user": ["Username is required"]}, "status": int(status)},
    )

    with pytest.raises(InvalidAuth) as exc_info:
        await ShokoClient.async_create_api_key(session, SHOKO_URL, "", PASSWORD)

    assert str(exc_info.value) == message
    assert PASSWORD not in str(exc_info.value)


@pytest.mark.parametrize(
    ("mock_kwargs", "error", "detail"),
    [
        ({"exc": TimeoutError()}, CannotConnect, "timed out"),
        ({"exc": ClientConnectionError("refused")}, CannotConnect, "failed: refused"),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse, "HTTP 500"),
        ({"status": HTTPStatus.FOUND}, UnexpectedResponse, "HTTP 302"),
        ({"text": "<html>login</html>"}, UnexpectedResponse, "API key"),
        ({"json": {"apikey": ""}}, UnexpectedResponse, "API key"),
        ({"json": {"apikey": 42}}, UnexpectedResponse, "API key"),
        ({"json": {"token": API_KEY}}, UnexpectedResponse, "API key"),
        ({"json": [API_KEY]}, UnexpectedResponse, "API key"),
        ({"text": "[" * 100_000}, UnexpectedResponse, "API key"),
    ],
)
async def test_create_api_key_errors(
    session: ClientSession,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    detail: str,
) -> None:
    """Transport and content problems; the password never reaches a message."""
    aioclient_mock.post(AUTH_URL, **mock_kwargs)

    with pytest.raises(error, match=detail) as exc_info:
        await ShokoClient.async_create_api_key(session, SHOKO_URL, "Default", PASSWORD)

    assert PASSWORD not in str(exc_info.value)
    assert PASSWORD not in repr(exc_info.value.__cause__)


async def test_create_api_key_invalid_url(session: ClientSession) -> None:
    with pytest.raises(ValueError):
        await ShokoClient.async_create_api_key(session, "shoko.lan", "Default", "")
