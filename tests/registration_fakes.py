"""Sonarr, Radarr and Seerr as far as webhook registration goes, on AiohttpClientMocker.

Each fake keeps what was saved and answers the calls as the real service does
(docs/protocols.md §2.3, §4.2). A test call posts the service's real test payload to
the webhook URL it was given, through Home Assistant's HTTP server, when that
URL's Home Assistant address is in `reachable`; otherwise it fails as the
service would (Sonarr/Radarr 400, Seerr 500). Seerr builds its test payload,
and every later notification (`FakeSeerr.async_send`), from the stored template
as its webhook agent does, so a template stored in the wrong form is never sent.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping
import copy
from dataclasses import dataclass
from http import HTTPStatus
import json
import re
from typing import Any
from urllib.parse import urlsplit

from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from yarl import URL

from .flows import load_fixture

HA_INTERNAL = "http://192.168.1.20:8123"
HA_EXTERNAL = "https://ha.example.com"

NOTIFICATION_PATH = "/api/v3/notification"
SEERR_WEBHOOK_PATH = "/api/v1/settings/notifications/webhook"

type ClientFactory = Callable[[], Awaitable[Any]]

# Seerr's own default `jsonPayload` (seerr-team/seerr server/lib/settings/index.ts):
# base64 of the template text JSON-encoded once more.
SEERR_DEFAULT_PAYLOAD = (
    "IntcbiAgXCJub3RpZmljYXRpb25fdHlwZVwiOiBcInt7bm90aWZpY2F0aW9uX3R5cGV9fVwiLFxu"
    "ICBcImV2ZW50XCI6IFwie3tldmVudH19XCIsXG4gIFwic3ViamVjdFwiOiBcInt7c3ViamVjdH19"
    "XCIsXG4gIFwibWVzc2FnZVwiOiBcInt7bWVzc2FnZX19XCIsXG4gIFwiaW1hZ2VcIjogXCJ7e2lt"
    "YWdlfX1cIixcbiAgXCJ7e21lZGlhfX1cIjoge1xuICAgIFwibWVkaWFfdHlwZVwiOiBcInt7bWVk"
    "aWFfdHlwZX19XCIsXG4gICAgXCJ0bWRiSWRcIjogXCJ7e21lZGlhX3RtZGJpZH19XCIsXG4gICAg"
    "XCJ0dmRiSWRcIjogXCJ7e21lZGlhX3R2ZGJpZH19XCIsXG4gICAgXCJzdGF0dXNcIjogXCJ7e21l"
    "ZGlhX3N0YXR1c319XCIsXG4gICAgXCJzdGF0dXM0a1wiOiBcInt7bWVkaWFfc3RhdHVzNGt9fVwi"
    "XG4gIH0sXG4gIFwie3tyZXF1ZXN0fX1cIjoge1xuICAgIFwicmVxdWVzdF9pZFwiOiBcInt7cmVx"
    "dWVzdF9pZH19XCIsXG4gICAgXCJyZXF1ZXN0ZWRCeV9lbWFpbFwiOiBcInt7cmVxdWVzdGVkQnlf"
    "ZW1haWx9fVwiLFxuICAgIFwicmVxdWVzdGVkQnlfdXNlcm5hbWVcIjogXCJ7e3JlcXVlc3RlZEJ5"
    "X3VzZXJuYW1lfX1cIixcbiAgICBcInJlcXVlc3RlZEJ5X2F2YXRhclwiOiBcInt7cmVxdWVzdGVk"
    "QnlfYXZhdGFyfX1cIixcbiAgICBcInJlcXVlc3RlZEJ5X3NldHRpbmdzX2Rpc2NvcmRJZFwiOiBc"
    "Int7cmVxdWVzdGVkQnlfc2V0dGluZ3NfZGlzY29yZElkfX1cIixcbiAgICBcInJlcXVlc3RlZEJ5"
    "X3NldHRpbmdzX3RlbGVncmFtQ2hhdElkXCI6IFwie3tyZXF1ZXN0ZWRCeV9zZXR0aW5nc190ZWxl"
    "Z3JhbUNoYXRJZH19XCJcbiAgfSxcbiAgXCJ7e2lzc3VlfX1cIjoge1xuICAgIFwiaXNzdWVfaWRc"
    "IjogXCJ7e2lzc3VlX2lkfX1cIixcbiAgICBcImlzc3VlX3R5cGVcIjogXCJ7e2lzc3VlX3R5cGV9"
    "fVwiLFxuICAgIFwiaXNzdWVfc3RhdHVzXCI6IFwie3tpc3N1ZV9zdGF0dXN9fVwiLFxuICAgIFwi"
    "cmVwb3J0ZWRCeV9lbWFpbFwiOiBcInt7cmVwb3J0ZWRCeV9lbWFpbH19XCIsXG4gICAgXCJyZXBv"
    "cnRlZEJ5X3VzZXJuYW1lXCI6IFwie3tyZXBvcnRlZEJ5X3VzZXJuYW1lfX1cIixcbiAgICBcInJl"
    "cG9ydGVkQnlfYXZhdGFyXCI6IFwie3tyZXBvcnRlZEJ5X2F2YXRhcn19XCIsXG4gICAgXCJyZXBv"
    "cnRlZEJ5X3NldHRpbmdzX2Rpc2NvcmRJZFwiOiBcInt7cmVwb3J0ZWRCeV9zZXR0aW5nc19kaXNj"
    "b3JkSWR9fVwiLFxuICAgIFwicmVwb3J0ZWRCeV9zZXR0aW5nc190ZWxlZ3JhbUNoYXRJZFwiOiBc"
    "Int7cmVwb3J0ZWRCeV9zZXR0aW5nc190ZWxlZ3JhbUNoYXRJZH19XCJcbiAgfSxcbiAgXCJ7e2Nv"
    "bW1lbnR9fVwiOiB7XG4gICAgXCJjb21tZW50X21lc3NhZ2VcIjogXCJ7e2NvbW1lbnRfbWVzc2Fn"
    "ZX19XCIsXG4gICAgXCJjb21tZW50ZWRCeV9lbWFpbFwiOiBcInt7Y29tbWVudGVkQnlfZW1haWx9"
    "fVwiLFxuICAgIFwiY29tbWVudGVkQnlfdXNlcm5hbWVcIjogXCJ7e2NvbW1lbnRlZEJ5X3VzZXJu"
    "YW1lfX1cIixcbiAgICBcImNvbW1lbnRlZEJ5X2F2YXRhclwiOiBcInt7Y29tbWVudGVkQnlfYXZh"
    "dGFyfX1cIixcbiAgICBcImNvbW1lbnRlZEJ5X3NldHRpbmdzX2Rpc2NvcmRJZFwiOiBcInt7Y29t"
    "bWVudGVkQnlfc2V0dGluZ3NfZGlzY29yZElkfX1cIixcbiAgICBcImNvbW1lbnRlZEJ5X3NldHRp"
    "bmdzX3RlbGVncmFtQ2hhdElkXCI6IFwie3tjb21tZW50ZWRCeV9zZXR0aW5nc190ZWxlZ3JhbUNo"
    "YXRJZH19XCJcbiAgfSxcbiAgXCJ7e2V4dHJhfX1cIjogW11cbn0i"
)
SEERR_DEFAULT_TEMPLATE = json.loads(json.loads(base64.b64decode(SEERR_DEFAULT_PAYLOAD)))
# What is posted as jsonPayload to a current Seerr: that template as text...
SEERR_TEMPLATE_TEXT = json.dumps(SEERR_DEFAULT_TEMPLATE, indent=2)
# ...and to an older one (Overseerr, Jellyseerr, Seerr before March 2026): the
# text JSON-encoded once more.
SEERR_JSON_PAYLOAD = json.dumps(SEERR_TEMPLATE_TEXT)
CONNECTIONS = f"{NOTIFICATION_PATH}?forceSave=true"


# The title of the tests' hub; its connections are named after it.
HUB_NAME = "Media stack"


def sonarr_connection(url: str, hub_name: str = HUB_NAME) -> dict[str, Any]:
    """Return the Webhook connection the integration creates in Sonarr."""
    return {
        "name": f"Home Assistant (Status Tracker: {hub_name})",
        "implementation": "Webhook",
        "configContract": "WebhookSettings",
        "tags": [],
        "onGrab": True,
        "onDownload": True,
        "onUpgrade": True,
        "onImportComplete": True,
        "onSeriesAdd": True,
        "onSeriesDelete": True,
        "onEpisodeFileDelete": True,
        "onEpisodeFileDeleteForUpgrade": False,
        "onManualInteractionRequired": True,
        "onRename": False,
        "onHealthIssue": False,
        "includeHealthWarnings": False,
        "onHealthRestored": False,
        "onApplicationUpdate": False,
        "fields": [
            {"name": "url", "value": url},
            {"name": "method", "value": 1},
            {"name": "username", "value": ""},
            {"name": "password", "value": ""},
        ],
    }


def radarr_connection(url: str, hub_name: str = HUB_NAME) -> dict[str, Any]:
    """Return the Webhook connection the integration creates in Radarr."""
    return {
        "name": f"Home Assistant (Status Tracker: {hub_name})",
        "implementation": "Webhook",
        "configContract": "WebhookSettings",
        "tags": [],
        "onGrab": True,
        "onDownload": True,
        "onUpgrade": True,
        "onMovieAdded": True,
        "onMovieDelete": True,
        "onMovieFileDelete": True,
        "onMovieFileDeleteForUpgrade": False,
        "onManualInteractionRequired": True,
        "onRename": False,
        "onHealthIssue": False,
        "includeHealthWarnings": False,
        "onHealthRestored": False,
        "onApplicationUpdate": False,
        "fields": [
            {"name": "url", "value": url},
            {"name": "method", "value": 1},
            {"name": "username", "value": ""},
            {"name": "password", "value": ""},
        ],
    }


def seerr_agent(
    url: str,
    *,
    types: int = 4318,
    enabled: bool = True,
    payload: str = SEERR_TEMPLATE_TEXT,
) -> dict[str, Any]:
    """Return the body the integration posts to Seerr's webhook agent routes.

    `payload` is the template as a current Seerr takes it; an older one gets
    SEERR_JSON_PAYLOAD.
    """
    return {
        "enabled": enabled,
        "embedPoster": True,
        "types": types,
        "options": {
            "webhookUrl": url,
            "jsonPayload": payload,
            "authHeader": "",
            "supportVariables": False,
        },
    }


def seerr_tested_and_saved(
    url: str, *, encodes_payload: bool = True, types: int = 4318
) -> list[tuple[str, str, Any]]:
    """Return the calls that test and save Seerr's agent at `url`.

    The template goes as text first; an older Seerr (not `encodes_payload`)
    fails that test, so it is tested and saved JSON-encoded once more.
    """
    test = f"{SEERR_WEBHOOK_PATH}/test"
    as_text = seerr_agent(url, types=types)
    if encodes_payload:
        return [("POST", test, as_text), ("POST", SEERR_WEBHOOK_PATH, as_text)]
    encoded = seerr_agent(url, types=types, payload=SEERR_JSON_PAYLOAD)
    return [
        ("POST", test, as_text),
        ("POST", test, encoded),
        ("POST", SEERR_WEBHOOK_PATH, encoded),
    ]


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _FakeService:
    """What the Sonarr/Radarr and Seerr fakes share: reaching Home Assistant."""

    def __init__(self, base_url: str, http_client: ClientFactory) -> None:
        self.base_url = base_url
        # Home Assistant addresses this service can reach.
        self.reachable: set[str] = {HA_INTERNAL, HA_EXTERNAL}
        # False: the test call succeeds but posts nothing (another server answered).
        self.delivers = True
        # Set to an HTTP status to make every call of the fake fail.
        self.fail_status: int | None = None
        # Set to an HTTP status to make only the test calls fail.
        self.fail_test_status: int | None = None
        self.tested_urls: list[str] = []
        self._http_client = http_client
        self._client: Any = None

    async def _async_deliver(self, url: str, payload: Any) -> bool:
        """Post the test payload to a webhook URL as the service would."""
        self.tested_urls.append(url)
        if _base(url) not in self.reachable:
            return False
        if not self.delivers:
            return True
        status = await self._async_post(url, payload)
        return 200 <= status < 300

    async def _async_post(self, url: str, payload: Any) -> int:
        """Post a payload to a webhook URL; return Home Assistant's HTTP status."""
        if self._client is None:
            self._client = await self._http_client()
        response = await self._client.post(urlsplit(url).path, json=payload)
        return int(response.status)

    def _answer(
        self, method: str, url: URL, status: int = HTTPStatus.OK, body: Any = None
    ) -> AiohttpClientMockResponse:
        return AiohttpClientMockResponse(method, url, status=status, json=body)


class FakeArr(_FakeService):
    """The connections (``/api/v3/notification``) of a Sonarr or Radarr."""

    def __init__(
        self,
        aioclient_mock: AiohttpClientMocker,
        base_url: str,
        test_fixture: str,
        http_client: ClientFactory,
    ) -> None:
        super().__init__(base_url, http_client)
        self.notifications: list[dict[str, Any]] = []
        self._next_id = 1
        self._test_payload = load_fixture(test_fixture)
        pattern = re.compile(rf"^{re.escape(base_url)}{NOTIFICATION_PATH}")
        for method in ("get", "post", "put", "delete"):
            aioclient_mock.request(method, pattern, side_effect=self._async_handle)

    def add(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Store a connection as if the user had made it; return it with its id."""
        stored = {**resource, "id": self._next_id}
        self._next_id += 1
        self.notifications.append(stored)
        return stored

    def _find(self, notification_id: int) -> dict[str, Any] | None:
        return next((n for n in self.notifications if n["id"] == notification_id), None)

    async def _async_handle(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        method = method.upper()
        if self.fail_status is not None:
            return self._answer(method, url, self.fail_status, {"message": "Error"})
        rest = url.path.removeprefix(urlsplit(self.base_url).path + NOTIFICATION_PATH)
        if method == "GET" and rest == "":
            return self._answer(method, url, body=copy.deepcopy(self.notifications))
        if method == "POST" and rest == "/test":
            if self.fail_test_status is not None:
                return self._answer(method, url, self.fail_test_status, {})
            target = next(f["value"] for f in data["fields"] if f["name"] == "url")
            if await self._async_deliver(target, self._test_payload):
                return self._answer(method, url, body="{}")
            return self._answer(
                method,
                url,
                HTTPStatus.BAD_REQUEST,
                [{"propertyName": "Url", "errorMessage": "Unable to post to webhook"}],
            )
        if method == "POST" and rest == "":
            stored = self.add(copy.deepcopy(data))
            return self._answer(method, url, HTTPStatus.CREATED, stored)
        notification_id = int(rest.removeprefix("/"))
        existing = self._find(notification_id)
        if existing is None:
            return self._answer(
                method, url, HTTPStatus.NOT_FOUND, {"message": "NotFound"}
            )
        if method == "PUT":
            self.notifications[self.notifications.index(existing)] = copy.deepcopy(data)
            return self._answer(method, url, HTTPStatus.ACCEPTED, data)
        self.notifications.remove(existing)
        return self._answer(method, url, body={})


# Seerr's notification type bits (server/lib/notifications/index.ts).
SEERR_MEDIA_PENDING = 2
SEERR_TEST_NOTIFICATION = 32
# The template's keys that stand for one of the notification's objects.
_SEERR_OBJECT_KEYS = {
    "{{media}}": "media",
    "{{request}}": "request",
    "{{issue}}": "issue",
    "{{comment}}": "comment",
}
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@dataclass(frozen=True)
class SeerrNotice:
    """One notification as Seerr's webhook agent fills its template with it.

    `values` holds what each placeholder becomes (Seerr's KeyMap: all strings);
    any other placeholder becomes "". `objects` names the objects the
    notification has (media, request, issue, comment): the template's
    ``{{media}}``... keys of the others become null.
    """

    type_bit: int
    values: Mapping[str, str]
    objects: frozenset[str] = frozenset()
    extra: tuple[Mapping[str, str], ...] = ()


# Seerr's test notification (server/routes/settings/notifications.ts).
SEERR_TEST_NOTICE = SeerrNotice(
    SEERR_TEST_NOTIFICATION,
    {
        "notification_type": "TEST_NOTIFICATION",
        "subject": "Test Notification",
        "message": "Check check, 1, 2, 3. Are we coming in clear?",
    },
)
# The new request of tests/fixtures/jellyseerr/media_pending.json.
SEERR_MEDIA_PENDING_NOTICE = SeerrNotice(
    SEERR_MEDIA_PENDING,
    {
        "notification_type": "MEDIA_PENDING",
        "event": "New Movie Request",
        "subject": "Example Movie (1999)",
        "message": "An invented example movie used for integration tests.",
        "image": (
            "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-movie-poster.jpg"
        ),
        "media_type": "movie",
        "media_tmdbid": "603",
        "media_status": "PENDING",
        "media_status4k": "UNKNOWN",
        "request_id": "201",
        "requestedBy_email": "alice@example.com",
        "requestedBy_username": "alice",
        "requestedBy_avatar": "/avatarproxy/9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    },
    frozenset({"media", "request"}),
)


def seerr_fill(template: Mapping[str, Any], notice: SeerrNotice) -> dict[str, Any]:
    """Return a template filled with a notification, as the agent's parseKeys does.

    Object keys are renamed (null when the notification lacks the object),
    ``{{extra}}`` becomes the extra items, and in every string each placeholder
    is replaced once (``String.replace`` with a string pattern).
    """
    filled: dict[str, Any] = {}
    for key, value in template.items():
        if key == "{{extra}}":
            filled["extra"] = [dict(item) for item in notice.extra]
            continue
        name = _SEERR_OBJECT_KEYS.get(key, key)
        if key in _SEERR_OBJECT_KEYS and name not in notice.objects:
            filled[name] = None
        elif isinstance(value, str):
            text = value
            for placeholder in dict.fromkeys(_PLACEHOLDER.findall(value)):
                text = text.replace(
                    f"{{{{{placeholder}}}}}", notice.values.get(placeholder, ""), 1
                )
            filled[name] = text
        elif isinstance(value, dict):
            filled[name] = seerr_fill(value, notice)
        else:
            filled[name] = value
    return filled


class FakeSeerr(_FakeService):
    """Seerr's webhook agent (``/api/v1/settings/notifications/webhook``).

    Both routes check that ``jsonPayload`` is JSON text (500 otherwise) and
    store it base64-encoded: a Seerr that `encodes_payload` (3.x since March
    2026) JSON-encodes it first, an older one (Overseerr, Jellyseerr) stores it
    as posted. GET answers the stored value decoded once. The agent builds each
    notification from what is stored: base64 → JSON.parse → JSON.parse → the
    template object, filled (`seerr_fill`). A template stored in the other
    server's form parses to text or fails to parse: the test route answers 500
    and later notifications are not sent (docs/protocols.md §4.2).
    """

    def __init__(
        self,
        aioclient_mock: AiohttpClientMocker,
        base_url: str,
        http_client: ClientFactory,
        *,
        encodes_payload: bool = True,
    ) -> None:
        super().__init__(base_url, http_client)
        self.encodes_payload = encodes_payload
        # Seerr's settings as saved (settings.json): jsonPayload is base64.
        self.agent: dict[str, Any] = {
            "enabled": False,
            "types": 0,
            "options": {"webhookUrl": "", "jsonPayload": SEERR_DEFAULT_PAYLOAD},
        }
        pattern = re.compile(rf"^{re.escape(base_url)}{SEERR_WEBHOOK_PATH}")
        for method in ("get", "post"):
            aioclient_mock.request(method, pattern, side_effect=self._async_handle)

    def set_agent(
        self, *, enabled: bool, types: int, webhook_url: str, template: str
    ) -> None:
        """Store an agent as if the user had saved it in Seerr's settings page.

        Either Seerr's page stores the template text JSON-encoded once.
        """
        self.agent = {
            "enabled": enabled,
            "types": types,
            "options": {
                "webhookUrl": webhook_url,
                "jsonPayload": _base64(json.dumps(template)),
                "authHeader": "",
            },
        }

    @property
    def template(self) -> Any:
        """Return the stored template as the agent reads it (parsed twice)."""
        return json.loads(json.loads(_unbase64(self.agent["options"]["jsonPayload"])))

    def _stored(self, json_payload: Any) -> str:
        """Return what the routes store of a posted jsonPayload.

        Raise TypeError or ValueError (Seerr: 500) unless it is JSON text.
        """
        json.loads(json_payload)
        if self.encodes_payload:
            return _base64(json.dumps(json_payload))
        return _base64(json_payload)

    def _build(self, stored: str, notice: SeerrNotice) -> dict[str, Any] | None:
        """Return the payload the agent builds, None where it throws."""
        try:
            template = json.loads(json.loads(_unbase64(stored)))
        except TypeError, ValueError:
            # JSON.parse of an object: "[object Object]" is no JSON.
            return None
        if not isinstance(template, dict):
            # parseKeys assigns to the characters of a string: "Cannot assign to
            # read only property '0' of string".
            return None
        return seerr_fill(template, notice)

    async def async_send(self, notice: SeerrNotice) -> int | None:
        """Send a notification as the saved agent would.

        Return Home Assistant's HTTP status, None when nothing was posted (agent
        off, type not chosen, or the payload failed to build).
        """
        agent = self.agent
        options = agent["options"]
        if not (
            agent["enabled"]
            and options["webhookUrl"]
            and agent["types"] & notice.type_bit
        ):
            return None
        payload = self._build(options["jsonPayload"], notice)
        if payload is None:
            return None
        return await self._async_post(options["webhookUrl"], payload)

    async def _async_handle(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        method = method.upper()
        if self.fail_status is not None:
            return self._answer(method, url, self.fail_status, {"message": "Error"})
        if method == "GET":
            agent = copy.deepcopy(self.agent)
            options = agent["options"]
            options["jsonPayload"] = json.loads(_unbase64(options["jsonPayload"]))
            return self._answer(method, url, body=agent)
        try:
            stored = self._stored(data["options"]["jsonPayload"])
        except TypeError, ValueError:
            return self._answer(
                method, url, HTTPStatus.INTERNAL_SERVER_ERROR, {"message": "JSON"}
            )
        if url.path.endswith("/test"):
            if self.fail_test_status is not None:
                return self._answer(method, url, self.fail_test_status, {})
            payload = self._build(stored, SEERR_TEST_NOTICE)
            if payload is not None and await self._async_deliver(
                data["options"]["webhookUrl"], payload
            ):
                return self._answer(method, url, HTTPStatus.NO_CONTENT)
            return self._answer(
                method,
                url,
                HTTPStatus.INTERNAL_SERVER_ERROR,
                {"message": "Failed to send webhook notification."},
            )
        self.agent = {
            "enabled": data["enabled"],
            "types": data["types"],
            "options": {
                "webhookUrl": data["options"]["webhookUrl"],
                "jsonPayload": stored,
                "authHeader": data["options"]["authHeader"],
            },
        }
        return self._answer(method, url, body=copy.deepcopy(self.agent))


def _base64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _unbase64(value: str) -> str:
    return base64.b64decode(value).decode()


def registration_calls(
    aioclient_mock: AiohttpClientMocker, base_url: str
) -> list[tuple[str, str, Any]]:
    """Return (METHOD, path?query, body) of each registration call to one service."""
    base = URL(base_url)
    return [
        (method.upper(), str(url.relative()), copy.deepcopy(data))
        for method, url, data, _ in aioclient_mock.mock_calls
        if (url.host, url.port) == (base.host, base.port)
        and (NOTIFICATION_PATH in url.path or SEERR_WEBHOOK_PATH in url.path)
    ]
