"""The actions: schemas, permissions, which hub and request, translated errors.

What an action does to a request lives in `request_actions.py`, the library
sync in `library_sync.py`, the read-only answers in `core/views.py`; this
module turns a call into calls on the right hub and maps a failing service to
a translated error (`_translated_failures`). Destructive actions (delete,
sync, retry) are for administrators only; the read-only ones answer any user.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Final

from homeassistant.auth.permissions.const import POLICY_CONTROL
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
from homeassistant.helpers import config_validation as cv, entity_registry as er
from homeassistant.util import dt as dt_util
import probatio

from .const import DOMAIN
from .core.model import ALL_STATES
from .core.views import MAX_PAGE_SIZE, RequestFilter, deletion_log_page, requests_page
from .library_sync import async_sync_library
from .request_actions import UpstreamFailure, async_delete, async_retry, async_verify
from .runtime import HubRuntime, StatusTrackerConfigEntry

SERVICE_DELETE_REQUEST: Final = "delete_request"
SERVICE_SYNC_LIBRARY: Final = "sync_library"
SERVICE_RETRY_REQUEST: Final = "retry_request"
SERVICE_VERIFY_REQUEST: Final = "verify_request"
SERVICE_GET_REQUESTS: Final = "get_requests"
SERVICE_GET_DELETION_LOG: Final = "get_deletion_log"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_ENTITY_ID: Final = "entity_id"
ATTR_REQUEST_ID: Final = "request_id"
ATTR_DELETE_FILES: Final = "delete_files"
ATTR_STATUS: Final = "status"
ATTR_STAGES: Final = "stages"
ATTR_MEDIA_TYPE: Final = "media_type"
ATTR_REQUESTED_BY: Final = "requested_by"
ATTR_DETAILS: Final = "details"
ATTR_OFFSET: Final = "offset"
ATTR_LIMIT: Final = "limit"

DEFAULT_LIMIT: Final = 50
REQUEST_UNIQUE_ID_INFIX: Final = "_request_"

_ENTRY: Final = {probatio.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}
_TARGET: Final = {
    **_ENTRY,
    probatio.Optional(ATTR_ENTITY_ID): cv.entity_ids,
    probatio.Optional(ATTR_REQUEST_ID): probatio.All(cv.ensure_list, [cv.string]),
}
_PAGING: Final = {
    probatio.Optional(ATTR_OFFSET, default=0): probatio.All(
        probatio.Coerce(int), probatio.Range(min=0)
    ),
    probatio.Optional(ATTR_LIMIT, default=DEFAULT_LIMIT): probatio.All(
        probatio.Coerce(int), probatio.Range(min=1, max=MAX_PAGE_SIZE)
    ),
}

DELETE_SCHEMA: Final = probatio.Schema(
    {**_TARGET, probatio.Optional(ATTR_DELETE_FILES, default=True): cv.boolean}
)
TARGET_SCHEMA: Final = probatio.Schema(_TARGET)
SYNC_SCHEMA: Final = probatio.Schema(_ENTRY)
GET_REQUESTS_SCHEMA: Final = probatio.Schema(
    {
        **_ENTRY,
        probatio.Optional(ATTR_STATUS, default="active"): probatio.In(
            ["active", "finished", "all"]
        ),
        probatio.Optional(ATTR_STAGES, default=list): probatio.All(
            cv.ensure_list, [probatio.In(ALL_STATES)]
        ),
        probatio.Optional(ATTR_MEDIA_TYPE): probatio.In(["movie", "tv"]),
        probatio.Optional(ATTR_REQUESTED_BY): cv.string,
        probatio.Optional(ATTR_DETAILS, default=True): cv.boolean,
        **_PAGING,
    }
)
DELETION_LOG_SCHEMA: Final = probatio.Schema(
    {**_ENTRY, probatio.Optional(ATTR_REQUEST_ID): cv.string, **_PAGING}
)

type Handler = Callable[[ServiceCall], Coroutine[Any, Any, ServiceResponse]]


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, in async_setup)."""
    for name, handler, schema, admin, response in (
        (
            SERVICE_DELETE_REQUEST,
            _async_delete,
            DELETE_SCHEMA,
            True,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_SYNC_LIBRARY,
            _async_sync,
            SYNC_SCHEMA,
            True,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_RETRY_REQUEST,
            _async_retry,
            TARGET_SCHEMA,
            True,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_VERIFY_REQUEST,
            _async_verify,
            TARGET_SCHEMA,
            False,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_GET_REQUESTS,
            _async_get_requests,
            GET_REQUESTS_SCHEMA,
            False,
            SupportsResponse.ONLY,
        ),
        (
            SERVICE_GET_DELETION_LOG,
            _async_get_deletion_log,
            DELETION_LOG_SCHEMA,
            False,
            SupportsResponse.ONLY,
        ),
    ):
        hass.services.async_register(
            DOMAIN,
            name,
            _translated_failures(_admin_only(handler) if admin else handler),
            schema=schema,
            supports_response=response,
        )


def _translated_failures(handler: Handler) -> Handler:
    """Turn a service that failed while an action used it into a translated error."""

    async def translated(call: ServiceCall) -> ServiceResponse:
        try:
            return await handler(call)
        except UpstreamFailure as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="service_failed",
                translation_placeholders={
                    "title": err.instance.title,
                    "error": str(err.error),
                },
            ) from err

    return translated


def _admin_only(handler: Handler) -> Handler:
    """Refuse the call unless it comes from an administrator (or automation)."""

    async def checked(call: ServiceCall) -> ServiceResponse:
        if user_id := call.context.user_id:
            user = await call.hass.auth.async_get_user(user_id)
            if user is None:
                raise UnknownUser(
                    context=call.context, permission=POLICY_CONTROL, user_id=user_id
                )
            if not user.is_admin:
                raise Unauthorized(context=call.context, permission=POLICY_CONTROL)
        return await handler(call)

    return checked


# ------------------------------------------------------------------- targets


def _hubs(hass: HomeAssistant) -> dict[str, HubRuntime]:
    entries: list[StatusTrackerConfigEntry] = hass.config_entries.async_loaded_entries(
        DOMAIN
    )
    return {entry.entry_id: entry.runtime_data for entry in entries}


def _hub(call: ServiceCall) -> HubRuntime:
    """Return the hub a call names, or the only one."""
    hubs = _hubs(call.hass)
    if entry_id := call.data.get(ATTR_CONFIG_ENTRY_ID):
        if (hub := hubs.get(entry_id)) is None:
            entry = call.hass.config_entries.async_get_entry(entry_id)
            key = (
                "entry_not_loaded"
                if entry is not None
                and entry.domain == DOMAIN
                and entry.state is not ConfigEntryState.LOADED
                else "entry_not_found"
            )
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key=key,
                translation_placeholders={"entry_id": entry_id},
            )
        return hub
    if len(hubs) != 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="no_hub" if not hubs else "several_hubs",
        )
    return next(iter(hubs.values()))


def _targets(call: ServiceCall) -> list[tuple[HubRuntime, str]]:
    """Return (hub, request id) of every request a call targets."""
    hubs = _hubs(call.hass)
    if entry_id := call.data.get(ATTR_CONFIG_ENTRY_ID):
        hubs = {entry_id: _hub(call)}
    targets: dict[str, tuple[HubRuntime, str]] = {}
    registry = er.async_get(call.hass)
    for entity_id in call.data.get(ATTR_ENTITY_ID, ()):
        entity = registry.async_get(entity_id)
        hub = hubs.get(entity.config_entry_id or "") if entity else None
        prefix = f"{entity.config_entry_id}{REQUEST_UNIQUE_ID_INFIX}" if entity else ""
        if entity is None or hub is None or not entity.unique_id.startswith(prefix):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="not_a_request_entity",
                translation_placeholders={"entity_id": entity_id},
            )
        request_id = entity.unique_id.removeprefix(prefix)
        targets[request_id] = (hub, request_id)
    for request_id in call.data.get(ATTR_REQUEST_ID, ()):
        owner = next(
            (hub for hub in hubs.values() if hub.tracker.get(request_id)), None
        )
        if owner is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="request_not_found",
                translation_placeholders={"request_id": request_id},
            )
        targets[request_id] = (owner, request_id)
    if not targets:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_target"
        )
    return list(targets.values())


async def _async_user_name(call: ServiceCall) -> str | None:
    if not call.context.user_id:
        return None
    user = await call.hass.auth.async_get_user(call.context.user_id)
    return user.name if user else None


# ------------------------------------------------------------------ handlers


async def _async_delete(call: ServiceCall) -> ServiceResponse:
    targets = _targets(call)
    user = await _async_user_name(call)
    return {
        "requests": [
            await async_delete(
                runtime,
                request_id,
                delete_files=call.data[ATTR_DELETE_FILES],
                user=user,
            )
            for runtime, request_id in targets
        ]
    }


async def _async_sync(call: ServiceCall) -> ServiceResponse:
    return await async_sync_library(_hub(call))


async def _async_retry(call: ServiceCall) -> ServiceResponse:
    return {
        "requests": [
            await async_retry(runtime, request_id)
            for runtime, request_id in _targets(call)
        ]
    }


async def _async_verify(call: ServiceCall) -> ServiceResponse:
    return {
        "requests": [
            await async_verify(runtime, request_id)
            for runtime, request_id in _targets(call)
        ]
    }


async def _async_get_requests(call: ServiceCall) -> ServiceResponse:
    selected = RequestFilter(
        status=call.data[ATTR_STATUS],
        stages=frozenset(call.data[ATTR_STAGES]),
        media_type=call.data.get(ATTR_MEDIA_TYPE),
        requested_by=call.data.get(ATTR_REQUESTED_BY),
    )
    tracker = _hub(call).tracker
    return requests_page(
        tracker.summaries(),
        selected,
        dt_util.utcnow(),
        offset=call.data[ATTR_OFFSET],
        limit=call.data[ATTR_LIMIT],
        details=call.data[ATTR_DETAILS],
        read=tracker.peek,
    )


async def _async_get_deletion_log(call: ServiceCall) -> ServiceResponse:
    return deletion_log_page(
        _hub(call).tracker.deletion_log,
        request_id=call.data.get(ATTR_REQUEST_ID),
        offset=call.data[ATTR_OFFSET],
        limit=call.data[ATTR_LIMIT],
    )
