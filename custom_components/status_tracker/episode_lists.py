"""Read Sonarr's episode list of TV requests that do not have it yet.

The list says which episodes make up the requested seasons (and when they air),
so a show counts as complete only when all of them are there. It is read when
an update links a request to a Sonarr series, and at every maintenance run for
the ones still missing (a failed read is retried then).
"""

from __future__ import annotations

import logging

from homeassistant.core import callback

from .api import ServiceError, SonarrClient
from .core.observations import SeriesEpisodes
from .core.tracker import TrackerUpdate
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)


class EpisodeLists:
    """Reads the missing Sonarr episode lists of one hub, one read per request."""

    def __init__(self, runtime: HubRuntime) -> None:
        """Read for `runtime`'s requests (nothing is read yet)."""
        self._runtime = runtime
        self._in_flight: set[str] = set()

    @callback
    def subscribe(self) -> None:
        """Look at every published update's changed requests, until unload."""
        self._runtime.on_shutdown(self._runtime.subscribe(self._updated))

    @callback
    def _updated(self, update: TrackerUpdate) -> None:
        if update.changed:
            self.schedule(update.changed)

    @callback
    def schedule(self, request_ids: list[str] | None = None) -> None:
        """Read the list of TV requests that lack it (among `request_ids` if given).

        After an update only the requests it changed are looked at; maintenance
        looks at all of them (and so retries failed reads).
        """
        runtime = self._runtime
        for request in runtime.tracker.needs_episode_list(request_ids):
            if request.id in self._in_flight or request.arr_id is None:
                continue
            instance = runtime.instances.get(request.arr_instance or "")
            if instance is None or not isinstance(instance.client, SonarrClient):
                continue
            self._in_flight.add(request.id)
            runtime.entry.async_create_task(
                runtime.hass,
                self._async_read(
                    request.id, instance.subentry_id, request.arr_id, instance.client
                ),
                f"Status Tracker episode list {request.id}",
            )

    async def _async_read(
        self, request_id: str, instance_id: str, series_id: int, client: SonarrClient
    ) -> None:
        try:
            episodes = await client.async_get_episodes(series_id)
        except ServiceError as err:
            # Retried at the next maintenance run.
            _LOGGER.debug("Could not read Sonarr episode list: %s", err)
            return
        finally:
            self._in_flight.discard(request_id)
        self._runtime.apply(
            SeriesEpisodes(
                instance_id=instance_id, series_id=series_id, episodes=tuple(episodes)
            )
        )
