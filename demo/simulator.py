"""Start and stop the simulated media stack: one port per service, one world."""

from __future__ import annotations

from demo.catalog import ANIME_SHOWS_FOLDER, SHOKO_IMPORT_FOLDER_ID
from demo.services.arr import Radarr, Sonarr
from demo.services.base import SimulatedService
from demo.services.jellyfin import Jellyfin
from demo.services.qbittorrent import QBittorrent
from demo.services.seerr import Seerr
from demo.services.shoko import Shoko
from demo.world import World


class Simulator:
    """The six simulated services sharing one `World`, on 127.0.0.1."""

    def __init__(self) -> None:
        """Create the services (`start` binds them)."""
        self.world = World(import_folders={SHOKO_IMPORT_FOLDER_ID: ANIME_SHOWS_FOLDER})
        self.seerr = Seerr(self.world)
        self.sonarr = Sonarr(self.world)
        self.radarr = Radarr(self.world)
        self.qbittorrent = QBittorrent(self.world)
        self.jellyfin = Jellyfin(self.world)
        self.shoko = Shoko(self.world)

    @property
    def services(self) -> dict[str, SimulatedService]:
        """Return the services by subentry type (seerr, sonarr, …)."""
        return {
            service.name: service
            for service in (
                self.seerr,
                self.sonarr,
                self.radarr,
                self.qbittorrent,
                self.jellyfin,
                self.shoko,
            )
        }

    async def start(self, host: str = "127.0.0.1") -> dict[str, str]:
        """Start every service on a free port; return their URLs by type."""
        try:
            for service in self.services.values():
                await service.start(host)
        except BaseException:
            await self.stop()
            raise
        return {name: service.url for name, service in self.services.items()}

    async def stop(self) -> None:
        """Stop every service that runs."""
        for service in self.services.values():
            await service.stop()
