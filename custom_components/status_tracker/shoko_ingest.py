"""Shoko's SignalR events into the tracker: one event stream per Shoko Server.

A file event names the file by its path relative to a Shoko import folder; the
folder's own path is read from Shoko's API (cached, read again on a miss) so
the tracker can match the full path the *arr reported.
"""

from __future__ import annotations

from dataclasses import replace
import importlib
import logging
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .api import ServiceError, ShokoClient
from .clients import ServiceInstance
from .const import CONF_API_KEY, DOMAIN
from .core.observations import ShokoFile
from .parsers import InvalidPayload
from .parsers.shoko import parse_shoko_event
from .repairs import issue_id_shoko_down
from .runtime import HubRuntime, signal_shoko_state

_LOGGER = logging.getLogger(__name__)


async def async_start_shoko(runtime: HubRuntime) -> None:
    """Connect to the event stream of every Shoko Server of the hub.

    The streams stop when the hub unloads.
    """
    shoko = [
        (instance, instance.client)
        for instance in runtime.instances.values()
        if isinstance(instance.client, ShokoClient)
    ]
    if not shoko:
        return
    # pysignalr patches the websockets package when imported, so it is loaded
    # only for hubs that have a Shoko, in the import executor.
    module = await runtime.hass.async_add_import_executor_job(
        importlib.import_module, f"{__package__}.shoko_events"
    )
    for instance, client in shoko:
        ingest = ShokoIngest(runtime, instance, client)
        stream = module.ShokoEventStream(
            client.signalr_url,
            instance.data[CONF_API_KEY],
            ingest.async_handle,
            ingest.state_changed,
            logger=_LOGGER,
            create_task=lambda coro, title=instance.title: (
                runtime.entry.async_create_background_task(
                    runtime.hass, coro, f"Shoko event hub {title}"
                )
            ),
        )
        runtime.shoko_streams[instance.subentry_id] = stream
        runtime.on_shutdown(stream.async_stop)
        await stream.async_start()


class ShokoIngest:
    """Turns one Shoko Server's events into observations for the tracker."""

    def __init__(
        self, runtime: HubRuntime, instance: ServiceInstance, client: ShokoClient
    ) -> None:
        """Ingest the events of `instance` into `runtime`."""
        self._runtime = runtime
        self._instance = instance
        self._client = client
        # Import folder id -> path (read on a miss).
        self._import_folders: dict[int, str] = {}

    @callback
    def state_changed(self, connected: bool) -> None:
        """Clear the repair once connected; tell the diagnostic entity."""
        subentry_id = self._instance.subentry_id
        if connected:
            ir.async_delete_issue(
                self._runtime.hass, DOMAIN, issue_id_shoko_down(subentry_id)
            )
        async_dispatcher_send(self._runtime.hass, signal_shoko_state(subentry_id))

    async def async_handle(self, target: str, arguments: Any) -> None:
        """Apply one event, completing the file's path from its import folder."""
        try:
            observations = parse_shoko_event(
                target, arguments, self._instance.subentry_id
            )
        except InvalidPayload as err:
            _LOGGER.debug("Ignored Shoko event %s: %s", target, err)
            return
        for observation in observations:
            if isinstance(observation, ShokoFile) and observation.relative_path:
                folder = await self._async_import_folder(observation.import_folder_id)
                if folder is not None:
                    path = f"{folder.rstrip('/')}/{observation.relative_path}"
                    self._runtime.apply(replace(observation, full_path=path))
                    continue
            self._runtime.apply(observation)

    async def _async_import_folder(self, folder_id: int | None) -> str | None:
        """Return an import folder's path; the list is read again on a miss."""
        if folder_id is None:
            return None
        if folder_id not in self._import_folders:
            try:
                self._import_folders = await self._client.async_get_import_folders()
            except ServiceError as err:
                _LOGGER.debug("Could not read Shoko import folders: %s", err)
                return None
        return self._import_folders.get(folder_id)
