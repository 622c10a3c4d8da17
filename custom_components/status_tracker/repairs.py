"""Repairs of a hub, checked every minute; each clears itself once fixed.

- a service unreachable for long (its health check or poll keeps failing);
- a webhook source silent while requests wait on it (the webhook is probably
  missing or wrong in that service);
- Seerr's events missing: requests Seerr made reached the hub (from the *arr
  or Seerr's request list) but no Seerr event came by any path for long;
- a Shoko event stream down for long.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from homeassistant.core import callback
from homeassistant.helpers import issue_registry as ir

from .const import DOMAIN, ServiceType
from .core.model import Stage
from .runtime import HubRuntime, issue_id_unreachable

UNREACHABLE_REPAIR_AFTER: Final = timedelta(minutes=30)
# Seerr requests this old with no Seerr event since mean its events are lost.
SEERR_SILENT_AFTER: Final = timedelta(hours=1)
SHOKO_DOWN_REPAIR_AFTER: Final = timedelta(minutes=15)
# The stage in which a request waits for a webhook of this kind of service:
# a finished download waits for the *arr's import, an import for Jellyfin.
WAITING_STAGE: Final = {
    ServiceType.SONARR: Stage.DOWNLOADED,
    ServiceType.RADARR: Stage.DOWNLOADED,
    ServiceType.JELLYFIN: Stage.IMPORTING,
}


def issue_id_webhook_silent(subentry_id: str) -> str:
    """Return the repair issue id of a silent webhook source."""
    return f"webhook_silent_{subentry_id}"


def issue_id_seerr_silent(subentry_id: str) -> str:
    """Return the repair issue id of a Seerr whose events do not arrive."""
    return f"seerr_silent_{subentry_id}"


def issue_id_shoko_down(subentry_id: str) -> str:
    """Return the repair issue id for a Shoko event stream down for long."""
    return f"shoko_hub_down_{subentry_id}"


@callback
def async_check_repairs(runtime: HubRuntime, now: datetime) -> None:
    """Raise or clear the hub's repairs."""
    _check_unreachable(runtime, now)
    _check_silent_webhooks(runtime, now)
    _check_silent_seerr(runtime, now)
    _check_shoko_streams(runtime, now)


def _issue(
    runtime: HubRuntime,
    issue_id: str,
    translation_key: str,
    placeholders: dict[str, str],
    *,
    raised: bool,
) -> None:
    if raised:
        ir.async_create_issue(
            runtime.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders=placeholders,
        )
    else:
        ir.async_delete_issue(runtime.hass, DOMAIN, issue_id)


def _check_unreachable(runtime: HubRuntime, now: datetime) -> None:
    for subentry_id, coordinator in runtime.coordinators.items():
        since = runtime.unreachable_since.get(subentry_id)
        _issue(
            runtime,
            issue_id_unreachable(subentry_id),
            "service_unreachable",
            {"title": coordinator.instance.title},
            # Refused credentials have their own repair (and polling stopped).
            raised=since is not None
            and now - since >= UNREACHABLE_REPAIR_AFTER
            and coordinator.update_interval is not None,
        )


def _check_silent_webhooks(runtime: HubRuntime, now: datetime) -> None:
    thresholds = runtime.options.stall_thresholds
    for instance in runtime.instances.values():
        stage = WAITING_STAGE.get(instance.service)
        if stage is None:
            continue
        limit = (now - thresholds[stage]).isoformat()
        waiting = [
            request
            for request in runtime.tracker.active()
            if request.state == stage
            and (request.stage_since or request.created_at) <= limit
            and (
                request.arr_instance == instance.subentry_id
                if instance.service is not ServiceType.JELLYFIN
                # Anime waits for Shoko in that stage, not for Jellyfin.
                else not request.is_anime
            )
        ]
        last = runtime.last_webhook.get(instance.subentry_id)
        oldest = min((r.stage_since or r.created_at for r in waiting), default=None)
        _issue(
            runtime,
            issue_id_webhook_silent(instance.subentry_id),
            "webhook_silent",
            {
                "title": instance.title,
                "count": str(len(waiting)),
                "stage": str(stage),
            },
            raised=oldest is not None and (last is None or last.isoformat() < oldest),
        )


def _check_silent_seerr(runtime: HubRuntime, now: datetime) -> None:
    """Requests Seerr made, none of whose events came by webhook or core's entity."""
    for instance in runtime.instances_of(ServiceType.SEERR):
        last = runtime.last_webhook.get(instance.subentry_id)
        limit = (now - SEERR_SILENT_AFTER).isoformat()
        unheard = [
            request
            for request in runtime.tracker.active()
            if request.seerr_request_id is not None
            and request.created_at <= limit
            and (last is None or last.isoformat() < request.created_at)
        ]
        _issue(
            runtime,
            issue_id_seerr_silent(instance.subentry_id),
            "seerr_silent",
            {"title": instance.title, "count": str(len(unheard))},
            raised=bool(unheard),
        )


def _check_shoko_streams(runtime: HubRuntime, now: datetime) -> None:
    for subentry_id, connection in runtime.shoko_streams.items():
        since = connection.disconnected_since
        if since is not None and now - since >= SHOKO_DOWN_REPAIR_AFTER:
            _issue(
                runtime,
                issue_id_shoko_down(subentry_id),
                "shoko_hub_down",
                {"title": runtime.instances[subentry_id].title},
                raised=True,
            )
