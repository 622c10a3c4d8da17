"""The read-only actions get_requests and get_deletion_log, and hub selection.

Any user may read: every call here is made as a read-only user. Time is
frozen and moved by hand so the answers (and the snapshots) are stable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.status_tracker.const import (
    CONF_HISTORY_SIZE,
    CONF_RETENTION_DAYS,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
)

from .conftest import ENTRY_ID, PostWebhook
from .flows import load_fixture, movie_flow, tv_flow

SECOND_ENTRY_ID = "01JSTATUSTRACKERHUB000002"
MOVIE, SHOW, BOBS_MOVIE = "req000001", "req000002", "req000003"


def bobs_request() -> dict[str, Any]:
    """Return Seerr's MEDIA_PENDING for Unrelated Movie, requested by Bob."""
    body = load_fixture("jellyseerr/media_pending.json")
    body["subject"] = "Unrelated Movie (2010)"
    body["image"] = (
        "https://image.tmdb.org/t/p/w600_and_h900_bestv2/unrelated-movie-poster.jpg"
    )
    body["media"]["tmdbId"] = "100001"
    body["request"]["request_id"] = "205"
    body["request"]["requestedBy_email"] = "bob@example.com"
    body["request"]["requestedBy_username"] = "Bob"
    return body


@pytest.fixture
async def three_requests(
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """Alice's movie (available), Alice's show (grabbed), Bob's movie (requested).

    One hour apart, in that order.
    """
    for step in movie_flow():
        await post_webhook(*step)
    freezer.tick(timedelta(hours=1))
    for step in tv_flow()[:4]:  # requested, approved, added, season pack grabbed
        await post_webhook(*step)
    freezer.tick(timedelta(hours=1))
    await post_webhook("seerr", bobs_request())
    states = {
        r.id: (r.title, str(r.state))
        for r in init_integration.runtime_data.tracker.requests.values()
    }
    assert states == {
        MOVIE: ("Example Movie", "available"),
        SHOW: ("Example Show", "grabbed"),
        BOBS_MOVIE: ("Unrelated Movie", "requested"),
    }
    return init_integration


async def call(
    hass: HomeAssistant, service: str, user: User | None, **data: Any
) -> dict[str, Any]:
    """Call a read action (as `user`) and return its answer."""
    response = await hass.services.async_call(
        DOMAIN,
        service,
        data,
        blocking=True,
        return_response=True,
        context=Context(user_id=user.id if user else None),
    )
    assert response is not None
    return dict(response)


def ids(response: dict[str, Any]) -> list[str]:
    return [view["request_id"] for view in response["requests"]]


# --------------------------------------------------------------- get_requests


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("three_requests")
async def test_active_requests_newest_first(
    hass: HomeAssistant, hass_read_only_user: User
) -> None:
    """By default a user sees the unfinished requests, newest first."""
    response = await call(hass, "get_requests", hass_read_only_user)

    assert response["total"] == 2
    assert response["offset"] == 0
    assert ids(response) == [BOBS_MOVIE, SHOW]
    assert [v["created_at"] for v in response["requests"]] == [
        "2026-01-10T14:00:00+00:00",
        "2026-01-10T13:00:00+00:00",
    ]
    assert [(v["state"], v["finished"]) for v in response["requests"]] == [
        ("requested", False),
        ("grabbed", False),
    ]


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("three_requests")
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "active"}, [BOBS_MOVIE, SHOW]),
        ({"status": "finished"}, [MOVIE]),
        ({"status": "all"}, [BOBS_MOVIE, SHOW, MOVIE]),
        ({"status": "all", "stages": ["grabbed", "available"]}, [SHOW, MOVIE]),
        # A single stage may be given as a string.
        ({"stages": "requested"}, [BOBS_MOVIE]),
        # Stages outside the status select nothing.
        ({"stages": ["available"]}, []),
        ({"status": "all", "media_type": "movie"}, [BOBS_MOVIE, MOVIE]),
        ({"status": "all", "media_type": "tv"}, [SHOW]),
        ({"status": "all", "requested_by": "ALICE"}, [SHOW, MOVIE]),
        ({"requested_by": "bob"}, [BOBS_MOVIE]),
        ({"status": "all", "requested_by": "carol"}, []),
        (
            {"status": "all", "media_type": "movie", "requested_by": "Alice"},
            [MOVIE],
        ),
    ],
)
async def test_filters(
    hass: HomeAssistant,
    hass_read_only_user: User,
    data: dict[str, Any],
    expected: list[str],
) -> None:
    """Status, stages, media type and requester narrow the list; total follows."""
    response = await call(hass, "get_requests", hass_read_only_user, **data)

    assert ids(response) == expected
    assert response["total"] == len(expected)


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("three_requests")
async def test_details(hass: HomeAssistant, hass_read_only_user: User) -> None:
    """Details add the timeline, and the episodes of shows; without them, neither."""
    full = await call(hass, "get_requests", hass_read_only_user, status="all")
    brief = await call(
        hass, "get_requests", hass_read_only_user, status="all", details=False
    )

    views = {v["request_id"]: v for v in full["requests"]}
    show = views[SHOW]
    assert [
        (e["season"], e["episode"], e["title"], e["stage"]) for e in show["episodes"]
    ] == [
        (1, 1, "Pilot", "grabbed"),
        (1, 2, "The Second Cook", "grabbed"),
        (1, 3, "The Third Cook", "grabbed"),
    ]
    assert show["episodes_summary"] == "0/3 available · 3 grabbed"
    assert [e["kind"] for e in show["timeline"]] == [
        "requested",
        "approved",
        "added_to_arr",
        "grabbed",
    ]
    assert "episodes" not in views[MOVIE]
    assert [e["kind"] for e in views[MOVIE]["timeline"]][-1] == "seerr_available"

    for view in brief["requests"]:
        assert "timeline" not in view
        assert "episodes" not in view
    brief_show = next(v for v in brief["requests"] if v["request_id"] == SHOW)
    assert brief_show == {
        k: v for k, v in show.items() if k not in ("timeline", "episodes")
    }


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("three_requests")
@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        (0, 2, [BOBS_MOVIE, SHOW]),
        (1, 1, [SHOW]),
        (2, 50, [MOVIE]),
        (3, 50, []),
        (0, 500, [BOBS_MOVIE, SHOW, MOVIE]),
    ],
)
async def test_paging(
    hass: HomeAssistant,
    hass_read_only_user: User,
    offset: int,
    limit: int,
    expected: list[str],
) -> None:
    """offset/limit pick a page; total counts every match."""
    response = await call(
        hass,
        "get_requests",
        hass_read_only_user,
        status="all",
        offset=offset,
        limit=limit,
    )

    assert ids(response) == expected
    assert (response["total"], response["offset"]) == (3, offset)


@pytest.mark.usefixtures("init_integration")
@pytest.mark.parametrize(
    "data",
    [
        {"limit": 501},
        {"limit": 0},
        {"offset": -1},
        {"status": "open"},
        {"stages": ["bogus"]},
        {"stages": ["grabbed", "stalled"]},
        {"media_type": "music"},
        {"details": "sometimes"},
        {"unknown": 1},
    ],
)
async def test_invalid_input_is_refused(
    hass: HomeAssistant, hass_read_only_user: User, data: dict[str, Any]
) -> None:
    """Out-of-range paging and unknown values are refused before anything runs."""
    with pytest.raises(probatio.Invalid):
        await call(hass, "get_requests", hass_read_only_user, **data)


@pytest.mark.parametrize("data", [{"limit": 501}, {"offset": -5}, {"request_id": 5}])
@pytest.mark.usefixtures("init_integration")
async def test_invalid_deletion_log_input_is_refused(
    hass: HomeAssistant, hass_read_only_user: User, data: dict[str, Any]
) -> None:
    """The deletion log pages the same way; request ids are strings."""
    if "request_id" in data:
        # A number is coerced to its string, which simply matches nothing.
        response = await call(hass, "get_deletion_log", hass_read_only_user, **data)
        assert response == {"total": 0, "offset": 0, "entries": []}
        return
    with pytest.raises(probatio.Invalid):
        await call(hass, "get_deletion_log", hass_read_only_user, **data)


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("three_requests")
async def test_requests_snapshot(
    hass: HomeAssistant, hass_read_only_user: User, snapshot: SnapshotAssertion
) -> None:
    """The whole answer for every request, with details."""
    response = await call(hass, "get_requests", hass_read_only_user, status="all")

    assert response == snapshot


# ----------------------------------------------------------- get_deletion_log


@pytest.fixture
async def two_deletions(
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    """The movie deleted in Radarr at 12:30, the show in Sonarr at 13:30."""
    for step in movie_flow():
        await post_webhook(*step)
    freezer.tick(timedelta(minutes=30))
    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    freezer.tick(timedelta(minutes=30))
    for step in tv_flow():
        await post_webhook(*step)
    freezer.tick(timedelta(minutes=30))
    await post_webhook("sonarr", load_fixture("sonarr/series_delete.json"))
    tracker = init_integration.runtime_data.tracker
    assert {str(r.state) for r in tracker.requests.values()} == {"deleted"}
    assert len(tracker.deletion_log) == 2
    return init_integration


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("two_deletions")
async def test_deletion_log_newest_first(
    hass: HomeAssistant, hass_read_only_user: User, snapshot: SnapshotAssertion
) -> None:
    """Any user reads who deleted what, newest first."""
    response = await call(hass, "get_deletion_log", hass_read_only_user)

    assert (response["total"], response["offset"]) == (2, 0)
    assert [
        (e["at"], e["request_id"], e["title"], e["source"]) for e in response["entries"]
    ] == [
        ("2026-01-10T13:30:00+00:00", SHOW, "Example Show", "sonarr"),
        ("2026-01-10T12:30:00+00:00", MOVIE, "Example Movie", "radarr"),
    ]
    assert response == snapshot


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("two_deletions")
@pytest.mark.parametrize(
    ("data", "total", "expected"),
    [
        ({"request_id": MOVIE}, 1, [MOVIE]),
        ({"request_id": SHOW}, 1, [SHOW]),
        ({"request_id": "req999999"}, 0, []),
        ({"limit": 1}, 2, [SHOW]),
        ({"offset": 1, "limit": 1}, 2, [MOVIE]),
        ({"offset": 2}, 2, []),
        ({"request_id": SHOW, "offset": 1}, 1, []),
    ],
)
async def test_deletion_log_filter_and_paging(
    hass: HomeAssistant,
    hass_read_only_user: User,
    data: dict[str, Any],
    total: int,
    expected: list[str],
) -> None:
    """request_id narrows the log; offset/limit page it; total counts matches."""
    response = await call(hass, "get_deletion_log", hass_read_only_user, **data)

    assert [e["request_id"] for e in response["entries"]] == expected
    assert (response["total"], response["offset"]) == (total, data.get("offset", 0))


@pytest.mark.usefixtures("init_integration")
async def test_empty_deletion_log(
    hass: HomeAssistant, hass_read_only_user: User
) -> None:
    """Nothing deleted yet: an empty page."""
    response = await call(hass, "get_deletion_log", hass_read_only_user)

    assert response == {"total": 0, "offset": 0, "entries": []}


# -------------------------------------------------------------- hub selection


@pytest.fixture
async def second_hub(hass: HomeAssistant) -> MockConfigEntry:
    """Return a second loaded hub, without services."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=SECOND_ENTRY_ID,
        title="Second stack",
        unique_id="second_stack",
        data={"name": "Second stack"},
        options={
            CONF_RETENTION_DAYS: 7,
            CONF_HISTORY_SIZE: 5000,
            CONF_WEBHOOK_LOCAL_ONLY: False,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def assert_refused(err: pytest.ExceptionInfo[ServiceValidationError], key: str) -> None:
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key


@pytest.mark.freeze_time("2026-01-10 12:00:00+00:00")
@pytest.mark.usefixtures("two_deletions")
@pytest.mark.parametrize(
    ("service", "key", "first"),
    [
        ("get_requests", "requests", [SHOW, MOVIE]),
        ("get_deletion_log", "entries", [SHOW, MOVIE]),
    ],
)
async def test_several_hubs_need_a_choice(
    hass: HomeAssistant,
    hass_read_only_user: User,
    second_hub: MockConfigEntry,
    service: str,
    key: str,
    first: list[str],
) -> None:
    """With two hubs the call must name one; each answers for itself."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, hass_read_only_user)
    assert_refused(err, "several_hubs")

    extra = {"status": "finished"} if service == "get_requests" else {}
    answers = {
        entry_id: await call(
            hass, service, hass_read_only_user, config_entry_id=entry_id, **extra
        )
        for entry_id in (ENTRY_ID, SECOND_ENTRY_ID)
    }

    assert [item["request_id"] for item in answers[ENTRY_ID][key]] == first
    assert answers[SECOND_ENTRY_ID] == {"total": 0, "offset": 0, key: []}


@pytest.mark.usefixtures("init_integration", "second_hub")
async def test_sync_of_several_hubs_needs_a_choice(hass: HomeAssistant) -> None:
    """sync_library chooses its hub the same way."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "sync_library", {}, blocking=True, return_response=True
        )
    assert_refused(err, "several_hubs")

    response = await hass.services.async_call(
        DOMAIN,
        "sync_library",
        {"config_entry_id": SECOND_ENTRY_ID},
        blocking=True,
        return_response=True,
    )
    # The second hub has no services: nothing to scan, nothing asked.
    assert response == {
        "scanned": 0,
        "added": 0,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "failures": [],
    }


@pytest.mark.usefixtures("init_integration")
async def test_unknown_hub(hass: HomeAssistant, hass_read_only_user: User) -> None:
    """An id that names no hub (or another integration's entry) is not found."""
    other_domain = MockConfigEntry(
        domain="webhook", entry_id="01JOTHERINTEGRATION00000"
    )
    other_domain.add_to_hass(hass)

    for entry_id in ("01JNOSUCHENTRY0000000000", other_domain.entry_id):
        with pytest.raises(ServiceValidationError) as err:
            await call(
                hass, "get_requests", hass_read_only_user, config_entry_id=entry_id
            )
        assert_refused(err, "entry_not_found")
        assert err.value.translation_placeholders == {"entry_id": entry_id}


@pytest.mark.usefixtures("init_integration")
async def test_unloaded_hub(
    hass: HomeAssistant, hass_read_only_user: User, second_hub: MockConfigEntry
) -> None:
    """A hub that exists but is not loaded says so; the only loaded one is used."""
    assert await hass.config_entries.async_unload(second_hub.entry_id)
    assert second_hub.state is ConfigEntryState.NOT_LOADED

    with pytest.raises(ServiceValidationError) as err:
        await call(
            hass,
            "get_deletion_log",
            hass_read_only_user,
            config_entry_id=SECOND_ENTRY_ID,
        )
    assert_refused(err, "entry_not_loaded")
    assert err.value.translation_placeholders == {"entry_id": SECOND_ENTRY_ID}
    # Without an id, the one loaded hub answers.
    assert (await call(hass, "get_requests", hass_read_only_user))["total"] == 0


async def test_no_hub(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_read_only_user: User,
) -> None:
    """The actions stay registered without a loaded hub, and say there is none."""
    assert await hass.config_entries.async_unload(init_integration.entry_id)

    for service in ("get_requests", "get_deletion_log"):
        with pytest.raises(ServiceValidationError) as err:
            await call(hass, service, hass_read_only_user)
        assert_refused(err, "no_hub")
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "sync_library", {}, blocking=True, return_response=True
        )
    assert_refused(err, "no_hub")
