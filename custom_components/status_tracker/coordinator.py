"""Polling: one coordinator per service instance.

Every instance gets a coordinator whose success is its "reachable" state: a
cheap health call for the webhook services, the `sync/maindata` poll itself
for qBittorrent. Home Assistant's coordinator logs the first failure and the
recovery once each, not every failed cycle.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta
from typing import TYPE_CHECKING, Final

from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import InvalidAuth, QBittorrentClient, ServiceError
from .clients import async_check_health
from .const import LOGGER
from .core.observations import DownloadClientUnreachable
from .parsers import InvalidPayload
from .parsers.qbittorrent import MaindataMerger

if TYPE_CHECKING:
    from .hub import ServiceInstance, StatusTrackerHub

HEALTH_INTERVAL: Final = timedelta(minutes=1)


class ServiceCoordinator(DataUpdateCoordinator[None]):
    """Checks that one service instance answers; base of the pollers."""

    def __init__(
        self,
        hub: StatusTrackerHub,
        instance: ServiceInstance,
        update_interval: timedelta = HEALTH_INTERVAL,
    ) -> None:
        """Create the coordinator of an instance."""
        super().__init__(
            hub.hass,
            LOGGER,
            config_entry=hub.entry,
            name=instance.title,
            update_interval=update_interval,
        )
        self.hub = hub
        self.instance = instance

    async def _async_update_data(self) -> None:
        """Check the service."""
        await self._async_call(async_check_health(self.instance.client))

    async def _async_call[T](self, call: Awaitable[T]) -> T:
        """Await a client call, turning its errors into coordinator failures.

        Refused credentials stop polling (qBittorrent bans an address after five
        failed logins) and ask the user to reauthenticate the service.
        """
        try:
            return await call
        except InvalidAuth as err:
            self.update_interval = None
            self.hub.async_credentials_refused(self.instance, err)
            raise UpdateFailed(
                f"{self.instance.title} refused the credentials"
            ) from err
        except ServiceError as err:
            raise UpdateFailed(str(err)) from err


class QBittorrentCoordinator(ServiceCoordinator):
    """Polls sync/maindata incrementally and hands the changes to the hub."""

    def __init__(
        self,
        hub: StatusTrackerHub,
        instance: ServiceInstance,
        client: QBittorrentClient,
    ) -> None:
        """Create the poller of a qBittorrent instance."""
        super().__init__(hub, instance, hub.options.slow_poll)
        self.client = client
        self._merger = MaindataMerger()

    async def async_resync(self) -> None:
        """Read the full torrent list now instead of the changes.

        For torrents the tracker has just learnt about (the catch-up found a
        lost grab): earlier answers carried their state, and the next delta
        would name them only when they change, which a seeding torrent never
        does.
        """
        self._merger.reset()
        await self.async_request_refresh()

    async def _async_update_data(self) -> None:
        """Fetch what changed since the last answer (one HTTP call)."""
        try:
            answer = await self._async_call(
                self.client.async_get_maindata(self._merger.rid)
            )
            try:
                snapshot = self._merger.apply(answer, self.instance.subentry_id)
            except InvalidPayload as err:
                raise UpdateFailed(
                    f"Unexpected answer from qBittorrent: {err}"
                ) from err
        except UpdateFailed:
            # Speed and ETA are unknown until it answers again (progress stays).
            # Start again from a full answer then: the deltas after it would not
            # repeat the figures that did not change meanwhile.
            self._merger.reset()
            self.hub.apply(DownloadClientUnreachable(self.instance.subentry_id))
            raise
        self.hub.apply(snapshot)
        options = self.hub.options
        downloading = self.hub.tracker.downloads.downloading_via(
            self.instance.subentry_id
        )
        self.update_interval = options.fast_poll if downloading else options.slow_poll
