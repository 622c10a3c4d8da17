"""Tests for the Status Tracker config flow, options flow and subentry flows."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
import json
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from aiohttp import ClientError
from homeassistant.components import webhook
from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigFlowResult,
    SubentryFlowResult,
)
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker import config_flow
from custom_components.status_tracker.const import (
    CONF_ANIME_PATHS,
    CONF_ANIME_TAGS,
    CONF_API_KEY,
    CONF_EXTERNAL_URL,
    CONF_FAST_POLL_SECONDS,
    CONF_HISTORY_SIZE,
    CONF_HUB_NAME,
    CONF_PASSWORD,
    CONF_PROPAGATE_DELETIONS,
    CONF_REGISTER_WEBHOOK,
    CONF_RETENTION_DAYS,
    CONF_SERVER_ID,
    CONF_SLOW_POLL_SECONDS,
    CONF_STALL_APPROVED_HOURS,
    CONF_STALL_DOWNLOADED_MINUTES,
    CONF_STALL_DOWNLOADING_HOURS,
    CONF_STALL_IMPORTING_MINUTES,
    CONF_STALL_MATCHING_MINUTES,
    CONF_SUBENTRY_ID,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_ANIME_PATHS,
    DEFAULT_ANIME_TAGS,
    DEFAULT_FAST_POLL_SECONDS,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_HUB_NAME,
    DEFAULT_PROPAGATE_DELETIONS,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_SLOW_POLL_SECONDS,
    DEFAULT_STALL_APPROVED_HOURS,
    DEFAULT_STALL_DOWNLOADED_MINUTES,
    DEFAULT_STALL_DOWNLOADING_HOURS,
    DEFAULT_STALL_IMPORTING_MINUTES,
    DEFAULT_STALL_MATCHING_MINUTES,
    DEFAULT_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
    WEBHOOK_SERVICES,
    ServiceType,
)
from custom_components.status_tracker.options import DEFAULT_OPTIONS

INTEGRATION_DIR = Path(__file__).parent.parent / "custom_components" / DOMAIN

API_KEY = "0123456789abcdef0123456789abcdef"
NEW_API_KEY = "fedcba9876543210fedcba9876543210"
INTERNAL_URL = "http://192.168.1.20:8123"
WEBHOOK_ID_RE = re.compile(r"^[0-9a-f]{64}$")

SONARR_URL = "http://sonarr.lan:8989"
RADARR_URL = "http://radarr.lan:7878"
SEERR_URL = "http://seerr.lan:5055"
JELLYFIN_URL = "http://jellyfin.lan:8096"
QBT_URL = "http://qbittorrent.lan:8080"
QBT_TITLE = "qBittorrent (qbittorrent.lan:8080)"

QBT_USERNAME = "admin"
QBT_PASSWORD = "pa55-w0rd-Secret!"
QBT_NEW_PASSWORD = "n3w-pa55-w0rd-Secret!"
QBT_API_KEY = "qbt_0123456789abcdefghijklmnopqrstuv"
QBT_NEW_API_KEY = "qbt_vutsrqponmlkjihgfedcba9876543210"
# Real qBittorrent session ids are base64: '/', '+' and '=' occur.
QBT_SID = "HfsWvP/p2BzbPRCQqPMiknlj33fg+J5="
# Successful logins: qBittorrent up to 5.1 and from 5.2 on.
QBT_LOGIN_OK_4X = {
    "text": "Ok.",
    "headers": {"Set-Cookie": f"SID={QBT_SID}; HttpOnly; path=/; SameSite=Strict"},
}
QBT_LOGIN_OK_52 = {
    "status": HTTPStatus.NO_CONTENT,
    "headers": {"Set-Cookie": f"QBT_SID_8080={QBT_SID}; HttpOnly; path=/"},
}
# Stored credentials of a qBittorrent client.
PASSWORD_LOGIN = {CONF_USERNAME: QBT_USERNAME, CONF_PASSWORD: QBT_PASSWORD}
API_KEY_LOGIN = {CONF_API_KEY: QBT_API_KEY}
QBT_LOGIN = "POST /api/v2/auth/login"
QBT_VERSIONS = ["GET /api/v2/app/version", "GET /api/v2/app/webapiVersion"]

SHOKO_URL = "http://shoko.lan:8111"
SHOKO_TITLE = "Shoko (shoko.lan:8111)"
# Shoko API keys are GUIDs.
SHOKO_API_KEY = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
SHOKO_NEW_API_KEY = "9e8d7c6b-5a49-4382-a1f0-e9d8c7b6a594"
# The key Shoko hands out for a user name and password (POST /api/auth).
SHOKO_LOGIN_KEY = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0"
SHOKO_USERNAME = "Default"
SHOKO_PASSWORD = "correct horse battery staple"
SHOKO_LOGIN = "POST /api/auth"
SHOKO_CHECKS = ["GET /api/v3/Init/Version", "GET /api/v3/ImportFolder"]
# GET /api/v3/Init/Version of a v5.3.3 release build (ComponentVersionSet).
SHOKO_VERSION: dict[str, Any] = {
    "Server": {
        "Version": "5.3.3.0",
        "Commit": "0c1303b1967c1d4c893695a9891917847942615d",
        "ReleaseChannel": "Stable",
        "ReleaseDate": "2026-01-04T18:22:10Z",
        "Tag": "v5.3.3",
    },
    "MediaInfo": {"Version": "24.12"},
    "WebUI": {
        "Version": "2.5.1",
        "MinimumServerVersion": "5.1.0.0",
        "ReleaseChannel": "Stable",
        "Tag": "v2.5.1",
    },
}
# GET /api/v3/ImportFolder: the call that needs the key.
SHOKO_IMPORT_FOLDERS: list[dict[str, Any]] = [
    {
        "ID": 2,
        "WatchForNewFiles": True,
        "DropFolderType": 2,
        "Path": "/data/media/anime/shows",
        "FileSize": 2_912_345_678,
        "Name": "Anime shows",
        "Size": 1,
    },
    {
        "ID": 3,
        "WatchForNewFiles": True,
        "DropFolderType": 2,
        "Path": "/data/media/anime/movies",
        "FileSize": 8_123_456_789,
        "Name": "Anime movies",
        "Size": 1,
    },
]

# The options form as the user sees it: the defaults, grouped in sections.
DEFAULT_OPTIONS_FORM: dict[str, dict[str, Any]] = {
    "history": {
        CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
        CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
    },
    "webhooks": {CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY},
    "deletions": {CONF_PROPAGATE_DELETIONS: DEFAULT_PROPAGATE_DELETIONS},
    "polling": {
        CONF_FAST_POLL_SECONDS: DEFAULT_FAST_POLL_SECONDS,
        CONF_SLOW_POLL_SECONDS: DEFAULT_SLOW_POLL_SECONDS,
    },
    "stalled": {
        CONF_STALL_APPROVED_HOURS: DEFAULT_STALL_APPROVED_HOURS,
        CONF_STALL_DOWNLOADING_HOURS: DEFAULT_STALL_DOWNLOADING_HOURS,
        CONF_STALL_DOWNLOADED_MINUTES: DEFAULT_STALL_DOWNLOADED_MINUTES,
        CONF_STALL_IMPORTING_MINUTES: DEFAULT_STALL_IMPORTING_MINUTES,
        CONF_STALL_MATCHING_MINUTES: DEFAULT_STALL_MATCHING_MINUTES,
    },
    "anime": {
        CONF_ANIME_TAGS: DEFAULT_ANIME_TAGS,
        CONF_ANIME_PATHS: DEFAULT_ANIME_PATHS,
    },
}

# The fields of the user and reconfigure forms of each subentry type.
FORM_FIELDS: dict[str, set[str]] = {
    ServiceType.SEERR: {CONF_URL, CONF_API_KEY, CONF_VERIFY_SSL, CONF_REGISTER_WEBHOOK},
    ServiceType.SONARR: {
        CONF_URL,
        CONF_API_KEY,
        CONF_VERIFY_SSL,
        CONF_REGISTER_WEBHOOK,
    },
    ServiceType.RADARR: {
        CONF_URL,
        CONF_API_KEY,
        CONF_VERIFY_SSL,
        CONF_REGISTER_WEBHOOK,
    },
    ServiceType.JELLYFIN: {CONF_URL, CONF_API_KEY, CONF_EXTERNAL_URL, CONF_VERIFY_SSL},
    ServiceType.QBITTORRENT: {
        CONF_URL,
        CONF_USERNAME,
        CONF_PASSWORD,
        CONF_API_KEY,
        CONF_VERIFY_SSL,
    },
    ServiceType.SHOKO: {
        CONF_URL,
        CONF_API_KEY,
        CONF_USERNAME,
        CONF_PASSWORD,
        CONF_VERIFY_SSL,
    },
}


def flat(form: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Return the options of a sectioned options form as they are stored."""
    return {key: value for fields in form.values() for key, value in fields.items()}


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
JELLYFIN_SERVER_ID = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
JELLYFIN_INFO = {
    "LocalAddress": "http://172.18.0.5:8096",
    "ServerName": "living-room",
    "Version": "10.11.11",
    "ProductName": "Jellyfin Server",
    "OperatingSystem": "Linux",
    "Id": JELLYFIN_SERVER_ID,
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


def mock_qbittorrent(
    aioclient_mock: AiohttpClientMocker,
    url: str = QBT_URL,
    *,
    login: Mapping[str, Any] | None = QBT_LOGIN_OK_4X,
) -> None:
    """Answer a qBittorrent login (unless None) and its version requests."""
    if login is not None:
        aioclient_mock.post(f"{url}/api/v2/auth/login", **login)
    aioclient_mock.get(f"{url}/api/v2/app/version", text="v5.1.4")
    aioclient_mock.get(f"{url}/api/v2/app/webapiVersion", text="2.11.4")


def mock_shoko(
    aioclient_mock: AiohttpClientMocker,
    url: str = SHOKO_URL,
    *,
    login: Mapping[str, Any] | None = None,
    version: Mapping[str, Any] | None = None,
    folders: Mapping[str, Any] | None = None,
) -> None:
    """Answer Shoko's login and its validation requests (successfully by default)."""
    aioclient_mock.post(
        f"{url}/api/auth", **(login or {"json": {"apikey": SHOKO_LOGIN_KEY}})
    )
    aioclient_mock.get(
        f"{url}/api/v3/Init/Version", **(version or {"json": SHOKO_VERSION})
    )
    aioclient_mock.get(
        f"{url}/api/v3/ImportFolder", **(folders or {"json": SHOKO_IMPORT_FOLDERS})
    )


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
    elif service == ServiceType.JELLYFIN:
        aioclient_mock.get(f"{JELLYFIN_URL}/System/Info", json=JELLYFIN_INFO)
    else:
        mock_qbittorrent(aioclient_mock)


def requests_made(aioclient_mock: AiohttpClientMocker) -> list[str]:
    """Return "METHOD path" of every request made."""
    return [
        f"{method.upper()} {url.path}"
        for method, url, _, _ in aioclient_mock.mock_calls
    ]


def subentry_input(
    url: str, api_key: str = API_KEY, *, verify_ssl: bool = True
) -> dict[str, Any]:
    """Return the user step input of a subentry flow."""
    return {CONF_URL: url, CONF_API_KEY: api_key, CONF_VERIFY_SSL: verify_ssl}


def qbittorrent_input(url: str = QBT_URL, **credentials: str) -> dict[str, Any]:
    """Return the user step input of the qBittorrent flow."""
    return {CONF_URL: url, **credentials, CONF_VERIFY_SSL: True}


def shoko_input(url: str = SHOKO_URL, **credentials: str) -> dict[str, Any]:
    """Return the user step input of the Shoko flow."""
    return {CONF_URL: url, **credentials, CONF_VERIFY_SSL: True}


def subentry_data(url: str, webhook_id: str = "a" * 64) -> dict[str, Any]:
    """Return stored subentry data."""
    return {
        CONF_URL: url,
        CONF_API_KEY: API_KEY,
        CONF_VERIFY_SSL: True,
        CONF_WEBHOOK_ID: webhook_id,
    }


@pytest.fixture(autouse=True)
async def mock_setup_entry(hass: HomeAssistant) -> Any:
    """Keep the integration's setup and unload out of config flow tests."""
    with (
        patch(
            "custom_components.status_tracker.async_setup_entry", return_value=True
        ) as mock_setup,
        patch("custom_components.status_tracker.async_unload_entry", return_value=True),
    ):
        yield mock_setup
        # The hass fixture unloads what is still loaded only after this fixture
        # ended: unload here, while the patch applies.
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


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
        options=dict(DEFAULT_OPTIONS),
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


def jellyfin_subentry(**extra: str) -> dict[str, Any]:
    """Return the ConfigSubentryData of an existing Jellyfin server."""
    return {
        "data": {
            **subentry_data(JELLYFIN_URL, "j" * 64),
            CONF_SERVER_ID: JELLYFIN_SERVER_ID,
            **extra,
        },
        "subentry_type": ServiceType.JELLYFIN.value,
        "title": "living-room",
        "unique_id": JELLYFIN_URL,
    }


def qbittorrent_subentry(**credentials: str) -> dict[str, Any]:
    """Return the ConfigSubentryData of an existing qBittorrent client."""
    return {
        "data": {CONF_URL: QBT_URL, **credentials, CONF_VERIFY_SSL: True},
        "subentry_type": ServiceType.QBITTORRENT.value,
        "title": QBT_TITLE,
        "unique_id": QBT_URL,
    }


def shoko_subentry() -> dict[str, Any]:
    """Return the ConfigSubentryData of a Shoko Server (only the key is stored)."""
    return {
        "data": {
            CONF_URL: SHOKO_URL,
            CONF_USERNAME: "",
            CONF_API_KEY: SHOKO_API_KEY,
            CONF_PASSWORD: "",
            CONF_VERIFY_SSL: True,
        },
        "subentry_type": ServiceType.SHOKO.value,
        "title": SHOKO_TITLE,
        "unique_id": SHOKO_URL,
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


async def start_reauth(
    hass: HomeAssistant, entry: MockConfigEntry, subentry_id: str
) -> ConfigFlowResult:
    """Start the reauth flow of one service, as ConfigEntry.async_start_reauth does."""
    return await entry.start_reauth_flow(hass, data={CONF_SUBENTRY_ID: subentry_id})


def _suggested(schema: probatio.Schema) -> dict[str, Any]:
    values = {}
    for key in schema.schema:
        if key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


def suggested_values(result: Mapping[str, Any]) -> dict[str, Any]:
    """Return the suggested values of a form, by field name."""
    return _suggested(result["data_schema"])


def section_suggested_values(result: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the suggested values of a form made of sections, by section."""
    return {
        str(key): _suggested(value.schema)
        for key, value in result["data_schema"].schema.items()
    }


def form_fields(result: Mapping[str, Any]) -> dict[str, str]:
    """Return the fields of a form: name -> "required" or "optional"."""
    return {
        str(key): "required" if isinstance(key, probatio.Required) else "optional"
        for key in result["data_schema"].schema
    }


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
    """The hub is created with its name, a slug unique id and all default options."""
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
    assert result["options"] == flat(DEFAULT_OPTIONS_FORM)
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


# --- Options -------------------------------------------------------------------


async def test_options_form(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """The options are grouped in sections, each showing its current values."""
    hass.config_entries.async_update_entry(
        hub, options={**hub.options, CONF_FAST_POLL_SECONDS: 3}
    )

    result = await hass.config_entries.options.async_init(hub.entry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    sections = result["data_schema"].schema
    assert {str(key): value.options for key, value in sections.items()} == {
        "history": {"collapsed": False},
        "webhooks": {"collapsed": False},
        "deletions": {"collapsed": True},
        "polling": {"collapsed": True},
        "stalled": {"collapsed": True},
        "anime": {"collapsed": True},
    }
    expected = {**DEFAULT_OPTIONS_FORM}
    expected["polling"] = {**expected["polling"], CONF_FAST_POLL_SECONDS: 3}
    assert section_suggested_values(result) == expected


# Options of hubs created by earlier versions, with the history options changed.
FIRST_OPTIONS = {
    CONF_RETENTION_DAYS: 30,
    CONF_HISTORY_SIZE: 1000,
    CONF_WEBHOOK_LOCAL_ONLY: True,
}
OPTIONS_BEFORE_ANIME = {
    **flat({name: DEFAULT_OPTIONS_FORM[name] for name in ("polling", "stalled")}),
    **FIRST_OPTIONS,
}


@pytest.mark.parametrize(
    "stored", [FIRST_OPTIONS, OPTIONS_BEFORE_ANIME], ids=["first", "before-anime"]
)
async def test_options_form_of_older_hub(
    hass: HomeAssistant, hub: MockConfigEntry, stored: dict[str, Any]
) -> None:
    """A hub created before the newer options shows, then saves, their defaults."""
    hass.config_entries.async_update_entry(hub, options=stored)

    result = await hass.config_entries.options.async_init(hub.entry_id)

    shown = {
        **DEFAULT_OPTIONS_FORM,
        "history": {CONF_RETENTION_DAYS: 30, CONF_HISTORY_SIZE: 1000},
        "webhooks": {CONF_WEBHOOK_LOCAL_ONLY: True},
    }
    assert section_suggested_values(result) == shown
    assert shown["anime"] == {CONF_ANIME_TAGS: "anime", CONF_ANIME_PATHS: ""}

    # Saved unchanged: the frontend leaves the empty anime_paths out.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**shown, "anime": {CONF_ANIME_TAGS: "anime"}}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hub.options == flat(shown)
    assert hub.options[CONF_ANIME_TAGS] == "anime"
    assert hub.options[CONF_ANIME_PATHS] == ""


async def test_options_saved_flat(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """The sections are stored as flat ints; options the form lacks are kept."""
    hass.config_entries.async_update_entry(
        hub, options={**hub.options, "kept_option": "x"}
    )
    result = await hass.config_entries.options.async_init(hub.entry_id)

    # Number boxes send floats.
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "history": {CONF_RETENTION_DAYS: 14.0, CONF_HISTORY_SIZE: 2000.0},
            "webhooks": {CONF_WEBHOOK_LOCAL_ONLY: True},
            "deletions": {CONF_PROPAGATE_DELETIONS: True},
            "polling": {CONF_FAST_POLL_SECONDS: 10.0, CONF_SLOW_POLL_SECONDS: 120.0},
            "stalled": {
                CONF_STALL_APPROVED_HOURS: 4.0,
                CONF_STALL_DOWNLOADING_HOURS: 48.0,
                CONF_STALL_DOWNLOADED_MINUTES: 45.0,
                CONF_STALL_IMPORTING_MINUTES: 90.0,
                CONF_STALL_MATCHING_MINUTES: 20.0,
            },
            "anime": {
                CONF_ANIME_TAGS: "anime, Anime-Movie",
                CONF_ANIME_PATHS: "/data/media/anime,/mnt/anime",
            },
        },
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hub.options == {
        CONF_RETENTION_DAYS: 14,
        CONF_HISTORY_SIZE: 2000,
        CONF_WEBHOOK_LOCAL_ONLY: True,
        CONF_PROPAGATE_DELETIONS: True,
        CONF_FAST_POLL_SECONDS: 10,
        CONF_SLOW_POLL_SECONDS: 120,
        CONF_STALL_APPROVED_HOURS: 4,
        CONF_STALL_DOWNLOADING_HOURS: 48,
        CONF_STALL_DOWNLOADED_MINUTES: 45,
        CONF_STALL_IMPORTING_MINUTES: 90,
        CONF_STALL_MATCHING_MINUTES: 20,
        # Stored as typed; the hub splits the lists.
        CONF_ANIME_TAGS: "anime, Anime-Movie",
        CONF_ANIME_PATHS: "/data/media/anime,/mnt/anime",
        "kept_option": "x",
    }
    not_numbers = {
        CONF_WEBHOOK_LOCAL_ONLY,
        CONF_PROPAGATE_DELETIONS,
        CONF_ANIME_TAGS,
        CONF_ANIME_PATHS,
    }
    numbers = {
        key: type(value)
        for key, value in hub.options.items()
        if key not in {*not_numbers, "kept_option"}
    }
    assert set(numbers.values()) == {int}


@pytest.mark.parametrize(
    ("anime_input", "stored"),
    [
        (
            {CONF_ANIME_TAGS: "anime"},
            {CONF_ANIME_TAGS: "anime", CONF_ANIME_PATHS: ""},
        ),
        ({}, {CONF_ANIME_TAGS: "", CONF_ANIME_PATHS: ""}),
    ],
    ids=["paths-emptied", "both-emptied"],
)
async def test_options_emptied_anime_fields(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    anime_input: dict[str, str],
    stored: dict[str, str],
) -> None:
    """An emptied text field (left out by the frontend) is stored as "", not kept."""
    hass.config_entries.async_update_entry(
        hub,
        options={
            **hub.options,
            CONF_ANIME_TAGS: "anime,anime-movie",
            CONF_ANIME_PATHS: "/data/media/anime",
        },
    )
    result = await hass.config_entries.options.async_init(hub.entry_id)
    assert section_suggested_values(result)["anime"] == {
        CONF_ANIME_TAGS: "anime,anime-movie",
        CONF_ANIME_PATHS: "/data/media/anime",
    }

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**DEFAULT_OPTIONS_FORM, "anime": anime_input}
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hub.options == {**DEFAULT_OPTIONS, **stored}


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("history", CONF_RETENTION_DAYS, 0),
        ("history", CONF_RETENTION_DAYS, 366),
        ("history", CONF_HISTORY_SIZE, 99),
        ("history", CONF_HISTORY_SIZE, 100_001),
        ("polling", CONF_FAST_POLL_SECONDS, 1),
        ("polling", CONF_FAST_POLL_SECONDS, 301),
        ("polling", CONF_SLOW_POLL_SECONDS, 9),
        ("polling", CONF_SLOW_POLL_SECONDS, 3601),
        ("stalled", CONF_STALL_APPROVED_HOURS, 0),
        ("stalled", CONF_STALL_DOWNLOADING_HOURS, 721),
        ("stalled", CONF_STALL_DOWNLOADED_MINUTES, 4),
        ("stalled", CONF_STALL_IMPORTING_MINUTES, 10_081),
        ("stalled", CONF_STALL_MATCHING_MINUTES, 4),
    ],
)
async def test_options_out_of_range(
    hass: HomeAssistant, hub: MockConfigEntry, section: str, field: str, value: int
) -> None:
    """Values outside the allowed ranges are refused; nothing is saved."""
    result = await hass.config_entries.options.async_init(hub.entry_id)
    user_input = {name: dict(fields) for name, fields in DEFAULT_OPTIONS_FORM.items()}
    user_input[section][field] = value

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], user_input)

    assert hub.options == DEFAULT_OPTIONS


@pytest.mark.parametrize(
    "user_input",
    [
        flat(DEFAULT_OPTIONS_FORM),
        {name: DEFAULT_OPTIONS_FORM[name] for name in ("history", "webhooks")},
        {k: v for k, v in DEFAULT_OPTIONS_FORM.items() if k != "anime"},
    ],
    ids=["flat", "first-sections-only", "without-anime"],
)
async def test_options_missing_section(
    hass: HomeAssistant, hub: MockConfigEntry, user_input: dict[str, Any]
) -> None:
    """Every section has to be sent (flat input is refused too); nothing is saved."""
    result = await hass.config_entries.options.async_init(hub.entry_id)

    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(result["flow_id"], user_input)

    assert hub.options == DEFAULT_OPTIONS


# --- Adding services -----------------------------------------------------------


async def test_supported_subentry_types(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    """Every service type can be added; each supports reconfigure."""
    types = config_flow.StatusTrackerConfigFlow.async_get_supported_subentry_types(hub)
    assert set(types) == {
        "seerr",
        "sonarr",
        "radarr",
        "jellyfin",
        "qbittorrent",
        "shoko",
    }
    assert hub.supported_subentry_types == {
        key: {"supports_reconfigure": True} for key in types
    }


@pytest.mark.parametrize("service", list(FORM_FIELDS))
async def test_subentry_form_fields(
    hass: HomeAssistant, hub: MockConfigEntry, service: str
) -> None:
    """Each type asks for the URL, its credentials and settings."""
    result = await start_subentry_flow(hass, hub, service)

    fields = form_fields(result)
    assert set(fields) == FORM_FIELDS[service]
    assert fields[CONF_URL] == "required"
    if service in (ServiceType.QBITTORRENT, ServiceType.SHOKO):
        # User name and password, or an API key: none is required on its own.
        for key in (CONF_API_KEY, CONF_USERNAME, CONF_PASSWORD):
            assert fields[key] == "optional"
    else:
        assert fields[CONF_API_KEY] == "required"


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
    """Each webhook service is validated, shows its webhook URL, then is created."""
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
        "custom_components.status_tracker.clients.async_get_clientsession",
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


# --- Jellyfin ------------------------------------------------------------------


async def test_jellyfin_external_url_and_server_id(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """The external URL is normalised like the URL; the server id is stored."""
    mock_service(aioclient_mock, ServiceType.JELLYFIN)
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            **subentry_input(JELLYFIN_URL),
            CONF_EXTERNAL_URL: " HTTPS://Jellyfin.Example.com/ ",
        },
    )
    assert result["step_id"] == "webhook"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = dict(only_subentry(hub, JELLYFIN_URL).data)
    assert WEBHOOK_ID_RE.fullmatch(data.pop(CONF_WEBHOOK_ID))
    assert data == {
        CONF_URL: JELLYFIN_URL,
        CONF_API_KEY: API_KEY,
        CONF_EXTERNAL_URL: "https://jellyfin.example.com",
        CONF_VERIFY_SSL: True,
        CONF_SERVER_ID: JELLYFIN_SERVER_ID,
    }


async def test_jellyfin_without_external_url(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """The external URL is optional; a server without a name is titled Jellyfin."""
    aioclient_mock.get(
        f"{JELLYFIN_URL}/System/Info", json={**JELLYFIN_INFO, "ServerName": ""}
    )
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], subentry_input(JELLYFIN_URL)
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})

    assert result["title"] == "Jellyfin"
    subentry = only_subentry(hub, JELLYFIN_URL)
    assert CONF_EXTERNAL_URL not in subentry.data
    assert subentry.data[CONF_SERVER_ID] == JELLYFIN_SERVER_ID


@pytest.mark.parametrize(
    "external_url", ["jellyfin.example.com", "ftp://jellyfin.example.com", "https://"]
)
async def test_jellyfin_invalid_external_url(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    external_url: str,
) -> None:
    """An invalid external URL is marked on its field before any request."""
    result = await start_subentry_flow(hass, hub, ServiceType.JELLYFIN)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**subentry_input(JELLYFIN_URL), CONF_EXTERNAL_URL: external_url},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EXTERNAL_URL: "invalid_url"}
    assert suggested_values(result)[CONF_EXTERNAL_URL] == external_url
    assert aioclient_mock.call_count == 0


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


# --- qBittorrent ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "cookie"),
    [(QBT_LOGIN_OK_4X, f"SID={QBT_SID}"), (QBT_LOGIN_OK_52, f"QBT_SID_8080={QBT_SID}")],
    ids=["4.x", "5.2"],
)
async def test_add_qbittorrent_with_password(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    login: dict[str, Any],
    cookie: str,
) -> None:
    """qBittorrent logs in once, reads its version and is created: no webhook step."""
    mock_qbittorrent(aioclient_mock, login=login)
    result = await start_subentry_flow(hass, hub, ServiceType.QBITTORRENT)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        qbittorrent_input(f"{QBT_URL}/", username=QBT_USERNAME, password=QBT_PASSWORD),
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == QBT_TITLE
    subentry = only_subentry(hub, QBT_URL)
    assert subentry.subentry_type == ServiceType.QBITTORRENT
    assert subentry.title == QBT_TITLE
    # Polled, not pushed: no webhook id.
    assert dict(subentry.data) == {
        CONF_URL: QBT_URL,
        CONF_USERNAME: QBT_USERNAME,
        CONF_PASSWORD: QBT_PASSWORD,
        CONF_VERIFY_SSL: True,
    }
    assert requests_made(aioclient_mock) == [QBT_LOGIN, *QBT_VERSIONS]
    _, _, form, _ = aioclient_mock.mock_calls[0]
    assert form == {"username": QBT_USERNAME, "password": QBT_PASSWORD}
    # The version requests carry the session cookie of the login.
    for _, _, _, headers in aioclient_mock.mock_calls[1:]:
        assert headers == {"Cookie": cookie}


async def test_add_qbittorrent_with_api_key(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """With an API key (qBittorrent 5.2) no login is made: the key is a Bearer token."""
    mock_qbittorrent(aioclient_mock, login=None)
    result = await start_subentry_flow(hass, hub, ServiceType.QBITTORRENT)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], qbittorrent_input(api_key=QBT_API_KEY)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == QBT_TITLE
    assert dict(only_subentry(hub, QBT_URL).data) == {
        CONF_URL: QBT_URL,
        CONF_API_KEY: QBT_API_KEY,
        CONF_VERIFY_SSL: True,
    }
    assert requests_made(aioclient_mock) == QBT_VERSIONS
    for _, _, _, headers in aioclient_mock.mock_calls:
        assert headers == {"Authorization": f"Bearer {QBT_API_KEY}"}


@pytest.mark.parametrize(
    ("login", "error"),
    [
        ({"text": "Fails."}, "invalid_auth"),
        ({"status": HTTPStatus.UNAUTHORIZED}, "invalid_auth"),
        (
            {
                "status": HTTPStatus.FORBIDDEN,
                "text": "Your IP address has been banned after too many failed "
                "authentication attempts.",
            },
            "invalid_auth",
        ),
        ({"exc": ClientError()}, "cannot_connect"),
        ({"exc": TimeoutError()}, "cannot_connect"),
        # A reverse proxy's login page, or a wrong base path.
        ({"text": "<html><body>Sign in</body></html>"}, "cannot_connect"),
    ],
    ids=["wrong-4.x", "wrong-5.2", "banned", "client-error", "timeout", "not-qbt"],
)
async def test_qbittorrent_login_errors(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    login: dict[str, Any],
    error: str,
) -> None:
    """A refused login is shown on the form; it is tried once (failures lead to bans)."""
    mock_qbittorrent(aioclient_mock, login=login)
    result = await start_subentry_flow(hass, hub, ServiceType.QBITTORRENT)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        qbittorrent_input(username=QBT_USERNAME, password=QBT_PASSWORD),
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    # The form keeps what was typed, so a typo in the URL is fixed alone.
    assert suggested_values(result) == qbittorrent_input(
        username=QBT_USERNAME, password=QBT_PASSWORD
    )
    assert requests_made(aioclient_mock) == [QBT_LOGIN]
    assert not hub.subentries


@pytest.mark.parametrize(
    ("version_answer", "error"),
    [
        ({"status": HTTPStatus.FORBIDDEN}, "invalid_auth"),
        ({"text": "<html>Not found</html>"}, "cannot_connect"),
    ],
    ids=["key-refused", "no-version"],
)
async def test_qbittorrent_api_key_errors(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    version_answer: dict[str, Any],
    error: str,
) -> None:
    """A refused API key, or an answer that is no version, is shown on the form."""
    aioclient_mock.get(f"{QBT_URL}/api/v2/app/version", **version_answer)
    result = await start_subentry_flow(hass, hub, ServiceType.QBITTORRENT)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], qbittorrent_input(api_key=QBT_API_KEY)
    )

    assert result["errors"] == {"base": error}
    assert requests_made(aioclient_mock) == QBT_VERSIONS[:1]


# --- Shoko ---------------------------------------------------------------------


def assert_shoko_key_sent(aioclient_mock: AiohttpClientMocker, api_key: str) -> None:
    """Check that the REST calls carry the key in the apikey header, not the URL."""
    calls = [call for call in aioclient_mock.mock_calls if call[0].upper() == "GET"]
    assert calls
    for _, url, _, headers in calls:
        assert headers["apikey"] == api_key
        assert api_key not in str(url)


async def test_add_shoko_with_api_key(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Shoko is checked with the key and created at once: it needs no webhook."""
    mock_shoko(aioclient_mock)
    result = await start_subentry_flow(hass, hub, ServiceType.SHOKO)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], shoko_input(f"{SHOKO_URL}/", api_key=SHOKO_API_KEY)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SHOKO_TITLE
    # No login: the version, then the import folders that prove the key.
    assert requests_made(aioclient_mock) == SHOKO_CHECKS
    assert_shoko_key_sent(aioclient_mock, SHOKO_API_KEY)
    subentry = only_subentry(hub, SHOKO_URL)
    assert subentry.subentry_type == ServiceType.SHOKO
    assert subentry.title == SHOKO_TITLE
    # Events come over Shoko's SignalR hub: no webhook id.
    assert dict(subentry.data) == {
        CONF_URL: SHOKO_URL,
        CONF_API_KEY: SHOKO_API_KEY,
        CONF_USERNAME: "",
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize(
    ("password_input", "password_sent"),
    [
        ({CONF_PASSWORD: SHOKO_PASSWORD}, SHOKO_PASSWORD),
        # Shoko's default user has no password; the frontend leaves it out.
        ({}, ""),
    ],
    ids=["password", "empty-password"],
)
async def test_add_shoko_with_user_and_password(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    password_input: dict[str, str],
    password_sent: str,
) -> None:
    """User and password get an API key once; the key is stored, the password not."""
    mock_shoko(aioclient_mock)
    result = await start_subentry_flow(hass, hub, ServiceType.SHOKO)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], shoko_input(username=SHOKO_USERNAME, **password_input)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == SHOKO_TITLE
    assert requests_made(aioclient_mock) == [SHOKO_LOGIN, *SHOKO_CHECKS]
    _, url, body, _ = aioclient_mock.mock_calls[0]
    assert str(url) == f"{SHOKO_URL}/api/auth"
    assert body == {
        "user": SHOKO_USERNAME,
        "pass": password_sent,
        "device": "home-assistant",
    }
    # The obtained key is what the server is checked with.
    assert_shoko_key_sent(aioclient_mock, SHOKO_LOGIN_KEY)
    # Neither the user name nor the password is stored: only the key.
    assert dict(only_subentry(hub, SHOKO_URL).data) == {
        CONF_URL: SHOKO_URL,
        CONF_USERNAME: "",
        CONF_API_KEY: SHOKO_LOGIN_KEY,
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


SHOKO_PASSWORD_INPUT = {CONF_USERNAME: SHOKO_USERNAME, CONF_PASSWORD: SHOKO_PASSWORD}


@pytest.mark.parametrize(
    ("credentials", "answers", "error", "expected_requests"),
    [
        (
            {CONF_API_KEY: "wrong"},
            {"folders": {"status": HTTPStatus.UNAUTHORIZED}},
            "invalid_auth",
            SHOKO_CHECKS,
        ),
        (
            SHOKO_PASSWORD_INPUT,
            {"login": {"status": HTTPStatus.UNAUTHORIZED}},
            "invalid_auth",
            [SHOKO_LOGIN],
        ),
        # Neither a key nor a user: refused without asking Shoko.
        (
            {},
            {},
            "invalid_auth",
            [],
        ),
        (
            {CONF_API_KEY: SHOKO_API_KEY},
            {"version": {"exc": ClientError()}},
            "cannot_connect",
            SHOKO_CHECKS[:1],
        ),
        (
            {CONF_API_KEY: SHOKO_API_KEY},
            {"version": {"exc": TimeoutError()}},
            "cannot_connect",
            SHOKO_CHECKS[:1],
        ),
        (
            SHOKO_PASSWORD_INPUT,
            {"login": {"exc": ClientError()}},
            "cannot_connect",
            [SHOKO_LOGIN],
        ),
        # Another web server at this address.
        (
            {CONF_API_KEY: SHOKO_API_KEY},
            {"version": {"text": "<!doctype html><html><body>NAS</body></html>"}},
            "cannot_connect",
            SHOKO_CHECKS[:1],
        ),
    ],
    ids=[
        "wrong-key",
        "wrong-password",
        "no-credentials",
        "client-error",
        "timeout",
        "login-client-error",
        "not-shoko",
    ],
)
async def test_shoko_errors_then_recover(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    credentials: dict[str, str],
    answers: dict[str, dict[str, Any]],
    error: str,
    expected_requests: list[str],
) -> None:
    """A refused key or login, or no Shoko at the URL, is shown on the form."""
    mock_shoko(aioclient_mock, **answers)
    result = await start_subentry_flow(hass, hub, ServiceType.SHOKO)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], shoko_input(**credentials)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {"base": error}
    assert suggested_values(result) == shoko_input(**credentials)
    assert requests_made(aioclient_mock) == expected_requests
    assert not hub.subentries

    aioclient_mock.clear_requests()
    mock_shoko(aioclient_mock)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], shoko_input(api_key=SHOKO_API_KEY)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert only_subentry(hub, SHOKO_URL).data[CONF_API_KEY] == SHOKO_API_KEY


# --- Duplicates and webhook step -----------------------------------------------


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
        CONF_REGISTER_WEBHOOK: False,
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
    assert suggested_values(result) == {
        CONF_URL: "sonarr.lan",
        CONF_VERIFY_SSL: True,
        CONF_REGISTER_WEBHOOK: False,
    }

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


@pytest.mark.parametrize(
    ("existing_subentries", "stored", "typed", "first_request"),
    [
        (
            [qbittorrent_subentry(**PASSWORD_LOGIN)],
            PASSWORD_LOGIN,
            {CONF_USERNAME: QBT_USERNAME},
            # Login form, no headers.
            ({"username": QBT_USERNAME, "password": QBT_PASSWORD}, {}),
        ),
        (
            [qbittorrent_subentry(**API_KEY_LOGIN)],
            API_KEY_LOGIN,
            {},
            # Version request with the key.
            (None, {"Authorization": f"Bearer {QBT_API_KEY}"}),
        ),
    ],
    ids=["password", "api-key"],
)
async def test_reconfigure_qbittorrent_keeps_secrets(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    stored: dict[str, str],
    typed: dict[str, str],
    first_request: tuple[dict[str, str] | None, dict[str, str]],
) -> None:
    """Password and API key left empty keep the stored ones; no webhook id appears."""
    subentry = only_subentry(hub, QBT_URL)
    mock_qbittorrent(aioclient_mock, "http://nas.lan:8080")

    result = await start_reconfigure(hass, hub, subentry.subentry_id)
    # The user name is shown, password and API key never are.
    assert suggested_values(result) == {
        CONF_URL: QBT_URL,
        **typed,
        CONF_VERIFY_SSL: True,
    }
    assert result["description_placeholders"] == {"title": QBT_TITLE}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], qbittorrent_input("http://nas.lan:8080/", **typed)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    # The stored secret was used to check the new address.
    _, url, data, headers = aioclient_mock.mock_calls[0]
    assert url.host == "nas.lan"
    assert (data, headers) == first_request
    subentry = hub.subentries[subentry.subentry_id]
    assert subentry.title == "qBittorrent (nas.lan:8080)"
    assert subentry.unique_id == "http://nas.lan:8080"
    assert dict(subentry.data) == {
        CONF_URL: "http://nas.lan:8080",
        **stored,
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize(
    ("existing_subentries", "typed", "expected_requests"),
    [
        # An API key stored before must not shadow the new password.
        (
            [qbittorrent_subentry(username=QBT_USERNAME, api_key=QBT_API_KEY)],
            {CONF_USERNAME: QBT_USERNAME, CONF_PASSWORD: QBT_NEW_PASSWORD},
            [QBT_LOGIN, *QBT_VERSIONS],
        ),
        (
            [qbittorrent_subentry(**PASSWORD_LOGIN)],
            {CONF_USERNAME: QBT_USERNAME, CONF_API_KEY: QBT_NEW_API_KEY},
            QBT_VERSIONS,
        ),
    ],
    ids=["api-key-to-password", "password-to-api-key"],
)
async def test_reconfigure_qbittorrent_other_login(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    typed: dict[str, str],
    expected_requests: list[str],
) -> None:
    """A new password replaces a stored API key, and the other way round."""
    subentry = only_subentry(hub, QBT_URL)
    mock_qbittorrent(aioclient_mock)
    result = await start_reconfigure(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], qbittorrent_input(**typed)
    )

    assert result["reason"] == "reconfigure_successful"
    assert requests_made(aioclient_mock) == expected_requests
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: QBT_URL,
        **typed,
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize(
    "existing_subentries",
    [[jellyfin_subentry(external_url="https://watch.example.com")]],
)
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (
            {CONF_EXTERNAL_URL: "https://Jellyfin.Example.com/"},
            {CONF_EXTERNAL_URL: "https://jellyfin.example.com"},
        ),
        # A cleared field is left out of the input: the external URL is removed.
        ({}, {}),
    ],
    ids=["changed", "cleared"],
)
async def test_reconfigure_jellyfin_external_url(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    typed: dict[str, str],
    stored: dict[str, str],
) -> None:
    """The external URL is shown, can be changed or removed; webhook id is kept."""
    subentry = only_subentry(hub, JELLYFIN_URL)
    mock_service(aioclient_mock, ServiceType.JELLYFIN)
    result = await start_reconfigure(hass, hub, subentry.subentry_id)
    assert suggested_values(result) == {
        CONF_URL: JELLYFIN_URL,
        CONF_EXTERNAL_URL: "https://watch.example.com",
        CONF_VERIFY_SSL: True,
    }

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_URL: JELLYFIN_URL, CONF_VERIFY_SSL: True, **typed}
    )

    assert result["reason"] == "reconfigure_successful"
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: JELLYFIN_URL,
        CONF_API_KEY: API_KEY,
        CONF_VERIFY_SSL: True,
        CONF_WEBHOOK_ID: "j" * 64,
        CONF_SERVER_ID: JELLYFIN_SERVER_ID,
        **stored,
    }


@pytest.mark.parametrize("existing_subentries", [[shoko_subentry()]])
@pytest.mark.parametrize(
    "secrets_input",
    [{}, {CONF_API_KEY: "", CONF_PASSWORD: ""}],
    ids=["left-out", "empty"],
)
async def test_reconfigure_shoko_keeps_key(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    secrets_input: dict[str, str],
) -> None:
    """Empty key and no user name keep the stored key: no new login is made."""
    subentry = only_subentry(hub, SHOKO_URL)
    mock_shoko(aioclient_mock, "https://nas.lan:8112")

    result = await start_reconfigure(hass, hub, subentry.subentry_id)
    # No user name is stored, and the key and password are never shown.
    assert suggested_values(result) == {
        CONF_URL: SHOKO_URL,
        CONF_USERNAME: "",
        CONF_VERIFY_SSL: True,
    }
    assert form_fields(result) == {
        CONF_URL: "required",
        CONF_API_KEY: "optional",
        CONF_USERNAME: "optional",
        CONF_PASSWORD: "optional",
        CONF_VERIFY_SSL: "required",
    }
    assert result["description_placeholders"] == {"title": SHOKO_TITLE}

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**shoko_input("https://NAS.lan:8112/", username=""), **secrets_input},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert requests_made(aioclient_mock) == SHOKO_CHECKS
    assert_shoko_key_sent(aioclient_mock, SHOKO_API_KEY)
    subentry = hub.subentries[subentry.subentry_id]
    assert subentry.title == "Shoko (nas.lan:8112)"
    assert subentry.unique_id == "https://nas.lan:8112"
    assert dict(subentry.data) == {
        CONF_URL: "https://nas.lan:8112",
        CONF_USERNAME: "",
        CONF_API_KEY: SHOKO_API_KEY,
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize("existing_subentries", [[shoko_subentry()]])
async def test_reconfigure_shoko_new_login(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A typed password logs in again; the new key replaces the stored one."""
    subentry = only_subentry(hub, SHOKO_URL)
    mock_shoko(aioclient_mock)
    result = await start_reconfigure(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], shoko_input(**SHOKO_PASSWORD_INPUT)
    )

    assert result["reason"] == "reconfigure_successful"
    assert requests_made(aioclient_mock) == [SHOKO_LOGIN, *SHOKO_CHECKS]
    assert aioclient_mock.mock_calls[0][2]["pass"] == SHOKO_PASSWORD
    assert_shoko_key_sent(aioclient_mock, SHOKO_LOGIN_KEY)
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: SHOKO_URL,
        CONF_USERNAME: "",
        CONF_API_KEY: SHOKO_LOGIN_KEY,
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


# --- Reauthentication ----------------------------------------------------------


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reauth_started_by_hub(hass: HomeAssistant, hub: MockConfigEntry) -> None:
    """The hub starts reauth for one of its services; the flow waits for input."""
    subentry = only_subentry(hub, SONARR_URL)

    hub.async_start_reauth(hass, data={CONF_SUBENTRY_ID: subentry.subentry_id})
    await hass.async_block_till_done()

    [flow] = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["step_id"] == "reauth_confirm"
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert flow["context"]["entry_id"] == hub.entry_id


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reauth_api_key(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A refused key is shown on the form; a good one updates the service only."""
    subentry = only_subentry(hub, SONARR_URL)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert placeholders(result)["title"] == "Sonarr"
    assert form_fields(result) == {CONF_API_KEY: "required"}

    mock_sonarr(aioclient_mock, status=401)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "wrong"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert hub.subentries[subentry.subentry_id].data[CONF_API_KEY] == API_KEY

    aioclient_mock.clear_requests()
    mock_sonarr(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: NEW_API_KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    # The stored URL was checked with the new key.
    _, url, _, headers = aioclient_mock.mock_calls[0]
    assert str(url) == f"{SONARR_URL}/api/v3/system/status"
    assert headers["X-Api-Key"] == NEW_API_KEY
    subentry = hub.subentries[subentry.subentry_id]
    assert subentry.title == "Sonarr"
    assert dict(subentry.data) == {
        CONF_URL: SONARR_URL,
        CONF_API_KEY: NEW_API_KEY,
        CONF_VERIFY_SSL: True,
        CONF_WEBHOOK_ID: "a" * 64,
    }


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": ClientError()}, "cannot_connect"),
        ({"json": arr_status("Radarr", "Radarr")}, "wrong_service"),
        ({"exc": RuntimeError("boom")}, "unknown"),
    ],
)
async def test_reauth_errors(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: str,
) -> None:
    """Reauth checks the service like adding it; a failure changes nothing."""
    subentry = only_subentry(hub, SONARR_URL)
    mock_sonarr(aioclient_mock, **mock_kwargs)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: NEW_API_KEY}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": error}
    assert hub.subentries[subentry.subentry_id].data[CONF_API_KEY] == API_KEY


@pytest.mark.parametrize(
    "existing_subentries", [[qbittorrent_subentry(**PASSWORD_LOGIN)]]
)
async def test_reauth_qbittorrent_password(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """qBittorrent asks for user name, password or API key; the user name is kept."""
    subentry = only_subentry(hub, QBT_URL)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    assert result["type"] is FlowResultType.FORM
    assert placeholders(result)["title"] == QBT_TITLE
    assert form_fields(result) == {
        CONF_USERNAME: "optional",
        CONF_PASSWORD: "optional",
        CONF_API_KEY: "optional",
    }

    mock_qbittorrent(aioclient_mock, login={"text": "Fails."})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: "typo"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert aioclient_mock.mock_calls[0][2] == {
        "username": QBT_USERNAME,
        "password": "typo",
    }

    aioclient_mock.clear_requests()
    mock_qbittorrent(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: QBT_NEW_PASSWORD}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert requests_made(aioclient_mock) == [QBT_LOGIN, *QBT_VERSIONS]
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: QBT_URL,
        CONF_USERNAME: QBT_USERNAME,
        CONF_PASSWORD: QBT_NEW_PASSWORD,
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize(
    "existing_subentries",
    [[qbittorrent_subentry(username=QBT_USERNAME, api_key=QBT_API_KEY)]],
)
async def test_reauth_qbittorrent_revoked_api_key(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """After the API key was revoked, a password replaces it."""
    subentry = only_subentry(hub, QBT_URL)
    mock_qbittorrent(aioclient_mock)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PASSWORD: QBT_NEW_PASSWORD}
    )

    assert result["reason"] == "reauth_successful"
    assert requests_made(aioclient_mock) == [QBT_LOGIN, *QBT_VERSIONS]
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: QBT_URL,
        CONF_USERNAME: QBT_USERNAME,
        CONF_PASSWORD: QBT_NEW_PASSWORD,
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize("existing_subentries", [[shoko_subentry()]])
async def test_reauth_shoko_api_key(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Shoko asks for a key or a login; a refused key changes nothing, a new one works."""
    subentry = only_subentry(hub, SHOKO_URL)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert placeholders(result)["title"] == SHOKO_TITLE
    assert form_fields(result) == {
        CONF_API_KEY: "optional",
        CONF_USERNAME: "optional",
        CONF_PASSWORD: "optional",
    }

    mock_shoko(aioclient_mock, folders={"status": HTTPStatus.UNAUTHORIZED})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "revoked"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert hub.subentries[subentry.subentry_id].data[CONF_API_KEY] == SHOKO_API_KEY

    aioclient_mock.clear_requests()
    mock_shoko(aioclient_mock)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: SHOKO_NEW_API_KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert requests_made(aioclient_mock) == SHOKO_CHECKS
    assert_shoko_key_sent(aioclient_mock, SHOKO_NEW_API_KEY)
    subentry = hub.subentries[subentry.subentry_id]
    assert subentry.title == SHOKO_TITLE
    assert dict(subentry.data) == {
        CONF_URL: SHOKO_URL,
        CONF_USERNAME: "",
        CONF_API_KEY: SHOKO_NEW_API_KEY,
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize("existing_subentries", [[shoko_subentry()]])
@pytest.mark.parametrize(
    "password", [SHOKO_PASSWORD, ""], ids=["password", "empty-password"]
)
async def test_reauth_shoko_password(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    password: str,
) -> None:
    """A user name (even with Shoko's empty default password) logs in again."""
    subentry = only_subentry(hub, SHOKO_URL)
    mock_shoko(aioclient_mock)
    result = await start_reauth(hass, hub, subentry.subentry_id)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: SHOKO_USERNAME, CONF_PASSWORD: password}
    )

    assert result["reason"] == "reauth_successful"
    assert requests_made(aioclient_mock) == [SHOKO_LOGIN, *SHOKO_CHECKS]
    assert aioclient_mock.mock_calls[0][2] == {
        "user": SHOKO_USERNAME,
        "pass": password,
        "device": "home-assistant",
    }
    assert_shoko_key_sent(aioclient_mock, SHOKO_LOGIN_KEY)
    assert dict(hub.subentries[subentry.subentry_id].data) == {
        CONF_URL: SHOKO_URL,
        CONF_USERNAME: "",
        CONF_API_KEY: SHOKO_LOGIN_KEY,
        CONF_PASSWORD: "",
        CONF_VERIFY_SSL: True,
    }


@pytest.mark.parametrize(
    "reauth_data", [{CONF_SUBENTRY_ID: "removed_service"}, {}], ids=["gone", "none"]
)
async def test_reauth_service_gone(
    hass: HomeAssistant, hub: MockConfigEntry, reauth_data: dict[str, str]
) -> None:
    """Reauth for a service no longer in the hub aborts."""
    result = await hub.start_reauth_flow(hass, data=reauth_data)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_service_gone"


@pytest.mark.parametrize("existing_subentries", [[sonarr_subentry()]])
async def test_reauth_service_removed_meanwhile(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """A service removed while its reauth form is open aborts without a request."""
    subentry = only_subentry(hub, SONARR_URL)
    result = await start_reauth(hass, hub, subentry.subentry_id)
    assert hass.config_entries.async_remove_subentry(hub, subentry.subentry_id)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: NEW_API_KEY}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_service_gone"
    assert aioclient_mock.call_count == 0


# --- Translations --------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_translations_match_strings() -> None:
    """translations/en.json is strings.json (no references to resolve)."""
    strings = _load(INTEGRATION_DIR / "strings.json")
    assert _load(INTEGRATION_DIR / "translations" / "en.json") == strings
    assert "[%key:" not in json.dumps(strings)


@pytest.mark.parametrize("service", list(FORM_FIELDS))
def test_subentry_translations(service: str) -> None:
    """Each subentry type has the keys Home Assistant and this flow use."""
    strings = _load(INTEGRATION_DIR / "strings.json")["config_subentries"][service]

    assert strings["entry_type"]
    assert set(strings["initiate_flow"]) == {"user", "reconfigure"}
    steps = strings["step"]
    for step in ("user", "reconfigure"):
        assert set(steps[step]["data"]) == FORM_FIELDS[service]
        assert set(steps[step]["data_description"]) == FORM_FIELDS[service]
    assert "{title}" in steps["reconfigure"]["title"]
    errors = {"cannot_connect", "invalid_auth", "invalid_url", "unknown"}
    if service in WEBHOOK_SERVICES:
        assert "{webhook_url}" in steps["webhook"]["description"]
        errors.add("no_url_available")
    else:
        assert set(steps) == {"user", "reconfigure"}
    if service in (ServiceType.SONARR, ServiceType.RADARR):
        errors.add("wrong_service")
    if service in (ServiceType.SEERR, ServiceType.SONARR, ServiceType.RADARR):
        errors |= {"registration_unreachable", "registration_failed"}
    if service == ServiceType.SEERR:
        errors.add("registration_in_use")
    assert set(strings["error"]) == errors
    aborts = {"already_configured", "reconfigure_successful"}
    if service in (ServiceType.SEERR, ServiceType.SONARR, ServiceType.RADARR):
        aborts |= {"old_registration_left", "old_registration_removed"}
    assert set(strings["abort"]) == aborts


def test_reauth_translations() -> None:
    """The reauth form labels the credential fields of every type."""
    config = _load(INTEGRATION_DIR / "strings.json")["config"]
    step = config["step"]["reauth_confirm"]
    credentials = {
        str(key)
        for flow in config_flow.SUBENTRY_FLOWS.values()
        for key in flow.credentials_schema(keep_current=False)
    }

    assert credentials == {CONF_API_KEY, CONF_USERNAME, CONF_PASSWORD}
    assert set(step["data"]) == credentials
    assert set(step["data_description"]) == credentials
    assert "{title}" in step["title"]
    assert "{title}" in step["description"]
    assert {"invalid_auth", "cannot_connect", "unknown", "wrong_service"} <= set(
        config["error"]
    )
    assert {"reauth_successful", "reauth_service_gone"} <= set(config["abort"])


def test_options_translations() -> None:
    """Each options section has a name and labels its fields."""
    sections = _load(INTEGRATION_DIR / "strings.json")["options"]["step"]["init"][
        "sections"
    ]

    assert set(sections) == set(DEFAULT_OPTIONS_FORM)
    for name, fields in DEFAULT_OPTIONS_FORM.items():
        assert sections[name]["name"]
        assert set(sections[name]["data"]) == set(fields)
        assert set(sections[name]["data_description"]) == set(fields)


def test_every_type_is_tested() -> None:
    """SUCCESS_CASES cover the webhook services; FORM_FIELDS every type."""
    assert {case[0] for case in SUCCESS_CASES} == WEBHOOK_SERVICES
    assert set(FORM_FIELDS) == set(config_flow.SUBENTRY_FLOWS)
    # Polled or pushed over their own connection: no webhook step.
    assert set(FORM_FIELDS) - WEBHOOK_SERVICES == {
        ServiceType.QBITTORRENT,
        ServiceType.SHOKO,
    }


async def test_translations_load(hass: HomeAssistant) -> None:
    """Home Assistant loads the config and subentry strings of the integration."""
    from homeassistant.helpers.translation import async_get_translations  # noqa: PLC0415

    translations = await async_get_translations(
        hass, "en", "config_subentries", [DOMAIN]
    )
    key = f"component.{DOMAIN}.config_subentries.sonarr.step.webhook.description"
    assert "{webhook_url}" in translations[key]
    assert translations[f"component.{DOMAIN}.config_subentries.shoko.entry_type"] == (
        "Shoko Server"
    )

    translations = await async_get_translations(hass, "en", "config", [DOMAIN])
    key = f"component.{DOMAIN}.config.step.reauth_confirm.title"
    assert "{title}" in translations[key]

    translations = await async_get_translations(hass, "en", "options", [DOMAIN])
    key = f"component.{DOMAIN}.options.step.init.sections.anime.name"
    assert translations[key] == "Anime"


async def test_seerr_served_by_core_seerr(
    hass: HomeAssistant, hub: MockConfigEntry, aioclient_mock: AiohttpClientMocker
) -> None:
    """Home Assistant's Seerr integration serves this Seerr: nothing to set up.

    Even with "set up the webhook for me" ticked, Seerr's webhook settings are
    not read or written: that integration owns Seerr's one agent.
    """
    MockConfigEntry(
        domain="overseerr",
        title="Seerr at home",
        data={
            "host": "seerr.lan",
            "port": 5055,
            "ssl": False,
            "api_key": "core-key",
            "webhook_id": "c" * 64,
        },
    ).add_to_hass(hass)
    mock_service(aioclient_mock, ServiceType.SEERR)
    result = await start_subentry_flow(hass, hub, ServiceType.SEERR)

    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**subentry_input(SEERR_URL), CONF_REGISTER_WEBHOOK: True},
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "core_seerr"
    assert placeholders(result) == {"core_title": "Seerr at home"}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert only_subentry(hub, SEERR_URL).data[CONF_REGISTER_WEBHOOK] is True
    assert not [
        url
        for _, url, _, _ in aioclient_mock.mock_calls
        if "/settings/notifications" in url.path
    ]
