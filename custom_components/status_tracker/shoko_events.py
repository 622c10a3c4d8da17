"""Keep a SignalR connection to one Shoko Server's event hub.

Shoko pushes file and series events over SignalR (hub ``/signalr/aggregate``, feed
``shoko``; docs/protocols.md §7.2-7.3). :class:`ShokoEventStream` owns one
pysignalr client at a time and replaces it after every failure, with an exponential
backoff, so the connection comes back by itself after a Shoko restart or a network
cut.

What pysignalr 1.3.0 does, and why this module works around parts of it:

* ``SignalRClient.run()`` negotiates (``POST <hub>/negotiate``, with its own aiohttp
  session and our headers) and then runs a ``websockets`` reconnect loop that keeps
  the negotiated ``id``. ASP.NET forgets an id once its socket is gone, so such a
  reconnect is refused (404). pysignalr then negotiates again after a real
  ``asyncio.sleep`` of its own, but only ten times in a client's life (its retry
  counter is never reset), after which ``run()`` raises for good; while Shoko is
  down, the reconnect loop retries on its own jittered schedule and logs each try
  with a traceback at INFO. We therefore end a client's ``run()`` as soon as its
  connection is lost or a negotiation fails (the close callback raises) and start a
  new client, which negotiates a fresh id, on our own backoff.
* On import, pysignalr replaces ``websockets.asyncio.client.connect.__aiter__`` for
  the whole process: a failed WebSocket handshake (any HTTP status, or a timeout)
  becomes ``pysignalr.exceptions.NegotiationFailure``, and other errors are retried
  with its jittered backoff. Nothing we can undo without breaking pysignalr; it only
  matters to code iterating ``websockets.connect`` for reconnects.
* An HTTP error status or a refused connection during negotiation makes ``run()``
  raise at once; our loop treats every exception the same way.
* Negotiation has only a *connect* timeout and the SignalR handshake none at all, so a
  server that accepts but never answers would hang a client forever. Our transport
  bounds both with the connection timeout.
* Its keep-alive task (a SignalR ping every 10 s) is a sibling in an
  ``asyncio.gather`` that nobody cancels when the socket dies, so it lingers up to 10 s
  per lost connection. Ours stops as soon as the socket closes. It also implements
  the server timeout of the official clients (no message for 30 s = dead link), which
  pysignalr lacks. A dead TCP peer is additionally caught by websockets' own
  ping/pong (every 10 s, 20 s timeout).
* An exception from an event handler propagates out of ``run()`` and kills the
  connection. Our handlers never raise.
* It logs a WARNING "No client method with the name '%s' found." for every invocation
  without a handler. We register a handler for every Shoko event name and drop any
  other target quietly (debug, once per target).

Logging: this module logs one WARNING when the hub becomes unreachable and one INFO
when it is back, and DEBUG for each retry. pysignalr itself still logs at WARNING on
the ``pysignalr.transport`` logger ("Connection closed: ...") for every lost
connection and at INFO for each negotiation and state change; we deliberately leave
the levels of its loggers alone (that is the user's choice, through Home Assistant's
``logger`` integration).

The API key is sent in the ``apikey`` header (negotiation and WebSocket upgrade),
never in the URL, so it cannot end up in a log line or a proxy's access log. The
``websockets`` library logs every handshake header at DEBUG ("> apikey: ...") on the
logger pysignalr hands it (``pysignalr.transport``), so while a hub runs a filter on
that logger masks the key.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
import inspect
import logging
import time
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiohttp import ClientError
from homeassistant.util import dt as dt_util
from pysignalr import exceptions as signalr_errors
from pysignalr.client import SignalRClient
from pysignalr.messages import InvocationMessage, PingMessage
from pysignalr.transport.websocket import WebsocketTransport
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed, InvalidStatus

from .log_redaction import SecretRedactor
from .parsers.shoko import SHOKO_EVENT_NAMES

_LOGGER = logging.getLogger(__name__)

# Sent by Shoko right after the client joined feed "shoko" (argument null).
ON_CONNECTED = "ShokoEvent:OnConnected"
FEEDS = "shoko"

# Backoff between connection attempts: 1 s doubling up to 5 min. It starts again
# from 1 s after a connection that stayed up for STABLE_AFTER seconds.
INITIAL_BACKOFF = 1.0
MAX_BACKOFF = 300.0
STABLE_AFTER = 60.0

# Shoko drops a client that sent nothing for 60 s (ClientTimeoutInterval), and it
# pings every 15 s; the official clients give up on a server silent for 30 s.
KEEPALIVE_INTERVAL = 10.0
SERVER_TIMEOUT = 30.0
# Bound on negotiation and on the SignalR handshake (and websockets' opening).
CONNECTION_TIMEOUT = 10

type EventCallback = Callable[[str, Any], Awaitable[None] | None]
type StateCallback = Callable[[bool], None]
type TaskFactory = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]
type Sleep = Callable[[float], Awaitable[None]]


class _SessionClosed(Exception):
    """Raised from pysignalr's close callback to end ``run()`` (see module doc)."""


class _ShokoTransport(WebsocketTransport):
    """pysignalr's WebSocket transport with timeouts and a better keep-alive."""

    def __init__(
        self, *, keepalive_interval: float, server_timeout: float, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._keepalive_interval = keepalive_interval
        self._server_timeout = server_timeout
        self._last_received = 0.0
        self._conn: ClientConnection | None = None
        # Why this transport closed the connection itself, for the log line.
        self.close_reason: str | None = None

    async def _negotiate(self) -> None:
        # pysignalr's aiohttp session only has a connect timeout.
        async with asyncio.timeout(self._connection_timeout):
            await super()._negotiate()

    async def _handshake(self, conn: ClientConnection) -> None:
        # Remember the socket so that aclose() can close it whatever happens next.
        self._conn = conn
        async with asyncio.timeout(self._connection_timeout):
            await super()._handshake(conn)

    async def _on_raw_message(self, raw_message: str | bytes) -> None:
        self._last_received = asyncio.get_running_loop().time()
        await super()._on_raw_message(raw_message)

    async def _keepalive(self, conn: ClientConnection) -> None:
        """Ping the server regularly; close a link on which the server went silent.

        Returns as soon as the socket is closed, so it never outlives its connection
        (pysignalr runs it next to the receive loop in a gather that does not cancel
        it when the receive loop fails).
        """
        loop = asyncio.get_running_loop()
        self._last_received = loop.time()
        ping = self._protocol.encode(PingMessage())
        while True:
            try:
                async with asyncio.timeout(self._keepalive_interval):
                    await conn.wait_closed()
            except TimeoutError:
                pass
            else:
                return
            if loop.time() - self._last_received >= self._server_timeout:
                self.close_reason = (
                    f"no message from the server for {self._server_timeout:g} s"
                )
                # The receive loop then sees ConnectionClosed and the session ends.
                await conn.close(reason="server timeout")
                return
            await conn.send(ping)

    async def aclose(self) -> None:
        """Close the WebSocket if it is still open (idempotent)."""
        if self._conn is not None:
            await self._conn.close()


class _ShokoSignalRClient(SignalRClient):
    """A SignalRClient using :class:`_ShokoTransport`, quiet about unknown targets."""

    def __init__(
        self,
        url: str,
        headers: dict[str, str],
        *,
        keepalive_interval: float,
        server_timeout: float,
        logger: logging.Logger,
    ) -> None:
        super().__init__(url, headers=headers, connection_timeout=CONNECTION_TIMEOUT)
        self._logger = logger
        self._ignored_targets: set[str] = set()
        # Same arguments as SignalRClient.__init__ gives its own transport.
        self.shoko_transport = _ShokoTransport(
            url=url,
            protocol=self._protocol,
            callback=self._on_message,
            headers=self._headers,
            connection_timeout=CONNECTION_TIMEOUT,
            keepalive_interval=keepalive_interval,
            server_timeout=server_timeout,
        )
        self._transport = self.shoko_transport

    async def _on_invocation_message(self, message: InvocationMessage) -> None:
        # pysignalr types invocation_id as str, but it is None for the events
        # (invocations that expect no result).
        if message.target not in self._message_handlers and not message.invocation_id:
            # Not an event we know (a newer Shoko?): pysignalr would log a warning
            # for each one.
            if message.target not in self._ignored_targets:
                self._ignored_targets.add(message.target)
                self._logger.debug("Ignoring Shoko hub message %s", message.target)
            return
        await super()._on_invocation_message(message)


# Running hubs' API keys in pysignalr's handshake header debug lines.
_API_KEYS: Final = SecretRedactor("pysignalr.transport")


def _with_feeds(url: str) -> str:
    """Return the hub URL with ``feeds=shoko`` in its query (added if missing)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not any(key.lower() == "feeds" for key, _ in query):
        query.append(("feeds", FEEDS))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _describe(err: BaseException | None) -> str:
    """Return a short, secret-free description of why a session ended."""
    if err is None:
        return "connection ended"
    if isinstance(err, signalr_errors.AuthorizationError):
        return "negotiation refused: HTTP 401"
    if isinstance(err, signalr_errors.ConnectionError):
        return f"negotiation failed: HTTP {err.status}"
    if isinstance(err, signalr_errors.ServerError):
        return f"server error: {err.message}"
    if isinstance(err, signalr_errors.NegotiationFailure):
        # pysignalr wraps what really happened: a failed WebSocket handshake or
        # opening timeout, or aiohttp's ServerConnectionError during negotiation.
        return _describe(err.__cause__) if err.__cause__ else "negotiation failed"
    if isinstance(err, InvalidStatus):
        return f"WebSocket refused: HTTP {err.response.status_code}"
    if isinstance(err, ConnectionClosed):
        return f"connection closed: {err}"
    if isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, (ClientError, OSError)):
        return str(err) or type(err).__name__
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


class ShokoEventStream:
    """A self-healing SignalR connection to one Shoko Server's event hub.

    ``on_event(target, arguments)`` is called (and awaited if it returns an awaitable)
    for each Shoko event, in the order received, with the SignalR target (e.g.
    ``"ShokoEvent:FileMatched"``, including ``"ShokoEvent:OnConnected"``) and the
    invocation's argument list. The receive loop waits for it, so it should be quick
    and hand longer work to a task. Its exceptions are logged, never propagated.

    ``on_state(connected)`` is called on every change: ``True`` once the SignalR
    handshake completed, ``False`` when that connection is lost. It is not called by
    :meth:`async_stop`.
    """

    def __init__(
        self,
        url: str,
        api_key: str,
        on_event: EventCallback,
        on_state: StateCallback,
        *,
        logger: logging.Logger = _LOGGER,
        sleep: Sleep = asyncio.sleep,
        create_task: TaskFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        keepalive_interval: float = KEEPALIVE_INTERVAL,
        server_timeout: float = SERVER_TIMEOUT,
    ) -> None:
        """Prepare the connection; :meth:`async_start` opens it.

        Args:
            url: the hub URL, e.g. ``http://shoko:8111/signalr/aggregate?feeds=shoko``
                (``feeds=shoko`` is added when the query has no ``feeds``).
            api_key: Shoko API key, sent in the ``apikey`` header.
            on_event: called with (target, arguments) for every event.
            on_state: called with the new state when the connection comes or goes.
            logger: where this connection logs.
            sleep: awaited for the backoff between attempts (tests pass a fast one).
            create_task: runs the background loop (e.g. Home Assistant's
                ``entry.async_create_background_task``); ``asyncio.create_task``
                by default.
            clock: monotonic seconds, to measure how long a connection stayed up.
            keepalive_interval: seconds between our SignalR pings.
            server_timeout: seconds of server silence after which the link is dead.
        """
        self._url = _with_feeds(url)
        parts = urlsplit(self._url)
        # What the log lines show: no user info and no query, whatever was passed.
        self._log_url = urlunsplit(
            parts._replace(
                netloc=parts.netloc.rpartition("@")[2], query="", fragment=""
            )
        )
        self._api_key = api_key
        self._on_event = on_event
        self._on_state = on_state
        self._logger = logger
        self._sleep = sleep
        self._create_task = create_task
        self._clock = clock
        self._keepalive_interval = keepalive_interval
        self._server_timeout = server_timeout

        self._task: asyncio.Task[None] | None = None
        self._connected = False
        self._connected_at = 0.0
        self._disconnected_since: datetime | None = None
        # True once the outage was logged, so that it is logged once, not per retry.
        self._outage_logged = False
        self._handler_errors: set[type[BaseException]] = set()

    @property
    def url(self) -> str:
        """Return the hub URL (no secret in it)."""
        return self._url

    @property
    def connected(self) -> bool:
        """Return whether the hub connection is up (handshake done)."""
        return self._connected

    @property
    def disconnected_since(self) -> datetime | None:
        """Return since when (UTC) the hub has been unreachable, None when connected.

        Set by :meth:`async_start` (not connected yet) and on every loss.
        """
        return self._disconnected_since

    @property
    def running(self) -> bool:
        """Return whether the background loop is running."""
        return self._task is not None and not self._task.done()

    async def async_start(self) -> None:
        """Start the background connection loop (no-op when already running)."""
        if self.running:
            return
        # A (re)start is a new life: not connected yet, and an outage is new news.
        self._disconnected_since = dt_util.utcnow()
        self._outage_logged = False
        coro = self._run()
        if self._create_task is not None:
            task = self._create_task(coro)
        else:
            task = asyncio.create_task(coro, name=f"Shoko hub {self._log_url}")
        task.add_done_callback(self._task_done)
        self._task = task
        _API_KEYS.keep(self, (self._api_key,))

    async def async_stop(self) -> None:
        """Stop the loop and close the connection; wait until done (idempotent).

        Awaited from ``on_event`` (which runs inside the loop), it stops the loop
        too, and the callback is cancelled with it.
        """
        task, self._task = self._task, None
        if task is None:
            return
        _API_KEYS.forget(self)
        self._connected = False
        task.cancel()
        # asyncio.wait, not "await task": a cancellation of the caller must still
        # propagate to the caller.
        await asyncio.wait([task])

    def _task_done(self, task: asyncio.Task[None]) -> None:
        """Log a loop that died of a bug (it only ends by cancellation otherwise)."""
        if not task.cancelled() and (err := task.exception()) is not None:
            self._connected = False
            self._logger.error("Shoko hub connection loop failed", exc_info=err)

    # --- the loop ---------------------------------------------------------------

    async def _run(self) -> None:
        """Connect, wait until the connection ends, back off, repeat; forever."""
        delay = INITIAL_BACKOFF
        while True:
            client = self._build_client()
            try:
                await client.run()
            except _SessionClosed as err:
                # err.__context__ is what pysignalr was handling: ConnectionClosed
                # or NegotiationFailure.
                reason = _describe(err.__context__)
            except Exception as err:  # noqa: BLE001 - any failure means "retry later"
                reason = _describe(err)
            else:  # pragma: no cover - pysignalr's run() loops forever
                reason = _describe(None)
            finally:
                # After a failure or a cancellation the socket may still be open.
                await client.shoko_transport.aclose()
            reason = client.shoko_transport.close_reason or reason
            uptime = self._session_ended(reason)
            if uptime >= STABLE_AFTER:
                delay = INITIAL_BACKOFF
            self._logger.debug(
                "Next Shoko hub connection attempt in %.0f s (%s)", delay, self._log_url
            )
            await self._sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)

    def _build_client(self) -> _ShokoSignalRClient:
        """Return a new pysignalr client wired to this connection."""
        client = _ShokoSignalRClient(
            self._url,
            # A fresh dict each time: pysignalr may add headers to it.
            headers={"apikey": self._api_key},
            keepalive_interval=self._keepalive_interval,
            server_timeout=self._server_timeout,
            logger=self._logger,
        )
        for target in sorted({*SHOKO_EVENT_NAMES, ON_CONNECTED}):
            client.on(target, self._handler(target))
        client.on_open(self._on_open)
        client.on_close(self._on_close)
        return client

    def _handler(self, target: str) -> Callable[[Any], Awaitable[None]]:
        """Return pysignalr's callback for one target."""

        async def handle(arguments: Any) -> None:
            await self._dispatch(target, arguments)

        return handle

    async def _dispatch(self, target: str, arguments: Any) -> None:
        """Pass one event on; never raise (an exception would drop the connection)."""
        try:
            result = self._on_event(target, arguments)
            if inspect.isawaitable(result):
                await result
        except Exception as err:
            if type(err) in self._handler_errors:
                self._logger.debug(
                    "Error handling Shoko event %s", target, exc_info=True
                )
            else:
                # Once per exception type: a bug should be visible, not flood the log.
                self._handler_errors.add(type(err))
                self._logger.exception("Error handling Shoko event %s", target)

    async def _on_open(self) -> None:
        """Mark the connection as up (pysignalr calls this after the handshake)."""
        self._connected = True
        self._connected_at = self._clock()
        self._disconnected_since = None
        if self._outage_logged:
            self._outage_logged = False
            self._logger.info("Shoko hub at %s is reachable again", self._log_url)
        else:
            self._logger.debug("Connected to the Shoko hub at %s", self._log_url)
        self._notify_state(True)

    async def _on_close(self) -> None:
        """End pysignalr's run() instead of letting it reconnect with a stale id."""
        raise _SessionClosed

    def _session_ended(self, reason: str) -> float:
        """Record the end of a client's session; return how long it was connected."""
        if not self._connected:
            if self._outage_logged:
                self._logger.debug(
                    "Shoko hub at %s still unreachable: %s", self._log_url, reason
                )
            else:
                self._outage_logged = True
                self._logger.warning(
                    "Cannot connect to the Shoko hub at %s (%s); retrying in the background",
                    self._log_url,
                    reason,
                )
            return 0.0
        uptime = self._clock() - self._connected_at
        self._connected = False
        self._disconnected_since = dt_util.utcnow()
        self._outage_logged = True
        self._logger.warning(
            "Lost the connection to the Shoko hub at %s (%s); reconnecting in the background",
            self._log_url,
            reason,
        )
        self._notify_state(False)
        return uptime

    def _notify_state(self, connected: bool) -> None:
        """Call on_state; its errors must not disturb the connection loop."""
        try:
            self._on_state(connected)
        except Exception:
            self._logger.exception("Error handling the Shoko hub state change")
