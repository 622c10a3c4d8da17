"""ShokoEventStream with the real pysignalr client against tests/shoko_server.py.

No fixed sleeps: every wait is on a condition (server counters, recorded callbacks)
with a timeout. The backoff sleep is injected, so no test waits for real backoff.
"""

# The shoko_server fixture is imported, and tests take it as a same-named argument.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import gc
import logging
from typing import Any

import aiohttp
from pysignalr import exceptions as signalr_errors
import pytest
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.frames import Close
from websockets.http11 import Response

from custom_components.status_tracker import shoko_events
from custom_components.status_tracker.api.shoko import ShokoClient
from custom_components.status_tracker.shoko_events import ShokoEventStream

from .shoko_server import (
    API_KEY,
    WAIT_TIMEOUT,
    ShokoServer,
    load_fixture,
    shoko_server,  # noqa: F401 (registers the fixture)
)

LOGGER_NAME = "tests.shoko_events"
ON_CONNECTED = "ShokoEvent:OnConnected"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: these tests need no Home Assistant instance."""


@pytest.fixture(autouse=True)
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture everything the connection and pysignalr log."""
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    caplog.set_level(logging.DEBUG, logger="pysignalr")
    return caplog


class Recorder:
    """Collects the callbacks of one connection and serves its backoff sleep."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.states: list[bool] = []
        self.delays: list[float] = []
        # Sleeps beyond this many block until `release` is set (None: never block).
        self.pass_sleeps: int | None = None
        self.release = asyncio.Event()
        self._changed = asyncio.Event()

    def on_event(self, target: str, arguments: Any) -> None:
        self.events.append((target, arguments))
        self._changed.set()

    def on_state(self, connected: bool) -> None:
        self.states.append(connected)
        self._changed.set()

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self._changed.set()
        if self.pass_sleeps is not None and len(self.delays) > self.pass_sleeps:
            await self.release.wait()
        await asyncio.sleep(0)

    def targets(self) -> list[str]:
        return [target for target, _ in self.events]

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT_TIMEOUT):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


type MakeHub = Callable[..., ShokoEventStream]


@pytest.fixture
async def make_hub(
    shoko_server: ShokoServer, recorder: Recorder
) -> AsyncGenerator[MakeHub]:
    """Return a factory of started-later connections; all are stopped afterwards."""
    hubs: list[ShokoEventStream] = []

    def make(**kwargs: Any) -> ShokoEventStream:
        options: dict[str, Any] = {
            "logger": logging.getLogger(LOGGER_NAME),
            "sleep": recorder.sleep,
        }
        options.update(kwargs)
        url = options.pop("url", shoko_server.hub_url)
        hub = ShokoEventStream(
            url, API_KEY, recorder.on_event, recorder.on_state, **options
        )
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        await hub.async_stop()


def records(
    caplog: pytest.LogCaptureFixture, level: int, logger: str = LOGGER_NAME
) -> list[str]:
    """Return the messages logged at exactly `level` by `logger` (and children)."""
    return [
        record.getMessage()
        for record in caplog.records
        if record.levelno == level
        and (record.name == logger or record.name.startswith(f"{logger}."))
    ]


def pysignalr_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("pysignalr") and record.levelno >= logging.WARNING
    ]


async def test_connects_and_delivers_events(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = make_hub()
    assert not hub.connected
    await hub.async_start()
    assert hub.disconnected_since is not None
    await recorder.wait_until(lambda: ON_CONNECTED in recorder.targets())

    assert hub.connected
    assert hub.disconnected_since is None
    assert recorder.states == [True]
    assert recorder.events == [(ON_CONNECTED, [None])]
    # Negotiated, then the WebSocket with the negotiated id and the feed.
    assert shoko_server.negotiations == 1
    assert shoko_server.connections == 1
    assert shoko_server.handshakes == [{"protocol": "json", "version": 1}]
    query = shoko_server.socket_queries[0]
    assert query["feeds"] == "shoko"
    assert query["id"]
    # The key travels in a header, never in a URL.
    assert shoko_server.negotiate_headers[0]["apikey"] == API_KEY
    assert shoko_server.socket_headers[0]["apikey"] == API_KEY
    assert shoko_server.requested_urls
    assert not [url for url in shoko_server.requested_urls if API_KEY in url]
    assert API_KEY not in hub.url

    # One event.
    await shoko_server.send_fixture("file_matched")
    await recorder.wait_until(lambda: len(recorder.events) == 2)
    assert recorder.events[1] == (
        "ShokoEvent:FileMatched",
        load_fixture("file_matched")["arguments"],
    )

    # Two records in one frame: both arrive, in order.
    await shoko_server.send_fixture("file_hashed", "series_updated")
    await recorder.wait_until(lambda: len(recorder.events) == 4)
    assert recorder.targets()[2:] == [
        "ShokoEvent:FileHashed",
        "ShokoEvent:SeriesUpdated",
    ]
    assert recorder.events[3][1] == load_fixture("series_updated")["arguments"]

    # An event nobody handles is dropped without pysignalr's per-message warning;
    # what follows still arrives.
    await shoko_server.send("AniDB:OnConnected", None)
    await shoko_server.send("AniDB:OnConnected", None)
    await shoko_server.send_fixture("file_deleted")
    await recorder.wait_until(lambda: len(recorder.events) == 5)
    assert recorder.targets()[4] == "ShokoEvent:FileDeleted"

    await hub.async_stop()
    assert not hub.connected
    await shoko_server.wait_disconnected()
    # Stopping is not an outage: no state callback, nothing above DEBUG.
    assert recorder.states == [True]
    assert not records(caplog, logging.WARNING)
    assert not records(caplog, logging.INFO)
    assert not pysignalr_warnings(caplog)
    assert (
        records(caplog, logging.DEBUG).count(
            "Ignoring Shoko hub message AniDB:OnConnected"
        )
        == 1
    )


async def test_pings_both_ways(
    shoko_server: ShokoServer, recorder: Recorder, make_hub: MakeHub
) -> None:
    # pysignalr pings every 10 s; our transport's interval is configurable.
    hub = make_hub(keepalive_interval=0.02)
    await hub.async_start()
    await shoko_server.wait_connected()
    await shoko_server.wait_pings(3)

    # A server ping (ASP.NET sends one every 15 s) is not an event and changes
    # nothing.
    await shoko_server.ping()
    await shoko_server.send_fixture("file_detected")
    await recorder.wait_until(lambda: len(recorder.events) == 2)
    assert recorder.targets() == [ON_CONNECTED, "ShokoEvent:FileDetected"]
    assert shoko_server.connections == 1
    assert recorder.states == [True]
    # Pings are all the client sent after the handshake.
    assert shoko_server.received == []


@pytest.mark.parametrize(
    ("drop", "reason"),
    [
        pytest.param({}, "connection closed", id="aborted"),
        pytest.param({"close_message": True}, "connection closed", id="close"),
        pytest.param(
            {"error": "Server is shutting down"},
            "server error: Server is shutting down",
            id="close-with-error",
        ),
    ],
)
async def test_reconnects_with_a_new_negotiation(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
    drop: dict[str, Any],
    reason: str,
) -> None:
    hub = make_hub()
    recorder.pass_sleeps = 0  # hold the first backoff until released
    await hub.async_start()
    await shoko_server.wait_connected()
    await recorder.wait_until(lambda: recorder.states == [True])

    await shoko_server.drop(**drop)
    await recorder.wait_until(lambda: len(recorder.delays) == 1)
    # Down, waiting for the backoff.
    assert recorder.states == [True, False]
    assert not hub.connected
    assert hub.disconnected_since is not None
    assert recorder.delays == [1.0]
    warnings = records(caplog, logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"Lost the connection to the Shoko hub at {shoko_server.url}/signalr/aggregate ({reason}"
    )

    recorder.release.set()
    await recorder.wait_until(lambda: recorder.states == [True, False, True])
    await shoko_server.wait_connected(2)
    assert hub.connected
    assert hub.disconnected_since is None
    # A fresh negotiation; pysignalr's reconnect with the stale id was not used.
    assert shoko_server.negotiations == 2
    assert shoko_server.rejected_sockets == 0
    first_id, second_id = (query["id"] for query in shoko_server.socket_queries)
    assert first_id != second_id

    await shoko_server.send_fixture("file_matched")
    await recorder.wait_until(lambda: "ShokoEvent:FileMatched" in recorder.targets())
    assert recorder.targets() == [ON_CONNECTED, ON_CONNECTED, "ShokoEvent:FileMatched"]

    assert len(records(caplog, logging.WARNING)) == 1
    assert records(caplog, logging.INFO) == [
        f"Shoko hub at {shoko_server.url}/signalr/aggregate is reachable again"
    ]


async def test_backoff_while_negotiation_is_refused(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shoko_server.negotiate_status = 500
    recorder.pass_sleeps = 11
    hub = make_hub()
    await hub.async_start()
    await recorder.wait_until(lambda: len(recorder.delays) == 12)

    # 1 s doubling, capped at 5 min; a fresh negotiation each time.
    assert recorder.delays == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert shoko_server.negotiations == 12
    assert shoko_server.connections == 0
    assert recorder.states == []
    assert not hub.connected
    assert hub.disconnected_since is not None
    # One warning for the whole outage; the retries log at DEBUG only.
    assert records(caplog, logging.WARNING) == [
        (
            f"Cannot connect to the Shoko hub at {shoko_server.url}/signalr/aggregate "
            "(negotiation failed: HTTP 500); retrying in the background"
        )
    ]
    assert not records(caplog, logging.INFO)
    still_down = [
        message
        for message in records(caplog, logging.DEBUG)
        if message.startswith("Shoko hub at")
    ]
    assert len(still_down) == 11
    assert not pysignalr_warnings(caplog)

    # Shoko is back: one INFO line, connected.
    shoko_server.negotiate_status = 200
    recorder.release.set()
    await recorder.wait_until(lambda: recorder.states == [True])
    assert records(caplog, logging.INFO) == [
        f"Shoko hub at {shoko_server.url}/signalr/aggregate is reachable again"
    ]
    assert len(records(caplog, logging.WARNING)) == 1


async def test_unreachable_server(
    socket_enabled: None, recorder: Recorder, make_hub: MakeHub
) -> None:
    # Nothing listens there once the probe socket is closed.
    server = ShokoServer()
    await server.start()
    url = server.hub_url
    await server.close()
    recorder.pass_sleeps = 2
    hub = make_hub(url=url)
    await hub.async_start()
    await recorder.wait_until(lambda: len(recorder.delays) == 3)
    assert recorder.delays == [1, 2, 4]
    assert recorder.states == []


async def test_backoff_resets_after_a_stable_connection(
    shoko_server: ShokoServer, recorder: Recorder, make_hub: MakeHub
) -> None:
    now = [1000.0]
    hub = make_hub(clock=lambda: now[0])
    await hub.async_start()

    # Two connections that drop at once: the backoff keeps doubling.
    for count in (1, 2):
        await shoko_server.wait_connected(count)
        await recorder.wait_until(lambda: recorder.states.count(True) == count)  # noqa: B023
        await shoko_server.drop()
        await recorder.wait_until(lambda: len(recorder.delays) == count)  # noqa: B023
    assert recorder.delays == [1, 2]

    # One that stayed up for a minute: back to 1 s.
    await shoko_server.wait_connected(3)
    await recorder.wait_until(lambda: recorder.states.count(True) == 3)
    now[0] += shoko_events.STABLE_AFTER
    await shoko_server.drop()
    await recorder.wait_until(lambda: len(recorder.delays) == 3)
    assert recorder.delays == [1, 2, 1]
    await recorder.wait_until(lambda: recorder.states.count(True) == 4)
    assert hub.connected


async def test_silent_server_is_dropped(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The server sends nothing after OnConnected: after server_timeout the client
    # gives up on the link and reconnects.
    recorder.pass_sleeps = 0
    hub = make_hub(keepalive_interval=0.02, server_timeout=0.1)
    await hub.async_start()
    await recorder.wait_until(lambda: recorder.states == [True, False])
    await shoko_server.wait_disconnected()
    assert records(caplog, logging.WARNING) == [
        (
            f"Lost the connection to the Shoko hub at {shoko_server.url}/signalr/aggregate "
            "(no message from the server for 0.1 s); reconnecting in the background"
        )
    ]
    recorder.release.set()
    await recorder.wait_until(lambda: recorder.states[:3] == [True, False, True])
    assert shoko_server.negotiations >= 2
    await hub.async_stop()


async def test_websocket_refused(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Negotiation works but the WebSocket upgrade does not (e.g. a proxy).
    shoko_server.socket_status = 403
    recorder.pass_sleeps = 1
    hub = make_hub()
    await hub.async_start()
    await recorder.wait_until(lambda: len(recorder.delays) == 2)
    assert shoko_server.negotiations == 2
    assert records(caplog, logging.WARNING) == [
        (
            f"Cannot connect to the Shoko hub at {shoko_server.url}/signalr/aggregate "
            "(WebSocket refused: HTTP 403); retrying in the background"
        )
    ]
    assert not hub.connected


async def test_handshake_timeout(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A server that upgrades to WebSocket but never answers the handshake.
    monkeypatch.setattr(shoko_events, "CONNECTION_TIMEOUT", 0.2)
    shoko_server.stall_handshake = True
    recorder.pass_sleeps = 0
    hub = make_hub()
    await hub.async_start()
    await recorder.wait_until(lambda: len(recorder.delays) == 1)
    # The client closed the stalled socket itself.
    await shoko_server.wait_for(
        lambda: shoko_server.stalled_total == 1 and shoko_server.stalled_sockets == 0
    )
    assert recorder.states == []
    assert records(caplog, logging.WARNING) == [
        (
            f"Cannot connect to the Shoko hub at {shoko_server.url}/signalr/aggregate "
            "(timed out); retrying in the background"
        )
    ]
    assert not hub.connected


async def test_callback_errors_keep_the_connection(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    delivered: list[str] = []

    async def on_event(target: str, arguments: Any) -> None:
        await asyncio.sleep(0)  # a coroutine callback is awaited
        delivered.append(target)
        recorder.on_event(target, arguments)
        if target == "ShokoEvent:FileMatched":
            raise ValueError("bug in the consumer")

    def on_state(connected: bool) -> None:
        recorder.on_state(connected)
        raise RuntimeError("bug in the state consumer")

    hub = ShokoEventStream(
        shoko_server.hub_url,
        API_KEY,
        on_event,
        on_state,
        logger=logging.getLogger(LOGGER_NAME),
        sleep=recorder.sleep,
    )
    try:
        await hub.async_start()
        await recorder.wait_until(lambda: recorder.targets() == [ON_CONNECTED])
        await shoko_server.send_fixture("file_matched", "file_matched")
        await shoko_server.send_fixture("file_matched_movie", "file_deleted")
        await recorder.wait_until(lambda: len(recorder.events) == 5)
    finally:
        await hub.async_stop()

    assert delivered == [
        ON_CONNECTED,
        "ShokoEvent:FileMatched",
        "ShokoEvent:FileMatched",
        "ShokoEvent:FileMatched",
        "ShokoEvent:FileDeleted",
    ]
    assert shoko_server.connections == 1
    assert recorder.states == [True]
    # The first ValueError with its traceback; the same type again only at DEBUG.
    errors = [
        record
        for record in caplog.records
        if record.name == LOGGER_NAME and record.levelno == logging.ERROR
    ]
    assert [record.getMessage() for record in errors] == [
        "Error handling the Shoko hub state change",
        "Error handling Shoko event ShokoEvent:FileMatched",
    ]
    assert all(record.exc_info for record in errors)
    assert (
        records(caplog, logging.DEBUG).count(
            "Error handling Shoko event ShokoEvent:FileMatched"
        )
        == 2
    )
    assert not pysignalr_warnings(caplog)


async def test_stop_is_clean_and_idempotent(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hub = make_hub()
    await hub.async_stop()  # never started: nothing to do
    tasks_before = asyncio.all_tasks()

    await hub.async_start()
    await hub.async_start()  # already running: no second loop
    assert hub.running
    await shoko_server.wait_connected()
    await recorder.wait_until(lambda: recorder.states == [True])
    await hub.async_stop()
    # The socket is closed when async_stop returns, not later by a finalizer.
    assert shoko_server.open_sockets == 0
    await hub.async_stop()
    assert not hub.running
    assert shoko_server.negotiations == 1

    # Restart after stop: a new session.
    await hub.async_start()
    await shoko_server.wait_connected(2)
    await recorder.wait_until(lambda: recorder.states == [True, True])

    # Stop while waiting for a backoff.
    shoko_server.negotiate_status = 500
    recorder.pass_sleeps = 0
    await shoko_server.drop()
    await recorder.wait_until(lambda: len(recorder.delays) == 1)
    await hub.async_stop()
    assert not hub.running
    assert not hub.connected

    # Nothing of the connection is left running (pysignalr's keep-alive task
    # used to linger after a lost connection), and nothing was destroyed pending.
    await asyncio.sleep(0)
    leftovers = asyncio.all_tasks() - tasks_before - {asyncio.current_task()}
    assert not [task for task in leftovers if not task.done()]
    gc.collect()
    assert not [
        record
        for record in caplog.records
        if record.name == "asyncio" and record.levelno >= logging.WARNING
    ]


async def test_stop_from_a_callback(
    shoko_server: ShokoServer, recorder: Recorder
) -> None:
    stopped = asyncio.Event()
    hub: ShokoEventStream | None = None

    async def on_event(target: str, arguments: Any) -> None:
        assert hub is not None
        try:
            await hub.async_stop()
        finally:
            # Reached with CancelledError: the callback is part of the loop.
            stopped.set()

    hub = ShokoEventStream(
        shoko_server.hub_url, API_KEY, on_event, recorder.on_state, sleep=recorder.sleep
    )
    await hub.async_start()
    task = hub._task
    assert task is not None
    async with asyncio.timeout(WAIT_TIMEOUT):
        await stopped.wait()
        await asyncio.wait([task])
    assert task.cancelled()
    assert not hub.running
    await shoko_server.wait_disconnected()


async def test_custom_task_factory(
    shoko_server: ShokoServer, recorder: Recorder, make_hub: MakeHub
) -> None:
    created: list[asyncio.Task[None]] = []

    def create_task(coro: Any) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name="custom")
        created.append(task)
        return task

    hub = make_hub(create_task=create_task)
    await hub.async_start()
    await recorder.wait_until(lambda: recorder.states == [True])
    assert [task.get_name() for task in created] == ["custom"]
    await hub.async_stop()
    assert created[0].done()


async def test_loop_failure_is_logged(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    failed = asyncio.Event()

    async def broken_sleep(delay: float) -> None:
        failed.set()
        raise RuntimeError("broken sleep")

    shoko_server.negotiate_status = 503
    hub = make_hub(sleep=broken_sleep)
    await hub.async_start()
    async with asyncio.timeout(WAIT_TIMEOUT):
        await failed.wait()
    await asyncio.sleep(0)  # let the done callback run
    assert not hub.running
    # Logged when it happens, not only at stop.
    assert records(caplog, logging.ERROR) == ["Shoko hub connection loop failed"]
    await hub.async_stop()
    assert records(caplog, logging.ERROR) == ["Shoko hub connection loop failed"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://shoko:8111/signalr/aggregate", "feeds=shoko"),
        ("http://shoko:8111/signalr/aggregate?feeds=shoko,file", "feeds=shoko%2Cfile"),
        ("http://shoko:8111/signalr/aggregate?Feeds=queue", "Feeds=queue"),
    ],
)
def test_feeds_in_url(url: str, expected: str) -> None:
    hub = ShokoEventStream(url, API_KEY, lambda *_: None, lambda _: None)
    assert hub.url == f"http://shoko:8111/signalr/aggregate?{expected}"


async def test_with_the_rest_client(
    shoko_server: ShokoServer, recorder: Recorder, make_hub: MakeHub
) -> None:
    """The REST client and the hub connection against one fake Shoko."""
    async with aiohttp.ClientSession() as session:
        client = ShokoClient(session, shoko_server.url, API_KEY)
        version = await client.async_validate()
        assert version.version == "5.3.3.0"
        assert await client.async_get_import_folders() == {
            2: "/data/media/anime/shows",
            3: "/data/media/anime/movies",
        }
        hub = make_hub(url=client.signalr_url)
    await hub.async_start()
    await recorder.wait_until(lambda: recorder.targets() == [ON_CONNECTED])
    assert shoko_server.socket_queries[0]["feeds"].split(",")[0] == "shoko"
    assert not [url for url in shoko_server.requested_urls if API_KEY in url]


def _negotiation_failure() -> signalr_errors.NegotiationFailure:
    # A frozen dataclass: __cause__ can only be set by "raise ... from".
    def fail() -> None:
        raise signalr_errors.NegotiationFailure from aiohttp.ServerDisconnectedError()

    try:
        fail()
    except signalr_errors.NegotiationFailure as err:
        return err
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("err", "description"),
    [
        (None, "connection ended"),
        (signalr_errors.AuthorizationError(), "negotiation refused: HTTP 401"),
        (signalr_errors.ConnectionError(404), "negotiation failed: HTTP 404"),
        (signalr_errors.ServerError("boom"), "server error: boom"),
        (_negotiation_failure(), "Server disconnected"),
        (signalr_errors.NegotiationFailure(), "negotiation failed"),
        (
            InvalidStatus(Response(404, "Not Found", Headers())),
            "WebSocket refused: HTTP 404",
        ),
        (
            ConnectionClosedError(Close(1011, "oops"), None),
            "connection closed: received 1011 (internal error) oops; no close frame sent",
        ),
        (TimeoutError(), "timed out"),
        (
            ConnectionResetError(104, "Connection reset by peer"),
            "[Errno 104] Connection reset by peer",
        ),
        (aiohttp.ClientPayloadError(), "ClientPayloadError"),
        (ValueError("bad"), "ValueError: bad"),
        (KeyError(), "KeyError"),
    ],
)
def test_describe(err: BaseException | None, description: str) -> None:
    assert shoko_events._describe(err) == description


def test_log_url_has_no_secrets() -> None:
    hub = ShokoEventStream(
        "http://user:pass@shoko:8111/signalr/aggregate?feeds=shoko&x=1",
        API_KEY,
        lambda *_: None,
        lambda _: None,
    )
    assert hub._log_url == "http://shoko:8111/signalr/aggregate"


async def test_api_key_masked_in_websockets_debug_log(
    shoko_server: ShokoServer,
    recorder: Recorder,
    make_hub: MakeHub,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """websockets logs handshake headers at DEBUG (on pysignalr's logger): masked.

    Only while the hub runs: after it stops the filter is gone again.
    """
    caplog.set_level(logging.DEBUG, logger="pysignalr")
    hub = make_hub()
    await hub.async_start()
    await recorder.wait_until(lambda: ON_CONNECTED in recorder.targets())
    header_lines = [
        record.getMessage()
        for record in caplog.records
        if record.name == "pysignalr.transport" and record.getMessage().startswith(">")
    ]
    assert "> apikey: **REDACTED**" in header_lines
    assert API_KEY not in caplog.text
    await hub.async_stop()
    assert not logging.getLogger("pysignalr.transport").filters
