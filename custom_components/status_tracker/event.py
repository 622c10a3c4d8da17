"""Event entity: fires on every stage change, the hook for automations."""

from __future__ import annotations

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entity import StatusTrackerEntity
from .hub import StatusTrackerConfigEntry, StatusTrackerHub, signal_stage
from .model import ALL_STATES
from .tracker import StageChange

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the stage change event entity."""
    async_add_entities([StageChangeEvent(entry.runtime_data)])


class StageChangeEvent(StatusTrackerEntity, EventEntity):
    """Fires with the new stage as event type and the request's details."""

    _attr_translation_key = "stage_change"
    _attr_event_types = list(ALL_STATES)

    def __init__(self, hub: StatusTrackerHub) -> None:
        """Create the event entity of a hub."""
        super().__init__(hub, "stage_change")

    async def async_added_to_hass(self) -> None:
        """Listen for stage changes."""
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_stage(self.hub.entry.entry_id), self._async_fire
            )
        )

    @callback
    def _async_fire(self, changes: list[StageChange]) -> None:
        for change in changes:
            # Sent synchronously with the update, so the request exists.
            request = self.hub.tracker.requests[change.request_id]
            self._trigger_event(
                change.current,
                {
                    "request_id": request.id,
                    "title": request.title,
                    "year": request.year,
                    "media_type": str(request.media_type),
                    "seasons": list(request.seasons),
                    "stage": change.current,
                    "previous_stage": change.previous,
                    "poster_url": request.poster_url,
                    "requested_by": request.requested_by,
                },
            )
            self.async_write_ha_state()
