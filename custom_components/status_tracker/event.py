"""Event entity: fires on every stage change, the hook for automations."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .core.model import ALL_STATES, ProblemKind, Request
from .core.tracker import ProblemChange, StageChange
from .entity import StatusTrackerEntity
from .runtime import HubRuntime, StatusTrackerConfigEntry, signal_problem, signal_stage

PROBLEM_CLEARED = "problem_cleared"

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the stage change event entity."""
    async_add_entities([StageChangeEvent(entry.runtime_data)])


class StageChangeEvent(StatusTrackerEntity, EventEntity):
    """Fires on every stage change and problem, with the request's details.

    The event type is the new stage, the problem raised, or "problem_cleared".
    """

    _attr_translation_key = "stage_change"
    _attr_event_types = [*ALL_STATES, *map(str, ProblemKind), PROBLEM_CLEARED]

    def __init__(self, hub: HubRuntime) -> None:
        """Create the event entity of a hub."""
        super().__init__(hub, "stage_change")

    async def async_added_to_hass(self) -> None:
        """Listen for stage changes."""
        entry_id = self.hub.entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_stage(entry_id), self._async_stage_changed
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_problem(entry_id), self._async_problem_changed
            )
        )

    @callback
    def _async_stage_changed(self, changes: list[StageChange]) -> None:
        for change in changes:
            self._fire(
                change.current,
                change.request_id,
                {"previous_stage": change.previous},
            )

    @callback
    def _async_problem_changed(self, changes: list[ProblemChange]) -> None:
        for change in changes:
            self._fire(
                change.kind if change.reason is not None else PROBLEM_CLEARED,
                change.request_id,
                {"problem": change.kind, "problem_reason": change.reason},
            )

    @callback
    def _fire(self, event_type: str, request_id: str, extra: dict[str, Any]) -> None:
        # Sent synchronously with the update, so the request exists.
        request: Request = self.hub.tracker.requests[request_id]
        self._trigger_event(
            event_type,
            {
                "request_id": request.id,
                "title": request.title,
                "year": request.year,
                "media_type": str(request.media_type),
                "seasons": list(request.seasons),
                "stage": request.state,
                **extra,
                "poster_url": request.poster_url,
                "requested_by": request.requested_by,
            },
        )
        self.async_write_ha_state()
