"""Shared fixtures for Status Tracker tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
import copy
from http import HTTPStatus
import logging
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from syrupy.assertion import SnapshotAssertion
from yarl import URL

from custom_components.status_tracker.const import (
    CONF_API_KEY,
    CONF_HISTORY_SIZE,
    CONF_RETENTION_DAYS,
    CONF_URL,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
)

from .deprecations import DeprecationReports
from .flows import jellyfin_series_items, sonarr_episode_list

ENTRY_ID = "01JSTATUSTRACKERHUB000000"
URLS = {
    "seerr": "http://seerr.local:5055",
    "sonarr": "http://sonarr.local:8989",
    "radarr": "http://radarr.local:7878",
    "jellyfin": "http://jellyfin.local:8096",
}
# Distinct, realistic secrets so a test can prove none of them leaks.
API_KEYS = {
    "seerr": "MTczNjUwMDAwMDAwMGZlZWRmYWNlY2FmZWJhYmU=",
    "sonarr": "0123456789abcdef0123456789abcdef",
    "radarr": "fedcba9876543210fedcba9876543210",
    "jellyfin": "5f4dcc3b5aa765d61d8327deb882cf99",
}
WEBHOOK_IDS = {
    "seerr": "1" * 16 + "seerrwebhookid0000000000000000000000000000000000",
    "sonarr": "2" * 16 + "sonarrwebhookid000000000000000000000000000000000",
    "radarr": "3" * 16 + "radarrwebhookid000000000000000000000000000000000",
    "jellyfin": "4" * 16 + "jellyfinwebhookid0000000000000000000000000000000",
}
SUBENTRY_IDS = {service: f"{service}_subentry" for service in URLS}
TITLES = {
    "seerr": "Seerr (seerr.local)",
    "sonarr": "Sonarr",
    "radarr": "Radarr",
    "jellyfin": "jellyfin",
}

# What each service answers to the integration's periodic health check.
HEALTH_ANSWERS = {
    "seerr": ("/api/v1/auth/me", {"id": 1, "displayName": "admin"}),
    "sonarr": (
        "/api/v3/system/status",
        {"appName": "Sonarr", "instanceName": "Sonarr", "version": "4.0.19.2979"},
    ),
    "radarr": (
        "/api/v3/system/status",
        {"appName": "Radarr", "instanceName": "Radarr", "version": "5.28.0.10274"},
    ),
    "jellyfin": (
        "/System/Info",
        {
            "ServerName": "jellyfin",
            "Version": "10.11.5",
            "Id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
        },
    ),
}

type PostWebhook = Callable[[str, Any], Awaitable[Any]]


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Serialise Home Assistant objects (registry entries, states) stably."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests that cause deprecation reports on purpose."""
    config.addinivalue_line(
        "markers",
        "reports_deprecated_use: the test makes Home Assistant report a deprecated "
        "use by our code on purpose (tests/test_deprecations.py)",
    )


@pytest.fixture(autouse=True)
def no_deprecated_use(request: pytest.FixtureRequest) -> Generator[None]:
    """Fail a test in which Home Assistant reports a deprecated use by our code.

    Requested before any other fixture, so it also sees Home Assistant's stop.
    """
    collector = DeprecationReports()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        yield
    finally:
        root.removeHandler(collector)
    reports = collector.take()
    if reports and not request.node.get_closest_marker("reports_deprecated_use"):
        pytest.fail("Home Assistant reports deprecated use:\n" + "\n".join(reports))


@pytest.fixture(autouse=True)
def journal_dir(tmp_path: Path) -> Generator[Path]:
    """Write webhook journals in the test's own folder.

    Home Assistant's test configuration folder is shared by every test.
    """

    def path(hass: HomeAssistant, entry_id: str) -> Path:
        return tmp_path / f"status_tracker.{entry_id}.journal"

    with (
        patch("custom_components.status_tracker.runtime.journal_path", path),
        patch("custom_components.status_tracker.journal_path", path),
    ):
        yield tmp_path


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


# What the config flow adds for some services besides URL, key and webhook.
EXTRA_DATA = {
    "jellyfin": {
        "external_url": "https://watch.example.com",
        "server_id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    },
}


def subentry_data(service: str) -> dict[str, Any]:
    """Return what the config flow stores for one service instance."""
    return {
        "data": {
            CONF_URL: URLS[service],
            CONF_API_KEY: API_KEYS[service],
            CONF_VERIFY_SSL: True,
            CONF_WEBHOOK_ID: WEBHOOK_IDS[service],
            **EXTRA_DATA.get(service, {}),
        },
        "subentry_id": SUBENTRY_IDS[service],
        "subentry_type": service,
        "title": TITLES[service],
        "unique_id": URLS[service],
    }


@pytest.fixture
def services() -> tuple[str, ...]:
    """Return the services configured in the hub (override per test)."""
    return ("seerr", "sonarr", "radarr", "jellyfin")


def hub_config_entry(
    subentries: list[dict[str, Any]], **options: Any
) -> MockConfigEntry:
    """Return the "Media stack" hub with these subentries (options override)."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        options={
            CONF_RETENTION_DAYS: 7,
            CONF_HISTORY_SIZE: 5000,
            CONF_WEBHOOK_LOCAL_ONLY: False,
            **options,
        },
        subentries_data=subentries,
    )


@pytest.fixture
def mock_config_entry(services: tuple[str, ...]) -> MockConfigEntry:
    """Return a hub with one subentry per configured service."""
    return hub_config_entry([subentry_data(service) for service in services])


def mock_health(aioclient_mock: AiohttpClientMocker) -> None:
    """Answer the periodic health checks of every service.

    Also the lookups every new Seerr request makes: the *arr does not have
    the media yet (tests of already-present media answer otherwise), and the
    history reads of a start after the first: nothing happened meanwhile.
    """
    for service, (path, answer) in HEALTH_ANSWERS.items():
        aioclient_mock.get(f"{URLS[service]}{path}", json=answer)
    mock_media_not_in_arr(aioclient_mock)
    mock_empty_histories(aioclient_mock)


def mock_empty_histories(aioclient_mock: AiohttpClientMocker) -> None:
    """Answer the reconciliation's history reads: nothing happened meanwhile.

    Jellyfin's history is its newest items (mock_recent_items). Tests of the
    reconciliation register their own answers before these.
    """
    aioclient_mock.get(
        f"{URLS['seerr']}/api/v1/request?sort=modified",
        json={
            "pageInfo": {"pages": 0, "pageSize": 50, "results": 0, "page": 1},
            "results": [],
        },
    )
    for service in ("sonarr", "radarr"):
        aioclient_mock.get(
            f"{URLS[service]}/api/v3/history?sortKey=date",
            json={"page": 1, "pageSize": 250, "totalRecords": 0, "records": []},
        )


def mock_answer(method: str, url: URL, value: Any) -> AiohttpClientMockResponse:
    """Answer a mocked call with `value`: JSON, an HTTPStatus, or an exception raised."""
    if isinstance(value, BaseException):
        raise value
    if isinstance(value, HTTPStatus):
        return AiohttpClientMockResponse(method, url, status=value)
    return AiohttpClientMockResponse(method, url, json=copy.deepcopy(value))


def mock_recent_items(
    aioclient_mock: AiohttpClientMocker, answer: dict[str, Any] | None = None
) -> None:
    """Answer Jellyfin's newest-items query (empty library by default).

    Registered before the plain /Items mock, which answers the series lookups.
    """
    aioclient_mock.get(
        f"{URLS['jellyfin']}/Items?SortBy=DateCreated",
        json=answer or {"Items": [], "TotalRecordCount": 0, "StartIndex": 0},
    )


def mock_media_not_in_arr(aioclient_mock: AiohttpClientMocker) -> None:
    """Answer the lookups of a new request: the *arr does not have the media yet."""
    aioclient_mock.get(f"{URLS['radarr']}/api/v3/movie?tmdbId", json=[])
    aioclient_mock.get(f"{URLS['sonarr']}/api/v3/series?tvdbId", json=[])


@pytest.fixture
def upstream(aioclient_mock: AiohttpClientMocker) -> AiohttpClientMocker:
    """Answer the REST calls the integration makes while tracking."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    return aioclient_mock


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
) -> MockConfigEntry:
    """Set up the hub."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def post_webhook(hass: HomeAssistant, hass_client_no_auth: Any) -> PostWebhook:
    """Return a function posting a JSON body to a service's webhook URL."""

    async def post(service: str, body: Any, **kwargs: Any) -> Any:
        client = await hass_client_no_auth()
        response = await client.post(
            f"/api/webhook/{WEBHOOK_IDS[service]}", json=body, **kwargs
        )
        await hass.async_block_till_done()
        return response

    return post


@pytest.fixture(autouse=True)
def predictable_request_ids() -> Any:
    """Number new requests req000001, req000002... so snapshots are stable."""
    counter = iter(range(1, 1_000_000))
    with patch(
        "custom_components.status_tracker.core.tracker.new_request_id",
        side_effect=lambda: f"req{next(counter):06d}",
    ):
        yield
