"""Small async clients for the upstream services of a media stack.

This package depends on aiohttp and the standard library only (no Home Assistant),
so it can be tested and reused on its own. Callers pass in the aiohttp session.
"""

from __future__ import annotations

from .arr import ArrClient, ArrSystemStatus, RadarrClient, SonarrClient
from .client import DEFAULT_TIMEOUT, ServiceClient, normalize_url
from .errors import Banned, CannotConnect, InvalidAuth, ServiceError, UnexpectedResponse
from .jellyfin import JellyfinClient, JellyfinSystemInfo
from .qbittorrent import QBittorrentClient, QBittorrentVersion
from .seerr import SeerrClient, SeerrStatus
from .shoko import ShokoClient, ShokoVersion

__all__ = [
    "DEFAULT_TIMEOUT",
    "ArrClient",
    "ArrSystemStatus",
    "Banned",
    "CannotConnect",
    "InvalidAuth",
    "JellyfinClient",
    "JellyfinSystemInfo",
    "QBittorrentClient",
    "QBittorrentVersion",
    "RadarrClient",
    "SeerrClient",
    "SeerrStatus",
    "ServiceClient",
    "ServiceError",
    "ShokoClient",
    "ShokoVersion",
    "SonarrClient",
    "UnexpectedResponse",
    "normalize_url",
]
