"""Webhook parsers: turn upstream webhook bodies into normalized observations.

Pure Python, no Home Assistant imports. Every parser accepts any decoded JSON value
and either returns an observation (`Ignored` for valid payloads the tracker does not
use) or raises `InvalidPayload`; nothing else escapes for any JSON input.
"""

from __future__ import annotations

from ..core.observations import Observation
from .errors import InvalidPayload
from .jellyfin import parse_jellyfin
from .radarr import parse_radarr
from .seerr import parse_seerr
from .sonarr import parse_sonarr

__all__ = [
    "InvalidPayload",
    "parse_jellyfin",
    "parse_radarr",
    "parse_seerr",
    "parse_sonarr",
    "parse_webhook",
]


def parse_webhook(service: str, body: object, instance_id: str) -> Observation:
    """Parse the webhook `body` sent by a `service` instance.

    `service` is a webhook service type ("seerr", "sonarr", "radarr", "jellyfin");
    `instance_id` identifies the Sonarr/Radarr instance (unused for the others).
    Raises InvalidPayload for a malformed body and ValueError for an unknown
    service name, which is a programming error rather than bad input.
    """
    match service:
        case "seerr":
            return parse_seerr(body)
        case "sonarr":
            return parse_sonarr(body, instance_id)
        case "radarr":
            return parse_radarr(body, instance_id)
        case "jellyfin":
            return parse_jellyfin(body)
    raise ValueError(f"no webhook parser for service {service!r}")
