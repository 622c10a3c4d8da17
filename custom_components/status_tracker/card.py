"""Serve the Lovelace card and make it known to the frontend.

The built card (www/status-tracker-card.js in this package) is served from
a static path. In Lovelace storage mode it is added as a dashboard resource; the
resource URL carries a hash of the file so an upgrade busts browser caches, and
an existing resource of this card is updated, never duplicated. In YAML mode
(where resources are the user's) the card is loaded as an extra module URL.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Final

from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.components.lovelace.const import LOVELACE_DATA
from homeassistant.components.lovelace.resources import ResourceStorageCollection
from homeassistant.core import HomeAssistant
from homeassistant.helpers.start import async_at_started

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

CARD_FILE: Final = Path(__file__).parent / "www" / "status-tracker-card.js"
URL_BASE: Final = f"/{DOMAIN}"
CARD_URL: Final = f"{URL_BASE}/{CARD_FILE.name}"
DATA_CARD_URL: Final = f"{DOMAIN}_card_url"


def card_version(content: bytes) -> str:
    """Return the cache-busting version of the card: a hash of its content."""
    return hashlib.sha256(content).hexdigest()[:12]


def _is_card_url(url: str) -> bool:
    return url.split("?", 1)[0] == CARD_URL


async def async_setup_card(hass: HomeAssistant) -> None:
    """Serve the card and register it as a resource once the frontend runs."""
    if hass.data.get(DATA_CARD_URL):
        return
    try:
        content = await hass.async_add_executor_job(CARD_FILE.read_bytes)
    except OSError:
        _LOGGER.warning("The card is missing (%s); run script/build_card", CARD_FILE)
        return
    url = f"{CARD_URL}?v={card_version(content)}"
    hass.data[DATA_CARD_URL] = url
    if hass.http is not None:
        await hass.http.async_register_static_paths(
            [StaticPathConfig(URL_BASE, str(CARD_FILE.parent), cache_headers=True)]
        )

    async def register(hass: HomeAssistant) -> None:
        await async_register_card(hass, url)

    # Lovelace loads its resources lazily; by then every integration is set up.
    async_at_started(hass, register)


async def async_register_card(hass: HomeAssistant, url: str) -> None:
    """Add or update the card's Lovelace resource, or load it as an extra module."""
    resources = _storage_resources(hass)
    if resources is None:
        if "frontend" in hass.config.components:
            add_extra_js_url(hass, url)
        return
    if not resources.loaded:
        await resources.async_load()
        resources.loaded = True
    ours = [item for item in resources.async_items() if _is_card_url(item["url"])]
    if not ours:
        await resources.async_create_item({"res_type": "module", "url": url})
        _LOGGER.debug("Added the card's dashboard resource %s", url)
        return
    first, *duplicates = ours
    if first["url"] != url:
        await resources.async_update_item(first["id"], {"url": url})
        _LOGGER.debug("Updated the card's dashboard resource to %s", url)
    for item in duplicates:
        await resources.async_delete_item(item["id"])


def _storage_resources(hass: HomeAssistant) -> ResourceStorageCollection | None:
    """Return Lovelace's resource collection in storage mode, else None."""
    if "lovelace" not in hass.config.components:
        return None
    resources = getattr(hass.data.get(LOVELACE_DATA), "resources", None)
    return resources if isinstance(resources, ResourceStorageCollection) else None
