"""The delete_request action: delete a request everywhere, log it, drop its sensor.

Seerr, Radarr, Sonarr, Jellyfin and qBittorrent answer through aioclient_mock
with the shapes their APIs use; a test changes an answer's status to make a
service fail or miss the item. Requests come from replaying the movie and TV
flows through the webhooks, as the services would send them.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from freezegun.api import FrozenDateTimeFactory
from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import probatio
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from syrupy.assertion import SnapshotAssertion
from yarl import URL

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.core.model import Outcome

from .conftest import ENTRY_ID, URLS, PostWebhook
from .flows import (
    MOVIE_HASH,
    MOVIE_JELLYFIN_ID,
    SHOW_HASH,
    Step,
    jellyfin_episode,
    load_fixture,
    movie_flow,
    tv_flow,
)

STORAGE_KEY = f"{DOMAIN}.{ENTRY_ID}"
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
SEASON_2_SENSOR = "sensor.media_stack_example_show_s2"
MOVIE_ID = "req000001"

QBT_URL = "http://qbittorrent.local:8080"
QBT_ID = "qbittorrent_subentry"
QBT_TITLE = "qBittorrent (qbittorrent.local:8080)"
# The season 2 pack Sonarr grabs for a second request of Example Show.
SEASON_2_HASH = "e5f7a9c1b3d5047f6a8c0e2b4d6f8a0c1e3b5d79"
SHOW_EPISODE_ITEMS = [jellyfin_episode(n)["ItemId"] for n in (1, 2, 3)]

# Endpoints as "METHOD url" (without the query); a test sets their status.
RADARR_MOVIE = f"DELETE {URLS['radarr']}/api/v3/movie/12"
SONARR_SERIES = f"DELETE {URLS['sonarr']}/api/v3/series/7"
TORRENTS_INFO = f"GET {QBT_URL}/api/v2/torrents/info"
TORRENTS_DELETE = f"POST {QBT_URL}/api/v2/torrents/delete"


def seerr(method: str, path: str) -> str:
    """Return a Seerr endpoint below /api/v1."""
    return f"{method} {URLS['seerr']}/api/v1/{path}"


def jellyfin_item(item_id: str) -> str:
    """Return the Jellyfin endpoint that deletes one item."""
    return f"DELETE {URLS['jellyfin']}/Items/{item_id}"


# Seerr serialises TypeORM entities with JSON.stringify: camelCase, nulls kept.
ALICE: dict[str, Any] = {
    "permissions": 32,
    "id": 2,
    "email": "alice@example.com",
    "plexUsername": None,
    "jellyfinUsername": "alice",
    "username": None,
    "userType": 3,
    "avatar": "/avatarproxy/9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    "createdAt": "2025-11-02T09:14:00.000Z",
    "updatedAt": "2026-01-10T12:00:00.000Z",
    "requestCount": 3,
    "displayName": "alice",
}


def seerr_request(request_id: int, *, tv: bool, season: int = 1) -> dict[str, Any]:
    """Return Seerr's GET /api/v1/request/{id} answer for the movie or the show."""
    media: dict[str, Any] = {
        "downloadStatus": [],
        "downloadStatus4k": [],
        "id": 102 if tv else 101,
        "mediaType": "tv" if tv else "movie",
        "tmdbId": 1396 if tv else 603,
        "tvdbId": 81189 if tv else None,
        "imdbId": None,
        "status": 4 if tv else 5,
        "status4k": 1,
        "createdAt": "2026-01-10T12:00:00.000Z",
        "updatedAt": "2026-01-10T12:47:00.000Z",
        "serviceId": 0,
        "serviceId4k": None,
        "externalServiceId": 7 if tv else 12,
        "externalServiceId4k": None,
        "jellyfinMediaId": "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
        if tv
        else MOVIE_JELLYFIN_ID,
        "jellyfinMediaId4k": None,
    }
    return {
        "id": request_id,
        "status": 2,
        "createdAt": "2026-01-10T12:00:00.000Z",
        "updatedAt": "2026-01-10T12:00:00.000Z",
        "type": "tv" if tv else "movie",
        "is4k": False,
        "serverId": 0,
        "profileId": 1 if tv else 4,
        "rootFolder": "/data/media/tv" if tv else "/data/media/movies",
        "languageProfileId": 1 if tv else None,
        "tags": [],
        "isAutoRequest": False,
        "media": media,
        "seasons": [
            {
                "id": 300 + season,
                "seasonNumber": season,
                "status": 2,
                "createdAt": "2026-01-10T12:00:00.000Z",
                "updatedAt": "2026-01-10T12:00:00.000Z",
            }
        ]
        if tv
        else [],
        "modifiedBy": ALICE,
        "requestedBy": ALICE,
        "seasonCount": 1 if tv else 0,
    }


class Upstream:
    """What the services answer to a deletion; tests change statuses and torrents."""

    def __init__(self, mock: AiohttpClientMocker) -> None:
        self.mock = mock
        # Endpoint ("METHOD url") -> HTTP status to answer instead of success.
        self.status: dict[str, int] = {}
        self.torrents = {
            torrent["hash"]: torrent
            for torrent in load_fixture("qbittorrent/torrents_info.json")
        }
        self._start = 0
        answers: list[tuple[str, int, Any]] = [
            (RADARR_MOVIE, 200, None),
            (SONARR_SERIES, 200, None),
            (seerr("GET", "request/201"), 200, seerr_request(201, tv=False)),
            (seerr("GET", "request/202"), 200, seerr_request(202, tv=True)),
            (seerr("GET", "request/205"), 200, seerr_request(205, tv=True, season=2)),
            *((seerr("DELETE", f"request/{i}"), 204, None) for i in (201, 202, 205)),
            *((seerr("DELETE", f"media/{i}"), 204, None) for i in (101, 102)),
            *(
                (jellyfin_item(item_id), 204, None)
                for item_id in (MOVIE_JELLYFIN_ID, *SHOW_EPISODE_ITEMS)
            ),
        ]
        for endpoint, status, body in answers:
            method, url = endpoint.split(" ")
            mock.request(
                method.lower(), url, side_effect=self._answer(endpoint, status, body)
            )
        mock.post(
            f"{QBT_URL}/api/v2/auth/login",
            text="Ok.",
            headers={"Set-Cookie": "SID=HfsWvP2BzbPRCQqPMiknlj33fg; HttpOnly; path=/"},
        )
        mock.get(
            f"{QBT_URL}/api/v2/sync/maindata",
            json={"rid": 1, "full_update": True, "torrents": {}},
        )
        mock.get(f"{QBT_URL}/api/v2/torrents/info", side_effect=self._torrents_info)
        mock.post(
            f"{QBT_URL}/api/v2/torrents/delete", side_effect=self._torrents_delete
        )

    def _answer(self, endpoint: str, status: int, body: Any) -> Any:
        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            return self._response(method, url, self.status.get(endpoint, status), body)

        return answer

    @staticmethod
    def _response(
        method: str, url: URL, status: int, body: Any
    ) -> AiohttpClientMockResponse:
        if 200 <= status < 300:
            return AiohttpClientMockResponse(method, url, status=status, json=body)
        return AiohttpClientMockResponse(
            method, url, status=status, json={"message": "Internal Server Error"}
        )

    async def _torrents_info(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        hashes = url.query["hashes"].split("|")
        found = [self.torrents[h] for h in hashes if h in self.torrents]
        return self._response(method, url, self.status.get(TORRENTS_INFO, 200), found)

    async def _torrents_delete(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        status = self.status.get(TORRENTS_DELETE, 200)
        if status == 200:
            for torrent_hash in data["hashes"].split("|"):
                self.torrents.pop(torrent_hash, None)
        return AiohttpClientMockResponse(method, url, status=status, text="")

    def mark(self) -> None:
        """Forget the calls made so far."""
        self._start = len(self.mock.mock_calls)

    def calls(self) -> list[str]:
        """Return the calls since `mark` as "METHOD url[?query] [form]"."""
        return [
            f"{method.upper()} {url}"
            + (f" {urlencode(data)}" if isinstance(data, dict) else "")
            for method, url, data, _ in self.mock.mock_calls[self._start :]
        ]


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
        "title": QBT_TITLE,
        "unique_id": QBT_URL,
    }


@pytest.fixture
def with_qbittorrent() -> bool:
    """Add a qBittorrent client to the hub (override per test)."""
    return True


@pytest.fixture
def deletions(aioclient_mock: AiohttpClientMocker) -> Upstream:
    """Return the services' answers to deletions."""
    return Upstream(aioclient_mock)


@pytest.fixture
def mock_config_entry(
    mock_config_entry: MockConfigEntry, with_qbittorrent: bool, deletions: Upstream
) -> MockConfigEntry:
    """Return the hub, with qBittorrent (answered before the hub starts polling)."""
    if not with_qbittorrent:
        return mock_config_entry
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=mock_config_entry.entry_id,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        data=dict(mock_config_entry.data),
        options=dict(mock_config_entry.options),
        subentries_data=[
            *(
                {
                    "data": dict(subentry.data),
                    "subentry_id": subentry.subentry_id,
                    "subentry_type": subentry.subentry_type,
                    "title": subentry.title,
                    "unique_id": subentry.unique_id,
                }
                for subentry in mock_config_entry.subentries.values()
            ),
            qbittorrent_subentry(),
        ],
    )


async def replay(post_webhook: PostWebhook, flow: list[Step]) -> None:
    """Post a flow's webhooks in order."""
    for step in flow:
        await post_webhook(*step)


async def delete_request(
    hass: HomeAssistant, data: dict[str, Any], *, user: User | None = None
) -> Any:
    """Call the action as `user` (None: an automation) and return its answer."""
    return await hass.services.async_call(
        DOMAIN,
        "delete_request",
        data,
        blocking=True,
        return_response=True,
        context=Context(user_id=user.id if user else None),
    )


async def flush(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the debounced store write happen."""
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def outcomes(answer: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    """Return service -> (outcome, detail) of one request's answer."""
    return {r["service"]: (r["outcome"], r["detail"]) for r in answer["results"]}


async def season_2_request(post_webhook: PostWebhook) -> None:
    """Request season 2 of Example Show in Seerr (request 205) and grab it."""
    for name in ("media_pending_tv", "media_approved_tv"):
        body = load_fixture(f"jellyseerr/{name}.json")
        body["request"]["request_id"] = "205"
        body["extra"] = [{"name": "Requested Seasons", "value": "2"}]
        await post_webhook("seerr", body)
    grab = load_fixture("sonarr/grab.json")
    for number, episode in enumerate(grab["episodes"], start=1):
        episode["seasonNumber"] = 2
        episode["id"] = 710 + number
        episode["tvdbId"] = 349300 + number
        episode["airDate"] = f"2009-03-0{number}"
        episode["airDateUtc"] = f"2009-03-0{number}T03:00:00Z"
    grab["release"]["releaseTitle"] = grab["release"]["releaseTitle"].replace(
        "S01", "S02"
    )
    grab["downloadId"] = SEASON_2_HASH.upper()
    await post_webhook("sonarr", grab)


# ------------------------------------------------------------------ deleting


async def test_delete_movie_everywhere(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
    hass_storage: dict[str, Any],
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Seerr, Radarr, the torrent and Jellyfin go; the sensor goes; the log tells."""
    await replay(post_webhook, movie_flow())
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert entity_registry.async_get(MOVIE_SENSOR) is not None
    await flush(hass, freezer)
    deletions.mark()
    now = dt_util.utcnow().isoformat()

    response = await delete_request(
        hass, {"entity_id": MOVIE_SENSOR}, user=hass_admin_user
    )

    assert response == snapshot
    [answer] = response["requests"]
    assert answer["request_id"] == MOVIE_ID
    assert answer["title"] == "Example Movie"
    assert answer["state"] == "deleted"
    assert answer["delete_files"] is True
    assert answer["partial"] is False
    # Sonarr has no part in a movie.
    assert outcomes(answer) == {
        "seerr": ("deleted", "request and media"),
        "radarr": ("deleted", "with files"),
        "qbittorrent": ("deleted", "1 torrent, with data"),
        "jellyfin": ("deleted", "1 item(s)"),
    }
    calls = deletions.calls()
    # Jellyfin's delete removes files too: it comes after the others.
    assert calls[-1] == jellyfin_item(MOVIE_JELLYFIN_ID)
    assert sorted(calls[:-1]) == sorted(
        [
            seerr("GET", "request/201"),
            seerr("DELETE", "request/201"),
            seerr("DELETE", "media/101"),
            f"{RADARR_MOVIE}?deleteFiles=true&addImportExclusion=false",
            f"{TORRENTS_INFO}?hashes={MOVIE_HASH}",
            f"{TORRENTS_DELETE} hashes={MOVIE_HASH}&deleteFiles=true",
        ]
    )
    assert MOVIE_HASH not in deletions.torrents
    assert SHOW_HASH in deletions.torrents

    # The sensor is gone, from the states and the registry.
    assert hass.states.get(MOVIE_SENSOR) is None
    assert entity_registry.async_get(MOVIE_SENSOR) is None
    hub = init_integration.runtime_data
    request = hub.tracker.get(MOVIE_ID)
    assert request.state == Outcome.DELETED
    assert request.deleted_at == now
    logged = {
        "at": now,
        "request_id": MOVIE_ID,
        "title": "Example Movie",
        "media_type": "movie",
        "source": "user",
        "user": "Mock User",
        "delete_files": True,
        "episodes": [],
        "results": answer["results"],
    }
    assert [entry.to_dict() for entry in hub.tracker.deletion_log] == [logged]
    log = await hass.services.async_call(
        DOMAIN, "get_deletion_log", {}, blocking=True, return_response=True
    )
    assert log["entries"] == [logged]

    await flush(hass, freezer)
    stored = hass_storage[STORAGE_KEY]["data"]
    assert [(r["id"], r["state"]) for r in stored["requests"]] == [
        (MOVIE_ID, "deleted")
    ]
    assert stored["deletion_log"] == [logged]


async def test_delete_finished_request_without_sensor_by_id(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A request past the retention has no sensor; its id still deletes it."""
    await replay(post_webhook, movie_flow())
    freezer.tick(timedelta(days=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR) is None
    assert entity_registry.async_get(MOVIE_SENSOR) is None
    hub = init_integration.runtime_data
    assert hub.tracker.get(MOVIE_ID).state == "available"
    deletions.mark()

    response = await delete_request(
        hass, {"request_id": MOVIE_ID}, user=hass_admin_user
    )

    [answer] = response["requests"]
    assert answer["state"] == "deleted"
    assert answer["partial"] is False
    assert {r["outcome"] for r in answer["results"]} == {"deleted"}
    assert f"{RADARR_MOVIE}?deleteFiles=true&addImportExclusion=false" in (
        deletions.calls()
    )
    assert hub.tracker.get(MOVIE_ID).state == Outcome.DELETED
    [entry] = hub.tracker.deletion_log
    assert (entry.request_id, entry.source, entry.user) == (
        MOVIE_ID,
        "user",
        "Mock User",
    )
    # Deleting it does not bring a sensor back.
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR) is None
    assert entity_registry.async_get(MOVIE_SENSOR) is None


async def test_delete_show_keeping_files(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
    entity_registry: er.EntityRegistry,
) -> None:
    """Without files: Sonarr and qBittorrent keep the data, Jellyfin is not asked."""
    await replay(post_webhook, tv_flow())
    assert hass.states.get(SHOW_SENSOR).state == "available"
    deletions.mark()

    response = await delete_request(
        hass,
        {"entity_id": SHOW_SENSOR, "delete_files": False},
        user=hass_admin_user,
    )

    [answer] = response["requests"]
    assert answer["delete_files"] is False
    assert answer["partial"] is False
    assert outcomes(answer) == {
        "seerr": ("deleted", "request and media"),
        "sonarr": ("deleted", "files kept"),
        "qbittorrent": ("deleted", "1 torrent, data kept"),
        "jellyfin": ("skipped", "removing a Jellyfin item deletes its files"),
    }
    assert sorted(deletions.calls()) == sorted(
        [
            seerr("GET", "request/202"),
            seerr("DELETE", "request/202"),
            seerr("DELETE", "media/102"),
            f"{SONARR_SERIES}?deleteFiles=false&addImportListExclusion=false",
            f"{TORRENTS_INFO}?hashes={SHOW_HASH}",
            f"{TORRENTS_DELETE} hashes={SHOW_HASH}&deleteFiles=false",
        ]
    )
    assert hass.states.get(SHOW_SENSOR) is None
    assert entity_registry.async_get(SHOW_SENSOR) is None
    [entry] = init_integration.runtime_data.tracker.deletion_log
    assert entry.delete_files is False
    assert entry.media_type == "tv"


async def test_delete_show_with_files_deletes_each_episode_in_jellyfin(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """With files, each episode item goes from Jellyfin, after Sonarr."""
    await replay(post_webhook, tv_flow())
    deletions.mark()

    response = await delete_request(hass, {"entity_id": SHOW_SENSOR})

    [answer] = response["requests"]
    assert outcomes(answer)["sonarr"] == ("deleted", "with files")
    assert outcomes(answer)["jellyfin"] == ("deleted", "3 item(s)")
    calls = deletions.calls()
    assert calls[-3:] == [jellyfin_item(item_id) for item_id in SHOW_EPISODE_ITEMS]
    assert (
        f"{SONARR_SERIES}?deleteFiles=true&addImportListExclusion=false" in (calls[:-3])
    )
    # Called by an automation: no user to log.
    [entry] = init_integration.runtime_data.tracker.deletion_log
    assert entry.user is None
    assert entry.source == "user"


@pytest.mark.parametrize("with_qbittorrent", [False])
async def test_without_download_client(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """Without qBittorrent in the hub, no torrent is looked for."""
    await replay(post_webhook, movie_flow())
    deletions.mark()

    response = await delete_request(hass, {"entity_id": MOVIE_SENSOR})

    [answer] = response["requests"]
    assert set(outcomes(answer)) == {"seerr", "radarr", "jellyfin"}
    assert not [call for call in deletions.calls() if QBT_URL in call]
    assert MOVIE_HASH in deletions.torrents


# ------------------------------------------------------------------ failures


async def test_partial_failure_still_deletes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
) -> None:
    """Radarr failing is reported; the rest is deleted and the request too."""
    await replay(post_webhook, movie_flow())
    deletions.status[RADARR_MOVIE] = 500

    response = await delete_request(
        hass, {"entity_id": MOVIE_SENSOR}, user=hass_admin_user
    )

    [answer] = response["requests"]
    assert answer["partial"] is True
    assert answer["state"] == "deleted"
    assert outcomes(answer) == {
        "seerr": ("deleted", "request and media"),
        "radarr": (
            "failed",
            "Radarr at radarr.local:7878: DELETE /api/v3/movie/12 answered HTTP 500",
        ),
        "qbittorrent": ("deleted", "1 torrent, with data"),
        "jellyfin": ("deleted", "1 item(s)"),
    }
    hub = init_integration.runtime_data
    assert hub.tracker.get(MOVIE_ID).state == Outcome.DELETED
    assert hass.states.get(MOVIE_SENSOR) is None
    [entry] = hub.tracker.deletion_log
    assert [r.to_dict() for r in entry.results] == answer["results"]

    # Deleting again finishes the job; what is gone is reported not found.
    deletions.status = {
        seerr("GET", "request/201"): 404,
        jellyfin_item(MOVIE_JELLYFIN_ID): 404,
    }
    deletions.mark()
    response = await delete_request(
        hass, {"request_id": MOVIE_ID}, user=hass_admin_user
    )
    [answer] = response["requests"]
    assert answer["partial"] is False
    assert outcomes(answer) == {
        "seerr": ("not_found", None),
        "radarr": ("deleted", "with files"),
        "qbittorrent": ("not_found", None),
        "jellyfin": ("not_found", None),
    }
    # Nothing is deleted twice: only Radarr got a DELETE.
    assert [c for c in deletions.calls() if c.startswith(("DELETE", "POST"))] == [
        f"{RADARR_MOVIE}?deleteFiles=true&addImportExclusion=false",
        jellyfin_item(MOVIE_JELLYFIN_ID),
    ]
    assert [e.request_id for e in hub.tracker.deletion_log] == [MOVIE_ID, MOVIE_ID]


@pytest.mark.parametrize("delete_files", [True, False])
async def test_nothing_deleted_anywhere_is_an_error(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    delete_files: bool,
) -> None:
    """Every service failing (Jellyfin skipped or not) leaves the request as it was."""
    await replay(post_webhook, movie_flow())
    await flush(hass, freezer)
    stored = copy.deepcopy(hass_storage[STORAGE_KEY])
    deletions.mark()
    deletions.status = {
        seerr("GET", "request/201"): 500,
        RADARR_MOVIE: 500,
        TORRENTS_INFO: 500,
        jellyfin_item(MOVIE_JELLYFIN_ID): 500,
    }

    with pytest.raises(HomeAssistantError) as raised:
        await delete_request(
            hass,
            {"entity_id": MOVIE_SENSOR, "delete_files": delete_files},
            user=hass_admin_user,
        )

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "delete_failed"
    placeholders = raised.value.translation_placeholders
    assert placeholders["title"] == "Example Movie"
    for failure in (
        (
            "Seerr (seerr.local): Seerr at seerr.local:5055: "
            "GET /api/v1/request/201 answered HTTP 500"
        ),
        (
            "Radarr: Radarr at radarr.local:7878: "
            "DELETE /api/v3/movie/12 answered HTTP 500"
        ),
        (
            f"{QBT_TITLE}: qBittorrent at qbittorrent.local:8080: "
            "GET /api/v2/torrents/info answered HTTP 500"
        ),
    ):
        assert failure in placeholders["errors"]
    assert ("jellyfin: " in placeholders["errors"]) is delete_files
    # Nothing else was tried: no Seerr request, media or torrent delete.
    assert not [
        call
        for call in deletions.calls()
        if call.startswith("POST") or "/api/v1/media" in call
    ]
    hub = init_integration.runtime_data
    assert hub.tracker.get(MOVIE_ID).state == "available"
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert hub.tracker.deletion_log == []
    await flush(hass, freezer)
    assert hass_storage[STORAGE_KEY] == stored


async def test_gone_everywhere_is_not_found(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """404s and an absent torrent are `not_found`, not failures."""
    await replay(post_webhook, movie_flow())
    deletions.status = {
        RADARR_MOVIE: 404,
        jellyfin_item(MOVIE_JELLYFIN_ID): 404,
        # Seerr still has the request; its media row is gone.
        seerr("DELETE", "media/101"): 404,
    }
    del deletions.torrents[MOVIE_HASH]
    deletions.mark()

    response = await delete_request(hass, {"entity_id": MOVIE_SENSOR})

    [answer] = response["requests"]
    assert answer["partial"] is False
    assert answer["state"] == "deleted"
    assert outcomes(answer) == {
        "seerr": ("deleted", "request"),
        "radarr": ("not_found", None),
        "qbittorrent": ("not_found", None),
        "jellyfin": ("not_found", None),
    }
    # The absent torrent was looked for, not deleted.
    calls = deletions.calls()
    assert f"{TORRENTS_INFO}?hashes={MOVIE_HASH}" in calls
    assert not [call for call in calls if call.startswith(TORRENTS_DELETE)]
    assert init_integration.runtime_data.tracker.get(MOVIE_ID).state == "deleted"


# ------------------------------------------------------------------- sharing


async def test_series_shared_with_another_request_is_kept(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
) -> None:
    """Season 1 goes; Sonarr's series and Seerr's media stay for season 2."""
    await replay(post_webhook, tv_flow())
    await season_2_request(post_webhook)
    assert hass.states.get(SEASON_2_SENSOR).state == "grabbed"
    deletions.mark()

    response = await delete_request(
        hass, {"entity_id": SHOW_SENSOR}, user=hass_admin_user
    )

    [answer] = response["requests"]
    assert outcomes(answer) == {
        "seerr": ("deleted", "request"),
        "sonarr": ("skipped", "the series also belongs to another request"),
        "qbittorrent": ("deleted", "1 torrent, with data"),
        "jellyfin": ("deleted", "3 item(s)"),
    }
    calls = deletions.calls()
    assert sorted(calls) == sorted(
        [
            seerr("GET", "request/202"),
            seerr("DELETE", "request/202"),
            f"{TORRENTS_INFO}?hashes={SHOW_HASH}",
            f"{TORRENTS_DELETE} hashes={SHOW_HASH}&deleteFiles=true",
            *(jellyfin_item(item_id) for item_id in SHOW_EPISODE_ITEMS),
        ]
    )
    assert hass.states.get(SHOW_SENSOR) is None
    assert hass.states.get(SEASON_2_SENSOR).state == "grabbed"

    # Season 2 was the last request of the series: now it all goes.
    deletions.mark()
    response = await delete_request(
        hass, {"entity_id": SEASON_2_SENSOR}, user=hass_admin_user
    )
    [answer] = response["requests"]
    assert outcomes(answer) == {
        "seerr": ("deleted", "request and media"),
        "sonarr": ("deleted", "with files"),
        "qbittorrent": ("not_found", None),
        "jellyfin": ("not_found", None),
    }
    assert sorted(deletions.calls()) == sorted(
        [
            seerr("GET", "request/205"),
            seerr("DELETE", "request/205"),
            seerr("DELETE", "media/102"),
            f"{SONARR_SERIES}?deleteFiles=true&addImportListExclusion=false",
            f"{TORRENTS_INFO}?hashes={SEASON_2_HASH}",
        ]
    )
    assert hass.states.get(SEASON_2_SENSOR) is None


# ------------------------------------------------------------------ targeting


async def test_several_targets_each_deleted_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """Sensors and ids together; a request named twice is deleted once."""
    await replay(post_webhook, movie_flow())
    await replay(post_webhook, tv_flow())
    deletions.mark()

    response = await delete_request(
        hass,
        {
            "entity_id": [MOVIE_SENSOR],
            "request_id": [MOVIE_ID, "req000002"],
            "config_entry_id": init_integration.entry_id,
        },
    )

    assert [(a["request_id"], a["title"]) for a in response["requests"]] == [
        (MOVIE_ID, "Example Movie"),
        ("req000002", "Example Show"),
    ]
    calls = deletions.calls()
    assert calls.count(seerr("DELETE", "request/201")) == 1
    assert calls.count(seerr("DELETE", "request/202")) == 1
    assert hass.states.get(MOVIE_SENSOR) is None
    assert hass.states.get(SHOW_SENSOR) is None
    log = init_integration.runtime_data.tracker.deletion_log
    assert [entry.request_id for entry in log] == [MOVIE_ID, "req000002"]


async def test_request_of_another_hub(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """With two hubs, an id finds its own hub; naming the other hub refuses it."""
    other = MockConfigEntry(
        domain=DOMAIN,
        entry_id="01JSTATUSTRACKERHUB000002",
        title="Second stack",
        unique_id="second_stack",
        data={"name": "Second stack"},
    )
    other.add_to_hass(hass)
    assert await hass.config_entries.async_setup(other.entry_id)
    await hass.async_block_till_done()
    await replay(post_webhook, movie_flow())

    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(
            hass, {"request_id": MOVIE_ID, "config_entry_id": other.entry_id}
        )
    assert raised.value.translation_key == "request_not_found"
    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(
            hass, {"entity_id": MOVIE_SENSOR, "config_entry_id": other.entry_id}
        )
    assert raised.value.translation_key == "not_a_request_entity"
    assert hass.states.get(MOVIE_SENSOR).state == "available"

    response = await delete_request(hass, {"request_id": MOVIE_ID})
    assert response["requests"][0]["state"] == "deleted"
    assert init_integration.runtime_data.tracker.get(MOVIE_ID).state == "deleted"
    assert other.runtime_data.tracker.deletion_log == []


# ------------------------------------------------------------------ permissions


async def test_non_admin_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_read_only_user: User,
) -> None:
    """A user who is not an administrator deletes nothing."""
    await replay(post_webhook, movie_flow())
    deletions.mark()

    with pytest.raises(Unauthorized):
        await delete_request(
            hass, {"entity_id": MOVIE_SENSOR}, user=hass_read_only_user
        )

    assert deletions.calls() == []
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert init_integration.runtime_data.tracker.deletion_log == []


async def test_unknown_user_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """A context naming a user Home Assistant does not know deletes nothing."""
    await replay(post_webhook, movie_flow())
    deletions.mark()

    with pytest.raises(UnknownUser):
        await hass.services.async_call(
            DOMAIN,
            "delete_request",
            {"entity_id": MOVIE_SENSOR},
            blocking=True,
            return_response=True,
            context=Context(user_id="0123456789abcdef0123456789abcdef"),
        )

    assert deletions.calls() == []
    assert hass.states.get(MOVIE_SENSOR).state == "available"


# ------------------------------------------------------------------ bad input


@pytest.fixture
def foreign_entity(hass: HomeAssistant, entity_registry: er.EntityRegistry) -> str:
    """Return a sensor of another integration."""
    other = MockConfigEntry(domain="demo", title="Demo")
    other.add_to_hass(hass)
    return entity_registry.async_get_or_create(
        "sensor", "demo", "outside_temperature", config_entry=other
    ).entity_id


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"request_id": "req999999"}, "request_not_found"),
        ({"entity_id": "sensor.media_stack_waiting_requests"}, "not_a_request_entity"),
        ({"entity_id": "sensor.radarr_last_webhook"}, "not_a_request_entity"),
        ({"entity_id": "sensor.not_registered"}, "not_a_request_entity"),
        ({}, "no_target"),
        ({"entity_id": [], "request_id": []}, "no_target"),
        (
            {"request_id": MOVIE_ID, "config_entry_id": "01JNOSUCHENTRY"},
            "entry_not_found",
        ),
    ],
)
async def test_bad_target(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    hass_admin_user: User,
    data: dict[str, Any],
    key: str,
) -> None:
    """A target that is not a tracked request is refused before anything is done."""
    await replay(post_webhook, movie_flow())
    deletions.mark()

    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(hass, data, user=hass_admin_user)

    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == key
    assert deletions.calls() == []
    assert hass.states.get(MOVIE_SENSOR).state == "available"


async def test_entity_of_another_integration(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    foreign_entity: str,
) -> None:
    """Another integration's sensor is not a request."""
    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(hass, {"entity_id": foreign_entity})
    assert raised.value.translation_key == "not_a_request_entity"
    assert raised.value.translation_placeholders == {"entity_id": foreign_entity}


async def test_entry_of_another_integration(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A config entry of another integration is no hub."""
    other = MockConfigEntry(domain="demo", title="Demo")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(
            hass, {"request_id": MOVIE_ID, "config_entry_id": other.entry_id}
        )
    assert raised.value.translation_key == "entry_not_found"
    assert raised.value.translation_placeholders == {"entry_id": other.entry_id}


async def test_unloaded_hub(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """A hub that is not loaded cannot delete; its sensors are no targets."""
    await replay(post_webhook, movie_flow())
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    deletions.mark()

    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(
            hass,
            {"request_id": MOVIE_ID, "config_entry_id": init_integration.entry_id},
        )
    assert raised.value.translation_key == "entry_not_loaded"
    assert raised.value.translation_placeholders == {
        "entry_id": init_integration.entry_id
    }
    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(hass, {"request_id": MOVIE_ID})
    assert raised.value.translation_key == "request_not_found"
    with pytest.raises(ServiceValidationError) as raised:
        await delete_request(hass, {"entity_id": MOVIE_SENSOR})
    assert raised.value.translation_key == "not_a_request_entity"
    assert deletions.calls() == []


@pytest.mark.parametrize(
    "data",
    [
        {"entity_id": MOVIE_SENSOR, "delete_files": "perhaps"},
        {"entity_id": "not an entity id"},
        {"request_id": {"id": MOVIE_ID}},
        {"entity_id": MOVIE_SENSOR, "device_id": "0123456789abcdef"},
        {"entity_id": MOVIE_SENSOR, "config_entry_id": ["a", "b"]},
    ],
)
async def test_malformed_call(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    data: dict[str, Any],
) -> None:
    """Fields of the wrong type are refused by the schema."""
    await replay(post_webhook, movie_flow())
    deletions.mark()

    with pytest.raises(probatio.Invalid):
        await delete_request(hass, data)

    assert deletions.calls() == []
    assert hass.states.get(MOVIE_SENSOR).state == "available"


# ------------------------------------------------------------------ restart


async def test_deletion_survives_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
) -> None:
    """After a reload the request is still deleted and the log still tells."""
    await replay(post_webhook, movie_flow())
    await delete_request(hass, {"entity_id": MOVIE_SENSOR})
    before = [e.to_dict() for e in init_integration.runtime_data.tracker.deletion_log]

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    hub = init_integration.runtime_data
    assert hub.tracker.get(MOVIE_ID).state == "deleted"
    assert [e.to_dict() for e in hub.tracker.deletion_log] == before
    # A deleted request is still a target (to finish a partial deletion).
    deletions.status = {seerr("GET", "request/201"): 404}
    response = await delete_request(hass, {"request_id": MOVIE_ID})
    assert response["requests"][0]["state"] == "deleted"


async def test_deleted_sensor_stays_gone_after_a_restart(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    deletions: Upstream,
    entity_registry: er.EntityRegistry,
) -> None:
    """A deleted request's sensor does not come back when the hub reloads."""
    await replay(post_webhook, movie_flow())
    await delete_request(hass, {"entity_id": MOVIE_SENSOR})
    assert hass.states.get(MOVIE_SENSOR) is None

    assert await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()

    assert hass.states.get(MOVIE_SENSOR) is None
    assert entity_registry.async_get(MOVIE_SENSOR) is None
