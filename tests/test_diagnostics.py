"""Diagnostics of a hub: useful figures, and no secret anywhere."""

from __future__ import annotations

import json

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.status_tracker.diagnostics import (
    _without_credentials,
    async_get_config_entry_diagnostics,
)

from .conftest import API_KEYS, WEBHOOK_IDS, PostWebhook
from .flows import movie_flow, tv_flow


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
async def test_diagnostics(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Counts per state, last webhooks and recent transitions; secrets redacted."""
    for step in movie_flow():
        await post_webhook(*step)
        freezer.tick(60)
    for step in tv_flow()[:4]:
        await post_webhook(*step)
        freezer.tick(60)

    # Called directly: the HTTP view's JSON encoder trips over freezegun's
    # datetime class, and the frozen clock is what makes the snapshot stable.
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)

    assert diagnostics["requests"]["by_state"] == {"available": 1, "grabbed": 1}
    assert diagnostics == snapshot
    text = json.dumps(diagnostics)
    for secret in [*API_KEYS.values(), *WEBHOOK_IDS.values()]:
        assert secret not in text


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:secret@host.local:8080/base", "http://host.local:8080/base"),
        ("http://user@host.local/base", "http://host.local/base"),
        ("https://host.local:8443", "https://host.local:8443"),
    ],
)
def test_url_credentials_dropped(url: str, shown: str) -> None:
    """A URL with credentials in it is shown without them."""
    assert _without_credentials(url) == shown
