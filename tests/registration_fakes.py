"""Sonarr, Radarr and Seerr as far as webhook registration goes, on AiohttpClientMocker.

Each fake keeps what was saved and answers the calls as the real service does
(docs/protocols.md §2.3, §4.2). A test call posts the service's real test payload to
the webhook URL it was given, through Home Assistant's HTTP server, when that
URL's Home Assistant address is in `reachable`; otherwise it fails as the
service would (Sonarr/Radarr 400, Seerr 500).
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
import copy
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
# What is posted as jsonPayload: that template, as text, JSON-encoded once more.
SEERR_JSON_PAYLOAD = json.dumps(json.dumps(SEERR_DEFAULT_TEMPLATE, indent=2))
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
    url: str, *, types: int = 4318, enabled: bool = True, payload: str = ""
) -> dict[str, Any]:
    """Return the body the integration posts to Seerr's webhook agent routes."""
    return {
        "enabled": enabled,
        "embedPoster": True,
        "types": types,
        "options": {
            "webhookUrl": url,
            "jsonPayload": payload or SEERR_JSON_PAYLOAD,
            "authHeader": "",
            "supportVariables": False,
        },
    }


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
        if self._client is None:
            self._client = await self._http_client()
        response = await self._client.post(urlsplit(url).path, json=payload)
        return 200 <= response.status < 300

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


class FakeSeerr(_FakeService):
    """Seerr's webhook agent (``/api/v1/settings/notifications/webhook``).

    Stored as Seerr stores it (the posted ``jsonPayload``); GET decodes it once.
    A payload that is not JSON text inside a JSON string is refused (the agent
    parses it twice when it sends).
    """

    def __init__(
        self,
        aioclient_mock: AiohttpClientMocker,
        base_url: str,
        http_client: ClientFactory,
    ) -> None:
        super().__init__(base_url, http_client)
        self.agent: dict[str, Any] = {
            "enabled": False,
            "types": 0,
            "options": {"webhookUrl": "", "jsonPayload": json.dumps("{}")},
        }
        pattern = re.compile(rf"^{re.escape(base_url)}{SEERR_WEBHOOK_PATH}")
        for method in ("get", "post"):
            aioclient_mock.request(method, pattern, side_effect=self._async_handle)

    def set_agent(
        self, *, enabled: bool, types: int, webhook_url: str, template: str
    ) -> None:
        """Store an agent as if the user had saved it in Seerr's settings."""
        self.agent = {
            "enabled": enabled,
            "types": types,
            "options": {
                "webhookUrl": webhook_url,
                "jsonPayload": json.dumps(template),
                "authHeader": "",
            },
        }

    @property
    def template(self) -> Any:
        """Return the stored template as the agent reads it (parsed twice)."""
        return json.loads(json.loads(self.agent["options"]["jsonPayload"]))

    async def _async_handle(
        self, method: str, url: URL, data: Any
    ) -> AiohttpClientMockResponse:
        method = method.upper()
        if self.fail_status is not None:
            return self._answer(method, url, self.fail_status, {"message": "Error"})
        if method == "GET":
            agent = copy.deepcopy(self.agent)
            options = agent["options"]
            options["jsonPayload"] = json.loads(options["jsonPayload"])
            return self._answer(method, url, body=agent)
        try:
            json.loads(json.loads(data["options"]["jsonPayload"]))
        except TypeError, ValueError:
            return self._answer(
                method, url, HTTPStatus.INTERNAL_SERVER_ERROR, {"message": "JSON"}
            )
        if url.path.endswith("/test"):
            if self.fail_test_status is not None:
                return self._answer(method, url, self.fail_test_status, {})
            target = data["options"]["webhookUrl"]
            if await self._async_deliver(
                target, load_fixture("jellyseerr/test_notification.json")
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
                "jsonPayload": data["options"]["jsonPayload"],
                "authHeader": data["options"]["authHeader"],
            },
        }
        return self._answer(method, url, body=copy.deepcopy(self.agent))


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
