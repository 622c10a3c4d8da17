"""Repairs: a service unreachable for long, a silent webhook source."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import ClientError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import DOMAIN

from .conftest import (
    HEALTH_ANSWERS,
    SUBENTRY_IDS,
    URLS,
    PostWebhook,
    mock_health,
    mock_recent_items,
)
from .flows import load_fixture, movie_flow

UNREACHABLE_SONARR = f"unreachable_{SUBENTRY_IDS['sonarr']}"
SILENT_JELLYFIN = f"webhook_silent_{SUBENTRY_IDS['jellyfin']}"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"


async def _minutes(hass: HomeAssistant, freezer: FrozenDateTimeFactory, n: int) -> None:
    """Let `n` minutes pass, one minute at a time (every periodic job runs)."""
    for _ in range(n):
        freezer.tick(timedelta(minutes=1))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


def _health(aioclient_mock: AiohttpClientMocker, *, sonarr_down: bool) -> None:
    aioclient_mock.clear_requests()
    for service, (path, body) in HEALTH_ANSWERS.items():
        if service == "sonarr" and sonarr_down:
            aioclient_mock.get(f"{URLS[service]}{path}", exc=ClientError())
        else:
            aioclient_mock.get(f"{URLS[service]}{path}", json=body)
    mock_recent_items(aioclient_mock)


@pytest.mark.usefixtures("init_integration")
async def test_unreachable_for_long_raises_repair_that_clears(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Down 30 minutes: a repair names the service; the first answer clears it."""
    _health(aioclient_mock, sonarr_down=True)
    await _minutes(hass, freezer, 20)
    # A short outage is only the diagnostic entity's business.
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_SONARR) is None

    await _minutes(hass, freezer, 12)
    issue = issue_registry.async_get_issue(DOMAIN, UNREACHABLE_SONARR)
    assert issue is not None
    assert issue.translation_key == "service_unreachable"
    assert issue.translation_placeholders == {"title": "Sonarr"}
    assert issue.severity is ir.IssueSeverity.WARNING

    _health(aioclient_mock, sonarr_down=False)
    await _minutes(hass, freezer, 2)
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_SONARR) is None

    # A new outage starts the clock again.
    _health(aioclient_mock, sonarr_down=True)
    await _minutes(hass, freezer, 20)
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_SONARR) is None


@pytest.mark.usefixtures("init_integration")
async def test_silent_jellyfin_webhook_raises_repair(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Imported an hour ago, no Jellyfin webhook since: the webhook is suspect."""
    for step in movie_flow()[:5]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"

    await _minutes(hass, freezer, 50)
    assert issue_registry.async_get_issue(DOMAIN, SILENT_JELLYFIN) is None
    await _minutes(hass, freezer, 12)
    issue = issue_registry.async_get_issue(DOMAIN, SILENT_JELLYFIN)
    assert issue is not None
    assert issue.translation_key == "webhook_silent"
    assert issue.translation_placeholders == {
        "title": "jellyfin",
        "count": "1",
        "stage": "importing",
    }

    await post_webhook("jellyfin", load_fixture("jellyfin/item_added_movie.json"))
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    await _minutes(hass, freezer, 1)
    assert issue_registry.async_get_issue(DOMAIN, SILENT_JELLYFIN) is None


@pytest.mark.usefixtures("init_integration")
async def test_no_repair_when_the_source_spoke_meanwhile(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """A Jellyfin webhook after the request started waiting proves it works."""
    for step in movie_flow()[:5]:
        await post_webhook(*step)
    await _minutes(hass, freezer, 1)
    # Another item: Jellyfin's webhook works, it just has not got this movie.
    await post_webhook("jellyfin", load_fixture("jellyfin/item_added_episode.json"))

    await _minutes(hass, freezer, 70)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    assert issue_registry.async_get_issue(DOMAIN, SILENT_JELLYFIN) is None


async def test_credentials_repair_replaces_unreachable(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    issue_registry: ir.IssueRegistry,
) -> None:
    """Refused credentials stop polling: no second, 'unreachable' repair."""
    mock_health(aioclient_mock)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    _health(aioclient_mock, sonarr_down=False)
    aioclient_mock.clear_requests()
    for service, (path, body) in HEALTH_ANSWERS.items():
        answer = {"status": 401} if service == "sonarr" else {"json": body}
        aioclient_mock.get(f"{URLS[service]}{path}", **answer)
    mock_recent_items(aioclient_mock)

    await _minutes(hass, freezer, 40)
    assert issue_registry.async_get_issue(
        DOMAIN, f"credentials_{SUBENTRY_IDS['sonarr']}"
    )
    assert issue_registry.async_get_issue(DOMAIN, UNREACHABLE_SONARR) is None


async def test_removed_service_leaves_no_stale_device(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Removing a service removes its device and entities; the others stay."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    entry_id = init_integration.entry_id
    sonarr = devices.async_get_device_by_identifier(
        (DOMAIN, SUBENTRY_IDS["sonarr"]), entry_id
    )
    assert sonarr is not None
    assert er.async_entries_for_device(entities, sonarr.id)

    assert hass.config_entries.async_remove_subentry(
        init_integration, SUBENTRY_IDS["sonarr"]
    )
    await hass.async_block_till_done()

    assert (
        devices.async_get_device_by_identifier(
            (DOMAIN, SUBENTRY_IDS["sonarr"]), entry_id
        )
        is None
    )
    assert not [
        e
        for e in er.async_entries_for_config_entry(entities, init_integration.entry_id)
        if e.unique_id.startswith(SUBENTRY_IDS["sonarr"])
    ]
    assert (
        devices.async_get_device_by_identifier(
            (DOMAIN, SUBENTRY_IDS["radarr"]), entry_id
        )
        is not None
    )
