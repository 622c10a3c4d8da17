"""Tests for reading the Sonarr/Radarr download queue (GET /api/v3/queue/details)."""

from __future__ import annotations

import copy
from http import HTTPStatus
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import ClientError
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    RadarrClient,
    ServiceError,
    SonarrClient,
    UnexpectedResponse,
)
from custom_components.status_tracker.api.arr import ArrQueueItem
from custom_components.status_tracker.core.observations import EpisodeRef
from tests.api.conftest import API_KEY, RADARR_URL, SONARR_URL

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SHOW_HASH = "B7E4C1A9D2F8063E5A7C9B1D3F5E7A9C2B4D6F80"
SHOW_RELEASE = "Example.Show.S01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE"


def fixture(relative: str) -> Any:
    """Return a fresh copy of a fixture file's JSON."""
    return copy.deepcopy(json.loads((FIXTURES / relative).read_text(encoding="utf-8")))


def only_call(aioclient_mock: AiohttpClientMocker) -> tuple[str, Any]:
    """Return method and URL of the single request; the key is in a header only."""
    assert aioclient_mock.call_count == 1
    method, url, data, headers = aioclient_mock.mock_calls[0]
    assert headers["X-Api-Key"] == API_KEY
    assert API_KEY not in str(url)
    assert data is None
    return method, url


def show_episode(number: int, episode_id: int, tvdb_id: int, title: str) -> EpisodeRef:
    """Return an Example Show season 1 episode as the queue's episode names it."""
    air_dates = {1: "2008-01-21T03:00:00Z", 2: "2008-01-28T03:00:00Z"}
    return EpisodeRef(
        season=1,
        episode=number,
        title=title,
        air_date=air_dates.get(number, "2008-02-11T03:00:00Z"),
        arr_episode_id=episode_id,
        tvdb_id=tvdb_id,
    )


async def test_sonarr_queue_with_episodes(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """One call with includeEpisode; one record per episode, pending ones too."""
    aioclient_mock.get(
        f"{SONARR_URL}/api/v3/queue/details",
        json=fixture("sonarr/api_queue_details.json"),
    )

    queue = await sonarr.async_get_queue()

    method, url = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v3/queue/details"
    assert dict(url.query) == {"includeEpisode": "true"}
    pack = {
        "media_id": 7,
        "download_id": SHOW_HASH,
        "title": SHOW_RELEASE,
        "size": 10737418240,
        "download_client": "qBittorrent",
    }
    assert queue == [
        ArrQueueItem(**pack, episode=show_episode(1, 701, 349232, "Pilot")),
        ArrQueueItem(**pack, episode=show_episode(2, 702, 349235, "The Second Cook")),
        ArrQueueItem(**pack, episode=show_episode(3, 703, 349236, "The Third Cook")),
        # A pending release (delay profile): not sent to a client, no download id.
        ArrQueueItem(
            media_id=7,
            download_id=None,
            title="Example.Show.S02E01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE",
            size=2147483648,
            episode=EpisodeRef(season=2, episode=1, title="TBA", arr_episode_id=801),
        ),
    ]


async def test_radarr_queue(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Radarr's queue needs no parameter; movieId names the movie."""
    aioclient_mock.get(
        f"{RADARR_URL}/api/v3/queue/details",
        json=fixture("radarr/api_queue_details.json"),
    )

    queue = await radarr.async_get_queue()

    method, url = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v3/queue/details"
    assert dict(url.query) == {}
    assert queue == [
        ArrQueueItem(
            media_id=12,
            download_id="3F5A9C2E7B1D4A6C8E0F2B4D6A8C0E1F3A5B7C9D",
            title="Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
            size=8204017664,
            download_client="qBittorrent",
        ),
        ArrQueueItem(
            media_id=31,
            download_id="D9E1F3A5C7B9021E4F6A8C0E2B4D6F8A1C3E5B72",
            title="[ExampleSubs] Example Anime Movie (2020) [BD 1080p HEVC FLAC]",
            size=6012954214,
            download_client="qBittorrent",
        ),
    ]


async def test_empty_queue(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Nothing downloading: an empty array."""
    aioclient_mock.get(f"{RADARR_URL}/api/v3/queue/details", json=[])
    assert await radarr.async_get_queue() == []


async def test_malformed_records_skipped(
    sonarr: SonarrClient,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Records without a series id are skipped; odd optional fields become None."""
    odd = fixture("sonarr/api_queue_details.json")[0]
    odd.update(size=10737418240.0, downloadId="", title=7, downloadClient=None)
    odd["episode"] = {"seasonNumber": 1}
    no_size = {"seriesId": 7, "size": 0, "downloadId": SHOW_HASH}
    fractional = {"seriesId": 7, "size": 1.5, "downloadId": SHOW_HASH}
    # Sizes beyond 64 bits, whole or sent as a decimal: the store could not keep them.
    huge = {"seriesId": 7, "size": 2**64, "downloadId": SHOW_HASH}
    huge_decimal = {"seriesId": 7, "size": 1e300, "downloadId": SHOW_HASH}
    aioclient_mock.get(
        f"{SONARR_URL}/api/v3/queue/details",
        # Python's encoder: Home Assistant's refuses numbers beyond 64 bits.
        text=json.dumps(
            [
                "garbage",
                None,
                {"seriesId": 0, "downloadId": SHOW_HASH},
                {"seriesId": "7", "downloadId": SHOW_HASH},
                {"movieId": 12, "downloadId": SHOW_HASH},
                odd,
                no_size,
                fractional,
                huge,
                huge_decimal,
                {"seriesId": 7, "size": True},
            ]
        ),
        headers={"Content-Type": "application/json"},
    )

    with caplog.at_level(logging.DEBUG):
        queue = await sonarr.async_get_queue()

    assert queue == [
        # A whole number sent as a decimal is a size; the episode lacks its number.
        ArrQueueItem(media_id=7, download_id=None, size=10737418240),
        ArrQueueItem(media_id=7, download_id=SHOW_HASH),
        ArrQueueItem(media_id=7, download_id=SHOW_HASH),
        ArrQueueItem(media_id=7, download_id=SHOW_HASH),
        ArrQueueItem(media_id=7, download_id=SHOW_HASH),
        ArrQueueItem(media_id=7, download_id=None),
    ]
    skipped = [r for r in caplog.records if "malformed Sonarr queue" in r.message]
    assert len(skipped) == 5
    assert {r.levelno for r in skipped} == {logging.DEBUG}


@pytest.mark.parametrize(
    "answer", [{"page": 1, "records": []}, "queue", 7], ids=["paged", "text", "number"]
)
async def test_not_a_list(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker, answer: Any
) -> None:
    """Anything but an array (e.g. the paged endpoint's object) is unexpected."""
    aioclient_mock.get(f"{SONARR_URL}/api/v3/queue/details", json=answer)
    with pytest.raises(UnexpectedResponse, match="array of queue records from Sonarr"):
        await sonarr.async_get_queue()


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"text": "<html>Radarr</html>"}, UnexpectedResponse),
    ],
)
async def test_errors_mapped(
    radarr: RadarrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
) -> None:
    """Transport, auth and server errors are the client's errors, without the key."""
    aioclient_mock.get(f"{RADARR_URL}/api/v3/queue/details", **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await radarr.async_get_queue()

    assert API_KEY not in str(exc_info.value)
