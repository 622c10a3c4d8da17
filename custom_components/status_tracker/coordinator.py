"""Polling: one coordinator per service instance.

Every instance gets a coordinator whose success is its "reachable" state: a
cheap health call for the webhook services, the `sync/maindata` poll itself
for qBittorrent. Home Assistant's coordinator logs the first failure and the
recovery once each, not every failed cycle.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
import logging
from typing import Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import InvalidAuth, QBittorrentClient, ServiceError
from .clients import ServiceInstance, async_check_health
from .core.observations import DownloadClientUnreachable, Observation
from .options import HubOptions
from .parsers import InvalidPayload
from .parsers.qbittorrent import MaindataMerger

_LOGGER = logging.getLogger(__name__)

# Called with the instance whose credentials were refused.
type CredentialsRefused = Callable[[ServiceInstance, InvalidAuth], None]

HEALTH_INTERVAL: Final = timedelta(minutes=1)


class ServiceCoordinator(DataUpdateCoordinator[None]):
    """Checks that one service instance answers; base of the pollers."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        instance: ServiceInstance,
        *,
        on_credentials_refused: CredentialsRefused,
        update_interval: timedelta = HEALTH_INTERVAL,
    ) -> None:
        """Create the coordinator of an instance."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=instance.title,
            update_interval=update_interval,
        )
        self.instance = instance
        self._on_credentials_refused = on_credentials_refused

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
            self._on_credentials_refused(self.instance, err)
            raise UpdateFailed(
                f"{self.instance.title} refused the credentials"
            ) from err
        except ServiceError as err:
            raise UpdateFailed(str(err)) from err


class QBittorrentCoordinator(ServiceCoordinator):
    """Polls sync/maindata incrementally and hands the changes to `apply`."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        instance: ServiceInstance,
        client: QBittorrentClient,
        *,
        on_credentials_refused: CredentialsRefused,
        apply: Callable[[Observation], None],
        downloading: Callable[[str], bool],
        options: HubOptions,
    ) -> None:
        """Create the poller of a qBittorrent instance.

        `apply` takes what a poll found; `downloading(instance id)` says whether
        a tracked torrent of this client downloads (then it is polled fast).
        """
        super().__init__(
            hass,
            entry,
            instance,
            on_credentials_refused=on_credentials_refused,
            update_interval=options.slow_poll,
        )
        self.client = client
        self._apply = apply
        self._downloading = downloading
        self._options = options
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
            self._apply(DownloadClientUnreachable(self.instance.subentry_id))
            raise
        self._apply(snapshot)
        options = self._options
        downloading = self._downloading(self.instance.subentry_id)
        self.update_interval = options.fast_poll if downloading else options.slow_poll
