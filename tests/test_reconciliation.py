"""Reconciliation: what the services did while Home Assistant was down comes back.

A webhook sent while Home Assistant was stopped is refused and never sent again.
At each start (a reload is one) the hub asks Seerr, Radarr, Sonarr and Jellyfin
what happened since the last fact it holds from each (its watermark) and applies
the answers like the webhooks, at the times the services give. A first start
has no watermark and reads nothing. The outcome of each reading is kept per
instance and shown in diagnostics.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
import logging
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.core import Context, HomeAssistant
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

from custom_components.status_tracker.api.history import MAX_HISTORY_CALLS
from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.status_tracker.reconciliation import RETRY_AFTER

from .conftest import (
    API_KEYS,
    SUBENTRY_IDS,
    URLS,
    PostWebhook,
    mock_answer,
    mock_health,
)
from .flows import jellyfin_series_items, load_fixture, sonarr_episode_list

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
EVENT_ENTITY = "event.media_stack_stage_change"
# The first start, Seerr's request webhook, the stop, and the start again.
FIRST_START = datetime(2026, 1, 10, 11, 50, tzinfo=UTC)
REQUESTED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
STOPPED = datetime(2026, 1, 10, 12, 0, 30, tzinfo=UTC)
BACK_UP = datetime(2026, 1, 10, 13, 30, tzinfo=UTC)
# Where each service keeps its history (the query the reading always sends).
HISTORY_PATHS = {
    "seerr": "/api/v1/request?sort=modified",
    "sonarr": "/api/v3/history?sortKey=date",
    "radarr": "/api/v3/history?sortKey=date",
    "jellyfin": "/Items?SortBy=DateCreated",
}
NO_REQUESTS = {
    "pageInfo": {"pages": 0, "pageSize": 50, "results": 0, "page": 1},
    "results": [],
}
NO_ITEMS = {"Items": [], "TotalRecordCount": 0, "StartIndex": 0}
NO_RECORDS = {
    "page": 1,
    "pageSize": 250,
    "sortKey": "date",
    "sortDirection": "descending",
    "totalRecords": 0,
    "records": [],
}

type Answer = Any


class Histories:
    """What each service's history answers: JSON, an HTTP status, or an error."""

    def __init__(self, aioclient_mock: AiohttpClientMocker) -> None:
        self.mock = aioclient_mock
        self.answers: dict[str, Answer] = {
            "seerr": NO_REQUESTS,
            "sonarr": NO_RECORDS,
            "radarr": NO_RECORDS,
            "jellyfin": NO_ITEMS,
        }
        for service, path in HISTORY_PATHS.items():
            aioclient_mock.get(
                f"{URLS[service]}{path}", side_effect=self._answer(service)
            )
        # The anime movie's tag, named when its grab is read back.
        aioclient_mock.get(
            f"{URLS['radarr']}/api/v3/tag", json=[{"id": 1, "label": "anime"}]
        )

    def _answer(
        self, service: str
    ) -> Callable[[str, URL, Any], Awaitable[AiohttpClientMockResponse]]:
        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            return mock_answer(method, url, self.answers[service])

        return answer

    def calls(self, service: str) -> list[URL]:
        """Return the history reads made of `service`."""
        path = HISTORY_PATHS[service].split("?", 1)[0]
        return [
            url
            for method, url, _, _ in self.mock.mock_calls
            if method == "GET"
            and url.host == URL(URLS[service]).host
            and url.path == path
        ]


@pytest.fixture
def histories(aioclient_mock: AiohttpClientMocker) -> Histories:
    """Answer the history reads (nothing happened, unless a test says so).

    Registered first: a mock answers the first registered URL that matches,
    and Jellyfin's newest items are both its history and what it polls.
    """
    answers = Histories(aioclient_mock)
    mock_health(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    return answers


def radarr_history_until(until: datetime) -> dict[str, Any]:
    """Return Radarr's history page of the movie flow, up to `until`."""
    page = load_fixture("radarr/api_history.json")
    page["records"] = [
        record
        for record in page["records"]
        if datetime.fromisoformat(record["date"]) < until
    ]
    page["totalRecords"] = len(page["records"])
    return page


def seerr_requests(*request_ids: int) -> dict[str, Any]:
    """Return Seerr's request list holding these requests (as they are at 13:00)."""
    page = load_fixture("jellyseerr/api_request_list.json")
    page["results"] = [r for r in page["results"] if r["id"] in request_ids]
    page["pageInfo"]["results"] = len(page["results"])
    return page


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set up the hub (a start, or the start after a reload)."""
    if entry.entry_id not in {e.entry_id for e in hass.config_entries.async_entries()}:
        entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)


async def stop(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the hub: from now on webhooks are refused."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def last_reconciliations(
    hass: HomeAssistant, entry: MockConfigEntry
) -> dict[str, Any]:
    """Return each service's last reconciliation, as diagnostics show it."""
    # Called directly: the frozen clock is far from the test client's token.
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    return {
        service["service"]: service["last_reconciliation"]
        for service in diagnostics["services"]
        if service["last_reconciliation"] is not None
    }


def stage_events(hass: HomeAssistant, fired: list[tuple[str, str]]) -> None:
    """Collect (stage, title) of every stage change the event entity fires."""

    def listener(event: Any) -> None:
        new = event.data["new_state"]
        old = event.data["old_state"]
        if (
            event.data["entity_id"] == EVENT_ENTITY
            and new is not None
            and old is not None
            and "unavailable" not in (old.state, new.state)
        ):
            fired.append((new.attributes["stage"], new.attributes["title"]))

    hass.bus.async_listen("state_changed", listener)


async def get_request(hass: HomeAssistant, user: User, title: str) -> dict[str, Any]:
    """Return one request's view with its timeline (get_requests action)."""
    response = await hass.services.async_call(
        DOMAIN,
        "get_requests",
        {"status": "all"},
        blocking=True,
        return_response=True,
        context=Context(user_id=user.id),
    )
    (view,) = [v for v in response["requests"] if v["title"] == title]  # type: ignore[union-attr,index]
    return view


async def test_first_start_reads_no_history(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a watermark nothing is read: the library sync covers the past.

    The first start sets the watermarks and saves them, webhook or not: a
    kill before any webhook must not make the next start a first one.
    """
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    freezer.tick(timedelta(seconds=10))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = hass_storage[f"{DOMAIN}.{mock_config_entry.entry_id}"]["data"]
    assert {r["at"] for r in stored["reconciliations"].values()} == {
        FIRST_START.isoformat()
    }

    assert histories.calls("seerr") == histories.calls("radarr") == []
    assert histories.calls("sonarr") == []
    last = await last_reconciliations(hass, mock_config_entry)
    assert last == {
        service: {
            "at": FIRST_START.isoformat(),
            "since": None,
            "recovered": 0,
            "calls": 0,
            "complete": True,
            "error": None,
        }
        for service in ("seerr", "sonarr", "radarr", "jellyfin")
    }


async def test_start_recovers_a_lifecycle_sent_while_down(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    post_webhook: PostWebhook,
    hass_read_only_user: User,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Seerr's request came; approval, grab, import and availability did not.

    After the start the movie is available, with each fact at the time its
    service recorded it, and the stage changes are announced once.
    """
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    freezer.move_to(REQUESTED)
    response = await post_webhook(
        "seerr", load_fixture("jellyseerr/media_pending.json")
    )
    assert response.status == HTTPStatus.OK
    freezer.move_to(STOPPED)
    await stop(hass, mock_config_entry)

    # While Home Assistant was down (the webhooks were refused):
    histories.answers["radarr"] = radarr_history_until(
        BACK_UP.replace(hour=13, minute=0)
    )
    histories.answers["seerr"] = seerr_requests(201)
    histories.answers["jellyfin"] = load_fixture("jellyfin/api_items_recent.json")
    fired: list[tuple[str, str]] = []
    stage_events(hass, fired)
    freezer.move_to(BACK_UP)
    await start(hass, mock_config_entry)

    assert hass.states.get(MOVIE_SENSOR).state == "available"  # type: ignore[union-attr]
    view = await get_request(hass, hass_read_only_user, "Example Movie")
    timeline = [(e["kind"], e["at"]) for e in view["timeline"]]
    assert ("grabbed", "2026-01-10T12:01:00+00:00") in timeline
    assert ("imported", "2026-01-10T12:44:31+00:00") in timeline
    assert [kind for kind, _ in timeline].count("grabbed") == 1
    assert ("added_to_arr", "2026-01-10T12:00:04+00:00") in timeline
    # Seerr's list does not say when a completed request was approved: the
    # stages the history dates are announced.
    assert [stage for stage, title in fired if title == "Example Movie"] == [
        "searching",
        "grabbed",
        "importing",
        "available",
    ]
    # Each service was read from its watermark, less the clocks' margin.
    (radarr_read,) = histories.calls("radarr")
    assert radarr_read.query["sortDirection"] == "descending"
    last = await last_reconciliations(hass, mock_config_entry)
    assert last["seerr"]["since"] == REQUESTED.isoformat()
    assert last["radarr"]["since"] == FIRST_START.isoformat()
    assert last["radarr"]["recovered"] >= 2
    assert last["radarr"]["at"] == BACK_UP.isoformat()

    # A reload reads again from there: what was recovered is not added twice.
    before = view["timeline"]
    await stop(hass, mock_config_entry)
    freezer.move_to(BACK_UP.replace(minute=40))
    await start(hass, mock_config_entry)
    assert (await get_request(hass, hass_read_only_user, "Example Movie"))[
        "timeline"
    ] == before
    last = await last_reconciliations(hass, mock_config_entry)
    assert last["radarr"]["since"] == BACK_UP.isoformat()


async def test_a_failed_reading_is_tried_again_from_the_same_moment(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A service that answers an error is read again later, from its watermark.

    Its health check still works, so only the retry timer brings it back.
    """
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    await stop(hass, mock_config_entry)

    histories.answers["radarr"] = HTTPStatus.INTERNAL_SERVER_ERROR
    freezer.move_to(BACK_UP)
    await start(hass, mock_config_entry)
    last = await last_reconciliations(hass, mock_config_entry)
    assert last["radarr"]["since"] == FIRST_START.isoformat()
    assert last["radarr"]["error"]
    assert API_KEYS["radarr"] not in last["radarr"]["error"]
    assert last["sonarr"]["error"] is None
    assert len(histories.calls("radarr")) == 1

    histories.answers["radarr"] = NO_RECORDS
    await later(hass, freezer, RETRY_AFTER - timedelta(seconds=1))
    assert len(histories.calls("radarr")) == 1
    await later(hass, freezer, timedelta(seconds=1))
    assert len(histories.calls("radarr")) == 2
    # Only the one that failed.
    assert len(histories.calls("sonarr")) == 1
    last = await last_reconciliations(hass, mock_config_entry)
    assert last["radarr"]["since"] == FIRST_START.isoformat()
    assert last["radarr"]["error"] is None

    # It worked: no more tries.
    await later(hass, freezer, RETRY_AFTER)
    assert len(histories.calls("radarr")) == 2


async def test_unload_cancels_the_next_try(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A hub unloaded while a reading waits to be tried again reads nothing more."""
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    await stop(hass, mock_config_entry)
    histories.answers["seerr"] = HTTPStatus.BAD_GATEWAY
    freezer.move_to(BACK_UP)
    await start(hass, mock_config_entry)
    assert len(histories.calls("seerr")) == 1

    await stop(hass, mock_config_entry)
    await later(hass, freezer, RETRY_AFTER)
    assert len(histories.calls("seerr")) == 1


async def later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let `delta` pass and the timers that fall due run."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_a_service_back_is_read_again(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    freezer: FrozenDateTimeFactory,
) -> None:
    """When a failing health check works again, that service's history is read."""
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    await stop(hass, mock_config_entry)
    freezer.move_to(REQUESTED)
    await start(hass, mock_config_entry)
    assert len(histories.calls("radarr")) == 1

    runtime = mock_config_entry.runtime_data
    coordinator = runtime.coordinators[SUBENTRY_IDS["radarr"]]
    coordinator.last_update_success = False
    coordinator.async_update_listeners()
    assert len(histories.calls("radarr")) == 1
    coordinator.last_update_success = True
    coordinator.async_update_listeners()
    await hass.async_block_till_done(wait_background_tasks=True)

    assert len(histories.calls("radarr")) == 2
    assert len(histories.calls("sonarr")) == 1


async def test_too_much_history_is_read_in_part_and_said(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    histories: Histories,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reading stops at its call budget, warns, and says it is incomplete."""
    freezer.move_to(FIRST_START)
    await start(hass, mock_config_entry)
    await stop(hass, mock_config_entry)

    # Every page is full of records newer than the watermark.
    page = radarr_history_until(BACK_UP)
    page["totalRecords"] = 100_000
    histories.answers["radarr"] = page
    freezer.move_to(BACK_UP)
    with caplog.at_level(logging.WARNING):
        await start(hass, mock_config_entry)

    assert len(histories.calls("radarr")) == MAX_HISTORY_CALLS
    last = await last_reconciliations(hass, mock_config_entry)
    assert last["radarr"]["complete"] is False
    assert last["radarr"]["calls"] == MAX_HISTORY_CALLS
    assert "more history" in caplog.text


async def approved_then_stopped(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    bodies: list[dict[str, Any]],
) -> None:
    """First start, Seerr's request and approval at 12:00, then a stop."""
    freezer.move_to(FIRST_START)
    await start(hass, entry)
    freezer.move_to(REQUESTED)
    for body in bodies:
        assert (await post_webhook("seerr", body)).status == HTTPStatus.OK
    await hass.async_block_till_done(wait_background_tasks=True)
    freezer.move_to(STOPPED)
    await stop(hass, entry)


@pytest.fixture
def radarr_movies(aioclient_mock: AiohttpClientMocker) -> list[dict[str, Any]]:
    """Radarr's movies, as its TMDB look-up answers (none until a test adds one).

    Requested before `histories`: the first registered answer wins over its
    "not in Radarr".
    """
    movies: list[dict[str, Any]] = []

    async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        return mock_answer(method, url, movies)

    aioclient_mock.get(f"{URLS['radarr']}/api/v3/movie", side_effect=answer)
    return movies


@pytest.mark.parametrize(
    ("added", "recovered"),
    [
        # Added while Home Assistant was down: its webhook was refused.
        ("2026-01-10T12:00:04Z", 1),
        # Added before the watermark: heard then, or no news.
        ("2026-01-10T11:00:00Z", 0),
    ],
)
async def test_an_addition_before_any_grab_is_read_from_the_arr(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    radarr_movies: list[dict[str, Any]],
    histories: Histories,
    post_webhook: PostWebhook,
    hass_read_only_user: User,
    freezer: FrozenDateTimeFactory,
    added: str,
    recovered: int,
) -> None:
    """No history record tells of an addition before the grab: the movie does.

    The request was approved; Radarr added the movie while Home Assistant was
    down and has not grabbed it yet. The movie's `added` time says when.
    """
    await approved_then_stopped(
        hass,
        mock_config_entry,
        post_webhook,
        freezer,
        [
            load_fixture(f"jellyseerr/{name}.json")
            for name in ("media_pending", "media_approved")
        ],
    )
    movie = load_fixture("radarr/api_history.json")["records"][1]["movie"]
    radarr_movies.append({**movie, "added": added})

    freezer.move_to(BACK_UP)
    await start(hass, mock_config_entry)

    view = await get_request(hass, hass_read_only_user, "Example Movie")
    timeline = [(e["kind"], e["at"]) for e in view["timeline"]]
    if recovered:
        assert view["state"] == "searching"
        assert ("added_to_arr", "2026-01-10T12:00:04+00:00") in timeline
        assert view["ids"]["arr"] == movie["id"]
    else:
        assert view["state"] == "approved"
        assert "added_to_arr" not in dict(timeline)
    last = await last_reconciliations(hass, mock_config_entry)
    # The history, then the movie of the one approved request.
    assert (last["radarr"]["calls"], last["radarr"]["recovered"]) == (2, recovered)


@pytest.fixture
def sonarr_series_answer(aioclient_mock: AiohttpClientMocker) -> list[Any]:
    """What Sonarr's TVDB look-up answers (a list, or an error status)."""
    answer: list[Any] = [[]]

    async def series(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
        return mock_answer(method, url, answer[0])

    aioclient_mock.get(f"{URLS['sonarr']}/api/v3/series", side_effect=series)
    return answer


@pytest.mark.parametrize(
    ("tvdb_id", "answer", "calls"),
    [
        # Sonarr cannot say: the request waits for the grab's webhook.
        ("81189", HTTPStatus.INTERNAL_SERVER_ERROR, 2),
        # Sonarr does not have it (yet).
        ("81189", [], 2),
    ],
)
async def test_an_addition_the_arr_cannot_tell_is_left(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    sonarr_series_answer: list[Any],
    histories: Histories,
    post_webhook: PostWebhook,
    hass_read_only_user: User,
    freezer: FrozenDateTimeFactory,
    tvdb_id: str,
    answer: HTTPStatus | list[Any],
    calls: int,
) -> None:
    """A failed or impossible look-up changes nothing; the reading still counts."""
    bodies = [
        load_fixture(f"jellyseerr/{name}.json")
        for name in ("media_pending_tv", "media_approved_tv")
    ]
    for body in bodies:
        body["media"]["tvdbId"] = tvdb_id
    await approved_then_stopped(hass, mock_config_entry, post_webhook, freezer, bodies)
    sonarr_series_answer[0] = answer

    freezer.move_to(BACK_UP)
    await start(hass, mock_config_entry)

    view = await get_request(hass, hass_read_only_user, "Example Show")
    assert view["state"] == "approved"
    last = await last_reconciliations(hass, mock_config_entry)
    assert (last["sonarr"]["calls"], last["sonarr"]["recovered"]) == (calls, 0)
    assert last["sonarr"]["error"] is None
