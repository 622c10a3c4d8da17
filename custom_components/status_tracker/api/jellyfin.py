"""Client for the Jellyfin server REST API (10.9 to 10.11 and later)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import logging
from typing import Any, Final

import aiohttp

from .client import DEFAULT_TIMEOUT, ServiceClient, json_object, json_str
from .errors import UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

# Ids per /Items request: 50 N-form ids keep the query string under 2 kB, well
# inside what reverse proxies accept.
_IDS_PER_REQUEST: Final = 50


@dataclass(frozen=True, slots=True)
class JellyfinSystemInfo:
    """What ``GET /System/Info`` reports."""

    server_name: str
    version: str
    server_id: str


def normalize_item_id(item_id: str) -> str:
    """Return a Jellyfin GUID in N form (32 lower-case hex digits, no dashes)."""
    return item_id.replace("-", "").strip().lower()


class JellyfinClient(ServiceClient):
    """Jellyfin client authenticating with an API key.

    The ``Authorization: MediaBrowser Token=`` header is used because the legacy
    ``X-Emby-Token`` header and ``api_key`` query are off by default from 12.0 on
    (and a query parameter would put the key in URLs and logs).
    """

    service_name = "Jellyfin"

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
        """Return the MediaBrowser authorization header."""
        return {"Authorization": f'MediaBrowser Token="{self._api_key}"'}

    async def async_get_system_info(self) -> JellyfinSystemInfo:
        """Return server name, version and id; needs a valid key."""
        data = json_object(await self._async_get_json("/System/Info"), "system info")
        return JellyfinSystemInfo(
            server_name=json_str(data, "ServerName"),
            version=json_str(data, "Version"),
            server_id=normalize_item_id(json_str(data, "Id")),
        )

    async def async_get_provider_ids(
        self, item_ids: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        """Return the provider ids of items, keyed by N-form item id.

        Provider names are lower-cased (``tmdb``, ``tvdb``, ``shoko series``); items
        Jellyfin does not know are absent from the result. Ids are sent in batches so
        a long list costs a few requests, not one per item.
        """
        ids = list(dict.fromkeys(normalize_item_id(i) for i in item_ids if i.strip()))
        result: dict[str, dict[str, str]] = {}
        for start in range(0, len(ids), _IDS_PER_REQUEST):
            batch = ids[start : start + _IDS_PER_REQUEST]
            data = json_object(
                await self._async_get_json(
                    "/Items", params={"ids": ",".join(batch), "Fields": "ProviderIds"}
                ),
                "items",
            )
            items = data.get("Items")
            if not isinstance(items, list):
                raise UnexpectedResponse("Expected an Items array from Jellyfin")
            for item in items:
                if (parsed := _parse_provider_ids(item)) is not None:
                    result[parsed[0]] = parsed[1]
        return result


def _parse_provider_ids(item: Any) -> tuple[str, dict[str, str]] | None:
    """Return (item id, provider ids) of one item, or None if it has no id."""
    if not isinstance(item, dict) or not isinstance(item_id := item.get("Id"), str):
        _LOGGER.debug("Skipping Jellyfin item without an id")
        return None
    raw = item.get("ProviderIds")
    providers = {
        str(name).lower(): value
        for name, value in (raw.items() if isinstance(raw, dict) else ())
        if isinstance(value, str) and value
    }
    return normalize_item_id(item_id), providers
