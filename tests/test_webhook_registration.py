"""Setting the webhook up in Seerr, Sonarr and Radarr, keeping it current, removing it.

The services are fakes (tests/registration_fakes.py) that keep what was saved
and, on a test call, post their real test payload to Home Assistant.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
import json
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)

from custom_components.status_tracker import webhook_registration
from custom_components.status_tracker.api import (
    JellyfinClient,
    NotFound,
    RadarrClient,
    SeerrClient,
    SonarrClient,
)
from custom_components.status_tracker.const import CONF_REGISTER_WEBHOOK, DOMAIN
from custom_components.status_tracker.options import DEFAULT_OPTIONS
from custom_components.status_tracker.webhook_registration import (
    SEERR_TEMPLATE,
    Outcome,
    async_register_webhook,
    async_unregister_webhook,
    registration_name,
)

from .conftest import API_KEYS, ENTRY_ID, SUBENTRY_IDS, URLS, WEBHOOK_IDS, subentry_data
from .registration_fakes import (
    CONNECTIONS,
    HA_EXTERNAL,
    HA_INTERNAL,
    HUB_NAME,
    NOTIFICATION_PATH,
    SEERR_DEFAULT_TEMPLATE,
    SEERR_JSON_PAYLOAD,
    SEERR_WEBHOOK_PATH,
    FakeArr,
    FakeSeerr,
    radarr_connection,
    registration_calls,
    seerr_agent,
    sonarr_connection,
)

OLD_INTERNAL = "http://192.168.1.10:8123"
NEW_INTERNAL = "http://192.168.1.30:8123"
REGISTRABLE = ("seerr", "sonarr", "radarr")


def hook(service: str, base: str = HA_INTERNAL) -> str:
    """Return the webhook URL of a service's subentry under a Home Assistant address."""
    return f"{base}/api/webhook/{WEBHOOK_IDS[service]}"


@pytest.fixture(autouse=True)
async def ha_urls(hass: HomeAssistant) -> None:
    """Give Home Assistant an internal and an external URL."""
    await async_process_ha_core_config(
        hass, {"internal_url": HA_INTERNAL, "external_url": HA_EXTERNAL}
    )


@pytest.fixture
def services() -> tuple[str, ...]:
    """Return the services configured in the hub."""
    return REGISTRABLE


@pytest.fixture
def consenting() -> tuple[str, ...]:
    """Return the services whose user ticked "set up the webhook for me"."""
    return REGISTRABLE


@pytest.fixture
def mock_config_entry(
    services: tuple[str, ...], consenting: tuple[str, ...]
) -> MockConfigEntry:
    """Return a hub whose consenting services carry the flag."""
    subentries = []
    for service in services:
        subentry = subentry_data(service)
        if service in consenting:
            subentry["data"][CONF_REGISTER_WEBHOOK] = True
        subentries.append(subentry)
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        options=dict(DEFAULT_OPTIONS),
        subentries_data=subentries,
    )


@dataclass
class Fakes:
    """The faked services."""

    seerr: FakeSeerr
    sonarr: FakeArr
    radarr: FakeArr


@pytest.fixture
def fakes(upstream: AiohttpClientMocker, hass_client_no_auth: Any) -> Fakes:
    """Fake the registration APIs of Seerr, Sonarr and Radarr."""
    return Fakes(
        seerr=FakeSeerr(upstream, URLS["seerr"], hass_client_no_auth),
        sonarr=FakeArr(
            upstream, URLS["sonarr"], "sonarr/test.json", hass_client_no_auth
        ),
        radarr=FakeArr(
            upstream, URLS["radarr"], "radarr/test.json", hass_client_no_auth
        ),
    )


async def setup_hub(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the hub up and wait for its background registration."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def settle(hass: HomeAssistant) -> None:
    """Wait for listeners, reloads and background tasks."""
    await hass.async_block_till_done(wait_background_tasks=True)


def assert_no_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Fail if a webhook id or an API key appears in the integration's log.

    Home Assistant's own webhook and HTTP loggers name the path of every
    webhook call at debug level; that is outside the integration.
    """
    ours = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.status_tracker")
    )
    assert ours
    for secret in (*WEBHOOK_IDS.values(), *API_KEYS.values()):
        assert secret not in ours


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the integration's warning messages."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING
        and record.name.startswith("custom_components.status_tracker")
    ]


# --- Setting up --------------------------------------------------------------


async def test_registers_in_every_service(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Internal URL tested first; each service's test event reaches the hub."""
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("POST", f"{NOTIFICATION_PATH}/test", sonarr_connection(hook("sonarr"))),
        ("POST", CONNECTIONS, sonarr_connection(hook("sonarr"))),
    ]
    assert registration_calls(upstream, URLS["radarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("POST", f"{NOTIFICATION_PATH}/test", radarr_connection(hook("radarr"))),
        ("POST", CONNECTIONS, radarr_connection(hook("radarr"))),
    ]
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        ("POST", f"{SEERR_WEBHOOK_PATH}/test", seerr_agent(hook("seerr"))),
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent(hook("seerr"))),
    ]
    # Saved once each; Seerr's agent reads back its own default template.
    assert fakes.sonarr.notifications == [
        {**sonarr_connection(hook("sonarr")), "id": 1}
    ]
    assert fakes.radarr.notifications == [
        {**radarr_connection(hook("radarr")), "id": 1}
    ]
    assert fakes.seerr.agent["enabled"] is True
    assert fakes.seerr.template == SEERR_DEFAULT_TEMPLATE == SEERR_TEMPLATE
    # The test events arrived through the hub's own webhook handler.
    hub = mock_config_entry.runtime_data
    assert set(hub.last_webhook) == {SUBENTRY_IDS[s] for s in REGISTRABLE}


def test_seerr_payload_is_seerr_default_encoded_once_more() -> None:
    """jsonPayload is a JSON string holding JSON text, as Seerr's UI sends it."""
    assert SEERR_JSON_PAYLOAD.startswith('"{\\n  \\"notification_type\\": ')
    assert json.loads(json.loads(SEERR_JSON_PAYLOAD)) == SEERR_DEFAULT_TEMPLATE


@pytest.mark.parametrize("consenting", [()])
async def test_without_consent_nothing_is_registered(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Services without the flag are not touched, not even read."""
    await setup_hub(hass, mock_config_entry)
    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["sonarr"])
    await settle(hass)
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await settle(hass)

    for service in REGISTRABLE:
        assert registration_calls(upstream, URLS[service]) == []


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_external_url_when_internal_fails(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """The external URL is used when the internal one does not reach Home Assistant."""
    fakes.sonarr.reachable = {HA_EXTERNAL}
    await setup_hub(hass, mock_config_entry)

    external = hook("sonarr", HA_EXTERNAL)
    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("POST", f"{NOTIFICATION_PATH}/test", sonarr_connection(hook("sonarr"))),
        ("POST", f"{NOTIFICATION_PATH}/test", sonarr_connection(external)),
        ("POST", CONNECTIONS, sonarr_connection(external)),
    ]


@pytest.mark.parametrize(("services", "consenting"), [(("radarr",), ("radarr",))])
async def test_no_url_reaches_home_assistant(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing is saved; one warning names the addresses tried, later ones are debug."""
    fakes.radarr.reachable = set()
    await setup_hub(hass, mock_config_entry)

    assert [call[:2] for call in registration_calls(upstream, URLS["radarr"])] == [
        ("GET", NOTIFICATION_PATH),
        ("POST", f"{NOTIFICATION_PATH}/test"),
        ("POST", f"{NOTIFICATION_PATH}/test"),
    ]
    assert fakes.radarr.notifications == []
    assert warnings(caplog) == [
        (
            "Could not set up the webhook in Radarr (its test did not reach Home "
            f"Assistant at {HA_INTERNAL}, {HA_EXTERNAL}); set it up by hand as the "
            "documentation describes"
        )
    ]

    # Home Assistant's URL is saved again: tried again, not warned again.
    await hass.config.async_update(internal_url=HA_INTERNAL)
    await settle(hass)
    assert len(fakes.radarr.tested_urls) == 4
    assert len(warnings(caplog)) == 1

    # Once it works, it is registered; a later failure warns again.
    fakes.radarr.reachable = {HA_INTERNAL}
    await hass.config.async_update(internal_url=HA_INTERNAL)
    await settle(hass)
    assert fakes.radarr.notifications == [
        {**radarr_connection(hook("radarr")), "id": 1}
    ]
    fakes.radarr.fail_status = 500
    await hass.config.async_update(internal_url=HA_INTERNAL)
    await settle(hass)
    assert len(warnings(caplog)) == 2
    assert_no_secrets(caplog)


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_test_passing_without_delivery_is_not_enough(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An address that answers 2xx but is not this Home Assistant is not registered."""
    caplog.set_level(logging.DEBUG, logger="custom_components.status_tracker")
    fakes.sonarr.delivers = False
    await setup_hub(hass, mock_config_entry)

    assert fakes.sonarr.tested_urls == [hook("sonarr"), hook("sonarr", HA_EXTERNAL)]
    assert fakes.sonarr.notifications == []
    assert "passed, but nothing reached the webhook" in caplog.text
    assert_no_secrets(caplog)


# --- Restart, reload and URL changes ------------------------------------------


async def test_reload_and_restart_do_not_duplicate(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """A current registration is found and left alone: no test, no write."""
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await settle(hass)

    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None)
    ]
    assert registration_calls(upstream, URLS["radarr"]) == [
        ("GET", NOTIFICATION_PATH, None)
    ]
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None)
    ]
    assert len(fakes.sonarr.notifications) == 1
    assert len(fakes.radarr.notifications) == 1


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_manual_connection_is_adopted(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """A connection the user made with this webhook's URL is kept, not doubled."""
    manual = fakes.sonarr.add(
        {
            **sonarr_connection(hook("sonarr")),
            "name": "Home Assistant",
            "onRename": True,
        }
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None)
    ]
    assert fakes.sonarr.notifications == [manual]


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_changed_home_assistant_url_is_updated(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """A registration with an old address is tested at the new one and updated."""
    existing = fakes.sonarr.add(
        {
            **sonarr_connection(hook("sonarr", OLD_INTERNAL)),
            "tags": [3],
            "fields": [
                {"name": "url", "value": hook("sonarr", OLD_INTERNAL)},
                {"name": "method", "value": 1},
                {"name": "username", "value": "ha"},
                {"name": "password", "value": "********"},
                {"name": "headers", "value": [{"key": "X-A", "value": "b"}]},
            ],
        }
    )
    await setup_hub(hass, mock_config_entry)

    # Only the URL changes; the user's tags, credentials and headers stay.
    updated = copy.deepcopy(existing)
    updated["fields"][0]["value"] = hook("sonarr")
    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("POST", f"{NOTIFICATION_PATH}/test", sonarr_connection(hook("sonarr"))),
        ("PUT", f"{NOTIFICATION_PATH}/1?forceSave=true", updated),
    ]
    assert fakes.sonarr.notifications == [updated]


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_home_assistant_url_change_while_running(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Changing Home Assistant's internal URL updates the registration at once."""
    fakes.sonarr.reachable = {NEW_INTERNAL}
    fakes.sonarr.add(sonarr_connection(hook("sonarr")))
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    # Other settings do not matter.
    await hass.config.async_update(location_name="Home")
    await settle(hass)
    assert registration_calls(upstream, URLS["sonarr"]) == []

    await hass.config.async_update(internal_url=NEW_INTERNAL)
    await settle(hass)
    assert [call[:2] for call in registration_calls(upstream, URLS["sonarr"])] == [
        ("GET", NOTIFICATION_PATH),
        ("POST", f"{NOTIFICATION_PATH}/test"),
        ("PUT", f"{NOTIFICATION_PATH}/1?forceSave=true"),
    ]
    assert fakes.sonarr.notifications[0]["fields"][0]["value"] == hook(
        "sonarr", NEW_INTERNAL
    )


@pytest.mark.parametrize(("services", "consenting"), [(("radarr",), ("radarr",))])
async def test_connection_found_by_name(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """A connection of the integration's name (another webhook) is reused."""
    stale = f"{HA_INTERNAL}/api/webhook/{'f' * 64}"
    fakes.radarr.add({"name": "Plex", "implementation": "Plex", "fields": []})
    fakes.radarr.add(radarr_connection(stale))
    await setup_hub(hass, mock_config_entry)

    calls = registration_calls(upstream, URLS["radarr"])
    assert [call[:2] for call in calls] == [
        ("GET", NOTIFICATION_PATH),
        ("POST", f"{NOTIFICATION_PATH}/test"),
        ("PUT", f"{NOTIFICATION_PATH}/2?forceSave=true"),
    ]
    assert calls[2][2] == {**radarr_connection(hook("radarr")), "id": 2}
    assert len(fakes.radarr.notifications) == 2


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_missing_triggers_switched_on_without_test(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """A current URL with a trigger off (or PUT) is fixed without a test event."""
    existing = fakes.sonarr.add(
        {
            **sonarr_connection(hook("sonarr")),
            "onGrab": False,
            "onRename": True,
            # No method field at all: it is added.
            "fields": [{"name": "url", "value": hook("sonarr")}, "junk"],
        }
    )
    await setup_hub(hass, mock_config_entry)

    expected = {
        **existing,
        "onGrab": True,
        "fields": [
            {"name": "url", "value": hook("sonarr")},
            {"name": "method", "value": 1},
        ],
    }
    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("PUT", f"{NOTIFICATION_PATH}/1?forceSave=true", expected),
    ]


# --- Seerr's single agent ------------------------------------------------------


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_agent_of_someone_else_is_left_alone(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An agent that is on and sends elsewhere is not replaced."""
    fakes.seerr.set_agent(
        enabled=True,
        types=4062,
        webhook_url="http://n8n.lan/webhook/requests",
        template='{"text": "{{subject}}"}',
    )
    agent = copy.deepcopy(fakes.seerr.agent)
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None)
    ]
    assert fakes.seerr.agent == agent
    assert warnings(caplog) == [
        (
            "Could not set up the webhook in Seerr (seerr.local) (its webhook agent "
            "already sends to another address); set it up by hand as the "
            "documentation describes"
        )
    ]


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_agent_that_is_off_is_taken(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """An agent that is off may be replaced: the user agreed to it."""
    fakes.seerr.set_agent(
        enabled=False, types=2, webhook_url="http://old.lan/x", template="{}"
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"])[-1] == (
        "POST",
        SEERR_WEBHOOK_PATH,
        seerr_agent(hook("seerr")),
    )


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
@pytest.mark.parametrize("template", ['{"text": "{{subject}}"}', "not JSON"])
async def test_seerr_changed_template_restored_without_test(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    template: str,
) -> None:
    """Our agent with another template is rewritten; extra types are kept."""
    fakes.seerr.set_agent(
        enabled=True, types=4062, webhook_url=hook("seerr"), template=template
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent(hook("seerr"), types=8158)),
    ]


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_changed_url_updated(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Our agent at an old address is tested at the new one, then saved."""
    fakes.seerr.set_agent(
        enabled=True,
        types=222,
        webhook_url=hook("seerr", OLD_INTERNAL),
        template=json.dumps(SEERR_DEFAULT_TEMPLATE),
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        ("POST", f"{SEERR_WEBHOOK_PATH}/test", seerr_agent(hook("seerr"))),
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent(hook("seerr"))),
    ]


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_agent_gains_watchlist_auto_requests(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Our agent of an older version (mask 222) also gets MEDIA_AUTO_REQUESTED (4096)."""
    fakes.seerr.set_agent(
        enabled=True,
        types=222,
        webhook_url=hook("seerr"),
        template=json.dumps(SEERR_DEFAULT_TEMPLATE),
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent(hook("seerr"), types=222 | 4096)),
    ]


# --- Removing -------------------------------------------------------------------


async def test_removed_service_loses_its_webhook(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Removing a subentry deletes its connection (Seerr: turns the agent off)."""
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["sonarr"])
    await settle(hass)
    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("DELETE", f"{NOTIFICATION_PATH}/1", None),
    ]
    assert fakes.sonarr.notifications == []
    # The others are only checked by the reload.
    assert registration_calls(upstream, URLS["radarr"]) == [
        ("GET", NOTIFICATION_PATH, None)
    ]
    assert SUBENTRY_IDS["sonarr"] not in mock_config_entry.runtime_data.instances

    upstream.mock_calls.clear()
    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["seerr"])
    await settle(hass)
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent("", enabled=False)),
    ]
    assert fakes.seerr.agent["enabled"] is False


async def test_removed_hub_loses_its_webhooks(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Deleting the hub removes every registration it made."""
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await settle(hass)

    assert registration_calls(upstream, URLS["sonarr"])[-1] == (
        "DELETE",
        f"{NOTIFICATION_PATH}/1",
        None,
    )
    assert registration_calls(upstream, URLS["radarr"])[-1] == (
        "DELETE",
        f"{NOTIFICATION_PATH}/1",
        None,
    )
    assert fakes.sonarr.notifications == fakes.radarr.notifications == []
    assert fakes.seerr.agent["enabled"] is False
    assert fakes.seerr.agent["options"]["webhookUrl"] == ""


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_connection_deleted_by_the_user_is_not_an_error(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing left to delete: only the list is read, nothing is logged."""
    await setup_hub(hass, mock_config_entry)
    fakes.sonarr.notifications.clear()
    upstream.mock_calls.clear()

    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["sonarr"])
    await settle(hass)

    assert registration_calls(upstream, URLS["sonarr"]) == [
        ("GET", NOTIFICATION_PATH, None)
    ]
    assert "Removed the webhook" not in caplog.text
    assert warnings(caplog) == []


@pytest.mark.parametrize(("services", "consenting"), [(REGISTRABLE, ("sonarr",))])
async def test_removal_failure_is_logged_and_reload_happens(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A service that cannot be reached keeps its connection; the hub reloads."""
    await setup_hub(hass, mock_config_entry)
    fakes.sonarr.fail_status = 503

    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["sonarr"])
    await settle(hass)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert SUBENTRY_IDS["sonarr"] not in mock_config_entry.runtime_data.instances
    assert warnings(caplog) == [
        (
            "Could not remove the webhook from Sonarr (Sonarr at sonarr.local:8989: GET "
            "/api/v3/notification answered HTTP 503); delete it there by hand"
        )
    ]


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_unexpected_removal_error_does_not_block_the_reload(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in the removal is logged; the hub still reloads."""
    await setup_hub(hass, mock_config_entry)
    with patch.object(
        webhook_registration,
        "async_unregister_webhook",
        side_effect=RuntimeError("boom"),
    ):
        hass.config_entries.async_remove_subentry(
            mock_config_entry, SUBENTRY_IDS["sonarr"]
        )
        await settle(hass)

    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert "Unexpected error removing the webhook from Sonarr" in caplog.text


# --- Errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("services", "consenting"), [(REGISTRABLE, ("sonarr", "radarr"))]
)
async def test_unexpected_error_does_not_stop_the_others(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug while setting up one service is logged; the next one is still done."""
    original = webhook_registration.async_register_webhook

    async def fail_for_sonarr(
        hass: HomeAssistant, client: Any, *args: Any, **kwargs: Any
    ) -> Any:
        if isinstance(client, SonarrClient):
            raise RuntimeError("boom")  # noqa: TRY004
        return await original(hass, client, *args, **kwargs)

    with patch.object(
        webhook_registration, "async_register_webhook", side_effect=fail_for_sonarr
    ):
        await setup_hub(hass, mock_config_entry)

    assert "Unexpected error setting up the webhook in Sonarr" in caplog.text
    assert len(fakes.radarr.notifications) == 1


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_refused_key_during_test_stops(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A refused API key is not retried with the external URL."""
    fakes.sonarr.fail_test_status = 401
    await setup_hub(hass, mock_config_entry)

    assert fakes.sonarr.notifications == []
    assert len(warnings(caplog)) == 1
    assert "refused (HTTP 401)" in warnings(caplog)[0]


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_no_secret_in_logs(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Debug logs of a fallback, a registration and a removal hold no secret."""
    caplog.set_level(logging.DEBUG)
    fakes.sonarr.reachable = {HA_EXTERNAL}
    await setup_hub(hass, mock_config_entry)
    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["sonarr"])
    await settle(hass)

    assert "Webhook test through http://192.168.1.20:8123 failed" in caplog.text
    assert (
        "Sonarr now sends its webhook to Home Assistant at https://ha.example.com"
        in caplog.text
    )
    assert "Removed the webhook from Sonarr" in caplog.text
    assert_no_secrets(caplog)


# --- Direct calls ---------------------------------------------------------------


@pytest.fixture
async def webhook_component(hass: HomeAssistant) -> None:
    """Set up Home Assistant's webhook endpoint without the integration."""
    assert await async_setup_component(hass, "webhook", {})


def sonarr_client(hass: HomeAssistant) -> SonarrClient:
    """Return a Sonarr client on the mocked session."""
    return SonarrClient(
        async_get_clientsession(hass), URLS["sonarr"], API_KEYS["sonarr"]
    )


@pytest.mark.usefixtures("webhook_component")
async def test_service_being_added_gets_a_stand_in_handler(
    hass: HomeAssistant, fakes: Fakes
) -> None:
    """Without a hub, a temporary handler answers (and counts) the test event."""
    result = await async_register_webhook(
        hass, sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
    )

    assert result.outcome is Outcome.REGISTERED
    assert result.url == hook("sonarr")
    # The stand-in is gone afterwards.
    assert WEBHOOK_IDS["sonarr"] not in hass.data.get(webhook.DOMAIN, {})


@pytest.mark.usefixtures("webhook_component")
async def test_webhook_answered_by_someone_else(
    hass: HomeAssistant, fakes: Fakes
) -> None:
    """A webhook id held by another handler, with no hub to count: not reached."""

    async def other(hass: HomeAssistant, webhook_id: str, request: Any) -> None:
        return None

    webhook.async_register(hass, "other", "Other", WEBHOOK_IDS["sonarr"], other)
    result = await async_register_webhook(
        hass, sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
    )

    assert result.outcome is Outcome.UNREACHABLE
    assert fakes.sonarr.notifications == []


async def test_no_home_assistant_url(hass: HomeAssistant, fakes: Fakes) -> None:
    """Without any Home Assistant URL nothing is asked."""
    with patch.object(webhook, "async_generate_url", side_effect=NoURLAvailableError):
        result = await async_register_webhook(
            hass, sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
        )

    assert result.outcome is Outcome.NO_URL
    assert fakes.sonarr.tested_urls == []


async def test_same_internal_and_external_url_tried_once(
    hass: HomeAssistant, fakes: Fakes
) -> None:
    """One address configured as both is tested once."""
    await async_process_ha_core_config(
        hass, {"internal_url": HA_EXTERNAL, "external_url": HA_EXTERNAL}
    )
    fakes.sonarr.reachable = set()
    result = await async_register_webhook(
        hass, sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
    )

    assert result.outcome is Outcome.UNREACHABLE
    assert fakes.sonarr.tested_urls == [hook("sonarr", HA_EXTERNAL)]


async def test_unsupported_service(hass: HomeAssistant) -> None:
    """Jellyfin has no API for its webhook plugin's destinations here."""
    client = JellyfinClient(
        async_get_clientsession(hass), URLS["jellyfin"], API_KEYS["jellyfin"]
    )

    result = await async_register_webhook(
        hass, client, WEBHOOK_IDS["jellyfin"], HUB_NAME
    )

    assert result.outcome is Outcome.FAILED
    assert not result.ok
    assert (
        await async_unregister_webhook(client, WEBHOOK_IDS["jellyfin"], HUB_NAME)
        is False
    )


@pytest.mark.usefixtures("webhook_component")
async def test_create_answer_without_id(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker, hass_client_no_auth: Any
) -> None:
    """A create answer without an id is an error."""
    base = f"{URLS['sonarr']}{NOTIFICATION_PATH}"
    aioclient_mock.get(
        base,
        json=[
            1,
            {"name": "no id"},
            {"id": 4, "name": "Odd", "implementation": "Webhook", "fields": "bad"},
        ],
    )
    client = await hass_client_no_auth()

    async def deliver(method: str, url: Any, data: Any) -> Any:
        await client.post(f"/api/webhook/{WEBHOOK_IDS['sonarr']}", json={})
        return AiohttpClientMockResponse(method, url, json="{}")

    aioclient_mock.post(f"{base}/test", side_effect=deliver)
    aioclient_mock.post(base, status=201, json={"name": registration_name(HUB_NAME)})

    result = await async_register_webhook(
        hass, sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
    )

    assert result.outcome is Outcome.FAILED
    assert result.detail == (
        "Sonarr at sonarr.local:8989: POST /api/v3/notification did not answer an id"
    )


async def test_connection_gone_before_delete(hass: HomeAssistant, fakes: Fakes) -> None:
    """A connection deleted meanwhile counts as not removed, without an error."""
    fakes.sonarr.add(sonarr_connection(hook("sonarr")))
    with patch.object(
        SonarrClient, "async_delete_notification", side_effect=NotFound("gone")
    ):
        removed = await async_unregister_webhook(
            sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
        )

    assert removed is False


async def test_only_this_webhooks_connection_is_removed(
    hass: HomeAssistant, fakes: Fakes, upstream: AiohttpClientMocker
) -> None:
    """A connection found by name alone belongs to another webhook: kept."""
    fakes.sonarr.add(sonarr_connection(hook("radarr")))
    radarr = RadarrClient(
        async_get_clientsession(hass), URLS["radarr"], API_KEYS["radarr"]
    )

    assert (
        await async_unregister_webhook(
            sonarr_client(hass), WEBHOOK_IDS["sonarr"], HUB_NAME
        )
        is False
    )
    assert (
        await async_unregister_webhook(radarr, WEBHOOK_IDS["radarr"], HUB_NAME) is False
    )
    assert len(fakes.sonarr.notifications) == 1


async def test_seerr_agent_of_someone_else_is_not_removed(
    hass: HomeAssistant, fakes: Fakes, upstream: AiohttpClientMocker
) -> None:
    """Seerr's agent is only turned off when it sends to this webhook."""
    fakes.seerr.set_agent(
        enabled=True, types=222, webhook_url="http://n8n.lan/x", template="{}"
    )
    client = SeerrClient(
        async_get_clientsession(hass), URLS["seerr"], API_KEYS["seerr"]
    )

    assert (
        await async_unregister_webhook(client, WEBHOOK_IDS["seerr"], HUB_NAME) is False
    )
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None)
    ]


async def test_seerr_odd_settings(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Missing options and a non-text payload read as empty; removal restores it."""
    url = f"{URLS['seerr']}{SEERR_WEBHOOK_PATH}"
    client = SeerrClient(
        async_get_clientsession(hass), URLS["seerr"], API_KEYS["seerr"]
    )
    aioclient_mock.get(url, json={"enabled": True, "types": 222, "options": None})
    settings = await client.async_get_webhook_settings()
    assert (settings.webhook_url, settings.template) == ("", "")

    aioclient_mock.clear_requests()
    aioclient_mock.get(
        url,
        json={
            "enabled": True,
            "types": 222,
            "options": {"webhookUrl": hook("seerr"), "jsonPayload": {"a": 1}},
        },
    )
    aioclient_mock.post(url, json={})
    assert (
        await async_unregister_webhook(client, WEBHOOK_IDS["seerr"], HUB_NAME) is True
    )
    assert aioclient_mock.mock_calls[-1][2] == seerr_agent("", enabled=False, types=222)


@pytest.mark.parametrize(("services", "consenting"), [(("sonarr",), ("sonarr",))])
async def test_two_hubs_on_one_sonarr_each_own_their_connection(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Two hubs never adopt each other's connection; removing one keeps the other."""
    other_hook = f"{HA_INTERNAL}/api/webhook/{'e' * 64}"
    subentry = subentry_data("sonarr")
    subentry["data"].update({CONF_REGISTER_WEBHOOK: True, "webhook_id": "e" * 64})
    subentry["subentry_id"] = "other_sonarr"
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Other stack",
        unique_id="other_stack",
        data={"name": "Other stack"},
        options=dict(DEFAULT_OPTIONS),
        subentries_data=[subentry],
    )
    await setup_hub(hass, mock_config_entry)
    await setup_hub(hass, other)
    ours = {**sonarr_connection(hook("sonarr")), "id": 1}
    theirs = {**sonarr_connection(other_hook, "Other stack"), "id": 2}
    assert fakes.sonarr.notifications == [ours, theirs]

    # Restarts of either hub find their own connection current: nothing is sent.
    upstream.mock_calls.clear()
    for entry in (mock_config_entry, other, mock_config_entry):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await settle(hass)
    assert {call[0] for call in registration_calls(upstream, URLS["sonarr"])} == {"GET"}
    assert fakes.sonarr.notifications == [ours, theirs]

    hass.config_entries.async_remove_subentry(other, "other_sonarr")
    await settle(hass)
    assert fakes.sonarr.notifications == [ours]


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_two_hubs_on_one_seerr_never_take_turns(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """Seerr has one agent: the first hub keeps it, the second never takes it over."""
    subentry = subentry_data("seerr")
    subentry["data"].update({CONF_REGISTER_WEBHOOK: True, "webhook_id": "e" * 64})
    subentry["subentry_id"] = "other_seerr"
    other = MockConfigEntry(
        domain=DOMAIN,
        title="Other stack",
        unique_id="other_stack",
        data={"name": "Other stack"},
        options=dict(DEFAULT_OPTIONS),
        subentries_data=[subentry],
    )
    await setup_hub(hass, mock_config_entry)
    await setup_hub(hass, other)
    assert fakes.seerr.agent["options"]["webhookUrl"] == hook("seerr")

    upstream.mock_calls.clear()
    for entry in (other, mock_config_entry, other):
        assert await hass.config_entries.async_reload(entry.entry_id)
        await settle(hass)
    assert {call[0] for call in registration_calls(upstream, URLS["seerr"])} == {"GET"}
    assert fakes.seerr.agent["options"]["webhookUrl"] == hook("seerr")

    hass.config_entries.async_remove_subentry(other, "other_seerr")
    await settle(hass)
    assert fakes.seerr.agent["enabled"] is True
    assert fakes.seerr.agent["options"]["webhookUrl"] == hook("seerr")
