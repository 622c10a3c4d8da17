"""The qBittorrent client: finding and deleting torrents."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
import json
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, DummyCookieJar, web
from aiohttp.test_utils import TestServer
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    NotFound,
    QBittorrentClient,
    ServiceError,
    UnexpectedResponse,
)

URL_BASE = "http://qbittorrent.lan:8080"
LOGIN = f"{URL_BASE}/api/v2/auth/login"
INFO = f"{URL_BASE}/api/v2/torrents/info"
DELETE = f"{URL_BASE}/api/v2/torrents/delete"

USERNAME = "admin"
PASSWORD = "pa55-w0rd-Secret!"
SID = "HfsWvP/p2BzbPRCQqPMiknlj33fg+J5="
SID_2 = "Zz9kQ2xvY2tTZWNvbmRTZXNzaW9uSWQx"
API_KEY = "qbt_0123456789abcdefghijklmnopqrstuv"
SECRETS = (PASSWORD, SID, SID_2, API_KEY)

MOVIE_HASH = "3f5a9c2e7b1d4a6c8e0f2b4d6a8c0e1f3a5b7c9d"
SHOW_HASH = "b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"
ANIME_HASH = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"
# A v2-only torrent is identified by its 64-digit SHA-256 info-hash.
V2_HASH = "5c" * 32
FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures/qbittorrent/torrents_info.json"
)


def torrents(*hashes: str) -> list[dict[str, Any]]:
    """Return the torrents/info fixture elements with these hashes."""
    data: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return [torrent for torrent in data if torrent["hash"] in hashes]


def login_ok() -> dict[str, Any]:
    """Return mock kwargs of a qBittorrent 5.1 successful login."""
    return {"text": "Ok.", "headers": {"Set-Cookie": f"SID={SID}; HttpOnly; path=/"}}


class Answers:
    """aioclient_mock side effect answering one URL with a list of answers in turn."""

    def __init__(self, method: str, url: str, answers: Iterable[dict[str, Any]]):
        self._method = method
        self._url = URL(url)
        self._answers = list(answers)

    async def __call__(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        return AiohttpClientMockResponse(
            self._method, self._url, **self._answers.pop(0)
        )


def called(aioclient_mock: AiohttpClientMocker) -> list[str]:
    """Return "METHOD path" of every request made."""
    return [f"{m.upper()} {url.path}" for m, url, _, _ in aioclient_mock.mock_calls]


def assert_no_secret(*texts: object) -> None:
    """Assert no password, session id or API key appears in the texts."""
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text)


@pytest.fixture
def client(session: ClientSession) -> QBittorrentClient:
    """Return a username/password client on the mocked session."""
    return QBittorrentClient(session, URL_BASE, username=USERNAME, password=PASSWORD)


# --- torrents/info -----------------------------------------------------------------


async def test_get_torrents(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The hashes qBittorrent knows come back lower-case; one request after login."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.get(INFO, json=torrents(MOVIE_HASH, SHOW_HASH))

    found = await client.async_get_torrents(
        [MOVIE_HASH.upper(), SHOW_HASH, ANIME_HASH, f" {SHOW_HASH} "]
    )

    assert found == {MOVIE_HASH, SHOW_HASH}
    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/torrents/info",
    ]
    _, url, data, headers = aioclient_mock.mock_calls[1]
    assert url.query == {"hashes": f"{MOVIE_HASH}|{SHOW_HASH}|{ANIME_HASH}"}
    assert data is None
    assert headers == {"Cookie": f"SID={SID}"}


async def test_get_torrents_skips_malformed(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Elements without a hash are skipped; upper-case answers are normalised."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.get(
        INFO,
        json=[{"name": "no hash"}, "garbage", {"hash": ""}, {"hash": V2_HASH.upper()}],
    )
    assert await client.async_get_torrents([V2_HASH]) == {V2_HASH}


async def test_get_torrents_empty_sends_nothing(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No hashes: no request (without `hashes` the server lists every torrent)."""
    assert await client.async_get_torrents([]) == set()
    assert aioclient_mock.call_count == 0


async def test_get_torrents_batches(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Long lists are split into requests of 100 hashes."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.get(INFO, json=[])
    hashes = [f"{i:040x}" for i in range(150)]

    assert await client.async_get_torrents(hashes) == set()

    infos = [
        call for call in aioclient_mock.mock_calls if call[1].path.endswith("info")
    ]
    assert [len(call[1].query["hashes"].split("|")) for call in infos] == [100, 50]


@pytest.mark.parametrize(
    "mock_kwargs",
    [{"text": "<html>proxy</html>"}, {"json": {"hash": MOVIE_HASH}}],
)
async def test_get_torrents_unexpected(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
) -> None:
    """Anything but a JSON array is an unexpected response."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.get(INFO, **mock_kwargs)
    with pytest.raises(UnexpectedResponse, match="torrents/info"):
        await client.async_get_torrents([MOVIE_HASH])


# --- torrents/delete ---------------------------------------------------------------


@pytest.mark.parametrize(("delete_files", "flag"), [(True, "true"), (False, "false")])
@pytest.mark.parametrize(
    "answer",
    [{"text": ""}, {"status": HTTPStatus.NO_CONTENT}],
    ids=["5.1-200", "5.2-204"],
)
async def test_delete_torrents(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    delete_files: bool,
    flag: str,
    answer: dict[str, Any],
) -> None:
    """POST form hashes=h1|h2&deleteFiles=; any 2xx is success."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.post(DELETE, **answer)

    await client.async_delete_torrents(
        [MOVIE_HASH, SHOW_HASH.upper(), MOVIE_HASH], delete_files=delete_files
    )

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "POST /api/v2/torrents/delete",
    ]
    _, url, form, headers = aioclient_mock.mock_calls[1]
    assert form == {"hashes": f"{MOVIE_HASH}|{SHOW_HASH}", "deleteFiles": flag}
    assert url.query == {}
    assert headers == {"Cookie": f"SID={SID}"}


async def test_delete_torrents_empty_sends_nothing(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """No hashes: nothing is sent, in particular never `hashes=all`."""
    await client.async_delete_torrents([], delete_files=True)
    assert aioclient_mock.call_count == 0


@pytest.mark.parametrize(
    "hashes",
    [
        ["all"],
        [MOVIE_HASH, "all"],
        [MOVIE_HASH[:-1]],
        [f"{MOVIE_HASH}|{SHOW_HASH}"],
        ["SABnzbd_nzo_abc123"],
        [None],
    ],
)
async def test_delete_torrents_refuses_non_hashes(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker, hashes: list[Any]
) -> None:
    """Only 40/64-digit hex hashes are sent; `all` or a usenet id is refused."""
    with pytest.raises(ValueError, match="info-hash"):
        await client.async_delete_torrents(hashes, delete_files=True)
    with pytest.raises(ValueError, match="info-hash"):
        await client.async_get_torrents(hashes)
    assert aioclient_mock.call_count == 0


async def test_bare_string_refused(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A single hash string is not taken as 40 one-letter hashes."""
    with pytest.raises(TypeError):
        await client.async_delete_torrents(MOVIE_HASH, delete_files=False)
    assert aioclient_mock.call_count == 0


async def test_delete_torrents_expired_session(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A 403 on the delete logs in again once and repeats the same form."""
    aioclient_mock.post(
        LOGIN,
        side_effect=Answers(
            "post",
            LOGIN,
            [
                login_ok(),
                {"text": "Ok.", "headers": {"Set-Cookie": f"SID={SID_2}; path=/"}},
            ],
        ),
    )
    aioclient_mock.get(INFO, json=torrents(ANIME_HASH))
    aioclient_mock.post(
        DELETE,
        side_effect=Answers(
            "post", DELETE, [{"status": HTTPStatus.FORBIDDEN}, {"text": ""}]
        ),
    )
    assert await client.async_get_torrents([ANIME_HASH]) == {ANIME_HASH}

    await client.async_delete_torrents([ANIME_HASH], delete_files=True)

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/torrents/info",
        "POST /api/v2/torrents/delete",
        "POST /api/v2/auth/login",
        "POST /api/v2/torrents/delete",
    ]
    expected = {"hashes": ANIME_HASH, "deleteFiles": "true"}
    assert aioclient_mock.mock_calls[2][2] == expected
    assert aioclient_mock.mock_calls[4][2] == expected
    assert aioclient_mock.mock_calls[4][3] == {"Cookie": f"SID={SID_2}"}
    assert client.login_count == 2


async def test_delete_torrents_api_key(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    """With an API key (5.2+) there is no login; the key is a Bearer header."""
    client = QBittorrentClient(session, URL_BASE, api_key=API_KEY)
    aioclient_mock.post(DELETE, status=HTTPStatus.NO_CONTENT)

    await client.async_delete_torrents([V2_HASH], delete_files=False)

    assert called(aioclient_mock) == ["POST /api/v2/torrents/delete"]
    _, url, form, headers = aioclient_mock.mock_calls[0]
    assert form == {"hashes": V2_HASH, "deleteFiles": "false"}
    assert headers == {"Authorization": f"Bearer {API_KEY}"}
    assert API_KEY not in str(url)


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.NOT_FOUND}, UnexpectedResponse),
        ({"status": HTTPStatus.METHOD_NOT_ALLOWED}, UnexpectedResponse),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
    ],
)
@pytest.mark.parametrize(
    ("method", "url", "call"),
    [
        ("get", INFO, lambda c: c.async_get_torrents([MOVIE_HASH])),
        (
            "post",
            DELETE,
            lambda c: c.async_delete_torrents([MOVIE_HASH], delete_files=True),
        ),
    ],
)
async def test_errors_mapped(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
    method: str,
    url: str,
    call: Any,
) -> None:
    """Errors map to the three classes; no password or cookie in any message."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.request(method, url, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await call(client)

    # qBittorrent answers 200 for unknown hashes: NotFound never comes from here.
    assert not isinstance(exc_info.value, NotFound)
    assert_no_secret(
        exc_info.value, repr(exc_info.value), repr(exc_info.value.__cause__)
    )


async def test_forbidden_twice_is_invalid_auth(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """403 right after a fresh login is not retried again."""
    aioclient_mock.post(LOGIN, **login_ok())
    aioclient_mock.post(DELETE, status=HTTPStatus.FORBIDDEN)

    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_delete_torrents([MOVIE_HASH], delete_files=True)

    assert called(aioclient_mock).count("POST /api/v2/torrents/delete") == 1
    assert client.needs_login
    assert_no_secret(exc_info.value)


# --- real aiohttp: the form as qBittorrent reads it -----------------------------------


async def test_real_aiohttp_delete_form(socket_enabled: None) -> None:
    """The form reaches the server urlencoded, `|` intact after decoding."""
    received: list[dict[str, str]] = []

    async def login(request: web.Request) -> web.Response:
        response = web.Response(status=204)
        response.headers.add("Set-Cookie", f"QBT_SID_8080={SID}; HttpOnly; path=/")
        return response

    async def delete(request: web.Request) -> web.Response:
        assert request.headers["Cookie"] == f"QBT_SID_8080={SID}"
        assert request.content_type == "application/x-www-form-urlencoded"
        received.append(
            {key: str(value) for key, value in (await request.post()).items()}
        )
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/api/v2/auth/login", login)
    app.router.add_post("/api/v2/torrents/delete", delete)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession(cookie_jar=DummyCookieJar()) as http:
            client = QBittorrentClient(
                http,
                f"http://127.0.0.1:{server.port}",
                username=USERNAME,
                password=PASSWORD,
            )
            await client.async_delete_torrents(
                [MOVIE_HASH, SHOW_HASH], delete_files=True
            )
    finally:
        await server.close()

    assert received == [{"hashes": f"{MOVIE_HASH}|{SHOW_HASH}", "deleteFiles": "true"}]
