"""Build the API client of a configured service on Home Assistant's shared session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from .api import JellyfinClient, RadarrClient, SeerrClient, ServiceClient, SonarrClient
from .const import CONF_API_KEY, CONF_URL, CONF_VERIFY_SSL, ServiceType

API_KEY_CLIENTS: Final[dict[ServiceType, type[ServiceClient]]] = {
    ServiceType.SEERR: SeerrClient,
    ServiceType.SONARR: SonarrClient,
    ServiceType.RADARR: RadarrClient,
    ServiceType.JELLYFIN: JellyfinClient,
}


def create_client(
    hass: HomeAssistant, service: ServiceType, data: Mapping[str, Any]
) -> ServiceClient:
    """Return the client for a service from its subentry data."""
    session = async_get_clientsession(hass, verify_ssl=data.get(CONF_VERIFY_SSL, True))
    client_class: Any = API_KEY_CLIENTS[service]
    client: ServiceClient = client_class(session, data[CONF_URL], data[CONF_API_KEY])
    return client
