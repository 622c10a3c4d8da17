"""Nothing lost on a real Home Assistant: killed, stopped, cut off from a service.

The simulated services are stateful (demo/world.py): Seerr keeps its requests,
Sonarr and Radarr their history, Jellyfin its library and qBittorrent its
torrents, whatever Home Assistant heard of them. Sixteen lifecycles (a movie
and a TV season of eight demo rounds, in a shuffled order, eight in flight)
are played into a real `hass` process while a fault happens:

- it is killed with SIGKILL at a random moment of the burst and started
  again, and killed once more at once after the burst's last answer;
- it is stopped while a third of the webhooks are sent (they are refused) and
  started again;
- Radarr is cut off (its API refuses connections and its webhooks do not
  arrive) while a third of its webhooks are sent.

Seerr, Sonarr, Radarr and Jellyfin send each webhook once, so what was refused
is lost, as in a real stack. Within one coordinator cycle after Home Assistant
(or Radarr) is back, every request must hold the facts it holds in the same run
without the fault: state, ids, requester, seasons, episodes, and the same
timeline entries, each dated within the burst (when it happened, not when it
was recovered).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import logging
import os
from pathlib import Path
import random
import re
import threading
import time
from typing import Any

import aiohttp
import pytest
import pytest_socket

from custom_components.status_tracker.coordinator import HEALTH_INTERVAL
from demo.catalog import Media, Role, media_for
from demo.home_assistant import HASS, HomeAssistantError
from demo.scenario import Scenario
from demo.simulator import Simulator
from demo.stack import OPTIONS, DemoStack

from .test_demo import free_port

pytestmark = [
    pytest.mark.skipif(not HASS.exists(), reason=f"{HASS} is missing"),
    # One worker runs them all: the faulty runs compare with one fault-free run.
    pytest.mark.xdist_group("real_home_assistant_faults"),
]

_LOGGER = logging.getLogger(__name__)

ROUNDS = range(1, 9)
IN_FLIGHT = 8
# The story ten times faster than the demo's: a burst of about 20 seconds.
PACE = 10.0
# A coordinator cycle: the slow poll of the demo's options; services' health
# is checked once a minute.
CYCLE = timedelta(seconds=OPTIONS["polling"]["slow_poll_seconds"])
HEALTH_CYCLE = HEALTH_INTERVAL
# After Home Assistant is up again, or the service: how long until every
# request holds its facts (one cycle, and the reading itself).
RECOVERY_LIMIT = {
    "killed": CYCLE.total_seconds() + 5,
    "stopped": CYCLE.total_seconds() + 5,
    "radarr_cut_off": HEALTH_CYCLE.total_seconds() + 10,
}
# Reading the requests over the websocket while they settle.
READ_EVERY = 0.5
# The seed of the shuffled order and of the kill moment; printed on failure.
SEED = int(
    os.environ.get(
        "STATUS_TRACKER_FAULT_SEED", str(random.SystemRandom().randrange(2**32))
    )
)

# A Sonarr/Radarr instance (its subentry id) in a timeline key: each run has its own.
_INSTANCE = re.compile(r"^(sonarr|radarr):[0-9A-Z]{26}:")

Facts = dict[int, dict[str, Any]]
Fault = Callable[["Run"], Awaitable[float]]


def lifecycles() -> list[Media]:
    """Return the titles of the burst, in the seed's shuffled order."""
    media = [media_for(role, n) for n in ROUNDS for role in (Role.MOVIE, Role.SHOW)]
    random.Random(SEED).shuffle(media)
    return media


@dataclass
class Deliveries:
    """Sends webhooks as the services do: once, lost unless answered 200.

    `hooks` run before the webhook of their number (1-based; or a service's
    own number, keyed (service, number)) is sent, and no later webhook is sent
    until the hook is done; webhooks of services in `cut` never reach Home
    Assistant.
    """

    stack: DemoStack
    hooks: dict[int | tuple[str, int], Callable[[], Awaitable[None]]] = field(
        default_factory=dict
    )
    cut: set[str] = field(default_factory=set)
    sent: Counter[str] = field(default_factory=Counter)
    lost: list[tuple[int, str]] = field(default_factory=list)
    _turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def post(self, service: str, body: dict[str, Any]) -> None:
        async with self._turn:
            self.sent[service] += 1
            number = self.sent.total()
            for key in (number, (service, self.sent[service])):
                if (hook := self.hooks.pop(key, None)) is not None:
                    await hook()
        if service in self.cut:
            self.lost.append((number, service))
            return
        try:
            await self.stack.post(service, body)
        except HomeAssistantError, aiohttp.ClientError, TimeoutError:
            self.lost.append((number, service))


async def count_webhooks(media: list[Media]) -> Counter[str]:
    """Return how many webhooks each service sends in the burst (played on nothing)."""
    sent: Counter[str] = Counter()

    async def count(service: str, body: dict[str, Any]) -> None:
        sent[service] += 1

    scenario = Scenario(Simulator(), count, pace=1e9, resolve_after=None)
    for item in media:
        await scenario.play_title(item)
    return sent


@dataclass
class Run:
    """One stack playing the burst while a fault happens."""

    stack: DemoStack
    deliveries: Deliveries
    media: list[Media]
    total: Counter[str]
    rng: random.Random
    burst: asyncio.Task[None] | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None

    def start_burst(self) -> asyncio.Task[None]:
        scenario = Scenario(
            self.stack.simulator, self.deliveries.post, pace=PACE, resolve_after=None
        )
        slots = asyncio.Semaphore(IN_FLIGHT)

        async def one(item: Media) -> None:
            async with slots:
                await scenario.play_title(item)

        async def all_titles() -> None:
            await asyncio.gather(*(one(item) for item in self.media))
            self.finished_at = datetime.now(UTC)

        self.started_at = datetime.now(UTC)
        self.burst = asyncio.create_task(all_titles())
        return self.burst

    async def restart(self) -> None:
        await self.stack.restart()

    async def kill(self) -> None:
        await self.stack.kill()

    async def stop(self) -> None:
        assert self.stack.process is not None
        await asyncio.to_thread(self.stack.process.stop)


# ------------------------------------------------------------------ faults


async def no_fault(run: Run) -> float:
    await run.start_burst()
    return time.monotonic()


async def killed(run: Run) -> float:
    """SIGKILL at a random moment of the burst; again right after its end."""
    burst = run.start_burst()
    await asyncio.sleep(run.rng.uniform(2, 12))
    await run.kill()
    await run.restart()
    await burst
    await run.kill()
    await run.restart()
    return time.monotonic()


async def stopped(run: Run) -> float:
    """Stopped at the first third of the webhooks, started at the second."""
    third = run.total.total() // 3
    run.deliveries.hooks[third] = run.stop
    run.deliveries.hooks[2 * third] = run.restart
    await run.start_burst()
    return time.monotonic()


async def radarr_cut_off(run: Run) -> float:
    """Radarr unreachable, both ways, from the first third of its webhooks.

    It comes back at the second third, once Home Assistant's health check has
    seen it gone (its reachability sensor is off); webhooks wait meanwhile.
    """
    radarr = run.stack.simulator.radarr
    back = 0.0

    async def cut() -> None:
        run.deliveries.cut.add(radarr.name)
        await radarr.cut_off()

    async def reconnect() -> None:
        nonlocal back
        await until_unreachable(run.stack, radarr.name)
        await radarr.reconnect()
        run.deliveries.cut.discard(radarr.name)
        back = time.monotonic()

    # By Radarr's own webhooks: the burst's order decides when they come.
    third = run.total[radarr.name] // 3
    run.deliveries.hooks[radarr.name, third] = cut
    run.deliveries.hooks[radarr.name, 2 * third] = reconnect
    await run.start_burst()
    return back


async def until_unreachable(stack: DemoStack, service: str) -> None:
    """Wait until the service's reachability sensor is off (a health cycle)."""
    assert stack.client is not None
    async with asyncio.timeout(HEALTH_CYCLE.total_seconds() + 15):
        while True:
            states = await stack.client.states()
            if any(
                state["entity_id"].startswith(f"binary_sensor.{service}")
                and state["entity_id"].endswith("_reachable")
                and state["state"] == "off"
                for state in states
            ):
                return
            await asyncio.sleep(READ_EVERY)


# ------------------------------------------------------------------- facts


async def read_facts(stack: DemoStack) -> Facts:
    """Return each request's facts, by Seerr request id, times left out."""
    assert stack.client is not None
    (page,) = await stack.client.websocket(
        {
            "type": "status_tracker/requests/list",
            "status": "all",
            "details": True,
            "limit": 100,
        }
    )
    seerr_url = stack.simulator.seerr.url
    return {
        view["ids"]["seerr_request"]: facts_of(view, seerr_url)
        for view in page["requests"]
    }


def facts_of(view: dict[str, Any], seerr_url: str) -> dict[str, Any]:
    """Return what a request holds; the poster without the run's own port."""
    return {
        "title": view["title"],
        "year": view["year"],
        "media_type": view["media_type"],
        "state": view["state"],
        "requested_by": view["requested_by"],
        "seasons": view["seasons"],
        "ids": view["ids"],
        "poster_url": (view["poster_url"] or "").replace(seerr_url, "<seerr>"),
        "problems": sorted(view["problems"]),
        "episodes": [
            (e["season"], e["episode"], e["title"], e["stage"], e["jellyfin_id"])
            for e in view.get("episodes", [])
        ],
        "timeline": sorted(
            (
                t["kind"],
                t["source"],
                _INSTANCE.sub(r"\1:<instance>:", t["key"]),
                t["detail"] or "",
            )
            for t in view["timeline"]
        ),
        "times": [(t["at"], t["kind"], t["source"]) for t in view["timeline"]],
    }


def differences(facts: Facts, expected: Facts) -> dict[int, dict[str, Any]]:
    """Return, per request, the facts that are not as expected (got, expected)."""
    found = without_times(facts)
    wanted = without_times(expected)
    return {
        request_id: {
            key: (found.get(request_id, {}).get(key), value)
            for key, value in held.items()
            if found.get(request_id, {}).get(key) != value
        }
        for request_id, held in wanted.items()
        if found.get(request_id) != held
    } | {request_id: {"unexpected": True} for request_id in found.keys() - wanted}


def without_times(facts: Facts) -> Facts:
    return {
        request_id: {k: v for k, v in held.items() if k != "times"}
        for request_id, held in facts.items()
    }


async def settled(stack: DemoStack, expected: Facts | None, limit: float) -> Facts:
    """Read the facts until they are `expected` (or, for None, all available).

    Return the last facts read; the caller compares them.
    """
    facts: Facts = {}
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        facts = await read_facts(stack)
        if expected is None:
            if len(facts) == len(ROUNDS) * 2 and all(
                held["state"] == "available" for held in facts.values()
            ):
                return facts
        elif without_times(facts) == without_times(expected):
            return facts
        await asyncio.sleep(READ_EVERY)
    return facts


@dataclass
class Outcome:
    facts: Facts
    lost: list[tuple[int, str]]
    total: int
    recovered_in: float
    started_at: datetime
    finished_at: datetime
    # Each service's last reading of its history, as diagnostics show it.
    readings: dict[str, Any]


async def last_readings(stack: DemoStack) -> dict[str, Any]:
    """Return each service's last reconciliation from the hub's diagnostics."""
    assert stack.client is not None
    diagnostics = await stack.client.api(
        "GET", f"/api/diagnostics/config_entry/{stack.client.entry_id}"
    )
    return {
        service["service"]: service["last_reconciliation"]
        for service in diagnostics["data"]["services"]
        if service.get("last_reconciliation")
    }


async def play(
    config_dir: Path, fault: Fault, expected: Facts | None, limit: float
) -> Outcome:
    media = lifecycles()
    total = await count_webhooks(media)
    stack = DemoStack(
        config_dir=config_dir,
        port=free_port(),
        username="demo",
        password="demo-test-password",
    )
    try:
        async with asyncio.timeout(600):
            await stack.start(lambda line: None)
            run = Run(stack, Deliveries(stack), media, total, random.Random(SEED))
            back = await fault(run)
            facts = await settled(stack, expected, limit)
            recovered_in = time.monotonic() - back
            assert run.finished_at is not None
            return Outcome(
                facts,
                run.deliveries.lost,
                total.total(),
                recovered_in,
                run.started_at,
                run.finished_at,
                await last_readings(stack),
            )
    finally:
        await stack.stop()


def in_thread[T](main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine on an event loop of its own (Home Assistant's tests own this one)."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(main()))
        except BaseException as err:  # noqa: BLE001 (raised in the test)
            error.append(err)

    thread = threading.Thread(target=target, name="faults", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@pytest.fixture(scope="module")
def fault_free(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    """The burst without a fault: what every request must end with."""
    # Before any test's `socket_enabled`: a module's fixtures come first.
    pytest_socket.enable_socket()
    outcome = in_thread(
        lambda: play(tmp_path_factory.mktemp("fault-free"), no_fault, None, 60)
    )
    assert not outcome.lost, outcome.lost
    assert len(outcome.facts) == len(ROUNDS) * 2
    assert {held["state"] for held in outcome.facts.values()} == {"available"}
    return outcome


@pytest.mark.parametrize(
    "fault", [killed, stopped, radarr_cut_off], ids=lambda fault: fault.__name__
)
def test_nothing_lost(
    socket_enabled: None, fault_free: Outcome, tmp_path: Path, fault: Fault
) -> None:
    limit = RECOVERY_LIMIT[fault.__name__]
    outcome = in_thread(
        lambda: play(tmp_path / "config", fault, fault_free.facts, limit)
    )
    context = (
        f"seed {SEED}, {len(outcome.lost)} of {outcome.total} webhooks lost "
        f"{outcome.lost}; burst {outcome.started_at.time()}-"
        f"{outcome.finished_at.time()}; last readings {outcome.readings}"
    )
    # The fault cost webhooks: what the requests hold came from the services.
    assert outcome.lost, context
    missing = differences(outcome.facts, fault_free.facts)
    assert not missing, context
    _LOGGER.info(
        "%s: %s; recovered in %.1f s", fault.__name__, context, outcome.recovered_in
    )
    # Each fact is dated when it happened, within the burst, not when it was
    # recovered (whole seconds in Sonarr's and Radarr's history).
    earliest = outcome.started_at - timedelta(seconds=1)
    latest = outcome.finished_at + timedelta(seconds=1)
    for request_id, held in outcome.facts.items():
        for at, kind, source in held["times"]:
            assert earliest <= datetime.fromisoformat(at) <= latest, (
                request_id,
                at,
                kind,
                source,
                context,
            )
