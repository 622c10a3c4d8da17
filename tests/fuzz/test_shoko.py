"""The Shoko SignalR handler gets random targets and arguments inside a real hub.

The hub's event callback (`_async_shoko_event`, what the SignalR connection
calls for every event) must neither raise nor log at ERROR level, whatever the
event: the connection would log the exception and the event would be lost.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from hypothesis import given, strategies as st
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api.shoko import ShokoClient
from custom_components.status_tracker.parsers.shoko import SHOKO_EVENT_NAMES
from custom_components.status_tracker.shoko_ingest import ShokoIngest
from tests.conftest import subentry_data

from . import (
    DEFAULT_HA_EXAMPLES,
    JSON_VALUES,
    Counter,
    fixture_bodies,
    fuzz_settings,
    mock_any_series,
    mutated,
    no_error_logs,
)

SHOKO_URL = "http://shoko.local:8111"
SHOKO_ID = "shoko_subentry"
IMPORT_FOLDERS = [
    {"ID": 2, "Name": "Anime shows", "Path": "/data/media/anime/shows"},
    {"ID": 3, "Name": "Anime movies", "Path": "/data/media/anime/movies"},
]
MESSAGES = fixture_bodies("shoko")
TARGETS = (
    st.sampled_from(sorted(SHOKO_EVENT_NAMES))
    | st.sampled_from(["ShokoEvent:FileMatched", "ShokoEvent:onConnected", ""])
    | st.text(max_size=60)
)


@st.composite
def invocations(draw: st.DrawFn) -> tuple[Any, Any]:
    """Return (target, arguments): mutated fixtures, retargeted or random JSON."""
    message = draw(mutated(MESSAGES) | st.sampled_from(MESSAGES))
    if not isinstance(message, dict):
        return draw(TARGETS), message
    target = message.get("target") if draw(st.booleans()) else draw(TARGETS)
    arguments = message.get("arguments")
    choice = draw(st.integers(0, 9))
    if choice == 0:
        arguments = draw(JSON_VALUES)
    elif choice == 1 and isinstance(arguments, list) and arguments:
        arguments = [[arguments[0], draw(JSON_VALUES), arguments[0]]]
    elif choice == 2 and isinstance(arguments, list) and arguments:
        arguments = [[arguments[0]] * draw(st.integers(0, 5))]
    return target, arguments


@pytest.fixture
def services() -> tuple[str, ...]:
    """Configure the webhook services; the Shoko subentry is added below."""
    return ("seerr", "sonarr", "radarr", "jellyfin")


@pytest.fixture
async def shoko_entry(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
) -> Any:
    """Set up a hub with a Shoko instance whose SignalR connection never starts."""
    upstream.get(
        f"{SHOKO_URL}/api/v3/Init/Version",
        json={"Server": {"Version": "5.3.3.0", "Tag": "v5.3.3"}},
    )
    upstream.get(f"{SHOKO_URL}/api/v3/ImportFolder", json=IMPORT_FOLDERS)
    mock_any_series(upstream)
    shoko = subentry_data("seerr")
    shoko.update(
        subentry_id=SHOKO_ID,
        subentry_type="shoko",
        title="Shoko (shoko.local)",
        unique_id=SHOKO_URL,
        data={"url": SHOKO_URL, "api_key": "shoko-key", "verify_ssl": True},
    )
    entry = MockConfigEntry(
        domain=mock_config_entry.domain,
        entry_id=mock_config_entry.entry_id,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options=dict(mock_config_entry.options),
        subentries_data=[
            *(subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")),
            shoko,
        ],
    )
    entry.add_to_hass(hass)
    with (
        patch(
            "custom_components.status_tracker.shoko_events.ShokoEventStream.async_start"
        ),
        patch(
            "custom_components.status_tracker.shoko_events.ShokoEventStream.async_stop"
        ),
    ):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        yield entry
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_block_till_done()


async def test_shoko_event_fuzz(
    hass: HomeAssistant, shoko_entry: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Random hub events neither raise nor log at ERROR level."""
    caplog.set_level("DEBUG", logger="custom_components.status_tracker")
    hub = shoko_entry.runtime_data
    instance = hub.instances[SHOKO_ID]
    client = instance.client
    assert isinstance(client, ShokoClient)
    assert SHOKO_ID in hub.shoko_streams

    ingest = ShokoIngest(hub, instance, client)

    async def handle(target: Any, arguments: Any) -> None:
        with no_error_logs(lambda: caplog.records):
            await ingest.async_handle(target, arguments)
            await hass.async_block_till_done()
        caplog.clear()

    loop = asyncio.get_running_loop()
    with Counter("shoko event") as counter:

        @fuzz_settings(DEFAULT_HA_EXAMPLES)
        @given(invocation=invocations())
        def check(invocation: tuple[Any, Any]) -> None:
            counter.cases += 1
            target, arguments = invocation
            asyncio.run_coroutine_threadsafe(handle(target, arguments), loop).result(60)

        await hass.async_add_executor_job(check)
    assert counter.cases
