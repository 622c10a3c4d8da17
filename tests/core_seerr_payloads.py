"""What Home Assistant's Seerr integration receives and shows, for our fixtures.

Seerr fills each agent's template with the same variables: `core_webhook_body`
is the body Seerr sends core's webhook (core's own template, its snake_case
keys, ids as digit strings) for the notification one of our fixtures (Seerr's
default template) stands for. Core's event entity then shows it as
`core_event_attributes` says (its own `parse_event`).
"""

from __future__ import annotations

import copy
from typing import Any

from homeassistant.components.overseerr.event import parse_event


def core_webhook_body(body: dict[str, Any]) -> dict[str, Any]:
    """Return the body core's template makes of a notification of ours."""
    media = body["media"]
    request = body["request"]
    return {
        "notification_type": body["notification_type"],
        "event": body["event"],
        "subject": body["subject"],
        "message": body["message"],
        "image": body["image"],
        "media": {
            "media_type": media["media_type"],
            "imdb_id": "",
            "tmdb_id": media["tmdbId"],
            "tvdb_id": media["tvdbId"],
            "jellyfin_media_id": "",
            "status": media["status"],
            "status4k": media["status4k"],
        },
        "request": None
        if request is None
        else {
            "request_id": request["request_id"],
            "requested_by_email": request["requestedBy_email"],
            "requested_by_username": request["requestedBy_username"],
            "requested_by_avatar": request["requestedBy_avatar"],
            "requested_by_jellyfin_user_id": "",
            "requested_by_settings_discord_id": "",
            "requested_by_settings_telegram_chat_id": "",
        },
        "issue": None,
        "comment": None,
        "extra": copy.deepcopy(body["extra"]),
    }


def core_event_attributes(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return (event type, state attributes) of core's event entity for a notification."""
    core_body = core_webhook_body(body)
    event_type = core_body["notification_type"].lower()[len("media_") :]
    image = core_body["image"]
    attributes = parse_event(core_body, ["comment", "issue"])
    return event_type, {**attributes, "event_type": event_type, "entity_picture": image}
