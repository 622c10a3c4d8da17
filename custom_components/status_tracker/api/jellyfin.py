"""Client for the Jellyfin server REST API (10.9 to 10.11 and later)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import logging
from typing import Any, Final

import aiohttp

from .client import (
    DEFAULT_TIMEOUT,
    ServiceClient,
    json_object,
    json_optional_int,
    json_str,
)
from .errors import UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

# Ids per /Items request: 50 N-form ids keep the query string under 2 kB, well
# inside what reverse proxies accept.
_IDS_PER_REQUEST: Final = 50

# Item fields the recent-items query asks for, beyond the ones every DTO carries
# (Id, Name, Type, ProductionYear, IndexNumber, ParentIndexNumber, IndexNumberEnd,
# SeriesId, SeriesName, LocationType). MediaSources is left out on purpose: it
# makes the server load every media stream of every item and multiplies the
# answer's size, while Path plus LocationType already tell a real file from a
# missing (virtual) episode.
RECENT_ITEM_FIELDS: Final = ("ProviderIds", "Path", "DateCreated")


@dataclass(frozen=True, slots=True)
class JellyfinSystemInfo:
    """What ``GET /System/Info`` reports."""

    server_name: str
    version: str
    server_id: str


@dataclass(frozen=True, slots=True)
class RecentItemsPage:
    """One page of ``GET /Items`` sorted by creation date, newest first."""

    # Raw item DTOs (PascalCase JSON objects); elements that are not objects are
    # dropped. Convert them with parsers.jellyfin_api.item_from_dto.
    items: list[dict[str, Any]]
    # TotalRecordCount: how many items match the query in the whole library.
    total: int | None
    # Index of the first item of this page in the whole result.
    start_index: int


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

    async def async_get_recent_items(
        self, item_types: Sequence[str], *, limit: int, start_index: int = 0
    ) -> RecentItemsPage:
        """Return the most recently created items of the given types, newest first.

        One ``GET /Items`` request over the whole library (``Recursive``), sorted
        by ``DateCreated`` descending and paged with ``StartIndex``/``Limit``.
        Missing (virtual) episodes are filtered out by the server (``IsMissing=false``
        means ``IsVirtualItem = false``); images and user data are not requested.
        Raise ValueError for an empty type list, a limit below 1 or a negative
        start index.
        """
        # A bare string is a Sequence[str] too; take it as one type, not letters.
        names = [item_types] if isinstance(item_types, str) else item_types
        types = [item_type for item_type in names if item_type]
        if not types:
            raise ValueError("item_types must name at least one item type")
        if limit < 1 or start_index < 0:
            raise ValueError("limit must be >= 1 and start_index >= 0")
        data = json_object(
            await self._async_get_json(
                "/Items",
                params={
                    "Recursive": "true",
                    "IncludeItemTypes": ",".join(types),
                    "SortBy": "DateCreated",
                    "SortOrder": "Descending",
                    "Fields": ",".join(RECENT_ITEM_FIELDS),
                    "IsMissing": "false",
                    "StartIndex": str(start_index),
                    "Limit": str(limit),
                    "EnableImages": "false",
                    "EnableUserData": "false",
                },
            ),
            "items",
        )
        raw_items = data.get("Items")
        if not isinstance(raw_items, list):
            raise UnexpectedResponse("Expected an Items array from Jellyfin")
        items: list[dict[str, Any]] = []
        for item in raw_items:
            if isinstance(item, dict):
                items.append(item)
            else:
                _LOGGER.debug("Skipping a Jellyfin item that is not an object")
        return RecentItemsPage(
            items=items,
            total=json_optional_int(data, "TotalRecordCount", minimum=0),
            start_index=start_index,
        )


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
