"""Events of Home Assistant's Seerr integration read as Seerr's webhooks say them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.status_tracker.parsers.core_seerr import webhook_body
from custom_components.status_tracker.parsers.errors import InvalidPayload
from custom_components.status_tracker.parsers.seerr import parse_seerr
from tests.core_seerr_payloads import core_event_attributes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NOTIFICATIONS = [
    f"{name}{suffix}"
    for name in (
        "media_pending",
        "media_approved",
        "media_auto_approved",
        "media_available",
        "media_declined",
        "media_failed",
    )
    for suffix in ("", "_tv")
]


def fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NOTIFICATIONS)
def test_core_event_is_the_webhooks_observation(name: str) -> None:
    """Each request event, through core's entity, is what our webhook makes of it."""
    ours = fixture(f"jellyseerr/{name}.json")
    event_type, attributes = core_event_attributes(ours)

    assert parse_seerr(webhook_body(event_type, attributes)) == parse_seerr(ours)


def test_the_entity_state_core_shows() -> None:
    """The state core's entity had after MEDIA_PENDING: Example Movie by alice."""
    state = fixture("core_seerr/event_entity_pending.json")
    attributes = state["attributes"]

    observation = parse_seerr(webhook_body(attributes["event_type"], attributes))

    assert observation == parse_seerr(fixture("jellyseerr/media_pending.json"))


@pytest.mark.parametrize(
    "change",
    [
        {"media": None},
        {"media": {"media_type": "music", "tmdb_id": 603}},
        {"subject": ""},
        {"request": "alice"},
    ],
)
def test_malformed_events_are_refused(change: dict[str, Any]) -> None:
    """What parse_seerr refuses in a webhook, it refuses from core's entity too."""
    _, attributes = core_event_attributes(fixture("jellyseerr/media_pending.json"))

    with pytest.raises(InvalidPayload):
        parse_seerr(webhook_body("pending", {**attributes, **change}))
