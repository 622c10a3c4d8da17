"""Seerr events through Home Assistant's own Seerr integration, when it has them.

Seerr has one webhook agent, and Home Assistant's Seerr integration (domain
``overseerr``) takes it: on every start it rewrites Seerr's webhook settings
when they differ from its own (docs/protocols.md §4.3). So when a configured
core Seerr entry points at the same Seerr as one of the hub's Seerr services
(scheme, host, port and base path compared), Status Tracker never writes those
settings (webhook_registration.py asks `claims`) and takes Seerr's events from
core's event entity instead: each event becomes, through the adapter
(parsers/core_seerr.py) and the one Seerr parser, the observation our own
webhook would have brought. What the event lacks (a show's requested seasons)
is read from Seerr once per request.

Where a Seerr service's events come from (`EventSource`, shown by a diagnostic
sensor and in diagnostics) follows core's entry as it is added, loaded,
unloaded or removed, without a restart:

* no core entry for that Seerr: our own webhook;
* a core entry that is loading or loaded with its event entity available:
  core's events;
* a core entry that cannot deliver (its setup failed, or its event entity is
  unavailable because it could not register its webhook): our own webhook, if
  the user let Status Tracker set it up and Seerr's agent is free (or ours);
  else only Seerr's request list, read every LIST_READ_EVERY
  (reconciliation.py), which also covers whatever arrived while Home Assistant
  was down in every case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
import logging
from typing import Any, Final
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import (
    CONF_HOST,
    CONF_PORT,
    CONF_SSL,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.dispatcher import (
    async_dispatcher_connect,
    async_dispatcher_send,
)
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_time_interval,
)

from .api import SeerrClient, ServiceError
from .clients import ServiceInstance
from .const import DOMAIN, ServiceType
from .core.observations import MediaType, SeerrNotification
from .parsers.core_seerr import webhook_body
from .parsers.errors import InvalidPayload
from .parsers.seerr import parse_seerr
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)

CORE_SEERR_DOMAIN: Final = "overseerr"
# How often Seerr's request list is read when no path brings its events.
LIST_READ_EVERY: Final = timedelta(minutes=5)
# Core entry states in which it is, or will be, the owner of Seerr's webhook
# (a reload passes through the unloading ones).
_CORE_COMING: Final = frozenset(
    {
        ConfigEntryState.LOADED,
        ConfigEntryState.NOT_LOADED,
        ConfigEntryState.SETUP_IN_PROGRESS,
        ConfigEntryState.UNLOAD_IN_PROGRESS,
    }
)


class EventSource(StrEnum):
    """Where a Seerr service's events come from."""

    WEBHOOK = "webhook"
    CORE_SEERR = "core_seerr"
    REQUEST_LIST = "request_list"


def signal_event_source(subentry_id: str) -> str:
    """Dispatcher signal: a Seerr service's event source changed."""
    return f"{DOMAIN}_{subentry_id}_event_source"


def seerr_address(url: str) -> tuple[str, str, int, str] | None:
    """Return (scheme, host, port, base path) of a Seerr URL, normalised."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None
    return scheme, parts.hostname.lower(), port, parts.path.rstrip("/")


def core_seerr_address(data: Mapping[str, Any]) -> tuple[str, str, int, str] | None:
    """Return the address a core Seerr entry's data names (no base path there)."""
    host, port, ssl = data.get(CONF_HOST), data.get(CONF_PORT), data.get(CONF_SSL)
    if not isinstance(host, str) or not isinstance(port, int):
        return None
    return ("https" if ssl else "http", host.strip().lower(), port, "")


def core_entry_for(hass: HomeAssistant, url: str) -> ConfigEntry | None:
    """Return the enabled core Seerr entry that points at the Seerr at `url`."""
    address = seerr_address(url)
    if address is None:
        return None
    for entry in hass.config_entries.async_entries(CORE_SEERR_DOMAIN):
        if entry.disabled_by is None and core_seerr_address(entry.data) == address:
            return entry
    return None


def core_event_entity(hass: HomeAssistant, entry: ConfigEntry) -> str | None:
    """Return the entity id of a core Seerr entry's media event entity."""
    return er.async_get(hass).async_get_entity_id(
        "event", CORE_SEERR_DOMAIN, f"{entry.entry_id}-media"
    )


class CoreSeerrBridge:
    """Follows core Seerr entries and takes their events for one hub."""

    def __init__(
        self,
        runtime: HubRuntime,
        *,
        register: Callable[[ServiceInstance], Coroutine[Any, Any, bool]],
        read_list: Callable[[str], None],
    ) -> None:
        """Prepare the bridge (`async_start` starts it).

        `register` sets up our own webhook in a Seerr (True when Seerr now
        sends to us); `read_list` reads one Seerr service's request list.
        """
        self._runtime = runtime
        self._register = register
        self._read_list = read_list
        # Seerr service -> what follows its core entry's event entity.
        self._tracked: dict[str, tuple[str, Callable[[], None]]] = {}
        self._list_timers: dict[str, Callable[[], None]] = {}
        # Requests whose seasons were read from Seerr already.
        self._filled: set[int] = set()
        # Events are applied one after the other, in the order they came;
        # how many wait behind a look-up.
        self._order = asyncio.Lock()
        self._waiting = 0
        self._warned: set[str] = set()

    @property
    def hass(self) -> HomeAssistant:
        """Return Home Assistant."""
        return self._runtime.hass

    @callback
    def async_start(self) -> None:
        """Decide each Seerr service's source, and again whenever core's entries change."""
        self._runtime.on_shutdown(
            async_dispatcher_connect(
                self.hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._entry_changed
            )
        )
        self._runtime.on_shutdown(self._stop)
        self._evaluate()

    @callback
    def claims(self, subentry_id: str) -> bool:
        """Return True when core Seerr owns this Seerr's webhook (never write it)."""
        instance = self._runtime.instances.get(subentry_id)
        if instance is None or instance.service is not ServiceType.SEERR:
            return False
        entry = core_entry_for(self.hass, instance.url)
        return entry is not None and entry.state in _CORE_COMING

    @callback
    def _stop(self) -> None:
        for _, untrack in self._tracked.values():
            untrack()
        self._tracked.clear()
        for cancel in self._list_timers.values():
            cancel()
        self._list_timers.clear()

    @callback
    def _entry_changed(self, change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.domain == CORE_SEERR_DOMAIN:
            self._evaluate()

    @callback
    def _evaluate(self) -> None:
        """Decide (again) where each Seerr service's events come from."""
        for instance in self._runtime.instances_of(ServiceType.SEERR):
            entry = core_entry_for(self.hass, instance.url)
            entity_id = (
                core_event_entity(self.hass, entry)
                if entry is not None and entry.state is ConfigEntryState.LOADED
                else None
            )
            self._follow(instance, entity_id)
            if entry is None:
                previous = self._runtime.seerr_sources.get(instance.subentry_id)
                self._set_source(instance, EventSource.WEBHOOK)
                if previous is not None and previous != EventSource.WEBHOOK:
                    # Core's entry is gone: Seerr's agent may be ours again.
                    self._runtime.entry.async_create_background_task(
                        self.hass,
                        self._register(instance),
                        "Status Tracker Seerr webhook",
                    )
            elif entry.state is not ConfigEntryState.LOADED:
                if entry.state in _CORE_COMING:
                    # Loading: its events come once it is loaded.
                    self._set_source(instance, EventSource.CORE_SEERR)
                else:
                    self._core_cannot_deliver(instance, entry)
            elif entity_id is not None and self._available(entity_id):
                self._warned.discard(instance.subentry_id)
                self._set_source(instance, EventSource.CORE_SEERR)
            else:
                self._core_cannot_deliver(instance, entry)

    def _available(self, entity_id: str) -> bool:
        state = self.hass.states.get(entity_id)
        return state is not None and state.state != STATE_UNAVAILABLE

    @callback
    def _follow(self, instance: ServiceInstance, entity_id: str | None) -> None:
        """Watch the event entity of the core entry for this Seerr (or none)."""
        tracked = self._tracked.get(instance.subentry_id)
        if tracked is not None and tracked[0] == entity_id:
            return
        if tracked is not None:
            tracked[1]()
            del self._tracked[instance.subentry_id]
        if entity_id is None:
            return

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            self._state_changed(instance, event)

        self._tracked[instance.subentry_id] = (
            entity_id,
            async_track_state_change_event(self.hass, [entity_id], changed),
        )

    @callback
    def _core_cannot_deliver(
        self, instance: ServiceInstance, entry: ConfigEntry
    ) -> None:
        """Core's entry is there but gets no events: our webhook, else the list."""
        if instance.subentry_id not in self._warned:
            self._warned.add(instance.subentry_id)
            _LOGGER.warning(
                "Home Assistant's Seerr integration (%s) receives no events from %s "
                "(its webhook is not set up): Status Tracker takes Seerr's webhook "
                "if it is free, else reads Seerr's request list every %d minutes",
                entry.title,
                instance.title,
                LIST_READ_EVERY.total_seconds() // 60,
            )
        if self._runtime.seerr_sources.get(instance.subentry_id) in (
            EventSource.WEBHOOK,
            EventSource.REQUEST_LIST,
        ):
            return
        # Until our own registration says otherwise, the list is all there is.
        self._set_source(instance, EventSource.REQUEST_LIST)
        self._runtime.entry.async_create_background_task(
            self.hass,
            self._async_take_webhook(instance),
            "Status Tracker Seerr webhook",
        )

    async def _async_take_webhook(self, instance: ServiceInstance) -> None:
        if await self._register(instance):
            self._set_source(instance, EventSource.WEBHOOK)

    @callback
    def _set_source(self, instance: ServiceInstance, source: EventSource) -> None:
        subentry_id = instance.subentry_id
        if self._runtime.seerr_sources.get(subentry_id) == source:
            return
        previous = self._runtime.seerr_sources.get(subentry_id)
        self._runtime.seerr_sources[subentry_id] = source
        if previous is not None:
            _LOGGER.info("%s's events now come from: %s", instance.title, source)
        cancel = self._list_timers.pop(subentry_id, None)
        if cancel is not None:
            cancel()
        if source is EventSource.REQUEST_LIST:

            @callback
            def read(_: datetime) -> None:
                self._read_list(subentry_id)

            self._list_timers[subentry_id] = async_track_time_interval(
                self.hass, read, LIST_READ_EVERY, name="Status Tracker Seerr list"
            )
        async_dispatcher_send(self.hass, signal_event_source(subentry_id))

    @callback
    def _state_changed(
        self, instance: ServiceInstance, event: Event[EventStateChangedData]
    ) -> None:
        old, new = event.data["old_state"], event.data["new_state"]

        if (
            new is None
            or (old is not None and old.state == STATE_UNAVAILABLE)
            or (new.state == STATE_UNAVAILABLE)
        ):
            # Gone, unavailable or back: only where the events come from changes.
            self._evaluate()
            return
        if old is None or new.state in (STATE_UNKNOWN, old.state):
            # Added (a restored last event is no new one), or only attributes.
            return
        event_type = new.attributes.get("event_type")
        if not isinstance(event_type, str):
            return
        try:
            parsed = parse_seerr(webhook_body(event_type, new.attributes))
        except InvalidPayload as err:
            _LOGGER.debug("Ignoring an event of %s: %s", new.entity_id, err)
            return
        if not isinstance(parsed, SeerrNotification):
            _LOGGER.debug("Ignoring a %s event: %s", event_type, parsed.reason)
            return
        self._runtime.record_webhook(instance)
        if not self._waiting and not self._needs_seasons(instance, parsed):
            self._runtime.apply(parsed)
            return
        # Behind a look-up in Seerr: this one and those after it wait their turn.
        self._waiting += 1
        self._runtime.entry.async_create_background_task(
            self.hass,
            self._async_apply(instance, parsed),
            "Status Tracker Seerr event",
        )

    async def _async_apply(
        self, instance: ServiceInstance, notification: SeerrNotification
    ) -> None:
        try:
            async with self._order:
                notification = await self._async_filled(instance, notification)
                self._runtime.apply(notification)
        finally:
            self._waiting -= 1

    def _needs_seasons(
        self, instance: ServiceInstance, notification: SeerrNotification
    ) -> bool:
        """Return True for a show's first event without its requested seasons."""
        return (
            notification.media.media_type is MediaType.TV
            and not notification.seasons
            and notification.request_id is not None
            and notification.request_id not in self._filled
            and isinstance(instance.client, SeerrClient)
        )

    async def _async_filled(
        self, instance: ServiceInstance, notification: SeerrNotification
    ) -> SeerrNotification:
        """Fill a show's requested seasons from Seerr, once per request."""
        request_id = notification.request_id
        if (
            not self._needs_seasons(instance, notification)
            or request_id is None
            or not isinstance(instance.client, SeerrClient)
        ):
            return notification
        self._filled.add(request_id)
        try:
            request = await instance.client.async_get_request(request_id)
        except ServiceError as err:
            _LOGGER.debug("Could not read Seerr request %s: %s", request_id, err)
            return notification
        return replace(
            notification,
            seasons=request.seasons,
            is_4k=notification.is_4k or request.is_4k,
        )
