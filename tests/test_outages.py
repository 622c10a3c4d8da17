"""Outages: each upstream service down and back while a request is in flight.

Every test takes one service down (connection refused, a timeout, or the HTTP
502 of a reverse proxy in front of it), lets more than half an hour of failing
cycles pass, then brings it back. What a user must notice, and nothing more:

- the service's connectivity sensor goes off at the first failed cycle and on
  again at the first good one;
- the request keeps everything it had (in memory and in the store);
- a repair appears after its threshold, not before, and goes by itself;
- the log has one line for the loss and one for the recovery, however many
  cycles failed;
- nothing reloads: same config entry state, same hub;
- webhooks of the other services are still processed during the outage, and
  the request then finishes (polling catches up).

The HTTP services are answered by `FakeStack`, one aioclient_mock handler that
can fail a whole host. Shoko is tests/shoko_server.py, a real server the real
pysignalr client connects to: it is stopped and started again on the same port.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator, Callable
import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import errno
import logging
import re
from typing import Any
from unittest.mock import patch

from aiohttp import ClientOSError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.helpers.event import (
    EventStateChangedData,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.runtime import HubRuntime
from custom_components.status_tracker.store import PROGRESS_SAVE_INTERVAL

from .conftest import (
    ENTRY_ID,
    HEALTH_ANSWERS,
    URLS,
    PostWebhook,
    hub_config_entry,
    subentry_data,
)
from .flows import (
    MOVIE_HASH,
    SHOW_HASH,
    anime_episode_list,
    anime_tv_flow,
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
    tv_flow,
)
from .shoko_server import (
    IMPORT_FOLDERS,
    SHOKO_SUBENTRY_ID,
    WAIT_TIMEOUT,
    ShokoServer,
    shoko_server,  # noqa: F401 (registers the fixture)
)
from .test_qbittorrent import QBT_URL, qbittorrent_subentry

SHOKO_ID = SHOKO_SUBENTRY_ID
TITLES = {
    "seerr": "Seerr (seerr.local)",
    "sonarr": "Sonarr",
    "radarr": "Radarr",
    "jellyfin": "jellyfin",
    "qbittorrent": "qBittorrent (qbittorrent.local:8080)",
    "shoko": "Shoko (127.0.0.1)",
}
SUBENTRY_IDS = {service: f"{service}_subentry" for service in TITLES}
BASE_URLS = {**URLS, "qbittorrent": QBT_URL}
HOSTS = {URL(url).host: service for service, url in BASE_URLS.items()} | {
    "127.0.0.1": "shoko"
}
# What each service's coordinator calls every cycle.
POLLED = {service: path for service, (path, _) in HEALTH_ANSWERS.items()} | {
    "qbittorrent": "/api/v2/sync/maindata"
}
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
ANIME_SENSOR = "sensor.media_stack_example_anime_s1"
OUR_LOGGER = "custom_components.status_tracker"
UNREACHABLE_REPAIR_AFTER = timedelta(minutes=30)
SHOKO_HUB_REPAIR_AFTER = timedelta(minutes=15)

# qBittorrent's fields of a torrent that finished and is seeding.
COMPLETE = {
    "progress": 1.0,
    "state": "stalledUP",
    "amount_left": 0,
    "dlspeed": 0,
    "eta": 8640000,
}


class Failure(StrEnum):
    """How a service is down, as Home Assistant's HTTP session sees it."""

    REFUSED = "connection refused"
    TIMEOUT = "timeout"
    BAD_GATEWAY = "HTTP 502 from a reverse proxy"


# ---------------------------------------------------------------- the fakes


class QBittorrentServer:
    """qBittorrent's WebUI: sessions, and sync/maindata with real rid semantics.

    An answer is a delta against the previous one of the session when the client
    sends that answer's rid, else a full update. A restart forgets the session
    (the next call gets 403, as after a real restart) and the sync state.
    """

    def __init__(self) -> None:
        full = load_fixture("qbittorrent/sync_maindata_full.json")
        self.torrents: dict[str, dict[str, Any]] = full.pop("torrents")
        self._static = {
            k: v for k, v in full.items() if k not in ("rid", "full_update")
        }
        self.answers: list[str] = []  # "full" or "delta", per maindata answer
        self.logins = 0
        self.restart()

    def restart(self) -> None:
        """Forget the WebUI session and the sync state."""
        self._session = False
        self._rid = 0
        self._sent: dict[str, dict[str, Any]] | None = None

    def set(self, torrent_hash: str, **fields: Any) -> None:
        """Change a torrent (what the next answer reports)."""
        self.torrents[torrent_hash].update(fields)

    def login(self, method: str, url: URL) -> AiohttpClientMockResponse:
        self.logins += 1
        self._session = True
        return AiohttpClientMockResponse(
            method,
            url,
            text="Ok.",
            headers={"Set-Cookie": "SID=sid; HttpOnly; path=/"},
        )

    def maindata(self, method: str, url: URL) -> AiohttpClientMockResponse:
        if not self._session:
            return AiohttpClientMockResponse(method, url, status=403, text="Forbidden")
        body: dict[str, Any]
        if self._sent is None or int(url.query["rid"]) != self._rid:
            body = {
                "full_update": True,
                "torrents": copy.deepcopy(self.torrents),
                **copy.deepcopy(self._static),
            }
            self.answers.append("full")
        else:
            sent = self._sent
            changed = {
                torrent_hash: {
                    key: value
                    for key, value in fields.items()
                    if sent.get(torrent_hash, {}).get(key) != value
                }
                for torrent_hash, fields in self.torrents.items()
            }
            body = {"torrents": {h: c for h, c in changed.items() if c}}
            self.answers.append("delta")
        self._rid += 1
        body["rid"] = self._rid
        self._sent = copy.deepcopy(self.torrents)
        return AiohttpClientMockResponse(method, url, json=body)


class FakeStack:
    """Answers every HTTP call of the integration; any service can be taken down."""

    def __init__(self, aioclient_mock: AiohttpClientMocker) -> None:
        self.down: dict[str, Failure] = {}
        # Calls a down service failed, per service.
        self.failed: Counter[str] = Counter()
        self.unexpected: list[str] = []
        # History reads (reconciliation), per service.
        self.history_reads: Counter[str] = Counter()
        # Jellyfin's newest items (the availability fallback reads them).
        self.library: list[dict[str, Any]] = []
        # Jellyfin's answer to a series lookup by id.
        self.series_items: dict[str, Any] = jellyfin_series_items()
        self.qbittorrent = QBittorrentServer()
        for method in ("get", "post"):
            aioclient_mock.request(method, re.compile("."), side_effect=self._answer)

    async def _answer(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        service = HOSTS[url.host or ""]
        if (failure := self.down.get(service)) is not None:
            self.failed[service] += 1
            if failure is Failure.REFUSED:
                raise ClientOSError(
                    errno.ECONNREFUSED,
                    f"Connect call failed ('{url.host}', {url.port})",
                )
            if failure is Failure.TIMEOUT:
                raise TimeoutError
            return AiohttpClientMockResponse(
                method, url, status=502, text="Bad Gateway"
            )
        route = (service, method.upper(), url.path)
        if route == ("qbittorrent", "POST", "/api/v2/auth/login"):
            return self.qbittorrent.login(method, url)
        if route == ("qbittorrent", "GET", "/api/v2/sync/maindata"):
            return self.qbittorrent.maindata(method, url)
        answer = self._json(route, url)
        if answer is None:
            self.unexpected.append(f"{method.upper()} {url}")
            return AiohttpClientMockResponse(method, url, status=404)
        return AiohttpClientMockResponse(method, url, json=answer)

    def _json(self, route: tuple[str, str, str], url: URL) -> Any:
        service, method, path = route
        health_path, health = HEALTH_ANSWERS.get(service, ("", None))
        if method == "GET" and path == health_path:
            return health
        match route:
            case ("radarr", "GET", "/api/v3/movie"):
                return []  # a new request's media is not in the *arr yet
            case ("sonarr", "GET", "/api/v3/series"):
                return []
            case ("sonarr", "GET", "/api/v3/episode"):
                series = url.query.get("seriesId")
                return sonarr_episode_list() if series == "7" else anime_episode_list()
            case ("jellyfin", "GET", "/Items") if "SortBy" in url.query:
                items = copy.deepcopy(self.library)
                return {"Items": items, "TotalRecordCount": len(items), "StartIndex": 0}
            case ("jellyfin", "GET", "/Items"):
                return copy.deepcopy(self.series_items)
            case ("seerr", "GET", "/api/v1/request") if "sort" in url.query:
                self.history_reads[service] += 1
                return {"pageInfo": {"pages": 0, "results": 0}, "results": []}
            case ("sonarr" | "radarr", "GET", "/api/v3/history"):
                self.history_reads[service] += 1
                return {"page": 1, "pageSize": 250, "totalRecords": 0, "records": []}
            case ("shoko", "GET", "/api/v3/ImportFolder"):
                return IMPORT_FOLDERS
            case ("shoko", "GET", "/api/v3/File/PathEndsWith"):
                return []  # the catch-up's lookup: not matched yet
        return None


# ----------------------------------------------------------------- fixtures


@pytest.fixture
def stack(aioclient_mock: AiohttpClientMocker) -> FakeStack:
    """Return the fake media stack, every service up."""
    return FakeStack(aioclient_mock)


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture the integration's INFO lines too (the recoveries)."""
    caplog.set_level(logging.INFO, logger=OUR_LOGGER)
    return caplog


def _entry(*subentries: dict[str, Any]) -> MockConfigEntry:
    return hub_config_entry(
        [
            *(subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")),
            *subentries,
        ]
    )


@pytest.fixture
async def entry(hass: HomeAssistant, stack: FakeStack) -> MockConfigEntry:
    """Set up a hub with Seerr, Sonarr, Radarr, Jellyfin and qBittorrent."""
    entry = _entry(qbittorrent_subentry())
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


# ------------------------------------------------------------------ helpers


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: float
) -> None:
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def _entity_id(hass: HomeAssistant, service: str, key: str = "reachable") -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        "binary_sensor", DOMAIN, f"{SUBENTRY_IDS[service]}_{key}"
    )
    assert entity_id is not None
    return entity_id


def _our_lines(caplog: pytest.LogCaptureFixture, start: int) -> list[str]:
    """Return the integration's INFO-and-above log lines since record `start`."""
    return [
        f"{record.levelname} {record.getMessage()}"
        for record in caplog.records[start:]
        if record.name.startswith(OUR_LOGGER) and record.levelno >= logging.INFO
    ]


def _request(hub: HubRuntime, title: str) -> dict[str, Any]:
    """Return a request as the tracker holds it (a deep copy)."""
    request = next(r for r in hub.tracker.requests.values() if r.title == title)
    return copy.deepcopy(request.to_dict())


def _stored(hass_storage: dict[str, Any], request_id: str) -> dict[str, Any]:
    requests = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]["data"]["requests"]
    stored: dict[str, Any] = next(r for r in requests if r["id"] == request_id)
    return stored


@dataclass
class Outage:
    """Takes one HTTP service down and back and checks what a user notices."""

    hass: HomeAssistant
    freezer: FrozenDateTimeFactory
    stack: FakeStack
    caplog: pytest.LogCaptureFixture
    hass_storage: dict[str, Any]
    entry: MockConfigEntry
    service: str
    failure: Failure

    def __post_init__(self) -> None:
        self.hub: HubRuntime = self.entry.runtime_data
        self.subentry_id = SUBENTRY_IDS[self.service]
        self.coordinator = self.hub.coordinators[self.subentry_id]
        self.title = TITLES[self.service]
        self.sensor = _entity_id(self.hass, self.service)
        self.issue_id = f"unreachable_{self.subentry_id}"
        self.issues = ir.async_get(self.hass)
        self.log_start = 0
        self.lost = ""

    async def begin(self) -> None:
        """Take the service down; the next cycle fails and the sensor goes off."""
        assert self.hass.states.get(self.sensor).state == STATE_ON
        self.log_start = len(self.caplog.records)
        self.stack.down[self.service] = self.failure
        await _tick(self.hass, self.freezer, minutes=1)
        assert self.hass.states.get(self.sensor).state == STATE_OFF
        assert self.subentry_id in self.hub.unreachable_since

    async def last(self, title: str) -> None:
        """Let the outage last past the repair's threshold; nothing may be lost.

        `title` names the request in flight: from here to the end of the outage
        it must not change at all, in memory or in the store.
        """
        # Download figures alone are written at most every PROGRESS_SAVE_INTERVAL.
        for _ in range(PROGRESS_SAVE_INTERVAL // 60 + 1):
            await _tick(self.hass, self.freezer, minutes=1)
        request = _request(self.hub, title)
        since = self.hub.unreachable_since[self.subentry_id]
        stored = _stored(self.hass_storage, request["id"])
        assert stored["state"] == request["state"]
        while (
            dt_util.utcnow() + timedelta(minutes=1) < since + UNREACHABLE_REPAIR_AFTER
        ):
            await _tick(self.hass, self.freezer, minutes=1)
        # Down for 29 minutes: only the sensor says so.
        assert self.issues.async_get_issue(DOMAIN, self.issue_id) is None
        await _tick(self.hass, self.freezer, minutes=1)
        await _tick(self.hass, self.freezer, minutes=1)
        issue = self.issues.async_get_issue(DOMAIN, self.issue_id)
        assert issue is not None
        assert issue.translation_key == "service_unreachable"
        assert issue.translation_placeholders == {"title": self.title}

        assert self.hass.states.get(self.sensor).state == STATE_OFF
        assert _request(self.hub, title) == request
        assert _stored(self.hass_storage, request["id"]) == stored
        # Over 30 failed cycles, one line.
        assert self.stack.failed[self.service] > 30
        self.lost = f"ERROR Error fetching {self.title} data: {self._error()}"
        assert _our_lines(self.caplog, self.log_start) == [self.lost]

    def _error(self) -> str:
        """Return the loss line's reason: service, host, call and what failed."""
        url = URL(BASE_URLS[self.service])
        detail = {
            Failure.REFUSED: "failed: [Errno 111] Connect call failed "
            f"('{url.host}', {url.port})",
            Failure.TIMEOUT: "timed out",
            Failure.BAD_GATEWAY: "answered HTTP 502",
        }[self.failure]
        name = type(self.hub.instances[self.subentry_id].client).service_name
        return f"{name} at {url.raw_authority}: GET {POLLED[self.service]} {detail}"

    async def end(self) -> None:
        """Bring the service back: sensor on, repair gone, one line, no reload."""
        recovered_at = len(self.caplog.records)
        history_reads = self.stack.history_reads[self.service]
        del self.stack.down[self.service]
        await _tick(self.hass, self.freezer, minutes=1)
        # What it sent meanwhile is read back from its history (Jellyfin's is
        # its newest items, which it is polled for anyway).
        if self.service in ("seerr", "sonarr", "radarr"):
            assert self.stack.history_reads[self.service] == history_reads + 1
        assert self.hass.states.get(self.sensor).state == STATE_ON
        assert self.issues.async_get_issue(DOMAIN, self.issue_id) is None
        assert self.subentry_id not in self.hub.unreachable_since
        recovered = f"INFO Fetching {self.title} data recovered"
        assert _our_lines(self.caplog, recovered_at) == [recovered]
        assert _our_lines(self.caplog, self.log_start) == [self.lost, recovered]
        # No reload: the same hub and pollers carry on.
        assert self.entry.state is ConfigEntryState.LOADED
        assert self.entry.runtime_data is self.hub
        assert self.hub.coordinators[self.subentry_id] is self.coordinator
        assert not self.stack.unexpected


@pytest.fixture
def outage(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    logs: pytest.LogCaptureFixture,
    hass_storage: dict[str, Any],
    entry: MockConfigEntry,
) -> Callable[[str, Failure], Outage]:
    """Return a factory of outages of the hub's services."""

    def make(service: str, failure: Failure) -> Outage:
        return Outage(hass, freezer, stack, logs, hass_storage, entry, service, failure)

    return make


type MakeOutage = Callable[[str, Failure], Outage]


async def _movie_downloading(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
) -> None:
    """Request, approve and grab the movie; qBittorrent reports it at 51 %."""
    for step in movie_flow()[:4]:
        assert (await post_webhook(*step)).status == 200
    stack.qbittorrent.set(MOVIE_HASH, progress=0.5123, dlspeed=6291456, eta=637)
    await _tick(hass, freezer, minutes=1)
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 51.2


# -------------------------------------------------------------------- tests


@pytest.mark.parametrize("failure", list(Failure))
async def test_qbittorrent_down_during_a_download(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
    outage: MakeOutage,
    failure: Failure,
) -> None:
    """The download finished while qBittorrent was away: the next poll shows it.

    Meanwhile the progress stays and the speed and ETA are unknown. Refused
    connections: qBittorrent was restarted, so its session is gone and the poll
    logs in again. Either way the first answer after the outage is a full one:
    a delta would not repeat the figures that did not change meanwhile.
    """
    restarted = failure is Failure.REFUSED
    await _movie_downloading(hass, freezer, stack, post_webhook)
    qbittorrent = outage("qbittorrent", failure)
    await qbittorrent.begin()
    await qbittorrent.last("Example Movie")
    # The progress stays; the live figures are unknown, not the last ones.
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 51.2
    assert state.attributes["download_speed"] is None
    assert state.attributes["eta"] is None

    if restarted:
        stack.qbittorrent.restart()
    stack.qbittorrent.set(MOVIE_HASH, **COMPLETE)
    logins = stack.qbittorrent.logins
    await qbittorrent.end()
    assert stack.qbittorrent.logins == logins + restarted
    assert stack.qbittorrent.answers[-1] == "full"
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloaded"
    assert state.attributes["progress"] == 100.0

    for step in movie_flow()[4:6]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(MOVIE_SENSOR).state == "available"


async def test_jellyfin_down_while_the_movie_is_imported(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
    outage: MakeOutage,
) -> None:
    """Its webhook lost, Jellyfin back: the availability check finds the movie."""
    await _movie_downloading(hass, freezer, stack, post_webhook)
    jellyfin = outage("jellyfin", Failure.TIMEOUT)
    await jellyfin.begin()
    # The download ends and Radarr imports it while Jellyfin is away.
    stack.qbittorrent.set(MOVIE_HASH, **COMPLETE)
    await _tick(hass, freezer, seconds=5)
    assert (await post_webhook(*movie_flow()[4])).status == 200
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    await jellyfin.last("Example Movie")
    assert hass.states.get(MOVIE_SENSOR).state == "importing"

    # Jellyfin added the movie while it could not tell anyone.
    stack.library = load_fixture("jellyfin/api_items_recent.json")["Items"]
    await jellyfin.end()
    await _tick(hass, freezer, seconds=30)
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "available"
    assert state.attributes["jellyfin_url"] is not None


async def test_seerr_down_does_not_hold_up_the_request(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
    outage: MakeOutage,
) -> None:
    """Seerr away: Radarr, qBittorrent and Jellyfin still finish the request."""
    await _movie_downloading(hass, freezer, stack, post_webhook)
    seerr = outage("seerr", Failure.BAD_GATEWAY)
    await seerr.begin()
    stack.qbittorrent.set(MOVIE_HASH, **COMPLETE)
    await _tick(hass, freezer, seconds=5)
    for step in movie_flow()[4:6]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    await seerr.last("Example Movie")

    await seerr.end()
    # Seerr's own notification comes late: recorded, nothing goes back.
    before = _request(seerr.hub, "Example Movie")
    assert (await post_webhook(*movie_flow()[6])).status == 200
    after = _request(seerr.hub, "Example Movie")
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert after["finished_at"] == before["finished_at"]
    assert after["timeline"][: len(before["timeline"])] == before["timeline"]


async def test_radarr_down_while_downloading(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
    outage: MakeOutage,
) -> None:
    """qBittorrent's progress is followed meanwhile; Radarr back, it imports."""
    await _movie_downloading(hass, freezer, stack, post_webhook)
    radarr = outage("radarr", Failure.REFUSED)
    await radarr.begin()
    stack.qbittorrent.set(MOVIE_HASH, progress=0.75, eta=300)
    await _tick(hass, freezer, seconds=5)
    assert hass.states.get(MOVIE_SENSOR).attributes["progress"] == 75.0
    await radarr.last("Example Movie")

    await radarr.end()
    stack.qbittorrent.set(MOVIE_HASH, **COMPLETE)
    await _tick(hass, freezer, seconds=5)
    assert hass.states.get(MOVIE_SENSOR).state == "downloaded"
    for step in movie_flow()[4:6]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(MOVIE_SENSOR).state == "available"


async def test_sonarr_down_while_a_season_downloads(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    stack: FakeStack,
    post_webhook: PostWebhook,
    outage: MakeOutage,
) -> None:
    """The season keeps its episodes; Sonarr back, every episode gets there."""
    flow = tv_flow()
    for step in flow[:4]:
        assert (await post_webhook(*step)).status == 200
    stack.qbittorrent.set(SHOW_HASH, progress=0.5, state="downloading", dlspeed=1048576)
    await _tick(hass, freezer, minutes=1)
    assert hass.states.get(SHOW_SENSOR).state == "downloading"
    sonarr = outage("sonarr", Failure.TIMEOUT)
    await sonarr.begin()
    await sonarr.last("Example Show")
    assert hass.states.get(SHOW_SENSOR).attributes["episodes_total"] == 3

    await sonarr.end()
    stack.qbittorrent.set(SHOW_HASH, **COMPLETE)
    await _tick(hass, freezer, seconds=5)
    for step in flow[4:-1]:
        assert (await post_webhook(*step)).status == 200
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"


# -------------------------------------------------------------------- Shoko


@pytest.fixture
async def anime_entry(
    hass: HomeAssistant,
    stack: FakeStack,
    shoko_server: ShokoServer,  # noqa: F811
) -> AsyncGenerator[MockConfigEntry]:
    """Set up a hub with Seerr, Sonarr, Radarr, Jellyfin and the fake Shoko."""
    # Jellyfin does not know the anime series by id: Shokofin ids match instead.
    stack.series_items = {"Items": [], "TotalRecordCount": 0}
    entry = _entry(shoko_server.subentry())
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await shoko_server.wait_connected()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def _until(
    hass: HomeAssistant, entity_id: str, check: Callable[[], bool]
) -> None:
    """Wait (bounded) until `check()` holds, re-checked on each state change."""
    changed = asyncio.Event()

    @callback
    def state_changed(event: Event[EventStateChangedData]) -> None:
        changed.set()

    unsubscribe = async_track_state_change_event(hass, entity_id, state_changed)
    try:
        async with asyncio.timeout(WAIT_TIMEOUT):
            while not check():
                changed.clear()
                await changed.wait()
    finally:
        unsubscribe()


async def _at(hass: HomeAssistant, when: datetime) -> None:
    """Run every timer due by `when`, with Home Assistant's clock at `when`.

    Not freezer: the real sockets of the Shoko connection need the real clock.
    """
    with patch("homeassistant.util.dt.utcnow", return_value=when):
        async_fire_time_changed(hass, when)
        await hass.async_block_till_done()


async def test_shoko_restarts_while_episodes_are_imported(
    hass: HomeAssistant,
    anime_entry: MockConfigEntry,
    shoko_server: ShokoServer,  # noqa: F811
    stack: FakeStack,
    post_webhook: PostWebhook,
    logs: pytest.LogCaptureFixture,
) -> None:
    """Shoko stops (REST and event hub); back, it matches what was imported."""
    hub: HubRuntime = anime_entry.runtime_data
    connection = hub.shoko_streams[SHOKO_ID]
    reachable = _entity_id(hass, "shoko")
    event_hub = _entity_id(hass, "shoko", "event_hub")
    issues = ir.async_get(hass)
    hub_issue = f"shoko_hub_down_{SHOKO_ID}"
    unreachable_issue = f"unreachable_{SHOKO_ID}"
    flow = anime_tv_flow()
    for step in flow[:2]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(ANIME_SENSOR).state == "grabbed"
    assert hass.states.get(reachable).state == STATE_ON
    assert hass.states.get(event_hub).state == STATE_ON

    # Shoko stops: the event hub closes and nothing answers on its port any more.
    start = len(logs.records)
    port = URL(shoko_server.url).port
    assert port is not None
    stack.down["shoko"] = Failure.REFUSED
    await shoko_server.close()
    await _until(hass, event_hub, lambda: not connection.connected)
    assert hass.states.get(event_hub).state == STATE_OFF
    down_at = connection.disconnected_since
    assert down_at is not None
    await _at(hass, down_at + timedelta(minutes=1))
    assert hass.states.get(reachable).state == STATE_OFF

    # Sonarr imports both episodes meanwhile.
    for step in flow[2:4]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(ANIME_SENSOR).state == "importing"
    request = _request(hub, "Example Anime")

    for minutes, hub_repair, unreachable_repair in (
        (14, False, False),
        (16, True, False),
        (30, True, False),  # the REST check failed first at minute 1
        (32, True, True),
    ):
        await _at(hass, down_at + timedelta(minutes=minutes))
        assert (issues.async_get_issue(DOMAIN, hub_issue) is not None) is hub_repair
        assert (
            issues.async_get_issue(DOMAIN, unreachable_issue) is not None
        ) is unreachable_repair
    assert _request(hub, "Example Anime") == request
    assert stack.failed["shoko"] >= 4
    # One line for the REST API, one for the event hub; retries are DEBUG.
    lines = _our_lines(logs, start)
    assert len(lines) == 2, lines
    lost, failed = lines
    assert lost.startswith(
        "WARNING Lost the connection to the Shoko hub at "
        f"{shoko_server.url}/signalr/aggregate (connection closed: "
    )
    assert lost.endswith("); reconnecting in the background")
    assert failed == (
        f"ERROR Error fetching {TITLES['shoko']} data: Shoko at 127.0.0.1:{port}: "
        f"GET /api/v3/ImportFolder failed: [Errno 111] Connect call failed "
        f"('127.0.0.1', {port})"
    )

    # pysignalr adds one WARNING of its own per lost connection; its retries
    # log at INFO (hidden by default), refused negotiations no warning.
    (third_party,) = [
        record.getMessage()
        for record in logs.records[start:]
        if record.name.startswith(("pysignalr", "websockets"))
        and record.levelno >= logging.WARNING
    ]
    assert third_party.startswith("Connection closed: ")

    # Shoko is back on its port; the next retry reconnects on its own.
    back = len(logs.records)
    await shoko_server.start(port)
    del stack.down["shoko"]
    await _at(hass, down_at + timedelta(minutes=33))
    await _until(hass, event_hub, lambda: connection.connected)
    await hass.async_block_till_done()
    assert hass.states.get(event_hub).state == STATE_ON
    assert hass.states.get(reachable).state == STATE_ON
    assert issues.async_get_issue(DOMAIN, hub_issue) is None
    assert issues.async_get_issue(DOMAIN, unreachable_issue) is None
    assert sorted(_our_lines(logs, back)) == [
        f"INFO Fetching {TITLES['shoko']} data recovered",
        f"INFO Shoko hub at {shoko_server.url}/signalr/aggregate is reachable again",
    ]
    assert anime_entry.state is ConfigEntryState.LOADED
    assert anime_entry.runtime_data is hub
    assert hub.shoko_streams[SHOKO_ID] is connection

    # Back up, Shoko finds the imported files and matches them.
    await shoko_server.send_records(*(body for _, body in flow[4:10]))
    await _until(
        hass, ANIME_SENSOR, lambda: hass.states.get(ANIME_SENSOR).state == "matching"
    )
    for step in flow[10:]:
        assert (await post_webhook(*step)).status == 200
    assert hass.states.get(ANIME_SENSOR).state == "available"
    assert not stack.unexpected
