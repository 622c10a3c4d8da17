"""Status Tracker: follow media requests from Seerr to Jellyfin."""

from __future__ import annotations

from typing import Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import CONF_WEBHOOK_ID, DOMAIN
from .entity import hub_device_info
from .frontend import async_setup_frontend
from .hub import StatusTrackerConfigEntry, StatusTrackerHub
from .log_redaction import WEBHOOK_IDS
from .services import async_setup_services
from .store import RequestStore
from .webhook import async_register_webhooks
from .webhook_registration import (
    async_keep_registered,
    async_remove_for_entry,
    async_remove_for_removed_services,
)
from .websocket_api import async_setup_websocket_api

PLATFORMS: Final = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions: they exist even while no hub is loaded."""
    async_setup_services(hass)
    async_setup_websocket_api(hass)
    await async_setup_frontend(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry
) -> bool:
    """Load a hub: stored requests, entities, then the webhooks that feed them."""
    # Home Assistant's webhook and HTTP lines would show the ids (also while a
    # reload has them unregistered): they are masked for as long as the hub exists.
    WEBHOOK_IDS.keep(
        entry.entry_id,
        (s.data.get(CONF_WEBHOOK_ID, "") for s in entry.subentries.values()),
    )
    hub = StatusTrackerHub(hass, entry)
    await hub.async_setup()
    entry.runtime_data = hub
    # The hub's device first: the service devices name it as their parent.
    hub.device_id = (
        dr.async_get(hass)
        .async_get_or_create(config_entry_id=entry.entry_id, **hub_device_info(entry))
        .id
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # Webhooks only after the entities exist, so no change goes unseen.
    unregister_webhooks = async_register_webhooks(hass, entry, hub)
    hub.unregister_webhooks = unregister_webhooks
    entry.async_on_unload(unregister_webhooks)
    await hub.async_start()
    # Webhooks the user let the integration set up in the services themselves.
    async_keep_registered(hass, entry)
    # Adding, changing or removing a service (subentry) or an option reloads.
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry
) -> bool:
    """Unload a hub and write its data now."""
    # Stop taking webhooks first so nothing arrives after the final write.
    entry.runtime_data.unregister_webhooks()
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.async_shutdown()
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry
) -> None:
    """Delete the hub's stored requests and the webhooks it set up in services."""
    await async_remove_for_entry(hass, entry)
    await RequestStore(hass, entry.entry_id).async_remove()
    WEBHOOK_IDS.forget(entry.entry_id)


async def _async_reload(hass: HomeAssistant, entry: StatusTrackerConfigEntry) -> None:
    # The running hub still has the clients of services just removed.
    await async_remove_for_removed_services(entry)
    await hass.config_entries.async_reload(entry.entry_id)
