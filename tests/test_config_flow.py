"""Tests for the Status Tracker config flow, options flow and subentry flows."""

from __future__ import annotations

from collections.abc import Generator, Mapping
import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from aiohttp import ClientError, ClientSession
from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker import config_flow
from custom_components.status_tracker.const import (
    CONF_API_KEY,
    CONF_HISTORY_SIZE,
    CONF_HUB_NAME,
    CONF_RETENTION_DAYS,
    CONF_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_HUB_NAME,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    ServiceType,
)

INTEGRATION_DIR = Path(__file__).parent.parent / "custom_components" / DOMAIN

API_KEY = "0123456789abcdef0123456789abcdef"
NEW_API_KEY = "fedcba9876543210fedcba9876543210"
INTERNAL_URL = "http://192.168.1.20:8123"
WEBHOOK_ID_RE = re.compile(r"^[0-9a-f]{64}$")

SONARR_URL = "http://sonarr.lan:8989"
RADARR_URL = "http://radarr.lan:7878"
SEERR_URL = "http://seerr.lan:5055"
JELLYFIN_URL = "http://jellyfin.lan:8096"


def arr_status(app_name: str, instance_name: str) -> dict[str, Any]:
    """Return a realistic /api/v3/system/status body."""
    return {
        "appName": app_name,
        "instanceName": instance_name,
        "version": "4.0.19.2979" if app_name == "Sonarr" else "5.28.0.10274",
        "buildTime": "2025-12-01T10:00:00Z",
        "isDebug": False,
        "isProduction": True,
        "isAdmin": False,
        "isUserInteractive": False,
        "startupPath": f"/app/{app_name.lower()}/bin",
        "appData": "/config",
        "osName": "ubuntu",
        "isDocker": True,
        "mode": "console",
        "branch": "main",
        "authentication": "forms",
        "urlBase": "",
        "runtimeVersion": "6.0.36",
        "runtimeName": ".NET",
    }


SEERR_STATUS = {
    "version": "3.1.0",
    "commitTag": "94a70bb5",
    "updateAvailable": False,
    "commitsBehind": 0,
    "restartRequired": False,
}
SEERR_ME = {"id": 1, "email": "alice@example.org", "username": "alice", "userType": 3}
JELLYFIN_INFO = {
    "LocalAddress": "http://172.18.0.5:8096",
    "ServerName": "living-room",
    "Version": "10.11.11",
    "ProductName": "Jellyfin Server",
    "OperatingSystem": "Linux",
    "Id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    "StartupWizardCompleted": True,
}


def mock_sonarr(
    aioclient_mock: AiohttpClientMocker,
    url: str = SONARR_URL,
    instance_name: str = "Sonarr",
    **kwargs: Any,
) -> None:
    """Answer Sonarr's system status."""
    body = kwargs.pop("json", arr_status("Sonarr", instance_name))
    aioclient_mock.get(f"{url}/api/v3/system/status", json=body, **kwargs)


def mock_service(aioclient_mock: AiohttpClientMocker, service: str) -> None:
    """Answer the validation requests of one service at its default test URL."""
    if service == ServiceType.SONARR:
        mock_sonarr(aioclient_mock)
    elif service == ServiceType.RADARR:
        aioclient_mock.get(
            f"{RADARR_URL}/api/v3/system/status", json=arr_status("Radarr", "Radarr")
        )
    elif service == ServiceType.SEERR:
        aioclient_mock.get(f"{SEERR_URL}/api/v1/status", json=SEERR_STATUS)
        aioclient_mock.get(f"{SEERR_URL}/api/v1/auth/me", json=SEERR_ME)
    else:
        aioclient_mock.get(f"{JELLYFIN_URL}/System/Info", json=JELLYFIN_INFO)


def subentry_input(
    url: str, api_key: str = API_KEY, *, verify_ssl: bool = True
) -> dict[str, Any]:
    """Return the user step input of a subentry flow."""
    return {CONF_URL: url, CONF_API_KEY: api_key, CONF_VERIFY_SSL: verify_ssl}


def subentry_data(url: str, webhook_id: str = "a" * 64) -> dict[str, Any]:
    """Return stored subentry data."""
    return {
        CONF_URL: url,
        CONF_API_KEY: API_KEY,
        CONF_VERIFY_SSL: True,
        CONF_WEBHOOK_ID: webhook_id,
    }


@pytest.fixture(autouse=True)
def mock_setup_entry() -> Any:
    """Keep the integration's setup out of config flow tests."""
    with patch(
        "custom_components.status_tracker.async_setup_entry", return_value=True
    ) as mock_setup:
        yield mock_setup


@pytest.fixture(autouse=True)
async def internal_url(hass: HomeAssistant) -> None:
    """Give Home Assistant an internal and an external URL."""
    await async_process_ha_core_config(
        hass,
        {"internal_url": INTERNAL_URL, "external_url": "https://ha.example.com"},
    )


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
        data={CONF_HUB_NAME: DEFAULT_HUB_NAME},
        options={
            CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
            CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
            CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY,
        },
        subentries_data=existing_subentries,
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def sonarr_subentry(
    url: str = SONARR_URL, title: str = "Sonarr", webhook_id: str = "a" * 64
) -> dict[str, Any]:
    """Return the ConfigSubentryData of an existing Sonarr instance."""
    return {
        "data": subentry_data(url, webhook_id),
        "subentry_type": ServiceType.SONARR.value,
        "title": title,
        "unique_id": url,
    }


async def start_subentry_flow(
    hass: HomeAssistant, entry: MockConfigEntry, service: str
) -> SubentryFlowResult:
    """Start a user subentry flow and check the form it shows."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, service), context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    return result


async def start_reconfigure(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str
) -> SubentryFlowResult:
    """Start a reconfigure subentry flow."""
    subentry = entry.subentries[subentry_id]
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, subentry.subentry_type),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    return result


def suggested_values(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the suggested values of a form, by field name."""
    values = {}
    for key in result["data_schema"].schema:
        if key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


def placeholders(result: SubentryFlowResult) -> Mapping[str, str]:
    """Return the description placeholders of a form."""
    values = result["description_placeholders"]
    assert values is not None
    return values


def only_subentry(entry: MockConfigEntry, url: str) -> Any:
    """Return the subentry whose unique id is url."""
    matches = [s for s in entry.subentries.values() if s.unique_id == url]
    assert len(matches) == 1
    return matches[0]


# --- Hub -----------------------------------------------------------------------


async def test_hub_user_flow(hass: HomeAssistant) -> None:
    """The hub is created with its name, a slug unique id and default options."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB_NAME: "  Cabin Stack "}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Cabin Stack"
    assert result["data"] == {CONF_HUB_NAME: "Cabin Stack"}
    assert result["options"] == {
        CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
        CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
        CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY,
    }
    assert result["result"].unique_id == "cabin_stack"


async def test_hub_default_name(hass: HomeAssistant) -> None:
    """Submitting the form unchanged uses the default name."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEFAULT_HUB_NAME
    assert result["result"].unique_id == "media_stack"


async def test_hub_empty_name(hass: HomeAssistant) -> None:
    """A blank name is refused, then a real one is accepted."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB_NAME: "   "}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_HUB_NAME: "invalid_name"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB_NAME: "Home"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_hub_duplicate(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """A second hub with the same (slugified) name aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_HUB_NAME: "Media-Stack"}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_options_flow(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """Options are shown with current values and stored as ints and a bool."""
    hass.config_entries.async_update_entry(
        hub, options={**hub.options, "kept_option": "x"}
    )
    result = await hass.config_entries.options.async_init(hub.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    assert suggested_values(result) == {
        CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
        CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
        CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY,
    }

    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_RETENTION_DAYS: 14.0,
            CONF_HISTORY_SIZE: 2000,
            CONF_WEBHOOK_LOCAL_ONLY: True,
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hub.options == {
        CONF_RETENTION_DAYS: 14,
        CONF_HISTORY_SIZE: 2000,
        CONF_WEBHOOK_LOCAL_ONLY: True,
        "kept_option": "x",
    }
    assert isinstance(hub.options[CONF_RETENTION_DAYS], int)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (CONF_RETENTION_DAYS, 0),
        (CONF_RETENTION_DAYS, 366),
        (CONF_HISTORY_SIZE, 99),
        (CONF_HISTORY_SIZE, 100_001),
    ],
)
async def test_options_out_of_range(
    hass: HomeAssistant, hub: MockConfigEntry, field: str, value: int
) -> None:
    """Values outside the allowed ranges are refused by the schema."""
    result = await hass.config_entries.options.async_init(hub.entry_id)
    user_input = {
        CONF_RETENTION_DAYS: 7,
        CONF_HISTORY_SIZE: 5000,
        CONF_WEBHOOK_LOCAL_ONLY: False,
        field: value,
    }
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], user_input)


async def test_supported_subentry_types(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    """Every webhook service type can be added; each supports reconfigure."""
    types = config_flow.StatusTrackerConfigFlow.async_get_supported_subentry_types(hub)
    assert set(types) == {"seerr", "sonarr", "radarr", "jellyfin"}
    assert hub.supported_subentry_types == {
        key: {"supports_reconfigure": True} for key in types
    }


# --- Adding services -----------------------------------------------------------

SUCCESS_CASES = [
    (ServiceType.SONARR, SONARR_URL, "Sonarr"),
    (ServiceType.RADARR, RADARR_URL, "Radarr"),
    (ServiceType.SEERR, SEERR_URL, "Seerr (seerr.lan:5055)"),
    (ServiceType.JELLYFIN, JELLYFIN_URL, "living-room"),
]


@pytest.mark.parametrize(("service", "url", "title"), SUCCESS_CASES)
async def test_add_service(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    *,
    service: str,
    url: str,
    title: str,
) -> None:
    """Each service is validated, shows its webhook URL, then is created."""
    mock_service(aioclient_mock, service)
    result = await start_subentry_flow(hass, hub, service)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(f"{url}/")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "webhook"
    assert result["errors"] == {}
    webhook_url = placeholders(result)["webhook_url"]
    assert re.fullmatch(rf"{INTERNAL_URL}/api/webhook/[0-9a-f]{{64}}", webhook_url)

    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    subentry = only_subentry(hub, url)
    assert subentry.subentry_type == service
    assert subentry.title == title
    assert subentry.data[CONF_URL] == url
    assert subentry.data[CONF_API_KEY] == API_KEY
    assert subentry.data[CONF_VERIFY_SSL] is True
    assert WEBHOOK_ID_RE.fullmatch(subentry.data[CONF_WEBHOOK_ID])
    assert webhook_url == f"{INTERNAL_URL}/api/webhook/{subentry.data[CONF_WEBHOOK_ID]}"
    # The key travels in a header, never in a URL.
    for _, request_url, _, headers in aioclient_mock.mock_calls:
        assert API_KEY not in str(request_url)
        assert API_KEY in " ".join(headers.values())


async def test_webhook_ids_differ(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Each subentry gets its own webhook id."""
    for service in (ServiceType.SONARR, ServiceType.RADARR):
        mock_service(aioclient_mock, service)
    for service, url in (
        (ServiceType.SONARR, SONARR_URL),
        (ServiceType.RADARR, RADARR_URL),
    ):
        result = await start_subentry_flow(hass, hub, service)
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], subentry_input(url)
        )
        await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    ids = {s.data[CONF_WEBHOOK_ID] for s in hub.subentries.values()}
    assert len(ids) == 2


async def test_port_and_base_path(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Port and base path reach the request; the SSL toggle reaches the session."""
    mock_sonarr(aioclient_mock, "https://nas.lan:8443/sonarr")
    result = await start_subentry_flow(hass, hub, ServiceType.SONARR)

    with patch(
        "custom_components.status_tracker.config_flow.async_get_clientsession",
        wraps=async_get_clientsession,
    ) as get_session:
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            subentry_input(" HTTPS://NAS.lan:8443/sonarr/ ", verify_ssl=False),
        )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    get_session.assert_called_once_with(hass, verify_ssl=False)
    assert str(aioclient_mock.mock_calls[0][1]) == (
        "https://nas.lan:8443/sonarr/api/v3/system/status"
    )
    subentry = only_subentry(hub, "https://nas.lan:8443/sonarr")
    assert subentry.data[CONF_URL] == "https://nas.lan:8443/sonarr"
    assert subentry.data[CONF_VERIFY_SSL] is False


@pytest.mark.parametrize(
    "url", ["sonarr.lan:8989", "ftp://sonarr.lan", "http://", "http://u:p@sonarr.lan"]
)
async def test_invalid_url(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    url: str,
) -> None:
    """A URL that is not absolute http(s) is refused before any request."""
    result = await start_subentry_flow(hass, hub, ServiceType.SONARR)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert aioclient_mock.call_count == 0


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, "cannot_connect"),
        ({"exc": ClientError()}, "cannot_connect"),
        ({"status": 401}, "invalid_auth"),
        ({"status": 500}, "cannot_connect"),
        ({"text": "<html>Sonarr</html>", "json": None}, "cannot_connect"),
        ({"json": arr_status("Radarr", "Radarr")}, "wrong_service"),
    ],
)
async def test_sonarr_errors_then_recover(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: str,
) -> None:
    """Each validation error is shown on the form; fixing it succeeds."""
    mock_sonarr(aioclient_mock, **mock_kwargs)
    result = await start_subentry_flow(hass, hub, ServiceType.SONARR)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    # The form keeps what the user typed.
    assert suggested_values(result)[CONF_URL] == SONARR_URL

    aioclient_mock.clear_requests()
    mock_sonarr(aioclient_mock)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL)
    )
    assert result["step_id"] == "webhook"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unexpected_error(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug in validation shows `unknown` and is logged with its traceback."""
    result = await start_subentry_flow(hass, hub, ServiceType.RADARR)
    with patch(
        "custom_components.status_tracker.config_flow.RadarrClient.async_get_system_status",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], subentry_input(RADARR_URL)
        )

    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error validating radarr at http://radarr.lan:7878" in caplog.text
    assert API_KEY not in caplog.text

    mock_service(aioclient_mock, ServiceType.RADARR)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(RADARR_URL)
    )
    assert result["step_id"] == "webhook"


@pytest.mark.parametrize(
    ("status", "error"), [(403, "invalid_auth"), (502, "cannot_connect")]
)
async def test_seerr_errors(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    status: int,
    error: str,
) -> None:
    """Seerr's public status answers, but the key check fails."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/status", json=SEERR_STATUS)
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/auth/me",
        status=status,
        json={"status": status, "message": "You do not have permission."},
    )
    result = await start_subentry_flow(hass, hub, ServiceType.SEERR)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SEERR_URL)
    )

    assert result["errors"] == {"base": error}


async def test_jellyfin_invalid_auth(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Jellyfin answers 401 to a wrong key."""
    aioclient_mock.get(f"{JELLYFIN_URL}/System/Info", status=401)
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(JELLYFIN_URL)
    )

    assert result["errors"] == {"base": "invalid_auth"}


async def test_jellyfin_without_server_name(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A server without a name is titled Jellyfin."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/System/Info", json={**JELLYFIN_INFO, "ServerName": ""}
    )
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(JELLYFIN_URL)
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["title"] == "Jellyfin"


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
@pytest.mark.parametrize(
    ("service", "url"),
    [
        (ServiceType.SONARR, "HTTP://Sonarr.lan:8989/"),
        # Unique ids are per entry, whatever the type: Home Assistant refuses them too.
        (ServiceType.RADARR, SONARR_URL),
    ],
)
async def test_duplicate_url(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    service: str,
    url: str,
) -> None:
    """A URL already in the hub aborts before any request."""
    result = await start_subentry_flow(hass, hub, service)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert aioclient_mock.call_count == 0
    assert len(hub.subentries) == 1


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
@pytest.mark.parametrize(
    ("instance_name", "title"),
    [("Sonarr", "Sonarr (sonarr4k.lan:8989)"), ("Sonarr 4K", "Sonarr 4K")],
)
async def test_second_sonarr(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    instance_name: str,
    title: str,
) -> None:
    """Several Sonarr instances are normal; a clashing title gets the host."""
    mock_sonarr(aioclient_mock, "http://sonarr4k.lan:8989", instance_name)
    result = await start_subentry_flow(hass, hub, ServiceType.SONARR)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input("http://sonarr4k.lan:8989")
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == title
    assert len(hub.subentries) == 2


async def test_webhook_without_ha_url(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Without a Home Assistant URL the path is shown with a note."""
    mock_service(aioclient_mock, ServiceType.JELLYFIN)
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)
    with patch.object(
        webhook,
        "async_generate_url",
        side_effect=NoURLAvailableError,
    ):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], subentry_input(JELLYFIN_URL)
        )

    assert result["step_id"] == "webhook"
    assert result["errors"] == {"base": "no_url_available"}
    path = placeholders(result)["webhook_url"]
    assert re.fullmatch(r"/api/webhook/[0-9a-f]{64}", path)

    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (
        path == f"/api/webhook/{only_subentry(hub, JELLYFIN_URL).data[CONF_WEBHOOK_ID]}"
    )


async def test_webhook_prefers_internal_url(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """The internal address is asked for first; the external one is the fallback."""
    mock_service(aioclient_mock, ServiceType.SEERR)
    result = await start_subentry_flow(hass, hub, ServiceType.SEERR)
    with patch.object(
        webhook, "async_generate_url", return_value="http://x/api/webhook/y"
    ) as generate_url:
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], subentry_input(SEERR_URL)
        )

    assert result["description_placeholders"] == {
        "webhook_url": "http://x/api/webhook/y"
    }
    generate_url.assert_called_once()
    assert generate_url.call_args.kwargs == {"prefer_external": False}


class _NoWebhookFlow(config_flow.ServiceSubentryFlow):
    """A service type without webhooks (as qBittorrent will be)."""

    service_type = ServiceType.QBITTORRENT

    async def _async_validate_service(
        self, session: ClientSession, data: Mapping[str, Any]
    ) -> str:
        return "qBittorrent"


@pytest.fixture
def no_webhook_type() -> Generator[None]:
    """Register a test flow for a type outside WEBHOOK_SERVICES."""
    with patch.dict(
        config_flow.SUBENTRY_FLOWS, {ServiceType.QBITTORRENT.value: _NoWebhookFlow}
    ):
        yield


@pytest.mark.usefixtures("no_webhook_type")
async def test_type_without_webhook(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """A type that receives no webhooks is created right after validation."""
    result = await start_subentry_flow(hass, hub, ServiceType.QBITTORRENT)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input("http://qbittorrent.lan:8080")
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "qBittorrent"
    subentry = only_subentry(hub, "http://qbittorrent.lan:8080")
    assert CONF_WEBHOOK_ID not in subentry.data


# --- Reconfigure ---------------------------------------------------------------


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
@pytest.mark.parametrize("api_key_input", [{}, {CONF_API_KEY: ""}])
async def test_reconfigure_keeps_key_and_webhook(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    api_key_input: dict[str, str],
) -> None:
    """An empty key keeps the stored one; the webhook id never changes."""
    subentry = only_subentry(hub, SONARR_URL)
    mock_sonarr(aioclient_mock, "https://sonarr.lan:9898/tv", "Sonarr HD")

    result = await start_reconfigure(hass, hub, subentry.subentry_id)
    assert suggested_values(result) == {CONF_URL: SONARR_URL, CONF_VERIFY_SSL: True}
    assert result["description_placeholders"] == {"title": "Sonarr"}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_URL: "https://sonarr.lan:9898/tv/",
            CONF_VERIFY_SSL: False,
            **api_key_input,
        },
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert aioclient_mock.mock_calls[0][3]["X-Api-Key"] == API_KEY
    subentry = hub.subentries[subentry.subentry_id]
    assert subentry.unique_id == "https://sonarr.lan:9898/tv"
    assert subentry.title == "Sonarr HD"
    assert dict(subentry.data) == {
        CONF_URL: "https://sonarr.lan:9898/tv",
        CONF_API_KEY: API_KEY,
        CONF_VERIFY_SSL: False,
        CONF_WEBHOOK_ID: "a" * 64,
    }


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reconfigure_new_key_same_url(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Keeping the URL is no duplicate of itself; a new key replaces the old one."""
    subentry = only_subentry(hub, SONARR_URL)
    mock_sonarr(aioclient_mock)

    result = await start_reconfigure(hass, hub, subentry.subentry_id)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL, NEW_API_KEY)
    )

    assert result["reason"] == "reconfigure_successful"
    assert aioclient_mock.mock_calls[0][3]["X-Api-Key"] == NEW_API_KEY
    subentry = hub.subentries[subentry.subentry_id]
    # Its own title does not count as taken.
    assert subentry.title == "Sonarr"
    assert subentry.data[CONF_API_KEY] == NEW_API_KEY
    assert subentry.data[CONF_WEBHOOK_ID] == "a" * 64


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reconfigure_errors_then_recover(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Reconfigure validates like the user step and keeps what was typed."""
    subentry = only_subentry(hub, SONARR_URL)
    result = await start_reconfigure(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_URL: "sonarr.lan", CONF_VERIFY_SSL: True}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_URL: "invalid_url"}
    assert suggested_values(result) == {CONF_URL: "sonarr.lan", CONF_VERIFY_SSL: True}

    mock_sonarr(aioclient_mock, status=401)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL, NEW_API_KEY)
    )
    assert result["errors"] == {"base": "invalid_auth"}
    # The typed key is not shown back.
    assert CONF_API_KEY not in suggested_values(result)

    aioclient_mock.clear_requests()
    mock_sonarr(aioclient_mock, json=arr_status("Radarr", "Radarr"))
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL, NEW_API_KEY)
    )
    assert result["errors"] == {"base": "wrong_service"}

    aioclient_mock.clear_requests()
    mock_sonarr(aioclient_mock)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(SONARR_URL, NEW_API_KEY)
    )
    assert result["reason"] == "reconfigure_successful"
    assert hub.subentries[subentry.subentry_id].data[CONF_API_KEY] == NEW_API_KEY


@pytest.mark.parametrize(
    "existing_subentries",
    [
        [
            sonarr_subentry(),
            sonarr_subentry("http://sonarr4k.lan:8989", "Sonarr 4K", "b" * 64),
        ]
    ],
)
async def test_reconfigure_duplicate(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Moving a subentry onto another one's URL aborts."""
    subentry = only_subentry(hub, SONARR_URL)
    result = await start_reconfigure(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input("http://sonarr4k.lan:8989/")
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert aioclient_mock.call_count == 0
    assert hub.subentries[subentry.subentry_id].unique_id == SONARR_URL


@pytest.mark.parametrize(
    "existing_subentries",
    [
        [
            sonarr_subentry(),
            sonarr_subentry("http://sonarr4k.lan:8989", "Sonarr 4K", "b" * 64),
        ]
    ],
)
async def test_reconfigure_title_clash(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """An instance renamed to another subentry's title gets the host appended."""
    subentry = only_subentry(hub, SONARR_URL)
    mock_sonarr(aioclient_mock, instance_name="Sonarr 4K")
    result = await start_reconfigure(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_URL: SONARR_URL, CONF_VERIFY_SSL: True}
    )

    assert result["reason"] == "reconfigure_successful"
    assert hub.subentries[subentry.subentry_id].title == "Sonarr 4K (sonarr.lan:8989)"


# --- Translations --------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json (no references to resolve)."""
    strings = _load(INTEGRATION_DIR / "strings.json")
    assert _load(INTEGRATION_DIR / "translations" / "en.json") == strings
    assert "[%key:" not in json.dumps(strings)


@pytest.mark.parametrize("service", ["seerr", "sonarr", "radarr", "jellyfin"])
def test_subentry_translations(service: str) -> None:
    """Each subentry type has the keys Home Assistant and this flow use."""
    strings = _load(INTEGRATION_DIR / "strings.json")["config_subentries"][service]

    assert strings["entry_type"]
    assert set(strings["initiate_flow"]) == {"user", "reconfigure"}
    steps = strings["step"]
    for step in ("user", "reconfigure"):
        assert set(steps[step]["data"]) == {CONF_URL, CONF_API_KEY, CONF_VERIFY_SSL}
        assert set(steps[step]["data_description"]) == set(steps[step]["data"])
    assert "{webhook_url}" in steps["webhook"]["description"]
    assert "{title}" in steps["reconfigure"]["title"]
    errors = {
        "cannot_connect",
        "invalid_auth",
        "invalid_url",
        "unknown",
        "no_url_available",
    }
    if service in ("sonarr", "radarr"):
        errors.add("wrong_service")
    assert set(strings["error"]) == errors
    assert set(strings["abort"]) == {"already_configured", "reconfigure_successful"}


def test_mock_helpers_cover_every_type() -> None:
    """The hub offers exactly the webhook services tested above."""
    assert {case[0] for case in SUCCESS_CASES} == set(config_flow.SUBENTRY_FLOWS)


async def test_translations_load(hass: HomeAssistant) -> None:
    """Home Assistant loads the subentry strings of the integration."""
    from homeassistant.helpers.translation import async_get_translations  # noqa: PLC0415

    translations = await async_get_translations(
        hass, "en", "config_subentries", [DOMAIN]
    )
    key = f"component.{DOMAIN}.config_subentries.sonarr.step.webhook.description"
    assert "{webhook_url}" in translations[key]
