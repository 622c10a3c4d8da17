"""The Jellyfin fallback check, for requests whose Jellyfin webhook never came."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from .conftest import URLS, PostWebhook, mock_health, mock_recent_items
from .flows import (
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
    tv_flow,
)

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"


@pytest.fixture
def library(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """Jellyfin's newest items hold the movie and the three episodes."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock, load_fixture("jellyfin/api_items_recent.json"))
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    return aioclient_mock


def _jellyfin_calls(mock: AiohttpClientMocker) -> list[str]:
    return [str(url) for _, url, _, _ in mock.mock_calls if "/Items" in str(url)]


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: Any
) -> None:
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_movie_confirmed_without_its_webhook(
    hass: HomeAssistant,
    mock_config_entry: Any,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    library: AiohttpClientMocker,
) -> None:
    """Imported, no Jellyfin webhook: the check finds the playable item."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for step in movie_flow()[:5]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"

    await _tick(hass, freezer, seconds=90)
    # Not yet waiting two minutes: Jellyfin is not asked.
    assert not [c for c in _jellyfin_calls(library) if "SortBy=DateCreated" in c]
    assert hass.states.get(MOVIE_SENSOR).state == "importing"

    await _tick(hass, freezer, seconds=60)
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "available"
    assert state.attributes["jellyfin_url"] == (
        "https://watch.example.com/web/#/details"
        "?id=0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b&serverId=f0e1d2c3b4a5968778695a4b3c2d1e0f"
    )
    recent = [c for c in _jellyfin_calls(library) if "SortBy=DateCreated" in c]
    assert len(recent) == 1
    # The unrelated movie in the answer is not kept for later.
    assert not mock_config_entry.runtime_data.tracker.orphans

    await _tick(hass, freezer, seconds=60)
    # Nothing waits any more: no further queries.
    assert len([c for c in _jellyfin_calls(library) if "SortBy=DateCreated" in c]) == 1


async def test_show_confirmed_episode_by_episode_in_one_query(
    hass: HomeAssistant,
    mock_config_entry: Any,
    library: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """All three episodes come from one batched query, the series from one lookup."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for service, body in tv_flow():
        if service != "jellyfin" and body.get("notification_type") != "MEDIA_AVAILABLE":
            await post_webhook(service, body)
    assert hass.states.get(SHOW_SENSOR).state == "importing"

    await _tick(hass, freezer, minutes=2, seconds=30)
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"
    calls = _jellyfin_calls(library)
    assert len([c for c in calls if "SortBy=DateCreated" in c]) == 1
    assert len([c for c in calls if "ids=" in c]) == 1
    assert state.attributes["jellyfin_url"].endswith(
        "id=1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6&serverId=f0e1d2c3b4a5968778695a4b3c2d1e0f"
    )


async def test_nothing_to_confirm_when_jellyfin_lacks_the_item(
    hass: HomeAssistant,
    mock_config_entry: Any,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An empty or failing answer changes nothing; the check runs again later."""
    mock_health(aioclient_mock)
    aioclient_mock.get(f"{URLS['jellyfin']}/Items?SortBy=DateCreated", status=500)
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for step in movie_flow()[:5]:
        await post_webhook(*step)
    await _tick(hass, freezer, minutes=2, seconds=30)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    await _tick(hass, freezer, seconds=30)
    calls = [c for c in _jellyfin_calls(aioclient_mock) if "SortBy=DateCreated" in c]
    assert len(calls) == 2
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
