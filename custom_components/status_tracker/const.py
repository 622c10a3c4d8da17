"""Constants for the Status Tracker integration."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DOMAIN: Final = "status_tracker"

# Hub entry data / options.
CONF_HUB_NAME: Final = "name"
CONF_RETENTION_DAYS: Final = "retention_days"
CONF_HISTORY_SIZE: Final = "history_size"
CONF_WEBHOOK_LOCAL_ONLY: Final = "webhook_local_only"
CONF_PROPAGATE_DELETIONS: Final = "propagate_deletions"
CONF_FAST_POLL_SECONDS: Final = "fast_poll_seconds"
CONF_SLOW_POLL_SECONDS: Final = "slow_poll_seconds"
CONF_STALL_APPROVED_HOURS: Final = "stall_approved_hours"
CONF_STALL_DOWNLOADING_HOURS: Final = "stall_downloading_hours"
CONF_STALL_DOWNLOADED_MINUTES: Final = "stall_downloaded_minutes"
CONF_STALL_IMPORTING_MINUTES: Final = "stall_importing_minutes"
CONF_STALL_MATCHING_MINUTES: Final = "stall_matching_minutes"
CONF_ANIME_TAGS: Final = "anime_tags"
CONF_ANIME_PATHS: Final = "anime_paths"

DEFAULT_HUB_NAME: Final = "Media stack"
DEFAULT_RETENTION_DAYS: Final = 7
DEFAULT_HISTORY_SIZE: Final = 5000
DEFAULT_WEBHOOK_LOCAL_ONLY: Final = False
# Deletions noticed in one service stay there unless the user opts in.
DEFAULT_PROPAGATE_DELETIONS: Final = False
# qBittorrent is polled fast only while a tracked torrent downloads.
DEFAULT_FAST_POLL_SECONDS: Final = 5
DEFAULT_SLOW_POLL_SECONDS: Final = 60
DEFAULT_STALL_APPROVED_HOURS: Final = 2
DEFAULT_STALL_DOWNLOADING_HOURS: Final = 24
DEFAULT_STALL_DOWNLOADED_MINUTES: Final = 30
DEFAULT_STALL_IMPORTING_MINUTES: Final = 60
DEFAULT_STALL_MATCHING_MINUTES: Final = 30
# Radarr has no series type: these mark anime (comma-separated lists).
DEFAULT_ANIME_TAGS: Final = "anime"
DEFAULT_ANIME_PATHS: Final = ""

# Subentry data.
CONF_URL: Final = "url"
CONF_API_KEY: Final = "api_key"
CONF_VERIFY_SSL: Final = "verify_ssl"
CONF_WEBHOOK_ID: Final = "webhook_id"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"  # noqa: S105 (a field name)
CONF_EXTERNAL_URL: Final = "external_url"
CONF_SERVER_ID: Final = "server_id"
# The user's consent to set up (and keep current) the webhook in the service.
CONF_REGISTER_WEBHOOK: Final = "register_webhook"
# Reauth flows name the subentry whose credentials stopped working.
CONF_SUBENTRY_ID: Final = "subentry_id"


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
