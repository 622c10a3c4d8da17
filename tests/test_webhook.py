"""Webhooks: real payloads through Home Assistant's HTTP server."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.webhook import DOMAIN as WEBHOOK_DOMAIN
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.store import SAVE_DELAY

from .conftest import WEBHOOK_IDS, PostWebhook
from .flows import jellyfin_episode, load_fixture, movie_flow, tv_flow

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"


@pytest.mark.usefixtures("init_integration")
async def test_movie_flow(hass: HomeAssistant, post_webhook: PostWebhook) -> None:
    """A movie goes from request to available as the services report it."""
    stages = []
    for service, body in movie_flow():
        response = await post_webhook(service, body)
        assert response.status == HTTPStatus.OK
        assert await response.json() == {"status": "ok"}
        stages.append(hass.states.get(MOVIE_SENSOR).state)
    assert stages == [
        "requested",
        "approved",
        "searching",
        "grabbed",
        "importing",
        "available",
        "available",
    ]
    state = hass.states.get(MOVIE_SENSOR)
    assert state.attributes["media_type"] == "movie"
    assert state.attributes["requested_by"] == "alice"
    assert state.attributes["progress"] == 100.0
    assert state.attributes["poster_url"] == (
        "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-movie-poster.jpg"
    )


@pytest.mark.usefixtures("init_integration")
async def test_tv_flow(
    hass: HomeAssistant, post_webhook: PostWebhook, upstream: Any
) -> None:
    """A season is available only once every episode is in Jellyfin."""
    for service, body in tv_flow()[:-1]:
        assert (await post_webhook(service, body)).status == HTTPStatus.OK
        if body.get("ItemId", "").startswith("3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8"):
            # First episode in Jellyfin: the show is not available yet.
            state = hass.states.get(SHOW_SENSOR)
            assert state.state == "importing"
            assert state.attributes["episodes_summary"] == (
                "1/3 available · 2 importing"
            )
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_total"] == 3
    assert state.attributes["episodes_available"] == 3
    assert state.attributes["seasons"] == [1]
    # The series was resolved through Jellyfin once, the episode list read once.
    calls = [str(call[1]) for call in upstream.mock_calls]
    assert sum("/Items" in call for call in calls) == 1
    assert sum("/api/v3/episode" in call for call in calls) == 1


@pytest.mark.usefixtures("init_integration")
async def test_unknown_events_are_acknowledged(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """Test, Health and other events get 200 and change nothing."""
    for service, fixture in (
        ("sonarr", "sonarr/test.json"),
        ("sonarr", "sonarr/health.json"),
        ("radarr", "radarr/test.json"),
        ("seerr", "jellyseerr/test_notification.json"),
        ("seerr", "jellyseerr/issue_created_tv.json"),
    ):
        response = await post_webhook(service, load_fixture(fixture))
        assert response.status == HTTPStatus.OK
        assert await response.json() == {"status": "ignored"}
    assert not [e for e in hass.states.async_entity_ids("sensor") if "example" in e]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("method", "status"),
    [("get", HTTPStatus.METHOD_NOT_ALLOWED), ("put", HTTPStatus.METHOD_NOT_ALLOWED)],
)
async def test_wrong_method(
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    method: str,
    status: HTTPStatus,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    """Only POST is accepted, and the refusal does not log the webhook id."""
    client = await hass_client_no_auth()
    response = await getattr(client, method)(f"/api/webhook/{WEBHOOK_IDS['radarr']}")
    assert response.status == status
    assert await response.json() == {"error": "Only POST is accepted"}
    ours = [r for r in caplog.records if r.name.startswith("custom_components")]
    assert ours
    assert not [r for r in ours if WEBHOOK_IDS["radarr"] in r.getMessage()]
    # Home Assistant's own webhook component would warn (with the id) had the
    # method been refused before reaching the integration.
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        (
            {"data": b"{not json", "headers": {"Content-Type": "application/json"}},
            HTTPStatus.BAD_REQUEST,
            "Body is not valid JSON",
        ),
        (
            {"data": b"\xff\xfe", "headers": {"Content-Type": "application/json"}},
            HTTPStatus.BAD_REQUEST,
            "Body is not valid JSON",
        ),
        (
            {"data": b"[" * 100_000 + b"]" * 100_000},
            HTTPStatus.BAD_REQUEST,
            "Body is not valid JSON",
        ),
        (
            {
                "data": b"a=b",
                "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            },
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "Content type application/x-www-form-urlencoded is not accepted; send JSON",
        ),
        (
            {"data": b"[]", "headers": {"Content-Type": "application/json"}},
            HTTPStatus.BAD_REQUEST,
            None,
        ),
        (
            {"json": {"eventType": "Grab"}},
            HTTPStatus.BAD_REQUEST,
            None,
        ),
        (
            {"json": {"eventType": "Grab", "movie": {"id": "12"}}},
            HTTPStatus.BAD_REQUEST,
            None,
        ),
        (
            {
                "data": b" " * (1024 * 1024 + 1),
                "headers": {"Content-Type": "application/json"},
            },
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "Body too large",
        ),
    ],
)
async def test_bad_input_is_refused(
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    hass_storage: dict[str, Any],
    kwargs: dict[str, Any],
    status: HTTPStatus,
    message: str | None,
) -> None:
    """Malformed bodies get a clear 4xx and store nothing."""
    client = await hass_client_no_auth()
    response = await client.post(f"/api/webhook/{WEBHOOK_IDS['radarr']}", **kwargs)
    assert response.status == status
    error = (await response.json())["error"]
    assert error
    if message is not None:
        assert error == message
    await hass.async_block_till_done()
    assert not [e for e in hass.states.async_entity_ids("sensor") if "example" in e]


@pytest.mark.usefixtures("init_integration")
async def test_jellyfin_plain_text_body(
    hass: HomeAssistant, hass_client_no_auth: Any, post_webhook: PostWebhook
) -> None:
    """Jellyfin's webhook plugin posts JSON as text/plain by default."""
    for service, body in movie_flow()[:2]:
        await post_webhook(service, body)
    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_IDS['jellyfin']}",
        data=json.dumps(load_fixture("jellyfin/item_added_movie.json")),
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )
    assert response.status == HTTPStatus.OK
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).state == "available"


async def test_webhooks_removed_on_unload(
    hass: HomeAssistant, init_integration: MockConfigEntry, post_webhook: PostWebhook
) -> None:
    """After unload the webhook ids are no longer registered."""
    await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not set(WEBHOOK_IDS.values()) & set(hass.data[WEBHOOK_DOMAIN])


@pytest.mark.usefixtures("init_integration")
async def test_chunked_body_over_limit(
    hass: HomeAssistant, hass_client_no_auth: Any
) -> None:
    """A body without Content-Length is still cut off at 1 MiB."""

    async def chunks() -> Any:
        for _ in range(17):
            yield b" " * 65536

    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_IDS['sonarr']}",
        data=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.usefixtures("init_integration")
async def test_episodes_before_the_request_wait_and_series_is_looked_up_once(
    hass: HomeAssistant, post_webhook: PostWebhook, upstream: Any
) -> None:
    """Jellyfin episodes that arrive before anything else are kept, then applied."""
    for number in (1, 2):
        assert (await post_webhook("jellyfin", jellyfin_episode(number))).status == 200
    assert not [e for e in hass.states.async_entity_ids("sensor") if "example" in e]
    calls = [str(call[1]) for call in upstream.mock_calls]
    assert sum("/Items" in call for call in calls) == 1

    await post_webhook("seerr", load_fixture("jellyseerr/media_approved_tv.json"))
    await post_webhook("sonarr", load_fixture("sonarr/grab.json"))
    state = hass.states.get(SHOW_SENSOR)
    assert state.attributes["episodes_summary"] == "2/3 available · 1 grabbed"


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("radarr", ("movie", "tmdbId")),
        ("seerr", ("request", "request_id")),
        ("sonarr", ("series", "id")),
    ],
)
async def test_numbers_beyond_64_bits_are_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    service: str,
    path: tuple[str, str],
) -> None:
    """A number the store could not write is a 400, and the hub still saves.

    Found by script/fuzz: one such id kept from a webhook made every later
    write of the hub's data fail (orjson writes 64-bit integers only).
    """
    body = {
        "seerr": movie_flow()[0][1],
        "radarr": movie_flow()[3][1],
        "sonarr": tv_flow()[3][1],
    }[service]
    body[path[0]][path[1]] = 2**64

    response = await post_webhook(service, body)

    assert response.status == HTTPStatus.BAD_REQUEST
    assert "out of range" in (await response.json())["error"]
    for step in movie_flow()[:2]:
        await post_webhook(*step)
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.{init_integration.entry_id}"]["data"]["requests"]
    assert [request["title"] for request in stored] == ["Example Movie"]
