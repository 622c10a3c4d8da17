"""Deletions noticed in Sonarr, Radarr or Jellyfin, and their propagation.

A whole movie/series deleted in one service makes its request `deleted`
(finished requests too), removes its sensor and adds a deletion-log entry
naming the service. A single episode file deleted makes that episode missing
again. With the hub option `propagate_deletions` on, the other services are
told too (once), and a second log entry lists what each of them answered.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
import logging
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
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

from custom_components.status_tracker.const import (
    CONF_HISTORY_SIZE,
    CONF_PROPAGATE_DELETIONS,
    CONF_RETENTION_DAYS,
    CONF_WEBHOOK_LOCAL_ONLY,
    DOMAIN,
)

from .api.test_seerr_client import MOVIE_REQUEST, SHOW_REQUEST
from .conftest import ENTRY_ID, URLS, PostWebhook, subentry_data
from .flows import (
    MOVIE_HASH,
    MOVIE_JELLYFIN_ID,
    SHOW_HASH,
    jellyfin_episode,
    load_fixture,
    movie_flow,
    tv_flow,
)
from .test_qbittorrent import (
    QBT_URL,
    FakeQBittorrent,
    full_answer,
    qbittorrent_subentry,
)

pytestmark = pytest.mark.freeze_time("2026-01-12 08:30:00+00:00")

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
STORE_KEY = f"{DOMAIN}.{ENTRY_ID}"
EPISODE_IDS = [
    "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8",
    "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e2",
    "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e3",
]


@pytest.fixture
def propagate() -> bool:
    """Return the hub's propagate_deletions option (off by default)."""
    return False


@pytest.fixture
def hub_entry(propagate: bool) -> MockConfigEntry:
    """Return the hub with every service, qBittorrent included."""
    return MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title="Media stack",
        unique_id="media_stack",
        data={"name": "Media stack"},
        options={
            CONF_RETENTION_DAYS: 7,
            CONF_HISTORY_SIZE: 5000,
            CONF_WEBHOOK_LOCAL_ONLY: False,
            CONF_PROPAGATE_DELETIONS: propagate,
        },
        subentries_data=[
            *(subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")),
            qbittorrent_subentry(),
        ],
    )


def _torrent(torrent_hash: str) -> dict[str, Any]:
    torrents = load_fixture("qbittorrent/torrents_info.json")
    return next(t for t in torrents if t["hash"] == torrent_hash)


async def _torrents_info(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
    """Answer /api/v2/torrents/info?hashes= with the torrents qBittorrent has."""
    known = {MOVIE_HASH, SHOW_HASH}
    wanted = url.query["hashes"].split("|")
    return AiohttpClientMockResponse(
        method, url, json=[_torrent(h) for h in wanted if h in known]
    )


@pytest.fixture
def stack(upstream: AiohttpClientMocker) -> AiohttpClientMocker:
    """Answer tracking, and every call a deletion elsewhere makes."""
    qbittorrent = FakeQBittorrent(upstream)
    qbittorrent.answers = [full_answer()]
    upstream.get(f"{QBT_URL}/api/v2/torrents/info", side_effect=_torrents_info)
    upstream.post(f"{QBT_URL}/api/v2/torrents/delete", text="")
    seerr = URLS["seerr"]
    for request in (MOVIE_REQUEST, SHOW_REQUEST):
        upstream.get(f"{seerr}/api/v1/request/{request['id']}", json=request)
        upstream.delete(
            f"{seerr}/api/v1/request/{request['id']}", status=HTTPStatus.NO_CONTENT
        )
        upstream.delete(
            f"{seerr}/api/v1/media/{request['media']['id']}",
            status=HTTPStatus.NO_CONTENT,
        )
    upstream.delete(f"{URLS['radarr']}/api/v3/movie/12", text="")
    upstream.delete(f"{URLS['sonarr']}/api/v3/series/7", text="")
    upstream.delete(
        re.compile(r"^http://jellyfin\.local:8096/Items/[0-9a-f]{32}$"),
        status=HTTPStatus.NO_CONTENT,
    )
    return upstream


@pytest.fixture
async def hub(
    hass: HomeAssistant, hub_entry: MockConfigEntry, stack: AiohttpClientMocker
) -> MockConfigEntry:
    """Set up the hub."""
    hub_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub_entry.entry_id)
    await hass.async_block_till_done()
    return hub_entry


def changes(mock: AiohttpClientMocker) -> list[str]:
    """Return every call that changes something upstream, as "METHOD url"."""
    return [
        f"{method.upper()} {url}"
        for method, url, _, _ in mock.mock_calls
        if method.lower() == "delete" or url.path == "/api/v2/torrents/delete"
    ]


def torrent_deletions(mock: AiohttpClientMocker) -> list[Any]:
    return [
        data
        for _, url, data, _ in mock.mock_calls
        if url.path == "/api/v2/torrents/delete"
    ]


async def deletion_log(hass: HomeAssistant) -> list[dict[str, Any]]:
    """Return the deletion log as the action answers it (newest first)."""
    response = await hass.services.async_call(
        DOMAIN, "get_deletion_log", {}, blocking=True, return_response=True
    )
    return response["entries"]


async def stored_requests(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> dict[str, dict[str, Any]]:
    """Let the debounced save run; return the stored requests by title."""
    freezer.tick(timedelta(seconds=6))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    data = hass_storage[STORE_KEY]["data"]
    return {request["title"]: request for request in data["requests"]}


async def run(post_webhook: PostWebhook, steps: list[tuple[str, Any]]) -> None:
    for step in steps:
        await post_webhook(*step)


def gone(hass: HomeAssistant, entity_registry: er.EntityRegistry, entity: str) -> bool:
    """Return True when the sensor has neither a state nor a registry entry."""
    return hass.states.get(entity) is None and entity_registry.async_get(entity) is None


# ------------------------------------------------------- noticed deletions


@pytest.mark.usefixtures("hub")
@pytest.mark.parametrize(
    ("service", "fixture", "detail"),
    [
        ("radarr", "radarr/movie_delete.json", "with files"),
        (
            "radarr",
            "radarr/movie_file_delete.json",
            "Example Movie (1999) Bluray-1080p.mkv",
        ),
        ("jellyfin", "jellyfin/item_deleted.json", "Example Movie"),
    ],
)
async def test_available_movie_deleted_in_one_service(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    stack: AiohttpClientMocker,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    service: str,
    fixture: str,
    detail: str,
) -> None:
    """The finished request becomes deleted, its sensor goes, the log names who."""
    await run(post_webhook, movie_flow())
    assert hass.states.get(MOVIE_SENSOR).state == "available"

    await post_webhook(service, load_fixture(fixture))

    assert gone(hass, entity_registry, MOVIE_SENSOR)
    assert await deletion_log(hass) == [
        {
            "at": "2026-01-12T08:30:00+00:00",
            "request_id": "req000001",
            "title": "Example Movie",
            "media_type": "movie",
            "source": service,
            "user": None,
            "delete_files": True,
            "episodes": [],
            "results": [],
        }
    ]
    stored = (await stored_requests(hass, hass_storage, freezer))["Example Movie"]
    assert stored["state"] == "deleted"
    assert stored["deleted_at"] == "2026-01-12T08:30:00+00:00"
    assert stored["timeline"][-1]["kind"] == "deleted"
    assert stored["timeline"][-1]["source"] == service
    assert stored["timeline"][-1]["detail"] == detail
    # The option is off: nobody else is told.
    assert changes(stack) == []
    # The same webhook again changes nothing.
    await post_webhook(service, load_fixture(fixture))
    assert len(await deletion_log(hass)) == 1


@pytest.mark.usefixtures("hub")
async def test_movie_deleted_in_radarr_keeping_files(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """deletedFiles false is logged as such."""
    await run(post_webhook, movie_flow())
    body = load_fixture("radarr/movie_delete.json")
    body["deletedFiles"] = False

    await post_webhook("radarr", body)

    (entry,) = await deletion_log(hass)
    assert (entry["source"], entry["delete_files"]) == ("radarr", False)
    assert hass.states.get(MOVIE_SENSOR) is None


@pytest.mark.usefixtures("hub")
async def test_upgrade_is_not_a_deletion(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """A file replaced by an upgrade is not lost: nothing changes."""
    await run(post_webhook, movie_flow())
    body = load_fixture("radarr/movie_file_delete.json")
    body["deleteReason"] = "upgrade"

    await post_webhook("radarr", body)

    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert await deletion_log(hass) == []


@pytest.mark.usefixtures("hub")
async def test_deletion_of_untracked_media_is_ignored(
    hass: HomeAssistant, post_webhook: PostWebhook, stack: AiohttpClientMocker
) -> None:
    """Nobody requested the movie: no request, no log entry."""
    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    await post_webhook("jellyfin", load_fixture("jellyfin/item_deleted.json"))

    assert await deletion_log(hass) == []
    assert not [e for e in hass.states.async_entity_ids("sensor") if "example" in e]
    assert changes(stack) == []


@pytest.mark.usefixtures("hub")
async def test_available_show_deleted_in_sonarr(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    stack: AiohttpClientMocker,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """SeriesDelete: the show's request is deleted and its sensor removed."""
    await run(post_webhook, tv_flow())
    assert hass.states.get(SHOW_SENSOR).state == "available"

    await post_webhook("sonarr", load_fixture("sonarr/series_delete.json"))

    assert gone(hass, entity_registry, SHOW_SENSOR)
    (entry,) = await deletion_log(hass)
    assert entry["source"] == "sonarr"
    assert entry["title"] == "Example Show"
    assert entry["media_type"] == "tv"
    assert entry["delete_files"] is True
    stored = await stored_requests(hass, hass_storage, freezer)
    assert stored["Example Show"]["state"] == "deleted"
    assert changes(stack) == []


@pytest.mark.usefixtures("hub")
async def test_episode_file_deleted_in_sonarr(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    stack: AiohttpClientMocker,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """EpisodeFileDelete: the pilot is missing again and the show waits for it."""
    await run(post_webhook, tv_flow())

    await post_webhook("sonarr", load_fixture("sonarr/episode_file_delete.json"))
    # Delivered twice: recorded once.
    await post_webhook("sonarr", load_fixture("sonarr/episode_file_delete.json"))

    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "searching"
    assert state.attributes["episodes_available"] == 2
    assert state.attributes["episodes_summary"].startswith("2/3 available")
    (entry,) = await deletion_log(hass)
    assert (entry["source"], entry["episodes"]) == ("sonarr", ["S01E01"])
    assert entry["delete_files"] is None
    stored = (await stored_requests(hass, hass_storage, freezer))["Example Show"]
    assert stored["state"] == state.state
    (pilot,) = [e for e in stored["episodes"] if (e["season"], e["number"]) == (1, 1)]
    assert (pilot["available_at"], pilot["imported_at"], pilot["jellyfin_id"]) == (
        None,
        None,
        None,
    )
    assert changes(stack) == []

    # Sonarr imports the episode again (a new file id, the same path), and
    # Jellyfin adds it under the same item id (Jellyfin derives ids from paths).
    reimport = load_fixture("sonarr/download.json")
    reimport["episodeFile"]["id"] = 7101
    await post_webhook("sonarr", reimport)
    assert hass.states.get(SHOW_SENSOR).state == "importing"
    await post_webhook("jellyfin", jellyfin_episode(1))
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"


@pytest.mark.usefixtures("hub")
async def test_episode_removed_from_jellyfin(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """ItemDeleted of one episode makes that episode missing, not the show deleted."""
    await run(post_webhook, tv_flow())
    # The plugin sends the same data object for ItemDeleted as for ItemAdded.
    body = jellyfin_episode(2)
    body["NotificationType"] = "ItemDeleted"

    await post_webhook("jellyfin", body)

    (entry,) = await deletion_log(hass)
    assert (entry["source"], entry["episodes"]) == ("jellyfin", ["S01E02"])
    assert hass.states.get(SHOW_SENSOR).attributes["episodes_available"] == 2

    # The share was only unmounted for a moment: Jellyfin adds the same item
    # back, and removes it again later.
    await post_webhook("jellyfin", jellyfin_episode(2))
    assert hass.states.get(SHOW_SENSOR).attributes["episodes_available"] == 3
    await post_webhook("jellyfin", body)
    assert hass.states.get(SHOW_SENSOR).attributes["episodes_available"] == 2
    assert [e["episodes"] for e in await deletion_log(hass)] == [
        ["S01E02"],
        ["S01E02"],
    ]
    # A delivery repeated at once is still recorded once.
    await post_webhook("jellyfin", body)
    assert len(await deletion_log(hass)) == 2


@pytest.mark.usefixtures("hub")
async def test_request_older_than_the_retention(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    entity_registry: er.EntityRegistry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Long finished, no sensor any more: still marked deleted and logged."""
    await run(post_webhook, movie_flow())
    freezer.tick(timedelta(days=8))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert gone(hass, entity_registry, MOVIE_SENSOR)

    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))

    (entry,) = await deletion_log(hass)
    assert (entry["source"], entry["at"]) == ("radarr", "2026-01-20T08:30:00+00:00")
    stored = (await stored_requests(hass, hass_storage, freezer))["Example Movie"]
    assert stored["state"] == "deleted"
    # No sensor comes back for it.
    assert gone(hass, entity_registry, MOVIE_SENSOR)


# -------------------------------------------------------------- propagation


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_movie_deleted_in_radarr_is_deleted_everywhere(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    stack: AiohttpClientMocker,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Seerr, qBittorrent and Jellyfin are told; Radarr is not asked again."""
    await run(post_webhook, movie_flow())

    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    await hass.async_block_till_done()

    assert sorted(changes(stack)) == [
        f"DELETE {URLS['jellyfin']}/Items/{MOVIE_JELLYFIN_ID}",
        f"DELETE {URLS['seerr']}/api/v1/media/101",
        f"DELETE {URLS['seerr']}/api/v1/request/201",
        f"POST {QBT_URL}/api/v2/torrents/delete",
    ]
    assert torrent_deletions(stack) == [{"hashes": MOVIE_HASH, "deleteFiles": "true"}]
    log = await deletion_log(hass)
    assert log == snapshot
    assert [entry["source"] for entry in log] == ["radarr", "radarr"]
    assert {r["service"]: r["outcome"] for r in log[0]["results"]} == {
        "seerr": "deleted",
        "qbittorrent": "deleted",
        "jellyfin": "deleted",
    }
    assert log[1]["results"] == []
    assert gone(hass, entity_registry, MOVIE_SENSOR)

    # Jellyfin reports the item it just removed: no loop, nothing new.
    calls = len(stack.mock_calls)
    await post_webhook("jellyfin", load_fixture("jellyfin/item_deleted.json"))
    await hass.async_block_till_done()
    assert len(await deletion_log(hass)) == 2
    assert len(stack.mock_calls) == calls


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_files_kept_in_radarr_are_kept_everywhere(
    hass: HomeAssistant, post_webhook: PostWebhook, stack: AiohttpClientMocker
) -> None:
    """Radarr kept the files: the torrent keeps its data, Jellyfin is left alone."""
    await run(post_webhook, movie_flow())
    body = load_fixture("radarr/movie_delete.json")
    body["deletedFiles"] = False

    await post_webhook("radarr", body)
    await hass.async_block_till_done()

    assert sorted(changes(stack)) == [
        f"DELETE {URLS['seerr']}/api/v1/media/101",
        f"DELETE {URLS['seerr']}/api/v1/request/201",
        f"POST {QBT_URL}/api/v2/torrents/delete",
    ]
    assert torrent_deletions(stack) == [{"hashes": MOVIE_HASH, "deleteFiles": "false"}]
    propagated, noticed = await deletion_log(hass)
    assert (noticed["delete_files"], propagated["delete_files"]) == (False, False)
    assert {r["service"]: (r["outcome"], r["detail"]) for r in propagated["results"]}[
        "jellyfin"
    ] == ("skipped", "removing a Jellyfin item deletes its files")


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_movie_removed_from_jellyfin_is_deleted_in_radarr(
    hass: HomeAssistant, post_webhook: PostWebhook, stack: AiohttpClientMocker
) -> None:
    """Jellyfin is the source: Radarr deletes the movie, Jellyfin is not called."""
    await run(post_webhook, movie_flow())

    await post_webhook("jellyfin", load_fixture("jellyfin/item_deleted.json"))
    await hass.async_block_till_done()

    assert sorted(changes(stack)) == [
        (
            f"DELETE {URLS['radarr']}/api/v3/movie/12"
            "?deleteFiles=true&addImportExclusion=false"
        ),
        f"DELETE {URLS['seerr']}/api/v1/media/101",
        f"DELETE {URLS['seerr']}/api/v1/request/201",
        f"POST {QBT_URL}/api/v2/torrents/delete",
    ]
    propagated, noticed = await deletion_log(hass)
    assert (noticed["source"], propagated["source"]) == ("jellyfin", "jellyfin")
    assert "jellyfin" not in {r["service"] for r in propagated["results"]}

    # Radarr's own MovieDelete webhook follows: nothing happens again.
    calls = len(stack.mock_calls)
    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    await hass.async_block_till_done()
    assert len(await deletion_log(hass)) == 2
    assert len(stack.mock_calls) == calls


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_show_deleted_in_sonarr_is_deleted_everywhere(
    hass: HomeAssistant, post_webhook: PostWebhook, stack: AiohttpClientMocker
) -> None:
    """Every episode item goes from Jellyfin, the season pack from qBittorrent."""
    await run(post_webhook, tv_flow())

    await post_webhook("sonarr", load_fixture("sonarr/series_delete.json"))
    await hass.async_block_till_done()

    assert sorted(changes(stack)) == sorted(
        [
            f"DELETE {URLS['seerr']}/api/v1/request/202",
            f"DELETE {URLS['seerr']}/api/v1/media/102",
            f"POST {QBT_URL}/api/v2/torrents/delete",
            *(f"DELETE {URLS['jellyfin']}/Items/{item}" for item in EPISODE_IDS),
        ]
    )
    assert torrent_deletions(stack) == [{"hashes": SHOW_HASH, "deleteFiles": "true"}]
    propagated, noticed = await deletion_log(hass)
    assert noticed["source"] == propagated["source"] == "sonarr"
    assert {r["service"]: r["detail"] for r in propagated["results"]} == {
        "seerr": "request and media",
        "qbittorrent": "1 torrent, with data",
        "jellyfin": "3 item(s)",
    }


@pytest.mark.parametrize("propagate", [True])
async def test_nothing_else_to_tell(
    hass: HomeAssistant,
    hub_entry: MockConfigEntry,
    upstream: AiohttpClientMocker,
    post_webhook: PostWebhook,
) -> None:
    """Only Radarr and Sonarr: a movie deleted in Radarr concerns no one else."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=ENTRY_ID,
        title=hub_entry.title,
        unique_id=hub_entry.unique_id,
        data=dict(hub_entry.data),
        options=dict(hub_entry.options),
        subentries_data=[subentry_data("sonarr"), subentry_data("radarr")],
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await run(post_webhook, movie_flow()[2:5])
    assert hass.states.get(MOVIE_SENSOR).state == "importing"

    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    await hass.async_block_till_done()

    assert [e["source"] for e in await deletion_log(hass)] == ["radarr"]
    assert changes(upstream) == []
    assert hass.states.get(MOVIE_SENSOR) is None


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_episode_file_deletion_is_not_propagated(
    hass: HomeAssistant, post_webhook: PostWebhook, stack: AiohttpClientMocker
) -> None:
    """One episode file gone is not the request deleted: nothing else is told."""
    await run(post_webhook, tv_flow())

    await post_webhook("sonarr", load_fixture("sonarr/episode_file_delete.json"))
    await hass.async_block_till_done()

    assert changes(stack) == []
    (entry,) = await deletion_log(hass)
    assert entry["episodes"] == ["S01E01"]


@pytest.mark.parametrize("propagate", [True])
@pytest.mark.usefixtures("hub")
async def test_propagation_failure_is_logged_and_recorded(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    stack: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Seerr failing does not stop the others; the log entry says what failed."""
    await run(post_webhook, movie_flow())
    stack.clear_requests()
    stack.get(
        f"{URLS['seerr']}/api/v1/request/201",
        status=HTTPStatus.INTERNAL_SERVER_ERROR,
    )
    stack.get(f"{QBT_URL}/api/v2/torrents/info", side_effect=_torrents_info)
    stack.post(f"{QBT_URL}/api/v2/torrents/delete", text="")
    stack.delete(
        f"{URLS['jellyfin']}/Items/{MOVIE_JELLYFIN_ID}", status=HTTPStatus.NOT_FOUND
    )

    await post_webhook("radarr", load_fixture("radarr/movie_delete.json"))
    await hass.async_block_till_done()

    propagated, _ = await deletion_log(hass)
    assert {r["service"]: r["outcome"] for r in propagated["results"]} == {
        "seerr": "failed",
        "qbittorrent": "deleted",
        "jellyfin": "not_found",
    }
    (failure,) = [r for r in propagated["results"] if r["outcome"] == "failed"]
    assert failure["detail"] == (
        "Seerr at seerr.local:5055: GET /api/v1/request/201 answered HTTP 500"
    )
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in warnings if r.name.startswith("custom_")] == [
        (
            "Deleting Example Movie everywhere after radarr deleted it: "
            "Seerr (seerr.local): Seerr at seerr.local:5055: "
            "GET /api/v1/request/201 answered HTTP 500"
        )
    ]
