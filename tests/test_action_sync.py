"""The sync_library action: Jellyfin's media, the *arr links and Seerr's ids.

Jellyfin's movies and series that no request tracks become finished
`library` requests (stored, no entity, no event); the *arr and Seerr lists
only fill in what tracked requests lack. Upstream answers are registered
right before the sync, ahead of the general mocks, so every call can be
checked.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from aiohttp import ClientError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import Unauthorized, UnknownUser
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker
from syrupy.assertion import SnapshotAssertion

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.core.model import Request
from custom_components.status_tracker.store import _VersionedStore

from .conftest import (
    API_KEYS,
    ENTRY_ID,
    SUBENTRY_IDS,
    URLS,
    PostWebhook,
    mock_health,
    mock_recent_items,
)
from .flows import (
    MOVIE_JELLYFIN_ID,
    SHOW_JELLYFIN_ID,
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
    tv_flow,
)

STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
EVENT_ENTITY = "event.media_stack_stage_change"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
UNRELATED_JELLYFIN_ID = "8e9f0a1b2c3d44e5f6a7b8c9d0e1f2a3"

# ------------------------------------------------------------ upstream answers

_RECENT = load_fixture("jellyfin/api_items_recent.json")["Items"]
# Library DTOs (GET /Items ... Fields=ProviderIds,Path): the recent-items and
# series fixtures without the DateCreated the library query does not ask for.
MOVIE_DTO = {k: v for k, v in _RECENT[0].items() if k != "DateCreated"}
UNRELATED_DTO = {
    k: v
    for k, v in next(i for i in _RECENT if i["Name"] == "Unrelated Movie").items()
    if k != "DateCreated"
}
SHOW_DTO = jellyfin_series_items()["Items"][0]
# A movie Jellyfin knows from metadata only (no file): not in the library.
MISSING_MOVIE_DTO = {
    "Name": "Upcoming Movie",
    "ServerId": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
    "Id": "9a0b1c2d3e4f45a6b7c8d9e0f1a2b3c4",
    "PremiereDate": "2026-06-01T00:00:00.0000000Z",
    "ChannelId": None,
    "ProductionYear": 2026,
    "ProviderIds": {"Tmdb": "100002"},
    "IsFolder": False,
    "Type": "Movie",
    "ImageBlurHashes": {},
    "LocationType": "Virtual",
    "MediaType": "Video",
}

# Sonarr GET /api/v3/series and Radarr GET /api/v3/movie entries (camelCase,
# nulls omitted), as in the fixtures of the same world.
SONARR_SHOW: dict[str, Any] = {
    "title": "Example Show",
    "sortTitle": "example show",
    "status": "ended",
    "ended": True,
    "year": 2008,
    "path": "/data/media/tv/Example Show (2008)",
    "qualityProfileId": 1,
    "seasonFolder": True,
    "monitored": True,
    "tvdbId": 81189,
    "tvRageId": 18164,
    "tvMazeId": 169,
    "tmdbId": 1396,
    "seriesType": "standard",
    "cleanTitle": "exampleshow",
    "imdbId": "tt0903747",
    "titleSlug": "example-show",
    "rootFolderPath": "/data/media/tv/",
    "tags": [],
    "added": "2026-01-10T12:00:05Z",
    "id": 7,
}
SONARR_OTHER_SHOW: dict[str, Any] = {
    **SONARR_SHOW,
    "title": "Other Show",
    "sortTitle": "other show",
    "path": "/data/media/tv/Other Show (2015)",
    "year": 2015,
    "tvdbId": 280619,
    "tvRageId": 0,
    "tvMazeId": 1825,
    "tmdbId": 62560,
    "imdbId": "tt4158110",
    "titleSlug": "other-show",
    "id": 8,
}
RADARR_MOVIE: dict[str, Any] = {
    "title": "Example Movie",
    "originalTitle": "Example Movie",
    "sortTitle": "example movie",
    "sizeOnDisk": 8_123_456_789,
    "status": "released",
    "year": 1999,
    "path": "/data/media/movies/Example Movie (1999)",
    "qualityProfileId": 4,
    "hasFile": True,
    "movieFileId": 1201,
    "monitored": True,
    "folderName": "/data/media/movies/Example Movie (1999)",
    "imdbId": "tt0133093",
    "tmdbId": 603,
    "titleSlug": "603",
    "rootFolderPath": "/data/media/movies",
    "tags": [],
    "added": "2026-01-10T12:00:04Z",
    "id": 12,
}

# Seerr GET /api/v1/request results (TypeORM JSON: camelCase, nulls kept).
ALICE = {"id": 2, "displayName": "alice", "jellyfinUsername": "alice"}
SEERR_MOVIE_REQUEST: dict[str, Any] = {
    "id": 201,
    "status": 2,
    "createdAt": "2026-01-10T12:00:00.000Z",
    "updatedAt": "2026-01-10T12:00:00.000Z",
    "type": "movie",
    "is4k": False,
    "serverId": 0,
    "profileId": 4,
    "rootFolder": "/data/media/movies",
    "media": {
        "id": 101,
        "mediaType": "movie",
        "tmdbId": 603,
        "tvdbId": None,
        "status": 5,
        "externalServiceId": 12,
        "jellyfinMediaId": MOVIE_JELLYFIN_ID,
    },
    "seasons": [],
    "modifiedBy": ALICE,
    "requestedBy": ALICE,
    "seasonCount": 0,
}
SEERR_SHOW_REQUEST: dict[str, Any] = {
    **SEERR_MOVIE_REQUEST,
    "id": 202,
    "createdAt": "2026-01-10T12:05:00.000Z",
    "type": "tv",
    "rootFolder": "/data/media/tv",
    "media": {
        "id": 102,
        "mediaType": "tv",
        "tmdbId": 1396,
        "tvdbId": 81189,
        "status": 3,
        "externalServiceId": 7,
        "jellyfinMediaId": SHOW_JELLYFIN_ID,
    },
    "seasons": [{"id": 11, "seasonNumber": 1, "status": 2}],
    "seasonCount": 1,
}
EMPTY_SEERR_PAGE = {
    "pageInfo": {"pages": 0, "pageSize": 100, "results": 0, "page": 1},
    "results": [],
}


def jellyfin_page(items: list[dict[str, Any]], start: int, total: int) -> Any:
    """Return Jellyfin's GET /Items answer of one library page."""
    return {"Items": items, "TotalRecordCount": total, "StartIndex": start}


def seerr_page(results: list[dict[str, Any]], page: int, pages: int) -> Any:
    """Return Seerr's GET /api/v1/request answer of one page."""
    return {
        "pageInfo": {"pages": pages, "pageSize": 1, "results": pages, "page": page},
        "results": results,
    }


def mock_sync(
    aioclient_mock: AiohttpClientMocker,
    *,
    jellyfin: dict[int, Any],
    series: Any = None,
    movies: Any = None,
    seerr: dict[int, Any] | None = None,
) -> None:
    """Answer a sync: Jellyfin pages by StartIndex, Seerr pages by skip.

    A value may be an int (an HTTP error status) or an exception instead of a
    body. Registered first, then the answers every test needs, so the general
    mocks never shadow these; earlier calls are forgotten.
    """
    aioclient_mock.clear_requests()
    answers: list[tuple[str, Any]] = [
        (f"{URLS['jellyfin']}/Items?SortBy=SortName&StartIndex={start}", answer)
        for start, answer in jellyfin.items()
    ]
    answers += [
        (f"{URLS['seerr']}/api/v1/request?skip={skip}", answer)
        for skip, answer in (seerr or {0: EMPTY_SEERR_PAGE}).items()
    ]
    answers += [
        (f"{URLS['sonarr']}/api/v3/series", [] if series is None else series),
        (f"{URLS['radarr']}/api/v3/movie", [] if movies is None else movies),
    ]
    for url, answer in answers:
        if isinstance(answer, int):
            aioclient_mock.get(url, status=answer, json={"message": "error"})
        elif isinstance(answer, Exception):
            aioclient_mock.get(url, exc=answer)
        else:
            aioclient_mock.get(url, json=answer)
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())


def calls(aioclient_mock: AiohttpClientMocker, service: str, path: str) -> list[Any]:
    """Return the query of every GET to one service's path, in order."""
    host = URLS[service].split("//")[1].split(":")[0]
    return [
        dict(url.query)
        for method, url, _, _ in aioclient_mock.mock_calls
        if method.lower() == "get" and url.host == host and url.path == path
    ]


async def sync(hass: HomeAssistant, **kwargs: Any) -> dict[str, Any]:
    """Call sync_library and return its answer."""
    response = await hass.services.async_call(
        DOMAIN, "sync_library", {}, blocking=True, return_response=True, **kwargs
    )
    await hass.async_block_till_done()
    assert response is not None
    return dict(response)


def requests_of(entry: MockConfigEntry) -> dict[str, Request]:
    """Return the hub's requests by title."""
    return {r.title: r for r in entry.runtime_data.tracker.requests.values()}


async def write_store(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the debounced save run."""
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


@pytest.fixture
def fired(hass: HomeAssistant) -> list[str]:
    """Collect the event types the stage change entity fires."""
    events: list[str] = []

    @callback
    def collect(event: Event) -> None:
        new_state = event.data["new_state"]
        if new_state is not None and "event_type" in new_state.attributes:
            events.append(new_state.attributes["event_type"])

    async_track_state_change_event(hass, EVENT_ENTITY, collect)
    return events


# ---------------------------------------------------------------------- tests


async def test_sync_adds_library_media_quietly(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    fired: list[str],
) -> None:
    """Two pages of Jellyfin: new media is stored as history, the request is filled."""
    for step in movie_flow()[:2]:  # requested and approved in Seerr
        await post_webhook(*step)
    movie = requests_of(init_integration)["Example Movie"]
    assert (movie.imdb_id, movie.movie.jellyfin_id) == (None, None)
    assert fired == ["requested", "approved"]
    fired.clear()
    event_before = hass.states.get(EVENT_ENTITY)
    sensors_before = set(hass.states.async_entity_ids("sensor"))
    registry_before = set(entity_registry.entities)
    mock_sync(
        aioclient_mock,
        jellyfin={
            0: jellyfin_page([MOVIE_DTO, SHOW_DTO], 0, 4),
            2: jellyfin_page([UNRELATED_DTO, MISSING_MOVIE_DTO], 2, 4),
        },
    )

    with patch("custom_components.status_tracker.library_sync.LIBRARY_PAGE_SIZE", 2):
        response = await sync(hass)

    assert response == {
        "scanned": 3,
        "added": 2,
        "updated": 1,
        "unchanged": 0,
        "errors": 0,
        "failures": [],
    }
    # Paged by StartIndex until TotalRecordCount is reached.
    pages = calls(aioclient_mock, "jellyfin", "/Items")
    assert [(p["StartIndex"], p["Limit"]) for p in pages] == [("0", "2"), ("2", "2")]
    assert {
        (p["IncludeItemTypes"], p["SortBy"], p["SortOrder"], p["Recursive"])
        for p in pages
    } == {("Movie,Series", "SortName", "Ascending", "true")}
    assert {p["Fields"] for p in pages} == {"ProviderIds,Path"}

    found = requests_of(init_integration)
    assert sorted(found) == ["Example Movie", "Example Show", "Unrelated Movie"]
    # The tracked request got the ids it lacked and stays where it was.
    assert found["Example Movie"] is movie
    assert (movie.imdb_id, movie.movie.jellyfin_id) == ("tt0133093", MOVIE_JELLYFIN_ID)
    assert (movie.origin, movie.state) == ("seerr", "approved")
    assert hass.states.get(MOVIE_SENSOR).state == "approved"
    # New media is finished history from the library.
    show, unrelated = found["Example Show"], found["Unrelated Movie"]
    assert [(r.origin, r.state, r.finished) for r in (show, unrelated)] == [
        ("library", "available", True),
        ("library", "available", True),
    ]
    assert show.jellyfin_series_id == SHOW_JELLYFIN_ID
    assert (show.tvdb_id, show.tmdb_id, show.imdb_id) == (81189, 1396, "tt0903747")
    assert unrelated.movie.jellyfin_id == UNRELATED_JELLYFIN_ID
    assert (unrelated.tmdb_id, unrelated.year) == (100001, 2010)
    assert [e.kind for e in unrelated.timeline] == ["in_library"]
    # No entity and no event for history.
    assert set(hass.states.async_entity_ids("sensor")) == sensors_before
    assert set(entity_registry.entities) == registry_before
    assert fired == []
    assert hass.states.get(EVENT_ENTITY) == event_before

    await write_store(hass, freezer)
    stored = {r["title"]: r for r in hass_storage[STORAGE_KEY]["data"]["requests"]}
    assert sorted(stored) == ["Example Movie", "Example Show", "Unrelated Movie"]
    assert stored["Unrelated Movie"]["from_library"] is True
    assert stored["Unrelated Movie"]["state"] == "available"
    assert stored["Example Show"]["jellyfin_series_id"] == SHOW_JELLYFIN_ID
    assert stored["Example Movie"]["movie"]["jellyfin_id"] == MOVIE_JELLYFIN_ID
    assert stored["Example Movie"]["from_library"] is False


async def test_second_sync_changes_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    fired: list[str],
) -> None:
    """Everything found again is unchanged: no write, no event, same data."""
    library = {0: jellyfin_page([MOVIE_DTO, SHOW_DTO, UNRELATED_DTO], 0, 3)}
    mock_sync(
        aioclient_mock,
        jellyfin=library,
        series=[SONARR_SHOW],
        movies=[RADARR_MOVIE],
        seerr={0: seerr_page([SEERR_MOVIE_REQUEST], 1, 1)},
    )
    first = await sync(hass)
    assert (first["added"], first["updated"], first["unchanged"]) == (3, 3, 0)
    await write_store(hass, freezer)
    stored = copy.deepcopy(hass_storage[STORAGE_KEY]["data"]["requests"])
    writes: list[str] = []
    write_data = _VersionedStore._async_write_data

    # Whatever the private signature (Home Assistant 2026 dropped its `path`).
    async def counting_write(store: Store[Any], *args: Any) -> None:
        writes.append(store.key)
        await write_data(store, *args)

    with patch.object(_VersionedStore, "_async_write_data", counting_write):
        second = await sync(hass)
        await write_store(hass, freezer)

    assert second == {
        "scanned": 6,
        "added": 0,
        "updated": 0,
        "unchanged": 6,
        "errors": 0,
        "failures": [],
    }
    assert writes == []
    assert hass_storage[STORAGE_KEY]["data"]["requests"] == stored
    assert fired == []
    # The same three answers were read again: Jellyfin, Sonarr, Radarr, Seerr.
    assert len(calls(aioclient_mock, "jellyfin", "/Items")) == 2
    assert len(calls(aioclient_mock, "sonarr", "/api/v3/series")) == 2
    assert len(calls(aioclient_mock, "radarr", "/api/v3/movie")) == 2
    assert len(calls(aioclient_mock, "seerr", "/api/v1/request")) == 2


async def test_arr_and_seerr_fill_what_requests_lack(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    fired: list[str],
) -> None:
    """Sonarr links the show, Radarr and Seerr the library movie; 202 is known."""
    for step in tv_flow()[:2]:  # Sonarr's "series added" never arrived
        await post_webhook(*step)
    show = requests_of(init_integration)["Example Show"]
    assert (show.arr_id, show.imdb_id, show.seerr_request_id) == (None, None, 202)
    assert show.episodes == {}
    fired.clear()
    mock_sync(
        aioclient_mock,
        jellyfin={0: jellyfin_page([MOVIE_DTO], 0, 1)},
        series=[SONARR_SHOW, SONARR_OTHER_SHOW],
        movies=[RADARR_MOVIE],
        seerr={
            0: seerr_page([SEERR_MOVIE_REQUEST], 1, 3),
            1: seerr_page([SEERR_SHOW_REQUEST], 2, 3),
            # A request whose media is gone cannot be matched: skipped.
            2: seerr_page([{**SEERR_MOVIE_REQUEST, "id": 207, "media": None}], 3, 3),
        },
    )

    with patch("custom_components.status_tracker.library_sync.SEERR_PAGE_SIZE", 1):
        response = await sync(hass)

    assert response == {
        "scanned": 6,
        "added": 1,
        "updated": 3,
        "unchanged": 2,
        "errors": 0,
        "failures": [],
    }
    assert [
        (p["take"], p["skip"], p["sort"], p["sortDirection"], p["filter"])
        for p in calls(aioclient_mock, "seerr", "/api/v1/request")
    ] == [
        ("1", "0", "added", "asc", "all"),
        ("1", "1", "added", "asc", "all"),
        ("1", "2", "added", "asc", "all"),
    ]
    assert calls(aioclient_mock, "sonarr", "/api/v3/series") == [{}]
    assert calls(aioclient_mock, "radarr", "/api/v3/movie") == [{}]

    found = requests_of(init_integration)
    assert sorted(found) == ["Example Movie", "Example Show"]
    assert found["Example Show"] is show
    assert (show.arr_service, show.arr_instance, show.arr_id) == (
        "sonarr",
        SUBENTRY_IDS["sonarr"],
        7,
    )
    assert show.imdb_id == "tt0903747"
    assert (show.seerr_request_id, show.state) == (202, "approved")
    movie = found["Example Movie"]
    assert (movie.arr_service, movie.arr_instance, movie.arr_id) == (
        "radarr",
        SUBENTRY_IDS["radarr"],
        12,
    )
    assert (movie.seerr_request_id, movie.requested_by) == (201, "alice")
    assert (movie.from_library, movie.state) == (True, "available")
    assert fired == []
    assert hass.states.get(SHOW_SENSOR).state == "approved"

    # The next maintenance reads the episode list of the show now linked.
    freezer.tick(timedelta(minutes=15))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert calls(aioclient_mock, "sonarr", "/api/v3/episode") == [{"seriesId": "7"}]
    assert sorted(show.episodes) == ["S01E01", "S01E02", "S01E03"]

    # Nothing is left for a second run.
    with patch("custom_components.status_tracker.library_sync.SEERR_PAGE_SIZE", 1):
        again = await sync(hass)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 6)


async def test_failing_service_is_reported_others_still_sync(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    snapshot: SnapshotAssertion,
) -> None:
    """Jellyfin's page 2 and Sonarr fail: counted, described, no key leaks."""
    mock_sync(
        aioclient_mock,
        jellyfin={
            0: jellyfin_page([MOVIE_DTO, SHOW_DTO], 0, 3),
            2: ClientError("Connection reset by peer"),
        },
        series=500,
        movies=[RADARR_MOVIE],
        seerr={0: seerr_page([SEERR_MOVIE_REQUEST], 1, 1)},
    )

    with patch("custom_components.status_tracker.library_sync.LIBRARY_PAGE_SIZE", 2):
        response = await sync(hass)

    assert response["errors"] == 2
    assert response["failures"] == [
        {
            "service": "jellyfin",
            "instance": "jellyfin",
            "error": "Jellyfin at jellyfin.local:8096: GET /Items failed: "
            "Connection reset by peer",
        },
        {
            "service": "sonarr",
            "instance": "Sonarr",
            "error": "Sonarr at sonarr.local:8989: GET /api/v3/series answered HTTP 500",
        },
    ]
    assert response == snapshot
    assert not [key for key in API_KEYS.values() if key in repr(response)]
    # Page 1 of Jellyfin was kept; Radarr and Seerr still filled the movie.
    assert (response["added"], response["updated"], response["unchanged"]) == (
        2,
        2,
        0,
    )
    found = requests_of(init_integration)
    assert sorted(found) == ["Example Movie", "Example Show"]
    assert found["Example Movie"].arr_id == 12
    assert found["Example Movie"].seerr_request_id == 201
    assert found["Example Show"].arr_id is None
    assert len(calls(aioclient_mock, "jellyfin", "/Items")) == 2


async def test_a_refused_key_is_a_failure_too(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Seerr refusing the key (401) and Radarr's odd answer are failures, not crashes."""
    mock_sync(
        aioclient_mock,
        jellyfin={0: jellyfin_page([], 0, 0)},
        movies={"message": "not a list"},
        seerr={0: 401},
    )

    response = await sync(hass)

    assert response["scanned"] == 0
    assert [(f["service"], f["instance"]) for f in response["failures"]] == [
        ("seerr", "Seerr (seerr.local)"),
        ("radarr", "Radarr"),
    ]
    assert response["failures"][0]["error"] == (
        "Seerr at seerr.local:5055: GET /api/v1/request was refused (HTTP 401)"
    )
    assert response["errors"] == 2
    assert not [key for key in API_KEYS.values() if key in repr(response)]


async def test_only_administrators_may_sync(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
    hass_read_only_user: User,
    hass_admin_user: User,
) -> None:
    """A regular user is refused before anything is asked; admins and automations sync."""
    mock_sync(aioclient_mock, jellyfin={0: jellyfin_page([MOVIE_DTO], 0, 1)})

    with pytest.raises(Unauthorized):
        await sync(hass, context=Context(user_id=hass_read_only_user.id))
    with pytest.raises(UnknownUser):
        await sync(hass, context=Context(user_id="0123456789abcdef0123456789abcdef"))
    assert aioclient_mock.mock_calls == []
    assert len(init_integration.runtime_data.tracker.requests) == 0

    by_admin = await sync(hass, context=Context(user_id=hass_admin_user.id))
    assert by_admin["added"] == 1
    by_automation = await sync(hass)
    assert (by_automation["added"], by_automation["unchanged"]) == (0, 1)


async def test_sync_of_the_hub_named(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """config_entry_id picks the hub; the sync touches that hub only."""
    mock_sync(aioclient_mock, jellyfin={0: jellyfin_page([UNRELATED_DTO], 0, 1)})

    response = await hass.services.async_call(
        DOMAIN,
        "sync_library",
        {"config_entry_id": ENTRY_ID},
        blocking=True,
        return_response=True,
    )

    assert response is not None
    assert response["added"] == 1
    assert sorted(requests_of(init_integration)) == ["Unrelated Movie"]
