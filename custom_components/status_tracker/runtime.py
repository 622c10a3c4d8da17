"""What one hub (config entry) owns while it runs, and how observations get in.

Webhook handlers, pollers and checks hand observations to `HubRuntime.apply`.
The tracker records them; `publish` saves (debounced), tells the entities what
changed through the dispatcher, and hands the update to the reactions that
subscribed with `subscribe` (deletion propagation, presence checks, episode
lists). Nothing else happens on the way in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Final

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util

from .api import Banned, InvalidAuth, QBittorrentClient
from .clients import SUPPORTED_SERVICES, ServiceInstance, service_instance
from .const import (
    CONF_EXTERNAL_URL,
    CONF_SERVER_ID,
    CONF_SUBENTRY_ID,
    DOMAIN,
    ServiceType,
)
from .coordinator import QBittorrentCoordinator, ServiceCoordinator
from .core.model import Outcome, Request
from .core.observations import Observation
from .core.tracker import Tracker, TrackerUpdate
from .jellyfin_series import JellyfinSeries
from .journal import JournalEntry, WebhookJournal, journal_path
from .options import HubOptions
from .reconciliation_log import LastReconciliation
from .store import RequestStore, StoreData

if TYPE_CHECKING:
    # Imported only where Shoko is used: pysignalr patches websockets.
    from .shoko_events import ShokoEventStream

# History blocks (of 16 requests) indexed and compressed per step after setup
# (a few ms each).
HISTORY_BLOCKS_PER_STEP: Final = 8

type StatusTrackerConfigEntry = ConfigEntry[HubRuntime]
# Called with every published update (see `HubRuntime.subscribe`).
type UpdateListener = Callable[[TrackerUpdate], None]


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
    """Dispatcher signal: a Shoko event stream connected or disconnected."""
    return f"{DOMAIN}_{subentry_id}_shoko_state"


def issue_id_credentials(subentry_id: str) -> str:
    """Return the repair issue id for refused credentials of an instance."""
    return f"credentials_{subentry_id}"


def issue_id_unreachable(subentry_id: str) -> str:
    """Return the repair issue id of an instance that stopped answering."""
    return f"unreachable_{subentry_id}"


class HubRuntime:
    """What one hub (media stack) owns: tracker, store, instances, pollers."""

    def __init__(self, hass: HomeAssistant, entry: StatusTrackerConfigEntry) -> None:
        """Build the runtime from the entry and its subentries (no I/O)."""
        self.hass = hass
        self.entry = entry
        self.options = HubOptions.from_options(entry.options)
        self.instances: dict[str, ServiceInstance] = {
            subentry.subentry_id: service_instance(hass, subentry)
            for subentry in entry.subentries.values()
            if subentry.subentry_type in SUPPORTED_SERVICES
        }
        # Without Jellyfin nothing else can confirm availability.
        self.tracker = Tracker(
            now=dt_util.utcnow,
            trust_seerr_available=not self.instances_of(ServiceType.JELLYFIN),
            anime_rules=self.options.anime_rules,
        )
        self.store = RequestStore(hass, entry.entry_id)
        self.journal = WebhookJournal(hass, journal_path(hass, entry.entry_id))
        # Journaled webhooks the stored snapshot lacks (applied after start-up).
        self.journal_backlog: list[JournalEntry] = []
        # Set once they are: a webhook arriving meanwhile waits, so the
        # tracker sees every service's webhooks in the order they came.
        self.journal_replayed = asyncio.Event()
        # Set while no history is being read (reconciliation.py; the start's
        # reading comes first): what a reading is about to apply is not
        # looked up elsewhere meanwhile.
        self.histories_read = asyncio.Event()
        self.coordinators: dict[str, ServiceCoordinator] = {
            instance.subentry_id: self._coordinator(instance)
            for instance in self.instances.values()
        }
        self.last_webhook: dict[str, datetime] = {}
        # Where each Seerr service's events come from (core_seerr.EventSource).
        self.seerr_sources: dict[str, str] = {}
        # The last reading of each instance's history (reconciliation.py).
        self.reconciliations: dict[str, LastReconciliation] = {}
        # Since when each failing instance has been failing (for the repair).
        self.unreachable_since: dict[str, datetime] = {}
        # The hub's device in the device registry, parent of the service devices.
        self.device_id = ""
        # Unregisters the hub's webhooks: the first thing an unload does.
        self.unregister_webhooks: Callable[[], None] = lambda: None
        # Jellyfin series id -> provider ids, for episodes (webhooks, checks).
        self.jellyfin_series = JellyfinSeries()
        # Shoko Server instance -> its SignalR event stream (shoko_ingest.py).
        self.shoko_streams: dict[str, ShokoEventStream] = {}
        self._listeners: list[UpdateListener] = []
        # What runs on top of the runtime stops first (see `async_shutdown`).
        self._on_shutdown: list[Callable[[], Awaitable[None] | None]] = []

    def instances_of(self, service: ServiceType) -> list[ServiceInstance]:
        """Return the configured instances of one service type."""
        return [i for i in self.instances.values() if i.service is service]

    def _coordinator(self, instance: ServiceInstance) -> ServiceCoordinator:
        if isinstance(instance.client, QBittorrentClient):
            return QBittorrentCoordinator(
                self.hass,
                self.entry,
                instance,
                instance.client,
                on_credentials_refused=self.async_credentials_refused,
                apply=self.apply,
                downloading=self.tracker.downloads.downloading_via,
                options=self.options,
            )
        return ServiceCoordinator(
            self.hass,
            self.entry,
            instance,
            on_credentials_refused=self.async_credentials_refused,
        )

    # --------------------------------------------------------------- lifecycle

    async def async_load(self) -> None:
        """Load the stored requests; apply retention and the history limit."""
        data = await self.store.async_load()
        self.tracker.load(data)
        self.journal_backlog = await self.journal.async_load(
            data.get("journal_applied", 0)
        )
        self.last_webhook = {
            subentry_id: datetime.fromisoformat(at)
            for subentry_id, at in data.get("last_webhook", {}).items()
            if subentry_id in self.instances
        }
        self.reconciliations = {
            subentry_id: LastReconciliation.from_dict(last)
            for subentry_id, last in data.get("reconciliations", {}).items()
            if subentry_id in self.instances
        }
        self.tracker.forget_finished_before(dt_util.utcnow() - self.options.retention)
        self.tracker.prune(self.options.history_size)

    @callback
    def async_start(self) -> None:
        """Start polling, and the indexing of the loaded history."""
        for coordinator in self.coordinators.values():
            # Listened to so polling goes on even with the entities disabled.
            self.entry.async_on_unload(
                coordinator.async_add_listener(self._coordinator_listener(coordinator))
            )
            self.entry.async_create_task(
                self.hass, coordinator.async_refresh(), f"{coordinator.name} refresh"
            )
        self.entry.async_create_background_task(
            self.hass, self._async_finish_loading(), "Status Tracker history"
        )

    async def _async_finish_loading(self) -> None:
        """Index and compress the loaded history in small steps, between other work."""
        more = True
        while more:
            more = self.tracker.finish_loading(HISTORY_BLOCKS_PER_STEP)
            # Let webhooks and entity updates run between the steps.
            await asyncio.sleep(0)

    @callback
    def on_shutdown(self, stop: Callable[[], Awaitable[None] | None]) -> None:
        """Call `stop` at unload, before polling stops and the final write."""
        self._on_shutdown.append(stop)

    async def async_shutdown(self) -> None:
        """Stop what runs on the runtime, then polling; write everything now."""
        while self._on_shutdown:
            if (result := self._on_shutdown.pop()()) is not None:
                await result
        for coordinator in self.coordinators.values():
            await coordinator.async_shutdown()
        await self.async_checkpoint()

    async def async_checkpoint(self) -> None:
        """Write the snapshot now; then the journal keeps only what came after it."""
        data = self.store_data()
        await self.store.async_flush(data)
        await self.journal.async_trim(data["journal_applied"])

    def store_data(self) -> StoreData:
        """Return what the store keeps: the tracker and the last webhooks."""
        return {
            **self.tracker.to_dict(),
            "last_webhook": {
                subentry_id: at.isoformat()
                for subentry_id, at in self.last_webhook.items()
            },
            # Journaled webhooks up to this one are in the snapshot (journal.py).
            "journal_applied": self.journal.applied,
            "reconciliations": {
                subentry_id: last.to_dict()
                for subentry_id, last in self.reconciliations.items()
            },
        }

    def visible_requests(self) -> Iterator[Request]:
        """Return requests that have an entity: active or recently finished."""
        yield from self.tracker.active()
        yield from self.tracker.recently_finished()

    # -------------------------------------------------------------- ingestion

    @callback
    def apply(
        self,
        observation: Observation,
        *,
        keep_orphan: bool = True,
        at: datetime | None = None,
        replay: bool = False,
    ) -> None:
        """Apply an observation to the tracker and publish what changed.

        `at` is when the fact happened, when that was earlier (a service's
        history says so). With `replay` it is a journaled webhook applied again
        after a kill: applied as it was then, and its stage and problem changes
        are not announced again: they were, before the webhook got its 200.
        """
        self.publish(
            self.tracker.apply(
                observation, keep_orphan=keep_orphan, at=at, replay=replay
            ),
            announce=not replay,
        )

    @callback
    def publish(self, update: TrackerUpdate, *, announce: bool = True) -> None:
        """Save, and tell the entities and the subscribed reactions what changed.

        Without `announce` the event entities hear nothing of stage and problem
        changes (a replay of what they were told before).
        """
        if not update:
            return
        if update.persist:
            self.store.schedule_save(self.store_data)
        elif update.changed:
            self.store.schedule_progress_save(self.store_data)
        entry_id = self.entry.entry_id
        if update.changed:
            async_dispatcher_send(self.hass, signal_changed(entry_id), update.changed)
        if update.stage_changes and announce:
            async_dispatcher_send(
                self.hass, signal_stage(entry_id), update.stage_changes
            )
        if update.problem_changes and announce:
            async_dispatcher_send(
                self.hass, signal_problem(entry_id), update.problem_changes
            )
        # A deleted request's entity goes at once.
        if gone := [
            request_id
            for request_id in update.deleted
            if (request := self.tracker.get(request_id)) is not None
            and request.state == Outcome.DELETED
        ]:
            async_dispatcher_send(self.hass, signal_removed(entry_id), gone)
        for listener in list(self._listeners):
            listener(update)

    @callback
    def subscribe(self, listener: UpdateListener) -> Callable[[], None]:
        """Call `listener` with every published update; return the unsubscribe."""
        self._listeners.append(listener)

        @callback
        def unsubscribe() -> None:
            self._listeners.remove(listener)

        return unsubscribe

    def watermark(self, subentry_id: str) -> datetime | None:
        """Return until when an instance's history is in the tracker, if known.

        Its last webhook, or the last reading of its history, whichever is
        later; None before either (a first start).
        """
        last = self.reconciliations.get(subentry_id)
        known = [
            at
            for at in (
                self.last_webhook.get(subentry_id),
                last.watermark if last else None,
            )
            if at is not None
        ]
        return max(known, default=None)

    @callback
    def record_webhook(self, instance: ServiceInstance) -> None:
        """Remember when a webhook last arrived from an instance."""
        self.last_webhook[instance.subentry_id] = dt_util.utcnow()
        self.store.schedule_save(self.store_data)
        async_dispatcher_send(self.hass, signal_webhook(instance.subentry_id))

    def jellyfin_link(self, request: Request) -> str | None:
        """Return the "watch in Jellyfin" address of an available request."""
        item_id = request.movie.jellyfin_id or request.jellyfin_series_id
        servers = self.instances_of(ServiceType.JELLYFIN)
        if not item_id or not servers:
            return None
        server = servers[0]
        base = server.data.get(CONF_EXTERNAL_URL) or server.url
        link = f"{base}/web/#/details?id={item_id}"
        if server_id := server.data.get(CONF_SERVER_ID):
            link += f"&serverId={server_id}"
        return link

    # ------------------------------------------------------------- reachability

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
