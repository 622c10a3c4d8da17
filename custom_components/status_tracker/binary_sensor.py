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

from .const import ServiceType
from .coordinator import ServiceCoordinator
from .entity import ServiceInstanceEntity
from .runtime import HubRuntime, StatusTrackerConfigEntry, signal_shoko_state

# Coordinators do the polling; entities only read their result.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up one connectivity sensor per service instance (two for Shoko)."""
    runtime = entry.runtime_data
    for subentry_id, coordinator in runtime.coordinators.items():
        entities: list[BinarySensorEntity] = [ReachableSensor(runtime, coordinator)]
        if runtime.instances[subentry_id].service is ServiceType.SHOKO:
            entities.append(ShokoEventsSensor(runtime, coordinator))
        async_add_entities(entities, config_subentry_id=subentry_id)


class ReachableSensor(ServiceInstanceEntity, BinarySensorEntity):
    """On while the service answers and accepts the credentials."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "reachable"

    def __init__(self, runtime: HubRuntime, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of an instance."""
        super().__init__(runtime, coordinator, "reachable")

    @property
    def available(self) -> bool:
        """Stay available: "off" is the answer when the service is down."""
        return True

    @property
    def is_on(self) -> bool:
        """Return True when the last check succeeded."""
        return self.coordinator.last_update_success


class ShokoEventsSensor(ServiceInstanceEntity, BinarySensorEntity):
    """On while Shoko's SignalR event hub is connected (file events flow)."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "event_hub"

    def __init__(self, runtime: HubRuntime, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of a Shoko instance."""
        super().__init__(runtime, coordinator, "event_hub")

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
        stream = self.runtime.shoko_streams.get(self.instance.subentry_id)
        return stream is not None and stream.connected
