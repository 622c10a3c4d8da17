"""Binary sensors: is each upstream service instance reachable."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import ServiceCoordinator
from .entity import ServiceInstanceEntity
from .hub import StatusTrackerConfigEntry

# Coordinators do the polling; entities only read their result.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up one connectivity sensor per service instance."""
    for subentry_id, coordinator in entry.runtime_data.coordinators.items():
        async_add_entities(
            [ReachableSensor(coordinator)], config_subentry_id=subentry_id
        )


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
