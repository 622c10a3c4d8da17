"""Client for Seerr (and its forks Jellyseerr and Overseerr), REST base ``/api/v1``.

Facts (docs/protocols.md §4.2, seerr-team/seerr ``server/routes/request.ts``,
``media.ts``, ``movie.ts``, ``tv.ts``; entities in ``server/entity/``):
- ``GET /api/v1/request/{id}`` answers one MediaRequest (``media`` and ``seasons``
  are eager relations, ``requestedBy``/``modifiedBy`` are loaded) or 404.
- ``DELETE /api/v1/request/{id}`` and ``DELETE /api/v1/media/{id}`` answer 204,
  or 404 when the row does not exist. Deleting a media row removes its requests.
- ``POST /api/v1/request/{id}/retry`` (MANAGE_REQUESTS) sets the request APPROVED,
  which hands it to Radarr/Sonarr again, and answers it (200); 404 when it does
  not exist, 409 from Seerrs that retry failed requests only (docs/protocols.md
  §4.3).
- ``GET /api/v1/request?take=&skip=&sort=added&filter=all`` answers ``{"pageInfo":
  {"pages", "pageSize", "results", "page"}, "results": [MediaRequest]}``.
  ``sort=modified`` orders by ``updatedAt``; ``sortDirection`` is ``desc`` unless
  it says ``asc`` (docs/protocols.md §4.2, "Reading the request history").
- ``GET /api/v1/movie/{tmdbId}`` / ``GET /api/v1/tv/{tmdbId}`` answer TMDB details
  (``title``/``releaseDate`` or ``name``/``firstAirDate``, ``posterPath``) with
  ``mediaInfo`` (the Media row) only when Seerr knows the title.
- ``GET /api/v1/settings/notifications/webhook`` answers the webhook agent with
  ``options.jsonPayload`` decoded once: the template text. ``POST`` of the same
  path replaces the whole agent and ``POST .../webhook/test`` sends a
  TEST_NOTIFICATION with the posted settings, answering 204 when the target
  answered 2xx and 500 otherwise (``server/routes/settings/notifications.ts``).
  Seerr 3.x since March 2026 takes ``jsonPayload`` as the template text;
  Overseerr, Jellyseerr and earlier Seerr take it JSON-encoded once more. Either
  route accepts the other form, but every notification then fails to build
  (``SeerrPayloadEncoding``, docs/protocols.md §4.2).
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum, IntEnum
import json
import logging
from typing import Any, Final

from ..core.observations import MediaRef, MediaType, SeerrEvent, SeerrNotification
from ..parsers.fields import JsonObject, parse_digits
from .client import ApiKeyClient, positive_id, read_answer
from .errors import UnexpectedResponse
from .history import MAX_HISTORY_CALLS, MAX_TITLE_LOOKUPS, HistoryEvent, HistoryRead

_LOGGER = logging.getLogger(__name__)

REQUEST_PATH: Final = "/api/v1/request"
MEDIA_PATH: Final = "/api/v1/media"
WEBHOOK_SETTINGS_PATH: Final = "/api/v1/settings/notifications/webhook"
# Seerr's MediaType values, which are also the lookup routes' names.
_MEDIA_TYPES: Final = {media_type.value: media_type for media_type in MediaType}
# What Seerr's notifications put before a TMDB poster path (the webhook's "image").
TMDB_POSTER_BASE: Final = "https://image.tmdb.org/t/p/w600_and_h900_bestv2"
# Seerr names the title of a notification in TMDB's default language, English
# (``TheMovieDb.getMovie``/``getTvShow`` default ``language = 'en'``); the lookup
# routes would otherwise answer in the API user's locale.
TITLE_LANGUAGE: Final = "en"


class SeerrRequestStatus(IntEnum):
    """MediaRequestStatus (``server/constants/media.ts``)."""

    PENDING = 1
    APPROVED = 2
    DECLINED = 3
    FAILED = 4
    COMPLETED = 5


class SeerrMediaStatus(IntEnum):
    """MediaStatus (``server/constants/media.ts``)."""

    UNKNOWN = 1
    PENDING = 2
    PROCESSING = 3
    PARTIALLY_AVAILABLE = 4
    AVAILABLE = 5
    BLOCKLISTED = 6
    DELETED = 7


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
    # The status of the 4K version, which 4K requests follow.
    status_4k: int | None = None
    # ISO 8601 (UTC): the row's last change.
    updated_at: str | None = None
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
    requested_by_id: int | None = None
    # The user who approved or declined it; for a request Seerr approved
    # automatically, the user who created it (``MediaRequest.request()``).
    modified_by_id: int | None = None
    # Requested season numbers (tv only).
    seasons: tuple[int, ...] = ()
    # ISO 8601 (UTC). `updated_at` moves with every save of the row.
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True, slots=True)
class SeerrTitle:
    """What a Seerr notification says about its title besides the ids."""

    title: str
    year: int | None = None
    poster_url: str | None = None


class SeerrPayloadEncoding(Enum):
    """How a Seerr's webhook routes take the payload template (``jsonPayload``).

    The routes check only that the value is JSON and store it; the agent decodes
    what is stored twice when it builds a notification (docs/protocols.md §4.2).
    Sent in the other server's form, the settings are accepted, but every
    notification, the test one included, fails to build. The members are in the
    order to try them: current Seerr first.
    """

    # Seerr 3.x since March 2026: the routes JSON-encode the text themselves.
    TEMPLATE_TEXT = "template_text"
    # Overseerr, Jellyseerr and earlier Seerr: the text JSON-encoded once more.
    JSON_STRING = "json_string"


@dataclass(frozen=True, slots=True)
class SeerrWebhookSettings:
    """Seerr's webhook notification agent (it has exactly one).

    `template` is the JSON payload template as text, as GET answers it; how it
    is sent depends on the server (SeerrPayloadEncoding). `types` is the
    notification bitmask.
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

    async def async_set_webhook_settings(
        self, settings: SeerrWebhookSettings, encoding: SeerrPayloadEncoding
    ) -> None:
        """Replace the webhook agent's settings (``POST .../webhook``)."""
        await self._async_request(
            "POST", WEBHOOK_SETTINGS_PATH, json_body=_webhook_body(settings, encoding)
        )

    async def async_set_webhook_settings_read_back(
        self, settings: SeerrWebhookSettings
    ) -> None:
        """Replace the agent's settings in the form this Seerr takes.

        For settings no test can prove (an agent being turned off). Saved as
        template text, GET answers that text again only on a Seerr that takes
        that form; an older one stores the text as posted, and its GET answers
        what the text parses to. Then they are saved JSON-encoded.
        `settings.template` must be JSON text: both forms of the route refuse
        anything else.
        """
        await self.async_set_webhook_settings(
            settings, SeerrPayloadEncoding.TEMPLATE_TEXT
        )
        if (await self.async_get_webhook_settings()).template != settings.template:
            await self.async_set_webhook_settings(
                settings, SeerrPayloadEncoding.JSON_STRING
            )

    async def async_test_webhook_settings(
        self, settings: SeerrWebhookSettings, encoding: SeerrPayloadEncoding
    ) -> None:
        """Make Seerr send a TEST_NOTIFICATION with these settings, unsaved.

        The route needs a user: the API key provides one (Seerr's auth middleware
        loads user 1 for it, ``server/middleware/auth.ts``). It answers 204 once
        the target accepted the post, else 500 (UnexpectedResponse here), also
        when the template was sent in the form this Seerr does not take.
        """
        await self._async_request(
            "POST",
            f"{WEBHOOK_SETTINGS_PATH}/test",
            json_body=_webhook_body(settings, encoding),
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
        return await self._async_get_request_list(
            {
                "take": str(take),
                "skip": str(skip),
                "sort": "added",
                "sortDirection": "asc",
                "filter": "all",
            }
        )

    async def _async_get_request_list(
        self, params: Mapping[str, str]
    ) -> tuple[list[SeerrRequest], int]:
        """Return one page of ``GET /api/v1/request`` and the number of pages."""
        answer = await self._async_get_json(REQUEST_PATH, params=params)
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

    async def async_history_since(
        self,
        since: datetime,
        *,
        known_request_ids: Container[int] = (),
        max_calls: int = MAX_HISTORY_CALLS,
        page_size: int = 50,
        max_titles: int = MAX_TITLE_LOOKUPS,
    ) -> HistoryRead:
        """Return the notifications Seerr's webhooks sent since `since`.

        Seerr sends each webhook once, so what it sent while Home Assistant was
        down is rebuilt from the request list, most recently modified first
        (``GET /api/v1/request?sort=modified&sortDirection=desc&filter=all``),
        page by page until a request was last modified before `since`, the list
        ends or `max_calls` requests were made (then ``complete`` is False). A
        request changes its ``updatedAt`` with each status it reaches, so every
        request that moved since `since` is on the pages read.

        A webhook names its title ("Example Movie (1999)") and poster; the list
        does not. Requests outside `known_request_ids` get them from
        ``GET /api/v1/movie|tv/{tmdbId}``, once per title and counted in
        ``calls`` but not against `max_calls` (which bounds the pages): a long
        outage brings as many new titles as requests, up to `max_titles`; the
        tracker keeps the title of the requests it holds, so those go untitled.
        Records Seerr answers without what a notification carries are skipped.
        Raise ValueError for a naive `since`, or `max_calls`, `page_size` or
        `max_titles` below 1; service errors raise like the other calls.
        """
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        if _below_one(max_calls) or _below_one(page_size) or _below_one(max_titles):
            raise ValueError("max_calls, page_size and max_titles must be >= 1")
        titles: dict[tuple[MediaType, int], SeerrTitle | None] = {}
        seen: set[int] = set()
        # Each request's events, most recently modified request first.
        found: list[tuple[HistoryEvent, ...]] = []
        calls = 0
        complete = True
        reached_since = False
        page = 0
        while complete and not reached_since:
            if calls >= max_calls:
                complete = False
                break
            records, pages = await self._async_get_request_list(
                {
                    "take": str(page_size),
                    "skip": str(page * page_size),
                    "sort": "modified",
                    "sortDirection": "desc",
                    "filter": "all",
                }
            )
            calls += 1
            page += 1
            reached_since = page >= pages or not records
            for record in records:
                updated = parse_seerr_time(record.updated_at)
                if updated is None:
                    _LOGGER.debug("Skipping a Seerr request without updatedAt")
                    continue
                if updated < since:
                    # The rest of the list was modified earlier still.
                    reached_since = True
                    break
                if record.id in seen:
                    # Modified again while the pages were read: it came twice.
                    continue
                seen.add(record.id)
                events = _events_since(request_history_events(record), since)
                if events is None:
                    _LOGGER.debug("Skipping a Seerr request without its media")
                    continue
                if events and record.id not in known_request_ids:
                    key = _title_key(record)
                    if key is not None and key not in titles:
                        if len(titles) >= max_titles:
                            # This and the older requests stay unread.
                            complete = False
                            break
                        titles[key] = await self._async_get_title(*key)
                        calls += 1
                    title = titles.get(key) if key is not None else None
                    if title is None:
                        _LOGGER.debug("Skipping a Seerr request without a title")
                        continue
                    events = _events_since(request_history_events(record, title), since)
                found.append(events or ())
        ordered = [event for events in reversed(found) for event in events]
        # A stable sort: equal times keep a request's order, the older request first.
        ordered.sort(key=lambda event: event.at)
        return HistoryRead(events=tuple(ordered), calls=calls, complete=complete)

    async def _async_get_title(
        self, media_type: MediaType, tmdb_id: int
    ) -> SeerrTitle | None:
        """Return the title, year and poster Seerr's notifications give a TMDB id.

        ``GET /api/v1/movie/{tmdbId}`` or ``/api/v1/tv/{tmdbId}`` in English, as
        ``MediaRequest.sendNotification`` reads them; None when the answer has
        no title (Seerr would not have sent the notification either).
        """
        path = f"/api/v1/{media_type.value}/{tmdb_id}"
        answer = await self._async_get_json(path, {"language": TITLE_LANGUAGE})
        with read_answer(answer, "title details") as data:
            return parse_title(data, media_type)

    async def async_retry_request(self, request_id: int) -> SeerrRequest:
        """Hand a request to Radarr/Sonarr again; return it as Seerr answers.

        NotFound if Seerr does not know the request; Conflict when this Seerr
        retries only failed requests and this one has not failed.
        """
        positive_id(request_id, "request_id")
        path = f"{REQUEST_PATH}/{request_id}/retry"
        body = await self._async_request("POST", path, not_found=True, conflict=True)
        request = _parse_request(
            JsonObject.loose(self._decode_json(body, "POST", path))
        )
        if request is None:
            raise UnexpectedResponse(
                self._describe("POST", path, "did not answer a request")
            )
        return request

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


def _webhook_body(
    settings: SeerrWebhookSettings, encoding: SeerrPayloadEncoding
) -> dict[str, Any]:
    """Return the body Seerr's webhook routes take, the template in `encoding`.

    The agent parses what the route stored twice when sending: a current Seerr
    JSON-encodes the posted text itself, an older one needs it done here.
    """
    json_payload = (
        settings.template
        if encoding is SeerrPayloadEncoding.TEMPLATE_TEXT
        else json.dumps(settings.template)
    )
    return {
        "enabled": settings.enabled,
        "embedPoster": True,
        "types": settings.types,
        "options": {
            "webhookUrl": settings.webhook_url,
            "jsonPayload": json_payload,
            "authHeader": settings.auth_header,
            "supportVariables": False,
        },
    }


def request_history_events(
    request: SeerrRequest, title: SeerrTitle | None = None
) -> tuple[HistoryEvent, ...] | None:
    """Return the notifications Seerr's webhooks sent about one request, oldest first.

    Each is the SeerrNotification the webhook parser makes of that webhook, at
    the time the record gives for it; without `title` the media goes untitled
    (""), which leaves the title of a request the tracker holds as it is.
    None when the record lacks what the webhooks carry: a known status, the
    media type, the TMDB id and both times.

    What the record tells (``server/entity/MediaRequest.ts``,
    ``server/subscriber/MediaRequestSubscriber.ts`` and ``MediaSubscriber.ts``,
    docs/protocols.md §4.2):
    - A request created pending sent MEDIA_PENDING at ``createdAt``; one Seerr
      approved on creation sent only MEDIA_AUTO_APPROVED, at ``createdAt``.
      Auto-approval stores the creating user as ``modifiedBy``, so it is read
      from ``modifiedBy`` being the requester, or from ``updatedAt`` still being
      ``createdAt`` (never saved again). An approval by someone else on behalf
      of another user that moved on later reads as a manual approval.
    - A manual approval or a decline (MEDIA_APPROVED, MEDIA_DECLINED) happened
      at ``updatedAt`` while the request keeps that status; once it failed or
      completed, its approval time is gone and ``updatedAt`` (no later than
      which it happened) stands for it.
    - FAILED sent MEDIA_FAILED at ``updatedAt``. COMPLETED with the media
      (``status4k`` for a 4K request) available or partially available sent
      MEDIA_AVAILABLE at ``updatedAt`` (Seerr 3 completes a request when all its
      seasons are available). A request still APPROVED on available media (no
      COMPLETED in Jellyseerr 2) sent it when the media changed, so at the
      media's ``updatedAt`` when later. Partial availability of an approved
      request, or a completed one on deleted media, says nothing about its
      seasons: no MEDIA_AVAILABLE.
    """
    media = request.media
    media_type = _MEDIA_TYPES.get(request.media_type or "")
    created = parse_seerr_time(request.created_at)
    updated = parse_seerr_time(request.updated_at)
    if (
        media is None
        or media.tmdb_id is None
        or media_type is None
        or created is None
        or updated is None
    ):
        return None
    # A clock set back between two saves must not put a later fact first.
    updated = max(updated, created)
    steps = _request_steps(request, media, created, updated)
    if steps is None:
        return None
    ref = MediaRef(
        media_type=media_type,
        title=title.title if title else "",
        year=title.year if title else None,
        tmdb_id=media.tmdb_id,
        tvdb_id=media.tvdb_id,
        poster_url=title.poster_url if title else None,
    )
    seasons = request.seasons if media_type is MediaType.TV else ()
    return tuple(
        HistoryEvent(
            at=at,
            observation=SeerrNotification(
                event=event,
                media=ref,
                request_id=request.id,
                requested_by=request.requested_by,
                seasons=seasons,
                is_4k=request.is_4k,
            ),
        )
        for event, at in steps
    )


def _request_steps(
    request: SeerrRequest, media: SeerrMedia, created: datetime, updated: datetime
) -> list[tuple[SeerrEvent, datetime]] | None:
    """Return the notification types a request's record implies, with their times."""
    match request.status:
        case SeerrRequestStatus.PENDING:
            return [(SeerrEvent.PENDING, created)]
        case SeerrRequestStatus.DECLINED:
            return [(SeerrEvent.PENDING, created), (SeerrEvent.DECLINED, updated)]
        case (
            SeerrRequestStatus.APPROVED
            | SeerrRequestStatus.FAILED
            | SeerrRequestStatus.COMPLETED
        ):
            pass
        case _:
            return None
    auto_approved = request.modified_by_id is not None and (
        request.modified_by_id == request.requested_by_id or updated == created
    )
    steps = (
        [(SeerrEvent.AUTO_APPROVED, created)]
        if auto_approved
        else [(SeerrEvent.PENDING, created), (SeerrEvent.APPROVED, updated)]
    )
    media_status = media.status_4k if request.is_4k else media.status
    if request.status == SeerrRequestStatus.FAILED:
        steps.append((SeerrEvent.FAILED, updated))
    elif request.status == SeerrRequestStatus.COMPLETED and media_status in (
        SeerrMediaStatus.PARTIALLY_AVAILABLE,
        SeerrMediaStatus.AVAILABLE,
    ):
        steps.append((SeerrEvent.AVAILABLE, updated))
    elif (
        request.status == SeerrRequestStatus.APPROVED
        and media_status == SeerrMediaStatus.AVAILABLE
    ):
        media_updated = parse_seerr_time(media.updated_at) or updated
        steps.append((SeerrEvent.AVAILABLE, max(updated, media_updated)))
    return steps


def _events_since(
    events: tuple[HistoryEvent, ...] | None, since: datetime
) -> tuple[HistoryEvent, ...] | None:
    """Keep the events at or after `since` (None stays None: a malformed record)."""
    if events is None:
        return None
    return tuple(event for event in events if event.at >= since)


def _title_key(request: SeerrRequest) -> tuple[MediaType, int] | None:
    """Return the media type and TMDB id a title lookup takes, None without them."""
    media_type = _MEDIA_TYPES.get(request.media_type or "")
    if media_type is None or request.media is None or request.media.tmdb_id is None:
        return None
    return media_type, request.media.tmdb_id


def parse_title(data: JsonObject, media_type: MediaType) -> SeerrTitle | None:
    """Return a movie's or show's title as Seerr's notifications give it.

    Their subject is ``title`` (a show's ``name``) with the year of
    ``releaseDate`` (``firstAirDate``), and their image is the TMDB poster.
    """
    is_movie = media_type is MediaType.MOVIE
    title = (data.loose_str("title" if is_movie else "name") or "").strip()
    if not title:
        return None
    # "1999-03-31": Seerr writes the first four characters, the parser takes
    # them as the year only when they are four digits.
    year_text = (data.loose_str("releaseDate" if is_movie else "firstAirDate") or "")[
        :4
    ]
    poster_path = data.loose_str("posterPath")
    return SeerrTitle(
        title=title,
        year=parse_digits(year_text) if len(year_text) == 4 else None,
        poster_url=f"{TMDB_POSTER_BASE}{poster_path}" if poster_path else None,
    )


def parse_seerr_time(text: str | None) -> datetime | None:
    """Return a Seerr time (``Date.toJSON()``: "2026-01-10T12:00:00.000Z") in UTC.

    A time without an offset is taken as UTC, which is what Seerr stores.
    """
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _below_one(value: int) -> bool:
    """Return True unless `value` is an integer >= 1 (booleans are not counts)."""
    return isinstance(value, bool) or not isinstance(value, int) or value < 1


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
        status_4k=data.loose_int("status4k"),
        updated_at=data.loose_str("updatedAt"),
        jellyfin_media_id=data.loose_str("jellyfinMediaId"),
        external_service_id=data.loose_int("externalServiceId"),
        request_ids=request_ids,
    )


def _parse_request(data: JsonObject | None) -> SeerrRequest | None:
    """Return one MediaRequest, or None without an id."""
    if data is None or (request_id := data.loose_int("id")) is None:
        return None
    requested_by = data.loose_object("requestedBy")
    modified_by = data.loose_object("modifiedBy")
    return SeerrRequest(
        id=request_id,
        status=data.loose_int("status"),
        media_type=data.loose_str("type"),
        is_4k=data.loose_bool("is4k") is True,
        media=_parse_media(data.loose_object("media")),
        requested_by=(
            requested_by.loose_str("displayName") if requested_by is not None else None
        ),
        requested_by_id=(
            requested_by.loose_int("id") if requested_by is not None else None
        ),
        modified_by_id=modified_by.loose_int("id") if modified_by is not None else None,
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
        updated_at=data.loose_str("updatedAt"),
    )
