"""Status Tracker: follow media requests from Seerr to Jellyfin."""

from __future__ import annotations

from functools import partial
from typing import Final

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .card import async_setup_card
from .catch_up import CatchUp
from .const import CONF_WEBHOOK_ID, DOMAIN
from .core_seerr import CoreSeerrBridge
from .deletion_propagation import async_subscribe_deletion_propagation
from .entity import hub_device_info
from .episode_lists import EpisodeLists
from .journal import WebhookJournal, journal_path
from .log_redaction import WEBHOOK_IDS
from .maintenance import Maintenance
from .presence_checks import PresenceChecks
from .reconciliation import Reconciliation
from .runtime import HubRuntime, StatusTrackerConfigEntry
from .services import async_setup_services
from .shoko_ingest import async_start_shoko
from .store import RequestStore
from .webhook import async_register_webhooks, async_replay_journal
from .webhook_registration import (
    async_keep_registered,
    async_remove_for_entry,
    async_remove_for_removed_services,
    async_take_seerr_webhook,
)
from .websocket_api import async_setup_websocket_api

PLATFORMS: Final = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions: they exist even while no hub is loaded."""
    async_setup_services(hass)
    async_setup_websocket_api(hass)
    await async_setup_card(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry
) -> bool:
    """Load a hub: stored requests, entities, then what feeds and watches them."""
    # Home Assistant's webhook and HTTP lines would show the ids (also while a
    # reload has them unregistered): they are masked for as long as the hub exists.
    WEBHOOK_IDS.keep(
        entry.entry_id,
        (s.data.get(CONF_WEBHOOK_ID, "") for s in entry.subentries.values()),
    )
    runtime = HubRuntime(hass, entry)
    await runtime.async_load()
    entry.runtime_data = runtime
    # The hub's device first: the service devices name it as their parent.
    runtime.device_id = (
        dr.async_get(hass)
        .async_get_or_create(config_entry_id=entry.entry_id, **hub_device_info(entry))
        .id
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    # The reactions to tracker updates, before anything can publish one.
    episode_lists = EpisodeLists(runtime)
    episode_lists.subscribe()
    PresenceChecks(runtime).subscribe()
    async_subscribe_deletion_propagation(runtime)
    # Webhooks only after the entities exist, so no change goes unseen.
    runtime.unregister_webhooks = async_register_webhooks(hass, entry, runtime)
    entry.async_on_unload(runtime.unregister_webhooks)
    runtime.async_start()
    entry.async_create_background_task(
        hass, async_replay_journal(runtime), "Status Tracker webhook journal"
    )
    await async_start_shoko(runtime)
    catch_up = CatchUp(runtime)
    runtime.on_shutdown(catch_up.cancel)
    reconciliation = Reconciliation(runtime)
    runtime.on_shutdown(reconciliation.cancel)
    reconciliation.async_start()
    Maintenance(runtime, episode_lists, catch_up).async_start()
    # Seerr's events through Home Assistant's Seerr integration, if it has them.
    core_seerr = CoreSeerrBridge(
        runtime,
        register=partial(async_take_seerr_webhook, hass, entry),
        read_list=lambda subentry_id: reconciliation.schedule([subentry_id]),
    )
    core_seerr.async_start()
    # Webhooks the user let the integration set up in the services themselves.
    async_keep_registered(hass, entry, left_to_others=core_seerr.claims)
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
    await WebhookJournal(hass, journal_path(hass, entry.entry_id)).async_remove()
    WEBHOOK_IDS.forget(entry.entry_id)


async def _async_reload(hass: HomeAssistant, entry: StatusTrackerConfigEntry) -> None:
    # The running hub still has the clients of services just removed.
    await async_remove_for_removed_services(entry)
    await hass.config_entries.async_reload(entry.entry_id)
