"""The integration's performance figures, printed by script/bench.

Each benchmark prints one line and adds its figures to artifacts/bench.json;
script/bench turns that file into a table. Nothing here asserts on time: the
targets are compared by the script. Times are medians of many repetitions
after a warm-up, measured with time.perf_counter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
import gc
import json
from pathlib import Path
import statistics
import time
import tracemalloc
from typing import Any
from unittest.mock import patch

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.json import load_json
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.status_tracker.const import (
    CONF_HISTORY_SIZE,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
)
from custom_components.status_tracker.coordinator import QBittorrentCoordinator
from custom_components.status_tracker.core.tracker import Tracker
from custom_components.status_tracker.store import SAVE_DELAY, RequestStore
from tests.bench.data import movie_variant, store_data, torrent_hash, vary
from tests.conftest import (
    ENTRY_ID,
    SUBENTRY_IDS,
    URLS,
    WEBHOOK_IDS,
    hub_config_entry,
    mock_health,
    mock_recent_items,
    subentry_data,
)
from tests.flows import jellyfin_series_items, load_fixture
from tests.test_qbittorrent import FakeQBittorrent, qbittorrent_subentry

pytestmark = pytest.mark.bench

RESULTS = Path(__file__).parents[2] / "artifacts" / "bench.json"
STORE_KEY = f"{DOMAIN}.{ENTRY_ID}"
NOOP_WEBHOOK_ID = "bench_noop_webhook_id_00000000000000000000000000000000000000"
STORED = 10_000
ACTIVE = 500

_cache: dict[tuple[int, int], dict[str, Any]] = {}


def stored(finished: int, active: int) -> dict[str, Any]:
    """Return (cached) store data, JSON round-tripped as it is read from disk."""
    key = (finished, active)
    if key not in _cache:
        _cache[key] = json.loads(json.dumps(store_data(finished, active)))
    return _cache[key]


def record(line: str, **figures: Any) -> None:
    """Print one line and merge the figures into artifacts/bench.json."""
    print(f"\nbench: {line}")  # noqa: T201
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.update(figures)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def put_store(hass_storage: dict[str, Any], data: dict[str, Any]) -> None:
    """Make `data` what the hub's store holds."""
    hass_storage[STORE_KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": STORE_KEY,
        "data": data,
    }


@pytest.fixture
def mock_config_entry(services: tuple[str, ...]) -> MockConfigEntry:
    """Return the hub, with a history large enough to keep every stored request."""
    return hub_config_entry(
        [subentry_data(service) for service in services],
        **{CONF_HISTORY_SIZE: 20_000},
    )


async def setup_hub(
    hass: HomeAssistant, entry: MockConfigEntry, *, background: bool = True
) -> None:
    """Set the hub up and wait for its start.

    With `background`, also for the work it does after setup (indexing and
    compressing the loaded history), so what is measured next is steady state.
    """
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries()}:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=background)


type Poster = Callable[[str, Any], Awaitable[None]]


async def poster(hass: HomeAssistant, hass_client_no_auth: Any) -> Poster:
    """Return a function posting a body to a webhook id through HA's HTTP server."""
    client = await hass_client_no_auth()

    async def post(webhook_id: str, body: Any) -> None:
        response = await client.post(f"/api/webhook/{webhook_id}", json=body)
        assert response.status == 200, await response.text()
        await response.read()
        await hass.async_block_till_done()

    return post


async def time_flow(post: Poster, flow: list[tuple[str, Any]], ids: Any) -> float:
    """Post a flow's bodies; return the seconds it took."""
    start = time.perf_counter()
    for service, body in flow:
        await post(ids(service), body)
    return time.perf_counter() - start


def _real(service: str) -> str:
    return WEBHOOK_IDS[service]


def _noop(service: str) -> str:
    return NOOP_WEBHOOK_ID


# ----------------------------------------------------------------- (a) ingest


async def test_a_ingest_vs_noop_webhook(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """The same bodies to the integration's webhooks and to a no-op webhook."""

    async def noop(hass: HomeAssistant, webhook_id: str, request: web.Request) -> Any:
        await request.read()
        return web.json_response({"status": "ok"})

    webhook.async_register(hass, "bench", "no-op", NOOP_WEBHOOK_ID, noop)
    post = await poster(hass, hass_client_no_auth)
    real: list[float] = []
    baseline: list[float] = []
    for n in range(60):
        flow = movie_variant(300_000 + n)
        # Alternate which goes first so drift and warm caches favour neither.
        order = [(_real, real), (_noop, baseline)]
        for ids, times in order if n % 2 else order[::-1]:
            elapsed = await time_flow(post, flow, ids)
            if n >= 10:  # warm-up
                times.append(elapsed / len(flow))
    ours, noop_ms = statistics.median(real), statistics.median(baseline)
    ratio = ours / noop_ms
    record(
        f"(a) webhook {ours * 1e3:.2f} ms, no-op {noop_ms * 1e3:.2f} ms,"
        f" ratio {ratio:.2f}",
        a_webhook_ms=ours * 1e3,
        a_noop_ms=noop_ms * 1e3,
        a_ratio=ratio,
    )


# ---------------------------------------------------------- (b) per event


ROUNDS = 6
FLOWS_PER_ROUND = 10


async def test_b_per_event_small_vs_large(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    hass_client_no_auth: Any,
) -> None:
    """Per-event cost with 10,000 stored requests (500 active) vs 10 (1 active).

    The two cases take turns, a round of flows each, in the same Home
    Assistant: the hub is set up from the other store between rounds, so a
    machine that speeds up or slows down meanwhile affects both alike. The
    first round of each is a warm-up.
    """
    cases = {"small": stored(9, 1), "large": stored(STORED - ACTIVE, ACTIVE)}
    times: dict[str, list[float]] = {case: [] for case in cases}
    post: Poster | None = None
    variants = iter(range(400_000, 500_000))
    for round_number in range(ROUNDS):
        for case, data in cases.items():
            put_store(hass_storage, data)
            await setup_hub(hass, mock_config_entry)
            # The HTTP server comes up with the first setup.
            post = post or await poster(hass, hass_client_no_auth)
            for _ in range(FLOWS_PER_ROUND):
                flow = movie_variant(next(variants))
                elapsed = await time_flow(post, flow, _real)
                if round_number:
                    times[case].append(elapsed / len(flow))
            assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
            await hass.async_block_till_done()
    small, large = (statistics.median(times[case]) for case in cases)
    record(
        f"(b) per event, 10 stored: {small * 1e3:.2f} ms,"
        f" {STORED} stored + {ACTIVE} active: {large * 1e3:.2f} ms,"
        f" ratio {large / small:.3f} ({ROUNDS - 1} rounds each, taking turns)",
        b_small_ms=small * 1e3,
        b_large_ms=large * 1e3,
        b_ratio=large / small,
    )


# ------------------------------------------------------------ (c) store writes


async def test_c_store_writes_per_burst(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: Any,
) -> None:
    """A burst of 1,000 webhooks, then the debounce delay: count the writes."""
    store = init_integration.runtime_data.store._store
    original = store._async_write_data
    writes = 0

    async def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal writes
        writes += 1
        return await original(*args, **kwargs)

    store._async_write_data = counting
    # The debounce runs on the event loop's clock, which async_fire_time_changed
    # does not move: wait for real. First let what setup scheduled be written.
    await asyncio.sleep(SAVE_DELAY + 1)
    await hass.async_block_till_done()
    writes = 0
    post = await poster(hass, hass_client_no_auth)
    posts = 0
    n = 500_000
    start = time.perf_counter()
    while posts < 1000:
        for service, body in movie_variant(n)[: 1000 - posts]:
            await post(WEBHOOK_IDS[service], body)
            posts += 1
        n += 1
    burst = time.perf_counter() - start
    during = writes
    await asyncio.sleep(SAVE_DELAY + 1)
    await hass.async_block_till_done()
    record(
        f"(c) {posts} webhooks in {burst:.1f} s: {writes} store write(s)"
        f" ({during} during the burst)",
        c_writes=writes,
        c_burst_s=burst,
    )


# ------------------------------------------------------------- (d) qBittorrent


def maindata_full(count: int) -> dict[str, Any]:
    """Return a full sync/maindata answer listing `count` tracked torrents."""
    answer = load_fixture("qbittorrent/sync_maindata_full.json")
    template = next(iter(answer["torrents"].values()))
    answer["torrents"] = {}
    for n in range(count):
        torrent = dict(template)
        torrent["name"] = f"Example.Movie.{n}.1999.1080p.BluRay.x264-EXAMPLE"
        torrent["content_path"] = f"/data/torrents/movies/{torrent['name']}"
        torrent["hash"] = torrent_hash(n)
        answer["torrents"][torrent_hash(n)] = torrent
    return answer


async def test_d_qbittorrent_poll(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: AiohttpClientMocker,
    hass_storage: dict[str, Any],
) -> None:
    """One poll cycle with 500 tracked torrents: HTTP calls and answer size."""
    qbittorrent = FakeQBittorrent(aioclient_mock)
    full = maindata_full(ACTIVE)
    qbittorrent.answers = [full]
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        options={CONF_HISTORY_SIZE: 20_000, CONF_WEBHOOK_LOCAL_ONLY: False},
        subentries_data=[
            subentry_data("seerr"),
            subentry_data("radarr"),
            qbittorrent_subentry(),
        ],
    )
    put_store(hass_storage, stored(0, ACTIVE))
    await setup_hub(hass, entry)
    hub = entry.runtime_data
    coordinator = next(
        c for c in hub.coordinators.values() if isinstance(c, QBittorrentCoordinator)
    )
    tracked = sum(
        1 for r in hub.tracker.active() for d in r.downloads.values() if d.client
    )
    times = []
    calls = []
    for rid in range(2, 52):
        changed = torrent_hash(rid % ACTIVE)
        answer = {"rid": rid, "torrents": {changed: {"progress": rid / 100}}}
        qbittorrent.answers = [answer]
        before = aioclient_mock.call_count
        start = time.perf_counter()
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        times.append(time.perf_counter() - start)
        calls.append(aioclient_mock.call_count - before)
    delta_bytes = len(json.dumps(answer).encode())
    full_bytes = len(json.dumps(full).encode())
    cycle = statistics.median(times[5:])
    record(
        f"(d) {tracked} tracked torrents: {max(calls)} HTTP call(s) per cycle,"
        f" delta {delta_bytes} B vs full {full_bytes} B,"
        f" cycle {cycle * 1e3:.2f} ms",
        d_tracked=tracked,
        d_calls=max(calls),
        d_delta_bytes=delta_bytes,
        d_full_bytes=full_bytes,
        d_cycle_ms=cycle * 1e3,
    )


# ------------------------------------------------------------ (e) setup time


async def test_e_setup_time(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
    tmp_path: Path,
) -> None:
    """Setup with 10,000 stored requests (500 active) vs an empty store.

    The store is read from a real file with Home Assistant's JSON loader in the
    executor, as Store does in production (the test suite's storage mock would
    add a deep copy of the data that production does not make).
    """
    assert await async_setup_component(hass, "webhook", {})
    cases = {
        "empty": {},
        "full": stored(STORED - ACTIVE, ACTIVE),
        "history": stored(STORED, 0),
    }
    files = {}
    for case, data in cases.items():
        files[case] = tmp_path / f"{case}.json"
        files[case].write_text(json.dumps({"version": 1, "data": data}))
    current: list[Path] = []

    async def load_from_file(self: RequestStore) -> dict[str, Any]:
        return (await hass.async_add_executor_job(load_json, current[0]))["data"]

    times: dict[str, list[float]] = {case: [] for case in cases}
    after: list[float] = []
    with patch.object(RequestStore, "async_load", load_from_file):
        for rep in range(6):
            for case in cases:
                current[:] = [files[case]]
                start = time.perf_counter()
                await setup_hub(hass, mock_config_entry, background=False)
                elapsed = time.perf_counter() - start
                start = time.perf_counter()
                await hass.async_block_till_done(wait_background_tasks=True)
                background = time.perf_counter() - start
                assert await hass.config_entries.async_unload(
                    mock_config_entry.entry_id
                )
                await hass.async_block_till_done()
                if rep:  # warm-up
                    times[case].append(elapsed)
                    if case == "full":
                        after.append(background)
    empty, loaded, old = (statistics.median(times[c]) for c in cases)
    record(
        f"(e) setup: empty {empty * 1e3:.0f} ms, {STORED} stored ({ACTIVE} active)"
        f" {loaded * 1e3:.0f} ms, {STORED} finished {old * 1e3:.0f} ms;"
        f" then in the background {statistics.median(after) * 1e3:.0f} ms",
        e_empty_s=empty,
        e_full_s=loaded,
        e_history_s=old,
        e_extra_s=loaded - empty,
        e_background_s=statistics.median(after),
    )


# ------------------------------------------------------------------ (f) memory


def load_like_the_hub(data: dict[str, Any]) -> Tracker:
    """Load stored data and compress the history, as the hub does after setup."""
    tracker = Tracker(now=dt_util.utcnow)
    tracker.load(data)
    while tracker.finish_loading(100):
        pass
    return tracker


def test_f_memory_per_request() -> None:
    """Memory held per stored request after loading 10,000 of them.

    Two figures: what loading allocates (requests, packed history and indexes)
    from the decoded store data, and everything retained when the JSON text is
    decoded too and the decoded data dropped (the strings the requests keep).
    """
    data = stored(STORED - ACTIVE, ACTIVE)
    text = json.dumps(data)
    load_like_the_hub(data)  # warm-up
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracker = load_like_the_hub(data)
        structures = tracemalloc.get_traced_memory()[0] - before
        del tracker
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        decoded = json.loads(text)
        tracker = load_like_the_hub(decoded)
        del decoded
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    count = len(tracker.requests)
    record(
        f"(f) {count} requests: loaded {structures / count / 1024:.2f} KiB"
        f" each, retained with decoded strings {retained / count / 1024:.2f} KiB",
        f_bytes_per_request=structures / count,
        f_retained_bytes_per_request=retained / count,
        f_json_bytes_per_request=len(text) / count,
    )


# ----------------------------------------------------------- (g) reconciliation

HISTORY_RECORDS = 1_000


def radarr_history(first: int, count: int, since: datetime) -> list[dict[str, Any]]:
    """Return Radarr's history of `count` movies from variant `first`: grab, import.

    Newest first, dated after `since`, as GET /api/v3/history answers.
    """
    templates = {
        record["eventType"]: json.dumps(record)
        for record in load_fixture("radarr/api_history.json")["records"]
        if record["movieId"] == 12
    }
    records = []
    for i in range(count):
        n = first + i
        for offset, kind in enumerate(("grabbed", "downloadFolderImported")):
            text = vary(
                templates[kind].replace('"movieId": 12', '"movieId": 100012'), n
            )
            record = json.loads(
                text.replace('"movieId": 100012', f'"movieId": {100_000 + n}')
            )
            at = since + timedelta(seconds=2 * i + offset + 1)
            record["date"] = at.isoformat().replace("+00:00", "Z")
            record["id"] = 10_000 + 2 * i + offset
            records.append(record)
    records.sort(key=lambda record: record["date"], reverse=True)
    return records


async def test_g_reconciliation_cost(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
) -> None:
    """Radarr back after an outage: 1,000 history records, 10,000 stored requests.

    Radarr is down at the start (its reading fails and keeps the watermark);
    when its health check works again its history is read: the 500 active
    movies' grabs (known) and imports (new). Counts the calls and the longest
    time the event loop did not answer while the reading was applied.
    """
    data = dict(stored(STORED - ACTIVE, ACTIVE))
    outage = dt_util.utcnow() - timedelta(hours=2)
    data["last_webhook"] = {SUBENTRY_IDS["radarr"]: outage.isoformat()}
    put_store(hass_storage, data)
    records = radarr_history(STORED - ACTIVE, ACTIVE, outage)
    assert len(records) == HISTORY_RECORDS
    radarr_down = [True]

    async def history(method: str, url: URL, body: Any) -> AiohttpClientMockResponse:
        if radarr_down[0]:
            return AiohttpClientMockResponse(method, url, status=503)
        page, size = int(url.query["page"]), int(url.query["pageSize"])
        return AiohttpClientMockResponse(
            method,
            url,
            json={
                "page": page,
                "pageSize": size,
                "totalRecords": len(records),
                "records": records[(page - 1) * size : page * size],
            },
        )

    aioclient_mock.get(f"{URLS['radarr']}/api/v3/history", side_effect=history)
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    await setup_hub(hass, mock_config_entry)

    radarr_down[0] = False
    before = len(aioclient_mock.mock_calls)
    coordinator = mock_config_entry.runtime_data.coordinators[SUBENTRY_IDS["radarr"]]
    done = asyncio.Event()
    worst = 0.0

    async def probe() -> None:
        # How late a 1 ms sleep wakes up: the longest time nothing else ran.
        nonlocal worst
        while not done.is_set():
            start = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - start - 0.001)

    probing = asyncio.create_task(probe())
    start = time.perf_counter()
    coordinator.last_update_success = False
    coordinator.async_update_listeners()
    coordinator.last_update_success = True
    coordinator.async_update_listeners()
    await hass.async_block_till_done(wait_background_tasks=True)
    total = time.perf_counter() - start
    done.set()
    await probing
    calls = [
        url.path
        for _, url, _, _ in aioclient_mock.mock_calls[before:]
        if url.host == URL(URLS["radarr"]).host
    ]
    last = mock_config_entry.runtime_data.reconciliations[SUBENTRY_IDS["radarr"]]
    assert last.recovered == HISTORY_RECORDS
    assert last.complete
    imported = sum(
        1
        for request in mock_config_entry.runtime_data.tracker.active()
        if request.state == "importing"
    )
    record(
        f"(g) reconciliation: {HISTORY_RECORDS} Radarr records with {STORED} stored"
        f" ({ACTIVE} active): {len(calls)} calls, applied in {total * 1e3:.0f} ms,"
        f" longest loop block {worst * 1e3:.1f} ms, {imported} movies moved to importing",
        g_calls=len(calls),
        g_total_ms=total * 1e3,
        g_max_block_ms=worst * 1e3,
        g_imported=imported,
    )
