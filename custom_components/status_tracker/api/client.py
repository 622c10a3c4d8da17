"""Base class of the upstream clients: URL handling, requests, errors and JSON."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
import json
import logging
from typing import Any, ClassVar, Final
from urllib.parse import urlsplit

import aiohttp

from ..parsers.errors import InvalidPayload
from ..parsers.fields import JsonObject
from .errors import CannotConnect, Conflict, InvalidAuth, NotFound, UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

# A healthy service on the LAN answers in well under a second; 10 s leaves room for
# a busy NAS without letting a dead host block a config flow or a poll cycle.
DEFAULT_TIMEOUT: Final = aiohttp.ClientTimeout(total=10)

_SCHEMES: Final = frozenset({"http", "https"})
_AUTH_STATUSES: Final = frozenset({401, 403})


def normalize_url(url: str) -> str:
    """Return the canonical form of a service URL.

    Scheme, host, port and base path are kept (``https://host:443/sonarr``); scheme
    and host are lower-cased and trailing slashes removed, so the result can be
    joined with an API path and compared to find duplicates.

    Raise ValueError unless the URL is an absolute http(s) URL with a host. URLs
    carrying credentials, a query or a fragment are refused too: a password would
    end up in titles and unique ids, and a query would break path joining.
    """
    url = url.strip()
    if any(char.isspace() for char in url):
        raise ValueError("URL contains whitespace")
    parts = urlsplit(url)
    # Accessing .port validates it (non-numeric or out of range raises ValueError).
    parts.port  # noqa: B018
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise ValueError("URL must start with http:// or https:// and name a host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("URL must not contain credentials")
    if parts.query or parts.fragment:
        raise ValueError("URL must not contain a query or a fragment")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


class ServiceClient:
    """Common behaviour of every upstream client.

    Subclasses set `service_name` (used in error messages) and override
    `_auth_headers`. Credentials travel in headers only, never in the URL, so they
    cannot leak into exception messages or logs.
    """

    service_name: ClassVar[str] = "Service"

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
    ) -> None:
        """Initialize the client; raise ValueError on an invalid URL."""
        self._session = session
        self._base_url = normalize_url(url)
        self._host = urlsplit(self._base_url).netloc
        self._timeout = timeout

    @property
    def base_url(self) -> str:
        """Return the normalized base URL (no trailing slash)."""
        return self._base_url

    def _auth_headers(self) -> dict[str, str]:
        """Return the headers that authenticate a request."""
        return {}

    def _describe(self, method: str, path: str, detail: str) -> str:
        """Return an error message naming the service, host and request (no secrets)."""
        return f"{self.service_name} at {self._host}: {method} {path} {detail}"

    async def _async_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        not_found: bool = False,
        conflict: bool = False,
    ) -> bytes:
        """Send a request below the base URL and return the body of a 2xx answer.

        With `not_found` an HTTP 404 raises NotFound: set it on calls that name
        one object (by id), where 404 means that object does not exist. With
        `conflict` an HTTP 409 raises Conflict: set it on calls that change one
        object, where 409 means its state does not allow the change.
        """
        headers = {"Accept": "application/json", **self._auth_headers()}
        _LOGGER.debug("%s %s %s%s", self.service_name, method, self._host, path)
        try:
            async with self._session.request(
                method,
                f"{self._base_url}{path}",
                params=params,
                json=json_body,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                body = await response.read()
        except TimeoutError as err:
            raise CannotConnect(self._describe(method, path, "timed out")) from err
        except aiohttp.ClientError as err:
            raise CannotConnect(self._describe(method, path, f"failed: {err}")) from err

        if status in _AUTH_STATUSES:
            raise InvalidAuth(
                self._describe(method, path, f"was refused (HTTP {status})")
            )
        if status == 404 and not_found:
            raise NotFound(self._describe(method, path, "answered HTTP 404"))
        if status == 409 and conflict:
            raise Conflict(self._describe(method, path, "answered HTTP 409"))
        if not 200 <= status < 300:
            raise UnexpectedResponse(
                self._describe(method, path, f"answered HTTP {status}")
            )
        return body

    async def _async_get_json(
        self,
        path: str,
        params: Mapping[str, str] | None = None,
        *,
        not_found: bool = False,
    ) -> Any:
        """GET a path and return the decoded JSON body."""
        body = await self._async_request(
            "GET", path, params=params, not_found=not_found
        )
        return self._decode_json(body, "GET", path)

    async def _async_send_json(self, method: str, path: str, json_body: Any) -> Any:
        """Send a JSON body (POST, PUT) and return the decoded JSON answer."""
        body = await self._async_request(method, path, json_body=json_body)
        return self._decode_json(body, method, path)

    def _decode_json(self, body: bytes, method: str, path: str) -> Any:
        """Return the decoded JSON of an answer body, else raise UnexpectedResponse."""
        try:
            return json.loads(body)
        except (ValueError, RecursionError) as err:
            # A wrong base path often lands on the web UI, which answers 200 + HTML.
            raise UnexpectedResponse(
                self._describe(method, path, "did not answer with JSON")
            ) from err


class ApiKeyClient(ServiceClient):
    """A client that authenticates with an ``X-Api-Key`` header."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        api_key: str,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
    ) -> None:
        """Initialize the client."""
        super().__init__(session, url, timeout=timeout)
        self._api_key = api_key

    def _auth_headers(self) -> dict[str, str]:
        """Return the API key header."""
        return {"X-Api-Key": self._api_key}


@contextmanager
def read_answer(value: object, what: str) -> Iterator[JsonObject]:
    """Read a REST answer that must be a JSON object, naming it `what` in errors.

    A value that is not an object raises UnexpectedResponse at once; so does a
    field a strict reader refuses inside the block (the InvalidPayload, which
    names the field, becomes the UnexpectedResponse callers expect):

        answer = await self._async_get_json("/api/v3/system/status")
        with read_answer(answer, "system status") as data:
            version = data.require_str("version")
    """
    answer = JsonObject.loose(value)
    if answer is None:
        raise UnexpectedResponse(f"Expected a JSON object for {what}")
    try:
        yield answer
    except InvalidPayload as err:
        raise UnexpectedResponse(f"Unexpected {what}: {err}") from err


def positive_id(value: int, what: str) -> int:
    """Return value if it is an integer >= 1, else raise ValueError.

    Ids go into URL paths; checking them keeps a stray 0, bool or string from
    addressing another resource (or the whole collection).
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a positive integer")
    return value
