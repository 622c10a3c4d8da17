"""Constants for the Status Tracker integration."""

from __future__ import annotations

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "status_tracker"
LOGGER = logging.getLogger(__package__)

# Hub entry data / options.
CONF_HUB_NAME: Final = "name"
CONF_RETENTION_DAYS: Final = "retention_days"
CONF_HISTORY_SIZE: Final = "history_size"
CONF_WEBHOOK_LOCAL_ONLY: Final = "webhook_local_only"

DEFAULT_HUB_NAME: Final = "Media stack"
DEFAULT_RETENTION_DAYS: Final = 7
DEFAULT_HISTORY_SIZE: Final = 5000
DEFAULT_WEBHOOK_LOCAL_ONLY: Final = False

# Subentry data.
CONF_URL: Final = "url"
CONF_API_KEY: Final = "api_key"
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"  # noqa: S105 (a field name)


class ServiceType(StrEnum):
    """Config subentry types: one per kind of upstream service."""

    SEERR = "seerr"
    SONARR = "sonarr"
    RADARR = "radarr"
    JELLYFIN = "jellyfin"
    QBITTORRENT = "qbittorrent"
    SHOKO = "shoko"


# Services that push webhooks to Home Assistant; each such subentry owns a webhook id.
WEBHOOK_SERVICES: Final = frozenset(
    {ServiceType.SEERR, ServiceType.SONARR, ServiceType.RADARR, ServiceType.JELLYFIN}
)

# Webhook bodies larger than this are refused (413) before parsing.
MAX_WEBHOOK_BODY_BYTES: Final = 1024 * 1024
