"""The Shoko client: files by path, import folders, forgetting missing files."""

from __future__ import annotations

import copy
from http import HTTPStatus
from typing import Any

from aiohttp import ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    NotFound,
    ServiceError,
    ShokoClient,
    ShokoFileInfo,
    UnexpectedResponse,
)
from custom_components.status_tracker.core.observations import ShokoCrossReference

API_KEY = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
SHOKO_URL = "http://shoko.lan:8111"
REMOVE_MISSING = f"{SHOKO_URL}/api/v3/Action/RemoveMissingFiles"
PATH_ENDS_WITH = f"{SHOKO_URL}/api/v3/File/PathEndsWith"
RELATIVE_PATH = (
    "Example Anime (2023)/Season 01/"
    "Example Anime - S01E01 - The Journey's End WEBDL-1080p.mkv"
)

# GET /api/v3/File/PathEndsWith?includeXRefs=true (Shoko v5.3: Models/Shoko/File.cs,
# FileCrossReference.cs; PascalCase, nulls included).
EPISODE_FILE: dict[str, Any] = {
    "ID": 5001,
    "Size": 1_456_789_012,
    "IsVariation": False,
    "Hashes": {
        "ED2K": "6A1F0C3E5B7D9F1A3C5E7B9D1F3A5C7E",
        "SHA1": "2F4A6C8E0B1D3F5A7C9E1B3D5F7A9C0E2B4D6F81",
        "CRC32": "9C0E2B4D",
        "MD5": "B1D3F5A7C9E1B3D5F7A9C0E2B4D6F812",
    },
    "Locations": [
        {
            "ID": 6001,
            "FileID": 5001,
            "ImportFolderID": 2,
            "RelativePath": RELATIVE_PATH.replace("/", "\\"),
            "IsAccessible": True,
        }
    ],
    "Duration": "00:23:40.0410000",
    "ResumePosition": None,
    "Viewed": None,
    "Watched": None,
    "Imported": "2026-01-10T12:43:10Z",
    "Created": "2026-01-10T12:42:31Z",
    "Updated": "2026-01-10T12:43:10Z",
    "SeriesIDs": [
        {
            "SeriesID": {
                "ID": 42,
                "AniDB": 17617,
                "TMDB": {"Movie": [], "Show": [209867]},
            },
            "EpisodeIDs": [
                {
                    "ID": 1001,
                    "AniDB": 271001,
                    "TMDB": {"Episode": [4556001], "Movie": [], "Show": [209867]},
                    "ReleaseGroup": 7172,
                    "ED2K": "6A1F0C3E5B7D9F1A3C5E7B9D1F3A5C7E",
                    "FileSize": 1_456_789_012,
                    "Percentage": {"Start": 0, "End": 100, "Size": 100, "Group": 1},
                    "Source": "AniDB",
                }
            ],
        }
    ],
}


@pytest.fixture
def client(session: ClientSession) -> ShokoClient:
    """Return a Shoko client on the mocked session."""
    return ShokoClient(session, SHOKO_URL, API_KEY)


def only_call(aioclient_mock: AiohttpClientMocker) -> tuple[str, Any, Any]:
    """Return (method, url, data) of the single request; the key is in a header."""
    assert aioclient_mock.call_count == 1
    method, url, data, headers = aioclient_mock.mock_calls[0]
    assert headers["apikey"] == API_KEY
    assert API_KEY not in str(url)
    return method, url, data


# --- RemoveMissingFiles ----------------------------------------------------------------


async def test_remove_missing_files_keeps_mylist(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The MyList flag is a route segment; false unless asked (server default: true)."""
    aioclient_mock.get(f"{REMOVE_MISSING}/false", text="")

    await client.async_remove_missing_files()

    method, url, data = only_call(aioclient_mock)
    assert method == "GET"
    assert str(url) == f"{REMOVE_MISSING}/false"
    assert url.query == {}
    assert data is None


async def test_remove_missing_files_from_mylist(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Asked explicitly, the files go from the AniDB MyList too."""
    aioclient_mock.get(f"{REMOVE_MISSING}/true", text="")

    await client.async_remove_missing_files(remove_from_my_list=True)

    _, url, _ = only_call(aioclient_mock)
    assert url.path == "/api/v3/Action/RemoveMissingFiles/true"


# --- PathEndsWith -------------------------------------------------------------------------


async def test_file_by_path_suffix(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """One file with its Shoko and AniDB ids, from a limit=1 query."""
    aioclient_mock.get(PATH_ENDS_WITH, json=[EPISODE_FILE])

    info = await client.async_get_file_by_path_suffix(f" {RELATIVE_PATH} ")

    assert info == ShokoFileInfo(
        file_id=5001,
        cross_references=(
            ShokoCrossReference(
                episode_id=1001,
                anidb_episode_id=271001,
                series_id=42,
                anidb_anime_id=17617,
            ),
        ),
    )
    method, url, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v3/File/PathEndsWith"
    assert dict(url.query) == {
        "path": RELATIVE_PATH,
        "includeXRefs": "true",
        "limit": "1",
    }


async def test_file_linked_to_two_episodes_and_unknown_rows(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A double episode gives two links; ids are None before Shoko made the rows."""
    body = copy.deepcopy(EPISODE_FILE)
    xref = body["SeriesIDs"][0]
    second = copy.deepcopy(xref["EpisodeIDs"][0])
    second.update(ID=None, AniDB=271002)
    xref["EpisodeIDs"].append(second)
    xref["EpisodeIDs"].append("garbage")
    # Matched to a second anime whose series row does not exist yet.
    body["SeriesIDs"].append(
        {"SeriesID": {"ID": None, "AniDB": 17700}, "EpisodeIDs": []}
    )
    body["SeriesIDs"].append({"SeriesID": None, "EpisodeIDs": None})
    body["SeriesIDs"].append(7)
    aioclient_mock.get(PATH_ENDS_WITH, json=[body])

    info = await client.async_get_file_by_path_suffix("S01E01.mkv")

    assert info is not None
    assert info.cross_references == (
        ShokoCrossReference(1001, 271001, 42, 17617),
        ShokoCrossReference(None, 271002, 42, 17617),
        ShokoCrossReference(None, None, None, 17700),
        ShokoCrossReference(None, None, None, None),
    )


async def test_unmatched_file(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A hashed but unmatched file has no cross references."""
    body = {**EPISODE_FILE, "SeriesIDs": []}
    aioclient_mock.get(PATH_ENDS_WITH, json=[{"Size": 1}, body])

    info = await client.async_get_file_by_path_suffix(RELATIVE_PATH)

    assert info == ShokoFileInfo(file_id=5001)


async def test_file_without_xrefs_field(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An older server that ignores includeXRefs omits SeriesIDs."""
    body = {key: value for key, value in EPISODE_FILE.items() if key != "SeriesIDs"}
    aioclient_mock.get(PATH_ENDS_WITH, json=[body])
    assert await client.async_get_file_by_path_suffix(RELATIVE_PATH) == ShokoFileInfo(
        file_id=5001
    )


async def test_no_file(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An empty list: Shoko does not know the file."""
    aioclient_mock.get(PATH_ENDS_WITH, json=[])
    assert await client.async_get_file_by_path_suffix(RELATIVE_PATH) is None


async def test_path_answer_not_a_list(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """An object instead of the list is unexpected."""
    aioclient_mock.get(PATH_ENDS_WITH, json=EPISODE_FILE)
    with pytest.raises(UnexpectedResponse, match="did not answer a list"):
        await client.async_get_file_by_path_suffix(RELATIVE_PATH)


async def test_blank_path_refused(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A blank suffix would match every file: refused."""
    with pytest.raises(ValueError, match="path"):
        await client.async_get_file_by_path_suffix("  ")
    assert aioclient_mock.call_count == 0


# --- error mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, InvalidAuth),
        ({"status": HTTPStatus.NOT_FOUND}, UnexpectedResponse),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
    ],
)
@pytest.mark.parametrize(
    ("url", "call"),
    [
        (f"{REMOVE_MISSING}/false", lambda c: c.async_remove_missing_files()),
        (PATH_ENDS_WITH, lambda c: c.async_get_file_by_path_suffix(RELATIVE_PATH)),
    ],
)
async def test_errors_mapped(
    client: ShokoClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    url: str,
    call: Any,
) -> None:
    """Errors map to the three classes, without the key; 404 is a wrong path here."""
    aioclient_mock.get(url, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await call(client)

    assert not isinstance(exc_info.value, NotFound)
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


async def test_path_answer_not_json(
    client: ShokoClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The web UI's HTML (wrong base path) is unexpected."""
    aioclient_mock.get(PATH_ENDS_WITH, text="<!doctype html><title>Shoko</title>")
    with pytest.raises(UnexpectedResponse, match="did not answer with JSON"):
        await client.async_get_file_by_path_suffix(RELATIVE_PATH)
