"""Websocket commands for the card: list, get, subscribe, deletion log.

Every user may read; destructive things go through the admin-only actions.
The subscription pushes what changed (one request's progress tick sends that
request only), so the card never polls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import websocket_command
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util
import probatio

from .const import DOMAIN
from .core.model import ALL_STATES, Request
from .core.views import (
    MAX_PAGE_SIZE,
    RequestFilter,
    deletion_log_page,
    request_view,
    requests_page,
)
from .runtime import HubRuntime, signal_changed, signal_removed

_ENTRY: Final[dict[str | probatio.Marker, Any]] = {
    probatio.Optional("config_entry_id"): cv.string
}
_PAGING: Final[dict[str | probatio.Marker, Any]] = {
    probatio.Optional("offset", default=0): probatio.All(int, probatio.Range(min=0)),
    probatio.Optional("limit", default=50): probatio.All(
        int, probatio.Range(min=1, max=MAX_PAGE_SIZE)
    ),
}


@callback
def async_setup_websocket_api(hass: HomeAssistant) -> None:
    """Register the commands (once, in async_setup)."""
    for command in (
        ws_list_requests,
        ws_get_request,
        ws_subscribe_requests,
        ws_deletion_log,
    ):
        async_register_command(hass, command)


def _hub(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> HubRuntime | None:
    """Return the hub a message names (or the only one); send an error if none."""
    entries = hass.config_entries.async_loaded_entries(DOMAIN)
    if entry_id := msg.get("config_entry_id"):
        entries = [e for e in entries if e.entry_id == entry_id]
    if len(entries) != 1:
        connection.send_error(
            msg["id"],
            ERR_NOT_FOUND,
            "No such hub" if not entries else "Several hubs: give config_entry_id",
        )
        return None
    hub: HubRuntime = entries[0].runtime_data
    return hub


@websocket_command(
    {
        probatio.Required("type"): "status_tracker/requests/list",
        **_ENTRY,
        probatio.Optional("status", default="active"): probatio.In(
            ["active", "finished", "all"]
        ),
        probatio.Optional("stages", default=list): [probatio.In(ALL_STATES)],
        probatio.Optional("media_type"): probatio.In(["movie", "tv"]),
        probatio.Optional("requested_by"): str,
        probatio.Optional("details", default=False): bool,
        **_PAGING,
    }
)
@callback
def ws_list_requests(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """List requests (active, or finished with filters), newest first, paged."""
    if (hub := _hub(hass, connection, msg)) is None:
        return
    selected = RequestFilter(
        status=msg["status"],
        stages=frozenset(msg["stages"]),
        media_type=msg.get("media_type"),
        requested_by=msg.get("requested_by"),
    )
    result = requests_page(
        hub.tracker.summaries(),
        selected,
        dt_util.utcnow(),
        offset=msg["offset"],
        limit=msg["limit"],
        details=msg["details"],
        read=hub.tracker.peek,
    )
    for view in result["requests"]:
        view["jellyfin_url"] = _jellyfin_url(hub, view["request_id"])
    connection.send_result(msg["id"], result)


@websocket_command(
    {
        probatio.Required("type"): "status_tracker/requests/get",
        **_ENTRY,
        probatio.Required("request_id"): str,
    }
)
@callback
def ws_get_request(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Return one request with its episodes and timeline."""
    if (hub := _hub(hass, connection, msg)) is None:
        return
    request = hub.tracker.get(msg["request_id"])
    if request is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, "No such request")
        return
    connection.send_result(msg["id"], _view(hub, request, details=True))


@websocket_command(
    {probatio.Required("type"): "status_tracker/requests/subscribe", **_ENTRY}
)
@callback
def ws_subscribe_requests(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Send the active requests, then each change as it happens."""
    if (hub := _hub(hass, connection, msg)) is None:
        return
    entry = hub.entry
    entry_id = entry.entry_id

    def views(request_ids: list[str]) -> list[dict[str, Any]]:
        # The entry's current hub: a reload replaces it, the signals stay.
        current: HubRuntime = entry.runtime_data
        now = dt_util.utcnow()
        found = []
        for request_id in request_ids:
            request = current.tracker.get(request_id)
            if request is not None and current.tracker.is_listed(request_id):
                found.append(_view(current, request, details=False, now=now))
        return found

    @callback
    def changed(request_ids: list[str]) -> None:
        if updated := views(request_ids):
            connection.send_event(msg["id"], {"changed": updated})

    @callback
    def removed(request_ids: list[str]) -> None:
        connection.send_event(msg["id"], {"removed": list(request_ids)})

    unsubscribers = [
        async_dispatcher_connect(hass, signal_changed(entry_id), changed),
        async_dispatcher_connect(hass, signal_removed(entry_id), removed),
    ]

    @callback
    def unsubscribe() -> None:
        for unsub in unsubscribers:
            unsub()

    connection.subscriptions[msg["id"]] = unsubscribe
    connection.send_result(msg["id"])
    connection.send_event(
        msg["id"],
        {"requests": views([r.id for r in hub.visible_requests()]), "initial": True},
    )


@websocket_command(
    {
        probatio.Required("type"): "status_tracker/deletion_log",
        **_ENTRY,
        probatio.Optional("request_id"): str,
        **_PAGING,
    }
)
@callback
def ws_deletion_log(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Return the deletion log, newest first, paged."""
    if (hub := _hub(hass, connection, msg)) is None:
        return
    connection.send_result(
        msg["id"],
        deletion_log_page(
            hub.tracker.deletion_log,
            request_id=msg.get("request_id"),
            offset=msg["offset"],
            limit=msg["limit"],
        ),
    )


def _view(
    hub: HubRuntime,
    request: Request,
    *,
    details: bool,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Return a request's view with its "watch in Jellyfin" link."""
    view = request_view(request, now or dt_util.utcnow(), details=details)
    view["jellyfin_url"] = hub.jellyfin_link(request)
    return view


def _jellyfin_url(hub: HubRuntime, request_id: str) -> str | None:
    # Read only: listing history must not keep its requests built.
    return hub.jellyfin_link(hub.tracker.peek(request_id))
