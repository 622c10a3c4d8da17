"""Delete everywhere else what one service reported deleted (option, off by default).

When Sonarr, Radarr or Jellyfin report a whole movie or series deleted, the
tracker marks the request deleted; with the hub's "propagate deletions" option
on, this removes it from the other services too (the torrent, Shoko, Jellyfin,
Seerr) and records each service's answer in the deletion log.
"""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.core import callback

from .core.deletion_log import DeletionLogEntry, ServiceOutcome
from .core.model import Outcome
from .core.tracker import TrackerUpdate
from .runtime import HubRuntime
from .upstream_deletion import (
    async_delete_everywhere,
    deletion_services,
    describe_failures,
    is_partial,
)

_LOGGER = logging.getLogger(__name__)

# Services whose deletion events can be propagated to the others.
PROPAGATING_SOURCES: Final = frozenset({"sonarr", "radarr", "jellyfin"})


@callback
def async_subscribe_deletion_propagation(runtime: HubRuntime) -> None:
    """Propagate the deletions every published update reports, until unload.

    Nothing is subscribed while the hub's option is off.
    """
    if not runtime.options.propagate_deletions:
        return

    @callback
    def updated(update: TrackerUpdate) -> None:
        for request_id in update.deleted:
            _schedule(runtime, request_id)

    runtime.on_shutdown(runtime.subscribe(updated))


def _schedule(runtime: HubRuntime, request_id: str) -> None:
    request = runtime.tracker.get(request_id)
    entry = _latest_log_entry(runtime, request_id)
    if (
        request is None
        or request.state != Outcome.DELETED
        or entry is None
        or entry.source not in PROPAGATING_SOURCES
        # Already propagated, or a single episode's file: nothing to spread.
        or entry.results
        or entry.episodes
    ):
        return
    runtime.entry.async_create_task(
        runtime.hass,
        _async_propagate(
            runtime,
            request_id,
            entry.source,
            delete_files=entry.delete_files is not False,
        ),
        f"Status Tracker propagate deletion {request_id}",
    )


def _latest_log_entry(runtime: HubRuntime, request_id: str) -> DeletionLogEntry | None:
    for entry in reversed(runtime.tracker.deletion_log):
        if entry.request_id == request_id:
            return entry
    return None


async def _async_propagate(
    runtime: HubRuntime, request_id: str, source: str, *, delete_files: bool
) -> None:
    request = runtime.tracker.get(request_id)
    if request is None:
        return
    results = await async_delete_everywhere(
        request,
        deletion_services(runtime.instances.values()),
        delete_files=delete_files,
        others=runtime.tracker.related(request),
        exclude=frozenset({source}),
    )
    if not results:
        return
    if is_partial(results):
        _LOGGER.warning(
            "Deleting %s everywhere after %s deleted it: %s",
            request.title,
            source,
            describe_failures(
                [r for r in results if r.outcome is ServiceOutcome.FAILED]
            ),
        )
    runtime.publish(
        runtime.tracker.delete_request(
            request_id,
            user=None,
            delete_files=delete_files,
            results=results,
            source=source,
        )
    )
