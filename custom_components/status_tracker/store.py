"""Persistence of a hub's requests in Home Assistant's storage.

One store per hub (key `status_tracker.<entry_id>`). Writes are debounced so a
burst of webhooks costs one write; Home Assistant writes pending data on its
final-write event at shutdown, and the integration flushes on unload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION: Final = 1
STORAGE_MINOR_VERSION: Final = 1
# Seconds a change may wait before it is written; bounds what a hard kill loses.
SAVE_DELAY: Final = 5
# Download progress alone (the next poll brings it back while the client
# answers) is written at most this often while it changes, so a hard kill loses
# at most this much of it and a restart while the client is down still shows it.
PROGRESS_SAVE_INTERVAL: Final = 120

type StoreData = dict[str, Any]


class _VersionedStore(Store[StoreData]):
    """Store with the migration hook for future layout changes."""

    async def _async_migrate_func(
        self,
        old_major_version: int,
        old_minor_version: int,
        old_data: dict[str, Any],
    ) -> StoreData:
        """Bring data written by an older version to the current layout.

        Version 1.1 is the first layout; unknown keys written by a newer minor
        version are kept untouched so a downgrade does not lose them.
        """
        if old_major_version > STORAGE_VERSION:
            raise NotImplementedError(
                f"Stored data has version {old_major_version}, newer than supported"
            )
        return old_data


class RequestStore:
    """Load, debounce-save and flush one hub's data."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Create the store for a config entry."""
        self._hass = hass
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
        )
        # Cancels the pending progress write (see `schedule_progress_save`).
        self._progress_save: CALLBACK_TYPE | None = None

    async def async_load(self) -> StoreData:
        """Return the stored data, or an empty layout on first start."""
        return await self._store.async_load() or {}

    def schedule_save(self, data: Callable[[], StoreData]) -> None:
        """Write `data()` after the debounce delay (one write per burst)."""
        self._cancel_progress_save()
        self._store.async_delay_save(data, SAVE_DELAY)

    def schedule_progress_save(self, data: Callable[[], StoreData]) -> None:
        """Write `data()` within `PROGRESS_SAVE_INTERVAL`, however often it changes.

        Unlike `schedule_save`, a later call does not push the write back: while
        progress changes every few seconds, it is still written every interval.
        """
        if self._progress_save is not None:
            return

        @callback
        def _write(_now: datetime) -> None:
            self._progress_save = None
            self._store.async_delay_save(data, 0)

        self._progress_save = async_call_later(
            self._hass, PROGRESS_SAVE_INTERVAL, _write
        )

    def _cancel_progress_save(self) -> None:
        if self._progress_save is not None:
            self._progress_save()
            self._progress_save = None

    async def async_flush(self, data: StoreData) -> None:
        """Write now, replacing any pending debounced write."""
        self._cancel_progress_save()
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the stored file (the hub was removed)."""
        self._cancel_progress_save()
        await self._store.async_remove()
