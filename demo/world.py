"""What the simulated services know, changed by the scenario as the story goes.

One `World` is shared by all simulated services: Radarr's movies, Sonarr's
series and episodes, qBittorrent's torrents, Jellyfin's library. The services
only read it (and render it in their own wire format); the scenario writes it,
so a torrent the scenario "grabs" is the torrent qBittorrent reports, and an
item it "adds to Jellyfin" is the one Jellyfin's API returns.

The world also keeps what the services remember of the story whether or not
Home Assistant heard their webhooks: Seerr's requests with their status and
times, Sonarr's and Radarr's history records. Those are what the integration
reads back after a restart or an outage, as it would from the real services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
import time
from typing import Any

# qBittorrent's "unknown" ETA (100 days).
UNKNOWN_ETA = 8_640_000


@dataclass(slots=True)
class Torrent:
    """A torrent whose progress follows the clock.

    It downloads `size` bytes in `duration` seconds, but never gets past
    `stop_at` (0..1): below 1 it stays there without peers (`stalledDL`).
    """

    hash: str
    name: str
    size: int
    category: str
    save_path: str
    duration: float
    stop_at: float = 1.0
    added_on: float = field(default_factory=time.time)

    def progress(self, now: float) -> float:
        """Return the progress (0..1) at time `now`."""
        if self.duration <= 0:
            return self.stop_at
        return min(self.stop_at, max(0.0, (now - self.added_on) / self.duration))

    def speed(self, now: float) -> int:
        """Return the download speed in bytes/s (0 once stuck or finished)."""
        if self.progress(now) >= self.stop_at:
            return 0
        return int(self.size / self.duration)

    def completed_on(self) -> int:
        """Return when the download finished (Unix seconds), -1 if it cannot."""
        if self.stop_at < 1:
            return -1
        return int(self.added_on + self.duration)


@dataclass(slots=True)
class World:
    """The shared state of the simulated stack."""

    # Radarr movie id -> MovieResource.
    movies: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Sonarr series id -> SeriesResource.
    series: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Sonarr series id -> its EpisodeResource list.
    episodes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Lower-case hash -> torrent.
    torrents: dict[str, Torrent] = field(default_factory=dict)
    # Jellyfin item id (N form) -> BaseItemDto; Movie, Series and Episode.
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Shoko import folder id -> path.
    import_folders: dict[int, str] = field(default_factory=dict)
    # Seerr request id -> MediaRequest (GET /api/v1/request).
    requests: dict[int, dict[str, Any]] = field(default_factory=dict)
    # "movie/<tmdbId>" / "tv/<tmdbId>" -> what Seerr's TMDB look-up answers.
    titles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # "sonarr" / "radarr" -> HistoryResource records, oldest first.
    history: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"sonarr": [], "radarr": []}
    )

    def add_history(self, service: str, record: dict[str, Any]) -> None:
        """Write a record into Sonarr's or Radarr's history, dated now."""
        records = self.history[service]
        records.append({**record, "id": len(records) + 1, "date": arr_now()})

    def add_item(self, dto: dict[str, Any]) -> None:
        """Add an item to Jellyfin's library, created now."""
        dto.setdefault("DateCreated", jellyfin_now())
        self.items[dto["Id"]] = dto


def jellyfin_now() -> str:
    """Return the current time as Jellyfin writes dates (7 fraction digits, Z)."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}0Z"


def seerr_now() -> str:
    """Return the current time as Seerr writes dates (milliseconds, Z)."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def arr_now() -> str:
    """Return the current time as Sonarr and Radarr date history (whole seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
