"""Base entities: the hub's service device, and one device per service instance."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .const import DOMAIN
from .coordinator import ServiceCoordinator
from .runtime import HubRuntime

# Device model per service type, as users know the applications.
SERVICE_MODELS = {
    "seerr": "Seerr",
    "sonarr": "Sonarr",
    "radarr": "Radarr",
    "jellyfin": "Jellyfin",
    "qbittorrent": "qBittorrent",
    "shoko": "Shoko Server",
}


def hub_device_info(entry: ConfigEntry) -> DeviceInfo:
    """Return the device of a hub (media stack); service devices hang under it."""
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="Status Tracker",
        model="Media request tracker",
        entry_type=DeviceEntryType.SERVICE,
    )


class StatusTrackerEntity(Entity):
    """An entity of a Status Tracker hub (on the hub's device)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: HubRuntime, key: str) -> None:
        """Attach the entity to the hub's device; `key` makes the unique id."""
        self.hub = hub
        entry = hub.entry
        self._attr_unique_id = f"{entry.entry_id}_{key}"
        self._attr_device_info = hub_device_info(entry)


class ServiceInstanceEntity(CoordinatorEntity[ServiceCoordinator]):
    """A diagnostic entity of one upstream service instance (its own device)."""

    _attr_has_entity_name = True

    def __init__(
        self, runtime: HubRuntime, coordinator: ServiceCoordinator, key: str
    ) -> None:
        """Attach the entity to the instance's device, under the hub's device."""
        super().__init__(coordinator)
        instance = coordinator.instance
        self.runtime = runtime
        self.instance = instance
        self._attr_unique_id = f"{instance.subentry_id}_{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, instance.subentry_id)},
            name=instance.title,
            manufacturer="Status Tracker",
            model=SERVICE_MODELS[instance.service],
            entry_type=DeviceEntryType.SERVICE,
            via_device_id=runtime.device_id,
            configuration_url=instance.url,
        )
