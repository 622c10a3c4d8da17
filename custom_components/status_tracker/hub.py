"""The runtime of one hub: tracker, store, upstream clients and change signals.

Webhook handlers and pollers hand observations to `StatusTrackerHub.apply`; the
hub applies them to the tracker, schedules a debounced save and tells the
entities what changed through the dispatcher. It also runs the periodic checks:
Jellyfin availability, stalled requests, air dates, retention and history.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
import importlib
from typing import TYPE_CHECKING, Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .actions import HubActions
from .api import (
    Banned,
    InvalidAuth,
    JellyfinClient,
    QBittorrentClient,
    ServiceClient,
    ServiceError,
    ShokoClient,
    SonarrClient,
)
from .catch_up import CatchUp
from .clients import SUPPORTED_SERVICES, create_client
from .const import (
    CONF_API_KEY,
    CONF_EXTERNAL_URL,
    CONF_SERVER_ID,
    CONF_SUBENTRY_ID,
    CONF_URL,
    CONF_WEBHOOK_ID,
    DOMAIN,
    LOGGER,
    ServiceType,
)
from .coordinator import QBittorrentCoordinator, ServiceCoordinator
from .core.model import Outcome, Request
from .core.observations import JellyfinItem, Observation, SeriesEpisodes, ShokoFile
from .options import HubOptions
from .parsers import InvalidPayload
from .parsers.jellyfin_api import created_at, is_playable, item_from_dto
from .parsers.shoko import parse_shoko_event
from .repairs import async_check_repairs, issue_id_shoko_down, issue_id_unreachable

if TYPE_CHECKING:
    from .shoko_hub import ShokoHubConnection
from .core.tracker import Tracker, TrackerUpdate
from .store import RequestStore, StoreData

# How often air dates, retention and history limits are re-checked.
MAINTENANCE_INTERVAL: Final = timedelta(minutes=15)
STALLED_CHECK_INTERVAL: Final = timedelta(minutes=1)
# Fallback for missed Jellyfin webhooks: requests waiting this long in
# downloaded/importing/matching are looked for in Jellyfin's newest items.
AVAILABILITY_INTERVAL: Final = timedelta(seconds=30)
AVAILABILITY_MIN_WAIT: Final = timedelta(minutes=2)
RECENT_ITEMS_PAGE_SIZE: Final = 100
RECENT_ITEMS_MAX_PAGES: Final = 5
# Items created this long before a request entered its stage cannot be its
# import; older pages are not read.
RECENT_ITEMS_MARGIN: Final = timedelta(days=1)
# Jellyfin series id -> provider ids, so each series costs one lookup.
SERIES_CACHE_SIZE: Final = 256
# History blocks (of 16 requests) indexed and compressed per step after setup
# (a few ms each).
HISTORY_BLOCKS_PER_STEP: Final = 8

type StatusTrackerConfigEntry = ConfigEntry[StatusTrackerHub]


@dataclass(slots=True)
class ServiceInstance:
    """One configured upstream service (a config subentry) and its client."""

    subentry_id: str
    service: ServiceType
    title: str
    url: str
    client: ServiceClient
    webhook_id: str | None
    data: dict[str, Any]


def signal_changed(entry_id: str) -> str:
    """Dispatcher signal: these request ids changed (payload: list of ids)."""
    return f"{DOMAIN}_{entry_id}_changed"


def signal_removed(entry_id: str) -> str:
    """Dispatcher signal: these requests no longer have entities (list of ids)."""
    return f"{DOMAIN}_{entry_id}_removed"


def signal_stage(entry_id: str) -> str:
    """Dispatcher signal: stage changes to fire as events (list of StageChange)."""
    return f"{DOMAIN}_{entry_id}_stage"


def signal_problem(entry_id: str) -> str:
    """Dispatcher signal: problems raised or cleared (list of ProblemChange)."""
    return f"{DOMAIN}_{entry_id}_problem"


def signal_webhook(subentry_id: str) -> str:
    """Dispatcher signal: a webhook arrived from this instance."""
    return f"{DOMAIN}_{subentry_id}_webhook"


def signal_shoko_state(subentry_id: str) -> str:
    """Dispatcher signal: a Shoko event hub connected or disconnected."""
    return f"{DOMAIN}_{subentry_id}_shoko_state"


def issue_id_credentials(subentry_id: str) -> str:
    """Return the repair issue id for refused credentials of an instance."""
    return f"credentials_{subentry_id}"


class StatusTrackerHub:
    """Everything one config entry (media stack) runs."""

    def __init__(self, hass: HomeAssistant, entry: StatusTrackerConfigEntry) -> None:
        """Build the hub from the entry and its subentries (no I/O)."""
        self.hass = hass
        self.entry = entry
        self.options = HubOptions.from_options(entry.options)
        self.instances: dict[str, ServiceInstance] = {
            subentry.subentry_id: _instance(hass, subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type in SUPPORTED_SERVICES
        }
        # Without Jellyfin nothing else can confirm availability.
        self.tracker = Tracker(
            now=dt_util.utcnow,
            trust_seerr_available=not self._instances_of(ServiceType.JELLYFIN),
            anime_rules=self.options.anime_rules,
        )
        self.store = RequestStore(hass, entry.entry_id)
        self.coordinators: dict[str, ServiceCoordinator] = {
            instance.subentry_id: _coordinator(self, instance)
            for instance in self.instances.values()
        }
        self.last_webhook: dict[str, datetime] = {}
        # Since when each failing instance has been failing (for the repair).
        self.unreachable_since: dict[str, datetime] = {}
        self.unregister_webhooks: Callable[[], None] = lambda: None
        # The hub's device in the device registry, parent of the service devices.
        self.device_id = ""
        # Built in async_setup: pysignalr is imported only when Shoko is used.
        self.shoko_hubs: dict[str, ShokoHubConnection] = {}
        # Shoko import folder id -> path, per Shoko instance (read on a miss).
        self._import_folders: dict[str, dict[int, str]] = {}
        self._series_ids: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._episode_lists_in_flight: set[str] = set()
        self._checking_availability = False
        self.actions = HubActions(self)
        # Polls for grabs and Shoko matches whose webhook or event was lost.
        self.catch_up = CatchUp(self)

    def _instances_of(self, service: ServiceType) -> list[ServiceInstance]:
        return [i for i in self.instances.values() if i.service is service]

    # --------------------------------------------------------------- lifecycle

    async def async_setup(self) -> None:
        """Load the stored requests."""
        data = await self.store.async_load()
        self.tracker.load(data)
        self.last_webhook = {
            subentry_id: datetime.fromisoformat(at)
            for subentry_id, at in data.get("last_webhook", {}).items()
            if subentry_id in self.instances
        }
        self.tracker.forget_finished_before(dt_util.utcnow() - self.options.retention)
        self.tracker.prune(self.options.history_size)
        shoko = [
            (instance, instance.client)
            for instance in self.instances.values()
            if isinstance(instance.client, ShokoClient)
        ]
        if shoko:
            # pysignalr patches the websockets package when imported, so it is
            # loaded only for hubs that have a Shoko, in the import executor.
            module = await self.hass.async_add_import_executor_job(
                importlib.import_module, f"{__package__}.shoko_hub"
            )
            for instance, client in shoko:
                self.shoko_hubs[instance.subentry_id] = self._shoko_hub(
                    module.ShokoHubConnection, instance, client
                )

    async def async_start(self) -> None:
        """Start polling, the Shoko event hubs and the periodic checks."""
        for interval, action in (
            (MAINTENANCE_INTERVAL, self._async_maintenance),
            (STALLED_CHECK_INTERVAL, self._async_check_stalled),
            (AVAILABILITY_INTERVAL, self._async_check_availability),
        ):
            self.entry.async_on_unload(
                async_track_time_interval(self.hass, action, interval)
            )
        for coordinator in self.coordinators.values():
            # The hub listens so polling goes on even with its entities disabled.
            self.entry.async_on_unload(
                coordinator.async_add_listener(self._coordinator_listener(coordinator))
            )
            self.entry.async_create_task(
                self.hass, coordinator.async_refresh(), f"{coordinator.name} refresh"
            )
        for connection in self.shoko_hubs.values():
            await connection.async_start()
        self.entry.async_create_background_task(
            self.hass, self._async_finish_loading(), "Status Tracker history"
        )
        self.schedule_episode_lists()
        self.catch_up.schedule()

    async def _async_finish_loading(self) -> None:
        """Index and compress the loaded history in small steps, between other work."""
        more = True
        while more:
            more = self.tracker.finish_loading(HISTORY_BLOCKS_PER_STEP)
            # Let webhooks and entity updates run between the steps.
            await asyncio.sleep(0)

    async def async_shutdown(self) -> None:
        """Stop polling and the event hubs, and write everything now (unload)."""
        self.catch_up.cancel()
        for connection in self.shoko_hubs.values():
            await connection.async_stop()
        for coordinator in self.coordinators.values():
            await coordinator.async_shutdown()
        await self.store.async_flush(self._store_data())

    def _store_data(self) -> StoreData:
        return {
            **self.tracker.to_dict(),
            "last_webhook": {
                subentry_id: at.isoformat()
                for subentry_id, at in self.last_webhook.items()
            },
        }

    def visible_requests(self) -> Iterator[Request]:
        """Return requests that have an entity: active or recently finished."""
        yield from self.tracker.active()
        yield from self.tracker.recently_finished()

    # -------------------------------------------------------------- ingestion

    async def async_handle_webhook(
        self, observation: Observation, instance: ServiceInstance
    ) -> None:
        """Apply an observation a webhook of `instance` brought."""
        if isinstance(observation, JellyfinItem) and isinstance(
            instance.client, JellyfinClient
        ):
            observation = (
                await self._async_with_series_ids([observation], instance.client)
            )[0]
        self.apply(observation)

    @callback
    def apply(self, observation: Observation, *, keep_orphan: bool = True) -> None:
        """Apply an observation to the tracker and publish what changed."""
        update = self.tracker.apply(observation, keep_orphan=keep_orphan)
        self.publish(update)
        self.schedule_episode_lists(update.changed)
        if update.created:
            self.actions.schedule_presence_checks(update.created)

    @callback
    def record_webhook(self, instance: ServiceInstance) -> None:
        """Remember when a webhook last arrived from an instance."""
        self.last_webhook[instance.subentry_id] = dt_util.utcnow()
        self.store.schedule_save(self._store_data)
        async_dispatcher_send(self.hass, signal_webhook(instance.subentry_id))

    @callback
    def publish(self, update: TrackerUpdate) -> None:
        """Save and tell entities about a tracker update."""
        if not update:
            return
        if update.persist:
            self.store.schedule_save(self._store_data)
        elif update.changed:
            self.store.schedule_progress_save(self._store_data)
        entry_id = self.entry.entry_id
        if update.changed:
            async_dispatcher_send(self.hass, signal_changed(entry_id), update.changed)
        if update.stage_changes:
            async_dispatcher_send(
                self.hass, signal_stage(entry_id), update.stage_changes
            )
        if update.problem_changes:
            async_dispatcher_send(
                self.hass, signal_problem(entry_id), update.problem_changes
            )
        if update.deleted:
            # A deleted request's entity goes at once.
            gone = [
                request_id
                for request_id in update.deleted
                if (request := self.tracker.get(request_id)) is not None
                and request.state == Outcome.DELETED
            ]
            if gone:
                async_dispatcher_send(self.hass, signal_removed(entry_id), gone)
            if self.options.propagate_deletions:
                self.actions.schedule_propagation(update.deleted)

    def jellyfin_link(self, request: Request) -> str | None:
        """Return the "watch in Jellyfin" address of an available request."""
        item_id = request.movie.jellyfin_id or request.jellyfin_series_id
        servers = self._instances_of(ServiceType.JELLYFIN)
        if not item_id or not servers:
            return None
        server = servers[0]
        base = server.data.get(CONF_EXTERNAL_URL) or server.url
        link = f"{base}/web/#/details?id={item_id}"
        if server_id := server.data.get(CONF_SERVER_ID):
            link += f"&serverId={server_id}"
        return link

    # ------------------------------------------------------------- credentials

    @callback
    def async_credentials_refused(
        self, instance: ServiceInstance, error: InvalidAuth
    ) -> None:
        """Raise a repair and ask the user for new credentials of `instance`."""
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id_credentials(instance.subentry_id),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="banned" if isinstance(error, Banned) else "auth_failed",
            translation_placeholders={"title": instance.title},
        )
        self.entry.async_start_reauth(
            self.hass, data={CONF_SUBENTRY_ID: instance.subentry_id}
        )

    def _coordinator_listener(
        self, coordinator: ServiceCoordinator
    ) -> Callable[[], None]:
        subentry_id = coordinator.instance.subentry_id

        @callback
        def updated() -> None:
            if coordinator.last_update_success:
                self.unreachable_since.pop(subentry_id, None)
                ir.async_delete_issue(
                    self.hass, DOMAIN, issue_id_credentials(subentry_id)
                )
                ir.async_delete_issue(
                    self.hass, DOMAIN, issue_id_unreachable(subentry_id)
                )
            else:
                self.unreachable_since.setdefault(subentry_id, dt_util.utcnow())

        return updated

    # ------------------------------------------------------------------ shoko

    def _shoko_hub(
        self,
        connection_class: type[ShokoHubConnection],
        instance: ServiceInstance,
        client: ShokoClient,
    ) -> ShokoHubConnection:
        subentry_id = instance.subentry_id

        async def on_event(target: str, arguments: Any) -> None:
            await self._async_shoko_event(instance, client, target, arguments)

        @callback
        def on_state(connected: bool) -> None:
            if connected:
                ir.async_delete_issue(
                    self.hass, DOMAIN, issue_id_shoko_down(subentry_id)
                )
            async_dispatcher_send(self.hass, signal_shoko_state(subentry_id))

        return connection_class(
            client.signalr_url,
            instance.data[CONF_API_KEY],
            on_event,
            on_state,
            logger=LOGGER,
            create_task=lambda coro: self.entry.async_create_background_task(
                self.hass, coro, f"Shoko event hub {instance.title}"
            ),
        )

    async def _async_shoko_event(
        self,
        instance: ServiceInstance,
        client: ShokoClient,
        target: str,
        arguments: Any,
    ) -> None:
        """Apply one hub event, completing the file's path from its import folder."""
        try:
            observations = parse_shoko_event(target, arguments, instance.subentry_id)
        except InvalidPayload as err:
            LOGGER.debug("Ignored Shoko event %s: %s", target, err)
            return
        for observation in observations:
            if isinstance(observation, ShokoFile) and observation.relative_path:
                folder = await self._async_import_folder(
                    instance.subentry_id, client, observation.import_folder_id
                )
                if folder is not None:
                    path = f"{folder.rstrip('/')}/{observation.relative_path}"
                    self.apply(replace(observation, full_path=path))
                    continue
            self.apply(observation)

    async def _async_import_folder(
        self, subentry_id: str, client: ShokoClient, folder_id: int | None
    ) -> str | None:
        """Return an import folder's path; the list is read again on a miss."""
        if folder_id is None:
            return None
        folders = self._import_folders.get(subentry_id, {})
        if folder_id not in folders:
            try:
                folders = await client.async_get_import_folders()
            except ServiceError as err:
                LOGGER.debug("Could not read Shoko import folders: %s", err)
                return None
            self._import_folders[subentry_id] = folders
        return folders.get(folder_id)

    # ---------------------------------------------------------------- lookups

    async def _async_with_series_ids(
        self, items: list[JellyfinItem], client: JellyfinClient
    ) -> list[JellyfinItem]:
        """Add the series' provider ids to Jellyfin episodes.

        The webhook carries only the episode's own ids; the series is found
        through SeriesId, with one batched lookup for the series not cached yet.
        """
        unknown = {
            item.series_id
            for item in items
            if item.item_type == "Episode"
            and item.series_id
            and item.series_provider_ids is None
            and item.series_id not in self._series_ids
        }
        if unknown:
            try:
                found = await client.async_get_provider_ids(sorted(unknown))
            except ServiceError as err:
                LOGGER.debug("Could not look up Jellyfin series: %s", err)
                found = None
            if found is not None:
                for series_id in unknown:
                    self._series_ids[series_id] = found.get(series_id, {})
                while len(self._series_ids) > SERIES_CACHE_SIZE:
                    self._series_ids.popitem(last=False)
        return [
            replace(item, series_provider_ids=known)
            if item.series_provider_ids is None
            and (known := self._series_ids.get(item.series_id or "")) is not None
            else item
            for item in items
        ]

    @callback
    def schedule_episode_lists(self, request_ids: list[str] | None = None) -> None:
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
        self.apply(
            SeriesEpisodes(
                instance_id=instance_id, series_id=series_id, episodes=tuple(episodes)
            )
        )

    # ---------------------------------------------------------- availability

    async def _async_check_availability(self, now: datetime) -> None:
        """Confirm waiting requests from Jellyfin's newest items (batched)."""
        waiting = self.tracker.jellyfin.awaiting_availability(
            now - AVAILABILITY_MIN_WAIT
        )
        if not waiting or self._checking_availability:
            return
        self._checking_availability = True
        try:
            oldest = min(
                datetime.fromisoformat(r.stage_since or r.created_at) for r in waiting
            )
            ids = {request.id for request in waiting}
            for instance in self._instances_of(ServiceType.JELLYFIN):
                if isinstance(instance.client, JellyfinClient):
                    await self._async_confirm_from(
                        instance.client, oldest - RECENT_ITEMS_MARGIN, ids
                    )
        finally:
            self._checking_availability = False

    async def _async_confirm_from(
        self, client: JellyfinClient, not_before: datetime, ids: set[str]
    ) -> None:
        items: list[JellyfinItem] = []
        try:
            for page in range(RECENT_ITEMS_MAX_PAGES):
                answer = await client.async_get_recent_items(
                    ("Movie", "Episode"),
                    limit=RECENT_ITEMS_PAGE_SIZE,
                    start_index=page * RECENT_ITEMS_PAGE_SIZE,
                )
                items += [
                    item
                    for dto in answer.items
                    if is_playable(dto) and (item := item_from_dto(dto)) is not None
                ]
                created = [c for dto in answer.items if (c := created_at(dto))]
                if len(answer.items) < RECENT_ITEMS_PAGE_SIZE or (
                    created and min(created) < not_before
                ):
                    break
        except ServiceError as err:
            LOGGER.debug("Jellyfin availability check failed: %s", err)
            return
        for item in await self._async_with_series_ids(items, client):
            if self.tracker.jellyfin.would_match(item, ids):
                # Only the waiting requests: an item that matches nothing is
                # library content, not an orphan to keep.
                self.apply(item, keep_orphan=False)

    # ------------------------------------------------------------ maintenance

    @callback
    def _async_check_stalled(self, now: datetime) -> None:
        self.publish(
            self.tracker.downloads.check_stalled(self.options.stall_thresholds)
        )
        async_check_repairs(self, now)

    @callback
    def _async_maintenance(self, now: datetime) -> None:
        """Re-derive time-dependent stages, apply retention and history limits."""
        self.publish(self.tracker.refresh())
        gone = self.tracker.forget_finished_before(now - self.options.retention)
        pruned = self.tracker.prune(self.options.history_size)
        if gone or pruned:
            self.store.schedule_save(self._store_data)
            async_dispatcher_send(
                self.hass, signal_removed(self.entry.entry_id), [*gone, *pruned]
            )
        self.schedule_episode_lists()
        self.catch_up.schedule()


def _instance(hass: HomeAssistant, subentry: ConfigSubentry) -> ServiceInstance:
    service = ServiceType(subentry.subentry_type)
    return ServiceInstance(
        subentry_id=subentry.subentry_id,
        service=service,
        title=subentry.title,
        url=subentry.data[CONF_URL],
        client=create_client(hass, service, subentry.data),
        webhook_id=subentry.data.get(CONF_WEBHOOK_ID),
        data=dict(subentry.data),
    )


def _coordinator(
    hub: StatusTrackerHub, instance: ServiceInstance
) -> ServiceCoordinator:
    if isinstance(instance.client, QBittorrentClient):
        return QBittorrentCoordinator(hub, instance, instance.client)
    return ServiceCoordinator(hub, instance)
