"""The subentry flows' "set up the webhook for me" box, step by step."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.components import webhook
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.setup import async_setup_component
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker import config_flow
from custom_components.status_tracker.const import (
    CONF_API_KEY,
    CONF_REGISTER_WEBHOOK,
    CONF_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    DEFAULT_HUB_NAME,
    DOMAIN,
)
from custom_components.status_tracker.options import DEFAULT_OPTIONS

from .conftest import API_KEYS, URLS, WEBHOOK_IDS
from .registration_fakes import (
    CONNECTIONS,
    HA_EXTERNAL,
    HA_INTERNAL,
    NOTIFICATION_PATH,
    SEERR_DEFAULT_TEMPLATE,
    SEERR_WEBHOOK_PATH,
    FakeArr,
    FakeSeerr,
    radarr_connection,
    registration_calls,
    seerr_tested_and_saved,
    sonarr_connection,
)

ARR_STATUS = {
    "sonarr": {"appName": "Sonarr", "instanceName": "Sonarr", "version": "4.0.19.2979"},
    "radarr": {"appName": "Radarr", "instanceName": "Radarr", "version": "5.28.0.1027"},
}


@pytest.fixture(autouse=True)
async def mock_setup_entry(hass: HomeAssistant) -> Any:
    """Keep the hub's setup out: the flow alone registers (stand-in handler)."""
    with (
        patch("custom_components.status_tracker.async_setup_entry", return_value=True),
        patch("custom_components.status_tracker.async_unload_entry", return_value=True),
    ):
        yield
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


@pytest.fixture(autouse=True)
async def ha_urls(hass: HomeAssistant) -> None:
    """Give Home Assistant its URLs and its webhook endpoint."""
    await async_process_ha_core_config(
        hass, {"internal_url": HA_INTERNAL, "external_url": HA_EXTERNAL}
    )
    assert await async_setup_component(hass, "webhook", {})


@pytest.fixture
def existing_subentries() -> list[dict[str, Any]]:
    """Subentries the hub starts with."""
    return []


@pytest.fixture
async def hub(
    hass: HomeAssistant, existing_subentries: list[dict[str, Any]]
) -> MockConfigEntry:
    """Return a loaded hub entry."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=DEFAULT_HUB_NAME,
        unique_id="media_stack",
        data={"name": DEFAULT_HUB_NAME},
        options=dict(DEFAULT_OPTIONS),
        subentries_data=existing_subentries,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
def seerr_encodes_payload() -> bool:
    """Return True for a current Seerr, False for an older one (FakeSeerr)."""
    return True


@pytest.fixture
def services(
    aioclient_mock: AiohttpClientMocker,
    hass_client_no_auth: Any,
    seerr_encodes_payload: bool,
) -> Any:
    """Answer the validation calls and fake the registration APIs."""
    for name, status in ARR_STATUS.items():
        aioclient_mock.get(f"{URLS[name]}/api/v3/system/status", json=status)
    aioclient_mock.get(f"{URLS['seerr']}/api/v1/status", json={"version": "3.1.0"})
    aioclient_mock.get(f"{URLS['seerr']}/api/v1/auth/me", json={"id": 1})
    return {
        "sonarr": FakeArr(
            aioclient_mock, URLS["sonarr"], "sonarr/test.json", hass_client_no_auth
        ),
        "radarr": FakeArr(
            aioclient_mock, URLS["radarr"], "radarr/test.json", hass_client_no_auth
        ),
        "seerr": FakeSeerr(
            aioclient_mock,
            URLS["seerr"],
            hass_client_no_auth,
            encodes_payload=seerr_encodes_payload,
        ),
    }


def user_input(service: str, *, register: bool) -> dict[str, Any]:
    """Return the user step input of a service."""
    return {
        CONF_URL: URLS[service],
        CONF_API_KEY: API_KEYS[service],
        CONF_VERIFY_SSL: True,
        CONF_REGISTER_WEBHOOK: register,
    }


async def submit_user_step(
    hass: HomeAssistant, hub: MockConfigEntry, service: str, *, register: bool
) -> Any:
    """Start a subentry flow and submit its form."""
    result = await hass.config_entries.subentries.async_init(
        (hub.entry_id, service), context={"source": SOURCE_USER}
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"], user_input(service, register=register)
    )


def placeholders(result: Mapping[str, Any]) -> Mapping[str, str]:
    """Return the description placeholders of a form."""
    values = result["description_placeholders"]
    assert values is not None
    return values


def only_subentry(hub: MockConfigEntry) -> Any:
    """Return the hub's one subentry."""
    (subentry,) = hub.subentries.values()
    return subentry


def hook_of(subentry: Any, base: str = HA_INTERNAL) -> str:
    """Return a subentry's webhook URL under a Home Assistant address."""
    return f"{base}/api/webhook/{subentry.data[CONF_WEBHOOK_ID]}"


@pytest.mark.parametrize("service", ["seerr", "sonarr", "radarr"])
async def test_box_is_offered_unticked(
    hass: HomeAssistant, hub: MockConfigEntry, service: str
) -> None:
    """Consent is explicit: the box starts unticked."""
    result = await hass.config_entries.subentries.async_init(
        (hub.entry_id, service), context={"source": SOURCE_USER}
    )

    keys = {str(key): key for key in result["data_schema"].schema}
    marker = keys[CONF_REGISTER_WEBHOOK]
    assert isinstance(marker, probatio.Required)
    assert marker.default() is False


async def test_without_consent_the_manual_steps_are_shown(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Unticked: nothing is asked of the service; the URL is shown."""
    result = await submit_user_step(hass, hub, "sonarr", register=False)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    subentry = only_subentry(hub)
    assert subentry.data[CONF_REGISTER_WEBHOOK] is False
    assert registration_calls(aioclient_mock, URLS["sonarr"]) == []


@pytest.mark.parametrize(
    ("service", "connection"),
    [("sonarr", sonarr_connection), ("radarr", radarr_connection)],
)
async def test_arr_connection_created(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
    service: str,
    connection: Any,
) -> None:
    """Tested at the internal URL, created, then confirmed with the host only."""
    result = await submit_user_step(hass, hub, service, register=True)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "registered"
    assert placeholders(result) == {"ha_url": HA_INTERNAL}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY

    subentry = only_subentry(hub)
    assert subentry.data[CONF_REGISTER_WEBHOOK] is True
    url = hook_of(subentry)
    assert registration_calls(aioclient_mock, URLS[service]) == [
        ("GET", NOTIFICATION_PATH, None),
        ("POST", f"{NOTIFICATION_PATH}/test", connection(url)),
        ("POST", CONNECTIONS, connection(url)),
    ]
    assert services[service].notifications == [{**connection(url), "id": 1}]
    # The stand-in handler that answered the test is gone.
    assert subentry.data[CONF_WEBHOOK_ID] not in hass.data[webhook.DOMAIN]


@pytest.mark.parametrize(
    "seerr_encodes_payload", [True, False], ids=["current_seerr", "older_seerr"]
)
async def test_seerr_agent_set_up(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
    seerr_encodes_payload: bool,
) -> None:
    """Seerr is tested through its own test route, then its agent is saved.

    The form of the template whose test arrived is the one saved on confirming.
    """
    result = await submit_user_step(hass, hub, "seerr", register=True)

    assert result["step_id"] == "registered"
    assert placeholders(result) == {"ha_url": HA_INTERNAL}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    url = hook_of(only_subentry(hub))
    assert registration_calls(aioclient_mock, URLS["seerr"]) == [
        ("GET", SEERR_WEBHOOK_PATH, None),
        *seerr_tested_and_saved(url, encodes_payload=seerr_encodes_payload),
    ]
    assert services["seerr"].template == SEERR_DEFAULT_TEMPLATE


async def test_external_url_confirmed(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any
) -> None:
    """The confirmation names the address that worked."""
    services["radarr"].reachable = {HA_EXTERNAL}
    result = await submit_user_step(hass, hub, "radarr", register=True)

    assert placeholders(result) == {"ha_url": HA_EXTERNAL}


@pytest.mark.parametrize(
    ("service", "prepare", "error"),
    [
        ("sonarr", {"reachable": set()}, "registration_unreachable"),
        ("radarr", {"delivers": False}, "registration_unreachable"),
        ("sonarr", {"fail_status": 500}, "registration_failed"),
        ("seerr", {"fail_status": 500}, "registration_failed"),
    ],
)
async def test_not_registered_shows_manual_steps(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    service: str,
    prepare: dict[str, Any],
    error: str,
) -> None:
    """Failing to register shows why, and the URL to set up by hand."""
    for name, value in prepare.items():
        setattr(services[service], name, value)
    result = await submit_user_step(hass, hub, service, register=True)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": error}
    webhook_url = placeholders(result)["webhook_url"]
    assert webhook_url.startswith(f"{HA_INTERNAL}/api/webhook/")
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Consent stays: a restart tries again.
    subentry = only_subentry(hub)
    assert subentry.data[CONF_REGISTER_WEBHOOK] is True
    assert webhook_url == hook_of(subentry)


async def test_nothing_saved_before_confirmation(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """A flow left at the confirmation has only tested: nothing is saved."""
    result = await submit_user_step(hass, hub, "sonarr", register=True)
    assert result["step_id"] == "registered"

    hass.config_entries.subentries.async_abort(result["flow_id"])

    assert [
        call[:2] for call in registration_calls(aioclient_mock, URLS["sonarr"])
    ] == [
        ("GET", NOTIFICATION_PATH),
        ("POST", f"{NOTIFICATION_PATH}/test"),
    ]
    assert services["sonarr"].notifications == []
    assert hub.subentries == {}


async def test_saving_fails_after_confirmation(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """If the service refuses the save, the manual steps follow."""
    result = await submit_user_step(hass, hub, "radarr", register=True)
    services["radarr"].fail_status = 500

    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "registration_failed"}
    assert (
        "Could not set up the webhook in Radarr: Radarr at radarr.local:7878: POST "
        "/api/v3/notification answered HTTP 500" in caplog.text
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_seerr_agent_in_use(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any
) -> None:
    """Seerr's one agent, on and sending elsewhere, is not taken over."""
    services["seerr"].set_agent(
        enabled=True, types=222, webhook_url="http://n8n.lan/x", template="{}"
    )
    result = await submit_user_step(hass, hub, "seerr", register=True)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "registration_in_use"}
    assert services["seerr"].agent["options"]["webhookUrl"] == "http://n8n.lan/x"


async def test_unexpected_registration_error(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug while registering is logged and shown as a failure."""
    with patch.object(
        config_flow, "async_check_webhook", side_effect=RuntimeError("boom")
    ):
        result = await submit_user_step(hass, hub, "sonarr", register=True)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "registration_failed"}
    assert "Unexpected error setting up the webhook in sonarr" in caplog.text


async def test_without_home_assistant_url(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any
) -> None:
    """No Home Assistant URL: nothing is tried and the path is shown."""
    with patch.object(webhook, "async_generate_url", side_effect=NoURLAvailableError):
        result = await submit_user_step(hass, hub, "sonarr", register=True)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "no_url_available"}
    assert services["sonarr"].tested_urls == []


async def test_no_secret_shown_or_logged(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The confirmation and the integration's log hold no webhook id or key."""
    caplog.set_level(logging.DEBUG, logger="custom_components.status_tracker")
    services["sonarr"].reachable = {HA_EXTERNAL}
    result = await submit_user_step(hass, hub, "sonarr", register=True)
    shown = str(result)
    await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    webhook_id = only_subentry(hub).data[CONF_WEBHOOK_ID]
    ours = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.status_tracker")
    )
    for secret in (webhook_id, API_KEYS["sonarr"]):
        assert secret not in shown
        assert secret not in ours


# --- Reconfigure ------------------------------------------------------------------


def sonarr_subentry(*, register: bool | None = None) -> dict[str, Any]:
    """Return the ConfigSubentryData of an existing Sonarr."""
    data: dict[str, Any] = {
        CONF_URL: URLS["sonarr"],
        CONF_API_KEY: API_KEYS["sonarr"],
        CONF_VERIFY_SSL: True,
        CONF_WEBHOOK_ID: WEBHOOK_IDS["sonarr"],
    }
    if register is not None:
        data[CONF_REGISTER_WEBHOOK] = register
    return {
        "data": data,
        "subentry_type": "sonarr",
        "title": "Sonarr",
        "unique_id": URLS["sonarr"],
    }


async def reconfigure(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    *,
    register: bool,
    url: str = URLS["sonarr"],
) -> Any:
    """Start the reconfigure flow of the Sonarr and submit it (key kept)."""
    subentry = only_subentry(hub)
    result = await hass.config_entries.subentries.async_init(
        (hub.entry_id, "sonarr"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_URL: url,
            CONF_VERIFY_SSL: True,
            CONF_REGISTER_WEBHOOK: register,
        },
    )


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
async def test_reconfigure_shows_stored_consent(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    """The box shows what was stored."""
    subentry = only_subentry(hub)
    result = await hass.config_entries.subentries.async_init(
        (hub.entry_id, "sonarr"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )

    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested[CONF_REGISTER_WEBHOOK] is True


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reconfigure_opts_in(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Ticking the box later sets the webhook up with the same webhook id."""
    result = await reconfigure(hass, hub, register=True)

    assert result["step_id"] == "registered"
    assert placeholders(result) == {"ha_url": HA_INTERNAL}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert dict(only_subentry(hub).data) == {
        CONF_URL: URLS["sonarr"],
        CONF_API_KEY: API_KEYS["sonarr"],
        CONF_VERIFY_SSL: True,
        CONF_REGISTER_WEBHOOK: True,
        CONF_WEBHOOK_ID: WEBHOOK_IDS["sonarr"],
    }
    url = f"{HA_INTERNAL}/api/webhook/{WEBHOOK_IDS['sonarr']}"
    assert services["sonarr"].notifications == [{**sonarr_connection(url), "id": 1}]
    # The stored key was used.
    assert all(
        headers["X-Api-Key"] == API_KEYS["sonarr"]
        for _, _, _, headers in aioclient_mock.mock_calls
    )


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
@pytest.mark.parametrize(
    ("on_grab", "expected"),
    [
        (True, [("GET", NOTIFICATION_PATH)]),
        (
            False,
            [
                ("GET", NOTIFICATION_PATH),
                ("PUT", f"{NOTIFICATION_PATH}/1?forceSave=true"),
            ],
        ),
    ],
)
async def test_reconfigure_already_registered(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
    on_grab: bool,
    expected: list[tuple[str, str]],
) -> None:
    """A current connection is confirmed without a test; a trigger off is fixed."""
    url = f"{HA_INTERNAL}/api/webhook/{WEBHOOK_IDS['sonarr']}"
    services["sonarr"].add({**sonarr_connection(url), "onGrab": on_grab})
    result = await reconfigure(hass, hub, register=True)

    assert result["step_id"] == "registered"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    calls = registration_calls(aioclient_mock, URLS["sonarr"])
    assert [call[:2] for call in calls] == expected
    assert services["sonarr"].notifications[0]["onGrab"] is True


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
async def test_reconfigure_when_registration_fails(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any
) -> None:
    """The manual steps are shown; submitting saves the reconfiguration."""
    services["sonarr"].reachable = set()
    result = await reconfigure(hass, hub, register=True)

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "registration_unreachable"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    assert only_subentry(hub).data[CONF_REGISTER_WEBHOOK] is True


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
async def test_reconfigure_opts_out(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Unticking saves at once and leaves the service alone."""
    result = await reconfigure(hass, hub, register=False)

    assert result["reason"] == "reconfigure_successful"
    assert only_subentry(hub).data[CONF_REGISTER_WEBHOOK] is False
    assert registration_calls(aioclient_mock, URLS["sonarr"]) == []


NEW_SONARR_URL = "http://nas.local:8989"


@pytest.fixture
def moved_sonarr(
    aioclient_mock: AiohttpClientMocker, hass_client_no_auth: Any, services: Any
) -> FakeArr:
    """Return the Sonarr at its new address (the old one is services["sonarr"])."""
    aioclient_mock.get(
        f"{NEW_SONARR_URL}/api/v3/system/status", json=ARR_STATUS["sonarr"]
    )
    return FakeArr(
        aioclient_mock, NEW_SONARR_URL, "sonarr/test.json", hass_client_no_auth
    )


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
async def test_new_url_moves_the_registration(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any, moved_sonarr: FakeArr
) -> None:
    """The connection at the old address goes; the new address gets one."""
    services["sonarr"].add(sonarr_connection(hook_of(only_subentry(hub))))

    result = await reconfigure(hass, hub, register=True, url=NEW_SONARR_URL)
    assert result["step_id"] == "registered"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["reason"] == "reconfigure_successful"
    assert services["sonarr"].notifications == []
    url = hook_of(only_subentry(hub))
    assert moved_sonarr.notifications == [{**sonarr_connection(url), "id": 1}]
    assert only_subentry(hub).data[CONF_URL] == NEW_SONARR_URL


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
async def test_new_url_without_the_box_says_the_old_one_was_removed(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any, moved_sonarr: FakeArr
) -> None:
    services["sonarr"].add(sonarr_connection(hook_of(only_subentry(hub))))

    result = await reconfigure(hass, hub, register=False, url=NEW_SONARR_URL)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "old_registration_removed"
    assert placeholders(result) == {
        "old_host": "sonarr.local:8989",
        "name": "Home Assistant (Status Tracker: Media stack)",
    }
    assert services["sonarr"].notifications == []
    assert moved_sonarr.notifications == []
    assert only_subentry(hub).data[CONF_URL] == NEW_SONARR_URL


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=True)]])
@pytest.mark.parametrize("register", [True, False])
async def test_old_address_unreachable_is_said(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    services: Any,
    moved_sonarr: FakeArr,
    caplog: pytest.LogCaptureFixture,
    register: bool,
) -> None:
    """The reconfiguration is saved; the result names the address left behind."""
    services["sonarr"].add(sonarr_connection(hook_of(only_subentry(hub))))
    services["sonarr"].fail_status = HTTPStatus.BAD_GATEWAY

    result = await reconfigure(hass, hub, register=register, url=NEW_SONARR_URL)
    if register:
        assert result["step_id"] == "registered"
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {}
        )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "old_registration_left"
    assert placeholders(result)["old_host"] == "sonarr.local:8989"
    assert len(services["sonarr"].notifications) == 1
    assert len(moved_sonarr.notifications) == register
    assert only_subentry(hub).data[CONF_URL] == NEW_SONARR_URL
    assert "at its old address sonarr.local:8989" in caplog.text
    assert WEBHOOK_IDS["sonarr"] not in caplog.text


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry(register=False)]])
async def test_new_url_leaves_a_hand_made_connection_alone(
    hass: HomeAssistant, hub: MockConfigEntry, services: Any, moved_sonarr: FakeArr
) -> None:
    """Without the box, the integration made nothing there: nothing is removed."""
    services["sonarr"].add(sonarr_connection(hook_of(only_subentry(hub))))

    result = await reconfigure(hass, hub, register=False, url=NEW_SONARR_URL)

    assert result["reason"] == "reconfigure_successful"
    assert len(services["sonarr"].notifications) == 1
