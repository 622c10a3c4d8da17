"""The configured service instances: their API clients, built and health-checked."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import (
    async_create_clientsession,
    async_get_clientsession,
)

from .api import (
    ArrClient,
    JellyfinClient,
    QBittorrentClient,
    RadarrClient,
    SeerrClient,
    ServiceClient,
    ShokoClient,
    SonarrClient,
)
from .const import (
    CONF_API_KEY,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
    CONF_WEBHOOK_ID,
    ServiceType,
)

API_KEY_CLIENTS: Final[dict[ServiceType, type[ServiceClient]]] = {
    ServiceType.SEERR: SeerrClient,
    ServiceType.SONARR: SonarrClient,
    ServiceType.RADARR: RadarrClient,
    ServiceType.JELLYFIN: JellyfinClient,
    ServiceType.SHOKO: ShokoClient,
}
SUPPORTED_SERVICES: Final = frozenset({*API_KEY_CLIENTS, ServiceType.QBITTORRENT})


@dataclass(slots=True)
class ServiceInstance:
    """One configured upstream service (a config subentry) and its client."""

    subentry_id: str
    service: ServiceType
    title: str
    url: str
    client: ServiceClient
    webhook_id: str | None
    data: dict[str, Any]


def service_instance(hass: HomeAssistant, subentry: ConfigSubentry) -> ServiceInstance:
    """Return the instance a subentry configures, with its client."""
    service = ServiceType(subentry.subentry_type)
    return ServiceInstance(
        subentry_id=subentry.subentry_id,
        service=service,
        title=subentry.title,
        url=subentry.data[CONF_URL],
        client=create_client(hass, service, subentry.data),
        webhook_id=subentry.data.get(CONF_WEBHOOK_ID),
        data=dict(subentry.data),
    )


def _jarless_session(
    hass: HomeAssistant, verify_ssl: bool, *, auto_cleanup: bool = True
) -> aiohttp.ClientSession:
    """Return a session on Home Assistant's connector, without a cookie jar.

    qBittorrent's client keeps its session cookie itself. Any cookie in a jar for
    the same host (another integration's, a proxy's) makes aiohttp rebuild the
    request's Cookie header and quote the session id, which qBittorrent refuses;
    and a shared jar would hand one qBittorrent's cookie to another on the same
    host (both name it SID) and to other integrations.
    """
    return async_create_clientsession(
        hass,
        verify_ssl=verify_ssl,
        auto_cleanup=auto_cleanup,
        cookie_jar=aiohttp.DummyCookieJar(),
    )


@asynccontextmanager
async def async_check_session(
    hass: HomeAssistant, service: ServiceType, verify_ssl: bool
) -> AsyncIterator[aiohttp.ClientSession]:
    """Yield the session a config flow checks a service with.

    Home Assistant's shared session, except for qBittorrent: a session without a
    jar (see `_jarless_session`), detached from the connector afterwards.
    """
    if service is not ServiceType.QBITTORRENT:
        yield async_get_clientsession(hass, verify_ssl=verify_ssl)
        return
    session = _jarless_session(hass, verify_ssl, auto_cleanup=False)
    try:
        yield session
    finally:
        session.detach()


def create_client(
    hass: HomeAssistant, service: ServiceType, data: Mapping[str, Any]
) -> ServiceClient:
    """Return the client for a service from its subentry data.

    Clients share Home Assistant's session, except qBittorrent's, which gets its
    own without a cookie jar (see `_jarless_session`), closed when the entry
    unloads.
    """
    verify_ssl = data.get(CONF_VERIFY_SSL, True)
    if service is ServiceType.QBITTORRENT:
        return QBittorrentClient(
            _jarless_session(hass, verify_ssl),
            data[CONF_URL],
            username=data.get(CONF_USERNAME, ""),
            password=data.get(CONF_PASSWORD, ""),
            api_key=data.get(CONF_API_KEY) or None,
        )
    session = async_get_clientsession(hass, verify_ssl=verify_ssl)
    client_class: Any = API_KEY_CLIENTS[service]
    client: ServiceClient = client_class(session, data[CONF_URL], data[CONF_API_KEY])
    return client


async def async_check_health(client: ServiceClient) -> None:
    """Make the cheapest call that proves the service answers and accepts us.

    qBittorrent needs none: its poll is the check. Raises the client's errors (InvalidAuth when the credentials stopped working).
    """
    match client:
        case SeerrClient():
            await client.async_check_auth()
        case ArrClient():
            await client.async_get_system_status()
        case JellyfinClient():
            await client.async_get_system_info()
        case ShokoClient():
            await client.async_get_import_folders()
