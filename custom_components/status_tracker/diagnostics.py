"""Diagnostics of a hub: configuration, counts and recent activity, secrets redacted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID
from .coordinator import QBittorrentCoordinator
from .runtime import HubRuntime, StatusTrackerConfigEntry

TO_REDACT: Final = {CONF_API_KEY, CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID}
# Timeline facts of the active requests shown, newest first.
RECENT_TRANSITIONS: Final = 50


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: StatusTrackerConfigEntry
) -> dict[str, Any]:
    """Return what helps to understand a hub's behaviour, with no secret."""
    hub = entry.runtime_data
    tracker = hub.tracker
    requests = list(tracker.read_all())
    recent = sorted(
        (
            {"request_id": request.id, **entry_.to_dict()}
            for request in [*tracker.active(), *tracker.recently_finished()]
            for entry_ in request.timeline
        ),
        key=lambda fact: str(fact["at"]),
        reverse=True,
    )[:RECENT_TRANSITIONS]
    return {
        "entry": {
            "title": entry.title,
            "version": entry.version,
            "options": dict(entry.options),
        },
        "services": [
            {
                "subentry_id": instance.subentry_id,
                "service": str(instance.service),
                "title": instance.title,
                "url": _without_credentials(instance.url),
                "data": async_redact_data(
                    {**instance.data, "url": _without_credentials(instance.url)},
                    TO_REDACT,
                ),
                "last_webhook": _iso(hub.last_webhook.get(instance.subentry_id)),
                # Seerr only: our webhook, core Seerr's events or the list only.
                "event_source": hub.seerr_sources.get(instance.subentry_id),
                "last_reconciliation": (
                    last.to_dict()
                    if (last := hub.reconciliations.get(instance.subentry_id))
                    else None
                ),
                "coordinator": _coordinator(hub, instance.subentry_id),
                "event_hub": _event_hub(hub, instance.subentry_id),
            }
            for instance in hub.instances.values()
        ],
        "requests": {
            "stored": len(tracker.requests),
            "active": sum(1 for _ in tracker.active()),
            "by_state": dict(sorted(Counter(str(r.state) for r in requests).items())),
            "by_origin": dict(sorted(Counter(r.origin for r in requests).items())),
            "with_problems": dict(
                sorted(Counter(kind for r in requests for kind in r.problems).items())
            ),
            "orphans": len(tracker.orphans),
            "deletion_log": len(tracker.deletion_log),
        },
        "recent_transitions": recent,
    }


def _coordinator(hub: HubRuntime, subentry_id: str) -> dict[str, Any] | None:
    coordinator = hub.coordinators.get(subentry_id)
    if coordinator is None:
        return None
    interval = coordinator.update_interval
    found: dict[str, Any] = {
        "last_update_success": coordinator.last_update_success,
        "update_interval_seconds": interval.total_seconds() if interval else None,
        "last_exception": type(coordinator.last_exception).__name__
        if coordinator.last_exception
        else None,
    }
    if isinstance(coordinator, QBittorrentCoordinator):
        # Each login starts a WebUI session (and a full sync answer): many
        # logins mean the session keeps expiring.
        found["session"] = {
            "logged_in": not coordinator.client.needs_login,
            "logins": coordinator.client.login_count,
        }
    return found


def _event_hub(hub: HubRuntime, subentry_id: str) -> dict[str, Any] | None:
    connection = hub.shoko_streams.get(subentry_id)
    if connection is None:
        return None
    return {
        "connected": connection.connected,
        "disconnected_since": _iso(connection.disconnected_since),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _without_credentials(url: str) -> str:
    """Drop a user:password@ part from a URL."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))
