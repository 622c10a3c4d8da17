"""Base entity: everything a hub shows belongs to one service device."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity

from .const import DOMAIN
from .hub import StatusTrackerHub


class StatusTrackerEntity(Entity):
    """An entity of a Status Tracker hub."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: StatusTrackerHub, key: str) -> None:
        """Attach the entity to the hub's device; `key` makes the unique id."""
        self.hub = hub
        entry = hub.entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="Status Tracker",
            model="Media request tracker",
            entry_type=DeviceEntryType.SERVICE,
        )
