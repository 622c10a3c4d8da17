"""Client for Seerr (and its forks Jellyseerr and Overseerr), REST base ``/api/v1``.

Facts (docs/protocols.md §4.2, seerr-team/seerr ``server/routes/request.ts``,
``media.ts``, ``movie.ts``, ``tv.ts``; entities in ``server/entity/``):
- ``GET /api/v1/request/{id}`` answers one MediaRequest (``media`` and ``seasons``
  are eager relations, ``requestedBy``/``modifiedBy`` are loaded) or 404.
- ``DELETE /api/v1/request/{id}`` and ``DELETE /api/v1/media/{id}`` answer 204,
  or 404 when the row does not exist. Deleting a media row removes its requests.
- ``GET /api/v1/request?take=&skip=&sort=added&filter=all`` answers ``{"pageInfo":
  {"pages", "pageSize", "results", "page"}, "results": [MediaRequest]}``.
- ``GET /api/v1/movie/{tmdbId}`` / ``GET /api/v1/tv/{tmdbId}`` answer TMDB details
  with ``mediaInfo`` (the Media row) only when Seerr knows the title.
- ``GET /api/v1/settings/notifications/webhook`` answers the webhook agent with
  ``options.jsonPayload`` decoded once: the template text. ``POST`` of the same
  path replaces the whole agent and ``POST .../webhook/test`` sends a
  TEST_NOTIFICATION with the posted settings, answering 204 when the target
  answered 2xx and 500 otherwise (``server/routes/settings/notifications.ts``).
  Both POSTs expect ``jsonPayload`` JSON-encoded once more (docs/protocols.md §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import logging
from typing import Any, Final

from ..parsers.fields import JsonObject
from .client import ApiKeyClient, positive_id, read_answer
from .errors import UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

REQUEST_PATH: Final = "/api/v1/request"
MEDIA_PATH: Final = "/api/v1/media"
WEBHOOK_SETTINGS_PATH: Final = "/api/v1/settings/notifications/webhook"
# Seerr's MediaType values, which are also the lookup routes' names.


@dataclass(frozen=True, slots=True)
class SeerrStatus:
    """What ``GET /api/v1/status`` reports."""

    version: str
    commit_tag: str | None = None


@dataclass(frozen=True, slots=True)
class SeerrMedia:
    """A Seerr Media row (``server/entity/Media.ts``).

    `status` is the MediaStatus number: 1 UNKNOWN, 2 PENDING, 3 PROCESSING,
    4 PARTIALLY_AVAILABLE, 5 AVAILABLE, 6 BLOCKLISTED, 7 DELETED.
    """

    id: int
    media_type: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    status: int | None = None
    # Jellyfin item id (N form) once Seerr's availability sync found the title.
    jellyfin_media_id: str | None = None
    # Radarr movie id / Sonarr series id.
    external_service_id: int | None = None
    # Requests of this media; only the movie/tv lookups include them.
    request_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class SeerrRequest:
    """A Seerr MediaRequest (``server/entity/MediaRequest.ts``).

    `status` is the MediaRequestStatus number: 1 PENDING, 2 APPROVED,
    3 DECLINED, 4 FAILED, 5 COMPLETED.
    """

    id: int
    status: int | None = None
    # "movie" or "tv".
    media_type: str | None = None
    is_4k: bool = False
    media: SeerrMedia | None = None
    # requestedBy.displayName (what the webhook calls requestedBy_username).
    requested_by: str | None = None
    # Requested season numbers (tv only).
    seasons: tuple[int, ...] = ()
    created_at: str | None = None


@dataclass(frozen=True, slots=True)
class SeerrWebhookSettings:
    """Seerr's webhook notification agent (it has exactly one).

    `template` is the JSON payload template as text, as GET answers it; the
    client encodes it once more when sending (``jsonPayload`` is a JSON string
    literal whose content is JSON). `types` is the notification bitmask.
    """

    enabled: bool
    types: int
    webhook_url: str
    template: str
    auth_header: str = ""


class SeerrClient(ApiKeyClient):
    """Seerr client authenticating with the ``X-Api-Key`` header (acts as the admin)."""

    service_name = "Seerr"

    async def async_get_status(self) -> SeerrStatus:
        """Return the server version. The endpoint is public: it proves reachability only."""
        answer = await self._async_get_json("/api/v1/status")
        with read_answer(answer, "status") as data:
            return SeerrStatus(
                version=data.require_str("version"),
                commit_tag=data.loose_str("commitTag"),
            )

    async def async_check_auth(self) -> None:
        """Raise InvalidAuth unless the API key is accepted (``GET /api/v1/auth/me``)."""
        answer = await self._async_get_json("/api/v1/auth/me")
        with read_answer(answer, "current user"):
            pass  # Any user object will do: its fields are not needed.

    async def async_validate(self) -> SeerrStatus:
        """Check that the server answers and accepts the key; return its status."""
        status = await self.async_get_status()
        await self.async_check_auth()
        return status

    # -- webhook agent ----------------------------------------------------------

    async def async_get_webhook_settings(self) -> SeerrWebhookSettings:
        """Return the webhook agent's settings (admin; the API key acts as user 1)."""
        answer = await self._async_get_json(WEBHOOK_SETTINGS_PATH)
        with read_answer(answer, "webhook settings") as data:
            options = data.loose_object("options") or JsonObject({})
            return SeerrWebhookSettings(
                enabled=data.loose_bool("enabled") is True,
                types=data.loose_int("types", minimum=0) or 0,
                webhook_url=options.loose_str("webhookUrl") or "",
                # GET decodes the stored payload once: normally the template text.
                template=options.loose_str("jsonPayload") or "",
                auth_header=options.loose_str("authHeader") or "",
            )

    async def async_set_webhook_settings(self, settings: SeerrWebhookSettings) -> None:
        """Replace the webhook agent's settings (``POST .../webhook``)."""
        await self._async_request(
            "POST", WEBHOOK_SETTINGS_PATH, json_body=_webhook_body(settings)
        )

    async def async_test_webhook_settings(self, settings: SeerrWebhookSettings) -> None:
        """Make Seerr send a TEST_NOTIFICATION with these settings, unsaved.

        The route needs a user: the API key provides one (Seerr's auth middleware
        loads user 1 for it, ``server/middleware/auth.ts``). It answers 204 once
        the target accepted the post, else 500 (UnexpectedResponse here).
        """
        await self._async_request(
            "POST", f"{WEBHOOK_SETTINGS_PATH}/test", json_body=_webhook_body(settings)
        )

    # -- requests and media -----------------------------------------------------

    async def async_get_request(self, request_id: int) -> SeerrRequest:
        """Return one request (``GET /api/v1/request/{id}``); NotFound if unknown."""
        positive_id(request_id, "request_id")
        data = await self._async_get_json(
            f"{REQUEST_PATH}/{request_id}", not_found=True
        )
        request = _parse_request(JsonObject.loose(data))
        if request is None:
            raise UnexpectedResponse(
                self._describe(
                    "GET", f"{REQUEST_PATH}/{request_id}", "did not answer a request"
                )
            )
        return request

    async def async_get_requests_page(
        self, *, take: int, skip: int
    ) -> tuple[list[SeerrRequest], int]:
        """Return one page of requests, oldest first, and the number of pages.

        ``GET /api/v1/request?take=&skip=&sort=added&sortDirection=asc
        &filter=all``. Ascending creation order keeps pages stable while new
        requests arrive (they go to the last page). Malformed elements are skipped.
        Raise ValueError for `take` below 1 or a negative `skip`.
        """
        if isinstance(take, bool) or take < 1 or isinstance(skip, bool) or skip < 0:
            raise ValueError("take must be >= 1 and skip >= 0")
        answer = await self._async_get_json(
            REQUEST_PATH,
            params={
                "take": str(take),
                "skip": str(skip),
                "sort": "added",
                "sortDirection": "asc",
                "filter": "all",
            },
        )
        with read_answer(answer, "request list") as data:
            pages = data.require_object("pageInfo").loose_int("pages", minimum=0)
            results = data.loose_list("results")
        if pages is None or results is None:
            raise UnexpectedResponse(
                self._describe("GET", REQUEST_PATH, "did not answer a request list")
            )
        requests: list[SeerrRequest] = []
        for element in results:
            if (request := _parse_request(JsonObject.loose(element))) is None:
                _LOGGER.debug("Skipping a malformed Seerr request")
                continue
            requests.append(request)
        return requests, pages

    async def async_delete_request(self, request_id: int) -> None:
        """Delete a request (``DELETE /api/v1/request/{id}``); NotFound if unknown.

        Only Seerr's record goes; Radarr/Sonarr and the files are not touched.
        """
        positive_id(request_id, "request_id")
        await self._async_request(
            "DELETE", f"{REQUEST_PATH}/{request_id}", not_found=True
        )

    async def async_delete_media(self, media_id: int) -> None:
        """Delete a media row and its requests (``DELETE /api/v1/media/{id}``).

        This resets the title to "not requested" in Seerr; nothing is deleted in
        Radarr/Sonarr or on disk. NotFound if the media does not exist.
        """
        positive_id(media_id, "media_id")
        await self._async_request("DELETE", f"{MEDIA_PATH}/{media_id}", not_found=True)


def _webhook_body(settings: SeerrWebhookSettings) -> dict[str, Any]:
    """Return the body Seerr's webhook routes take.

    ``jsonPayload`` is the template text JSON-encoded once more: the route checks
    it with one ``JSON.parse`` and the agent parses it twice when sending, so
    plain template text would be accepted here and fail at every notification.
    """
    return {
        "enabled": settings.enabled,
        "embedPoster": True,
        "types": settings.types,
        "options": {
            "webhookUrl": settings.webhook_url,
            "jsonPayload": json.dumps(settings.template),
            "authHeader": settings.auth_header,
            "supportVariables": False,
        },
    }


def _parse_media(data: JsonObject | None) -> SeerrMedia | None:
    """Return one Media object, or None without an id."""
    if data is None or (media_id := data.loose_int("id")) is None:
        return None
    request_ids = tuple(
        request_id
        for request in data.loose_objects("requests")
        if (request_id := request.loose_int("id")) is not None
    )
    return SeerrMedia(
        id=media_id,
        media_type=data.loose_str("mediaType"),
        tmdb_id=data.loose_int("tmdbId"),
        tvdb_id=data.loose_int("tvdbId"),
        status=data.loose_int("status"),
        jellyfin_media_id=data.loose_str("jellyfinMediaId"),
        external_service_id=data.loose_int("externalServiceId"),
        request_ids=request_ids,
    )


def _parse_request(data: JsonObject | None) -> SeerrRequest | None:
    """Return one MediaRequest, or None without an id."""
    if data is None or (request_id := data.loose_int("id")) is None:
        return None
    requested_by = data.loose_object("requestedBy")
    return SeerrRequest(
        id=request_id,
        status=data.loose_int("status"),
        media_type=data.loose_str("type"),
        is_4k=data.loose_bool("is4k") is True,
        media=_parse_media(data.loose_object("media")),
        requested_by=(
            requested_by.loose_str("displayName") if requested_by is not None else None
        ),
        seasons=tuple(
            sorted(
                {
                    number
                    for season in data.loose_objects("seasons")
                    if (number := season.loose_int("seasonNumber", minimum=0))
                    is not None
                }
            )
        ),
        created_at=data.loose_str("createdAt"),
    )
