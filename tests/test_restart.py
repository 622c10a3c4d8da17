"""Restarts at every point of the four flows lose nothing.

Each flow (movie, TV season, anime series, anime movie) is cut after every one
of its events. At the cut the hub is either reloaded (the config entry is
unloaded and set up again in the same Home Assistant) or Home Assistant is
stopped and a fresh instance is started on the same storage, with what the
stop wrote and the restore-state data it dumps. Then the rest of the flow is
posted. The requests, entities and fired events must be exactly those of a run
without a restart.

Webhooks follow each other one second apart, inside the five-second save
debounce: at every cut the latest changes are still unsaved, so the unload
flush and the final write at stop are what keeps them.

A hard kill writes nothing: the restarted hub has what the last debounced save
wrote, and every webhook answered 200 since, from the webhook journal. The
journal's replay must give exactly what an unkilled hub has. For webhooks that
never arrived (sent while Home Assistant was down), the kill tests also run
without the journal: the services' histories (UpstreamHistory: a fact is in
its service's history once its step happened, dated then) are read back at
the start and give the request its real stage and timeline; qBittorrent's
first poll reads its full state; the catch-up reads Radarr's/Sonarr's queue
when their history cannot be read, and asks Shoko for a lost file match (no
history keeps it).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import asynccontextmanager
import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import itertools
from pathlib import Path
import re
from typing import Any
from unittest.mock import patch

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant import loader
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import CoreState, Event, HomeAssistant, State, callback
from homeassistant.helpers import entity_registry as er, restore_state as rs
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_test_home_assistant,
    mock_restore_cache_with_extra_data,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.runtime import signal_shoko_state
from custom_components.status_tracker.store import SAVE_DELAY

from .conftest import (
    ENTRY_ID,
    URLS,
    WEBHOOK_IDS,
    mock_health,
    mock_recent_items,
    subentry_data,
)
from .flows import (
    ANIME_MOVIE_FILE,
    ANIME_MOVIES_FOLDER,
    MOVIE_HASH,
    Step,
    anime_episode_list,
    anime_movie_flow,
    anime_tv_flow,
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
    tv_flow,
)
from .shoko_server import IMPORT_FOLDERS, SHOKO_SUBENTRY_ID, ShokoServer, shoko_server  # noqa: F401
from .test_qbittorrent import FakeQBittorrent, full_answer, qbittorrent_subentry

STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
# Time between two webhooks of a flow: less than the save debounce.
STEP_DELAY = timedelta(seconds=1)
EVENT_ENTITY = "event.media_stack_stage_change"
SHOKO_ID = SHOKO_SUBENTRY_ID

FLOWS: dict[str, Callable[[], list[Step]]] = {
    "movie": movie_flow,
    "tv season": tv_flow,
    "anime series": anime_tv_flow,
    "anime movie": anime_movie_flow,
}
ANIME_FLOWS = {"anime series", "anime movie"}
CUTS = [
    pytest.param(name, cut, id=f"{name}-after-{cut}")
    for name, flow in FLOWS.items()
    for cut in range(len(flow()) + 1)
]

type EntityStates = dict[str, tuple[str, dict[str, Any]]]
type FiredEvent = tuple[str, dict[str, Any]]


@dataclass
class Outcome:
    """What a user sees of a hub: stored requests, entity states, fired events."""

    requests: dict[str, Any]
    states: EntityStates
    events: list[FiredEvent]


@dataclass
class Stack:
    """One running hub in one Home Assistant, and how to feed it."""

    hass: HomeAssistant
    entry: MockConfigEntry
    client: TestClient
    shoko: ShokoServer | None
    events: list[FiredEvent] = field(default_factory=list)
    applied: int = 0
    _applied_changed: asyncio.Event = field(default_factory=asyncio.Event)

    def watch(self) -> None:
        """Count the observations the (new) hub applies, to wait for Shoko's."""
        hub = self.entry.runtime_data
        apply = hub.apply

        def counting_apply(observation: Any, **kwargs: Any) -> None:
            apply(observation, **kwargs)
            self.applied += 1
            self._applied_changed.set()

        hub.apply = counting_apply

    async def shoko_connected(self) -> None:
        """Wait until the hub's Shoko event hub is connected (anime flows)."""
        if self.shoko is None:
            return
        connection = self.entry.runtime_data.shoko_streams[SHOKO_ID]
        changed = asyncio.Event()

        @callback
        def state_changed() -> None:
            changed.set()

        unsubscribe = async_dispatcher_connect(
            self.hass, signal_shoko_state(SHOKO_ID), state_changed
        )
        try:
            # No timeout here: the loop's clock is frozen; pytest's bounds a hang.
            while not connection.connected:
                changed.clear()
                await changed.wait()
        finally:
            unsubscribe()
        await self.hass.async_block_till_done()

    async def post(self, step: Step) -> None:
        """Deliver one event of a flow as its service sends it."""
        service, body = step
        if service == "shoko":
            assert self.shoko is not None
            before = self.applied
            assert await self.shoko.send_records(body) == 1
            while self.applied <= before:
                self._applied_changed.clear()
                await self._applied_changed.wait()
        else:
            response = await self.client.post(
                f"/api/webhook/{WEBHOOK_IDS[service]}", json=body
            )
            assert response.status == 200
        await self.hass.async_block_till_done()

    def outcome(self) -> Outcome:
        """Return what the user sees right now."""
        return Outcome(
            requests=self.entry.runtime_data.tracker.to_dict(),
            states=entity_states(self.hass),
            events=list(self.events),
        )


def entity_states(hass: HomeAssistant) -> EntityStates:
    """Return state and attributes of every entity of the hub."""
    registry = er.async_get(hass)
    return {
        entity.entity_id: (state.state, dict(state.attributes))
        for entity in er.async_entries_for_config_entry(registry, ENTRY_ID)
        if (state := hass.states.get(entity.entity_id)) is not None
    }


def hub_entry(
    shoko: ShokoServer | None, *, qbittorrent: bool = False
) -> MockConfigEntry:
    """Return the hub as the config flow stored it (a fresh object per instance)."""
    subentries = [
        subentry_data(service) for service in ("seerr", "sonarr", "radarr", "jellyfin")
    ]
    if qbittorrent:
        subentries.append(qbittorrent_subentry())
    if shoko is not None:
        subentries.append(shoko.subentry())
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        subentries_data=subentries,
    )


def answer_upstream(
    aioclient_mock: AiohttpClientMocker,
    shoko: ShokoServer | None,
    *,
    newest_in_jellyfin: dict[str, Any] | None = None,
    queues: dict[str, list[Any]] | None = None,
    shoko_files: list[Any] | None = None,
) -> None:
    """Answer the REST calls of the hub: health, lookups, episode lists.

    The catch-up's questions get `queues` (the *arr queues by service, read
    when asked, empty unless given) and `shoko_files` (Shoko's answer to a
    path lookup, none by default).
    """
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock, newest_in_jellyfin)
    answers = queues if queues is not None else {}
    for service in ("sonarr", "radarr"):
        aioclient_mock.get(
            f"{URLS[service]}/api/v3/queue/details",
            side_effect=queue_answer(answers, service),
        )
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=23", json=anime_episode_list()
    )
    if shoko is not None:
        aioclient_mock.get(f"{shoko.url}/api/v3/ImportFolder", json=IMPORT_FOLDERS)
        aioclient_mock.get(
            f"{shoko.url}/api/v3/File/PathEndsWith", json=shoko_files or []
        )
        # Jellyfin does not know the anime series by id: Shokofin ids match.
        aioclient_mock.get(
            f"{URLS['jellyfin']}/Items", json={"Items": [], "TotalRecordCount": 0}
        )
    else:
        aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())


def queue_answer(
    queues: dict[str, list[Any]], service: str
) -> Callable[[str, URL, Any], Awaitable[AiohttpClientMockResponse]]:
    """Return a mock answer with the queue `queues` holds for `service` when asked."""

    async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        return AiohttpClientMockResponse(method, url, json=queues.get(service, []))

    return answer


class UpstreamHistory:
    """What Radarr's/Sonarr's history and Jellyfin's library hold, as time goes.

    A service's history holds a fact once the step that reports it has
    happened upstream (delivered or lost), dated when it happened: the
    fixtures' records and items are revealed by their step, with its time.
    Facts no step has reported yet are in no answer.
    """

    def __init__(self, library: list[dict[str, Any]] | None = None) -> None:
        self.records: dict[str, list[dict[str, Any]]] = {
            service: load_fixture(f"{service}/api_history.json")["records"]
            for service in ("sonarr", "radarr")
        }
        self.library = (
            library
            if library is not None
            else load_fixture("jellyfin/api_items_recent.json")["Items"]
        )
        self.revealed: dict[str, list[dict[str, Any]]] = {
            "sonarr": [],
            "radarr": [],
            "jellyfin": [],
        }
        # An answer that replaces a service's history (an error status).
        self.failing: dict[str, HTTPStatus] = {}

    def happened(self, step: Step, at: datetime) -> None:
        """Record in its service's history what `step` reports, at `at`."""
        service, body = step
        if service in self.records:
            kind = {"Grab": "grabbed", "Download": "downloadFolderImported"}.get(
                body.get("eventType", "")
            )
            media_ids = {body["movie"]["id"]} if "movie" in body else set()
            media_ids |= {episode["id"] for episode in body.get("episodes", [])}
            for record in self.records[service]:
                if (
                    record["eventType"] == kind
                    and record.get("downloadId", "").upper()
                    == str(body.get("downloadId", "")).upper()
                    and (record.get("movieId") or record.get("episodeId")) in media_ids
                ):
                    self.revealed[service].append(
                        {**record, "date": at.isoformat().replace("+00:00", "Z")}
                    )
        elif service == "jellyfin" and body.get("NotificationType") == "ItemAdded":
            self.revealed["jellyfin"].extend(
                {**item, "DateCreated": at.isoformat().replace("+00:00", "Z")}
                for item in self.library
                if item["Id"] == body["ItemId"]
            )

    def answer_requests(self, aioclient_mock: AiohttpClientMocker) -> None:
        """Answer the history reads and Jellyfin's newest items from this."""
        for service in ("sonarr", "radarr"):
            aioclient_mock.get(
                f"{URLS[service]}/api/v3/history?sortKey=date",
                side_effect=self._history(service),
            )
        aioclient_mock.get(
            f"{URLS['jellyfin']}/Items?SortBy=DateCreated", side_effect=self._newest
        )

    def _history(
        self, service: str
    ) -> Callable[[str, URL, Any], Awaitable[AiohttpClientMockResponse]]:
        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            if service in self.failing:
                return AiohttpClientMockResponse(
                    method, url, status=self.failing[service]
                )
            records = sorted(
                self.revealed[service], key=lambda r: r["date"], reverse=True
            )
            return AiohttpClientMockResponse(
                method,
                url,
                json={
                    "page": 1,
                    "pageSize": 250,
                    "totalRecords": len(records),
                    "records": records,
                },
            )

        return answer

    async def _newest(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        items = sorted(
            self.revealed["jellyfin"], key=lambda i: i["DateCreated"], reverse=True
        )
        return AiohttpClientMockResponse(
            method,
            url,
            json={"Items": items, "TotalRecordCount": len(items), "StartIndex": 0},
        )


def listen_for_events(hass: HomeAssistant, events: list[FiredEvent]) -> None:
    """Collect every event the event entity fires (not its restored state)."""

    @callback
    def fired(event: Event) -> None:
        old: State | None = event.data["old_state"]
        new: State | None = event.data["new_state"]
        if (
            event.data["entity_id"] != EVENT_ENTITY
            or old is None
            or new is None
            # Unloaded, then restored: not an event.
            or STATE_UNAVAILABLE in (old.state, new.state)
        ):
            return
        events.append((new.state, dict(new.attributes)))

    hass.bus.async_listen(EVENT_STATE_CHANGED, fired)


async def start_hub(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    shoko: ShokoServer | None,
    events: list[FiredEvent],
    *,
    qbittorrent: bool = False,
) -> Stack:
    """Set up the hub in `hass` and wait until its Shoko event hub is connected."""
    entry = hub_entry(shoko, qbittorrent=qbittorrent)
    entry.add_to_hass(hass)
    # From the start: what the set-up itself announces counts too.
    listen_for_events(hass, events)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    stack = Stack(hass, entry, await aiohttp_client(hass.http.app), shoko, events)
    stack.watch()
    await stack.shoko_connected()
    return stack


@asynccontextmanager
async def other_home_assistant(
    hass_storage: dict[str, Any],
) -> AsyncGenerator[HomeAssistant]:
    """Run another Home Assistant in the test, on the same (mocked) storage.

    Leaving stops it if the test did not. Home Assistant does not unload config
    entries when it stops; this does afterwards, only to cancel the hub's timers,
    and puts the storage back as the stop left it.
    """
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
        try:
            yield hass
        finally:
            if hass.state is not CoreState.stopped:
                await hass.async_stop(force=True)
            written = copy.deepcopy(hass_storage)
            for entry in hass.config_entries.async_entries(DOMAIN):
                if entry.state is ConfigEntryState.LOADED:
                    await hass.config_entries.async_unload(entry.entry_id)
            hass_storage.clear()
            hass_storage.update(written)


async def step_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the time between two webhooks pass."""
    freezer.tick(STEP_DELAY)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def play(
    stack: Stack,
    steps: list[Step],
    freezer: FrozenDateTimeFactory,
    upstream: UpstreamHistory | None = None,
) -> None:
    """Post steps one after the other, STEP_DELAY apart.

    `upstream` records each in its service's history as it happens.
    """
    for step in steps:
        await step_time(stack.hass, freezer)
        if upstream is not None:
            upstream.happened(step, dt_util.utcnow())
        await stack.post(step)


# Outcome of each flow played without a restart: computed by the first test
# that needs it (the same upstream answers and clock in every test).
_REFERENCE: dict[str, Outcome] = {}


async def reference(
    name: str,
    aiohttp_client: ClientSessionGenerator,
    shoko: ShokoServer | None,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> Outcome:
    """Return the outcome of a flow played in one go (its own Home Assistant)."""
    if name not in _REFERENCE:
        freezer.move_to(START)
        numbers = itertools.count(1)
        with patch(
            "custom_components.status_tracker.core.tracker.new_request_id",
            side_effect=lambda: f"req{next(numbers):06d}",
        ):
            async with other_home_assistant(hass_storage) as hass:
                stack = await start_hub(hass, aiohttp_client, shoko, [])
                await play(stack, FLOWS[name](), freezer)
                _REFERENCE[name] = stack.outcome()
        # The flow really went through: comparing with it means something.
        assert [r["state"] for r in _REFERENCE[name].requests["requests"]] == [
            "available"
        ]
        hass_storage.clear()
    return _REFERENCE[name]


@pytest.fixture
async def shoko(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncGenerator[ShokoServer | None]:
    """Run the fake Shoko for the anime flows (None for the others)."""
    if request.node.callspec.params["name"] not in ANIME_FLOWS:
        yield None
        return
    server = ShokoServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def assert_same(actual: Outcome, expected: Outcome) -> None:
    """Compare two outcomes part by part (clearer failures than one big ==)."""
    assert actual.requests == expected.requests
    assert actual.states == expected.states
    assert actual.events == expected.events


@pytest.mark.parametrize(("name", "cut"), CUTS)
async def test_reload_at_every_point_loses_nothing(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    shoko: ShokoServer | None,
    name: str,
    cut: int,
) -> None:
    """Unloading and setting up the hub again mid-flow changes nothing."""
    answer_upstream(aioclient_mock, shoko)
    expected = await reference(name, aiohttp_client, shoko, freezer, hass_storage)
    freezer.move_to(START)
    steps = FLOWS[name]()
    stack = await start_hub(hass, aiohttp_client, shoko, [])
    await play(stack, steps[:cut], freezer)
    before = stack.outcome()
    if cut:
        # Still inside the save debounce: only the unload can write it.
        assert STORAGE_KEY not in hass_storage

    assert await hass.config_entries.async_reload(stack.entry.entry_id)
    await hass.async_block_till_done()
    stack.watch()
    await stack.shoko_connected()
    assert_same(stack.outcome(), before)

    await play(stack, steps[cut:], freezer)
    assert_same(stack.outcome(), expected)


@pytest.mark.parametrize(("name", "cut"), CUTS)
async def test_stop_and_start_at_every_point_loses_nothing(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    shoko: ShokoServer | None,
    name: str,
    cut: int,
) -> None:
    """Stopping Home Assistant mid-flow and starting it again changes nothing."""
    answer_upstream(aioclient_mock, shoko)
    expected = await reference(name, aiohttp_client, shoko, freezer, hass_storage)
    freezer.move_to(START)
    steps = FLOWS[name]()
    events: list[FiredEvent] = []
    async with other_home_assistant(hass_storage) as first:
        stack = await start_hub(first, aiohttp_client, shoko, events)
        await play(stack, steps[:cut], freezer)
        before = stack.outcome()
        if cut:
            # Still inside the save debounce: only the stop can write it.
            assert STORAGE_KEY not in hass_storage
        dumped = [
            (stored.state, stored.extra_data.as_dict())
            for stored in rs.async_get(first).async_get_stored_states()
            if stored.extra_data is not None
        ]
        await first.async_stop()

    # The next start: restore-state data as the stop dumped it, same storage.
    mock_restore_cache_with_extra_data(hass, dumped)
    stack = await start_hub(hass, aiohttp_client, shoko, events)
    assert_same(stack.outcome(), before)

    await play(stack, steps[cut:], freezer)
    assert_same(stack.outcome(), expected)


# --------------------------------------------------------------- hard kill

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
ANIME_MOVIE_SENSOR = "sensor.media_stack_example_anime_movie_2020"


@pytest.fixture
def arr_queues() -> dict[str, list[Any]]:
    """Return the queues Sonarr and Radarr answer (empty until a test fills them)."""
    return {"sonarr": [], "radarr": []}


@pytest.fixture
def upstream_history() -> UpstreamHistory:
    """Return the *arr histories and Jellyfin's library of the movie and the show."""
    return UpstreamHistory()


@pytest.fixture
def qbittorrent(
    aioclient_mock: AiohttpClientMocker,
    arr_queues: dict[str, list[Any]],
    upstream_history: UpstreamHistory,
    socket_enabled: None,
) -> FakeQBittorrent:
    """Answer the hub of the hard-kill tests: qBittorrent, histories, library.

    Jellyfin's newest items hold the movie and the episodes once their
    ItemAdded happened (delivered or not), so its fallback check and the
    reconciliation find what is really there; the *arr histories likewise.
    """
    upstream_history.answer_requests(aioclient_mock)
    answer_upstream(aioclient_mock, None, queues=arr_queues)
    return FakeQBittorrent(aioclient_mock)


async def wait(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: float
) -> None:
    """Let time pass, firing the timers that fall due."""
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def torrent_done(rid: int, torrent_hash: str) -> dict[str, Any]:
    """Return qBittorrent's incremental answer: the torrent finished, now seeding."""
    return {
        "rid": rid,
        "torrents": {
            torrent_hash: {
                "progress": 1.0,
                "state": "stalledUP",
                "amount_left": 0,
                "dlspeed": 0,
                "eta": 8640000,
            }
        },
    }


def delta_progress(rid: int, torrent_hash: str, progress: float) -> dict[str, Any]:
    """Return qBittorrent's incremental answer: the torrent got further."""
    return {"rid": rid, "torrents": {torrent_hash: {"progress": progress}}}


def queue_calls(aioclient_mock: AiohttpClientMocker, service: str) -> int:
    """Return how often the catch-up read the queue of `service`."""
    return sum(
        1
        for _, url, _, _ in aioclient_mock.mock_calls
        if str(url).startswith(f"{URLS[service]}/api/v3/queue/details")
    )


def timeline_kinds(stack: Stack) -> list[str]:
    """Return the facts on the only request's timeline, in order."""
    (request,) = stack.entry.runtime_data.tracker.requests.values()
    return [entry.kind for entry in request.timeline]


async def hard_kill(
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    saved_steps: list[Step],
    lost_steps: list[Step],
    shoko: ShokoServer | None = None,
    *,
    journal: bool,
    events: list[FiredEvent] | None = None,
    upstream: UpstreamHistory | None = None,
) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """Play saved_steps and let the save happen, play lost_steps, then kill.

    Returns the requests as the save wrote them, the stages the user saw just
    before the kill and the requests as Home Assistant held them then. The storage is left as a kill leaves it: only what
    the last debounced save wrote, and with `journal` the webhook journal as
    the webhooks' answers left it. Without, the journal is gone too: what the
    lost steps said reached Home Assistant no more than webhooks sent while it
    was down.
    """
    freezer.move_to(START)
    async with other_home_assistant(hass_storage) as first:
        stack = await start_hub(
            first,
            aiohttp_client,
            shoko,
            [] if events is None else events,
            qbittorrent=True,
        )
        await play(stack, saved_steps, freezer, upstream)
        await wait(first, freezer, seconds=SAVE_DELAY + 1)
        saved = stack.outcome().requests
        if saved_steps:
            assert stored(hass_storage, saved) == saved

        await play(stack, lost_steps, freezer, upstream)
        # Part of the debounce passes, not all of it: nothing more is written.
        await wait(first, freezer, seconds=SAVE_DELAY - 2)
        on_disk = copy.deepcopy(hass_storage)
        journals = {
            path: path.read_bytes()
            for path in journal_dir.glob("*.journal")  # noqa: ASYNC240 - a test's tmp files
        }
        seen = [r.state for r in stack.entry.runtime_data.tracker.requests.values()]
        held = stack.outcome().requests
    # The kill: no final write, the storage and the webhook journal are as the
    # last writes left them.
    hass_storage.clear()
    hass_storage.update(on_disk)
    for path in journal_dir.glob("*.journal"):  # noqa: ASYNC240 - a test's tmp files
        path.unlink()
    if journal:
        for path, content in journals.items():
            path.write_bytes(content)
    return saved, seen, held


def stored(hass_storage: dict[str, Any], like: dict[str, Any]) -> dict[str, Any]:
    """Return the stored parts of the hub's data that `like` has."""
    data = hass_storage[STORAGE_KEY]["data"]
    return {key: data[key] for key in like}


def assert_kept(stack: Stack, saved: dict[str, Any]) -> None:
    """Every saved request is back, its timeline kept as the save wrote it."""
    tracker = stack.entry.runtime_data.tracker
    for request in saved["requests"]:
        now = tracker.requests[request["id"]].to_dict()
        assert now["timeline"][: len(request["timeline"])] == request["timeline"]


async def test_kill_after_the_grab_histories_give_back_import_and_library(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
) -> None:
    """Import and Jellyfin webhooks lost: Radarr's history and Jellyfin tell them.

    The reconciliation at the start reads what happened since the last
    webhook: the import from Radarr's history and the item from Jellyfin's,
    each at the time it happened. The movie is available at once, with the
    timeline an unkilled hub has.
    """
    flow = movie_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:4],
        flow[4:6],
        journal=False,
        upstream=upstream_history,
    )
    assert seen == ["available"]
    assert [r["state"] for r in saved["requests"]] == ["grabbed"]
    (import_record,) = [
        r for r in upstream_history.revealed["radarr"] if r["eventType"] != "grabbed"
    ]
    (item,) = upstream_history.revealed["jellyfin"]

    qbittorrent.answers = [full_answer(), full_answer()]
    freezer.tick(timedelta(minutes=30))
    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert_kept(stack, saved)
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    (request,) = stack.entry.runtime_data.tracker.requests.values()
    assert [(e.kind, e.source) for e in request.timeline] == [
        ("requested", "seerr"),
        ("approved", "seerr"),
        ("added_to_arr", "radarr"),
        ("grabbed", "radarr"),
        ("imported", "radarr"),
        ("available", "jellyfin"),
    ]
    # When they happened, not when the history was read.
    imported, available = request.timeline[-2:]
    assert datetime.fromisoformat(imported.at) == datetime.fromisoformat(
        import_record["date"]
    )
    assert datetime.fromisoformat(available.at) == datetime.fromisoformat(
        item["DateCreated"]
    )

    await stack.post(flow[6])  # Seerr's "available" still comes
    assert hass.states.get(MOVIE_SENSOR).state == "available"


async def test_kill_during_the_imports_histories_complete_the_season(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
) -> None:
    """Episode imports and Jellyfin webhooks lost: the histories complete the season."""
    flow = tv_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:4],
        flow[4:11],
        journal=False,
        upstream=upstream_history,
    )
    assert seen == ["available"]
    assert [r["state"] for r in saved["requests"]] == ["grabbed"]
    # Sonarr's episode list, read after the series was added, was saved too.
    assert len(saved["requests"][0]["episodes"]) == 3

    qbittorrent.answers = [full_answer(), full_answer()]
    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert_kept(stack, saved)
    # Sonarr's history gave the three imports back, Jellyfin's the episodes.
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"
    assert timeline_kinds(stack).count("imported") == 3


async def test_kill_loses_a_grab_the_queue_gives_back(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
    arr_queues: dict[str, list[Any]],
) -> None:
    """A lost grab is read back from Radarr's queue when its history fails.

    (With the history readable, the reconciliation gives the grab back.) The grab is what ties a torrent to a request; qBittorrent's list alone
    cannot. The movie still waits for one, so the catch-up reads Radarr's
    queue once: it lists the download, and the request is grabbed again, the
    same fact the webhook recorded. qBittorrent is then read in full again
    (the earlier answers held the torrent, the next delta would name it only
    when it changes): the movie shows downloading at once.
    """
    flow = movie_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:3],
        flow[3:4],
        journal=False,
        upstream=upstream_history,
    )
    assert seen == ["grabbed"]
    assert [r["state"] for r in saved["requests"]] == ["searching"]

    upstream_history.failing["radarr"] = HTTPStatus.INTERNAL_SERVER_ERROR
    arr_queues["radarr"] = load_fixture("radarr/api_queue_details.json")
    qbittorrent.answers = [full_answer(), full_answer()]
    calls_before = queue_calls(aioclient_mock, "radarr")
    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    assert_kept(stack, saved)
    assert queue_calls(aioclient_mock, "radarr") == calls_before + 1
    # The first answer came before the queue's; the second is the full read.
    assert qbittorrent.maindata_rids[-2:] == ["0", "0"]
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 42.1
    (request,) = stack.entry.runtime_data.tracker.requests.values()
    grab = request.timeline[-1]
    assert (grab.kind, grab.source, grab.detail) == (
        "grabbed",
        "radarr",
        "Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
    )

    # qBittorrent's next answers: the movie moves on.
    qbittorrent.answers = [delta_progress(2, MOVIE_HASH, 0.5)]
    await wait(hass, freezer, seconds=60)
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 50.0

    await stack.post(flow[4])  # Radarr's import
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    # Jellyfin adds the movie; its webhook is lost too: the fallback finds it.
    upstream_history.happened(flow[5], dt_util.utcnow())
    await wait(hass, freezer, minutes=2, seconds=30)
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert timeline_kinds(stack) == [
        "requested",
        "approved",
        "added_to_arr",
        "grabbed",
        "imported",
        "available",
    ]


async def test_kill_loses_a_grab_the_history_gives_back(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
) -> None:
    """A lost grab is read back from Radarr's history at the start, with its time.

    It ties a torrent the tracker did not know to the request, so qBittorrent
    is read in full again: the movie shows downloading at once.
    """
    flow = movie_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:3],
        flow[3:4],
        journal=False,
        upstream=upstream_history,
    )
    assert seen == ["grabbed"]
    assert [r["state"] for r in saved["requests"]] == ["searching"]
    (grab_record,) = upstream_history.revealed["radarr"]

    qbittorrent.answers = [full_answer(), full_answer()]
    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert_kept(stack, saved)
    assert qbittorrent.maindata_rids[-2:] == ["0", "0"]
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 42.1
    (request,) = stack.entry.runtime_data.tracker.requests.values()
    grab = request.timeline[-1]
    assert (grab.kind, grab.source) == ("grabbed", "radarr")
    assert datetime.fromisoformat(grab.at) == datetime.fromisoformat(
        grab_record["date"]
    )


async def test_journaled_webhooks_set_the_watermark_of_their_service(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
) -> None:
    """The history is read from the last journaled webhook, not the last save.

    Radarr's webhooks were answered (journaled) but no save kept when the last
    arrived: the start reads Radarr's history from then, as it would had the
    save happened.
    """
    flow = movie_flow()
    await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:2],
        flow[2:4],
        journal=True,
        upstream=upstream_history,
    )
    stored_webhooks = hass_storage[STORAGE_KEY]["data"].get("last_webhook", {})

    qbittorrent.answers = [full_answer(), full_answer()]
    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    await hass.async_block_till_done(wait_background_tasks=True)

    runtime = stack.entry.runtime_data
    radarr = next(
        subentry_id
        for subentry_id, instance in runtime.instances.items()
        if instance.service == "radarr"
    )
    # The save before the kill did not know Radarr's webhooks...
    assert radarr not in stored_webhooks
    # ...the journal did: its last delivery is the watermark the reading used.
    last_delivery = runtime.last_webhook[radarr]
    assert last_delivery > START
    assert runtime.reconciliations[radarr].since == last_delivery


async def test_kill_before_the_first_save_forgets_the_request(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    qbittorrent: FakeQBittorrent,
    upstream_history: UpstreamHistory,
) -> None:
    """A request whose only webhook came in the last seconds is gone, until the next."""
    flow = movie_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        [],
        flow[:1],
        journal=False,
        upstream=upstream_history,
    )
    assert seen == ["requested"]
    assert saved["requests"] == []
    # Only the first start's watermarks were written: no request.
    assert hass_storage[STORAGE_KEY]["data"]["requests"] == []

    stack = await start_hub(hass, aiohttp_client, None, [], qbittorrent=True)
    assert hass.states.get(MOVIE_SENSOR) is None

    await stack.post(flow[1])  # Seerr's approval recreates it
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "approved"
    assert state.attributes["requested_by"] == "alice"


def anime_movie_in_jellyfin() -> dict[str, Any]:
    """Return Jellyfin's newest items: the anime movie, with Shokofin's ids only."""
    return {
        "Items": [
            {
                "Name": "Example Anime Movie",
                "ServerId": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
                "Id": "4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9",
                "DateCreated": "2026-01-10T12:00:30.0000000Z",
                "Container": "mkv",
                "ProductionYear": 2020,
                "ProviderIds": {
                    "Shoko Series": "43",
                    "Shoko Episode": "1101",
                    "Shoko File": "5003",
                    "AniDB": "201001",
                },
                "IsFolder": False,
                "Type": "Movie",
                "LocationType": "FileSystem",
                "Path": f"{ANIME_MOVIES_FOLDER}/{ANIME_MOVIE_FILE}",
                "MediaType": "Video",
            }
        ],
        "TotalRecordCount": 1,
        "StartIndex": 0,
    }


async def test_kill_loses_a_shoko_match_shoko_gives_back(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    shoko_server: ShokoServer,  # noqa: F811
) -> None:
    """A lost Shoko match is asked for again at the start.

    Shokofin's ids are what tie the Jellyfin item to the request, and they are
    learnt from Shoko's FileMatched event, which Shoko sends once. The movie's
    file is imported but unmatched, so the catch-up asks Shoko for the file
    by its path: Shoko knows it and its episode, the request is matched as the
    event would have done, and Jellyfin's fallback check confirms it.
    """
    upstream = UpstreamHistory(library=anime_movie_in_jellyfin()["Items"])
    upstream.answer_requests(aioclient_mock)
    answer_upstream(
        aioclient_mock,
        shoko_server,
        shoko_files=load_fixture("shoko/api_file_path_ends_with_movie.json"),
    )
    FakeQBittorrent(aioclient_mock)
    flow = anime_movie_flow()
    saved, seen, _ = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:3],
        flow[3:],
        shoko_server,
        journal=False,
        upstream=upstream,
    )
    assert seen == ["available"]
    assert [r["state"] for r in saved["requests"]] == ["importing"]
    asked_before = path_lookups(aioclient_mock)
    assert asked_before == []

    stack = await start_hub(hass, aiohttp_client, shoko_server, [], qbittorrent=True)
    assert_kept(stack, saved)
    # One question, by the folders Radarr and Shoko both name.
    assert path_lookups(aioclient_mock) == [
        {
            "path": ANIME_MOVIE_FILE,
            "includeXRefs": "true",
            "limit": "1",
        }
    ]
    state = hass.states.get(ANIME_MOVIE_SENSOR)
    assert state.state == "matching"
    assert state.attributes["problem"] is None
    (request,) = stack.entry.runtime_data.tracker.requests.values()
    assert request.shoko_series_ids == [43]
    assert request.movie.shoko_file_ids == [5003]
    assert request.movie.shoko_episode_ids == [1101]

    await wait(hass, freezer, minutes=2, seconds=30)
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "available"
    assert timeline_kinds(stack) == [
        "approved",
        "grabbed",
        "imported",
        "matched",
        "available",
    ]

    # Shoko's event, had it come after all, changes nothing.
    await stack.post(flow[3])
    assert timeline_kinds(stack)[-2:] == ["matched", "available"]


def path_lookups(aioclient_mock: AiohttpClientMocker) -> list[dict[str, str]]:
    """Return the queries of the catch-up's Shoko path lookups."""
    return [
        dict(url.query)
        for _, url, _, _ in aioclient_mock.mock_calls
        if url.path == "/api/v3/File/PathEndsWith"
    ]


def without_ids(requests: dict[str, Any], *fields: str) -> dict[str, Any]:
    """Return stored requests without the ids a replay allocates anew (and `fields`)."""
    found = copy.deepcopy(requests)
    for request in found["requests"]:
        for key in ("id", *fields):
            request.pop(key)
    for entry in found["deletion_log"]:
        entry.pop("request_id")
    return found


def without_ids_in_events(events: list[FiredEvent]) -> list[FiredEvent]:
    """Return fired events without the request ids a replay allocates anew."""
    return [
        (state, {k: v for k, v in attributes.items() if k != "request_id"})
        for state, attributes in events
    ]


_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def without_times(data: Any) -> Any:
    """Return data with every timestamp blanked.

    A flow resumed after a kill plays its remaining webhooks later than the
    uninterrupted one did; what happened, and in which order, must match.
    """
    if isinstance(data, dict):
        return {key: without_times(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [without_times(value) for value in data]
    if isinstance(data, str) and _TIMESTAMP.match(data):
        return "<time>"
    return data


@pytest.mark.parametrize(("name", "cut"), CUTS)
async def test_kill_at_every_point_loses_no_answered_webhook(
    hass: HomeAssistant,
    aiohttp_client: ClientSessionGenerator,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    journal_dir: Path,
    freezer: FrozenDateTimeFactory,
    shoko: ShokoServer | None,
    name: str,
    cut: int,
) -> None:
    """Killed right after any webhook's 200, before the save: nothing is lost.

    The snapshot lacks the webhooks of the last seconds; the journal gives them
    back at the start, with their arrival times, and the rest of the flow ends
    exactly as without the kill. (Shoko's events are no webhooks: what they
    said is saved before the kill here; the catch-up asks Shoko for it when
    it is lost, tested above.)
    """
    answer_upstream(aioclient_mock, shoko)
    expected = await reference(name, aiohttp_client, shoko, freezer, hass_storage)
    flow = FLOWS[name]()
    shoko_done = max(
        (i + 1 for i, (service, _) in enumerate(flow[:cut]) if service == "shoko"),
        default=0,
    )
    events: list[FiredEvent] = []
    _, _, held = await hard_kill(
        aiohttp_client,
        hass_storage,
        journal_dir,
        freezer,
        flow[:shoko_done],
        flow[shoko_done:cut],
        shoko,
        journal=True,
        events=events,
    )
    assert len(held["requests"]) == (1 if cut else 0)

    stack = await start_hub(hass, aiohttp_client, shoko, events)
    # Not every background task: the Shoko event stream runs until unload.
    await stack.entry.runtime_data.journal_replayed.wait()
    await hass.async_block_till_done()
    # The journal gave back what the killed Home Assistant held, with the
    # times the webhooks arrived, not the time of the replay. Only the time of
    # the last update may be later: what the webhooks set off (an episode list
    # fetch) runs again at the replay.
    replayed = without_ids(stack.outcome().requests, "updated_at")
    assert replayed == without_ids(held, "updated_at")
    if flow[shoko_done:cut]:
        # The replay's snapshot took the journal over.
        assert without_ids(stored(hass_storage, held), "updated_at") == replayed
        assert not list(journal_dir.glob("*.journal"))  # noqa: ASYNC240 - test files

    await play(stack, FLOWS[name]()[cut:], freezer)
    assert without_times(without_ids(stack.outcome().requests)) == without_times(
        without_ids(expected.requests)
    )
    # Each stage was announced once: the replay does not announce again what
    # the killed Home Assistant announced before answering the webhook.
    assert without_times(without_ids_in_events(events)) == without_times(
        without_ids_in_events(expected.events)
    )
