"""Adapter: an event of Home Assistant's Seerr integration, as Seerr's webhook says it.

Seerr has one webhook agent, and Home Assistant's own Seerr integration (domain
``overseerr``) takes it (docs/protocols.md §4.3). Its event entity then fires
each notification, with attributes from its own payload template: snake_case
keys (``requested_by_username``), ids as numbers (``tmdb_id: 603``, ``request_id:
201``), statuses lower-cased, the poster as the entity picture, and the event
type without ``media_`` (``pending``, ``auto_approved``).

`webhook_body` rewrites such an event in the vocabulary of Seerr's default
template, the one parse_seerr reads, so one parser turns the facts into
observations whichever path they came by.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fields import JsonObject


def webhook_body(event_type: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Seerr webhook body an event entity's event stands for.

    `event_type` is the entity's ``event_type`` attribute; `attributes` its
    state attributes. Missing or mistyped parts are passed on as they are, for
    parse_seerr to refuse with its own errors.
    """
    root = JsonObject(dict(attributes))
    media = root.loose_object("media")
    request = root.loose_object("request")
    return {
        "notification_type": f"MEDIA_{event_type.upper()}",
        "event": attributes.get("event", ""),
        "subject": attributes.get("subject", ""),
        "message": attributes.get("message", ""),
        # Core takes the image out of the event and shows it as the picture.
        "image": attributes.get("entity_picture") or "",
        "media": _media(media) if media is not None else attributes.get("media"),
        "request": (
            _request(request) if request is not None else attributes.get("request")
        ),
        "issue": None,
        "comment": None,
        "extra": attributes.get("extra", []),
    }


def _media(media: JsonObject) -> dict[str, Any]:
    return {
        "media_type": media.loose_str("media_type") or "",
        "tmdbId": _id_text(media.loose_int("tmdb_id")),
        "tvdbId": _id_text(media.loose_int("tvdb_id")),
        "status": (media.loose_str("status") or "").upper(),
        "status4k": (media.loose_str("status4k") or "").upper(),
    }


def _request(request: JsonObject) -> dict[str, Any]:
    return {
        "request_id": _id_text(request.loose_int("request_id")),
        "requestedBy_email": request.loose_str("requested_by_email") or "",
        "requestedBy_username": request.loose_str("requested_by_username") or "",
        "requestedBy_avatar": request.loose_str("requested_by_avatar") or "",
    }


def _id_text(value: int | None) -> str:
    """Return an id as Seerr's template writes it: digits, or "" when absent."""
    return "" if value is None else str(value)
