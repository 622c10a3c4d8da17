"""Tests for the qBittorrent WebUI client (no Home Assistant needed)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from http import HTTPStatus
import logging
import socket
from typing import Any

from aiohttp import (
    ClientConnectionError,
    ClientError,
    ClientSession,
    CookieJar,
    DummyCookieJar,
    TCPConnector,
    web,
)
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.test_utils import TestServer
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from custom_components.status_tracker.api import (
    Banned,
    CannotConnect,
    InvalidAuth,
    QBittorrentClient,
    QBittorrentVersion,
    ServiceError,
    UnexpectedResponse,
)
from custom_components.status_tracker.api.qbittorrent import session_cookie

URL_BASE = "http://qbittorrent.lan:8080"
LOGIN = f"{URL_BASE}/api/v2/auth/login"
LOGOUT = f"{URL_BASE}/api/v2/auth/logout"
MAINDATA = f"{URL_BASE}/api/v2/sync/maindata"
VERSION = f"{URL_BASE}/api/v2/app/version"
API_VERSION = f"{URL_BASE}/api/v2/app/webapiVersion"

USERNAME = "admin"
PASSWORD = "pa55-w0rd-Secret!"
# Real qBittorrent session ids are base64: '/', '+' and '=' occur.
SID = "HfsWvP/p2BzbPRCQqPMiknlj33fg+J5="
SID_2 = "Zz9kQ2xvY2tTZWNvbmRTZXNzaW9uSWQx"
API_KEY = "qbt_0123456789abcdefghijklmnopqrstuv"
SECRETS = (PASSWORD, SID, SID_2, API_KEY)
MAINDATA_ANSWER = {"rid": 1, "full_update": True, "torrents": {}}


def login_ok_4x(sid: str = SID) -> dict[str, Any]:
    """Return mock kwargs of a qBittorrent ≤ 5.1 successful login."""
    return {
        "text": "Ok.",
        "headers": {"Set-Cookie": f"SID={sid}; HttpOnly; path=/; SameSite=Strict"},
    }


def login_ok_52(sid: str = SID) -> dict[str, Any]:
    """Return mock kwargs of a qBittorrent 5.2 successful login."""
    return {
        "status": HTTPStatus.NO_CONTENT,
        "headers": {"Set-Cookie": f"QBT_SID_8080={sid}; HttpOnly; path=/"},
    }


class Sequence:
    """aioclient_mock side effect answering a URL with a list of answers in turn."""

    def __init__(self, method: str, url: str, answers: Iterable[dict[str, Any]]):
        self._method = method
        self._url = URL(url)
        self._answers = list(answers)

    async def __call__(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        answer = self._answers.pop(0)
        return AiohttpClientMockResponse(self._method, self._url, **answer)


def mock_sequence(
    aioclient_mock: AiohttpClientMocker,
    method: str,
    url: str,
    answers: Iterable[dict[str, Any]],
) -> None:
    aioclient_mock.request(method, url, side_effect=Sequence(method, url, answers))


def called(aioclient_mock: AiohttpClientMocker) -> list[str]:
    """Return "METHOD path" of every request made."""
    return [
        f"{method.upper()} {url.path}"
        for method, url, _, _ in aioclient_mock.mock_calls
    ]


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text)


@pytest.fixture
def client(session: ClientSession) -> QBittorrentClient:
    return QBittorrentClient(
        session, f"{URL_BASE}/", username=USERNAME, password=PASSWORD
    )


# --- login -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "cookie_name"),
    [(login_ok_4x(), "SID"), (login_ok_52(), "QBT_SID_8080")],
    ids=["4.x", "5.2"],
)
async def test_login_and_cookie_sent_back(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    login: dict[str, Any],
    cookie_name: str,
) -> None:
    aioclient_mock.post(LOGIN, **login)
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)
    assert client.needs_login
    assert client.login_count == 0

    assert await client.async_get_maindata(0) == MAINDATA_ANSWER

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/sync/maindata",
    ]
    (_, _, form, login_headers), (_, url, _, headers) = aioclient_mock.mock_calls
    assert form == {"username": USERNAME, "password": PASSWORD}
    # The login itself carries no cookie; nothing sends Origin or Referer (CSRF).
    assert login_headers == {}
    assert headers == {"Cookie": f"{cookie_name}={SID}"}
    assert url.query == {"rid": "0"}
    assert not client.needs_login
    assert client.login_count == 1


async def test_session_reused(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)

    await client.async_get_maindata(0)
    await client.async_get_maindata(1)

    assert called(aioclient_mock).count("POST /api/v2/auth/login") == 1
    assert aioclient_mock.mock_calls[2][1].query == {"rid": "1"}
    assert aioclient_mock.mock_calls[2][3] == {"Cookie": f"SID={SID}"}


async def test_concurrent_calls_log_in_once(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_52())
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)

    await asyncio.gather(client.async_get_maindata(0), client.async_get_maindata(0))

    assert called(aioclient_mock).count("POST /api/v2/auth/login") == 1


async def test_first_session_cookie_wins(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(
        LOGIN,
        text="Ok.",
        headers=[
            ("Set-Cookie", "theme=dark; path=/"),
            ("Set-Cookie", "SIDX=nope; path=/"),
            ("Set-Cookie", f"QBT_SID_9090={SID}; HttpOnly"),
            ("Set-Cookie", f"SID={SID_2}; HttpOnly"),
        ],
    )
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)

    await client.async_get_maindata(0)

    assert aioclient_mock.mock_calls[1][3] == {"Cookie": f"QBT_SID_9090={SID}"}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], None),
        (["SID=abc"], ("SID", "abc")),
        (["  SID = abc ; HttpOnly"], ("SID", "abc")),
        (["QBT_SID_8080=a/b+c="], ("QBT_SID_8080", "a/b+c=")),
        (["SID="], None),
        (["SID"], None),
        (['SID="quoted"'], None),
        (["SID=a b"], None),
        (["SID=a,b"], None),
        (["SID=caf\u00e9"], None),
        (["SID=" + "a" * 5000], None),
        (["sid=abc"], None),
        (["QBT_SID_8080=; path=/", "SID=ok"], ("SID", "ok")),
    ],
)
def test_session_cookie(headers: list[str], expected: tuple[str, str] | None) -> None:
    assert session_cookie(headers) == expected


async def test_login_without_cookie(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """E.g. auth bypass for the client's subnet: no cookie, calls still work."""
    aioclient_mock.post(LOGIN, text="Ok.")
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)

    await client.async_get_maindata(0)
    await client.async_get_maindata(1)

    assert called(aioclient_mock).count("POST /api/v2/auth/login") == 1
    assert aioclient_mock.mock_calls[1][3] == {}


@pytest.mark.parametrize(
    "answer",
    [{"text": "Fails."}, {"text": "Fails.\n"}, {"status": HTTPStatus.UNAUTHORIZED}],
    ids=["4.x", "4.x-newline", "5.2"],
)
async def test_wrong_password(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker, answer: Any
) -> None:
    aioclient_mock.post(LOGIN, **answer)

    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_validate()

    assert not isinstance(exc_info.value, Banned)
    assert "wrong username or password" in str(exc_info.value)
    assert_no_secret(exc_info.value, repr(exc_info.value))
    assert client.needs_login


async def test_refused_login_is_not_retried_automatically(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Every failed login counts towards qBittorrent's IP ban: never repeat one."""
    mock_sequence(aioclient_mock, "post", LOGIN, [{"text": "Fails."}, login_ok_4x()])
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)

    with pytest.raises(InvalidAuth):
        await client.async_get_maindata(0)
    with pytest.raises(InvalidAuth, match="not retried"):
        await client.async_get_maindata(0)
    with pytest.raises(InvalidAuth, match="not retried"):
        await client.async_get_version()
    assert called(aioclient_mock) == ["POST /api/v2/auth/login"]

    # An explicit login (e.g. after the user fixed the password) tries again.
    await client.async_login()
    assert await client.async_get_maindata(0) == MAINDATA_ANSWER
    assert called(aioclient_mock).count("POST /api/v2/auth/login") == 2


async def test_banned(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(
        LOGIN,
        status=HTTPStatus.FORBIDDEN,
        text="Your IP address has been banned after too many failed authentication attempts.",
    )

    with pytest.raises(Banned) as exc_info:
        await client.async_get_maindata(0)
    assert isinstance(exc_info.value, InvalidAuth)
    assert "banned" in str(exc_info.value)
    # The ban is remembered: no further login attempt until async_login.
    with pytest.raises(Banned):
        await client.async_get_maindata(0)
    assert called(aioclient_mock) == ["POST /api/v2/auth/login"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"text": "<!doctype html><html>Login</html>"}, "did not answer like"),
        ({"text": ""}, "did not answer like"),
        ({"status": HTTPStatus.CREATED, "text": "Ok."}, "did not answer like"),
        ({"status": HTTPStatus.NOT_FOUND}, "HTTP 404"),
        ({"status": HTTPStatus.METHOD_NOT_ALLOWED}, "HTTP 405"),
        ({"status": HTTPStatus.FOUND}, "HTTP 302"),
        ({"status": HTTPStatus.BAD_GATEWAY}, "HTTP 502"),
    ],
)
async def test_login_unexpected_answer(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    answer: dict[str, Any],
    message: str,
) -> None:
    aioclient_mock.post(LOGIN, **answer)
    with pytest.raises(UnexpectedResponse, match=message):
        await client.async_login()
    assert client.needs_login


# --- API key -------------------------------------------------------------------------


async def test_api_key(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.get(VERSION, text="v5.2.0")
    aioclient_mock.get(API_VERSION, text="2.14.1")
    aioclient_mock.get(MAINDATA, json=MAINDATA_ANSWER)
    client = QBittorrentClient(session, URL_BASE, api_key=API_KEY)
    assert not client.needs_login

    assert await client.async_validate() == QBittorrentVersion("v5.2.0", "2.14.1")
    await client.async_get_maindata(0)

    assert called(aioclient_mock) == [
        "GET /api/v2/app/version",
        "GET /api/v2/app/webapiVersion",
        "GET /api/v2/sync/maindata",
    ]
    for _, _, _, headers in aioclient_mock.mock_calls:
        assert headers == {"Authorization": f"Bearer {API_KEY}"}
    assert client.login_count == 0


@pytest.mark.parametrize("status", [HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN])
async def test_api_key_refused(
    session: ClientSession, aioclient_mock: AiohttpClientMocker, status: int
) -> None:
    aioclient_mock.get(MAINDATA, status=status)
    client = QBittorrentClient(session, URL_BASE, api_key=API_KEY)

    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_get_maindata(0)

    assert called(aioclient_mock) == ["GET /api/v2/sync/maindata"]
    assert_no_secret(exc_info.value)


async def test_empty_api_key_means_password(
    session: ClientSession, aioclient_mock: AiohttpClientMocker
) -> None:
    client = QBittorrentClient(
        session, URL_BASE, username="u", password="p", api_key=""
    )
    assert client.needs_login


# --- expired sessions ------------------------------------------------------------------


async def test_expired_session_relogin_once(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    mock_sequence(aioclient_mock, "post", LOGIN, [login_ok_4x(SID), login_ok_4x(SID_2)])
    mock_sequence(
        aioclient_mock,
        "get",
        MAINDATA,
        [
            {"json": MAINDATA_ANSWER},
            {"status": HTTPStatus.FORBIDDEN, "text": "Forbidden"},
            {"json": {"rid": 1, "full_update": True}},
        ],
    )

    await client.async_get_maindata(0)
    assert await client.async_get_maindata(1) == {"rid": 1, "full_update": True}

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/sync/maindata",
        "GET /api/v2/sync/maindata",
        "POST /api/v2/auth/login",
        "GET /api/v2/sync/maindata",
    ]
    assert aioclient_mock.mock_calls[2][3] == {"Cookie": f"SID={SID}"}
    assert aioclient_mock.mock_calls[3][3] == {}
    assert aioclient_mock.mock_calls[4][3] == {"Cookie": f"SID={SID_2}"}
    assert client.login_count == 2


@pytest.mark.parametrize(
    ("relogin", "error"),
    [
        ({"text": "Fails."}, InvalidAuth),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.FORBIDDEN}, Banned),
        ({"exc": ClientConnectionError("refused")}, CannotConnect),
        ({"exc": TimeoutError()}, CannotConnect),
    ],
)
async def test_expired_session_relogin_fails(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    relogin: dict[str, Any],
    error: type[ServiceError],
) -> None:
    mock_sequence(aioclient_mock, "post", LOGIN, [login_ok_4x(), relogin])
    mock_sequence(
        aioclient_mock,
        "get",
        MAINDATA,
        [{"json": MAINDATA_ANSWER}, {"status": HTTPStatus.FORBIDDEN}],
    )
    await client.async_get_maindata(0)

    with pytest.raises(error) as exc_info:
        await client.async_get_maindata(1)

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/sync/maindata",
        "GET /api/v2/sync/maindata",
        "POST /api/v2/auth/login",
    ]
    assert client.needs_login
    assert_no_secret(
        exc_info.value, repr(exc_info.value), repr(exc_info.value.__cause__)
    )


async def test_expired_session_retry_refused_again(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Re-login works but the retried call is still refused: give up, no loop."""
    mock_sequence(aioclient_mock, "post", LOGIN, [login_ok_4x(SID), login_ok_4x(SID_2)])
    mock_sequence(
        aioclient_mock,
        "get",
        MAINDATA,
        [
            {"json": MAINDATA_ANSWER},
            {"status": HTTPStatus.FORBIDDEN},
            {"status": HTTPStatus.FORBIDDEN},
        ],
    )
    await client.async_get_maindata(0)

    with pytest.raises(InvalidAuth, match="HTTP 403"):
        await client.async_get_maindata(1)

    assert len(aioclient_mock.mock_calls) == 5
    assert client.needs_login


async def test_forbidden_right_after_login(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A 403 on a brand-new session is not an expiry: no second login."""
    aioclient_mock.post(LOGIN, **login_ok_52())
    aioclient_mock.get(MAINDATA, status=HTTPStatus.FORBIDDEN)

    with pytest.raises(InvalidAuth):
        await client.async_get_maindata(0)

    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/sync/maindata",
    ]


async def test_unauthorized_is_not_an_expired_session(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """401 on an API call is a CSRF/host-header refusal, not an expiry."""
    aioclient_mock.post(LOGIN, **login_ok_4x())
    mock_sequence(
        aioclient_mock,
        "get",
        MAINDATA,
        [{"json": MAINDATA_ANSWER}, {"status": HTTPStatus.UNAUTHORIZED}],
    )
    await client.async_get_maindata(0)

    with pytest.raises(InvalidAuth, match="HTTP 401"):
        await client.async_get_maindata(1)

    assert called(aioclient_mock).count("POST /api/v2/auth/login") == 1
    assert not client.needs_login


# --- logout ----------------------------------------------------------------------------


# --- versions and maindata ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "api"),
    [
        ("v4.5.2", "2.8.19"),
        ("v5.1.4\n", "2.11.4"),
        ("v5.0.0beta1", "2.10"),
        ("4.6.7", "2.9.3"),
    ],
)
async def test_version(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker, app: str, api: str
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(VERSION, text=app)
    aioclient_mock.get(API_VERSION, text=api)

    version = await client.async_validate()

    assert version == QBittorrentVersion(app.strip(), api)
    assert called(aioclient_mock) == [
        "POST /api/v2/auth/login",
        "GET /api/v2/app/version",
        "GET /api/v2/app/webapiVersion",
    ]
    assert aioclient_mock.mock_calls[2][3] == {"Cookie": f"SID={SID}"}


@pytest.mark.parametrize(
    ("app", "api"),
    [
        ("<!doctype html>", "2.8.19"),
        ("", "2.8.19"),
        ("v" + "1" * 100, "2.8.19"),
        ("v4.5.2", "2"),
        ("v4.5.2", "two.eight"),
        ("v4.5.2", "{}"),
    ],
)
async def test_version_unexpected(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker, app: str, api: str
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(VERSION, text=app)
    aioclient_mock.get(API_VERSION, text=api)
    with pytest.raises(UnexpectedResponse, match="did not answer with a version"):
        await client.async_get_version()


async def test_version_not_utf8(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(VERSION, content=b"\xff\xfe")
    with pytest.raises(UnexpectedResponse):
        await client.async_get_version()


@pytest.mark.parametrize(
    "answer",
    [
        {"text": "<html>qBittorrent WebUI</html>"},
        {"text": ""},
        {"content": b"\xff\xfe"},
        {"text": "[" * 100_000},
    ],
)
async def test_maindata_not_json(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker, answer: Any
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(MAINDATA, **answer)
    with pytest.raises(UnexpectedResponse, match="did not answer with JSON"):
        await client.async_get_maindata(0)


@pytest.mark.parametrize("rid", [-1, True, 1.5, "1"])
async def test_maindata_bad_rid(client: QBittorrentClient, rid: Any) -> None:
    with pytest.raises(ValueError):
        await client.async_get_maindata(rid)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (HTTPStatus.NOT_FOUND, UnexpectedResponse),
        (HTTPStatus.INTERNAL_SERVER_ERROR, UnexpectedResponse),
        (HTTPStatus.MOVED_PERMANENTLY, UnexpectedResponse),
        (HTTPStatus.CONFLICT, UnexpectedResponse),
    ],
)
async def test_maindata_http_errors(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    status: int,
    error: type[ServiceError],
) -> None:
    aioclient_mock.post(LOGIN, **login_ok_4x())
    aioclient_mock.get(MAINDATA, status=status)
    with pytest.raises(error, match=f"HTTP {int(status)}"):
        await client.async_get_maindata(0)
    assert not client.needs_login


# --- transport errors and secrets -------------------------------------------------------


@pytest.mark.parametrize(
    "exc",
    [TimeoutError(), ClientError("boom"), ClientConnectionError("refused")],
)
@pytest.mark.parametrize("failing", ["login", "maindata"])
async def test_connection_errors(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    exc: Exception,
    failing: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    if failing == "login":
        aioclient_mock.post(LOGIN, exc=exc)
    else:
        aioclient_mock.post(LOGIN, **login_ok_4x())
        aioclient_mock.get(MAINDATA, exc=exc)

    with pytest.raises(CannotConnect) as exc_info:
        await client.async_get_maindata(0)

    assert str(exc_info.value).startswith("qBittorrent at qbittorrent.lan:8080: ")
    assert_no_secret(
        exc_info.value,
        repr(exc_info.value),
        repr(exc_info.value.__cause__),
        caplog.text,
    )


async def test_timeout_message(
    client: QBittorrentClient, aioclient_mock: AiohttpClientMocker
) -> None:
    aioclient_mock.post(LOGIN, exc=TimeoutError())
    with pytest.raises(CannotConnect) as exc_info:
        await client.async_login()
    assert str(exc_info.value) == (
        "qBittorrent at qbittorrent.lan:8080: POST /api/v2/auth/login timed out"
    )


async def test_secrets_never_logged(
    client: QBittorrentClient,
    aioclient_mock: AiohttpClientMocker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    mock_sequence(aioclient_mock, "post", LOGIN, [login_ok_52(SID), {"text": "Fails."}])
    mock_sequence(
        aioclient_mock,
        "get",
        MAINDATA,
        [{"json": MAINDATA_ANSWER}, {"status": HTTPStatus.FORBIDDEN}],
    )
    await client.async_get_maindata(0)
    with pytest.raises(InvalidAuth) as exc_info:
        await client.async_get_maindata(1)

    assert "logged in" in caplog.text
    assert "session expired" in caplog.text
    assert_no_secret(caplog.text, exc_info.value, repr(client))
    assert repr(client) == "<QBittorrentClient qbittorrent.lan:8080>"


def test_invalid_url(session: ClientSession) -> None:
    with pytest.raises(ValueError):
        QBittorrentClient(session, f"http://admin:{PASSWORD}@qbittorrent.lan:8080")


# --- real aiohttp: Set-Cookie parsing and the Cookie header on the wire -------------------


class FakeQBittorrent52:
    """A tiny qBittorrent 5.2 stand-in: 204 login, QBT_SID_<port> cookie, 403."""

    def __init__(self) -> None:
        self.port = 0
        self.sessions: set[str] = set()
        self.logins = 0
        self.cookie_headers: list[str | None] = []
        self.app = web.Application()
        self.app.router.add_post("/api/v2/auth/login", self.login)
        self.app.router.add_get("/api/v2/sync/maindata", self.maindata)

    async def login(self, request: web.Request) -> web.Response:
        assert "Origin" not in request.headers
        assert "Referer" not in request.headers
        form = await request.post()
        if (form.get("username"), form.get("password")) != (USERNAME, PASSWORD):
            return web.Response(status=401)
        sid = (SID, SID_2)[self.logins % 2]
        self.logins += 1
        self.sessions.add(sid)
        response = web.Response(status=204)
        response.headers.add(
            "Set-Cookie",
            f"QBT_SID_{self.port}={sid}; HttpOnly; SameSite=Strict; path=/",
        )
        return response

    async def maindata(self, request: web.Request) -> web.Response:
        header = request.headers.get("Cookie")
        self.cookie_headers.append(header)
        if header is None or header.split("=", 1)[1] not in self.sessions:
            return web.Response(status=403, text="Forbidden")
        return web.json_response({"rid": int(request.query["rid"]) + 1})


class LoopbackResolver(AbstractResolver):
    """Resolve every host name to 127.0.0.1, where the fake server listens."""

    async def resolve(
        self, host: str, port: int = 0, family: int = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            ResolveResult(
                hostname=host,
                host="127.0.0.1",
                port=port,
                family=socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
        ]

    async def close(self) -> None:
        """Nothing to release."""


async def run_against_fake_server(jar: Any, host: str) -> FakeQBittorrent52:
    fake = FakeQBittorrent52()
    server = TestServer(fake.app, host="127.0.0.1")
    await server.start_server()
    fake.port = server.port or 0
    connector = TCPConnector(resolver=LoopbackResolver())
    try:
        async with ClientSession(connector=connector, cookie_jar=jar) as http:
            client = QBittorrentClient(
                http,
                f"http://{host}:{fake.port}",
                username=USERNAME,
                password=PASSWORD,
            )
            assert await client.async_get_maindata(0) == {"rid": 1}
            # The server forgets the session (restart, idle timeout).
            fake.sessions.clear()
            assert await client.async_get_maindata(1) == {"rid": 2}
            assert client.login_count == 2
            # The session cookie never stays in a (possibly shared) jar.
            assert not [c for c in http.cookie_jar if c.key.startswith("QBT_SID")]
    finally:
        await server.close()
    return fake


@pytest.mark.parametrize("host", ["127.0.0.1", "qbittorrent.lan"])
@pytest.mark.parametrize(
    "make_jar",
    [DummyCookieJar, CookieJar, lambda: CookieJar(unsafe=True)],
    ids=["dummy-jar", "jar", "unsafe-jar"],
)
async def test_real_aiohttp_cookie_round_trip(
    socket_enabled: None, make_jar: Callable[[], Any], host: str
) -> None:
    """The cookie value (with '/', '+', '=') reaches the server unquoted, with any jar.

    An IP address (qBittorrent's cookie is host-only; only an unsafe jar keeps it)
    and a host name (every real jar keeps it).
    """
    fake = await run_against_fake_server(make_jar(), host)
    port = fake.port
    assert fake.cookie_headers == [
        f"QBT_SID_{port}={SID}",
        f"QBT_SID_{port}={SID}",
        f"QBT_SID_{port}={SID_2}",
    ]


async def test_real_aiohttp_wrong_password(socket_enabled: None) -> None:
    fake = FakeQBittorrent52()
    server = TestServer(fake.app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession(cookie_jar=DummyCookieJar()) as http:
            client = QBittorrentClient(
                http, f"http://127.0.0.1:{server.port}", username=USERNAME, password="x"
            )
            with pytest.raises(InvalidAuth):
                await client.async_validate()
    finally:
        await server.close()
