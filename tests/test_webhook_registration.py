"""Setting the webhook up in Seerr, Sonarr and Radarr, keeping it current, removing it.

The services are fakes (tests/registration_fakes.py) that keep what was saved
and, on a test call, post their real test payload to Home Assistant.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from http import HTTPStatus
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
    SeerrPayloadEncoding,
    SeerrWebhookSettings,
    SonarrClient,
    UnexpectedResponse,
)
from custom_components.status_tracker.const import CONF_REGISTER_WEBHOOK, DOMAIN
from custom_components.status_tracker.options import DEFAULT_OPTIONS
from custom_components.status_tracker.webhook_registration import (
    SEERR_TEMPLATE,
    SEERR_TEMPLATE_TEXT,
    Outcome,
    async_register_webhook,
    async_unregister_webhook,
    registration_name,
)

from .conftest import API_KEYS, ENTRY_ID, SUBENTRY_IDS, URLS, WEBHOOK_IDS, subentry_data
from .flows import load_fixture
from .registration_fakes import (
    CONNECTIONS,
    HA_EXTERNAL,
    HA_INTERNAL,
    HUB_NAME,
    NOTIFICATION_PATH,
    SEERR_DEFAULT_TEMPLATE,
    SEERR_JSON_PAYLOAD,
    SEERR_MEDIA_PENDING_NOTICE,
    SEERR_TEMPLATE_TEXT as SEERR_DEFAULT_TEXT,
    SEERR_TEST_NOTICE,
    SEERR_WEBHOOK_PATH,
    FakeArr,
    FakeSeerr,
    radarr_connection,
    registration_calls,
    seerr_agent,
    seerr_fill,
    seerr_tested_and_saved,
    sonarr_connection,
)

OLD_INTERNAL = "http://192.168.1.10:8123"
NEW_INTERNAL = "http://192.168.1.30:8123"
REGISTRABLE = ("seerr", "sonarr", "radarr")
# The sensor the request of SEERR_MEDIA_PENDING_NOTICE gets.
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
# Seerr 3.x since March 2026 (the routes encode the template) and older ones.
SEERR_KINDS = pytest.mark.parametrize(
    "seerr_encodes_payload", [True, False], ids=["current_seerr", "older_seerr"]
)


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
def seerr_encodes_payload() -> bool:
    """Return True for a current Seerr, False for an older one (FakeSeerr)."""
    return True


@pytest.fixture
def fakes(
    upstream: AiohttpClientMocker,
    hass_client_no_auth: Any,
    seerr_encodes_payload: bool,
) -> Fakes:
    """Fake the registration APIs of Seerr, Sonarr and Radarr."""
    return Fakes(
        seerr=FakeSeerr(
            upstream,
            URLS["seerr"],
            hass_client_no_auth,
            encodes_payload=seerr_encodes_payload,
        ),
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


def test_seerr_payload_is_seerr_default_in_both_forms() -> None:
    """The template as text (current Seerr) or as a JSON string of it (older)."""
    assert SEERR_TEMPLATE_TEXT == SEERR_DEFAULT_TEXT
    assert SEERR_DEFAULT_TEXT.startswith('{\n  "notification_type": ')
    assert json.loads(SEERR_DEFAULT_TEXT) == SEERR_DEFAULT_TEMPLATE
    assert SEERR_JSON_PAYLOAD.startswith('"{\\n  \\"notification_type\\": ')
    assert json.loads(json.loads(SEERR_JSON_PAYLOAD)) == SEERR_DEFAULT_TEMPLATE


def test_fake_seerr_fills_the_template_as_seerr_does() -> None:
    """Filled, Seerr's default template gives the captured payloads."""
    assert seerr_fill(SEERR_DEFAULT_TEMPLATE, SEERR_TEST_NOTICE) == load_fixture(
        "jellyseerr/test_notification.json"
    )
    assert seerr_fill(
        SEERR_DEFAULT_TEMPLATE, SEERR_MEDIA_PENDING_NOTICE
    ) == load_fixture("jellyseerr/media_pending.json")


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


@SEERR_KINDS
@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_notifications_arrive_after_registration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
    seerr_encodes_payload: bool,
) -> None:
    """The template is saved in the form this Seerr takes: its requests arrive.

    An older Seerr fails the test with the template as text, so it is tested
    and saved JSON-encoded.
    """
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(hook("seerr"), encodes_payload=seerr_encodes_payload),
    ]
    assert fakes.seerr.template == SEERR_DEFAULT_TEMPLATE
    assert await fakes.seerr.async_send(SEERR_MEDIA_PENDING_NOTICE) == HTTPStatus.OK
    await settle(hass)
    assert hass.states.get(MOVIE_SENSOR).state == "requested"
    assert warnings(caplog) == []


@SEERR_KINDS
@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_reload_sends_nothing_and_warns_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a reload the agent is found current: read only, and it still sends."""
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await settle(hass)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None)
    ]
    assert warnings(caplog) == []
    assert await fakes.seerr.async_send(SEERR_MEDIA_PENDING_NOTICE) == HTTPStatus.OK


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_template_saved_in_the_older_form_is_repaired(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A current Seerr given the JSON-encoded template (earlier versions) is fixed.

    Saved that way, the template is encoded once too often and no notification
    can be built; the agent is tested at its URL and saved as text.
    """
    fakes.seerr.set_agent(
        enabled=True,
        types=222,
        webhook_url=hook("seerr"),
        template=SEERR_JSON_PAYLOAD,
    )
    assert await fakes.seerr.async_send(SEERR_MEDIA_PENDING_NOTICE) is None

    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(hook("seerr")),
    ]
    assert await fakes.seerr.async_send(SEERR_MEDIA_PENDING_NOTICE) == HTTPStatus.OK
    assert warnings(caplog) == []


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


@SEERR_KINDS
@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
@pytest.mark.parametrize("template", ['{"text": "{{subject}}"}', "not JSON"])
async def test_seerr_changed_template_restored_after_test(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    template: str,
    seerr_encodes_payload: bool,
) -> None:
    """Our agent with another template is tested at its URL and rewritten.

    Only the test tells which form the template takes; extra types are kept.
    """
    fakes.seerr.set_agent(
        enabled=True, types=4062, webhook_url=hook("seerr"), template=template
    )
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(
            hook("seerr"), encodes_payload=seerr_encodes_payload, types=8158
        ),
    ]
    assert fakes.seerr.template == SEERR_DEFAULT_TEMPLATE


@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_changed_template_keeps_its_external_url(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
) -> None:
    """The test that decides the form is sent to the agent's current URL first."""
    external = hook("seerr", HA_EXTERNAL)
    fakes.seerr.set_agent(enabled=True, types=222, webhook_url=external, template="{}")
    await setup_hub(hass, mock_config_entry)

    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(external),
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

    # Rewritten, it is tested first (the test decides the payload's form).
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(hook("seerr"), types=222 | 4096),
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
        ("GET", SEERR_WEBHOOK_PATH, None),
    ]
    assert fakes.seerr.agent["enabled"] is False


@SEERR_KINDS
@pytest.mark.parametrize(("services", "consenting"), [(("seerr",), ("seerr",))])
async def test_seerr_agent_turned_off_keeps_a_template_it_can_send(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    fakes: Fakes,
    upstream: AiohttpClientMocker,
    seerr_encodes_payload: bool,
) -> None:
    """Removed, the agent is off and its template saved in the form Seerr takes.

    No test can be sent there: the template read back tells the form. Turned
    on again in Seerr, the agent would send.
    """
    await setup_hub(hass, mock_config_entry)
    upstream.mock_calls.clear()

    hass.config_entries.async_remove_subentry(mock_config_entry, SUBENTRY_IDS["seerr"])
    await settle(hass)

    turned_off = [
        ("POST", SEERR_WEBHOOK_PATH, seerr_agent("", enabled=False)),
        ("GET", SEERR_WEBHOOK_PATH, None),
    ]
    if not seerr_encodes_payload:
        turned_off.append(
            (
                "POST",
                SEERR_WEBHOOK_PATH,
                seerr_agent("", enabled=False, payload=SEERR_JSON_PAYLOAD),
            )
        )
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *turned_off,
    ]
    assert fakes.seerr.agent["enabled"] is False
    assert fakes.seerr.agent["options"]["webhookUrl"] == ""
    assert fakes.seerr.template == SEERR_DEFAULT_TEMPLATE


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


def seerr_client(hass: HomeAssistant) -> SeerrClient:
    """Return a Seerr client on the mocked session."""
    return SeerrClient(async_get_clientsession(hass), URLS["seerr"], API_KEYS["seerr"])


@SEERR_KINDS
@pytest.mark.usefixtures("webhook_component")
async def test_fake_seerr_cannot_send_a_template_in_the_other_form(
    hass: HomeAssistant, fakes: Fakes, seerr_encodes_payload: bool
) -> None:
    """Accepted in the other server's form, the template never builds a payload.

    The test route answers 500 without posting; a saved agent posts nothing.
    """
    other_form = (
        SeerrPayloadEncoding.JSON_STRING
        if seerr_encodes_payload
        else SeerrPayloadEncoding.TEMPLATE_TEXT
    )
    settings = SeerrWebhookSettings(
        enabled=True, types=222, webhook_url=hook("seerr"), template=SEERR_DEFAULT_TEXT
    )
    client = seerr_client(hass)

    with pytest.raises(UnexpectedResponse, match="answered HTTP 500"):
        await client.async_test_webhook_settings(settings, other_form)
    await client.async_set_webhook_settings(settings, other_form)

    assert fakes.seerr.tested_urls == []
    assert fakes.seerr.agent["options"]["webhookUrl"] == hook("seerr")
    assert await fakes.seerr.async_send(SEERR_MEDIA_PENDING_NOTICE) is None


@pytest.mark.usefixtures("webhook_component")
async def test_seerr_tries_both_forms_at_each_address(
    hass: HomeAssistant, fakes: Fakes, upstream: AiohttpClientMocker
) -> None:
    """A test that did not arrive may be the form: the other is tried, then the next URL."""
    fakes.seerr.reachable = set()
    result = await async_register_webhook(
        hass, seerr_client(hass), WEBHOOK_IDS["seerr"], HUB_NAME
    )

    assert result.outcome is Outcome.UNREACHABLE
    tests = [
        call[2]
        for call in registration_calls(upstream, URLS["seerr"])
        if call[1] == f"{SEERR_WEBHOOK_PATH}/test"
    ]
    external = hook("seerr", HA_EXTERNAL)
    assert tests == [
        seerr_agent(hook("seerr")),
        seerr_agent(hook("seerr"), payload=SEERR_JSON_PAYLOAD),
        seerr_agent(external),
        seerr_agent(external, payload=SEERR_JSON_PAYLOAD),
    ]
    assert fakes.seerr.agent["enabled"] is False


@pytest.mark.usefixtures("webhook_component")
async def test_seerr_refused_key_is_not_tried_in_the_other_form(
    hass: HomeAssistant, fakes: Fakes, upstream: AiohttpClientMocker
) -> None:
    """A refused API key fails at once: no second form, no second URL."""
    fakes.seerr.fail_test_status = 403
    result = await async_register_webhook(
        hass, seerr_client(hass), WEBHOOK_IDS["seerr"], HUB_NAME
    )

    assert result.outcome is Outcome.FAILED
    assert "refused (HTTP 403)" in result.detail
    assert [call[:2] for call in registration_calls(upstream, URLS["seerr"])] == [
        ("GET", SEERR_WEBHOOK_PATH),
        ("POST", f"{SEERR_WEBHOOK_PATH}/test"),
    ]


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
    client = seerr_client(hass)

    assert (
        await async_unregister_webhook(client, WEBHOOK_IDS["seerr"], HUB_NAME) is False
    )
    assert registration_calls(upstream, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None)
    ]


async def test_seerr_odd_settings(
    hass: HomeAssistant, aioclient_mock: AiohttpClientMocker
) -> None:
    """Missing options and a non-text payload read as empty; removal restores it.

    The payload read back stays unreadable, so the JSON-encoded form is sent last.
    """
    url = f"{URLS['seerr']}{SEERR_WEBHOOK_PATH}"
    client = seerr_client(hass)
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
    assert [call[2] for call in aioclient_mock.mock_calls if call[0] == "POST"] == [
        seerr_agent("", enabled=False, types=222),
        seerr_agent("", enabled=False, types=222, payload=SEERR_JSON_PAYLOAD),
    ]


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
