"""Small async clients for the upstream services of a media stack.

This package depends on aiohttp and the standard library only (no Home Assistant),
so it can be tested and reused on its own. Callers pass in the aiohttp session.
"""

from __future__ import annotations

from .arr import (
    ArrClient,
    ArrMovie,
    ArrNotification,
    ArrSeries,
    ArrSystemStatus,
    RadarrClient,
    SonarrClient,
)
from .client import DEFAULT_TIMEOUT, ServiceClient, normalize_url
from .errors import (
    Banned,
    CannotConnect,
    Conflict,
    InvalidAuth,
    NotFound,
    ServiceError,
    UnexpectedResponse,
)
from .jellyfin import JellyfinClient, JellyfinSystemInfo, RecentItemsPage
from .qbittorrent import QBittorrentClient, QBittorrentVersion
from .seerr import (
    SeerrClient,
    SeerrMedia,
    SeerrPayloadEncoding,
    SeerrRequest,
    SeerrStatus,
    SeerrWebhookSettings,
)
from .shoko import ShokoClient, ShokoFileInfo, ShokoVersion

__all__ = [
    "DEFAULT_TIMEOUT",
    "ArrClient",
    "ArrMovie",
    "ArrNotification",
    "ArrSeries",
    "ArrSystemStatus",
    "Banned",
    "CannotConnect",
    "Conflict",
    "InvalidAuth",
    "JellyfinClient",
    "JellyfinSystemInfo",
    "NotFound",
    "QBittorrentClient",
    "QBittorrentVersion",
    "RadarrClient",
    "RecentItemsPage",
    "SeerrClient",
    "SeerrMedia",
    "SeerrPayloadEncoding",
    "SeerrRequest",
    "SeerrStatus",
    "SeerrWebhookSettings",
    "ServiceClient",
    "ServiceError",
    "ShokoClient",
    "ShokoFileInfo",
    "ShokoVersion",
    "SonarrClient",
    "UnexpectedResponse",
    "normalize_url",
]
