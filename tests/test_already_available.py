"""A new Seerr request whose media is already in the library is available at once.

The *arr is asked first (it knows whether the files are on disk); Jellyfin only
when the *arr has them, or when no *arr of that kind is configured. Failing
lookups leave the request as it is, quietly.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from .api.test_arr_client import EXAMPLE_MOVIE, EXAMPLE_SHOW
from .conftest import SUBENTRY_IDS, URLS, PostWebhook, mock_health
from .flows import MOVIE_JELLYFIN_ID, load_fixture, sonarr_episode_list
from .test_action_retry_verify import (
    FakeJellyfin,
    jellyfin_episodes,
    jellyfin_movie,
    jellyfin_show,
)

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
RADARR_LOOKUP = f"{URLS['radarr']}/api/v3/movie?tmdbId=603"
SONARR_LOOKUP = f"{URLS['sonarr']}/api/v3/series?tvdbId=81189"
SONARR_EPISODES = f"{URLS['sonarr']}/api/v3/episode?seriesId=7"


@pytest.fixture
def jellyfin(aioclient_mock: AiohttpClientMocker) -> FakeJellyfin:
    """Return the fake Jellyfin: Example Movie and Example Show are in it."""
    fake = FakeJellyfin(aioclient_mock)
    fake.movies = [jellyfin_movie()]
    fake.series = [jellyfin_show()]
    fake.episodes = jellyfin_episodes()
    return fake


async def start(
    hass: HomeAssistant, entry: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Set up the hub once the test registered its own *arr answers.

    The health answers come after them: the first matching answer wins, and
    the defaults say the *arr lacks the media.
    """
    mock_health(aioclient_mock)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def episodes_with_files(*keys: tuple[int, int]) -> list[dict[str, Any]]:
    """Return Sonarr's episode list with hasFile true for (season, episode) keys."""
    episodes = sonarr_episode_list()
    for episode in episodes:
        if (episode["seasonNumber"], episode["episodeNumber"]) in keys:
            episode["hasFile"] = True
            episode["episodeFileId"] = 7000 + episode["episodeNumber"]
    return episodes


def calls_to(mock: AiohttpClientMocker, path: str) -> list[str]:
    return [str(url) for _, url, _, _ in mock.mock_calls if url.path == path]


async def test_movie_on_disk_and_in_jellyfin_is_available_at_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """Radarr has the file, Jellyfin the playable movie: available, linked to 12."""
    aioclient_mock.get(RADARR_LOOKUP, json=[EXAMPLE_MOVIE])
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))
    await hass.async_block_till_done()

    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "available"
    assert state.attributes["requested_by"] == "alice"
    assert state.attributes["jellyfin_url"].startswith(
        f"https://watch.example.com/web/#/details?id={MOVIE_JELLYFIN_ID}"
    )
    assert calls_to(aioclient_mock, "/api/v3/movie") == [RADARR_LOOKUP]
    assert [q["SearchTerm"] for q in jellyfin.searches()] == ["Example Movie"]
    request = mock_config_entry.runtime_data.tracker.get("req000001")
    assert (request.arr_service, request.arr_instance, request.arr_id) == (
        "radarr",
        SUBENTRY_IDS["radarr"],
        12,
    )
    assert request.imdb_id == "tt0133093"
    assert request.movie.jellyfin_id == MOVIE_JELLYFIN_ID
    assert [entry.kind for entry in request.timeline] == ["requested", "available"]


async def test_movie_without_file_is_not_looked_up_in_jellyfin(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """Radarr has the movie but no file: it is only linked, Jellyfin not asked."""
    aioclient_mock.get(RADARR_LOOKUP, json=[{**EXAMPLE_MOVIE, "hasFile": False}])
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    assert hass.states.get(MOVIE_SENSOR).state == "requested"
    assert not jellyfin.searches()
    request = mock_config_entry.runtime_data.tracker.get("req000001")
    assert (request.arr_instance, request.arr_id) == (SUBENTRY_IDS["radarr"], 12)


async def test_movie_radarr_does_not_have(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """Seerr hands movies to Radarr: not in Radarr means not on disk."""
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    assert hass.states.get(MOVIE_SENSOR).state == "requested"
    assert calls_to(aioclient_mock, "/api/v3/movie") == [RADARR_LOOKUP]
    assert not jellyfin.searches()
    assert mock_config_entry.runtime_data.tracker.get("req000001").arr_id is None


@pytest.mark.parametrize("services", [("seerr", "sonarr", "jellyfin")])
async def test_movie_without_radarr_is_looked_up_in_jellyfin(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """No Radarr to ask: Jellyfin's playable movie with the same TMDB id counts."""
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert [q["IncludeItemTypes"] for q in jellyfin.searches()] == ["Movie"]
    assert mock_config_entry.runtime_data.tracker.get("req000001").arr_id is None


@pytest.mark.parametrize(
    ("radarr", "jellyfin_status"),
    [
        pytest.param(
            {"status": HTTPStatus.INTERNAL_SERVER_ERROR},
            HTTPStatus.INTERNAL_SERVER_ERROR,
            id="both_fail",
        ),
        pytest.param(
            {"json": [EXAMPLE_MOVIE]},
            HTTPStatus.INTERNAL_SERVER_ERROR,
            id="jellyfin_fails",
        ),
        pytest.param(
            {"status": HTTPStatus.BAD_GATEWAY}, HTTPStatus.OK, id="radarr_fails"
        ),
        pytest.param({"text": "<html>Radarr</html>"}, HTTPStatus.OK, id="radarr_html"),
    ],
)
async def test_failing_lookups_leave_the_request_quietly(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
    caplog: pytest.LogCaptureFixture,
    radarr: dict[str, Any],
    jellyfin_status: HTTPStatus,
) -> None:
    """Lookup errors: the request stays requested, nothing is logged as an error.

    When Radarr cannot say, Jellyfin still decides.
    """
    aioclient_mock.get(RADARR_LOOKUP, **radarr)
    jellyfin.status = jellyfin_status
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    expected = "requested" if jellyfin_status != HTTPStatus.OK else "available"
    assert hass.states.get(MOVIE_SENSOR).state == expected
    assert len(jellyfin.searches()) == 1
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR
        or (r.name.startswith("custom_components") and r.levelno >= logging.WARNING)
    ]


async def test_request_first_seen_in_radarr_is_not_checked(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """Only new Seerr requests are checked; one Radarr already grabbed is not."""
    aioclient_mock.get(RADARR_LOOKUP, json=[EXAMPLE_MOVIE])
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("radarr", load_fixture("radarr/grab.json"))
    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"
    assert not calls_to(aioclient_mock, "/api/v3/movie")
    assert not jellyfin.searches()


async def test_show_on_disk_and_in_jellyfin_is_available_at_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
) -> None:
    """Sonarr has series 7 with season-1 files, Jellyfin the episodes: available."""
    aioclient_mock.get(SONARR_LOOKUP, json=[EXAMPLE_SHOW])
    aioclient_mock.get(
        SONARR_EPISODES, json=episodes_with_files((1, 1), (1, 2), (1, 3))
    )
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending_tv.json"))
    await hass.async_block_till_done()

    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"
    assert state.attributes["jellyfin_url"] is not None
    request = mock_config_entry.runtime_data.tracker.get("req000001")
    assert (request.arr_service, request.arr_id) == ("sonarr", 7)
    assert request.episodes_complete
    # The special and season 2 are not part of the request.
    assert sorted(request.episodes) == ["S01E01", "S01E02", "S01E03"]
    assert all(episode.available_at for episode in request.episodes.values())
    assert [q["IncludeItemTypes"] for q in jellyfin.searches()] == ["Series"]


@pytest.mark.parametrize(
    "files",
    [pytest.param((), id="no_files"), pytest.param(((0, 1),), id="only_a_special")],
)
async def test_show_without_requested_files_is_not_looked_up_in_jellyfin(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    jellyfin: FakeJellyfin,
    post_webhook: PostWebhook,
    files: tuple[tuple[int, int], ...],
) -> None:
    """Files outside the requested season 1 do not count: Jellyfin is not asked."""
    aioclient_mock.get(SONARR_LOOKUP, json=[copy.deepcopy(EXAMPLE_SHOW)])
    aioclient_mock.get(SONARR_EPISODES, json=episodes_with_files(*files))
    await start(hass, mock_config_entry, aioclient_mock)

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending_tv.json"))

    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "requested"
    assert not jellyfin.searches()
    request = mock_config_entry.runtime_data.tracker.get("req000001")
    assert request.arr_id == 7
    assert request.episodes_complete
