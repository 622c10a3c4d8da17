"""Seerr beside Home Assistant's own Seerr integration (domain overseerr).

Core's Seerr integration is really set up here (its client library, its
webhook, its event entity), its HTTP answered at the session like ours. It
owns Seerr's one webhook agent: Status Tracker never writes it, takes Seerr's
events from core's event entity, and follows core's entry as it comes and goes.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import logging
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_HOST, CONF_PORT, CONF_SSL
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.helpers import entity_registry as er, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import CONF_REGISTER_WEBHOOK, DOMAIN
from custom_components.status_tracker.core_seerr import (
    LIST_READ_EVERY,
    core_seerr_address,
    seerr_address,
)
from custom_components.status_tracker.repairs import (
    SEERR_SILENT_AFTER,
    issue_id_seerr_silent,
)

from .conftest import (
    API_KEYS,
    SUBENTRY_IDS,
    URLS,
    PostWebhook,
    hub_config_entry,
    mock_health,
    subentry_data,
)
from .core_seerr_payloads import core_webhook_body
from .flows import load_fixture

CORE_ENTRY_ID = "01JCORESEERRENTRY000000000"
CORE_WEBHOOK_ID = "c0" * 32
CORE_API_KEY = "core-seerr-api-key"
SEERR = URLS["seerr"]
EVENT_SOURCE = "sensor.seerr_seerr_local_event_source"
LAST_EVENT = "sensor.seerr_seerr_local_last_webhook"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
WEBHOOK_SETTINGS = "/api/v1/settings/notifications/webhook"


def core_seerr_entry(**data: Any) -> MockConfigEntry:
    """Return core's Seerr entry for the hub's Seerr (seerr.local:5055, http)."""
    return MockConfigEntry(
        domain="overseerr",
        entry_id=CORE_ENTRY_ID,
        title="Seerr",
        data={
            CONF_HOST: "seerr.local",
            CONF_PORT: 5055,
            CONF_SSL: False,
            CONF_API_KEY: CORE_API_KEY,
            "webhook_id": CORE_WEBHOOK_ID,
            **data,
        },
    )


def mock_core_seerr(
    aioclient_mock: AiohttpClientMocker, *, test_answer: HTTPStatus = HTTPStatus.OK
) -> None:
    """Answer what core's Seerr asks Seerr: counts, and its webhook set-up."""
    counts = dict.fromkeys(
        ("total", "movie", "tv", "pending", "approved", "declined", "processing"), 0
    )
    aioclient_mock.get(f"{SEERR}/api/v1/request/count", json={**counts, "available": 0})
    aioclient_mock.get(
        f"{SEERR}/api/v1/issue/count",
        json=dict.fromkeys(
            ("total", "video", "audio", "subtitles", "others", "open", "closed"), 0
        ),
    )
    # The agent is off: core tests it, then saves its own settings.
    aioclient_mock.get(
        f"{SEERR}{WEBHOOK_SETTINGS}",
        json={
            "enabled": False,
            "types": 0,
            "options": {"webhookUrl": "", "jsonPayload": "", "authHeader": ""},
        },
    )
    aioclient_mock.post(f"{SEERR}{WEBHOOK_SETTINGS}/test", status=test_answer)
    aioclient_mock.post(f"{SEERR}{WEBHOOK_SETTINGS}", json={})


def ours(aioclient_mock: AiohttpClientMocker, method: str, path: str) -> int:
    """Return how many calls Status Tracker (its API key) made to Seerr's path."""
    return sum(
        1
        for call_method, url, _, headers in aioclient_mock.mock_calls
        if call_method == method
        and url.path == path
        and url.host == "seerr.local"
        and (headers or {}).get("X-Api-Key") == API_KEYS["seerr"]
    )


def hub(*, consent: bool) -> MockConfigEntry:
    """Return the hub with Seerr (and its webhook set up for us if `consent`)."""
    seerr = subentry_data("seerr")
    seerr["data"][CONF_REGISTER_WEBHOOK] = consent
    return hub_config_entry([seerr, subentry_data("radarr"), subentry_data("sonarr")])


async def setup(hass: HomeAssistant, *entries: MockConfigEntry) -> None:
    """Set the entries up in this order, all configured first (as at a start)."""
    for entry in entries:
        entry.add_to_hass(hass)
    for entry in entries:
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()


@pytest.fixture(autouse=True)
async def internal_url(hass: HomeAssistant) -> None:
    """Core's Seerr needs an address Seerr can reach Home Assistant at."""
    await async_process_ha_core_config(
        hass, {"internal_url": "http://192.168.1.10:8123"}
    )


@pytest.fixture
def core_posts(hass: HomeAssistant, hass_client_no_auth: Any) -> PostWebhook:
    """Post a notification of ours the way Seerr sends it to core's webhook."""

    async def post(service: str, body: Any, **kwargs: Any) -> Any:
        client = await hass_client_no_auth()
        response = await client.post(
            f"/api/webhook/{CORE_WEBHOOK_ID}", json=core_webhook_body(body)
        )
        await hass.async_block_till_done(wait_background_tasks=True)
        return response

    return post


@pytest.mark.parametrize("core_first", [True, False], ids=["core_first", "ours_first"])
async def test_seerr_events_come_through_core_seerr(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    core_posts: PostWebhook,
    core_first: bool,
) -> None:
    """Set up in either order at a start: core owns the agent, its events make our requests."""
    mock_core_seerr(aioclient_mock)
    core, ours_entry = core_seerr_entry(), hub(consent=True)
    await setup(hass, *((core, ours_entry) if core_first else (ours_entry, core)))
    assert core.state is ConfigEntryState.LOADED

    assert hass.states.get(EVENT_SOURCE).state == "core_seerr"  # type: ignore[union-attr]
    for name in ("media_pending", "media_approved", "media_pending_tv"):
        response = await core_posts("seerr", load_fixture(f"jellyseerr/{name}.json"))
        assert response.status == HTTPStatus.OK

    movie = hass.states.get(MOVIE_SENSOR)
    assert movie is not None
    assert (movie.state, movie.attributes["requested_by"]) == ("approved", "alice")
    show = hass.states.get(SHOW_SENSOR)
    assert show is not None
    assert (show.state, show.attributes["seasons"]) == ("requested", [1])
    assert hass.states.get(LAST_EVENT).state not in ("unknown", "unavailable")  # type: ignore[union-attr]
    # Core wrote Seerr's webhook settings; Status Tracker never even tested them.
    assert ours(aioclient_mock, "POST", WEBHOOK_SETTINGS) == 0
    assert ours(aioclient_mock, "POST", f"{WEBHOOK_SETTINGS}/test") == 0


async def test_a_shows_seasons_are_read_from_seerr_once(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    core_posts: PostWebhook,
) -> None:
    """An event without the requested seasons: Seerr's request says, once."""
    request = load_fixture("jellyseerr/api_request_list.json")["results"][0]
    aioclient_mock.get(f"{SEERR}/api/v1/request/202", json=request)
    mock_core_seerr(aioclient_mock)
    await setup(hass, core_seerr_entry(), hub(consent=False))

    for name in ("media_pending_tv", "media_approved_tv"):
        body = load_fixture(f"jellyseerr/{name}.json")
        body["extra"] = []
        await core_posts("seerr", body)

    show = hass.states.get(SHOW_SENSOR)
    assert show is not None
    assert (show.state, show.attributes["seasons"]) == ("approved", [1])
    assert ours(aioclient_mock, "GET", "/api/v1/request/202") == 1


async def test_switch_over_both_ways_without_a_restart(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    core_posts: PostWebhook,
    post_webhook: PostWebhook,
) -> None:
    """Core's entry added later takes over; removed, our webhook is back."""
    mock_core_seerr(aioclient_mock)
    ours_entry = hub(consent=True)
    await setup(hass, ours_entry)
    assert hass.states.get(EVENT_SOURCE).state == "webhook"  # type: ignore[union-attr]
    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))

    core = core_seerr_entry()
    await setup(hass, core)
    assert hass.states.get(EVENT_SOURCE).state == "core_seerr"  # type: ignore[union-attr]
    await core_posts("seerr", load_fixture("jellyseerr/media_approved.json"))
    assert hass.states.get(MOVIE_SENSOR).state == "approved"  # type: ignore[union-attr]
    settings_reads = ours(aioclient_mock, "GET", WEBHOOK_SETTINGS)

    assert await hass.config_entries.async_remove(core.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(EVENT_SOURCE).state == "webhook"  # type: ignore[union-attr]
    # Our registration looked at Seerr's agent again (it points at core's
    # address, so it is left alone).
    assert ours(aioclient_mock, "GET", WEBHOOK_SETTINGS) > settings_reads
    assert ours(aioclient_mock, "POST", WEBHOOK_SETTINGS) == 0
    assert ours_entry.state is ConfigEntryState.LOADED


async def test_another_seerr_is_not_core_seerrs(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
) -> None:
    """Core's entry for another port (or host, or scheme) leaves ours alone."""
    other = URLS["seerr"].replace("5055", "5056")
    aioclient_mock.get(f"{other}/api/v1/request/count", status=HTTPStatus.NOT_FOUND)
    core = core_seerr_entry(**{CONF_PORT: 5056})
    await setup(hass, hub(consent=False))
    core.add_to_hass(hass)
    await hass.config_entries.async_setup(core.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(EVENT_SOURCE).state == "webhook"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("consent", "source"), [(False, "request_list"), (True, "request_list")]
)
async def test_core_without_its_webhook(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    consent: bool,
    source: str,
) -> None:
    """Core could not set up its webhook: we say so and read Seerr's list.

    Seerr's agent is taken only when it is free and our own test reaches us
    (here Seerr refuses the test: the list it is).
    """
    mock_core_seerr(aioclient_mock, test_answer=HTTPStatus.INTERNAL_SERVER_ERROR)
    with caplog.at_level(logging.WARNING):
        await setup(hass, core_seerr_entry(), hub(consent=consent))
    assert "receives no events from Seerr (seerr.local)" in caplog.text
    assert hass.states.get(EVENT_SOURCE).state == source  # type: ignore[union-attr]

    reads = ours(aioclient_mock, "GET", "/api/v1/request")
    freezer.tick(LIST_READ_EVERY)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert ours(aioclient_mock, "GET", "/api/v1/request") == reads + 1


async def test_a_repair_when_no_seerr_event_arrives(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Seerr's requests arrive only through Radarr: after an hour, a repair."""
    await setup(hass, hub(consent=False))
    seerr_id = SUBENTRY_IDS["seerr"]
    runtime = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    # Radarr's grab starts a request; the Seerr request id comes from a reading.
    await post_webhook("radarr", load_fixture("radarr/grab.json"))
    (request,) = runtime.tracker.requests.values()
    request.seerr_request_id = 201
    issues = ir.async_get(hass)

    freezer.tick(SEERR_SILENT_AFTER + timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id_seerr_silent(seerr_id))

    # An event arrives: the repair clears itself.
    await post_webhook("seerr", load_fixture("jellyseerr/media_approved.json"))
    freezer.tick(timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not issues.async_get_issue(DOMAIN, issue_id_seerr_silent(seerr_id))


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://Seerr.Local:5055/", ("http", "seerr.local", 5055, "")),
        ("https://seerr.example.org", ("https", "seerr.example.org", 443, "")),
        (
            "http://seerr.example.org/seerr/",
            ("http", "seerr.example.org", 80, "/seerr"),
        ),
        ("ftp://seerr.local", None),
        ("http://", None),
        ("http://seerr.local:99999", None),
    ],
)
def test_seerr_addresses_are_compared_normalised(
    url: str, address: tuple[str, str, int, str] | None
) -> None:
    """Scheme, host, port (defaults filled in) and base path; junk is nothing."""
    assert seerr_address(url) == address


def test_core_entry_data_names_an_address() -> None:
    """Core keeps host, port and SSL; anything else names no Seerr."""
    assert core_seerr_address(
        {CONF_HOST: " Seerr.Local", CONF_PORT: 443, CONF_SSL: True}
    ) == (
        "https",
        "seerr.local",
        443,
        "",
    )
    assert core_seerr_address({CONF_HOST: "seerr.local", CONF_PORT: "5055"}) is None


async def test_core_losing_its_webhook_falls_back_and_unload_stops_reading(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Core's event entity goes unavailable: the list; unloaded: no more reading."""
    mock_core_seerr(aioclient_mock)
    core, ours_entry = core_seerr_entry(), hub(consent=False)
    await setup(hass, core, ours_entry)
    assert hass.states.get(EVENT_SOURCE).state == "core_seerr"  # type: ignore[union-attr]

    # Core starts again and cannot set up its webhook this time: its event
    # entity comes back unavailable.
    aioclient_mock.clear_requests()
    mock_health(aioclient_mock)
    mock_core_seerr(aioclient_mock, test_answer=HTTPStatus.INTERNAL_SERVER_ERROR)
    assert await hass.config_entries.async_reload(core.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_SOURCE).state == "request_list"  # type: ignore[union-attr]
    # Checked again (the entry changed): nothing changes.
    hass.config_entries.async_update_entry(core, title="Seerr at home")
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_SOURCE).state == "request_list"  # type: ignore[union-attr]

    assert await hass.config_entries.async_unload(ours_entry.entry_id)
    reads = ours(aioclient_mock, "GET", "/api/v1/request")
    freezer.tick(LIST_READ_EVERY * 2)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert ours(aioclient_mock, "GET", "/api/v1/request") == reads


async def test_our_webhook_taken_when_core_cannot(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
) -> None:
    """Seerr's agent free and our test delivered: our own webhook it is."""
    mock_core_seerr(aioclient_mock, test_answer=HTTPStatus.INTERNAL_SERVER_ERROR)
    with patch(
        "custom_components.status_tracker.async_take_seerr_webhook",
        AsyncMock(return_value=True),
    ) as take:
        await setup(hass, core_seerr_entry(), hub(consent=True))
        await hass.async_block_till_done(wait_background_tasks=True)

    take.assert_awaited_once()
    assert hass.states.get(EVENT_SOURCE).state == "webhook"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "attributes",
    [
        # Not an event of core's (no type), a malformed one, another kind.
        {},
        {"event_type": "pending", "media": None, "subject": "Example Movie (1999)"},
        {"event_type": "media_resolved"},
    ],
)
async def test_odd_states_of_core_entity_are_ignored(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    attributes: dict[str, Any],
) -> None:
    """A state of core's entity that is no request event tracks nothing."""
    mock_core_seerr(aioclient_mock)
    await setup(hass, core_seerr_entry(), hub(consent=False))
    entity_id = er.async_get(hass).async_get_entity_id(
        "event", "overseerr", f"{CORE_ENTRY_ID}-media"
    )
    assert entity_id is not None

    hass.states.async_set(entity_id, "2026-01-10T12:00:00.000+00:00", attributes)
    # The same event again with other attributes: no new event.
    hass.states.async_set(
        entity_id, "2026-01-10T12:00:00.000+00:00", {**attributes, "seen": True}
    )
    await hass.async_block_till_done()

    runtime = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    assert not runtime.tracker.requests
    assert hass.states.get(EVENT_SOURCE).state == "core_seerr"  # type: ignore[union-attr]


async def test_seasons_unknown_when_seerr_cannot_say(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    core_posts: PostWebhook,
) -> None:
    """Seerr does not answer: the show is tracked without its seasons, in order."""
    aioclient_mock.get(
        f"{SEERR}/api/v1/request/202", status=HTTPStatus.INTERNAL_SERVER_ERROR
    )
    mock_core_seerr(aioclient_mock)
    await setup(hass, core_seerr_entry(), hub(consent=False))

    for name in ("media_pending_tv", "media_approved_tv", "media_pending"):
        body = load_fixture(f"jellyseerr/{name}.json")
        body["extra"] = []
        await core_posts("seerr", body)

    (show,) = [
        state
        for state in hass.states.async_all("sensor")
        if state.attributes.get("title") == "Example Show"
    ]
    assert (show.state, show.attributes["seasons"]) == ("approved", [])
    assert hass.states.get(MOVIE_SENSOR).state == "requested"  # type: ignore[union-attr]
    assert ours(aioclient_mock, "GET", "/api/v1/request/202") == 1


async def test_core_seerr_unreachable_then_back(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
) -> None:
    """Core's entity unavailable while it cannot reach Seerr: the list meanwhile."""
    mock_core_seerr(aioclient_mock)
    core = core_seerr_entry()
    await setup(hass, core, hub(consent=False))
    coordinator = core.runtime_data

    coordinator.async_set_update_error(TimeoutError("Seerr does not answer"))
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_SOURCE).state == "request_list"  # type: ignore[union-attr]

    coordinator.async_set_updated_data(coordinator.data)
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_SOURCE).state == "core_seerr"  # type: ignore[union-attr]


async def test_core_seerr_that_cannot_start(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
) -> None:
    """Core's entry for our Seerr failing its set-up delivers nothing: the list."""
    aioclient_mock.get(
        f"{SEERR}/api/v1/request/count", status=HTTPStatus.INTERNAL_SERVER_ERROR
    )
    core = core_seerr_entry()
    core.add_to_hass(hass)
    await setup(hass, hub(consent=False))
    await hass.config_entries.async_setup(core.entry_id)
    await hass.async_block_till_done()

    assert core.state is ConfigEntryState.SETUP_RETRY
    assert hass.states.get(EVENT_SOURCE).state == "request_list"  # type: ignore[union-attr]
