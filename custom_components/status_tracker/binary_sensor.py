"""Binary sensors: is each upstream service instance reachable."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import ServiceCoordinator
from .entity import ServiceInstanceEntity
from .hub import StatusTrackerConfigEntry, signal_shoko_state

# Coordinators do the polling; entities only read their result.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up one connectivity sensor per service instance (two for Shoko)."""
    hub = entry.runtime_data
    for subentry_id, coordinator in hub.coordinators.items():
        entities: list[BinarySensorEntity] = [ReachableSensor(coordinator)]
        if subentry_id in hub.shoko_hubs:
            entities.append(ShokoHubSensor(coordinator))
        async_add_entities(entities, config_subentry_id=subentry_id)


class ReachableSensor(ServiceInstanceEntity, BinarySensorEntity):
    """On while the service answers and accepts the credentials."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "reachable"

    def __init__(self, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of an instance."""
        super().__init__(coordinator, "reachable")

    @property
    def available(self) -> bool:
        """Stay available: "off" is the answer when the service is down."""
        return True

    @property
    def is_on(self) -> bool:
        """Return True when the last check succeeded."""
        return self.coordinator.last_update_success


class ShokoHubSensor(ServiceInstanceEntity, BinarySensorEntity):
    """On while Shoko's SignalR event hub is connected (file events flow)."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "event_hub"

    def __init__(self, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of a Shoko instance."""
        super().__init__(coordinator, "event_hub")

    async def async_added_to_hass(self) -> None:
        """Follow the connection."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_shoko_state(self.instance.subentry_id),
                self.async_write_ha_state,
            )
        )

    @property
    def available(self) -> bool:
        """Stay available: "off" is the answer when the hub is down."""
        return True

    @property
    def is_on(self) -> bool:
        """Return True while the event hub is connected."""
        return self.coordinator.hub.shoko_hubs[self.instance.subentry_id].connected
