"""Converter for Jellyfin REST item DTOs (``GET /Items``) into JellyfinItem observations.

The recent-items fallback and the reconciliation (JellyfinClient.async_history_since)
ask Jellyfin for the newest Movie and Episode items and feed them to the tracker as
if the webhook plugin had reported them, so the result has the same shape as
`parse_jellyfin` produces for an ItemAdded body:
N-form GUIDs, provider ids keyed by lower-cased name ("tmdb", "tvdb",
"shoko series"), season/episode numbers of episodes.

REST DTOs differ from the webhook data object (docs/protocols.md §5.2): `Type` instead of
`ItemType`, `ProductionYear` instead of `Year`, `ParentIndexNumber`/`IndexNumber`/
`IndexNumberEnd` instead of `SeasonNumber`/`EpisodeNumber`/`EpisodeNumberEnd`, and
provider ids in a `ProviderIds` object ({"Tmdb": "603"}) instead of `Provider_tmdb`
keys. Names are not passed through the plugin's Escape(), so nothing is unescaped.
One difference stays: an episode's `ProductionYear` is its own, while the webhook's
`Year` is the series' (JFP:`Helpers/DataObjectHelpers.cs` overwrites it), so the two
can differ for episodes; nothing matches episodes by year.

Pure Python, no Home Assistant imports. Nothing here raises for any JSON input:
malformed DTOs give None (logged at debug level).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
import logging
import re
from typing import Final

from ..core.observations import JellyfinEvent, JellyfinItem
from .errors import InvalidPayload
from .fields import JsonObject
from .jellyfin import optional_guid, require_guid

_LOGGER = logging.getLogger(__name__)

# BaseItemKind names the tracker can match against requests.
SUPPORTED_TYPES: Final = frozenset({"Movie", "Episode"})
# What the library sync pages through.
LIBRARY_TYPES: Final = frozenset({"Movie", "Series"})

# LocationType of missing episodes (known from metadata, no file).
VIRTUAL_LOCATION: Final = "Virtual"


# Jellyfin writes DateTimes as "yyyy-MM-ddTHH:mm:ss.fffffffZ" (7 fractional digits,
# JsonDateTimeConverter). Offsets and other fraction lengths are accepted too.
_DATETIME: Final = re.compile(
    r"(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def item_from_dto(dto: object) -> JellyfinItem | None:
    """Convert one ``/Items`` DTO of a Movie or Episode into a JellyfinItem.

    The result is an ItemAdded observation like the webhook's. Return None (and log
    at debug level) for anything that is not an object, for other item types, and
    for DTOs with a missing or malformed Id, Type or Name, or with a present field
    of the wrong type (SeriesId, ProductionYear, the index numbers, ProviderIds).
    """
    if not isinstance(dto, Mapping):
        _LOGGER.debug("Skipping a Jellyfin item that is not an object")
        return None
    item_type = dto.get("Type")
    if not isinstance(item_type, str) or item_type not in SUPPORTED_TYPES:
        # The Type is not logged: log lines carry no answer content.
        _LOGGER.debug("Skipping a Jellyfin item that is not a movie or episode")
        return None
    try:
        return _read_item(dto, item_type)
    except InvalidPayload as err:
        _LOGGER.debug("Skipping a malformed Jellyfin %s item: %s", item_type, err)
        return None


def library_item_from_dto(dto: object) -> JellyfinItem | None:
    """Convert a library page's Movie or Series DTO; None (debug log) otherwise."""
    # Type may be any JSON value: only a string can be looked up in the set.
    item_type = dto.get("Type") if isinstance(dto, Mapping) else None
    if (
        not isinstance(dto, Mapping)
        or not isinstance(item_type, str)
        or item_type not in LIBRARY_TYPES
    ):
        _LOGGER.debug("Skipping a Jellyfin library entry that is not a movie or series")
        return None
    try:
        return _read_item(dto, item_type)
    except InvalidPayload as err:
        _LOGGER.debug("Skipping a malformed Jellyfin library item: %s", err)
        return None


def _read_item(dto: Mapping[str, object], item_type: str) -> JellyfinItem:
    """Read the fields of a Movie/Episode DTO; raise InvalidPayload when malformed."""
    root = JsonObject(dto)
    return JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED,
        item_id=require_guid(root, "Id"),
        item_type=item_type,
        name=root.require_str("Name"),
        # Jellyfin has no year 0; treat it like "unknown", as the webhook parser does.
        year=root.optional_int("ProductionYear") or None,
        provider_ids=_read_provider_ids(dto),
        series_id=optional_guid(root, "SeriesId"),
        series_name=root.optional_str("SeriesName"),
        season=root.optional_int("ParentIndexNumber"),
        episode=root.optional_int("IndexNumber"),
        episode_end=root.optional_int("IndexNumberEnd"),
    )


def _read_provider_ids(dto: Mapping[str, object]) -> dict[str, str]:
    """Return `ProviderIds` as {lower-cased name: value}.

    Same key form as the webhook parser ("Tmdb" -> "tmdb", "Shoko Series" ->
    "shoko series"); values that are not strings or are blank are dropped.
    """
    providers = dto.get("ProviderIds")
    if providers is None:
        return {}
    if not isinstance(providers, Mapping):
        raise InvalidPayload("ProviderIds must be an object", field="ProviderIds")
    return {
        name.lower(): value.strip()
        for name, value in providers.items()
        if isinstance(name, str) and name and isinstance(value, str) and value.strip()
    }


def added_item_from_dto(dto: object) -> tuple[datetime, JellyfinItem] | None:
    """Return (DateCreated, ItemAdded observation) of an item the webhook announces.

    The reconciliation's reading of one ``/Items`` DTO: what the webhook plugin
    would have sent for it, and when Jellyfin says the item was created. Return
    None (debug log) for virtual (missing) items, which the plugin never
    announces (JFP:`ItemAddedNotifierEntryPoint.cs`), for DTOs without a usable
    DateCreated (the event could not be placed in time), and for whatever
    item_from_dto refuses.
    """
    if isinstance(dto, Mapping) and dto.get("LocationType") == VIRTUAL_LOCATION:
        _LOGGER.debug("Skipping a virtual Jellyfin item")
        return None
    added = created_at(dto)
    if added is None:
        _LOGGER.debug("Skipping a Jellyfin item without a usable DateCreated")
        return None
    item = item_from_dto(dto)
    return None if item is None else (added, item)


def is_playable(dto: object) -> bool:
    """Return True when a DTO is backed by a real media file.

    That is: at least one `MediaSources` entry or a non-empty `Path`, and a
    `LocationType` other than "Virtual" (missing episodes are virtual and have
    neither). Anything malformed is not playable.
    """
    if not isinstance(dto, Mapping) or dto.get("LocationType") == VIRTUAL_LOCATION:
        return False
    sources = dto.get("MediaSources")
    if isinstance(sources, list) and any(isinstance(s, Mapping) for s in sources):
        return True
    path = dto.get("Path")
    return isinstance(path, str) and bool(path.strip())


def created_at(dto: object) -> datetime | None:
    """Return the `DateCreated` of a DTO as an aware UTC datetime, or None."""
    if not isinstance(dto, Mapping):
        return None
    value = dto.get("DateCreated")
    return parse_datetime(value) if isinstance(value, str) else None


def parse_datetime(text: str) -> datetime | None:
    """Parse a Jellyfin ISO-8601 timestamp into an aware UTC datetime.

    Jellyfin writes 7 fractional digits (.NET ticks) and a "Z"; the fraction is
    cut to the 6 digits Python keeps. A timestamp without zone is taken as UTC
    (Jellyfin stores UTC). .NET's DateTime.MinValue (year 1), used for "unset",
    and anything unparsable give None.
    """
    match = _DATETIME.fullmatch(text.strip())
    if match is None:
        return None
    fraction = match["fraction"]
    zone = match["zone"]
    iso = match["base"]
    if fraction:
        iso += "." + fraction[:6].ljust(6, "0")
    iso += "+00:00" if zone in (None, "Z") else zone
    try:
        parsed = datetime.fromisoformat(iso).astimezone(UTC)
    except ValueError, OverflowError:
        return None
    return None if parsed.year == 1 else parsed
