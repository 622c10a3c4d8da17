"""The stage change event entity."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from .conftest import PostWebhook
from .flows import movie_flow

EVENT_ENTITY = "event.media_stack_stage_change"


@pytest.fixture(autouse=True)
def event_only():
    """Load only the event platform."""
    with patch("custom_components.status_tracker.PLATFORMS", [Platform.EVENT]):
        yield


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
async def test_entity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The event entity after a request was approved."""
    for service, body in movie_flow()[:2]:
        await post_webhook(service, body)
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("init_integration")
async def test_fires_on_every_stage_change(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """Each stage change fires once; a repeated webhook fires nothing."""
    fired: list[dict[str, object]] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(dict(event.data["new_state"].attributes))

    async_track_state_change_event(hass, EVENT_ENTITY, collect)
    flow = movie_flow()
    for service, body in [*flow, flow[3]]:
        await post_webhook(service, body)

    assert [(e["event_type"], e["previous_stage"]) for e in fired] == [
        ("requested", None),
        ("approved", "requested"),
        ("searching", "approved"),
        ("grabbed", "searching"),
        ("importing", "grabbed"),
        ("available", "importing"),
    ]
    last = fired[-1]
    assert last["request_id"] == "req000001"
    assert last["title"] == "Example Movie"
    assert last["media_type"] == "movie"
    assert last["stage"] == "available"
    assert last["requested_by"] == "alice"
    assert last["poster_url"].endswith("example-movie-poster.jpg")
