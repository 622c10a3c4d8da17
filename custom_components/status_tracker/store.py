"""Persistence of a hub's requests in Home Assistant's storage.

One store per hub (key `status_tracker.<entry_id>`). Writes are debounced so a
burst of webhooks costs one write; Home Assistant writes pending data on its
final-write event at shutdown, and the integration flushes on unload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN

STORAGE_VERSION: Final = 1
STORAGE_MINOR_VERSION: Final = 1
# Seconds a change may wait before it is written; bounds what a hard kill loses.
SAVE_DELAY: Final = 5

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
        self._store = _VersionedStore(
            hass,
            STORAGE_VERSION,
            f"{DOMAIN}.{entry_id}",
            minor_version=STORAGE_MINOR_VERSION,
        )

    async def async_load(self) -> StoreData:
        """Return the stored data, or an empty layout on first start."""
        return await self._store.async_load() or {}

    def schedule_save(self, data: Callable[[], StoreData]) -> None:
        """Write `data()` after the debounce delay (one write per burst)."""
        self._store.async_delay_save(data, SAVE_DELAY)

    async def async_flush(self, data: StoreData) -> None:
        """Write now, replacing any pending debounced write."""
        await self._store.async_save(data)

    async def async_remove(self) -> None:
        """Delete the stored file (the hub was removed)."""
        await self._store.async_remove()
