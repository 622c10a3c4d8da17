"""The runtime of one hub: tracker, store, upstream clients and change signals.

Webhook handlers hand observations to `StatusTrackerHub.async_handle_observation`;
the hub enriches them where the webhook alone is not enough (a Jellyfin episode's
series ids), applies them to the tracker, schedules a debounced save and tells
the entities what changed through the dispatcher.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .api import JellyfinClient, ServiceClient, ServiceError, SonarrClient
from .clients import API_KEY_CLIENTS, create_client
from .const import (
    CONF_HISTORY_SIZE,
    CONF_RETENTION_DAYS,
    CONF_WEBHOOK_ID,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_RETENTION_DAYS,
    LOGGER,
    ServiceType,
)
from .model import Request
from .observations import JellyfinItem, Observation, SeriesEpisodes
from .store import RequestStore
from .tracker import Tracker, TrackerUpdate

# How often air dates, retention and history limits are re-checked.
MAINTENANCE_INTERVAL: Final = timedelta(minutes=15)
# Jellyfin series id -> provider ids, so each series costs one lookup.
SERIES_CACHE_SIZE: Final = 256

type StatusTrackerConfigEntry = ConfigEntry[StatusTrackerHub]


@dataclass(slots=True)
class ServiceInstance:
    """One configured upstream service (a config subentry) and its client."""

    subentry_id: str
    service: ServiceType
    title: str
    client: ServiceClient
    webhook_id: str | None


def signal_changed(entry_id: str) -> str:
    """Dispatcher signal: these request ids changed (payload: list of ids)."""
    return f"status_tracker_{entry_id}_changed"


def signal_removed(entry_id: str) -> str:
    """Dispatcher signal: these requests no longer have entities (list of ids)."""
    return f"status_tracker_{entry_id}_removed"


def signal_stage(entry_id: str) -> str:
    """Dispatcher signal: stage changes to fire as events (list of StageChange)."""
    return f"status_tracker_{entry_id}_stage"


class StatusTrackerHub:
    """Everything one config entry (media stack) runs."""

    def __init__(self, hass: HomeAssistant, entry: StatusTrackerConfigEntry) -> None:
        """Build the hub from the entry and its subentries (no I/O)."""
        self.hass = hass
        self.entry = entry
        self.instances: dict[str, ServiceInstance] = {
            subentry.subentry_id: _instance(hass, subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type in API_KEY_CLIENTS
        }
        has_jellyfin = any(
            i.service is ServiceType.JELLYFIN for i in self.instances.values()
        )
        # Without Jellyfin nothing else can confirm availability.
        self.tracker = Tracker(
            now=dt_util.utcnow, trust_seerr_available=not has_jellyfin
        )
        self.store = RequestStore(hass, entry.entry_id)
        self._series_ids: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._episode_lists_in_flight: set[str] = set()
        self.unregister_webhooks: Callable[[], None] = lambda: None

    # ----------------------------------------------------------------- options

    @property
    def retention(self) -> timedelta:
        """Return how long finished requests keep their entity."""
        days = self.entry.options.get(CONF_RETENTION_DAYS, DEFAULT_RETENTION_DAYS)
        return timedelta(days=days)

    @property
    def history_size(self) -> int:
        """Return how many finished requests the store keeps."""
        return int(self.entry.options.get(CONF_HISTORY_SIZE, DEFAULT_HISTORY_SIZE))

    # --------------------------------------------------------------- lifecycle

    async def async_setup(self) -> None:
        """Load the stored requests."""
        self.tracker.load(await self.store.async_load())
        self.tracker.forget_finished_before(dt_util.utcnow() - self.retention)
        self.tracker.prune(self.history_size)

    @callback
    def async_start(self) -> None:
        """Start periodic maintenance and catch up on pending lookups."""
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass,
                self._async_maintenance,
                MAINTENANCE_INTERVAL,
                name="Status Tracker maintenance",
            )
        )
        self._schedule_episode_lists()

    async def async_shutdown(self) -> None:
        """Write everything now (unload)."""
        await self.store.async_flush(self.tracker.to_dict())

    def visible_requests(self) -> Iterator[Request]:
        """Return requests that have an entity: active or recently finished."""
        yield from self.tracker.active()
        yield from self.tracker.recently_finished()

    # -------------------------------------------------------------- ingestion

    async def async_handle_observation(
        self, observation: Observation, instance: ServiceInstance
    ) -> None:
        """Apply an observation from `instance` and publish what changed."""
        if isinstance(observation, JellyfinItem):
            observation = await self._async_with_series_ids(observation, instance)
        update = self.tracker.apply(observation)
        self.publish(update)
        self._schedule_episode_lists(update.changed)

    @callback
    def publish(self, update: TrackerUpdate) -> None:
        """Save and tell entities about a tracker update."""
        if not update:
            return
        self.store.schedule_save(self.tracker.to_dict)
        entry_id = self.entry.entry_id
        if update.changed:
            async_dispatcher_send(self.hass, signal_changed(entry_id), update.changed)
        if update.stage_changes:
            async_dispatcher_send(
                self.hass, signal_stage(entry_id), update.stage_changes
            )

    # ---------------------------------------------------------------- lookups

    async def _async_with_series_ids(
        self, item: JellyfinItem, instance: ServiceInstance
    ) -> JellyfinItem:
        """Add the series' provider ids to a Jellyfin episode.

        The webhook carries only the episode's own ids; the series is found
        through SeriesId, once per series (cached).
        """
        series_id = item.series_id
        if (
            item.item_type != "Episode"
            or not series_id
            or item.series_provider_ids is not None
            or not isinstance(instance.client, JellyfinClient)
        ):
            return item
        provider_ids = self._series_ids.get(series_id)
        if provider_ids is None:
            try:
                found = await instance.client.async_get_provider_ids([series_id])
            except ServiceError as err:
                LOGGER.debug("Could not look up Jellyfin series: %s", err)
                return item
            provider_ids = found.get(series_id, {})
            self._series_ids[series_id] = provider_ids
            while len(self._series_ids) > SERIES_CACHE_SIZE:
                self._series_ids.popitem(last=False)
        return replace(item, series_provider_ids=provider_ids)

    @callback
    def _schedule_episode_lists(self, request_ids: list[str] | None = None) -> None:
        """Read Sonarr's episode list for TV requests that do not have it yet.

        After an update only the requests it changed are looked at; maintenance
        looks at all of them (and so retries failed reads).
        """
        for request in self.tracker.needs_episode_list(request_ids):
            if request.id in self._episode_lists_in_flight or request.arr_id is None:
                continue
            instance = self.instances.get(request.arr_instance or "")
            if instance is None or not isinstance(instance.client, SonarrClient):
                continue
            self._episode_lists_in_flight.add(request.id)
            self.entry.async_create_task(
                self.hass,
                self._async_read_episode_list(
                    request.id, instance.subentry_id, request.arr_id, instance.client
                ),
                f"Status Tracker episode list {request.id}",
            )

    async def _async_read_episode_list(
        self, request_id: str, instance_id: str, series_id: int, client: SonarrClient
    ) -> None:
        try:
            episodes = await client.async_get_episodes(series_id)
        except ServiceError as err:
            # Retried at the next maintenance run.
            LOGGER.debug("Could not read Sonarr episode list: %s", err)
            return
        finally:
            self._episode_lists_in_flight.discard(request_id)
        self.publish(
            self.tracker.apply(
                SeriesEpisodes(
                    instance_id=instance_id,
                    series_id=series_id,
                    episodes=tuple(episodes),
                )
            )
        )

    # ------------------------------------------------------------ maintenance

    @callback
    def _async_maintenance(self, now: datetime) -> None:
        """Re-derive time-dependent stages, apply retention and history limits."""
        self.publish(self.tracker.refresh())
        gone = self.tracker.forget_finished_before(now - self.retention)
        pruned = self.tracker.prune(self.history_size)
        if gone or pruned:
            self.store.schedule_save(self.tracker.to_dict)
            async_dispatcher_send(
                self.hass, signal_removed(self.entry.entry_id), [*gone, *pruned]
            )
        self._schedule_episode_lists()


def _instance(hass: HomeAssistant, subentry: ConfigSubentry) -> ServiceInstance:
    service = ServiceType(subentry.subentry_type)
    return ServiceInstance(
        subentry_id=subentry.subentry_id,
        service=service,
        title=subentry.title,
        client=create_client(hass, service, subentry.data),
        webhook_id=subentry.data.get(CONF_WEBHOOK_ID),
    )
