"""Per-service diagnostic entities: reachable, last webhook, refused credentials."""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from aiohttp import ClientError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import DOMAIN

from .conftest import HEALTH_ANSWERS, SUBENTRY_IDS, URLS, PostWebhook, mock_health
from .flows import movie_flow

SONARR_REACHABLE = "binary_sensor.sonarr_reachable"
RADARR_LAST_WEBHOOK = "sensor.radarr_last_webhook"


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _tick(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    freezer.tick(timedelta(minutes=1, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _fail_sonarr(aioclient_mock: AiohttpClientMocker, **answer: Any) -> None:
    """Make Sonarr's health check fail, keeping the other services healthy."""
    aioclient_mock.clear_requests()
    for service, (path, body) in HEALTH_ANSWERS.items():
        if service == "sonarr":
            aioclient_mock.get(f"{URLS[service]}{path}", **answer)
        else:
            aioclient_mock.get(f"{URLS[service]}{path}", json=body)


async def test_unreachable_service_and_recovery_logged_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The sensor goes off while Sonarr is down; the log says so once each way."""
    mock_health(aioclient_mock)
    await _setup(hass, mock_config_entry)
    assert hass.states.get(SONARR_REACHABLE).state == STATE_ON

    _fail_sonarr(aioclient_mock, exc=ClientError())
    caplog.clear()
    for _ in range(3):
        await _tick(hass, freezer)
    assert hass.states.get(SONARR_REACHABLE).state == STATE_OFF
    sonarr_lines = [
        r
        for r in caplog.records
        if r.levelno >= logging.INFO and "Sonarr" in r.getMessage()
    ]
    assert len(sonarr_lines) == 1

    aioclient_mock.clear_requests()
    mock_health(aioclient_mock)
    caplog.clear()
    await _tick(hass, freezer)
    assert hass.states.get(SONARR_REACHABLE).state == STATE_ON
    recovered = [r for r in caplog.records if "recovered" in r.getMessage()]
    assert len(recovered) == 1


async def test_last_webhook_sensor(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Shows when Radarr last posted; unavailable while Radarr is unreachable."""
    mock_health(aioclient_mock)
    freezer.move_to("2026-01-10 12:01:00+00:00")
    await _setup(hass, mock_config_entry)
    assert hass.states.get(RADARR_LAST_WEBHOOK).state == "unknown"
    await post_webhook(*movie_flow()[3])
    assert hass.states.get(RADARR_LAST_WEBHOOK).state == "2026-01-10T12:01:00+00:00"

    aioclient_mock.clear_requests()
    for service, (path, body) in HEALTH_ANSWERS.items():
        answer = {"exc": ClientError()} if service == "radarr" else {"json": body}
        aioclient_mock.get(f"{URLS[service]}{path}", **answer)
    await _tick(hass, freezer)
    assert hass.states.get(RADARR_LAST_WEBHOOK).state == STATE_UNAVAILABLE

    # Kept across restarts.
    aioclient_mock.clear_requests()
    mock_health(aioclient_mock)
    await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(RADARR_LAST_WEBHOOK).state == "2026-01-10T12:01:00+00:00"


async def test_refused_key_raises_repair_and_reauth_and_stops_polling(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 401 asks the user to reauthenticate and stops asking Sonarr."""
    mock_health(aioclient_mock)
    await _setup(hass, mock_config_entry)
    _fail_sonarr(aioclient_mock, status=401)
    await _tick(hass, freezer)

    assert hass.states.get(SONARR_REACHABLE).state == STATE_OFF
    issue_id = f"credentials_{SUBENTRY_IDS['sonarr']}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "auth_failed"
    assert issue.translation_placeholders == {"title": "Sonarr"}
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]

    calls = aioclient_mock.call_count
    for _ in range(3):
        await _tick(hass, freezer)
    sonarr_calls = [
        url
        for _, url, _, _ in aioclient_mock.mock_calls[calls:]
        if "sonarr" in str(url)
    ]
    assert sonarr_calls == []

    # New credentials reload the hub; the next good answer clears the repair.
    aioclient_mock.clear_requests()
    mock_health(aioclient_mock)
    subentry = mock_config_entry.subentries[SUBENTRY_IDS["sonarr"]]
    hass.config_entries.async_update_subentry(
        mock_config_entry, subentry, data={**subentry.data, "api_key": "new"}
    )
    await hass.async_block_till_done()
    assert hass.states.get(SONARR_REACHABLE).state == STATE_ON
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
