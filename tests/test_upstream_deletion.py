"""Deleting a request everywhere (upstream_deletion.py) with the real clients.

The clients talk to aioclient_mock; each test checks the calls made and the
result each service reports. Anime (Shoko) is covered here: Shoko forgets
missing files only for anime, and only when the files were deleted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import Any
from unittest.mock import patch

from aiohttp import ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.status_tracker.api import (
    JellyfinClient,
    QBittorrentClient,
    RadarrClient,
    SeerrClient,
    ShokoClient,
    SonarrClient,
)
from custom_components.status_tracker.core.deletion_log import (
    ServiceOutcome,
    ServiceResult,
)
from custom_components.status_tracker.core.model import (
    Download,
    Episode,
    Outcome,
    Request,
    Unit,
)
from custom_components.status_tracker.core.observations import MediaType
from custom_components.status_tracker.upstream_deletion import (
    Service,
    async_delete_everywhere,
    is_partial,
)

from .flows import (
    ANIME_HASH,
    ANIME_MOVIE_HASH,
    MOVIE_HASH,
    MOVIE_JELLYFIN_ID,
    SHOW_HASH,
    load_fixture,
)

SEERR_URL = "http://seerr.lan:5055"
SONARR_URL = "http://sonarr.lan:8989"
RADARR_URL = "http://radarr.lan:7878"
RADARR_4K_URL = "http://radarr4k.lan:7879"
JELLYFIN_URL = "http://jellyfin.lan:8096"
SHOKO_URL = "http://shoko.lan:8111"
QBT_URL = "http://qbittorrent.lan:8080"
API_KEY = "0123456789abcdef0123456789abcdef"

SONARR_ID = "sonarr_subentry"
RADARR_ID = "radarr_subentry"
RADARR_4K_ID = "radarr_4k_subentry"

ANIME_ITEMS = ["7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2", "7a8b9c0d1e2f43a4b5c6d7e8f9a0b2c2"]
ANIME_MOVIE_ITEM = "4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9"
REMOVE_MISSING = f"GET {SHOKO_URL}/api/v3/Action/RemoveMissingFiles/false"
CREATED = "2026-01-10T12:00:00+00:00"


def seerr_request(request_id: int, media_id: int | None, media_type: str) -> Any:
    """Return Seerr's GET /api/v1/request/{id} answer (the fields that matter)."""
    return {
        "id": request_id,
        "status": 2,
        "createdAt": "2026-01-10T12:00:00.000Z",
        "type": media_type,
        "is4k": False,
        "media": None
        if media_id is None
        else {"id": media_id, "mediaType": media_type, "status": 5},
        "seasons": [{"id": 401, "seasonNumber": 1, "status": 2}]
        if media_type == "tv"
        else [],
        "requestedBy": {"id": 2, "displayName": "alice"},
    }


# Endpoint ("METHOD url") -> (status, JSON body) of every successful answer.
ANSWERS: dict[str, tuple[int, Any]] = {
    f"DELETE {SONARR_URL}/api/v3/series/23": (200, None),
    f"DELETE {SONARR_URL}/api/v3/series/7": (200, None),
    f"DELETE {RADARR_URL}/api/v3/movie/31": (200, None),
    f"DELETE {RADARR_URL}/api/v3/movie/12": (200, None),
    f"DELETE {RADARR_4K_URL}/api/v3/movie/12": (200, None),
    **{
        f"GET {SEERR_URL}/api/v1/request/{request_id}": (
            200,
            seerr_request(request_id, media_id, media_type),
        )
        for request_id, media_id, media_type in (
            (201, 101, "movie"),
            (202, 102, "tv"),
            (203, 103, "tv"),
            (204, 104, "movie"),
        )
    },
    **{
        f"DELETE {SEERR_URL}/api/v1/request/{request_id}": (204, None)
        for request_id in (201, 202, 203, 204)
    },
    **{
        f"DELETE {SEERR_URL}/api/v1/media/{media_id}": (204, None)
        for media_id in (101, 102, 103, 104)
    },
    **{
        f"DELETE {JELLYFIN_URL}/Items/{item_id}": (204, None)
        for item_id in (*ANIME_ITEMS, ANIME_MOVIE_ITEM, MOVIE_JELLYFIN_ID)
    },
    REMOVE_MISSING: (200, None),
    f"POST {QBT_URL}/api/v2/torrents/delete": (200, None),
}


class Upstream:
    """The services' answers; `status` makes an endpoint fail or miss."""

    def __init__(self, mock: AiohttpClientMocker) -> None:
        self.mock = mock
        self.status: dict[str, int] = {}
        self.torrents = {
            torrent["hash"]: torrent
            for torrent in load_fixture("qbittorrent/torrents_info.json")
        }
        self.unreachable: set[str] = set()
        for endpoint, (status, body) in ANSWERS.items():
            method, url = endpoint.split(" ")
            mock.request(
                method.lower(), url, side_effect=self._answer(endpoint, status, body)
            )
        mock.get(f"{QBT_URL}/api/v2/torrents/info", side_effect=self._info)

    def _answer(self, endpoint: str, status: int, body: Any) -> Any:
        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            if endpoint in self.unreachable:
                return AiohttpClientMockResponse(
                    method, url, exc=ClientError("Connection refused")
                )
            code = self.status.get(endpoint, status)
            return AiohttpClientMockResponse(
                method, url, status=code, json=body if code < 300 else None
            )

        return answer

    async def _info(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        hashes = url.query["hashes"].split("|")
        return AiohttpClientMockResponse(
            method, url, json=[self.torrents[h] for h in hashes if h in self.torrents]
        )

    def calls(self) -> list[str]:
        """Return the calls as "METHOD url[?query]"."""
        return [f"{method.upper()} {url}" for method, url, _, _ in self.mock.mock_calls]


@pytest.fixture
async def session(aioclient_mock: AiohttpClientMocker) -> AsyncGenerator[ClientSession]:
    """Return a client session answered by aioclient_mock."""
    client_session = aioclient_mock.create_session(asyncio.get_running_loop())
    yield client_session
    await client_session.close()


@pytest.fixture
def upstream(aioclient_mock: AiohttpClientMocker) -> Upstream:
    """Return the services' answers."""
    return Upstream(aioclient_mock)


@pytest.fixture
def services(session: ClientSession) -> list[Service]:
    """Return a hub's services, in the order of its subentries."""
    return [
        Service(
            "seerr", "seerr_subentry", "Seerr", SeerrClient(session, SEERR_URL, API_KEY)
        ),
        Service(
            "sonarr", SONARR_ID, "Sonarr", SonarrClient(session, SONARR_URL, API_KEY)
        ),
        Service(
            "radarr", RADARR_ID, "Radarr", RadarrClient(session, RADARR_URL, API_KEY)
        ),
        Service(
            "jellyfin",
            "jellyfin_subentry",
            "Jellyfin",
            JellyfinClient(session, JELLYFIN_URL, API_KEY),
        ),
        Service(
            "shoko", "shoko_subentry", "Shoko", ShokoClient(session, SHOKO_URL, API_KEY)
        ),
        Service(
            "qbittorrent",
            "qbittorrent_subentry",
            "qBittorrent",
            QBittorrentClient(
                session, QBT_URL, api_key="qbt_0123456789abcdefghijklmnop"
            ),
        ),
    ]


def anime_show(**changes: Any) -> Request:
    """Return Example Anime S01 as the tracker knows it once available."""
    request = Request(
        id="req000003",
        media_type=MediaType.TV,
        title="Example Anime",
        created_at=CREATED,
        year=2023,
        seerr_request_id=203,
        tmdb_id=209867,
        tvdb_id=424536,
        arr_service="sonarr",
        arr_instance=SONARR_ID,
        arr_id=23,
        seasons=[1],
        is_anime=True,
        episodes={
            f"S01E0{number}": Episode(
                season=1,
                number=number,
                download_ids=[ANIME_HASH],
                jellyfin_id=ANIME_ITEMS[number - 1],
            )
            for number in (1, 2)
        },
        state="available",
    )
    return replace(request, **changes)


def movie(**changes: Any) -> Request:
    """Return Example Movie (not anime) once available."""
    request = Request(
        id="req000001",
        media_type=MediaType.MOVIE,
        title="Example Movie",
        created_at=CREATED,
        year=1999,
        seerr_request_id=201,
        tmdb_id=603,
        arr_service="radarr",
        arr_instance=RADARR_ID,
        arr_id=12,
        movie=Unit(download_ids=[MOVIE_HASH], jellyfin_id=MOVIE_JELLYFIN_ID),
        state="available",
    )
    return replace(request, **changes)


def result(
    service: str, title: str, outcome: str, detail: str | None = None
) -> ServiceResult:
    """Return a ServiceResult."""
    return ServiceResult(service, title, ServiceOutcome(outcome), detail)


# --------------------------------------------------------------------- anime


async def test_anime_show_with_files_asks_shoko_last(
    upstream: Upstream, services: list[Service]
) -> None:
    """Shoko forgets the missing files once Sonarr and Jellyfin deleted them."""
    results = await async_delete_everywhere(anime_show(), services, delete_files=True)

    assert results == [
        result("seerr", "Seerr", "deleted", "request and media"),
        result("sonarr", "Sonarr", "deleted", "with files"),
        result("qbittorrent", "qBittorrent", "deleted", "1 torrent, with data"),
        result("jellyfin", "Jellyfin", "deleted", "2 item(s)"),
        result("shoko", "Shoko", "deleted", "missing files removed"),
    ]
    assert not is_partial(results)
    calls = upstream.calls()
    # Jellyfin and Shoko only once the *arr, Seerr and the torrent are done.
    assert calls[-3:] == [
        *(f"DELETE {JELLYFIN_URL}/Items/{item_id}" for item_id in ANIME_ITEMS),
        REMOVE_MISSING,
    ]
    assert sorted(calls[:-3]) == sorted(
        [
            f"GET {SEERR_URL}/api/v1/request/203",
            f"DELETE {SEERR_URL}/api/v1/request/203",
            f"DELETE {SEERR_URL}/api/v1/media/103",
            (
                f"DELETE {SONARR_URL}/api/v3/series/23"
                "?deleteFiles=true&addImportListExclusion=false"
            ),
            f"GET {QBT_URL}/api/v2/torrents/info?hashes={ANIME_HASH}",
            f"POST {QBT_URL}/api/v2/torrents/delete",
        ]
    )
    _, _, form, _ = next(c for c in upstream.mock.mock_calls if c[0] == "POST")
    assert form == {"hashes": ANIME_HASH, "deleteFiles": "true"}


async def test_anime_keeping_files_leaves_shoko_alone(
    upstream: Upstream, services: list[Service]
) -> None:
    """Without deleting files there is nothing missing for Shoko to forget."""
    results = await async_delete_everywhere(anime_show(), services, delete_files=False)

    assert results[-2:] == [
        result(
            "jellyfin",
            "Jellyfin",
            "skipped",
            "removing a Jellyfin item deletes its files",
        ),
        result("shoko", "Shoko", "skipped", "files kept"),
    ]
    calls = upstream.calls()
    assert not [call for call in calls if SHOKO_URL in call or JELLYFIN_URL in call]
    assert (
        f"DELETE {SONARR_URL}/api/v3/series/23"
        "?deleteFiles=false&addImportListExclusion=false"
    ) in calls
    _, _, form, _ = next(c for c in upstream.mock.mock_calls if c[0] == "POST")
    assert form == {"hashes": ANIME_HASH, "deleteFiles": "false"}


async def test_anime_movie_asks_shoko(
    upstream: Upstream, services: list[Service]
) -> None:
    """An anime movie: Radarr deletes it, then Shoko forgets the file."""
    request = movie(
        id="req000004",
        title="Example Anime Movie",
        seerr_request_id=204,
        tmdb_id=378064,
        arr_id=31,
        is_anime=True,
        movie=Unit(download_ids=[ANIME_MOVIE_HASH], jellyfin_id=ANIME_MOVIE_ITEM),
    )

    results = await async_delete_everywhere(request, services, delete_files=True)

    assert {r.service: r.outcome for r in results} == {
        "seerr": ServiceOutcome.DELETED,
        "radarr": ServiceOutcome.DELETED,
        "qbittorrent": ServiceOutcome.DELETED,
        "jellyfin": ServiceOutcome.DELETED,
        "shoko": ServiceOutcome.DELETED,
    }
    calls = upstream.calls()
    assert calls[-1] == REMOVE_MISSING
    assert (
        f"DELETE {RADARR_URL}/api/v3/movie/31?deleteFiles=true&addImportExclusion=false"
    ) in calls


async def test_shoko_not_asked_for_other_media(
    upstream: Upstream, services: list[Service]
) -> None:
    """Shoko has no part in a movie that is not anime."""
    results = await async_delete_everywhere(movie(), services, delete_files=True)

    assert "shoko" not in {r.service for r in results}
    assert "sonarr" not in {r.service for r in results}
    assert not [call for call in upstream.calls() if SHOKO_URL in call]


async def test_shoko_failure_is_reported(
    upstream: Upstream, services: list[Service]
) -> None:
    """Shoko failing does not hide what the others deleted."""
    upstream.status[REMOVE_MISSING] = 500

    results = await async_delete_everywhere(anime_show(), services, delete_files=True)

    assert results[-1] == result(
        "shoko",
        "Shoko",
        "failed",
        "Shoko at shoko.lan:8111: GET /api/v3/Action/RemoveMissingFiles/false "
        "answered HTTP 500",
    )
    assert [r.outcome for r in results[:-1]] == [ServiceOutcome.DELETED] * 4
    assert is_partial(results)


# ------------------------------------------------------------------- errors


async def test_refused_and_unreachable_services_fail(
    upstream: Upstream, services: list[Service]
) -> None:
    """A refused key and a dead host are failures with the reason."""
    upstream.status[f"DELETE {RADARR_URL}/api/v3/movie/12"] = 401
    upstream.unreachable.add(f"GET {SEERR_URL}/api/v1/request/201")

    results = await async_delete_everywhere(movie(), services, delete_files=True)

    by_service = {r.service: r for r in results}
    assert by_service["radarr"] == result(
        "radarr",
        "Radarr",
        "failed",
        "Radarr at radarr.lan:7878: DELETE /api/v3/movie/12 was refused (HTTP 401)",
    )
    assert by_service["seerr"].outcome is ServiceOutcome.FAILED
    assert by_service["seerr"].detail == (
        "Seerr at seerr.lan:5055: GET /api/v1/request/201 failed: Connection refused"
    )
    assert by_service["jellyfin"].outcome is ServiceOutcome.DELETED
    assert is_partial(results)
    # Seerr's request was never read, so nothing of it was deleted.
    assert not [c for c in upstream.calls() if c.startswith(f"DELETE {SEERR_URL}")]


async def test_unexpected_error_in_one_step_is_a_failure(
    upstream: Upstream, services: list[Service], caplog: pytest.LogCaptureFixture
) -> None:
    """A bug in one service's step is logged and reported; the rest goes on."""
    radarr = next(s for s in services if s.service == "radarr")
    with patch.object(
        type(radarr.client), "async_delete_movie", side_effect=RuntimeError("boom")
    ):
        results = await async_delete_everywhere(movie(), services, delete_files=True)

    by_service = {r.service: r for r in results}
    assert by_service["radarr"] == result(
        "radarr", "Radarr", "failed", "unexpected error"
    )
    assert by_service["seerr"].outcome is ServiceOutcome.DELETED
    assert by_service["jellyfin"].outcome is ServiceOutcome.DELETED
    assert "Unexpected error deleting in Radarr" in caplog.text


# --------------------------------------------------------------------- *arr


async def test_arr_not_linked(upstream: Upstream, services: list[Service]) -> None:
    """A request the *arr never reported is not found there; nothing is sent."""
    results = await async_delete_everywhere(
        movie(arr_instance=None, arr_id=None), services, delete_files=True
    )

    assert result("radarr", "Radarr", "not_found", "not linked to it") in results
    assert not [c for c in upstream.calls() if RADARR_URL in c]


async def test_only_the_linked_instance_deletes(
    upstream: Upstream, services: list[Service], session: ClientSession
) -> None:
    """With two Radarr, the movie goes from the one it is linked to."""
    radarr_4k = Service(
        "radarr",
        RADARR_4K_ID,
        "Radarr 4K",
        RadarrClient(session, RADARR_4K_URL, API_KEY),
    )

    results = await async_delete_everywhere(
        movie(), [*services, radarr_4k], delete_files=True
    )

    assert result("radarr", "Radarr", "deleted", "with files") in results
    assert result("radarr", "Radarr 4K", "not_found", "not linked to it") in results
    assert not [c for c in upstream.calls() if RADARR_4K_URL in c]


async def test_arr_of_the_other_kind_is_not_asked(
    upstream: Upstream, services: list[Service]
) -> None:
    """Sonarr has no part in a movie, Radarr none in a show."""
    show = anime_show(is_anime=False)

    results = await async_delete_everywhere(show, services, delete_files=True)

    assert "radarr" not in {r.service for r in results}
    assert "sonarr" in {r.service for r in results}


# -------------------------------------------------------------------- Seerr


async def test_request_not_from_seerr(
    upstream: Upstream, services: list[Service]
) -> None:
    """A request Sonarr/Radarr started has nothing in Seerr."""
    results = await async_delete_everywhere(
        movie(seerr_request_id=None), services, delete_files=True
    )

    assert results[0] == result("seerr", "Seerr", "skipped", "not requested in Seerr")
    assert not [c for c in upstream.calls() if SEERR_URL in c]


async def test_seerr_request_without_media(
    aioclient_mock: AiohttpClientMocker, upstream: Upstream, services: list[Service]
) -> None:
    """Only the request goes when Seerr's answer names no media."""
    aioclient_mock.clear_requests()
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/request/201", json=seerr_request(201, None, "movie")
    )
    aioclient_mock.delete(f"{SEERR_URL}/api/v1/request/201", status=204)

    results = await async_delete_everywhere(movie(), services[:1], delete_files=True)

    assert results == [result("seerr", "Seerr", "deleted", "request")]
    assert [f"{m.upper()} {u}" for m, u, _, _ in aioclient_mock.mock_calls] == [
        f"GET {SEERR_URL}/api/v1/request/201",
        f"DELETE {SEERR_URL}/api/v1/request/201",
    ]


async def test_seerr_request_gone(upstream: Upstream, services: list[Service]) -> None:
    """A request Seerr no longer has is not found; nothing is deleted there."""
    upstream.status[f"GET {SEERR_URL}/api/v1/request/201"] = 404

    results = await async_delete_everywhere(movie(), services, delete_files=True)

    assert results[0] == result("seerr", "Seerr", "not_found")
    assert [c for c in upstream.calls() if SEERR_URL in c] == [
        f"GET {SEERR_URL}/api/v1/request/201"
    ]


async def test_seerr_media_already_gone(
    upstream: Upstream, services: list[Service]
) -> None:
    """The request goes; a media row Seerr no longer has is no failure."""
    upstream.status[f"DELETE {SEERR_URL}/api/v1/media/101"] = 404

    results = await async_delete_everywhere(movie(), services, delete_files=True)

    assert results[0] == result("seerr", "Seerr", "deleted", "request")


async def test_seerr_delete_fails(upstream: Upstream, services: list[Service]) -> None:
    """The request delete failing keeps the media too."""
    upstream.status[f"DELETE {SEERR_URL}/api/v1/request/201"] = 500

    results = await async_delete_everywhere(movie(), services, delete_files=True)

    assert results[0].outcome is ServiceOutcome.FAILED
    assert f"DELETE {SEERR_URL}/api/v1/media/101" not in upstream.calls()


# ---------------------------------------------------------------- torrents


async def test_no_torrent_known(upstream: Upstream, services: list[Service]) -> None:
    """Without a torrent hash qBittorrent is not asked (it would list everything)."""
    request = movie(movie=Unit(jellyfin_id=MOVIE_JELLYFIN_ID))

    results = await async_delete_everywhere(request, services, delete_files=True)

    assert result("qbittorrent", "qBittorrent", "not_found") in results
    assert not [c for c in upstream.calls() if QBT_URL in c]


async def test_every_torrent_of_the_request(
    upstream: Upstream, services: list[Service]
) -> None:
    """Hashes of the units and of live downloads, each once; usenet ids skipped."""
    request = anime_show(
        is_anime=False,
        episodes={
            "S01E01": Episode(season=1, number=1, download_ids=[SHOW_HASH]),
            "S01E02": Episode(
                season=1, number=2, download_ids=[SHOW_HASH, "SABnzbd_nzo_p86tgx"]
            ),
        },
    )
    request.downloads = {ANIME_HASH: Download(), SHOW_HASH: Download()}

    results = await async_delete_everywhere(request, services, delete_files=False)

    assert result("qbittorrent", "qBittorrent", "deleted", "2 torrents, data kept") in (
        results
    )
    info = [c for c in upstream.calls() if "torrents/info" in c]
    assert info == [
        f"GET {QBT_URL}/api/v2/torrents/info?hashes={ANIME_HASH}%7C{SHOW_HASH}"
    ]
    _, _, form, _ = next(c for c in upstream.mock.mock_calls if c[0] == "POST")
    assert form == {"hashes": f"{SHOW_HASH}|{ANIME_HASH}", "deleteFiles": "false"}


async def test_download_id_that_is_no_info_hash(
    upstream: Upstream, services: list[Service]
) -> None:
    """A 40-character download id that is not hex is not sent to qBittorrent."""
    request = movie(
        movie=Unit(
            download_ids=["SABnzbd_nzo_0123456789abcdefghijklmnopqr", MOVIE_HASH],
            jellyfin_id=MOVIE_JELLYFIN_ID,
        )
    )

    results = await async_delete_everywhere(request, services, delete_files=True)

    assert result("qbittorrent", "qBittorrent", "deleted", "1 torrent, with data") in (
        results
    )
    assert f"GET {QBT_URL}/api/v2/torrents/info?hashes={MOVIE_HASH}" in (
        upstream.calls()
    )


async def test_only_present_torrents_are_deleted(
    upstream: Upstream, services: list[Service]
) -> None:
    """qBittorrent's own list decides: a torrent it no longer has is not sent."""
    del upstream.torrents[MOVIE_HASH]
    request = movie(
        movie=Unit(download_ids=[MOVIE_HASH, SHOW_HASH], jellyfin_id=MOVIE_JELLYFIN_ID)
    )

    results = await async_delete_everywhere(request, services, delete_files=True)

    assert result("qbittorrent", "qBittorrent", "deleted", "1 torrent, with data") in (
        results
    )
    _, _, form, _ = next(c for c in upstream.mock.mock_calls if c[0] == "POST")
    assert form == {"hashes": SHOW_HASH, "deleteFiles": "true"}


# ---------------------------------------------------------------- Jellyfin


async def test_jellyfin_items_partly_gone(
    upstream: Upstream, services: list[Service]
) -> None:
    """Items Jellyfin no longer has are skipped; the rest are counted."""
    upstream.status[f"DELETE {JELLYFIN_URL}/Items/{ANIME_ITEMS[0]}"] = 404

    results = await async_delete_everywhere(anime_show(), services, delete_files=True)

    assert result("jellyfin", "Jellyfin", "deleted", "1 item(s)") in results


async def test_jellyfin_items_all_gone(
    upstream: Upstream, services: list[Service]
) -> None:
    """Every item already gone: not found."""
    for item_id in ANIME_ITEMS:
        upstream.status[f"DELETE {JELLYFIN_URL}/Items/{item_id}"] = 404

    results = await async_delete_everywhere(anime_show(), services, delete_files=True)

    assert result("jellyfin", "Jellyfin", "not_found") in results


async def test_jellyfin_failure(upstream: Upstream, services: list[Service]) -> None:
    """A Jellyfin error stops its deletes and is reported."""
    upstream.status[f"DELETE {JELLYFIN_URL}/Items/{ANIME_ITEMS[0]}"] = 500

    results = await async_delete_everywhere(anime_show(), services, delete_files=True)

    jellyfin = next(r for r in results if r.service == "jellyfin")
    assert jellyfin.outcome is ServiceOutcome.FAILED
    assert jellyfin.detail == (
        f"Jellyfin at jellyfin.lan:8096: DELETE /Items/{ANIME_ITEMS[0]} "
        "answered HTTP 500"
    )


async def test_jellyfin_without_items(
    upstream: Upstream, services: list[Service]
) -> None:
    """No item known: not found, without a call; one item per file, once."""
    results = await async_delete_everywhere(
        movie(movie=Unit(download_ids=[MOVIE_HASH])), services, delete_files=True
    )
    assert result("jellyfin", "Jellyfin", "not_found") in results
    assert not [c for c in upstream.calls() if JELLYFIN_URL in c]

    # A double episode is one file, one item.
    request = anime_show(
        episodes={
            f"S01E0{number}": Episode(
                season=1, number=number, jellyfin_id=ANIME_ITEMS[0]
            )
            for number in (1, 2)
        }
    )
    results = await async_delete_everywhere(request, services, delete_files=True)
    assert result("jellyfin", "Jellyfin", "deleted", "1 item(s)") in results
    assert upstream.calls().count(f"DELETE {JELLYFIN_URL}/Items/{ANIME_ITEMS[0]}") == 1


# ----------------------------------------------------------------- sharing


async def test_series_shared_with_another_request(
    upstream: Upstream, services: list[Service]
) -> None:
    """Another season's request keeps the series and Seerr's media."""
    season_1 = anime_show(is_anime=False)
    season_2 = anime_show(
        id="req000005", seerr_request_id=205, seasons=[2], episodes={}
    )

    results = await async_delete_everywhere(
        season_1,
        services,
        delete_files=True,
        others=[season_1, season_2],
    )

    assert results[:2] == [
        result("seerr", "Seerr", "deleted", "request"),
        result(
            "sonarr", "Sonarr", "skipped", "the series also belongs to another request"
        ),
    ]
    calls = upstream.calls()
    assert f"DELETE {SEERR_URL}/api/v1/request/203" in calls
    assert f"DELETE {SEERR_URL}/api/v1/media/103" not in calls
    assert not [c for c in calls if SONARR_URL in c]


@pytest.mark.parametrize(
    "other",
    [
        # The request itself (the hub passes all its requests).
        anime_show(is_anime=False),
        # Another season, already deleted.
        anime_show(id="req000005", seasons=[2], state=Outcome.DELETED),
        # A movie with the same ids is another kind of media.
        movie(id="req000006", arr_instance=SONARR_ID, arr_id=23, tmdb_id=209867),
        # The same series number in another Sonarr, no Seerr request.
        anime_show(id="req000007", arr_instance="sonarr_2", seerr_request_id=None),
    ],
)
async def test_not_shared(
    upstream: Upstream, services: list[Service], other: Request
) -> None:
    """Requests that do not keep the series or the media."""
    results = await async_delete_everywhere(
        anime_show(is_anime=False), services, delete_files=True, others=[other]
    )

    assert results[:2] == [
        result("seerr", "Seerr", "deleted", "request and media"),
        result("sonarr", "Sonarr", "deleted", "with files"),
    ]


async def test_excluded_services_are_skipped(
    upstream: Upstream, services: list[Service]
) -> None:
    """A service that reported the deletion itself is not asked again."""
    results = await async_delete_everywhere(
        movie(), services, delete_files=True, exclude=frozenset({"radarr", "seerr"})
    )

    assert [r.service for r in results] == ["qbittorrent", "jellyfin"]
    assert not [c for c in upstream.calls() if RADARR_URL in c or SEERR_URL in c]


async def test_no_services() -> None:
    """A hub without services deletes nothing and reports nothing."""
    assert await async_delete_everywhere(movie(), [], delete_files=True) == []


def test_is_partial() -> None:
    """Partial means some service failed; not found and skipped are fine."""
    deleted = result("radarr", "Radarr", "deleted")
    assert not is_partial([])
    assert not is_partial(
        [
            deleted,
            result("seerr", "Seerr", "not_found"),
            result("jellyfin", "Jellyfin", "skipped"),
        ]
    )
    assert is_partial([deleted, result("seerr", "Seerr", "failed", "HTTP 500")])
