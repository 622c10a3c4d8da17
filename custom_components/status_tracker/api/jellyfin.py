"""Client for the Jellyfin server REST API (10.9 to 10.11 and later)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
import logging
import re
from typing import Any, Final

from ..parsers.fields import JsonObject
from ..parsers.jellyfin_api import added_item_from_dto
from .client import ApiKeyClient, read_answer
from .errors import UnexpectedResponse
from .history import MAX_HISTORY_CALLS, HistoryEvent, HistoryRead

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
# Fields of the calls that find items for the actions and the library sync.
ITEM_FIELDS: Final = ("ProviderIds", "Path")
# Item types async_search accepts.
SEARCH_ITEM_TYPES: Final = frozenset({"Movie", "Series"})
# Item types whose ItemAdded webhooks the reconciliation recovers: the ones the
# tracker matches against requests.
HISTORY_ITEM_TYPES: Final = ("Movie", "Episode")

_ITEM_ID_RE: Final = re.compile(r"[0-9a-f]{32}")
# Flags that keep /Items answers small: no image tags, no per-user data.
_LEAN: Final = {"EnableImages": "false", "EnableUserData": "false"}


@dataclass(frozen=True, slots=True)
class JellyfinSystemInfo:
    """What ``GET /System/Info`` reports."""

    server_name: str
    version: str
    server_id: str


@dataclass(frozen=True, slots=True)
class RecentItemsPage:
    """One page of ``GET /Items``.

    async_get_recent_items sorts by creation date, newest first;
    async_get_library_page by sort name.
    """

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


def _checked_item_id(item_id: str) -> str:
    """Return the N form of an item id that goes into a URL path.

    Raise ValueError unless it is a GUID: anything else could address another
    route (``../``) or the whole collection.
    """
    normalized = normalize_item_id(item_id)
    if not _ITEM_ID_RE.fullmatch(normalized):
        raise ValueError("item id must be a Jellyfin GUID")
    return normalized


def _item_types(item_types: Sequence[str]) -> list[str]:
    """Return the non-empty type names; ValueError if there are none."""
    # A bare string is a Sequence[str] too; take it as one type, not letters.
    names = [item_types] if isinstance(item_types, str) else item_types
    types = [item_type for item_type in names if item_type]
    if not types:
        raise ValueError("item_types must name at least one item type")
    return types


class JellyfinClient(ApiKeyClient):
    """Jellyfin client authenticating with an API key.

    The ``Authorization: MediaBrowser Token=`` header is used because the legacy
    ``X-Emby-Token`` header and ``api_key`` query are off by default from 12.0 on
    (and a query parameter would put the key in URLs and logs).
    """

    service_name = "Jellyfin"

    def _auth_headers(self) -> dict[str, str]:
        """Return the MediaBrowser authorization header."""
        return {"Authorization": f'MediaBrowser Token="{self._api_key}"'}

    async def async_get_system_info(self) -> JellyfinSystemInfo:
        """Return server name, version and id; needs a valid key."""
        answer = await self._async_get_json("/System/Info")
        with read_answer(answer, "system info") as data:
            return JellyfinSystemInfo(
                server_name=data.require_str("ServerName"),
                version=data.require_str("Version"),
                server_id=normalize_item_id(data.require_str("Id")),
            )

    async def async_get_provider_ids(
        self, item_ids: Iterable[str]
    ) -> dict[str, dict[str, str]]:
        """Return the provider ids of items, keyed by N-form item id.

        Provider names are lower-cased (``tmdb``, ``tvdb``, ``shoko series``); items
        Jellyfin does not know are absent from the result. Ids are sent in batches so
        a long list costs a few requests, not one per item.
        """
        result: dict[str, dict[str, str]] = {}
        for data in await self._async_get_by_ids(item_ids, ("ProviderIds",)):
            for item in _raw_items(data):
                if (parsed := _parse_provider_ids(JsonObject.loose(item))) is not None:
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
        return await self._async_get_page(
            item_types,
            sort_by="DateCreated",
            sort_order="Descending",
            fields=RECENT_ITEM_FIELDS,
            start_index=start_index,
            limit=limit,
            extra={"IsMissing": "false"},
        )

    async def async_history_since(
        self,
        since: datetime,
        *,
        max_calls: int = MAX_HISTORY_CALLS,
        page_size: int = 200,
    ) -> HistoryRead:
        """Return the ItemAdded observations of the movies and episodes added since a moment.

        The webhook plugin sends ItemAdded once and never again, so what it sent
        while Home Assistant was down is read back from the library: pages of
        async_get_recent_items (``DateCreated`` descending, virtual items
        filtered out by ``IsMissing=false``) until an item created before
        `since`, the end of the items, or `max_calls` requests (then
        ``complete=False``). Each item becomes the observation the webhook
        would have brought (parsers.jellyfin_api.added_item_from_dto), at its
        ``DateCreated``; malformed items are skipped (debug log), an item listed
        twice (items added while paging shift the pages) counts once.

        ``DateCreated`` is the file's creation time by default, not when
        Jellyfin added the item (docs/protocols.md §5.2): a file created before
        `since` and added to the library after it is not returned, so callers
        that must not miss one ask from earlier (the tracker records each
        ItemAdded once, so asking again adds nothing twice). ``MinDateLastSaved``
        is not used: see the same section.

        Raise ValueError for a naive `since` or a budget or page size below 1;
        errors of a request raise like the other methods.
        """
        if since.tzinfo is None or since.utcoffset() is None:
            raise ValueError("since must be timezone-aware")
        if max_calls < 1 or page_size < 1:
            raise ValueError("max_calls and page_size must be >= 1")
        found: dict[str, HistoryEvent] = {}
        calls = 0
        start_index = 0
        while calls < max_calls:
            page = await self.async_get_recent_items(
                HISTORY_ITEM_TYPES, limit=page_size, start_index=start_index
            )
            calls += 1
            reached_since = False
            for dto in page.items:
                if (added := added_item_from_dto(dto)) is None:
                    continue
                at, item = added
                if at < since:
                    # Newest first: the rest of the history is older still.
                    reached_since = True
                    continue
                found.setdefault(item.item_id, HistoryEvent(at=at, observation=item))
            # Advanced by what came back, not by what was asked for: a server
            # that answers shorter pages must not make items fall between two.
            start_index += len(page.items)
            ran_out = not page.items or (
                start_index >= page.total
                if page.total is not None
                else len(page.items) < page_size
            )
            if reached_since or ran_out:
                return _history_read(found, calls, complete=True)
        return _history_read(found, calls, complete=False)

    async def async_get_library_page(
        self, item_types: Sequence[str], *, start_index: int, limit: int
    ) -> RecentItemsPage:
        """Return one page of the library's items of the given types, by sort name.

        ``GET /Items?Recursive=true&IncludeItemTypes=Movie,Series&SortBy=SortName
        &SortOrder=Ascending&Fields=ProviderIds,Path&StartIndex=&Limit=``: a
        library sync walks the pages (``total`` says how many items there are)
        instead of loading the whole library in one answer. Raise ValueError for
        an empty type list, a limit below 1 or a negative start index.
        """
        return await self._async_get_page(
            item_types,
            sort_by="SortName",
            sort_order="Ascending",
            fields=ITEM_FIELDS,
            start_index=start_index,
            limit=limit,
        )

    async def _async_get_page(
        self,
        item_types: Sequence[str],
        *,
        sort_by: str,
        sort_order: str,
        fields: Sequence[str],
        start_index: int,
        limit: int,
        extra: dict[str, str] | None = None,
    ) -> RecentItemsPage:
        """Return one sorted page of ``GET /Items`` over the whole library."""
        types = _item_types(item_types)
        if limit < 1 or start_index < 0:
            raise ValueError("limit must be >= 1 and start_index >= 0")
        answer = await self._async_get_json(
            "/Items",
            params={
                "Recursive": "true",
                "IncludeItemTypes": ",".join(types),
                "SortBy": sort_by,
                "SortOrder": sort_order,
                "Fields": ",".join(fields),
                **(extra or {}),
                "StartIndex": str(start_index),
                "Limit": str(limit),
                **_LEAN,
            },
        )
        with read_answer(answer, "items") as data:
            return RecentItemsPage(
                items=_item_dicts(data),
                total=data.loose_int("TotalRecordCount", minimum=0),
                start_index=start_index,
            )

    async def _async_get_by_ids(
        self, item_ids: Iterable[str], fields: Sequence[str]
    ) -> list[JsonObject]:
        """Return the ``/Items?ids=`` answer objects, one per batch of ids."""
        ids = list(dict.fromkeys(normalize_item_id(i) for i in item_ids if i.strip()))
        answers: list[JsonObject] = []
        for start in range(0, len(ids), _IDS_PER_REQUEST):
            batch = ids[start : start + _IDS_PER_REQUEST]
            answer = await self._async_get_json(
                "/Items", params={"ids": ",".join(batch), "Fields": ",".join(fields)}
            )
            with read_answer(answer, "items") as data:
                answers.append(data)
        return answers

    async def async_search(
        self, item_type: str, term: str, *, limit: int = 20
    ) -> list[dict[str, Any]]:
        """Return library items of one type whose name matches a search term.

        ``GET /Items?Recursive=true&IncludeItemTypes=<Movie|Series>&SearchTerm=
        &Fields=ProviderIds,Path&Limit=``. Jellyfin cannot filter by provider id
        (docs/protocols.md §5.2), so callers search by title and compare
        ``ProviderIds`` themselves. Raise ValueError for another type, a blank
        term or a limit below 1.
        """
        if item_type not in SEARCH_ITEM_TYPES:
            raise ValueError("item_type must be 'Movie' or 'Series'")
        if not term.strip():
            raise ValueError("term must not be blank")
        if limit < 1:
            raise ValueError("limit must be >= 1")
        answer = await self._async_get_json(
            "/Items",
            params={
                "Recursive": "true",
                "IncludeItemTypes": item_type,
                "SearchTerm": term.strip(),
                "Fields": ",".join(ITEM_FIELDS),
                "Limit": str(limit),
                **_LEAN,
            },
        )
        with read_answer(answer, "items") as data:
            return _item_dicts(data)

    async def async_get_series_episodes(
        self, series_id: str, season: int | None = None
    ) -> list[dict[str, Any]]:
        """Return the episode DTOs of a series, optionally of one season only.

        ``GET /Shows/{seriesId}/Episodes?Fields=ProviderIds,Path[&season=]``
        (``/Items`` has no series filter). Missing (virtual) episodes are
        included; their ``LocationType`` is ``Virtual`` and they have no
        ``Path``. Raises NotFound when Jellyfin does not know the series,
        ValueError for an id that is not a GUID or a negative season.
        """
        item_id = _checked_item_id(series_id)
        params = {"Fields": ",".join(ITEM_FIELDS), **_LEAN}
        if season is not None:
            if isinstance(season, bool) or not isinstance(season, int) or season < 0:
                raise ValueError("season must be a non-negative integer")
            params["season"] = str(season)
        answer = await self._async_get_json(
            f"/Shows/{item_id}/Episodes", params=params, not_found=True
        )
        with read_answer(answer, "episodes") as data:
            return _item_dicts(data)

    async def async_delete_item(self, item_id: str) -> None:
        """Delete an item from the library **and its files from disk**.

        ``DELETE /Items/{itemId}`` answers 204; Jellyfin deletes with
        ``DeleteFileLocation = true`` (docs/protocols.md §5.2). Raises NotFound when
        the item does not exist, ValueError for an id that is not a GUID.
        """
        await self._async_request(
            "DELETE", f"/Items/{_checked_item_id(item_id)}", not_found=True
        )


def _history_read(
    found: dict[str, HistoryEvent], calls: int, *, complete: bool
) -> HistoryRead:
    """Return the events found (keyed by item id), oldest first, ties by item id."""
    ordered = sorted(found.items(), key=lambda entry: (entry[1].at, entry[0]))
    return HistoryRead(
        events=tuple(event for _, event in ordered), calls=calls, complete=complete
    )


def _raw_items(data: JsonObject) -> list[object]:
    """Return an answer's ``Items`` array as sent, else raise UnexpectedResponse."""
    raw_items = data.loose_list("Items")
    if raw_items is None:
        raise UnexpectedResponse("Expected an Items array from Jellyfin")
    return raw_items


def _item_dicts(data: JsonObject) -> list[dict[str, Any]]:
    """Return the objects of an answer's ``Items`` array (others are skipped)."""
    items: list[dict[str, Any]] = []
    for item in _raw_items(data):
        if isinstance(item, dict):
            items.append(item)
        else:
            _LOGGER.debug("Skipping a Jellyfin item that is not an object")
    return items


def _parse_provider_ids(item: JsonObject | None) -> tuple[str, dict[str, str]] | None:
    """Return (item id, provider ids) of one item, or None if it has no id."""
    if item is None or (item_id := item.loose_str("Id")) is None:
        _LOGGER.debug("Skipping Jellyfin item without an id")
        return None
    raw = item.loose_object("ProviderIds") or JsonObject({})
    providers = {
        name.lower(): value
        for name in raw.field_names()
        if (value := raw.loose_str(name)) is not None
    }
    return normalize_item_id(item_id), providers
