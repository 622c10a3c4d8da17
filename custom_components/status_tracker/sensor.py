"""Sensors: one per tracked request, plus counts per stage group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_time_change
from homeassistant.util import dt as dt_util

from .const import ServiceType
from .coordinator import ServiceCoordinator
from .core.lifecycle import download_progress, download_rate, episode_summary
from .core.model import ALL_STATES, Request, Stage
from .core.observations import MediaType
from .core_seerr import EventSource, signal_event_source
from .entity import ServiceInstanceEntity, StatusTrackerEntity
from .runtime import (
    HubRuntime,
    StatusTrackerConfigEntry,
    signal_changed,
    signal_removed,
    signal_webhook,
)

# Entities are pushed by the hub; nothing polls.
PARALLEL_UPDATES = 0

REQUEST_KEY_PREFIX: Final = "request_"


async def async_setup_entry(
    hass: HomeAssistant,
    entry: StatusTrackerConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the summary sensors and one sensor per visible request."""
    hub = entry.runtime_data
    async_add_entities(
        SummarySensor(hub, description) for description in SUMMARY_SENSORS
    )
    RequestSensorManager(hass, hub, async_add_entities).async_setup()
    for subentry_id, coordinator in hub.coordinators.items():
        if coordinator.instance.webhook_id is not None:
            async_add_entities(
                [LastWebhookSensor(hub, coordinator)], config_subentry_id=subentry_id
            )
        if coordinator.instance.service is ServiceType.SEERR:
            async_add_entities(
                [EventSourceSensor(hub, coordinator)], config_subentry_id=subentry_id
            )


def request_name(request: Request) -> str:
    """Return the display name: "Title (1999)", "Title S1" or "Title S1-3"."""
    if request.media_type is MediaType.TV and request.seasons:
        return f"{request.title} {_season_span(request.seasons)}"
    if request.year:
        return f"{request.title} ({request.year})"
    return request.title


def _season_span(seasons: list[int]) -> str:
    first, last = seasons[0], seasons[-1]
    if len(seasons) == 1:
        return f"S{first}"
    if seasons == list(range(first, last + 1)):
        return f"S{first}-{last}"
    return "S" + ",".join(str(season) for season in seasons)


class RequestSensorManager:
    """Add request sensors as requests appear and remove them when they go."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub: HubRuntime,
        add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Create the manager."""
        self._hass = hass
        self._hub = hub
        self._add_entities = add_entities
        self._entities: dict[str, RequestSensor] = {}

    @callback
    def async_setup(self) -> None:
        """Create entities for visible requests and follow changes."""
        entry = self._hub.entry
        self._remove_stale_registry_entries()
        self._changed([request.id for request in self._hub.visible_requests()])
        entry.async_on_unload(
            async_dispatcher_connect(
                self._hass, signal_changed(entry.entry_id), self._changed
            )
        )
        entry.async_on_unload(
            async_dispatcher_connect(
                self._hass, signal_removed(entry.entry_id), self._removed
            )
        )

    @callback
    def _changed(self, request_ids: list[str]) -> None:
        new: list[RequestSensor] = []
        for request_id in request_ids:
            entity = self._entities.get(request_id)
            if entity is not None:
                entity.async_refresh()
            elif self._hub.tracker.is_listed(request_id):
                entity = RequestSensor(self._hub, request_id, self._forget)
                self._entities[request_id] = entity
                new.append(entity)
        if new:
            self._add_entities(new)

    @callback
    def _removed(self, request_ids: list[str]) -> None:
        registry = er.async_get(self._hass)
        for request_id in request_ids:
            entity = self._entities.pop(request_id, None)
            if entity is not None and entity.registry_entry is not None:
                registry.async_remove(entity.entity_id)

    @callback
    def _forget(self, request_id: str) -> None:
        self._entities.pop(request_id, None)

    def _remove_stale_registry_entries(self) -> None:
        """Remove registry entries of requests that no longer have an entity."""
        registry = er.async_get(self._hass)
        entry_id = self._hub.entry.entry_id
        prefix = f"{entry_id}_{REQUEST_KEY_PREFIX}"
        for entity_entry in er.async_entries_for_config_entry(registry, entry_id):
            unique_id = entity_entry.unique_id
            if unique_id.startswith(prefix) and not self._hub.tracker.is_listed(
                unique_id.removeprefix(prefix)
            ):
                registry.async_remove(entity_entry.entity_id)


class RequestSensor(StatusTrackerEntity, SensorEntity):
    """The stage of one media request."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = list(ALL_STATES)
    _attr_translation_key = "request"
    # Progress ticks would bloat the recorder; the stage itself is recorded.
    _unrecorded_attributes = frozenset({"progress", "download_speed", "eta"})

    def __init__(
        self,
        hub: HubRuntime,
        request_id: str,
        on_remove: Callable[[str], None],
    ) -> None:
        """Create the sensor of a request."""
        super().__init__(hub, f"{REQUEST_KEY_PREFIX}{request_id}")
        self._request_id = request_id
        self._forget_me = on_remove
        self._added = False
        self._attr_name = request_name(self._request)

    @property
    def _request(self) -> Request:
        # Only read while `available`, i.e. while the tracker has the request.
        return self.hub.tracker.requests[self._request_id]

    @property
    def available(self) -> bool:
        """Return False once the request was pruned from the store."""
        return self.hub.tracker.get(self._request_id) is not None

    @callback
    def async_refresh(self) -> None:
        """Write the new state after the request changed."""
        self._attr_name = request_name(self._request)
        # A change can arrive between creating the entity and adding it.
        if self._added:
            self.async_write_ha_state()

    async def async_added_to_hass(self) -> None:
        """Start writing states."""
        self._added = True

    @property
    def native_value(self) -> str:
        """Return the request's stage or outcome."""
        return self._request.state

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the small, fixed set of attributes (no timeline, no episodes)."""
        request = self._request
        summary = (
            episode_summary(request, dt_util.utcnow())
            if request.media_type is MediaType.TV
            else None
        )
        speed, eta = download_rate(request)
        problem = next(iter(request.problems.items()), None)
        return {
            "request_id": request.id,
            "media_type": str(request.media_type),
            "title": request.title,
            "year": request.year,
            "seasons": list(request.seasons),
            "progress": 100.0
            if request.state == Stage.AVAILABLE
            else download_progress(request),
            "download_speed": speed,
            "eta": eta,
            "episodes_total": summary.total if summary else None,
            "episodes_available": summary.available if summary else None,
            "episodes_summary": summary.text if summary else None,
            "poster_url": request.poster_url,
            "requested_by": request.requested_by,
            "problem": problem[0] if problem else None,
            "problem_reason": problem[1].reason if problem else None,
            "jellyfin_url": self.hub.jellyfin_link(request)
            if request.state == Stage.AVAILABLE
            else None,
        }

    async def async_will_remove_from_hass(self) -> None:
        """Let the manager forget this entity."""
        self._forget_me(self._request_id)


@dataclass(frozen=True, kw_only=True)
class SummarySensorDescription(SensorEntityDescription):
    """A count of visible requests matching a condition."""

    counts: Callable[[Request, datetime], bool]
    # Reset at local midnight (the condition depends on the day).
    daily: bool = False


def _in(*stages: Stage) -> Callable[[Request, datetime], bool]:
    return lambda request, _: request.state in stages


def _available_today(request: Request, midnight: datetime) -> bool:
    return (
        request.state == Stage.AVAILABLE
        and request.finished_at is not None
        and datetime.fromisoformat(request.finished_at) >= midnight
    )


SUMMARY_SENSORS: Final = (
    SummarySensorDescription(
        key="waiting",
        translation_key="waiting",
        counts=_in(Stage.REQUESTED, Stage.APPROVED, Stage.SEARCHING),
    ),
    SummarySensorDescription(
        key="downloading",
        translation_key="downloading",
        counts=_in(Stage.GRABBED, Stage.DOWNLOADING, Stage.DOWNLOADED),
    ),
    SummarySensorDescription(
        key="processing",
        translation_key="processing",
        counts=_in(Stage.IMPORTING, Stage.MATCHING),
    ),
    SummarySensorDescription(
        key="available_today",
        translation_key="available_today",
        counts=_available_today,
        daily=True,
    ),
    SummarySensorDescription(
        key="problems",
        translation_key="problems",
        counts=lambda request, _: bool(request.problems) and not request.finished,
    ),
)


class SummarySensor(StatusTrackerEntity, SensorEntity):
    """How many requests are in a stage group.

    The sensor keeps the ids it counts and re-checks only the requests a change
    names: recounting every listed request on each webhook made the per-event
    cost grow with the number of active requests (script/bench, item b).
    """

    entity_description: SummarySensorDescription
    _attr_state_class = SensorStateClass.MEASUREMENT
    _attr_native_unit_of_measurement = "requests"

    def __init__(self, hub: HubRuntime, description: SummarySensorDescription) -> None:
        """Create the summary sensor."""
        super().__init__(hub, description.key)
        self.entity_description = description
        self._counted: set[str] = set()

    async def async_added_to_hass(self) -> None:
        """Count, then follow request changes (and midnight for daily counts)."""
        self._recount()
        entry_id = self.hub.entry.entry_id
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_changed(entry_id), self._async_changed
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_removed(entry_id), self._async_removed
            )
        )
        if self.entity_description.daily:
            self.async_on_remove(
                async_track_time_change(
                    self.hass, self._async_new_day, hour=0, minute=0, second=0
                )
            )

    def _recount(self) -> None:
        midnight = dt_util.start_of_local_day()
        counts = self.entity_description.counts
        self._counted = {
            request.id
            for request in self.hub.visible_requests()
            if counts(request, midnight)
        }

    @callback
    def _async_changed(self, request_ids: list[str]) -> None:
        before = len(self._counted)
        midnight = dt_util.start_of_local_day()
        counts = self.entity_description.counts
        tracker = self.hub.tracker
        for request_id in request_ids:
            request = tracker.get(request_id)
            if (
                request is not None
                and tracker.is_listed(request_id)
                and counts(request, midnight)
            ):
                self._counted.add(request_id)
            else:
                self._counted.discard(request_id)
        if len(self._counted) != before:
            self.async_write_ha_state()

    @callback
    def _async_removed(self, request_ids: list[str]) -> None:
        before = len(self._counted)
        self._counted.difference_update(request_ids)
        if len(self._counted) != before:
            self.async_write_ha_state()

    @callback
    def _async_new_day(self, _: datetime) -> None:
        self._recount()
        self.async_write_ha_state()

    @property
    def native_value(self) -> int:
        """Return the count."""
        return len(self._counted)


class LastWebhookSensor(ServiceInstanceEntity, SensorEntity):
    """When the instance last sent a webhook (unavailable while unreachable)."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "last_webhook"

    def __init__(self, runtime: HubRuntime, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of an instance."""
        super().__init__(runtime, coordinator, "last_webhook")

    async def async_added_to_hass(self) -> None:
        """Follow webhook arrivals."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_webhook(self.instance.subentry_id),
                self.async_write_ha_state,
            )
        )

    @property
    def native_value(self) -> datetime | None:
        """Return the arrival time of the last webhook."""
        return self.runtime.last_webhook.get(self.instance.subentry_id)


class EventSourceSensor(ServiceInstanceEntity, SensorEntity):
    """Where a Seerr server's events come from (core_seerr.py)."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_translation_key = "event_source"
    _attr_options = [source.value for source in EventSource]

    def __init__(self, runtime: HubRuntime, coordinator: ServiceCoordinator) -> None:
        """Create the sensor of a Seerr server."""
        super().__init__(runtime, coordinator, "event_source")

    async def async_added_to_hass(self) -> None:
        """Follow the source as it changes."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_event_source(self.instance.subentry_id),
                self.async_write_ha_state,
            )
        )

    @property
    def native_value(self) -> str | None:
        """Return the source: our webhook, core's Seerr events, or the list only."""
        return self.runtime.seerr_sources.get(self.instance.subentry_id)
