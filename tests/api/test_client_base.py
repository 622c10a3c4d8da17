"""Tests for the upstream service clients (no Home Assistant needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from http import HTTPStatus
from typing import Any

from aiohttp import ClientConnectionError, ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    ArrSystemStatus,
    CannotConnect,
    InvalidAuth,
    JellyfinClient,
    JellyfinSystemInfo,
    RadarrClient,
    SeerrClient,
    SeerrStatus,
    ServiceClient,
    ServiceError,
    SonarrClient,
    UnexpectedResponse,
    normalize_url,
)
from custom_components.status_tracker.api.client import read_answer
from custom_components.status_tracker.core.observations import EpisodeRef
from custom_components.status_tracker.parsers import InvalidPayload

API_KEY = "0123456789abcdef0123456789abcdef"
SONARR_URL = "http://sonarr.lan:8989"
RADARR_URL = "http://radarr.lan:7878"
SEERR_URL = "http://seerr.lan:5055"
JELLYFIN_URL = "http://jellyfin.lan:8096"

SONARR_STATUS: dict[str, Any] = {
    "appName": "Sonarr",
    "instanceName": "Sonarr",
    "version": "4.0.19.2979",
    "buildTime": "2025-12-01T10:00:00Z",
    "isDebug": False,
    "isProduction": True,
    "isAdmin": False,
    "isUserInteractive": False,
    "startupPath": "/app/sonarr/bin",
    "appData": "/config",
    "osName": "ubuntu",
    "osVersion": "24.04",
    "isDocker": True,
    "mode": "console",
    "branch": "main",
    "authentication": "forms",
    "urlBase": "",
    "runtimeVersion": "6.0.36",
    "runtimeName": ".NET",
}


@pytest.fixture
async def session(aioclient_mock: AiohttpClientMocker) -> AsyncGenerator[ClientSession]:
    """Return a client session answered by aioclient_mock."""
    client_session = aioclient_mock.create_session(asyncio.get_running_loop())
    yield client_session
    await client_session.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Sonarr.LAN:443/sonarr/", "https://sonarr.lan:443/sonarr"),
        ("  http://sonarr.lan:8989  ", "http://sonarr.lan:8989"),
        ("HTTP://sonarr.lan", "http://sonarr.lan"),
        ("http://sonarr.lan/Sonarr//", "http://sonarr.lan/Sonarr"),
        ("http://[fd00::1]:8096/", "http://[fd00::1]:8096"),
        ("http://192.168.1.10:8989/base/path/", "http://192.168.1.10:8989/base/path"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    """Scheme, host, port and base path survive; case and trailing slashes do not."""
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "sonarr.lan:8989",
        "ftp://sonarr.lan",
        "http://",
        "http://:8989",
        "http://sonarr.lan:99999",
        "http://sonarr.lan:port",
        "http://user:secret@sonarr.lan",
        "http://sonarr.lan/?apikey=1",
        "http://sonarr.lan/#fragment",
        "http://sonarr lan:8989",
        "http://[fd00::1",
    ],
)
def test_normalize_url_invalid(url: str) -> None:
    """Anything but an absolute http(s) URL with a host is refused."""
    with pytest.raises(ValueError):
        normalize_url(url)


def test_client_refuses_invalid_url(session: ClientSession) -> None:
    """A client cannot be built on an invalid URL."""
    with pytest.raises(ValueError):
        SonarrClient(session, "sonarr.lan", API_KEY)


async def test_base_path_and_port_kept(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Requests go below the base path, on the given port, with the key in a header."""
    aioclient_mock.get(
        "https://sonarr.lan:8443/sonarr/api/v3/system/status", json=SONARR_STATUS
    )
    client = SonarrClient(session, "https://sonarr.lan:8443/sonarr/", API_KEY)
    assert client.base_url == "https://sonarr.lan:8443/sonarr"

    await client.async_get_system_status()

    method, url, _, headers = aioclient_mock.mock_calls[0]
    assert method == "GET"
    assert str(url) == "https://sonarr.lan:8443/sonarr/api/v3/system/status"
    assert headers["X-Api-Key"] == API_KEY
    assert API_KEY not in str(url)


async def test_plain_service_client_sends_no_auth(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """The base class sends no credentials and decodes JSON."""
    aioclient_mock.get("http://service.lan/api/ping", json={"pong": True})
    client = ServiceClient(session, "http://service.lan")

    assert await client._async_get_json("/api/ping") == {"pong": True}
    headers = aioclient_mock.mock_calls[0][3]
    assert headers == {"Accept": "application/json"}


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"exc": ClientConnectionError("refused")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.NOT_FOUND}, UnexpectedResponse),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"status": HTTPStatus.FOUND}, UnexpectedResponse),
        (
            {"text": "<!doctype html><html><body>Sonarr</body></html>"},
            UnexpectedResponse,
        ),
        ({"text": ""}, UnexpectedResponse),
        ({"content": b"\xff\xfe\xfa"}, UnexpectedResponse),
        ({"json": [SONARR_STATUS]}, UnexpectedResponse),
        ({"json": {"instanceName": "Sonarr", "version": "4"}}, UnexpectedResponse),
        ({"json": {"appName": "Sonarr", "version": 4}}, UnexpectedResponse),
    ],
)
async def test_error_mapping(
    session: ClientSession,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
) -> None:
    """Transport, auth and content problems map to the three error classes."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/system/status", **mock_kwargs)
    client = SonarrClient(session, SONARR_URL, API_KEY)

    with pytest.raises(error) as exc_info:
        await client.async_get_system_status()

    # The key must never leak through a message, a repr or a chained cause.
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


async def test_error_message_names_service_host_and_path(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Messages say which service and request failed, to make logs useful."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/system/status", status=500)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await SonarrClient(session, SONARR_URL, API_KEY).async_get_system_status()
    assert str(exc_info.value) == (
        "Sonarr at sonarr.lan:8989: GET /api/v3/system/status answered HTTP 500"
    )


async def test_timeout_message(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """A timeout says so."""
    aioclient_mock.get(f"{JELLYFIN_URL}/System/Info", exc=TimeoutError())
    with pytest.raises(CannotConnect, match="timed out"):
        await JellyfinClient(session, JELLYFIN_URL, API_KEY).async_get_system_info()


def test_read_answer() -> None:
    """An answer must be an object; a field a strict reader refuses is unexpected."""
    with read_answer({"a": "x"}, "thing") as data:
        assert data.require_str("a") == "x"
    with pytest.raises(UnexpectedResponse) as exc_info, read_answer([1], "thing"):
        pytest.fail("the block must not run")
    assert str(exc_info.value) == "Expected a JSON object for thing"
    with (
        pytest.raises(UnexpectedResponse) as exc_info,
        read_answer({"a": 1}, "thing") as data,
    ):
        data.require_str("a")
    assert str(exc_info.value) == "Unexpected thing: a must be a string, got integer"
    assert isinstance(exc_info.value.__cause__, InvalidPayload)


def test_read_answer_passes_other_errors() -> None:
    """Only the strict readers' InvalidPayload becomes UnexpectedResponse."""
    with pytest.raises(KeyError), read_answer({}, "thing"):
        raise KeyError("a")


async def test_missing_field_message_names_answer_and_field(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """A required field that is absent is named, with the answer it belongs to."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/system/status", json={"appName": "Sonarr"})
    with pytest.raises(UnexpectedResponse) as exc_info:
        await SonarrClient(session, SONARR_URL, API_KEY).async_get_system_status()
    assert str(exc_info.value) == (
        "Unexpected system status: version is missing (expected a string)"
    )


# --- Sonarr / Radarr -----------------------------------------------------------


async def test_sonarr_system_status(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """System status gives app name, instance name and version."""
    aioclient_mock.get(
        f"{SONARR_URL}/api/v3/system/status",
        json={**SONARR_STATUS, "instanceName": "Sonarr 4K"},
    )
    status = await SonarrClient(session, SONARR_URL, API_KEY).async_get_system_status()
    assert status == ArrSystemStatus(
        app_name="Sonarr", instance_name="Sonarr 4K", version="4.0.19.2979"
    )


async def test_radarr_without_instance_name(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Without an instance name the app name stands in."""
    body = {"appName": "Radarr", "version": "5.28.0.10274", "urlBase": ""}
    aioclient_mock.get(f"{RADARR_URL}/api/v3/system/status", json=body)
    client = RadarrClient(session, RADARR_URL, API_KEY)

    status = await client.async_get_system_status()

    assert status == ArrSystemStatus("Radarr", "Radarr", "5.28.0.10274")
    assert client.app_name == "Radarr"
    assert aioclient_mock.mock_calls[0][3]["X-Api-Key"] == API_KEY


async def test_sonarr_episodes(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Episodes are parsed; malformed elements are skipped, not fatal."""
    episodes = [
        {
            "seriesId": 7,
            "tvdbId": 349232,
            "episodeFileId": 7001,
            "seasonNumber": 1,
            "episodeNumber": 1,
            "title": "Pilot",
            "airDate": "2008-01-20",
            "airDateUtc": "2008-01-21T03:00:00Z",
            "hasFile": True,
            "monitored": True,
            "id": 701,
        },
        {
            # Unaired: no air date at all, tvdbId 0 means unknown.
            "seriesId": 7,
            "tvdbId": 0,
            "seasonNumber": 1,
            "episodeNumber": 2,
            "title": "",
            "hasFile": False,
            "id": 702,
        },
        {
            # Only a local air date.
            "seriesId": 7,
            "tvdbId": 349236,
            "seasonNumber": 0,
            "episodeNumber": 1,
            "title": "Special",
            "airDate": "2008-05-01",
            "id": 703,
        },
        {"seriesId": 7, "episodeNumber": 4, "id": 704},  # no season
        {"seriesId": 7, "seasonNumber": 1, "episodeNumber": True, "id": 705},
        {"seriesId": 7, "seasonNumber": "1", "episodeNumber": 6, "id": 706},
        "garbage",
        None,
    ]
    aioclient_mock.get(f"{SONARR_URL}/api/v3/episode?seriesId=7", json=episodes)

    result = await SonarrClient(session, SONARR_URL, API_KEY).async_get_episodes(7)

    assert result == [
        EpisodeRef(
            season=1,
            episode=1,
            title="Pilot",
            air_date="2008-01-21T03:00:00Z",
            arr_episode_id=701,
            tvdb_id=349232,
        ),
        EpisodeRef(season=1, episode=2, arr_episode_id=702),
        EpisodeRef(
            season=0,
            episode=1,
            title="Special",
            air_date="2008-05-01",
            arr_episode_id=703,
            tvdb_id=349236,
        ),
    ]
    assert str(aioclient_mock.mock_calls[0][1]).endswith("/api/v3/episode?seriesId=7")


async def test_sonarr_episodes_not_a_list(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """An object instead of the episode array is an unexpected response."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/episode?seriesId=7", json={"page": 1})
    with pytest.raises(UnexpectedResponse):
        await SonarrClient(session, SONARR_URL, API_KEY).async_get_episodes(7)


# --- Seerr ---------------------------------------------------------------------

SEERR_STATUS: dict[str, Any] = {
    "version": "3.1.0",
    "commitTag": "94a70bb5",
    "updateAvailable": False,
    "commitsBehind": 0,
    "restartRequired": False,
}


async def test_seerr_validate(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Validation reads the public status, then proves the key on auth/me."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/status", json=SEERR_STATUS)
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/auth/me",
        json={"id": 1, "email": "alice@example.org", "userType": 3, "permissions": 2},
    )

    status = await SeerrClient(session, SEERR_URL, API_KEY).async_validate()

    assert status == SeerrStatus(version="3.1.0", commit_tag="94a70bb5")
    assert [str(call[1]) for call in aioclient_mock.mock_calls] == [
        f"{SEERR_URL}/api/v1/status",
        f"{SEERR_URL}/api/v1/auth/me",
    ]
    assert aioclient_mock.mock_calls[1][3]["X-Api-Key"] == API_KEY


async def test_seerr_bad_key(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Seerr answers 403 to a wrong key on protected routes."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/status", json={"version": "2.7.3"})
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/auth/me",
        status=403,
        json={"status": 403, "message": "You do not have permission."},
    )
    client = SeerrClient(session, SEERR_URL, API_KEY)

    assert await client.async_get_status() == SeerrStatus(version="2.7.3")
    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_validate()
    assert API_KEY not in str(exc_info.value)


# --- Jellyfin ------------------------------------------------------------------


async def test_jellyfin_system_info(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """System info is read with the MediaBrowser authorization header."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/System/Info",
        json={
            "LocalAddress": "http://172.18.0.5:8096",
            "ServerName": "living-room",
            "Version": "10.11.11",
            "ProductName": "Jellyfin Server",
            "OperatingSystem": "Linux",
            "Id": "F0E1D2C3-B4A5-9687-7869-5A4B3C2D1E0F",
            "StartupWizardCompleted": True,
        },
    )

    info = await JellyfinClient(session, JELLYFIN_URL, API_KEY).async_get_system_info()

    assert info == JellyfinSystemInfo(
        server_name="living-room",
        version="10.11.11",
        server_id="f0e1d2c3b4a5968778695a4b3c2d1e0f",
    )
    headers = aioclient_mock.mock_calls[0][3]
    assert headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'
    assert "X-Api-Key" not in headers


async def test_jellyfin_provider_ids(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Provider ids come back keyed by N-form id with lower-case provider names."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/Items",
        json={
            "Items": [
                {
                    "Name": "Example Movie",
                    "Id": "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b",
                    "Type": "Movie",
                    "ProviderIds": {"Tmdb": "603", "Imdb": "tt0133093", "Empty": ""},
                },
                {
                    "Name": "Example Anime",
                    "Id": "6F7A8B9C-0D1E-42F3-A4B5-C6D7E8F9A0B1",
                    "Type": "Series",
                    "ProviderIds": {"Shoko Series": "42", "AniDB": "17617", "Bad": 7},
                },
                {"Name": "No providers", "Id": "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"},
                {"Name": "No id", "ProviderIds": {"Tmdb": "1"}},
                "garbage",
            ],
            "TotalRecordCount": 3,
            "StartIndex": 0,
        },
    )

    result = await JellyfinClient(
        session, JELLYFIN_URL, API_KEY
    ).async_get_provider_ids(
        [
            "0D3B5F7A-9C1E-4D6F-8A0B-2C4E6D8F1A3B",
            "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1",
            "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",
            "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b",  # duplicate of the first
            " ",
        ]
    )

    assert result == {
        "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b": {"tmdb": "603", "imdb": "tt0133093"},
        "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1": {"shoko series": "42", "anidb": "17617"},
        "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6": {},
    }
    (_, url, _, headers) = aioclient_mock.mock_calls[0]
    assert url.query["ids"] == (
        "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b,"
        "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1,"
        "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
    )
    assert url.query["Fields"] == "ProviderIds"
    assert headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'


async def test_jellyfin_provider_ids_batches(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """Long id lists are split into a few requests; an empty list costs none."""
    aioclient_mock.get(f"{JELLYFIN_URL}/Items", json={"Items": []})
    client = JellyfinClient(session, JELLYFIN_URL, API_KEY)

    assert await client.async_get_provider_ids([]) == {}
    assert aioclient_mock.call_count == 0

    await client.async_get_provider_ids([f"{i:032x}" for i in range(51)])
    assert aioclient_mock.call_count == 2
    assert len(aioclient_mock.mock_calls[0][1].query["ids"].split(",")) == 50
    assert aioclient_mock.mock_calls[1][1].query["ids"] == f"{50:032x}"


async def test_jellyfin_provider_ids_unexpected(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """An answer without an Items array is an unexpected response."""
    aioclient_mock.get(f"{JELLYFIN_URL}/Items", json={"Items": None})
    with pytest.raises(UnexpectedResponse):
        await JellyfinClient(session, JELLYFIN_URL, API_KEY).async_get_provider_ids(
            ["0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"]
        )
