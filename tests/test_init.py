"""Setup, unload, storage and maintenance of a hub."""

from __future__ import annotations

from datetime import timedelta
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

from aiohttp import ClientError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import CONF_HISTORY_SIZE, DOMAIN
from custom_components.status_tracker.store import _VersionedStore

from .conftest import (
    URLS,
    WEBHOOK_IDS,
    PostWebhook,
    mock_health,
    mock_recent_items,
    subentry_data,
)
from .flows import jellyfin_series_items, movie_flow, sonarr_episode_list, tv_flow

STORAGE_KEY = f"{DOMAIN}.01JSTATUSTRACKERHUB000000"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"


def _states(hass: HomeAssistant) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        state.entity_id: (state.state, dict(state.attributes))
        for state in hass.states.async_all("sensor")
    }


async def test_setup_and_unload_flushes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
) -> None:
    """Unloading writes the data at once (no debounce to wait for)."""
    assert init_integration.state is ConfigEntryState.LOADED
    await post_webhook(*movie_flow()[0])
    assert STORAGE_KEY not in hass_storage  # still debounced

    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    stored = hass_storage[STORAGE_KEY]
    assert stored["version"] == 1
    assert [r["title"] for r in stored["data"]["requests"]] == ["Example Movie"]


async def test_restart_mid_flow_keeps_identical_state(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
) -> None:
    """A reload in the middle of both flows restores the same requests and states."""
    for step in movie_flow()[:4]:
        await post_webhook(*step)
    for step in tv_flow()[:6]:
        await post_webhook(*step)
    before_data = init_integration.runtime_data.tracker.to_dict()
    before_states = _states(hass)

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert init_integration.runtime_data.tracker.to_dict() == before_data
    assert _states(hass) == before_states

    # And the flows finish after the restart.
    for step in movie_flow()[4:]:
        await post_webhook(*step)
    for step in tv_flow()[6:]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert hass.states.get(SHOW_SENSOR).state == "available"


async def test_burst_costs_one_write(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A burst of webhooks is written once, after the debounce delay."""
    # The set-up's own write (the first reading's watermarks) first.
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    writes: list[str] = []
    write_data = _VersionedStore._async_write_data

    # Whatever the private signature (Home Assistant 2026 dropped its `path`).
    async def counting_write(store: Store[Any], *args: Any) -> None:
        writes.append(store.key)
        await write_data(store, *args)

    with patch.object(_VersionedStore, "_async_write_data", counting_write):
        for step in tv_flow():
            await post_webhook(*step)
        assert writes == []
        freezer.tick(timedelta(seconds=6))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        assert len(writes) == 1
    assert hass_storage[STORAGE_KEY]["data"]["requests"][0]["state"] == "available"


async def test_final_write_on_stop(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant stopping writes pending changes."""
    await post_webhook(*movie_flow()[0])
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[STORAGE_KEY]["data"]["requests"][0]["state"] == "requested"


async def test_loads_older_minor_version(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
    hass_storage: dict[str, Any],
) -> None:
    """Data written by an older minor version goes through the migration hook."""
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "minor_version": 0,
        "key": STORAGE_KEY,
        "data": {
            "requests": [
                {
                    "id": "old1",
                    "media_type": "movie",
                    "title": "Old Movie",
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "state": "approved",
                    "approved_at": "2026-01-01T00:00:00+00:00",
                }
            ]
        },
    }
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.media_stack_old_movie").state == "approved"


async def test_newer_major_version_is_not_discarded(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Data from a newer version is left alone and the entry does not load."""
    hass_storage[STORAGE_KEY] = {
        "version": 2,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {"requests": []},
    }
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    assert hass_storage[STORAGE_KEY]["version"] == 2


async def test_remove_entry_deletes_store(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
) -> None:
    """Removing the hub removes its stored requests."""
    await post_webhook(*movie_flow()[0])
    await hass.config_entries.async_unload(init_integration.entry_id)
    assert STORAGE_KEY in hass_storage
    await hass.config_entries.async_remove(init_integration.entry_id)
    await hass.async_block_till_done()
    assert STORAGE_KEY not in hass_storage


async def test_adding_a_service_registers_its_webhook(
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    upstream: AiohttpClientMocker,
) -> None:
    """A subentry added later gets its webhook without restarting."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Media stack",
        unique_id="media_stack",
        entry_id="01JSTATUSTRACKERHUB000000",
        data={"name": "Media stack"},
        subentries_data=[subentry_data("seerr")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    client = await hass_client_no_auth()
    data = subentry_data("radarr")
    hass.config_entries.async_add_subentry(
        entry,
        ConfigSubentry(
            data=MappingProxyType(data["data"]),
            subentry_type=data["subentry_type"],
            title=data["title"],
            unique_id=data["unique_id"],
        ),
    )
    await hass.async_block_till_done()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_IDS['radarr']}", json=movie_flow()[3][1]
    )
    assert response.status == 200
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"


@pytest.mark.parametrize("services", [("seerr", "radarr")])
@pytest.mark.usefixtures("init_integration")
async def test_without_jellyfin_seerr_confirms(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """With no Jellyfin configured, Seerr's "now available" is trusted."""
    flow = [step for step in movie_flow() if step[0] != "jellyfin"]
    for step in flow:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "available"


@pytest.mark.usefixtures("init_integration")
async def test_with_jellyfin_seerr_alone_does_not_confirm(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """With Jellyfin configured, availability needs Jellyfin's word."""
    flow = [step for step in movie_flow() if step[0] != "jellyfin"]
    for step in flow:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"


async def test_series_lookup_failure_falls_back_to_episode_ids(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
) -> None:
    """If Jellyfin cannot be asked, episodes still match by their own TVDB ids."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", exc=ClientError())
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for step in tv_flow():
        await post_webhook(*step)
    assert hass.states.get(SHOW_SENSOR).state == "available"


async def test_episode_list_retried_after_failure(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Sonarr down when the list is needed: the show waits, then completes."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(f"{URLS['sonarr']}/api/v3/episode?seriesId=7", status=503)
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    # Per-file imports only and no word from Seerr: nothing else can say the
    # three episodes are the whole season.
    for step in tv_flow():
        if "episodeFiles" not in step[1] and step[1].get("notification_type") != (
            "MEDIA_AVAILABLE"
        ):
            await post_webhook(*step)
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "importing"
    assert state.attributes["episodes_summary"] == "3/3 available"

    aioclient_mock.clear_requests()
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(SHOW_SENSOR).state == "available"


async def test_history_is_bounded(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Finished requests beyond the history size are forgotten, oldest first."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry,
        options={**mock_config_entry.options, CONF_HISTORY_SIZE: 1},
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for step in movie_flow():
        await post_webhook(*step)
    freezer.tick(timedelta(minutes=1))
    for step in tv_flow():
        await post_webhook(*step)
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    tracker = mock_config_entry.runtime_data.tracker
    assert [r.title for r in tracker.requests.values()] == ["Example Show"]
    assert hass.states.get(MOVIE_SENSOR) is None
