"""No secret leaks: logs, states, events, diagnostics and action responses.

Every configured API key and webhook id is searched for after whole flows, a
deletion, diagnostics and the read actions, with the integration logging at
debug level.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.diagnostics import (
    async_get_config_entry_diagnostics,
)

from .conftest import API_KEYS, URLS, WEBHOOK_IDS, PostWebhook
from .flows import MOVIE_JELLYFIN_ID, movie_flow, tv_flow

SECRETS = [*API_KEYS.values(), *WEBHOOK_IDS.values()]


async def test_no_secret_anywhere_after_full_flows(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Flows, a deletion and every read surface carry no key and no webhook id."""
    caplog.set_level(logging.DEBUG, logger="custom_components.status_tracker")
    events: list[dict[str, Any]] = []

    @callback
    def collect(event: Event) -> None:
        if event.data["entity_id"].startswith(("sensor.", "event.", "binary_sensor.")):
            events.append(dict(event.data))

    hass.bus.async_listen("state_changed", collect)
    for step in [*movie_flow(), *tv_flow()]:
        await post_webhook(*step)
    # A refused body is logged at debug level: still without the webhook id.
    await post_webhook("sonarr", {"eventType": 42})

    upstream.delete(f"{URLS['radarr']}/api/v3/movie/12", status=200)
    upstream.get(
        f"{URLS['seerr']}/api/v1/request/201",
        json={"id": 201, "status": 2, "type": "movie", "media": {"id": 101}},
    )
    upstream.delete(f"{URLS['seerr']}/api/v1/request/201", status=204)
    upstream.delete(f"{URLS['seerr']}/api/v1/media/101", status=500)
    upstream.delete(f"{URLS['jellyfin']}/Items/{MOVIE_JELLYFIN_ID}", status=401)
    deleted = await hass.services.async_call(
        DOMAIN,
        "delete_request",
        {"request_id": "req000001"},
        blocking=True,
        return_response=True,
    )
    requests = await hass.services.async_call(
        DOMAIN,
        "get_requests",
        {"status": "all"},
        blocking=True,
        return_response=True,
    )
    log = await hass.services.async_call(
        DOMAIN, "get_deletion_log", {}, blocking=True, return_response=True
    )
    diagnostics = await async_get_config_entry_diagnostics(hass, init_integration)
    entity_ids = {
        entry.entity_id
        for entry in er.async_entries_for_config_entry(
            er.async_get(hass), init_integration.entry_id
        )
    }
    states = [
        {"state": state.state, **state.attributes}
        for state in hass.states.async_all()
        if state.entity_id in entity_ids
    ]
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.status_tracker")
    ]

    # The surfaces are not empty: the scan looks at real content.
    assert deleted["requests"][0]["partial"] is True
    assert requests["total"] == 2
    assert log["total"] == 1
    assert states
    assert events
    assert ours
    text = json.dumps(
        [deleted, requests, log, diagnostics, states, events, ours], default=str
    )
    for secret in SECRETS:
        assert secret not in text


async def test_no_webhook_id_in_any_log_line(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_client_no_auth: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every logger at debug level, aiohttp's access log included: no webhook id.

    Home Assistant's webhook component and HTTP helper name the id of every call
    ("Handling webhook POST payload for …", "Serving /api/webhook/… to …"), and of
    a call that arrives while a reload has the webhooks unregistered.
    """
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="aiohttp.access")
    client = await hass_client_no_auth()
    for step in movie_flow()[:3]:
        await post_webhook(*step)
    await post_webhook("sonarr", {"eventType": 42})
    await client.get(f"/api/webhook/{WEBHOOK_IDS['radarr']}")
    await client.post(f"/api/webhook/{WEBHOOK_IDS['jellyfin']}", data=b"not json")
    # Unloaded (as during a reload): Home Assistant logs the unknown id at info.
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await post_webhook("seerr", movie_flow()[0][1])
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    await post_webhook("radarr", movie_flow()[3][1])

    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "Handling webhook POST payload for **REDACTED**" in text
    assert "unregistered webhook **REDACTED**" in text
    assert '"POST /api/webhook/**REDACTED** HTTP/1.1" 200' in text
    for webhook_id in WEBHOOK_IDS.values():
        assert webhook_id not in text
