"""Parser for Seerr / Jellyseerr / Overseerr webhooks (docs/protocols.md §4.1).

The body is Seerr's default JSON template after substitution: every value is a
string ("" when absent, ids as "603"), and `media` / `request` are null when the
notification has no such entity. Only `notification_type` decides what a payload
means; the human `event` text differs between versions ("Series" vs "TV").
Fields the tracker does not use are not read, so the requester's Discord field,
renamed in Seerr 3.3 (`requestedBy_settings_discordId` became the list
`requestedBy_settings_discordIds`, docs/protocols.md §4.3), may come in either
form.
"""

from __future__ import annotations

from typing import Final

from ..core.observations import (
    Ignored,
    MediaRef,
    MediaType,
    SeerrEvent,
    SeerrNotification,
)
from .fields import JsonObject, parse_digits

SOURCE: Final = "seerr"

# Name of the `extra` item listing the requested seasons ("1, 2").
REQUESTED_SEASONS: Final = "Requested Seasons"

_MEDIA_TYPES: Final = {media_type.value: media_type for media_type in MediaType}
_EVENTS: Final = {event.value: event for event in SeerrEvent}


def parse_seerr(body: object) -> SeerrNotification | Ignored:
    """Turn a Seerr webhook body into a SeerrNotification, or Ignored.

    Media request events (MEDIA_PENDING ... MEDIA_AVAILABLE, MEDIA_AUTO_REQUESTED)
    become notifications; TEST_NOTIFICATION, ISSUE_* and unknown types are
    ignored. Raises InvalidPayload for a malformed body.
    """
    root = JsonObject.root(body)
    notification_type = root.require_nonempty_str("notification_type")
    event = _EVENTS.get(notification_type)
    if event is None:
        return Ignored(
            source=SOURCE,
            event_type=notification_type,
            reason=_ignore_reason(notification_type),
        )
    request = root.optional_object("request")
    return SeerrNotification(
        event=event,
        media=_read_media(root),
        request_id=request.optional_id_text("request_id") if request else None,
        requested_by=request.optional_str("requestedBy_username") if request else None,
        seasons=_read_seasons(root),
        # Seerr inserts "4K " into the event text of 4K requests ("New 4K Movie Request").
        is_4k="4K" in (root.optional_str("event") or ""),
    )


def _ignore_reason(notification_type: str) -> str:
    """Say why a notification type carries nothing the tracker uses."""
    if notification_type == "TEST_NOTIFICATION":
        return "test notification"
    if notification_type.startswith("ISSUE_"):
        return "issue notifications are not tracked"
    return "unknown Seerr notification type"


def _read_media(root: JsonObject) -> MediaRef:
    """Read the media of a request event from `media`, `subject` and `image`."""
    media = root.require_object("media")
    media_type_text = media.require_str("media_type")
    media_type = _MEDIA_TYPES.get(media_type_text)
    if media_type is None:
        raise media.invalid("media_type", 'must be "movie" or "tv"')
    title, year = split_subject(root.require_nonempty_str("subject"))
    return MediaRef(
        media_type=media_type,
        title=title,
        year=year,
        tmdb_id=media.optional_id_text("tmdbId"),
        tvdb_id=media.optional_id_text("tvdbId"),
        poster_url=root.optional_str("image"),
    )


def split_subject(subject: str) -> tuple[str, int | None]:
    """Split Seerr's subject "Title (1999)" into ("Title", 1999).

    A subject without a trailing four-digit year is the whole title. String
    operations instead of a regex keep this linear on hostile input.
    """
    text = subject.strip()
    if text.endswith(")"):
        head, paren, year_text = text[:-1].rpartition("(")
        title = head.rstrip()
        is_year = len(year_text) == 4 and year_text.isascii() and year_text.isdigit()
        if paren and title and is_year:
            return title, int(year_text)
    return text, None


def _read_seasons(root: JsonObject) -> tuple[int, ...]:
    """Read the requested seasons from the `extra` item "Requested Seasons"."""
    seasons: tuple[int, ...] = ()
    # Every item's name is read so a mistyped one is reported wherever it is.
    for item in root.object_list("extra"):
        if item.optional_str("name") == REQUESTED_SEASONS and not seasons:
            seasons = parse_seasons(item.optional_str("value") or "")
    return seasons


def parse_seasons(value: str) -> tuple[int, ...]:
    """Parse "1, 2" into (1, 2): sorted, unique, non-numeric parts ignored."""
    seasons = {parse_digits(part) for part in value.split(",")}
    return tuple(sorted(season for season in seasons if season is not None))
