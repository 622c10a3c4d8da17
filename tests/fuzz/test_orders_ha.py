"""Shuffled movie flows with duplicates through Home Assistant's webhooks.

The pure-harness test (test_orders.py) replays thousands of orders; this one
checks a few through the real HTTP server, hub and store: the same final state
and the same timeline entries as the pure tracker given the flow in order.
"""

from __future__ import annotations

from http import HTTPStatus
import os
import random

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.status_tracker.core.model import Stage
from tests.conftest import SUBENTRY_IDS, PostWebhook
from tests.core.harness import INSTANCE, Harness
from tests.flows import movie_flow

from . import record
from .test_orders import shuffled

# Orders tried: 3 by default, 20 under script/fuzz (each is a fresh hub).
ORDERS = int(
    os.environ.get("STATUS_TRACKER_FUZZ_HA_ORDERS")
    or (20 if os.environ.get("STATUS_TRACKER_FUZZ_EXAMPLES") else 3)
)


def _expected() -> tuple[str, set[tuple[str, str, object]]]:
    """Return the pure tracker's result, with the hub's Radarr subentry id."""
    harness = Harness()
    harness.play(movie_flow())
    request = harness.only()
    timeline = {
        (e.kind, e.source, e.key.replace(INSTANCE, SUBENTRY_IDS["radarr"]))
        for e in request.timeline
    }
    return request.state, timeline


@pytest.mark.parametrize("seed", range(ORDERS))
async def test_movie_flow_shuffled_through_webhooks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    seed: int,
) -> None:
    """A shuffled, duplicated movie flow ends available with the same timeline."""
    order = shuffled(movie_flow(), random.Random(f"shuffled movie flow via HA {seed}"))
    for service, body in order:
        response = await post_webhook(service, body)
        assert response.status == HTTPStatus.OK
    requests = list(init_integration.runtime_data.tracker.requests.values())
    assert len(requests) == 1
    state, timeline = _expected()
    assert state == Stage.AVAILABLE
    assert requests[0].state == state
    assert {(e.kind, e.source, e.key) for e in requests[0].timeline} == timeline
    assert hass.states.get("sensor.media_stack_example_movie_1999").state == "available"
    record("orders movie via webhooks", 1)
