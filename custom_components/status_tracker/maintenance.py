"""The hub's periodic work, from when it starts until it unloads.

Every minute the stalled problems and the repairs; every 30 s the Jellyfin
fallback; every 15 minutes the time-dependent stages, retention, history
limits, missing Sonarr episode lists and the catch-up of lost webhooks.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval

from .availability_check import AVAILABILITY_INTERVAL, AvailabilityCheck
from .catch_up import CatchUp
from .episode_lists import EpisodeLists
from .repairs import async_check_repairs
from .runtime import HubRuntime, signal_removed

# How often air dates, retention and history limits are re-checked.
MAINTENANCE_INTERVAL: Final = timedelta(minutes=15)
STALLED_CHECK_INTERVAL: Final = timedelta(minutes=1)


class Maintenance:
    """Runs one hub's periodic checks until it unloads."""

    def __init__(
        self, runtime: HubRuntime, episode_lists: EpisodeLists, catch_up: CatchUp
    ) -> None:
        """Maintain `runtime`; `episode_lists` and `catch_up` run with it."""
        self._runtime = runtime
        self._episode_lists = episode_lists
        self._catch_up = catch_up
        self._availability = AvailabilityCheck(runtime)

    @callback
    def async_start(self) -> None:
        """Start the timers; run the episode lists and the catch-up once now."""
        runtime = self._runtime
        for interval, action in (
            (MAINTENANCE_INTERVAL, self._async_maintenance),
            (STALLED_CHECK_INTERVAL, self._async_check_stalled),
            (AVAILABILITY_INTERVAL, self._availability.async_run),
        ):
            runtime.on_shutdown(
                async_track_time_interval(runtime.hass, action, interval)
            )
        self._episode_lists.schedule()
        self._catch_up.schedule()

    @callback
    def _async_check_stalled(self, now: datetime) -> None:
        runtime = self._runtime
        runtime.publish(
            runtime.tracker.downloads.check_stalled(runtime.options.stall_thresholds)
        )
        async_check_repairs(runtime, now)

    @callback
    def _async_maintenance(self, now: datetime) -> None:
        """Re-derive time-dependent stages, apply retention and history limits."""
        runtime = self._runtime
        runtime.publish(runtime.tracker.refresh())
        gone = runtime.tracker.forget_finished_before(now - runtime.options.retention)
        pruned = runtime.tracker.prune(runtime.options.history_size)
        if gone or pruned:
            runtime.store.schedule_save(runtime.store_data)
            async_dispatcher_send(
                runtime.hass,
                signal_removed(runtime.entry.entry_id),
                [*gone, *pruned],
            )
        self._episode_lists.schedule()
        self._catch_up.schedule()
        if runtime.journal.pending:
            # A snapshot takes the journaled webhooks over: the file stays short.
            runtime.entry.async_create_background_task(
                runtime.hass, runtime.async_checkpoint(), "Status Tracker checkpoint"
            )
