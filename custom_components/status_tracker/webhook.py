"""Webhook endpoints: one per webhook-sending service instance (config subentry).

Each request is checked before anything is stored: method, content type, size
and JSON, then the service's parser. Bad input gets a 4xx with a short message
and a debug log line that never contains the webhook id or the body.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from http import HTTPStatus
import json
import logging
from typing import Final

from aiohttp import hdrs, web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .api import JellyfinClient
from .clients import ServiceInstance
from .const import DOMAIN, MAX_WEBHOOK_BODY_BYTES
from .core.observations import Ignored, JellyfinItem, Observation
from .journal import JournalEntry
from .parsers import InvalidPayload, parse_webhook
from .runtime import HubRuntime, StatusTrackerConfigEntry

_LOGGER = logging.getLogger(__name__)

# Seerr, Sonarr and Radarr send application/json; Jellyfin's webhook plugin sends
# text/plain unless a Content-Type header is configured. A missing type is
# accepted because some proxies strip it.
ACCEPTED_CONTENT_TYPES: Final = frozenset(
    {"application/json", "text/json", "text/plain", "application/octet-stream"}
)
# Every method reaches the handler so a wrong one gets a clear 405 from us
# instead of Home Assistant's warning, which would log the webhook id.
REGISTERED_METHODS: Final = frozenset({hdrs.METH_POST, hdrs.METH_PUT, hdrs.METH_GET})

READ_CHUNK_BYTES: Final = 64 * 1024

type WebhookHandler = Callable[
    [HomeAssistant, str, web.Request], Awaitable[web.Response]
]


@callback
def async_register_webhooks(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry, hub: HubRuntime
) -> Callable[[], None]:
    """Register the webhook of every instance that has one.

    Returns the callback that unregisters them all (safe to call twice).
    """
    local_only = hub.options.webhook_local_only
    webhook_ids: list[str] = []
    for instance in hub.instances.values():
        if instance.webhook_id is None:
            continue
        webhook.async_register(
            hass,
            DOMAIN,
            f"{entry.title}: {instance.title}",
            instance.webhook_id,
            _handler(hub, instance),
            local_only=local_only,
            allowed_methods=REGISTERED_METHODS,
        )
        webhook_ids.append(instance.webhook_id)

    @callback
    def unregister() -> None:
        for webhook_id in webhook_ids:
            webhook.async_unregister(hass, webhook_id)

    return unregister


def _handler(hub: HubRuntime, instance: ServiceInstance) -> WebhookHandler:
    async def handle(
        hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        return await _async_handle(hub, instance, request)

    return handle


def _reply(status: HTTPStatus, message: str) -> web.Response:
    key = "status" if status is HTTPStatus.OK else "error"
    return web.json_response({key: message}, status=status)


def _refuse(
    instance: ServiceInstance, status: HTTPStatus, message: str
) -> web.Response:
    _LOGGER.debug("Refused %s webhook (%s): %s", instance.title, int(status), message)
    return _reply(status, message)


async def _async_read_limited(request: web.Request) -> bytes | None:
    """Read the whole body, or return None as soon as it exceeds the limit.

    A chunked body has no Content-Length, and one read() may return only part
    of it, so the body is read in pieces until its end.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_WEBHOOK_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _async_handle(
    hub: HubRuntime, instance: ServiceInstance, request: web.Request
) -> web.Response:
    """Validate, parse and apply one webhook delivery."""
    if request.method != hdrs.METH_POST:
        return _refuse(instance, HTTPStatus.METHOD_NOT_ALLOWED, "Only POST is accepted")
    if request.content_type not in ACCEPTED_CONTENT_TYPES and request.headers.get(
        hdrs.CONTENT_TYPE
    ):
        return _refuse(
            instance,
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"Content type {request.content_type} is not accepted; send JSON",
        )
    if (request.content_length or 0) > MAX_WEBHOOK_BODY_BYTES:
        return _refuse(instance, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Body too large")
    raw = await _async_read_limited(request)
    if raw is None:
        return _refuse(instance, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Body too large")
    try:
        body = json.loads(raw)
    except ValueError, RecursionError:
        return _refuse(instance, HTTPStatus.BAD_REQUEST, "Body is not valid JSON")
    try:
        observation = parse_webhook(instance.service, body, instance.subentry_id)
    except InvalidPayload as err:
        return _refuse(instance, HTTPStatus.BAD_REQUEST, str(err))
    hub.record_webhook(instance)
    if isinstance(observation, Ignored):
        _LOGGER.debug(
            "Ignored %s webhook %s: %s",
            instance.title,
            observation.event_type,
            observation.reason,
        )
        return _reply(HTTPStatus.OK, "ignored")
    # On disk before the 200: the service never sends it again (journal.py).
    seq = await hub.journal.async_append(instance.subentry_id, body, dt_util.utcnow())
    await hub.journal_replayed.wait()
    await _async_apply(hub, instance, observation)
    hub.journal.mark_applied(seq)
    return _reply(HTTPStatus.OK, "ok")


async def _async_apply(
    hub: HubRuntime,
    instance: ServiceInstance,
    observation: Observation,
    at: datetime | None = None,
) -> None:
    """Apply a webhook's observation, a Jellyfin episode with its series' ids."""
    if isinstance(observation, JellyfinItem) and isinstance(
        instance.client, JellyfinClient
    ):
        (observation,) = await hub.jellyfin_series.async_complete(
            [observation], instance.client
        )
    hub.apply(observation, at=at, replay=at is not None)


async def async_replay_journal(hub: HubRuntime) -> None:
    """Apply the journaled webhooks the snapshot lacks, then write a snapshot.

    They are parsed and applied as when they arrived, with their arrival time;
    deliveries of a service removed since are dropped.
    """
    backlog, hub.journal_backlog = hub.journal_backlog, []
    try:
        if backlog:
            await _async_apply_backlog(hub, backlog)
    finally:
        hub.journal_replayed.set()


async def _async_apply_backlog(hub: HubRuntime, backlog: list[JournalEntry]) -> None:
    for entry in backlog:
        instance = hub.instances.get(entry.instance_id)
        if instance is not None:
            try:
                observation = parse_webhook(
                    instance.service, entry.body, instance.subentry_id
                )
            except InvalidPayload as err:  # pragma: no cover - parsed once already
                _LOGGER.debug("Skipping journaled webhook %d: %s", entry.seq, err)
            else:
                await _async_apply(hub, instance, observation, entry.at)
                # The watermark: the snapshot may predate this webhook.
                last = hub.last_webhook.get(instance.subentry_id)
                if last is None or entry.at > last:
                    hub.last_webhook[instance.subentry_id] = entry.at
        hub.journal.mark_applied(entry.seq)
    _LOGGER.info("Applied %d webhooks received before the last stop", len(backlog))
    await hub.async_checkpoint()
