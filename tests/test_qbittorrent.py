"""qBittorrent polling through the hub: progress, adaptive interval, sessions, bans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_state_change_event
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
from custom_components.status_tracker.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.status_tracker.store import PROGRESS_SAVE_INTERVAL, SAVE_DELAY

from .conftest import PostWebhook, mock_health, mock_recent_items, subentry_data
from .flows import MOVIE_HASH, load_fixture, movie_flow

QBT_URL = "http://qbittorrent.local:8080"
QBT_ID = "qbittorrent_subentry"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
QBT_REACHABLE = "binary_sensor.qbittorrent_qbittorrent_local_8080_reachable"
EVENT_ENTITY = "event.media_stack_stage_change"

Answer = Callable[[int], dict[str, Any]]


def qbittorrent_subentry() -> dict[str, Any]:
    """Return the stored subentry of a qBittorrent client."""
    return {
        "data": {
            "url": QBT_URL,
            "username": "admin",
            "password": "correct horse battery staple",
            "verify_ssl": True,
        },
        "subentry_id": QBT_ID,
        "subentry_type": "qbittorrent",
        "title": "qBittorrent (qbittorrent.local:8080)",
        "unique_id": QBT_URL,
    }


@pytest.fixture
def services() -> tuple[str, ...]:
    """Seerr and Radarr send webhooks; qBittorrent is added by the entry fixture."""
    return ("seerr", "radarr")


@pytest.fixture
def hub_entry(mock_config_entry: MockConfigEntry) -> MockConfigEntry:
    """Return the hub with a qBittorrent client added."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=mock_config_entry.entry_id,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options=dict(mock_config_entry.options),
        subentries_data=[
            subentry_data("seerr"),
            subentry_data("radarr"),
            qbittorrent_subentry(),
        ],
    )


class FakeQBittorrent:
    """Answers of a qBittorrent 4.x WebUI, driven by the test."""

    def __init__(self, aioclient_mock: AiohttpClientMocker) -> None:
        self.mock = aioclient_mock
        self.login_status = 200
        self.login_body = "Ok."
        self.session = "sid1"
        self.answers: list[dict[str, Any]] = []
        self.maindata_rids: list[str] = []
        self.expire_next = False
        aioclient_mock.post(f"{QBT_URL}/api/v2/auth/login", side_effect=self._login)
        aioclient_mock.get(f"{QBT_URL}/api/v2/app/version", text="v4.5.2")
        aioclient_mock.get(f"{QBT_URL}/api/v2/app/webapiVersion", text="2.8.19")
        aioclient_mock.get(
            f"{QBT_URL}/api/v2/sync/maindata", side_effect=self._maindata
        )

    async def _login(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        headers = {}
        if self.login_status == 200 and self.login_body == "Ok.":
            headers["Set-Cookie"] = f"SID={self.session}; HttpOnly; path=/"
        return AiohttpClientMockResponse(
            method, url, status=self.login_status, text=self.login_body, headers=headers
        )

    async def _maindata(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        self.maindata_rids.append(url.query["rid"])
        if self.expire_next:
            self.expire_next = False
            self.session = "sid2"
            return AiohttpClientMockResponse(method, url, status=403, text="Forbidden")
        answer = self.answers.pop(0) if self.answers else {"rid": 99}
        return AiohttpClientMockResponse(method, url, json=answer)

    def calls(self, path: str) -> int:
        return sum(1 for _, url, _, _ in self.mock.mock_calls if path in str(url))


@pytest.fixture
def qbittorrent(aioclient_mock: AiohttpClientMocker) -> FakeQBittorrent:
    """Return the fake qBittorrent, with the other services healthy."""
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    return FakeQBittorrent(aioclient_mock)


def full_answer() -> dict[str, Any]:
    return load_fixture("qbittorrent/sync_maindata_full.json")


def delta(rid: int, **changes: Any) -> dict[str, Any]:
    return {"rid": rid, "torrents": {MOVIE_HASH: changes}}


async def _tick(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float
) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_progress_reaches_downloaded_without_an_import(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    qbittorrent: FakeQBittorrent,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Progress moves on the sensor, the poll speeds up, and `downloaded` fires."""
    fired: list[str] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(event.data["new_state"].attributes["event_type"])

    qbittorrent.answers = [full_answer()]
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(QBT_REACHABLE).state == STATE_ON
    assert qbittorrent.maindata_rids == ["0"]

    for step in movie_flow()[:4]:
        await post_webhook(*step)
    async_track_state_change_event(hass, EVENT_ENTITY, collect)
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"

    # Nothing tracked was downloading: the next poll comes after the slow interval.
    qbittorrent.answers = [load_fixture("qbittorrent/sync_maindata_delta.json")]
    await _tick(hass, freezer, 30)
    assert qbittorrent.maindata_rids == ["0"]
    await _tick(hass, freezer, 31)
    assert qbittorrent.maindata_rids == ["0", "1"]
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "downloading"
    assert state.attributes["progress"] == 51.2
    assert state.attributes["download_speed"] == 6291456
    assert state.attributes["eta"] == 637

    # Now polled every 5 seconds; each cycle is one HTTP call.
    calls = len(qbittorrent.mock.mock_calls)
    qbittorrent.answers = [delta(3, progress=0.75, eta=8640000)]
    await _tick(hass, freezer, 5)
    assert qbittorrent.maindata_rids == ["0", "1", "2"]
    assert len(qbittorrent.mock.mock_calls) == calls + 1
    state = hass.states.get(MOVIE_SENSOR)
    assert state.attributes["progress"] == 75.0
    assert state.attributes["eta"] is None  # 8640000 means unknown

    qbittorrent.answers = [
        delta(4, progress=1.0, state="stalledUP", amount_left=0, dlspeed=0, eta=8640000)
    ]
    await _tick(hass, freezer, 5)
    assert hass.states.get(MOVIE_SENSOR).state == "downloaded"
    # Progress ticks fired nothing; the stage changes did.
    assert fired == ["downloading", "downloaded"]

    # Nothing downloads any more: back to the slow interval.
    await _tick(hass, freezer, 5)
    assert qbittorrent.maindata_rids == ["0", "1", "2", "3"]
    await _tick(hass, freezer, 60)
    assert qbittorrent.maindata_rids == ["0", "1", "2", "3", "4"]


async def test_expired_session_logs_in_again(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    qbittorrent: FakeQBittorrent,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A 403 on the poll means the session expired: one new login, then on."""
    qbittorrent.answers = [full_answer()]
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()
    assert qbittorrent.calls("auth/login") == 1

    qbittorrent.expire_next = True
    qbittorrent.answers = [full_answer()]
    await _tick(hass, freezer, 61)
    assert qbittorrent.calls("auth/login") == 2
    assert hass.states.get(QBT_REACHABLE).state == STATE_ON
    # The new session starts from a full answer again.
    assert qbittorrent.maindata_rids[-1] in ("0", "1")


@pytest.mark.parametrize(
    ("status", "body", "issue"),
    [(403, "Forbidden", "banned"), (200, "Fails.", "auth_failed")],
)
async def test_refused_login_stops_polling(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    qbittorrent: FakeQBittorrent,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    status: int,
    body: str,
    issue: str,
) -> None:
    """A refused login is tried once: repair, reauth, no more attempts, one log line."""
    qbittorrent.login_status = status
    qbittorrent.login_body = body
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(QBT_REACHABLE).state == STATE_OFF
    repair = ir.async_get(hass).async_get_issue(DOMAIN, f"credentials_{QBT_ID}")
    assert repair is not None
    assert repair.translation_key == issue
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == [SOURCE_REAUTH]

    for _ in range(5):
        await _tick(hass, freezer, 61)
    assert qbittorrent.calls("auth/login") == 1
    lines = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert len([r for r in lines if "qBittorrent" in r.getMessage()]) == 1
    assert "correct horse" not in caplog.text


async def test_unexpected_answer_starts_over_with_a_full_update(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    qbittorrent: FakeQBittorrent,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A malformed answer marks the client unreachable and asks for rid 0 next."""
    qbittorrent.answers = [full_answer(), {"rid": "two", "torrents": []}]
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()
    await _tick(hass, freezer, 61)
    assert hass.states.get(QBT_REACHABLE).state == STATE_OFF
    qbittorrent.answers = [full_answer()]
    await _tick(hass, freezer, 61)
    assert qbittorrent.maindata_rids == ["0", "1", "0"]
    assert hass.states.get(QBT_REACHABLE).state == STATE_ON


async def test_changing_progress_is_written_every_interval(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    qbittorrent: FakeQBittorrent,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Progress polled every 5 s reaches the store every PROGRESS_SAVE_INTERVAL.

    Later changes do not push the write back, so a hard kill loses at most an
    interval of progress.
    """
    qbittorrent.answers = [full_answer()]
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()
    for step in movie_flow()[:4]:
        await post_webhook(*step)
    qbittorrent.answers = [load_fixture("qbittorrent/sync_maindata_delta.json")]
    await _tick(hass, freezer, 61)
    await _tick(hass, freezer, SAVE_DELAY + 1)

    def stored_progress() -> float:
        (request,) = hass_storage[f"{DOMAIN}.{hub_entry.entry_id}"]["data"]["requests"]
        return float(request["downloads"][MOVIE_HASH]["progress"])

    assert stored_progress() == 0.5123
    # Poll every 5 s, the progress rising each time; note when the store sees it.
    writes: list[int] = []
    last = stored_progress()
    for poll in range(1, 2 * PROGRESS_SAVE_INTERVAL // 5 + 6):
        qbittorrent.answers = [delta(2 + poll, progress=0.52 + poll / 1000)]
        await _tick(hass, freezer, 5)
        if stored_progress() != last:
            last = stored_progress()
            writes.append(poll * 5)
    # Two writes, each at most an interval (and one poll) after the change
    # before it, not one per poll.
    assert len(writes) == 2, writes
    assert writes[0] <= PROGRESS_SAVE_INTERVAL + 10
    assert writes[1] - writes[0] <= PROGRESS_SAVE_INTERVAL + 10


async def test_diagnostics_show_the_session(
    hass: HomeAssistant, hub_entry: MockConfigEntry, qbittorrent: FakeQBittorrent
) -> None:
    """Diagnostics say whether the WebUI session is up and how many logins it took."""
    qbittorrent.answers = [full_answer()]
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()

    diagnostics = await async_get_config_entry_diagnostics(hass, hub_entry)

    (service,) = [s for s in diagnostics["services"] if s["service"] == "qbittorrent"]
    assert service["coordinator"]["session"] == {"logged_in": True, "logins": 1}
    assert "correct horse" not in str(diagnostics)
