"""Request and summary sensors."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.status_tracker.core.model import Request
from custom_components.status_tracker.core.observations import MediaType
from custom_components.status_tracker.sensor import request_name

from .conftest import PostWebhook
from .flows import load_fixture, movie_flow, tv_flow

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"


@pytest.fixture(autouse=True)
def sensor_only():
    """Load only the sensor platform."""
    with patch("custom_components.status_tracker.PLATFORMS", [Platform.SENSOR]):
        yield


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
async def test_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A movie mid-way and a show mid-way, as entities and states."""
    for service, body in movie_flow()[:4]:
        await post_webhook(service, body)
    for service, body in tv_flow()[:6]:
        await post_webhook(service, body)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_summary_counts(hass: HomeAssistant, post_webhook: PostWebhook) -> None:
    """Summary sensors count requests per stage group."""
    for service, body in movie_flow()[:2]:
        await post_webhook(service, body)
    assert hass.states.get("sensor.media_stack_waiting_requests").state == "1"
    for service, body in tv_flow()[:4]:
        await post_webhook(service, body)
    assert hass.states.get("sensor.media_stack_waiting_requests").state == "1"
    assert hass.states.get("sensor.media_stack_downloading_requests").state == "1"
    for service, body in movie_flow()[2:]:
        await post_webhook(service, body)
    assert hass.states.get("sensor.media_stack_waiting_requests").state == "0"
    assert hass.states.get("sensor.media_stack_available_today").state == "1"
    assert hass.states.get("sensor.media_stack_processing_requests").state == "0"
    assert hass.states.get("sensor.media_stack_requests_with_problems").state == "0"


async def test_summary_counts_follow_removal_and_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, post_webhook: PostWebhook
) -> None:
    """A deleted request leaves the counts; a reload counts the same again."""
    for service, body in movie_flow()[:4]:
        await post_webhook(service, body)
    for service, body in tv_flow()[:4]:
        await post_webhook(service, body)
    downloading = "sensor.media_stack_downloading_requests"
    assert hass.states.get(downloading).state == "2"

    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(downloading).state == "2"

    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    assert hass.states.get(MOVIE_SENSOR) is None
    assert hass.states.get(downloading).state == "1"


async def test_finished_request_entity_goes_after_retention(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """An available request keeps its sensor for 7 days, then only the store has it."""
    for service, body in movie_flow():
        await post_webhook(service, body)
    assert hass.states.get(MOVIE_SENSOR).state == "available"

    freezer.tick(timedelta(days=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).state == "available"

    freezer.tick(timedelta(days=1, minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR) is None
    assert entity_registry.async_get(MOVIE_SENSOR) is None
    hub = init_integration.runtime_data
    assert [r.title for r in hub.tracker.requests.values()] == ["Example Movie"]

    # A restart does not bring the entity back.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR) is None


async def test_available_today_resets_at_midnight(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The daily count starts again at local midnight."""
    midnight = dt_util.start_of_local_day() + timedelta(days=1)
    freezer.move_to(midnight - timedelta(hours=2))
    for service, body in movie_flow():
        await post_webhook(service, body)
    assert hass.states.get("sensor.media_stack_available_today").state == "1"
    freezer.move_to(midnight + timedelta(seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.media_stack_available_today").state == "0"


async def test_stale_entities_removed_at_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: object,
    entity_registry: er.EntityRegistry,
) -> None:
    """A registry entry for a request the store no longer lists is removed."""
    mock_config_entry.add_to_hass(hass)
    entity_registry.async_get_or_create(
        "sensor",
        "status_tracker",
        f"{mock_config_entry.entry_id}_request_gone00000000",
        config_entry=mock_config_entry,
        suggested_object_id="gone",
    )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get("sensor.gone") is None


@pytest.mark.parametrize(
    ("media_type", "seasons", "year", "expected"),
    [
        (MediaType.MOVIE, [], 1999, "Example (1999)"),
        (MediaType.MOVIE, [], None, "Example"),
        (MediaType.TV, [1], 2008, "Example S1"),
        (MediaType.TV, [1, 2, 3], 2008, "Example S1-3"),
        (MediaType.TV, [1, 3], 2008, "Example S1,3"),
        (MediaType.TV, [], 2008, "Example (2008)"),
    ],
)
def test_request_name(
    media_type: MediaType, seasons: list[int], year: int | None, expected: str
) -> None:
    """Sensor names say which seasons a TV request covers."""
    request = Request(
        id="r",
        media_type=media_type,
        title="Example",
        created_at="2026-01-10T12:00:00+00:00",
        year=year,
        seasons=seasons,
    )
    assert request_name(request) == expected
