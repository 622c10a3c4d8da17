"""Client for the qBittorrent WebUI API v2 (qBittorrent 4.x and 5.x).

Authentication is either an API key (qBittorrent 5.2+, ``Authorization: Bearer
qbt_…``, no login) or a username and password exchanged at ``/api/v2/auth/login``
for a session cookie. The cookie is called ``SID`` up to 5.1 and
``QBT_SID_<webui port>`` from 5.2 on; this client keeps it itself and sends it in a
``Cookie`` header, so it never depends on the cookie jar of the aiohttp session.

Session rules (docs/protocols.md §6.1):

- A login answers ``200 Ok.`` (≤ 5.1) or ``204`` (5.2) on success, ``200 Fails.``
  (≤ 5.1) or ``401`` (5.2) for wrong credentials, and ``403`` when the IP address is
  banned after too many failures (5 by default, for an hour). Every failed login
  counts towards that ban, so this client never retries a refused login: after one,
  automatic logins stop until `async_login` is called explicitly.
- An API call without a valid session answers ``403``: the session expired (idle
  timeout, restart, logout). The client logs in again once and repeats the call
  once; a second ``403`` is an error.
- Neither ``Origin`` nor ``Referer`` is sent, which satisfies the CSRF check.

Give the client a session without a cookie jar (Home Assistant:
``async_create_clientsession(hass, cookie_jar=DummyCookieJar())``). From aiohttp
3.14 on, as soon as a jar holds any cookie for the URL, aiohttp rebuilds the
request's ``Cookie`` header from the jar and the header together and quotes every
value with characters outside RFC 2109's token set (``QBT_SID_8080="ab/c+="``);
qBittorrent's session ids contain such characters and qBittorrent does not unquote
them, so every call would answer 403. A jar also stores the login's ``Set-Cookie``
by itself (an unsafe jar even for an IP address, where qBittorrent's cookie is
host-only), which would hand the session to whoever shares the jar and let two
qBittorrent 4.x/5.0/5.1 instances on one host name (both call their cookie ``SID``)
invalidate each other's session. So the client also takes its cookie back out of
whatever jar the session has as soon as it arrives: with a jar that holds nothing
else for the host, it works too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import json
import logging
import re
from typing import Any, Final

import aiohttp

from ..parsers.fields import JsonObject
from .client import DEFAULT_TIMEOUT, ServiceClient
from .errors import Banned, CannotConnect, InvalidAuth, UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

LOGIN_PATH: Final = "/api/v2/auth/login"
LOGOUT_PATH: Final = "/api/v2/auth/logout"
VERSION_PATH: Final = "/api/v2/app/version"
API_VERSION_PATH: Final = "/api/v2/app/webapiVersion"
MAINDATA_PATH: Final = "/api/v2/sync/maindata"
TORRENTS_INFO_PATH: Final = "/api/v2/torrents/info"
TORRENTS_DELETE_PATH: Final = "/api/v2/torrents/delete"

# v1 info-hash (SHA-1, 40 hex) or v2 (SHA-256, 64 hex), as torrent ids.
_HASH_RE: Final = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# Hashes per torrents/info or torrents/delete request: 100 × 41 characters keep
# a query string around 4 kB, which every proxy accepts.
_HASHES_PER_REQUEST: Final = 100

# Session cookie names: "SID" up to 5.1, "QBT_SID_<webui port>" from 5.2 on.
_SESSION_COOKIE_RE: Final = re.compile(r"SID|QBT_SID_[0-9A-Za-z_-]*")
# RFC 6265 cookie-octet: printable ASCII without space, '"', ',', ';' and '\'.
_COOKIE_VALUE_RE: Final = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+")
_MAX_COOKIE_VALUE: Final = 4096

# "v4.5.2", "v5.1.4", "v5.0.0beta1"; WebAPI "2.8.19", "2.11.4".
_APP_VERSION_RE: Final = re.compile(r"v?\d+(?:\.\d+)*[0-9A-Za-z.+~-]*")
_API_VERSION_RE: Final = re.compile(r"\d+(?:\.\d+){1,3}")
_MAX_VERSION_LENGTH: Final = 64

# Login bodies of qBittorrent ≤ 5.1 (5.2 answers 204 / 401 without a body).
_LOGIN_OK: Final = b"Ok."
_LOGIN_FAILED: Final = b"Fails."


@dataclass(frozen=True, slots=True)
class QBittorrentVersion:
    """What ``/api/v2/app/version`` and ``/api/v2/app/webapiVersion`` report."""

    # Application version as sent, e.g. "v4.5.2" or "v5.1.4".
    app_version: str
    # WebUI API version, e.g. "2.8.19" (4.5.2) or "2.11.4" (5.1.4).
    api_version: str


@dataclass(frozen=True, slots=True)
class _Answer:
    """Status, body and session cookie (name, value) of one HTTP answer."""

    status: int
    body: bytes
    session_cookie: tuple[str, str] | None


def session_cookie(set_cookie_headers: Iterable[str]) -> tuple[str, str] | None:
    """Return (name, value) of the first qBittorrent session cookie, or None.

    `set_cookie_headers` are the raw ``Set-Cookie`` header values of one answer.
    Only ``SID`` and ``QBT_SID_*`` cookies with a well-formed value count.
    """
    for header in set_cookie_headers:
        name, separator, value = header.split(";", 1)[0].partition("=")
        name, value = name.strip(), value.strip()
        if (
            separator
            and _SESSION_COOKIE_RE.fullmatch(name)
            and len(value) <= _MAX_COOKIE_VALUE
            and _COOKIE_VALUE_RE.fullmatch(value)
        ):
            return name, value
    return None


class QBittorrentClient(ServiceClient):
    """qBittorrent WebUI API client with session-cookie or API-key authentication."""

    service_name = "qBittorrent"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        username: str = "",
        password: str = "",
        api_key: str | None = None,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
    ) -> None:
        """Initialize the client; raise ValueError on an invalid URL.

        With an `api_key` (qBittorrent 5.2+) username and password are not used.
        """
        super().__init__(session, url, timeout=timeout)
        self._username = username
        self._password = password
        self._api_key = api_key or None
        self._cookie: tuple[str, str] | None = None
        self._logged_in = False
        self._login_count = 0
        # Error class of a login the server refused (InvalidAuth or Banned): no
        # automatic login is attempted after one, as each failure counts to a ban.
        self._refusal: type[InvalidAuth] | None = None
        self._login_lock = asyncio.Lock()

    def __repr__(self) -> str:
        """Return a representation without credentials or session cookie."""
        return f"<{type(self).__name__} {self._host}>"

    @property
    def needs_login(self) -> bool:
        """Return True when the next API call starts with a login."""
        return self._api_key is None and not self._logged_in

    @property
    def login_count(self) -> int:
        """Return the number of successful logins.

        Every login starts a new WebUI session, and sync/maindata state lives per
        session: when this number changes, the next maindata answer is a full update.
        """
        return self._login_count

    def _auth_headers(self) -> dict[str, str]:
        """Return the API key header, or the session cookie once logged in."""
        if self._api_key is not None:
            return {"Authorization": f"Bearer {self._api_key}"}
        if self._cookie is not None:
            name, value = self._cookie
            return {"Cookie": f"{name}={value}"}
        return {}

    def _forget_session(self) -> None:
        """Drop the session cookie; the next API call logs in again."""
        self._cookie = None
        self._logged_in = False

    # -- transport ------------------------------------------------------------

    async def _async_send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> _Answer:
        """Send one request and return the answer, whatever its status.

        Redirects are not followed: qBittorrent never redirects API calls, and a
        redirect must not carry the session cookie to another host.
        """
        headers = self._auth_headers() if authenticated else {}
        _LOGGER.debug("%s %s %s%s", self.service_name, method, self._host, path)
        try:
            async with self._session.request(
                method,
                f"{self._base_url}{path}",
                params=params,
                data=data,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await response.read()
                cookie = session_cookie(response.headers.getall("Set-Cookie", ()))
                if cookie is not None:
                    self._remove_from_jar(cookie)
        except TimeoutError as err:
            raise CannotConnect(self._describe(method, path, "timed out")) from err
        except aiohttp.ClientError as err:
            raise CannotConnect(self._describe(method, path, f"failed: {err}")) from err
        return _Answer(status, body, cookie)

    def _remove_from_jar(self, cookie: tuple[str, str]) -> None:
        """Remove the session cookie the session's jar just stored (see above)."""
        name, value = cookie
        self._session.cookie_jar.clear(
            lambda morsel: morsel.key == name and morsel.value == value
        )

    def _checked(self, answer: _Answer, method: str, path: str) -> bytes:
        """Return the body of a 2xx answer, else raise the matching error."""
        if answer.status in (401, 403):
            raise InvalidAuth(
                self._describe(method, path, f"was refused (HTTP {answer.status})")
            )
        if not 200 <= answer.status < 300:
            raise UnexpectedResponse(
                self._describe(method, path, f"answered HTTP {answer.status}")
            )
        return answer.body

    # -- session --------------------------------------------------------------

    async def async_login(self) -> None:
        """Log in with username and password and keep the session cookie.

        Does nothing with an API key. Raises InvalidAuth for wrong credentials,
        Banned when the IP address is banned, CannotConnect or UnexpectedResponse.
        Each call makes exactly one login attempt.
        """
        if self._api_key is not None:
            return
        async with self._login_lock:
            await self._async_login_locked()

    async def _async_login_locked(self) -> None:
        """Make one login attempt; the caller holds the login lock."""
        self._forget_session()
        answer = await self._async_send(
            "POST",
            LOGIN_PATH,
            data={"username": self._username, "password": self._password},
            authenticated=False,
        )
        body = answer.body.strip()
        if answer.status == 403:
            self._refusal = Banned
            raise Banned(
                self._describe(
                    "POST",
                    LOGIN_PATH,
                    "was refused: this IP address is banned after too many failed "
                    "logins (HTTP 403)",
                )
            )
        if answer.status == 401 or (answer.status == 200 and body == _LOGIN_FAILED):
            self._refusal = InvalidAuth
            raise InvalidAuth(
                self._describe(
                    "POST", LOGIN_PATH, "was refused: wrong username or password"
                )
            )
        if answer.status == 204 or (answer.status == 200 and body == _LOGIN_OK):
            self._cookie = answer.session_cookie
            self._logged_in = True
            self._refusal = None
            self._login_count += 1
            _LOGGER.debug(
                "%s at %s: logged in (session cookie: %s)",
                self.service_name,
                self._host,
                answer.session_cookie[0] if answer.session_cookie else "none",
            )
            return
        if 200 <= answer.status < 300:
            # E.g. a reverse proxy's login page, or a wrong base path.
            raise UnexpectedResponse(
                self._describe("POST", LOGIN_PATH, "did not answer like qBittorrent")
            )
        raise UnexpectedResponse(
            self._describe("POST", LOGIN_PATH, f"answered HTTP {answer.status}")
        )

    async def _async_ensure_session(self, expired: int | None = None) -> bool:
        """Log in unless a usable session exists; return True if this call did.

        `expired` is the `login_count` of a session the server just refused: log in
        again unless another task already replaced that session meanwhile.
        """
        async with self._login_lock:
            if self._logged_in and (expired is None or self._login_count != expired):
                return False
            if self._refusal is not None:
                self._forget_session()
                raise self._refusal(
                    self._describe(
                        "POST",
                        LOGIN_PATH,
                        "not retried: the last login was refused (log in again to retry)",
                    )
                )
            await self._async_login_locked()
            return True

    async def _async_api_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
    ) -> bytes:
        """Send an authenticated API request and return the body of its 2xx answer.

        Logs in first when there is no session. A 403 on an existing session means
        it expired: log in again once and repeat the request once. `data` is sent
        form-encoded (POST actions).
        """
        if self._api_key is not None:
            return self._checked(
                await self._async_send(method, path, params=params, data=data),
                method,
                path,
            )
        fresh = await self._async_ensure_session()
        session_number = self._login_count
        answer = await self._async_send(method, path, params=params, data=data)
        if answer.status == 403 and not fresh:
            _LOGGER.debug(
                "%s at %s: session expired, logging in again",
                self.service_name,
                self._host,
            )
            await self._async_ensure_session(expired=session_number)
            answer = await self._async_send(method, path, params=params, data=data)
        if answer.status == 403:
            self._forget_session()
        return self._checked(answer, method, path)

    # -- API --------------------------------------------------------------------

    async def _async_get_text(self, path: str, pattern: re.Pattern[str]) -> str:
        """GET a short text answer that must match `pattern` completely."""
        body = await self._async_api_request("GET", path)
        try:
            text = body.decode("utf-8").strip()
        except UnicodeDecodeError:
            text = ""
        if len(text) > _MAX_VERSION_LENGTH or not pattern.fullmatch(text):
            raise UnexpectedResponse(
                self._describe("GET", path, "did not answer with a version")
            )
        return text

    async def async_get_version(self) -> QBittorrentVersion:
        """Return the application and WebUI API versions."""
        return QBittorrentVersion(
            app_version=await self._async_get_text(VERSION_PATH, _APP_VERSION_RE),
            api_version=await self._async_get_text(API_VERSION_PATH, _API_VERSION_RE),
        )

    async def async_validate(self) -> QBittorrentVersion:
        """Log in (unless an API key is used) and return the versions.

        Always makes a fresh login attempt, so it also clears a refused login.
        """
        await self.async_login()
        return await self.async_get_version()

    async def async_get_maindata(self, rid: int) -> Any:
        """Return the decoded ``/api/v2/sync/maindata?rid=<rid>`` answer.

        Pass 0 for a full update, else the `rid` of the previous answer. The answer
        is not validated here (parsers.qbittorrent.MaindataMerger does that).
        """
        if isinstance(rid, bool) or not isinstance(rid, int) or rid < 0:
            raise ValueError("rid must be a non-negative integer")
        body = await self._async_api_request(
            "GET", MAINDATA_PATH, params={"rid": str(rid)}
        )
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as err:
            raise UnexpectedResponse(
                self._describe("GET", MAINDATA_PATH, "did not answer with JSON")
            ) from err

    async def async_get_torrents(self, hashes: Iterable[str]) -> set[str]:
        """Return which of the given torrents qBittorrent has (lower-case hashes).

        ``GET /api/v2/torrents/info?hashes=h1|h2`` in batches. An empty input
        returns an empty set without a request: without ``hashes`` the server
        would list every torrent. Raise ValueError for a value that is not a
        40- or 64-digit hex info-hash.
        """
        found: set[str] = set()
        for batch in _hash_batches(hashes):
            body = await self._async_api_request(
                "GET", TORRENTS_INFO_PATH, params={"hashes": "|".join(batch)}
            )
            try:
                data = json.loads(body)
            except (ValueError, RecursionError) as err:
                raise UnexpectedResponse(
                    self._describe(
                        "GET", TORRENTS_INFO_PATH, "did not answer with JSON"
                    )
                ) from err
            if not isinstance(data, list):
                raise UnexpectedResponse(
                    self._describe("GET", TORRENTS_INFO_PATH, "did not answer a list")
                )
            for element in data:
                torrent = JsonObject.loose(element)
                torrent_hash = (
                    torrent.loose_str("hash") if torrent is not None else None
                )
                if torrent_hash is None:
                    _LOGGER.debug("Skipping a qBittorrent torrent without a hash")
                    continue
                found.add(torrent_hash.lower())
        return found

    async def async_delete_torrents(
        self, hashes: Iterable[str], *, delete_files: bool
    ) -> None:
        """Remove torrents, and with `delete_files` their downloaded data too.

        ``POST /api/v2/torrents/delete`` form ``hashes=h1|h2&deleteFiles=`` (200 up
        to 5.1, 204 from 5.2; unknown hashes are ignored by the server, so check
        with `async_get_torrents` first to tell "not found"). Only well-formed
        hashes are sent, never ``all``; an empty input sends nothing. Raise
        ValueError for a value that is not an info-hash.
        """
        for batch in _hash_batches(hashes):
            await self._async_api_request(
                "POST",
                TORRENTS_DELETE_PATH,
                data={
                    "hashes": "|".join(batch),
                    "deleteFiles": "true" if delete_files else "false",
                },
            )


def _hash_batches(hashes: Iterable[str]) -> list[list[str]]:
    """Return the lower-cased, de-duplicated hashes in request-sized batches.

    A bare string is refused (TypeError): it would be taken as a list of
    characters. ValueError for an element that is not an info-hash.
    """
    if isinstance(hashes, str):
        raise TypeError("hashes must be a list of info-hashes, not a string")
    checked: dict[str, None] = {}
    for value in hashes:
        torrent_hash = value.strip().lower() if isinstance(value, str) else ""
        if not _HASH_RE.fullmatch(torrent_hash):
            raise ValueError("hashes must be 40- or 64-digit hex info-hashes")
        checked[torrent_hash] = None
    unique = list(checked)
    return [
        unique[start : start + _HASHES_PER_REQUEST]
        for start in range(0, len(unique), _HASHES_PER_REQUEST)
    ]
