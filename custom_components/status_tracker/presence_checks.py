"""New Seerr requests whose media is already there become available at once.

When an update creates a request from Seerr, the *arr is asked whether it has
the files (Radarr's movie, Sonarr's episodes of the requested seasons; this also
links the request to the *arr item), and only if it has them, or when no *arr
of that kind is configured, Jellyfin is asked for playable items with the same
provider ids.
"""

from __future__ import annotations

import logging

from homeassistant.core import callback

from .api import JellyfinClient, RadarrClient, ServiceError, SonarrClient
from .clients import ServiceInstance
from .core.lifecycle import in_requested_seasons
from .core.model import Request
from .core.observations import MediaRef, MediaType, SeriesEpisodes
from .core.tracker import TrackerUpdate
from .jellyfin_lookup import async_find_request_items
from .runtime import HubRuntime

_LOGGER = logging.getLogger(__name__)


class PresenceChecks:
    """Checks each new Seerr request of one hub once, in the background."""

    def __init__(self, runtime: HubRuntime) -> None:
        """Check `runtime`'s new requests (once subscribed)."""
        self._runtime = runtime

    @callback
    def subscribe(self) -> None:
        """Check the requests every published update creates, until unload."""
        self._runtime.on_shutdown(self._runtime.subscribe(self._updated))

    @callback
    def _updated(self, update: TrackerUpdate) -> None:
        runtime = self._runtime
        for request_id in update.created:
            request = runtime.tracker.get(request_id)
            if request is None or request.origin != "seerr" or request.finished:
                continue
            if request.has_progress_evidence:
                continue
            runtime.entry.async_create_task(
                runtime.hass,
                self._async_check(request_id),
                f"Status Tracker presence check {request_id}",
            )

    async def _async_check(self, request_id: str) -> None:
        """Mark media already in the library available (the *arr first, then Jellyfin).

        The *arr knows whether files are on disk: Jellyfin is asked only when
        it has them (or when no *arr of that kind is configured), and an item
        counts only when Jellyfin has it playable under the same provider ids.
        """
        runtime = self._runtime
        # A request a history reading creates gets its later facts from the
        # same reading, dated as they happened: look only at what is left.
        await runtime.histories_read.wait()
        request = runtime.tracker.get(request_id)
        if request is None or request.finished or request.has_progress_evidence:
            return
        try:
            if request.media_type is MediaType.MOVIE:
                present = await self._async_radarr_has_file(request)
            else:
                present = await self._async_sonarr_has_files(request)
        except ServiceError as err:
            _LOGGER.debug("Could not check %s in the *arr: %s", request.title, err)
            present = None
        if present is False or request.finished:
            return
        for _, client in self._clients(JellyfinClient):
            try:
                items = await async_find_request_items(client, request)
            except ServiceError as err:
                _LOGGER.debug("Could not check %s in Jellyfin: %s", request.title, err)
                continue
            for item in items:
                runtime.apply(item, keep_orphan=False)

    def _clients[C](self, kind: type[C]) -> list[tuple[ServiceInstance, C]]:
        return [
            (i, i.client)
            for i in self._runtime.instances.values()
            if isinstance(i.client, kind)
        ]

    async def _async_radarr_has_file(self, request: Request) -> bool | None:
        if request.tmdb_id is None:
            return None
        for instance, client in self._clients(RadarrClient):
            movie = await client.async_get_movie_by_tmdb(request.tmdb_id)
            if movie is None:
                continue
            self._link(instance, movie.media())
            return movie.has_file
        # Seerr hands movies to Radarr: one Radarr lacks, is not on disk.
        return False if self._clients(RadarrClient) else None

    async def _async_sonarr_has_files(self, request: Request) -> bool | None:
        if request.tvdb_id is None:
            return None
        for instance, client in self._clients(SonarrClient):
            series = await client.async_get_series_by_tvdb(request.tvdb_id)
            if series is None:
                continue
            self._link(instance, series.media())
            episodes, present = await client.async_get_episodes_and_files(series.id)
            self._runtime.apply(
                SeriesEpisodes(
                    instance_id=instance.subentry_id,
                    series_id=series.id,
                    episodes=tuple(episodes),
                )
            )
            return any(in_requested_seasons(request, season) for season, _ in present)
        return False if self._clients(SonarrClient) else None

    def _link(self, instance: ServiceInstance, media: MediaRef) -> None:
        _, update = self._runtime.tracker.library.sync_arr_item(
            str(instance.service), instance.subentry_id, media
        )
        self._runtime.publish(update)
