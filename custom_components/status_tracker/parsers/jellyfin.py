r"""Parser for the Jellyfin webhook plugin, "Generic" destination (docs/protocols.md §5.1).

Two body modes are accepted:
- SendAllProperties: the plugin's data object as JSON. PascalCase keys, native ints,
  N-form GUIDs, provider ids as `Provider_<key>` strings.
- The recommended Handlebars template (tests/fixtures/jellyfin/
  recommended_template.handlebars): snake_case keys, every value a string, "" for
  absent values, dashed (D-form) GUIDs.

The plugin's `Escape()` turns `"` into `\"` inside string fields before
serialising, so decoded names still contain a backslash before each quote; it is
removed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from ..core.observations import (
    Ignored,
    JellyfinEvent,
    JellyfinItem,
    normalize_jellyfin_id,
)
from .fields import JsonObject

SOURCE: Final = "jellyfin"

# Provider id keys start with this (case-insensitively) in both modes.
PROVIDER_PREFIX: Final = "provider_"

_EVENTS: Final = {event.value: event for event in JellyfinEvent}
_HEX_DIGITS: Final = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class _Schema:
    """Key names and number reader of one body mode."""

    notification_type: str
    item_id: str
    item_type: str
    name: str
    year: str
    series_id: str
    series_name: str
    season: str
    episode: str
    episode_end: str
    read_number: Callable[[JsonObject, str], int | None]


_ALL_PROPERTIES: Final = _Schema(
    notification_type="NotificationType",
    item_id="ItemId",
    item_type="ItemType",
    name="Name",
    year="Year",
    series_id="SeriesId",
    series_name="SeriesName",
    season="SeasonNumber",
    episode="EpisodeNumber",
    episode_end="EpisodeNumberEnd",
    read_number=JsonObject.optional_int,
)

_TEMPLATE: Final = _Schema(
    notification_type="notification_type",
    item_id="item_id",
    item_type="item_type",
    name="name",
    year="year",
    series_id="series_id",
    series_name="series_name",
    season="season_number",
    episode="episode_number",
    episode_end="episode_number_end",
    # Templates render numbers as strings ("1999", "" when absent).
    read_number=JsonObject.optional_int_text,
)


def parse_jellyfin(body: object) -> JellyfinItem | Ignored:
    """Turn a Jellyfin webhook body into a JellyfinItem (ItemAdded/ItemDeleted).

    Other notification types (PlaybackStart, ...) are Ignored. Raises InvalidPayload
    for a malformed body.
    """
    root = JsonObject.root(body)
    # A template body is recognised by its snake_case key; anything else is read
    # as SendAllProperties, whose error messages then name "NotificationType".
    template_mode = root.has("notification_type") and not root.has("NotificationType")
    schema = _TEMPLATE if template_mode else _ALL_PROPERTIES
    notification_type = root.require_nonempty_str(schema.notification_type)
    event = _EVENTS.get(notification_type)
    if event is None:
        return Ignored(
            source=SOURCE,
            event_type=notification_type,
            reason="only ItemAdded and ItemDeleted are tracked",
        )
    return _read_item(root, schema, event)


def _read_item(root: JsonObject, schema: _Schema, event: JellyfinEvent) -> JellyfinItem:
    """Read the item fields of an ItemAdded/ItemDeleted body."""
    series_name = root.optional_str(schema.series_name)
    return JellyfinItem(
        event=event,
        item_id=require_guid(root, schema.item_id),
        item_type=unescape(root.require_nonempty_str(schema.item_type)),
        name=unescape(root.require_str(schema.name)),
        # Jellyfin has no year 0; treat it like the *arr "unknown".
        year=schema.read_number(root, schema.year) or None,
        provider_ids=read_provider_ids(root),
        series_id=optional_guid(root, schema.series_id),
        series_name=unescape(series_name) if series_name else None,
        season=schema.read_number(root, schema.season),
        episode=schema.read_number(root, schema.episode),
        episode_end=schema.read_number(root, schema.episode_end),
    )


def unescape(text: str) -> str:
    r"""Undo the plugin's Escape(), which writes every `"` as `\"`."""
    return text.replace('\\"', '"')


def optional_guid(root: JsonObject, key: str) -> str | None:
    """Read a Jellyfin GUID in N or D form and return it in N form."""
    guid = normalize_jellyfin_id(root.optional_str(key))
    if guid is None:
        return None
    if len(guid) != 32 or not _HEX_DIGITS.issuperset(guid):
        raise root.invalid(key, "must be a GUID (32 hex digits, dashes allowed)")
    return guid


def require_guid(root: JsonObject, key: str) -> str:
    """Read a GUID that must be present."""
    guid = optional_guid(root, key)
    if guid is None:
        raise root.invalid(key, "is missing (expected a GUID)")
    return guid


def read_provider_ids(root: JsonObject) -> dict[str, str]:
    """Collect `Provider_<key>` / `provider_<key>` fields as {key: value}.

    Keys are lower-cased without the prefix and may contain spaces (Shokofin's
    "shoko series"); empty values mean "absent" and are dropped.
    """
    provider_ids: dict[str, str] = {}
    for key in root.field_names():
        if key[: len(PROVIDER_PREFIX)].lower() != PROVIDER_PREFIX:
            continue
        provider = key[len(PROVIDER_PREFIX) :].lower()
        value = root.optional_str(key)
        if provider and value and value.strip():
            provider_ids[provider] = value.strip()
    return provider_ids
