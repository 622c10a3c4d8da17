"""Tests for the Seerr calls the actions and the request sync need."""

from __future__ import annotations

from http import HTTPStatus
import json
from typing import Any

from aiohttp import ClientError, ClientSession
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    Conflict,
    InvalidAuth,
    NotFound,
    SeerrClient,
    SeerrMedia,
    SeerrPayloadEncoding,
    SeerrRequest,
    SeerrWebhookSettings,
    ServiceError,
    UnexpectedResponse,
)

API_KEY = "MTczNjUwMDAwMDAwMGE5ZjNjNWUtN2IxZC00YTZjLThlMGYtMmI0ZDZhOGMwZTFm"
SEERR_URL = "http://seerr.lan:5055"

# Seerr serialises TypeORM entities with JSON.stringify: camelCase, nulls kept.
ALICE: dict[str, Any] = {
    "permissions": 32,
    "warnings": [],
    "id": 2,
    "email": "alice@example.org",
    "plexUsername": None,
    "jellyfinUsername": "alice",
    "username": None,
    "recoveryLinkExpirationDate": None,
    "userType": 3,
    "plexId": None,
    "jellyfinUserId": "4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9",
    "jellyfinDeviceId": "U2VlcnI=",
    "avatar": "/avatarproxy/4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9",
    "avatarETag": None,
    "avatarVersion": None,
    "movieQuotaLimit": None,
    "movieQuotaDays": None,
    "tvQuotaLimit": None,
    "tvQuotaDays": None,
    "createdAt": "2025-11-02T09:14:00.000Z",
    "updatedAt": "2026-01-10T12:00:00.000Z",
    "requestCount": 2,
    "displayName": "alice",
}

MOVIE_MEDIA: dict[str, Any] = {
    "downloadStatus": [],
    "downloadStatus4k": [],
    "id": 101,
    "mediaType": "movie",
    "tmdbId": 603,
    "tvdbId": None,
    "imdbId": None,
    "status": 5,
    "status4k": 1,
    "createdAt": "2026-01-10T12:00:00.000Z",
    "updatedAt": "2026-01-10T12:47:00.000Z",
    "lastSeasonChange": "2026-01-10T12:00:00.000Z",
    "mediaAddedAt": "2026-01-10T12:46:00.000Z",
    "serviceId": 0,
    "serviceId4k": None,
    "externalServiceId": 12,
    "externalServiceId4k": None,
    "externalServiceSlug": "603",
    "externalServiceSlug4k": None,
    "ratingKey": None,
    "ratingKey4k": None,
    "jellyfinMediaId": "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b",
    "jellyfinMediaId4k": None,
    "serviceUrl": "http://radarr.lan:7878/movie/603",
}

MOVIE_REQUEST: dict[str, Any] = {
    "id": 201,
    "status": 2,
    "createdAt": "2026-01-10T12:00:00.000Z",
    "updatedAt": "2026-01-10T12:00:00.000Z",
    "type": "movie",
    "is4k": False,
    "serverId": 0,
    "profileId": 4,
    "rootFolder": "/data/media/movies",
    "languageProfileId": None,
    "tags": [],
    "isAutoRequest": False,
    "media": MOVIE_MEDIA,
    "seasons": [],
    "modifiedBy": ALICE,
    "requestedBy": ALICE,
    "seasonCount": 0,
}

SHOW_REQUEST: dict[str, Any] = {
    "id": 202,
    "status": 2,
    "createdAt": "2026-01-10T12:05:00.000Z",
    "updatedAt": "2026-01-10T12:05:00.000Z",
    "type": "tv",
    "is4k": False,
    "serverId": 0,
    "profileId": 1,
    "rootFolder": "/data/media/tv",
    "languageProfileId": 1,
    "tags": [],
    "isAutoRequest": False,
    "media": {
        **MOVIE_MEDIA,
        "id": 102,
        "mediaType": "tv",
        "tmdbId": 1396,
        "tvdbId": 81189,
        "status": 4,
        "externalServiceId": 7,
        "externalServiceSlug": "example-show",
        "jellyfinMediaId": "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",
        "serviceUrl": "http://sonarr.lan:8989/series/example-show",
    },
    "seasons": [
        {
            "id": 11,
            "seasonNumber": 1,
            "status": 2,
            "createdAt": "2026-01-10T12:05:00.000Z",
            "updatedAt": "2026-01-10T12:05:00.000Z",
        }
    ],
    "modifiedBy": None,
    "requestedBy": ALICE,
    "seasonCount": 1,
}

MOVIE_201 = SeerrRequest(
    id=201,
    status=2,
    media_type="movie",
    media=SeerrMedia(
        id=101,
        media_type="movie",
        tmdb_id=603,
        status=5,
        status_4k=1,
        updated_at="2026-01-10T12:47:00.000Z",
        jellyfin_media_id="0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b",
        external_service_id=12,
    ),
    requested_by="alice",
    requested_by_id=2,
    modified_by_id=2,
    created_at="2026-01-10T12:00:00.000Z",
    updated_at="2026-01-10T12:00:00.000Z",
)
SHOW_202 = SeerrRequest(
    id=202,
    status=2,
    media_type="tv",
    media=SeerrMedia(
        id=102,
        media_type="tv",
        tmdb_id=1396,
        tvdb_id=81189,
        status=4,
        status_4k=1,
        updated_at="2026-01-10T12:47:00.000Z",
        jellyfin_media_id="1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6",
        external_service_id=7,
    ),
    requested_by="alice",
    requested_by_id=2,
    seasons=(1,),
    created_at="2026-01-10T12:05:00.000Z",
    updated_at="2026-01-10T12:05:00.000Z",
)


@pytest.fixture
def client(session: ClientSession) -> SeerrClient:
    """Return a Seerr client on the mocked session."""
    return SeerrClient(session, SEERR_URL, API_KEY)


def only_call(aioclient_mock: AiohttpClientMocker) -> tuple[str, Any, Any]:
    """Return (method, url, data) of the single request; the key is in a header."""
    assert aioclient_mock.call_count == 1
    method, url, data, headers = aioclient_mock.mock_calls[0]
    assert headers["X-Api-Key"] == API_KEY
    assert API_KEY not in str(url)
    return method, url, data


# --- one request -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"), [(MOVIE_REQUEST, MOVIE_201), (SHOW_REQUEST, SHOW_202)]
)
async def test_get_request(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    body: dict[str, Any],
    expected: SeerrRequest,
) -> None:
    """GET /api/v1/request/{id} gives status, type, media, requester and seasons."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/request/{expected.id}", json=body)

    assert await client.async_get_request(expected.id) == expected

    method, url, data = only_call(aioclient_mock)
    assert method == "GET"
    assert str(url) == f"{SEERR_URL}/api/v1/request/{expected.id}"
    assert data is None


async def test_get_request_sparse(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A 4K request without media, requester or valid seasons still parses."""
    body = {
        "id": 203,
        "status": 1,
        "type": "tv",
        "is4k": True,
        "media": None,
        "requestedBy": {"id": 3, "displayName": ""},
        "seasons": [{"seasonNumber": 2}, {"seasonNumber": 0}, {"seasonNumber": -1}, 5],
    }
    aioclient_mock.get(f"{SEERR_URL}/api/v1/request/203", json=body)

    assert await client.async_get_request(203) == SeerrRequest(
        id=203, status=1, media_type="tv", is_4k=True, requested_by_id=3, seasons=(0, 2)
    )


async def test_get_request_not_found(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Seerr answers 404 {"message": "Request not found."}: NotFound."""
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/request/999",
        status=HTTPStatus.NOT_FOUND,
        json={"message": "Request not found."},
    )
    with pytest.raises(NotFound) as exc_info:
        await client.async_get_request(999)
    assert str(exc_info.value) == (
        "Seerr at seerr.lan:5055: GET /api/v1/request/999 answered HTTP 404"
    )


@pytest.mark.parametrize("body", [[MOVIE_REQUEST], {"status": 2}, {"id": "201"}])
async def test_get_request_unexpected(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, body: Any
) -> None:
    """An answer without a request id is an unexpected response."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/request/201", json=body)
    with pytest.raises(UnexpectedResponse, match="did not answer a request"):
        await client.async_get_request(201)


# --- request pages -------------------------------------------------------------------


async def test_requests_page(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """One page of requests, oldest first, with the page count."""
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/request",
        json={
            "pageInfo": {"pages": 3, "pageSize": 2, "results": 5, "page": 1},
            "results": [
                {**MOVIE_REQUEST, "profileName": "HD-1080p", "canRemove": True},
                {"status": 2},
                {**SHOW_REQUEST, "profileName": "HD-1080p", "canRemove": True},
            ],
            "serviceErrors": {"radarr": [], "sonarr": []},
        },
    )

    requests, pages = await client.async_get_requests_page(take=2, skip=0)

    assert requests == [MOVIE_201, SHOW_202]
    assert pages == 3
    method, url, _ = only_call(aioclient_mock)
    assert method == "GET"
    assert url.path == "/api/v1/request"
    assert dict(url.query) == {
        "take": "2",
        "skip": "0",
        "sort": "added",
        "sortDirection": "asc",
        "filter": "all",
    }


async def test_requests_empty_page(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No requests at all: zero pages."""
    aioclient_mock.get(
        f"{SEERR_URL}/api/v1/request",
        json={
            "pageInfo": {"pages": 0, "pageSize": 50, "results": 0, "page": 3},
            "results": [],
        },
    )
    assert await client.async_get_requests_page(take=50, skip=100) == ([], 0)
    assert aioclient_mock.mock_calls[0][1].query["skip"] == "100"


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"results": []},
        {"pageInfo": {"pages": "3"}, "results": []},
        {"pageInfo": {"pages": 1}, "results": None},
    ],
)
async def test_requests_page_unexpected(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, body: Any
) -> None:
    """A list answer without pageInfo or results is unexpected."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/request", json=body)
    with pytest.raises(UnexpectedResponse):
        await client.async_get_requests_page(take=20, skip=0)


@pytest.mark.parametrize(("take", "skip"), [(0, 0), (20, -1), (True, 0)])
async def test_requests_page_refuses_bad_arguments(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, take: Any, skip: int
) -> None:
    """take below 1 or a negative skip is a caller error."""
    with pytest.raises(ValueError):
        await client.async_get_requests_page(take=take, skip=skip)
    assert aioclient_mock.call_count == 0


# --- retry ---------------------------------------------------------------------------


async def test_retry_request(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """POST /api/v1/request/{id}/retry, without a body, answers the request (200)."""
    aioclient_mock.post(f"{SEERR_URL}/api/v1/request/201/retry", json=MOVIE_REQUEST)

    assert await client.async_retry_request(201) == MOVIE_201

    method, url, data = only_call(aioclient_mock)
    assert method == "POST"
    assert str(url) == f"{SEERR_URL}/api/v1/request/201/retry"
    assert data is None


async def test_retry_refused_for_a_request_that_has_not_failed(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Seerrs that retry failed requests only answer 409: Conflict."""
    aioclient_mock.post(
        f"{SEERR_URL}/api/v1/request/201/retry",
        status=HTTPStatus.CONFLICT,
        json={"status": 409, "message": "Only failed requests can be retried."},
    )
    with pytest.raises(Conflict) as exc_info:
        await client.async_retry_request(201)
    assert str(exc_info.value) == (
        "Seerr at seerr.lan:5055: POST /api/v1/request/201/retry answered HTTP 409"
    )


async def test_retry_unknown_request(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Seerr answers 404 {"message": "Request not found."}: NotFound."""
    aioclient_mock.post(
        f"{SEERR_URL}/api/v1/request/999/retry",
        status=HTTPStatus.NOT_FOUND,
        json={"status": 404, "message": "Request not found."},
    )
    with pytest.raises(NotFound, match="POST /api/v1/request/999/retry"):
        await client.async_retry_request(999)


@pytest.mark.parametrize("body", [{"status": 2}, [MOVIE_REQUEST], "OK"])
async def test_retry_unexpected_answer(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, body: Any
) -> None:
    """An answer that is not a request is an unexpected response."""
    aioclient_mock.post(f"{SEERR_URL}/api/v1/request/201/retry", json=body)
    with pytest.raises(UnexpectedResponse, match="did not answer a request"):
        await client.async_retry_request(201)


async def test_conflict_only_where_asked_for(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A 409 to a call that does not expect one stays an unexpected response."""
    aioclient_mock.delete(f"{SEERR_URL}/api/v1/request/201", status=HTTPStatus.CONFLICT)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await client.async_delete_request(201)
    assert not isinstance(exc_info.value, Conflict)


# --- deletes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.async_delete_request(201), "/api/v1/request/201"),
        (lambda c: c.async_delete_media(101), "/api/v1/media/101"),
    ],
)
async def test_delete(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, call: Any, path: str
) -> None:
    """DELETE answers 204 without a body."""
    aioclient_mock.delete(f"{SEERR_URL}{path}", status=HTTPStatus.NO_CONTENT)

    await call(client)

    method, url, data = only_call(aioclient_mock)
    assert method == "DELETE"
    assert str(url) == f"{SEERR_URL}{path}"
    assert data is None


@pytest.mark.parametrize(
    ("call", "path", "message"),
    [
        (
            lambda c: c.async_delete_request(999),
            "/api/v1/request/999",
            "Request not found.",
        ),
        (lambda c: c.async_delete_media(999), "/api/v1/media/999", "Media not found"),
    ],
)
async def test_delete_not_found(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    call: Any,
    path: str,
    message: str,
) -> None:
    """404 is NotFound, so the caller can say "not_found"."""
    aioclient_mock.delete(
        f"{SEERR_URL}{path}", status=HTTPStatus.NOT_FOUND, json={"message": message}
    )
    with pytest.raises(NotFound, match=f"DELETE {path} answered HTTP 404"):
        await call(client)


async def test_delete_request_without_permission(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """401 "You do not have permission to delete this request." is InvalidAuth."""
    aioclient_mock.delete(
        f"{SEERR_URL}/api/v1/request/201",
        status=HTTPStatus.UNAUTHORIZED,
        json={"message": "You do not have permission to delete this request."},
    )
    with pytest.raises(InvalidAuth):
        await client.async_delete_request(201)


@pytest.mark.parametrize("bad_id", [0, -5, True, "201"])
async def test_ids_checked(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker, bad_id: Any
) -> None:
    """Ids go into paths only as positive integers."""
    with pytest.raises(ValueError, match="request_id"):
        await client.async_delete_request(bad_id)
    with pytest.raises(ValueError, match="request_id"):
        await client.async_get_request(bad_id)
    with pytest.raises(ValueError, match="media_id"):
        await client.async_delete_media(bad_id)
    with pytest.raises(ValueError, match="request_id"):
        await client.async_retry_request(bad_id)
    assert aioclient_mock.call_count == 0


# --- error mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        (
            {"status": HTTPStatus.FORBIDDEN, "json": {"message": "no permission"}},
            InvalidAuth,
        ),
        (
            {"status": HTTPStatus.INTERNAL_SERVER_ERROR, "json": {"message": "x"}},
            UnexpectedResponse,
        ),
    ],
)
@pytest.mark.parametrize(
    ("method", "path", "call"),
    [
        ("get", "/api/v1/request/201", lambda c: c.async_get_request(201)),
        (
            "get",
            "/api/v1/request",
            lambda c: c.async_get_requests_page(take=20, skip=0),
        ),
        ("delete", "/api/v1/request/201", lambda c: c.async_delete_request(201)),
        ("delete", "/api/v1/media/101", lambda c: c.async_delete_media(101)),
        (
            "post",
            "/api/v1/request/201/retry",
            lambda c: c.async_retry_request(201),
        ),
    ],
)
async def test_errors_mapped(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    method: str,
    path: str,
    call: Any,
) -> None:
    """Transport, auth and server errors map to the three classes, without the key."""
    aioclient_mock.request(method, f"{SEERR_URL}{path}", **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await call(client)

    assert not isinstance(exc_info.value, NotFound)
    assert API_KEY not in str(exc_info.value)
    assert API_KEY not in repr(exc_info.value.__cause__)


async def test_list_404_is_not_not_found(
    client: SeerrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The request list answering 404 means a wrong base path."""
    aioclient_mock.get(f"{SEERR_URL}/api/v1/request", status=HTTPStatus.NOT_FOUND)
    with pytest.raises(UnexpectedResponse) as exc_info:
        await client.async_get_requests_page(take=20, skip=0)
    assert not isinstance(exc_info.value, NotFound)


# --- webhook agent -------------------------------------------------------------------

WEBHOOK_SETTINGS_URL = f"{SEERR_URL}/api/v1/settings/notifications/webhook"
TEMPLATE = '{"notification_type": "{{notification_type}}"}'
AGENT = SeerrWebhookSettings(
    enabled=True,
    types=222,
    webhook_url="http://ha.lan:8123/api/webhook/x",
    template=TEMPLATE,
)


@pytest.mark.parametrize(
    ("encoding", "json_payload"),
    [
        (SeerrPayloadEncoding.TEMPLATE_TEXT, TEMPLATE),
        (SeerrPayloadEncoding.JSON_STRING, json.dumps(TEMPLATE)),
    ],
)
async def test_webhook_template_sent_in_either_form(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    encoding: SeerrPayloadEncoding,
    json_payload: str,
) -> None:
    """Current Seerr takes the template as text, an older one JSON-encoded."""
    aioclient_mock.post(f"{WEBHOOK_SETTINGS_URL}/test", status=HTTPStatus.NO_CONTENT)

    await client.async_test_webhook_settings(AGENT, encoding)

    method, url, data = only_call(aioclient_mock)
    assert (method, str(url)) == ("POST", f"{WEBHOOK_SETTINGS_URL}/test")
    assert data == {
        "enabled": True,
        "embedPoster": True,
        "types": 222,
        "options": {
            "webhookUrl": "http://ha.lan:8123/api/webhook/x",
            "jsonPayload": json_payload,
            "authHeader": "",
            "supportVariables": False,
        },
    }


@pytest.mark.parametrize(
    ("read_back", "json_payloads"),
    [
        # A current Seerr answers the text it was given.
        (TEMPLATE, [TEMPLATE]),
        # An older one stored the text as posted: GET answers it parsed.
        (json.loads(TEMPLATE), [TEMPLATE, json.dumps(TEMPLATE)]),
    ],
)
async def test_webhook_settings_saved_in_the_form_read_back(
    client: SeerrClient,
    aioclient_mock: AiohttpClientMocker,
    read_back: Any,
    json_payloads: list[str],
) -> None:
    """Saved as text; saved again JSON-encoded unless GET answers that text."""
    aioclient_mock.post(WEBHOOK_SETTINGS_URL, json={})
    aioclient_mock.get(
        WEBHOOK_SETTINGS_URL,
        json={"enabled": True, "types": 222, "options": {"jsonPayload": read_back}},
    )

    await client.async_set_webhook_settings_read_back(AGENT)

    assert [
        data["options"]["jsonPayload"]
        for method, _, data, _ in aioclient_mock.mock_calls
        if method == "POST"
    ] == json_payloads
