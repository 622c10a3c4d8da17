"""What the delete, retry and verify actions do to one request of a hub.

Input checks that only need the request raise ServiceValidationError here; a
service that fails while acting raises `UpstreamFailure`, which the action
handlers (`services.py`) turn into a translated error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util

from .api import (
    Conflict,
    JellyfinClient,
    NotFound,
    RadarrClient,
    SeerrClient,
    SeerrRequest,
    ServiceError,
    SonarrClient,
)
from .api.seerr import SeerrRequestStatus
from .clients import ServiceInstance
from .const import DOMAIN, ServiceType
from .core.deletion_log import ServiceOutcome
from .core.lifecycle import in_requested_seasons, is_aired
from .core.model import Outcome, Request, Stage
from .core.observations import EpisodeRef, JellyfinItem, MediaType
from .jellyfin_lookup import async_find_request_items
from .runtime import HubRuntime
from .upstream_deletion import (
    async_delete_everywhere,
    deletion_services,
    describe_failures,
    is_partial,
)


class UpstreamFailure(Exception):
    """A service an action called failed (the handlers translate it)."""

    def __init__(self, instance: ServiceInstance, error: ServiceError) -> None:
        """Name the instance and keep the client's error."""
        super().__init__(f"{instance.title}: {error}")
        self.instance = instance
        self.error = error


def get_request(runtime: HubRuntime, request_id: str) -> Request:
    """Return a request of the hub, or raise a translated validation error."""
    request = runtime.tracker.get(request_id)
    if request is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="request_not_found",
            translation_placeholders={"request_id": request_id},
        )
    return request


# ------------------------------------------------------------------- delete


async def async_delete(
    runtime: HubRuntime, request_id: str, *, delete_files: bool, user: str | None
) -> dict[str, Any]:
    """Delete a request in every service and record it; return the results."""
    request = get_request(runtime, request_id)
    results = await async_delete_everywhere(
        request,
        deletion_services(runtime.instances.values()),
        delete_files=delete_files,
        others=runtime.tracker.related(request),
    )
    failed = [r for r in results if r.outcome is ServiceOutcome.FAILED]
    if failed and all(
        r.outcome in (ServiceOutcome.FAILED, ServiceOutcome.SKIPPED) for r in results
    ):
        # Nothing was removed anywhere (a skipped service removed nothing
        # either): the request is not deleted.
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="delete_failed",
            translation_placeholders={
                "title": request.title,
                "errors": describe_failures(failed),
            },
        )
    runtime.publish(
        runtime.tracker.delete_request(
            request_id, user=user, delete_files=delete_files, results=results
        )
    )
    return {
        "request_id": request.id,
        "title": request.title,
        "state": str(request.state),
        "delete_files": delete_files,
        "partial": is_partial(results),
        "results": [result.to_dict() for result in results],
    }


# ------------------------------------------------------------- verify, retry


async def async_verify(runtime: HubRuntime, request_id: str) -> dict[str, Any]:
    """Look the request up in Jellyfin now; report what was found and changed."""
    request = get_request(runtime, request_id)
    if not runtime.instances_of(ServiceType.JELLYFIN):
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="no_jellyfin"
        )
    state_before = request.state
    available_before = _available_units(request)
    items = await _async_apply_jellyfin(runtime, request)
    return {
        "request_id": request.id,
        "title": request.title,
        "found": [_item_view(item) for item in items],
        "state_before": str(state_before),
        "state": str(request.state),
        "newly_available": sorted(_available_units(request) - available_before),
        "changed": request.state != state_before
        or _available_units(request) != available_before,
    }


async def async_retry(runtime: HubRuntime, request_id: str) -> dict[str, Any]:
    """Check Jellyfin, then get what is still missing going again.

    Sonarr/Radarr search for it; a Seerr request that never reached them is
    handed to them again by Seerr.
    """
    request = get_request(runtime, request_id)
    state_before = request.state
    available_before = _available_units(request)
    if runtime.instances_of(ServiceType.JELLYFIN):
        await _async_apply_jellyfin(runtime, request)
    newly_available = sorted(_available_units(request) - available_before)
    answer: dict[str, Any] = {
        "request_id": request.id,
        "title": request.title,
        "state_before": str(state_before),
        "newly_available": newly_available,
        "search": None,
        "seerr_retry": None,
        "problems_cleared": [],
    }
    if request.state not in (Stage.AVAILABLE, Outcome.DELETED):
        if (seerr_id := _stuck_in_seerr(request)) is not None:
            answer["seerr_retry"] = await _async_seerr_retry(runtime, request, seerr_id)
        else:
            answer["search"] = await _async_search(runtime, request)
        cleared, update = runtime.tracker.clear_problems(request.id)
        runtime.publish(update)
        answer["problems_cleared"] = [str(kind) for kind in cleared]
    answer["state"] = str(request.state)
    return answer


async def _async_apply_jellyfin(
    runtime: HubRuntime, request: Request
) -> list[JellyfinItem]:
    """Find the request's playable items in Jellyfin and apply them."""
    found: list[JellyfinItem] = []
    for instance in runtime.instances_of(ServiceType.JELLYFIN):
        if not isinstance(client := instance.client, JellyfinClient):
            continue  # pragma: no cover - a Jellyfin instance has its client
        try:
            items = await async_find_request_items(client, request)
        except ServiceError as err:
            raise UpstreamFailure(instance, err) from err
        for item in items:
            runtime.apply(item, keep_orphan=False)
        found += items
    return found


async def _async_search(runtime: HubRuntime, request: Request) -> dict[str, Any]:
    """Start the *arr search for the request's missing movie or episodes."""
    instance = runtime.instances.get(request.arr_instance or "")
    if instance is None or request.arr_id is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_in_arr",
            translation_placeholders={"title": request.title},
        )
    client = instance.client
    try:
        if isinstance(client, RadarrClient):
            command = await client.async_search_movies([request.arr_id])
            return _search_view(instance, command, ["movie"])
        if not isinstance(client, SonarrClient):  # pragma: no cover - an *arr
            raise TypeError(client)
        missing = _missing_episodes(request, dt_util.utcnow())
        if not missing:
            return _search_view(instance, None, [])
        command = await client.async_search_episodes(
            [episode_id for _, episode_id in missing]
        )
    except ServiceError as err:
        raise UpstreamFailure(instance, err) from err
    return _search_view(instance, command, [label for label, _ in missing])


def _stuck_in_seerr(request: Request) -> int | None:
    """Return the Seerr request id of a request approved but never added to an *arr.

    Seerr does not hand such a request to Sonarr/Radarr again by itself
    (seerr-team/seerr#2843, docs/protocols.md §4.3). None for other requests.
    """
    return request.seerr_request_id if request.awaiting_arr else None


async def _async_seerr_retry(
    runtime: HubRuntime, request: Request, seerr_id: int
) -> dict[str, Any]:
    """Have Seerr hand the request to Sonarr/Radarr again.

    The request is read first, in each Seerr of the hub: only the one whose
    request is this media's is asked, and only while that request is approved
    (or failed). Older Seerrs retry whatever the status, which would approve
    again a request declined meanwhile.
    """
    for instance in runtime.instances_of(ServiceType.SEERR):
        if not isinstance(client := instance.client, SeerrClient):
            continue  # pragma: no cover - a Seerr instance has its client
        try:
            found = await client.async_get_request(seerr_id)
        except NotFound:
            continue
        except ServiceError as err:
            raise UpstreamFailure(instance, err) from err
        if not _is_request_of(found, request):
            continue
        if found.status not in (SeerrRequestStatus.APPROVED, SeerrRequestStatus.FAILED):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="seerr_request_not_approved",
                translation_placeholders={
                    "title": request.title,
                    "status": _seerr_status_name(found.status),
                },
            )
        try:
            await client.async_retry_request(seerr_id)
        except Conflict as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="seerr_retry_refused",
                translation_placeholders={
                    "title": request.title,
                    "instance": instance.title,
                },
            ) from err
        except ServiceError as err:
            raise UpstreamFailure(instance, err) from err
        return {
            "service": str(instance.service),
            "instance": instance.title,
            "seerr_request_id": seerr_id,
        }
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="not_in_seerr",
        translation_placeholders={"title": request.title},
    )


def _is_request_of(found: SeerrRequest, request: Request) -> bool:
    """Return True when a Seerr request is about the tracked request's media.

    Two Seerr servers number their requests alike.
    """
    media = found.media
    return (
        media is not None
        and found.media_type == str(request.media_type)
        and (request.tmdb_id is None or media.tmdb_id == request.tmdb_id)
    )


def _seerr_status_name(status: int | None) -> str:
    """Return "pending", "declined", "completed"... for a MediaRequestStatus."""
    if status is None or status not in SeerrRequestStatus:
        return "unknown"
    return SeerrRequestStatus(status).name.lower()


def _available_units(request: Request) -> set[str]:
    """Return what of a request is available: "movie" or episode keys."""
    if request.media_type is MediaType.MOVIE:
        return {"movie"} if request.movie.available_at else set()
    return {key for key, e in request.episodes.items() if e.available_at}


def _missing_episodes(request: Request, now: datetime) -> list[tuple[str, int]]:
    """Return (label, Sonarr episode id) of aired, requested, unavailable episodes."""
    return [
        (key, episode.arr_episode_id)
        for key, episode in sorted(request.episodes.items())
        if episode.arr_episode_id is not None
        and episode.available_at is None
        and in_requested_seasons(request, episode.season)
        and is_aired(episode, now)
    ]


def _item_view(item: JellyfinItem) -> dict[str, Any]:
    view: dict[str, Any] = {"item_id": item.item_id, "name": item.name}
    if item.season is not None:
        view["episode"] = EpisodeRef(item.season, item.episode or 0).key
    return view


def _search_view(
    instance: ServiceInstance, command_id: int | None, searched: list[str]
) -> dict[str, Any]:
    return {
        "service": str(instance.service),
        "instance": instance.title,
        "command_id": command_id,
        "searched": searched,
    }
