"""Reading Seerr's request list since a moment: the webhooks lost while down.

The fixtures are Seerr's answers (``jellyseerr/api_*.json``) for the invented
world: request 201 (Example Movie, approved by an admin, now available) and 202
(Example Show season 1, approved automatically, now available), both modified
on 2026-01-10, and 203 (Example Anime, pending since the evening before).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime
from http import HTTPStatus
import itertools
import logging
from typing import Any

from aiohttp import ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    SeerrClient,
    ServiceError,
    UnexpectedResponse,
)
from custom_components.status_tracker.api.history import HistoryEvent
from custom_components.status_tracker.api.seerr import (
    SeerrTitle,
    _parse_request,
    request_history_events,
)
from custom_components.status_tracker.core.model import Request
from custom_components.status_tracker.core.observations import (
    SeerrEvent,
    SeerrNotification,
)
from custom_components.status_tracker.core.tracker import Tracker
from custom_components.status_tracker.parsers import parse_webhook
from custom_components.status_tracker.parsers.fields import JsonObject
from tests.flows import load_fixture

API_KEY = "MTczNjUwMDAwMDAwMGE5ZjNjNWUtN2IxZC00YTZjLThlMGYtMmI0ZDZhOGMwZTFm"
SEERR_URL = "http://seerr.lan:5055"
LIST_URL = f"{SEERR_URL}/api/v1/request"
MOVIE_URL = f"{SEERR_URL}/api/v1/movie/603"
SHOW_URL = f"{SEERR_URL}/api/v1/tv/1396"
ANIME_URL = f"{SEERR_URL}/api/v1/tv/209867"

DAY_START = datetime(2026, 1, 10, tzinfo=UTC)
MOVIE_TITLE = SeerrTitle(
    "Example Movie",
    1999,
    "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-movie-poster.jpg",
)
SHOW_TITLE = SeerrTitle(
    "Example Show",
    2008,
    "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-show-poster.jpg",
)
ADMIN = {"id": 1, "displayName": "admin"}


def at(text: str) -> datetime:
    """Return 2026-01-10 at "HH:MM[:SS]" UTC."""
    return datetime.fromisoformat(f"2026-01-10T{text}+00:00")


def request_list() -> dict[str, Any]:
    """Return the request list answer (a private copy)."""
    return copy.deepcopy(load_fixture("jellyseerr/api_request_list.json"))


def record(request_id: int) -> dict[str, Any]:
    """Return one MediaRequest of the list answer by id."""
    return next(r for r in request_list()["results"] if r["id"] == request_id)


def page(records: list[dict[str, Any]], pages: int = 1) -> dict[str, Any]:
    """Return a list answer holding `records`."""
    body = request_list()
    body["pageInfo"] = {"pages": pages, "pageSize": 50, "results": 3, "page": 1}
    body["results"] = records
    return body


def webhook(name: str) -> SeerrNotification:
    """Return what the webhook parser makes of a webhook fixture."""
    observation = parse_webhook("seerr", load_fixture(f"jellyseerr/{name}.json"), "")
    assert isinstance(observation, SeerrNotification)
    return observation


def untitled(notification: SeerrNotification) -> SeerrNotification:
    """Return a notification without what only the webhook's subject gives."""
    media = replace(notification.media, title="", year=None, poster_url=None)
    return replace(notification, media=media)


def converted(
    body: dict[str, Any], title: SeerrTitle | None
) -> tuple[HistoryEvent, ...] | None:
    """Parse a MediaRequest the way the client does and convert it."""
    parsed = _parse_request(JsonObject.loose(body))
    assert parsed is not None
    return request_history_events(parsed, title)


def notification(event: HistoryEvent) -> SeerrNotification:
    """Return an event's observation, which the Seerr client makes a notification."""
    assert isinstance(event.observation, SeerrNotification)
    return event.observation


def request_ids(events: tuple[HistoryEvent, ...]) -> list[int | None]:
    """Return the Seerr request id of each event."""
    return [notification(event).request_id for event in events]


def steps(events: tuple[HistoryEvent, ...] | None) -> list[tuple[str, datetime]]:
    """Return (notification type, time) of each event."""
    assert events is not None
    return [(notification(event).event.value, event.at) for event in events]


def mock_titles(aioclient_mock: AiohttpClientMocker) -> None:
    """Answer the two title lookups with the fixtures."""
    aioclient_mock.get(MOVIE_URL, json=load_fixture("jellyseerr/api_movie_603.json"))
    aioclient_mock.get(SHOW_URL, json=load_fixture("jellyseerr/api_tv_1396.json"))


def urls(aioclient_mock: AiohttpClientMocker) -> list[str]:
    """Return the path and query of each request made, in order."""
    return [str(call[1].relative()) for call in aioclient_mock.mock_calls]


def list_call(skip: int, take: int = 50) -> str:
    """Return the path and query of one request-list call."""
    return (
        f"/api/v1/request?take={take}&skip={skip}"
        "&sort=modified&sortDirection=desc&filter=all"
    )


@pytest.fixture
def client(session: ClientSession) -> SeerrClient:
    """Return a Seerr client on the mocked session."""
    return SeerrClient(session, SEERR_URL, API_KEY)


# --- one record -> the webhooks it stands for -------------------------------------


MOVIE_RECORDS: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
    ({"status": 1, "modifiedBy": None, "updatedAt": "2026-01-10T12:00:00.000Z",
      "media.status": 2},
     [("media_pending", "12:00")]),
    ({"status": 2, "modifiedBy": ADMIN, "updatedAt": "2026-01-10T12:10:00.000Z",
      "media.status": 3},
     [("media_pending", "12:00"), ("media_approved", "12:10")]),
    ({"status": 3, "modifiedBy": ADMIN, "updatedAt": "2026-01-10T12:10:00.000Z",
      "media.status": 1},
     [("media_pending", "12:00"), ("media_declined", "12:10")]),
    ({"status": 4, "modifiedBy": ADMIN, "updatedAt": "2026-01-10T12:10:02.000Z",
      "media.status": 3},
     [("media_pending", "12:00"), ("media_approved", "12:10:02"),
      ("media_failed", "12:10:02")]),
    ({},
     [("media_pending", "12:00"), ("media_approved", "12:46:31"),
      ("media_available", "12:46:31")]),
]  # fmt: skip
SHOW_RECORDS: list[tuple[dict[str, Any], list[tuple[str, str]]]] = [
    ({"status": 1, "modifiedBy": None, "updatedAt": "2026-01-10T12:05:00.000Z",
      "media.status": 2},
     [("media_pending_tv", "12:05")]),
    ({"status": 2, "updatedAt": "2026-01-10T12:05:00.000Z", "media.status": 3},
     [("media_auto_approved_tv", "12:05")]),
    ({"status": 3, "modifiedBy": ADMIN, "updatedAt": "2026-01-10T12:20:00.000Z",
      "media.status": 1},
     [("media_pending_tv", "12:05"), ("media_declined_tv", "12:20")]),
    ({"status": 4, "updatedAt": "2026-01-10T12:05:01.000Z", "media.status": 3},
     [("media_auto_approved_tv", "12:05"), ("media_failed_tv", "12:05:01")]),
    ({},
     [("media_auto_approved_tv", "12:05"), ("media_available_tv", "12:47:12")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_id", "title", "changes", "expected"),
    [(201, MOVIE_TITLE, *case) for case in MOVIE_RECORDS]
    + [(202, SHOW_TITLE, *case) for case in SHOW_RECORDS],
)
def test_record_gives_the_webhooks_notifications(
    request_id: int,
    title: SeerrTitle,
    changes: dict[str, Any],
    expected: list[tuple[str, str]],
) -> None:
    """Each status gives what the webhooks sent, parsed as the webhook parser does."""
    body = record(request_id)
    changes = dict(changes)
    body["media"]["status"] = changes.pop("media.status", body["media"]["status"])
    events = converted({**body, **changes}, title)

    assert events is not None
    assert [event.observation for event in events] == [
        webhook(name) for name, _ in expected
    ]
    assert [event.at for event in events] == [at(time) for _, time in expected]


def test_record_without_title_leaves_the_title_out() -> None:
    """A request the tracker holds needs no lookup: its notifications go untitled."""
    events = converted(record(201), None)

    assert events is not None
    assert [event.observation for event in events] == [
        untitled(webhook(name))
        for name in ("media_pending", "media_approved", "media_available")
    ]


def four_k(notification: SeerrNotification) -> SeerrNotification:
    """Return the notification of the 4K request of the same title."""
    return replace(notification, is_4k=True)


@pytest.mark.parametrize(
    ("status", "status_4k", "expected"),
    [
        (1, 5, ["media_pending", "media_approved", "media_available"]),
        # Only the HD version is available: the 4K request is still waiting.
        (5, 3, ["media_pending", "media_approved"]),
    ],
)
def test_4k_request_follows_the_4k_status(
    status: int, status_4k: int, expected: list[str]
) -> None:
    """A 4K request is marked 4K and reads the media's status4k."""
    body = record(201)
    body["is4k"] = True
    body["media"].update(status=status, status4k=status_4k)

    events = converted(body, MOVIE_TITLE)

    assert events is not None
    assert [event.observation for event in events] == [
        four_k(webhook(name)) for name in expected
    ]
    # What the webhook parser reads from a 4K webhook's event text.
    body_4k = load_fixture("jellyseerr/media_available.json")
    body_4k["event"] = "4K Movie Request Now Available"
    assert parse_webhook("seerr", body_4k, "") == four_k(webhook("media_available"))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # Created approved by an admin for alice and never saved since.
        (
            {"status": 2, "updatedAt": "2026-01-10T12:00:00.000Z"},
            [("MEDIA_AUTO_APPROVED", "12:00")],
        ),
        # Approved by an admin later.
        (
            {"status": 2, "updatedAt": "2026-01-10T12:00:01.000Z"},
            [("MEDIA_PENDING", "12:00"), ("MEDIA_APPROVED", "12:00:01")],
        ),
        # Approved by Seerr itself when the media turned available while pending.
        (
            {"status": 2, "modifiedBy": None, "updatedAt": "2026-01-10T12:00:00.000Z"},
            [
                ("MEDIA_PENDING", "12:00"),
                ("MEDIA_APPROVED", "12:00"),
                ("MEDIA_AVAILABLE", "12:46:31"),
            ],
        ),
    ],
)
def test_auto_approval_read_from_modified_by_and_times(
    changes: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    """modifiedBy is the requester, or the record was never saved after creation."""
    body = {**record(201), **changes}
    if body["modifiedBy"] is None:
        body["media"]["updatedAt"] = "2026-01-10T12:46:31.000Z"
    else:
        body["media"]["status"] = 3
    assert steps(converted(body, MOVIE_TITLE)) == [
        (event, at(time)) for event, time in expected
    ]


@pytest.mark.parametrize(
    ("status", "media_status", "media_updated", "expected"),
    [
        # Jellyseerr 2 keeps requests APPROVED: available when the media changed.
        (2, 5, "12:46:31", [("MEDIA_APPROVED", "12:10"), ("MEDIA_AVAILABLE", "12:46:31")]),
        # Approved while already available: Seerr said so at the approval.
        (2, 5, "11:00", [("MEDIA_APPROVED", "12:10"), ("MEDIA_AVAILABLE", "12:10")]),
        # Other seasons may be the available ones: nothing is said.
        (2, 4, "12:46:31", [("MEDIA_APPROVED", "12:10")]),
        (5, 7, "12:50", [("MEDIA_APPROVED", "12:10")]),
        (5, 4, "12:10", [("MEDIA_APPROVED", "12:10"), ("MEDIA_AVAILABLE", "12:10")]),
    ],
)  # fmt: skip
def test_availability_needs_available_media(
    status: int, media_status: int, media_updated: str, expected: list[tuple[str, str]]
) -> None:
    """MEDIA_AVAILABLE only when the media's status says the request's part is there."""
    body = {**record(202), "status": status, "modifiedBy": ADMIN}
    body["updatedAt"] = "2026-01-10T12:10:00.000Z"
    body["media"].update(status=media_status, updatedAt=f"2026-01-10T{media_updated}Z")

    assert steps(converted(body, SHOW_TITLE)) == [
        ("MEDIA_PENDING", at("12:05")),
        *((event, at(time)) for event, time in expected),
    ]


@pytest.mark.parametrize(
    "changes",
    [
        {"media": None},
        {"media": {"id": 101, "mediaType": "movie", "tmdbId": None}},
        {"type": "music"},
        {"status": 6},
        {"status": None},
        {"createdAt": "yesterday"},
        {"updatedAt": None},
    ],
)
def test_record_without_what_webhooks_carry(changes: dict[str, Any]) -> None:
    """No media, TMDB id, type, known status or times: nothing to rebuild."""
    assert converted({**record(201), **changes}, MOVIE_TITLE) is None


def test_times_are_utc_and_never_go_back() -> None:
    """Offsets are converted; an updatedAt before createdAt is taken as createdAt."""
    body = {
        **record(201),
        "status": 3,
        "modifiedBy": ADMIN,
        "createdAt": "2026-01-10T13:00:00.000+01:00",
        "updatedAt": "2026-01-10T11:59:00",
    }
    assert steps(converted(body, MOVIE_TITLE)) == [
        ("MEDIA_PENDING", at("12:00")),
        ("MEDIA_DECLINED", at("12:00")),
    ]


# --- the client: paging, titles, budget ---------------------------------------------


async def test_history_since_rebuilds_the_days_webhooks(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Both requests of the day, oldest fact first; the older list stays unread."""
    aioclient_mock.get(LIST_URL, json=request_list())
    mock_titles(aioclient_mock)

    result = await client.async_history_since(DAY_START)

    assert [(event.at, event.observation) for event in result.events] == [
        (at("12:00"), webhook("media_pending")),
        (at("12:05"), webhook("media_auto_approved_tv")),
        (at("12:46:31"), webhook("media_approved")),
        (at("12:46:31"), webhook("media_available")),
        (at("12:47:12"), webhook("media_available_tv")),
    ]
    assert result.calls == 3
    assert result.complete
    assert urls(aioclient_mock) == [
        list_call(0),
        "/api/v1/tv/1396?language=en",
        "/api/v1/movie/603?language=en",
    ]
    for call in aioclient_mock.mock_calls:
        assert call[3]["X-Api-Key"] == API_KEY


async def test_events_before_since_are_left_out(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Only facts at or after `since`; a request with none needs no title."""
    aioclient_mock.get(LIST_URL, json=request_list())
    mock_titles(aioclient_mock)

    result = await client.async_history_since(at("12:46:31"))

    assert [(event.at, notification(event).event) for event in result.events] == [
        (at("12:46:31"), SeerrEvent.APPROVED),
        (at("12:46:31"), SeerrEvent.AVAILABLE),
        (at("12:47:12"), SeerrEvent.AVAILABLE),
    ]
    result = await client.async_history_since(at("12:47:13"))
    assert result.events == ()
    assert result.complete


async def test_paging_stops_at_since(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Page after page until a request was last modified before `since`."""
    show, movie, anime = request_list()["results"]
    aioclient_mock.get(LIST_URL, params={"skip": "0"}, json=page([show], pages=3))
    aioclient_mock.get(LIST_URL, params={"skip": "1"}, json=page([movie], pages=3))
    aioclient_mock.get(LIST_URL, params={"skip": "2"}, json=page([anime], pages=3))
    mock_titles(aioclient_mock)

    result = await client.async_history_since(at("12:30"), page_size=1)

    assert [event.at for event in result.events] == [
        at("12:46:31"),
        at("12:46:31"),
        at("12:47:12"),
    ]
    assert request_ids(result.events) == [201, 201, 202]
    assert result.complete
    assert result.calls == 5
    assert urls(aioclient_mock) == [
        list_call(0, take=1),
        "/api/v1/tv/1396?language=en",
        list_call(1, take=1),
        "/api/v1/movie/603?language=en",
        list_call(2, take=1),
    ]


async def test_paging_stops_at_the_end_of_the_list(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The last page ends the reading even when all of it is recent."""
    show, movie, anime = request_list()["results"]
    aioclient_mock.get(LIST_URL, params={"skip": "0"}, json=page([show, movie], 2))
    aioclient_mock.get(LIST_URL, params={"skip": "2"}, json=page([anime], 2))
    mock_titles(aioclient_mock)
    aioclient_mock.get(ANIME_URL, json={"name": "Example Anime", "firstAirDate": ""})

    result = await client.async_history_since(
        datetime(2026, 1, 1, tzinfo=UTC), page_size=2
    )

    assert result.complete
    assert result.calls == 5
    first = result.events[0]
    assert first.at == datetime(2026, 1, 9, 20, 15, tzinfo=UTC)
    assert first.observation == SeerrNotification(
        event=SeerrEvent.PENDING,
        media=replace(
            webhook("media_pending_tv").media,
            title="Example Anime",
            year=None,
            tmdb_id=209867,
            tvdb_id=424536,
            poster_url=None,
        ),
        request_id=203,
        requested_by="alice",
        seasons=(1,),
    )


async def test_empty_list(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No requests at all: one call, nothing found, complete."""
    aioclient_mock.get(
        LIST_URL,
        json={
            "pageInfo": {"pages": 0, "pageSize": 50, "results": 0, "page": 1},
            "results": [],
        },
    )
    result = await client.async_history_since(DAY_START)
    assert (result.events, result.calls, result.complete) == ((), 1, True)


async def test_known_requests_cost_no_title_call(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Requests the tracker holds keep their title there: no lookups."""
    aioclient_mock.get(LIST_URL, json=request_list())

    result = await client.async_history_since(DAY_START, known_request_ids={201, 202})

    assert result.calls == 1
    assert [event.observation for event in result.events] == [
        untitled(webhook(name))
        for name in (
            "media_pending",
            "media_auto_approved_tv",
            "media_approved",
            "media_available",
            "media_available_tv",
        )
    ]


async def test_one_title_call_per_title(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Two unknown requests of one show share a lookup."""
    show = record(202)
    second = {**copy.deepcopy(show), "id": 205, "updatedAt": "2026-01-10T12:40:00.000Z"}
    second["seasons"][0]["seasonNumber"] = 2
    aioclient_mock.get(LIST_URL, json=page([show, second]))
    mock_titles(aioclient_mock)

    result = await client.async_history_since(DAY_START)

    assert result.calls == 2
    assert set(request_ids(result.events)) == {202, 205}


@pytest.mark.parametrize(
    ("max_titles", "calls", "told"),
    [
        # The list page is read but the show's title is not: nothing is certain.
        # (The title budget is its own: the pages' does not limit it.)
        (1, 2, {202}),
        # Both titles are looked up; the next page is left (one page allowed).
        (2, 3, {201, 202}),
    ],
)
async def test_budget_exhausted_is_incomplete(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    max_titles: int,
    calls: int,
    told: set[int],
) -> None:
    """Running out of pages or titles before reaching `since` says the read is incomplete."""
    show, movie, _ = request_list()["results"]
    aioclient_mock.get(LIST_URL, params={"skip": "0"}, json=page([show, movie], 2))
    mock_titles(aioclient_mock)

    result = await client.async_history_since(
        DAY_START, max_calls=1, page_size=2, max_titles=max_titles
    )

    assert not result.complete
    assert result.calls == calls == aioclient_mock.call_count
    assert set(request_ids(result.events)) == told


async def test_request_seen_twice_counts_once(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A request modified while the pages are read comes again on the next page."""
    show, movie, _ = request_list()["results"]
    aioclient_mock.get(LIST_URL, params={"skip": "0"}, json=page([show], 2))
    aioclient_mock.get(LIST_URL, params={"skip": "1"}, json=page([show, movie], 2))
    mock_titles(aioclient_mock)

    result = await client.async_history_since(
        DAY_START, page_size=1, known_request_ids={201, 202}
    )

    assert request_ids(result.events) == [201, 202, 201, 201, 202]


async def test_malformed_records_are_skipped(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Records without an id, times or media are skipped; nothing of them is logged."""
    show, movie, anime = request_list()["results"]
    secret = "/data/private/folder-name"
    broken = [
        "not a request",
        {**movie, "id": None, "rootFolder": secret},
        {**movie, "id": 300, "updatedAt": "soon", "rootFolder": secret},
        {**movie, "id": 301, "media": None, "rootFolder": secret},
        {**movie, "id": 302, "status": 9, "rootFolder": secret},
    ]
    aioclient_mock.get(LIST_URL, json=page([show, *broken, movie, anime]))
    caplog.set_level(logging.DEBUG, logger="custom_components.status_tracker")

    result = await client.async_history_since(DAY_START, known_request_ids={201, 202})

    assert set(request_ids(result.events)) == {201, 202}
    assert result.complete
    assert "Skipping" in caplog.text
    assert secret not in caplog.text
    assert "alice" not in caplog.text


async def test_title_answer_without_title_skips_its_requests(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Seerr could not have named the title either: its requests are left out."""
    aioclient_mock.get(LIST_URL, json=request_list())
    aioclient_mock.get(SHOW_URL, json={"id": 1396, "name": " ", "posterPath": None})
    aioclient_mock.get(MOVIE_URL, json=load_fixture("jellyseerr/api_movie_603.json"))

    result = await client.async_history_since(DAY_START)

    assert set(request_ids(result.events)) == {201}
    assert result.calls == 3


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"status": HTTPStatus.FORBIDDEN, "json": {"message": "no"}}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"text": "<html>Seerr</html>"}, UnexpectedResponse),
        ({"json": []}, UnexpectedResponse),
    ],
)
@pytest.mark.parametrize("failing", ["list", "title"])
async def test_errors_raise(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    failing: str,
) -> None:
    """A failing list or title call raises like the other calls, without the key."""
    if failing == "list":
        aioclient_mock.get(LIST_URL, **mock_kwargs)
    else:
        aioclient_mock.get(LIST_URL, json=request_list())
        aioclient_mock.get(SHOW_URL, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await client.async_history_since(DAY_START)

    assert API_KEY not in str(exc_info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"since": datetime(2026, 1, 10)},  # noqa: DTZ001
        {"since": DAY_START, "max_calls": 0},
        {"since": DAY_START, "page_size": 0},
        {"since": DAY_START, "page_size": True},
        {"since": DAY_START, "max_titles": 0},
    ],
)
async def test_bad_arguments(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, kwargs: dict[str, Any]
) -> None:
    """A naive time or a count below one is the caller's error."""
    with pytest.raises(ValueError):
        await client.async_history_since(**kwargs)
    assert aioclient_mock.call_count == 0


# --- the tracker ends where the webhooks left it ---------------------------------------


def tracker_at(moment: datetime, *, trust_available: bool = False) -> Tracker:
    """Return a tracker whose clock stands at `moment`, with predictable ids."""
    counter = itertools.count(1)
    return Tracker(
        now=lambda: moment,
        new_id=lambda: f"r{next(counter)}",
        trust_seerr_available=trust_available,
    )


def outcome(request: Request) -> dict[str, Any]:
    """Return what a request's user sees, times aside."""
    return {
        "state": request.state,
        "title": request.title,
        "year": request.year,
        "poster_url": request.poster_url,
        "tmdb_id": request.tmdb_id,
        "tvdb_id": request.tvdb_id,
        "seerr_request_id": request.seerr_request_id,
        "requested_by": request.requested_by,
        "seasons": request.seasons,
        "is_4k": request.is_4k,
        "timeline": [(entry.kind, entry.detail) for entry in request.timeline],
    }


def by_seerr_id(tracker: Tracker) -> dict[int | None, dict[str, Any]]:
    """Return each request's outcome by its Seerr request id."""
    return {r.seerr_request_id: outcome(r) for r in tracker.requests.values()}


WEBHOOKS = [
    ("12:00", "media_pending"),
    ("12:05", "media_auto_approved_tv"),
    ("12:10", "media_approved"),
    ("12:46:31", "media_available"),
    ("12:47:12", "media_available_tv"),
]


def webhook_tracker(
    names: list[tuple[str, str]], *, trust_available: bool = False
) -> Tracker:
    """Return a tracker that received these webhooks at these times."""
    tracker = tracker_at(at("13:00"), trust_available=trust_available)
    for time, name in names:
        tracker.apply(webhook(name), at=at(time))
    return tracker


@pytest.mark.parametrize("trust_available", [False, True])
async def test_recovered_history_leaves_the_tracker_as_the_webhooks(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, trust_available: bool
) -> None:
    """Home Assistant down all day: the list rebuilds what the webhooks would have."""
    aioclient_mock.get(LIST_URL, json=request_list())
    mock_titles(aioclient_mock)
    expected = webhook_tracker(WEBHOOKS, trust_available=trust_available)
    recovered = tracker_at(at("13:00"), trust_available=trust_available)

    result = await client.async_history_since(DAY_START)
    for event in result.events:
        recovered.apply(event.observation, at=event.at)

    assert by_seerr_id(recovered) == by_seerr_id(expected)
    assert by_seerr_id(recovered)[202]["timeline"] == [
        ("approved", "automatically"),
        ("seerr_available", None),
    ]


async def test_recovered_after_some_webhooks_adds_nothing_twice(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Down from 12:01: the read overlaps a webhook that came; read twice, no change."""
    aioclient_mock.get(LIST_URL, json=request_list())
    expected = webhook_tracker(WEBHOOKS)
    tracker = webhook_tracker(WEBHOOKS[:2])
    assert {r.seerr_request_id for r in tracker.requests.values()} == {201, 202}

    first = await client.async_history_since(at("12:01"), known_request_ids={201, 202})
    assert any(event.at == at("12:05") for event in first.events)
    for event in first.events:
        tracker.apply(event.observation, at=event.at)
    again = await client.async_history_since(at("12:01"), known_request_ids={201, 202})
    updates = [tracker.apply(event.observation, at=event.at) for event in again.events]

    assert aioclient_mock.call_count == 2
    assert by_seerr_id(tracker) == by_seerr_id(expected)
    assert again.events == first.events
    assert not any(updates)
