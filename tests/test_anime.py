"""Anime through Home Assistant: webhooks plus Shoko's SignalR hub, end to end.

Shoko runs as the fake server of tests/shoko_server.py on 127.0.0.1; the real
pysignalr client connects to it. Its REST calls go through Home Assistant's
session and are answered by aioclient_mock.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.runtime import signal_shoko_state

from .conftest import URLS, PostWebhook, mock_health, mock_recent_items, subentry_data
from .flows import anime_episode_list, anime_movie_flow, anime_tv_flow, shoko_file_event
from .shoko_server import SHOKO_SUBENTRY_ID, ShokoServer, shoko_server  # noqa: F401

SHOKO_ID = SHOKO_SUBENTRY_ID
ANIME_SENSOR = "sensor.media_stack_example_anime_s1"
ANIME_MOVIE_SENSOR = "sensor.media_stack_example_anime_movie_2020"
EVENT_HUB = "binary_sensor.shoko_127_0_0_1_event_hub"
EVENT_ENTITY = "event.media_stack_stage_change"
IMPORT_FOLDERS = [
    {"ID": 2, "Name": "Anime shows", "Path": "/data/media/anime/shows"},
    {"ID": 3, "Name": "Anime movies", "Path": "/data/media/anime/movies"},
]


class Changes:
    """Counts observations the hub applied, so a test can wait for a hub event's."""

    def __init__(self, hub: Any) -> None:
        self.count = 0
        self._event = asyncio.Event()
        apply = hub.apply

        def counting_apply(observation: Any, **kwargs: Any) -> None:
            apply(observation, **kwargs)
            self.count += 1
            self._event.set()

        hub.apply = counting_apply

    async def after(self, count: int) -> None:
        """Wait (at most 10 s) until more than `count` observations were applied."""
        async with asyncio.timeout(10):
            while self.count <= count:
                self._event.clear()
                await self._event.wait()


@pytest.fixture
async def anime_hub(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    shoko_server: ShokoServer,  # noqa: F811
) -> AsyncGenerator[tuple[MockConfigEntry, Changes]]:
    """Set up a hub with Sonarr, Radarr, Seerr, Jellyfin and the fake Shoko."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=23", json=anime_episode_list()
    )
    aioclient_mock.get(f"{shoko_server.url}/api/v3/ImportFolder", json=IMPORT_FOLDERS)
    # Jellyfin does not know the anime series by id: Shokofin ids match instead.
    aioclient_mock.get(
        f"{URLS['jellyfin']}/Items", json={"Items": [], "TotalRecordCount": 0}
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JSTATUSTRACKERHUB000000",
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        subentries_data=[
            *(subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")),
            shoko_server.subentry(),
        ],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await shoko_server.wait_connected()
    changes = Changes(entry.runtime_data)
    yield entry, changes
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def _play(
    post_webhook: PostWebhook,
    server: ShokoServer,
    changes: Changes,
    steps: list[tuple[str, dict[str, Any]]],
) -> None:
    for service, body in steps:
        if service == "shoko":
            before = changes.count
            await server.send_records(body)
            await changes.after(before)
        else:
            assert (await post_webhook(service, body)).status == 200


async def test_anime_tv_and_movie_reach_available(
    hass: HomeAssistant,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
) -> None:
    """Both anime flows end available, passing through matching."""
    _, changes = anime_hub
    assert hass.states.get(EVENT_HUB).state == STATE_ON
    stages: list[str] = []

    @callback
    def collect(event: Event) -> None:
        stages.append(event.data["new_state"].attributes.get("event_type"))

    async_track_state_change_event(hass, EVENT_ENTITY, collect)
    await _play(post_webhook, shoko_server, changes, anime_tv_flow())
    await _play(post_webhook, shoko_server, changes, anime_movie_flow())

    assert hass.states.get(ANIME_SENSOR).state == "available"
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "available"
    assert "matching" in stages
    # The API key went in a header, never in a URL.
    assert all(shoko_server.api_key not in url for url in shoko_server.requested_urls)
    assert shoko_server.socket_headers[0]["apikey"] == shoko_server.api_key


async def test_not_matched_episode_needs_a_link(
    hass: HomeAssistant,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
) -> None:
    """An episode Shoko cannot match shows needs_link instead of hanging."""
    _, changes = anime_hub
    flow = anime_tv_flow()
    await _play(post_webhook, shoko_server, changes, flow[:4])
    await _play(
        post_webhook,
        shoko_server,
        changes,
        [
            ("shoko", shoko_file_event("FileMatched", 1)),
            ("shoko", shoko_file_event("FileNotMatched", 2)),
        ],
    )
    state = hass.states.get(ANIME_SENSOR)
    assert state.state == "importing"
    assert state.attributes["problem"] == "needs_link"
    assert "It Didn't Have to Be Magic" in state.attributes["problem_reason"]

    await _play(
        post_webhook,
        shoko_server,
        changes,
        [("shoko", shoko_file_event("FileMatched", 2))],
    )
    state = hass.states.get(ANIME_SENSOR)
    assert state.state == "matching"
    assert state.attributes["problem"] is None


async def test_match_before_the_import_webhook(
    hass: HomeAssistant,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
) -> None:
    """Shoko's match arriving before Sonarr's import is kept and applied."""
    _, changes = anime_hub
    flow = anime_tv_flow()
    await _play(post_webhook, shoko_server, changes, flow[:2])
    before = changes.count
    await shoko_server.send_records(shoko_file_event("FileMatched", 1))
    await changes.after(before)  # kept as an orphan: nothing to match yet
    assert hass.states.get(ANIME_SENSOR).state == "grabbed"
    await _play(post_webhook, shoko_server, changes, flow[2:4])
    summary = hass.states.get(ANIME_SENSOR).attributes["episodes_summary"]
    assert summary == "0/2 available · 1 matching · 1 importing"


async def test_hub_outage_and_repair(
    hass: HomeAssistant,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
) -> None:
    """A lost hub turns the sensor off, raises a repair after 15 min, then heals."""
    entry, _ = anime_hub
    connection = entry.runtime_data.shoko_streams[SHOKO_ID]
    state_changed = asyncio.Event()

    @callback
    def hub_state_changed() -> None:
        state_changed.set()

    async_dispatcher_connect(hass, signal_shoko_state(SHOKO_ID), hub_state_changed)
    shoko_server.negotiate_status = 500
    await shoko_server.drop()
    async with asyncio.timeout(10):
        await state_changed.wait()
    assert hass.states.get(EVENT_HUB).state == STATE_OFF
    assert connection.disconnected_since is not None

    issue_id = f"shoko_hub_down_{SHOKO_ID}"
    down_at = connection.disconnected_since
    for minutes in (14, 16):
        # Interval timers get "now" from dt_util.utcnow, which freezer would
        # also give to the real sockets of this test: patch just the clock.
        later = down_at + timedelta(minutes=minutes)
        with patch("homeassistant.util.dt.utcnow", return_value=later):
            async_fire_time_changed(hass, later)
            await hass.async_block_till_done()
        if minutes == 14:
            assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "shoko_hub_down"
    assert issue.translation_placeholders == {"title": "Shoko (127.0.0.1)"}

    # Shoko answers again: the next retry reconnects and the repair goes.
    state_changed.clear()
    shoko_server.negotiate_status = 200
    async_fire_time_changed(hass, down_at + timedelta(minutes=30))
    async with asyncio.timeout(10):
        while not connection.connected:
            await state_changed.wait()
            state_changed.clear()
    await hass.async_block_till_done()
    assert hass.states.get(EVENT_HUB).state == STATE_ON
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_malformed_hub_event_is_ignored(
    hass: HomeAssistant,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A broken event changes nothing, logs no error and keeps the hub connected."""
    _, changes = anime_hub
    await _play(post_webhook, shoko_server, changes, anime_tv_flow()[:4])
    await shoko_server.send("ShokoEvent:FileMatched", [1, "two"])
    await shoko_server.send("ShokoEvent:FileMatched", {"RelativePath": 42})
    before = changes.count
    await shoko_server.send_records(shoko_file_event("FileMatched", 1))
    await changes.after(before)
    assert hass.states.get(EVENT_HUB).state == STATE_ON
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    summary = hass.states.get(ANIME_SENSOR).attributes["episodes_summary"]
    assert summary == "0/2 available · 1 matching · 1 importing"


async def test_import_folders_unreadable_falls_back_to_file_names(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    anime_hub: tuple[MockConfigEntry, Changes],
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
) -> None:
    """Without the import folder's path the file is still found by its name."""
    _, changes = anime_hub
    await _play(post_webhook, shoko_server, changes, anime_tv_flow()[:4])
    aioclient_mock.clear_requests()
    for path in ("ImportFolder", "ManagedFolder"):  # v5, then v6's name
        aioclient_mock.get(f"{shoko_server.url}/api/v3/{path}", status=500)
    before = changes.count
    await shoko_server.send_records(shoko_file_event("FileMatched", 1))
    await changes.after(before)
    summary = hass.states.get(ANIME_SENSOR).attributes["episodes_summary"]
    assert summary == "0/2 available · 1 matching · 1 importing"
