"""Clients for Sonarr v4 and Radarr v5/v6, REST base ``/api/v3``.

Connections ("notifications") follow ``ProviderControllerBase`` (docs/protocols.md
§2.3): ``GET /api/v3/notification`` lists them, ``POST`` creates (201 + the
resource), ``PUT /{id}`` replaces one (202), ``DELETE /{id}`` removes it, and
``POST /api/v3/notification/test`` tests a resource without saving it: a
Webhook test posts a ``Test`` event to its URL and answers 400 when that fails.
Create and update test again unless ``forceSave=true`` is given.

The download queue is read unpaged with ``GET /api/v3/queue/details`` (a plain
JSON array of ``QueueResource``, ``QueueDetailsController``): one record per
movie, and in Sonarr one per episode of a release (``includeEpisode=true`` adds
the episode). Pending releases (delay profiles) are listed without a
``downloadId``: they are not grabbed yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import logging
from typing import Any, ClassVar, Final

from ..core.observations import (
    ArrGrab,
    ArrService,
    EpisodeRef,
    MediaRef,
    MediaType,
    normalize_download_id,
)
from ..parsers.fields import MAX_INT, JsonObject
from .client import ApiKeyClient, positive_id, read_answer
from .errors import UnexpectedResponse

_LOGGER = logging.getLogger(__name__)

COMMAND_PATH: Final = "/api/v3/command"
QUEUE_DETAILS_PATH: Final = "/api/v3/queue/details"
NOTIFICATION_PATH: Final = "/api/v3/notification"
# Create/update without the built-in test: callers test first with
# async_test_notification, so the URL would only get a second Test event.
_FORCE_SAVE: Final = {"forceSave": "true"}


@dataclass(frozen=True, slots=True)
class ArrSystemStatus:
    """What ``GET /api/v3/system/status`` reports."""

    app_name: str
    instance_name: str
    version: str


@dataclass(frozen=True, slots=True)
class ArrSeries:
    """A Sonarr series (``SeriesResource``) as far as the actions need it."""

    id: int
    title: str
    tvdb_id: int | None = None
    tmdb_id: int | None = None
    imdb_id: str | None = None
    path: str | None = None
    # "standard", "daily" or "anime" (SeriesTypes, camelCase).
    series_type: str | None = None
    year: int | None = None

    def media(self) -> MediaRef:
        """Return the series as the tracker knows media."""
        return MediaRef(
            MediaType.TV,
            self.title,
            year=self.year,
            tmdb_id=self.tmdb_id,
            tvdb_id=self.tvdb_id,
            imdb_id=self.imdb_id,
            arr_id=self.id,
            series_type=self.series_type,
            path=self.path,
        )


@dataclass(frozen=True, slots=True)
class ArrMovie:
    """A Radarr movie (``MovieResource``) as far as the actions need it."""

    id: int
    title: str
    tmdb_id: int | None = None
    imdb_id: str | None = None
    year: int | None = None
    has_file: bool = False
    path: str | None = None
    # Tag ids: the movie resource carries ids; labels are at /api/v3/tag.
    tags: tuple[int, ...] = ()
    # Last segment of `path` ("Example Movie (1999)"). The resource's own
    # `folderName` holds the whole path (Movie.FolderName() returns Path) and
    # `folder` is only read on POST, so neither is taken as is.
    folder: str | None = None
    root_folder_path: str | None = None

    def media(self) -> MediaRef:
        """Return the movie as the tracker knows media."""
        return MediaRef(
            MediaType.MOVIE,
            self.title,
            year=self.year,
            tmdb_id=self.tmdb_id,
            imdb_id=self.imdb_id,
            arr_id=self.id,
        )


@dataclass(frozen=True, slots=True)
class ArrNotification:
    """A connection (``NotificationResource``) as Sonarr/Radarr list it."""

    id: int
    name: str
    implementation: str
    # The whole resource as read: an update sends it back with changes.
    resource: dict[str, Any]

    def field(self, name: str) -> Any:
        """Return the value of a setting (``fields[].value`` by name), else None."""
        fields = self.resource.get("fields")
        for item in fields if isinstance(fields, list) else ():
            if isinstance(item, dict) and item.get("name") == name:
                return item.get("value")
        return None


@dataclass(frozen=True, slots=True)
class ArrQueueItem:
    """One record of the download queue (``QueueResource``) as far as it is needed."""

    # Radarr movieId / Sonarr seriesId.
    media_id: int
    # As the application reports it (torrent hashes upper-case); None while a
    # release is only pending (not sent to a download client yet).
    download_id: str | None
    # The release title.
    title: str | None = None
    # Bytes of the whole download.
    size: int | None = None
    download_client: str | None = None
    # Sonarr only: the episode of this record (each episode has its own).
    episode: EpisodeRef | None = None


def queue_grabs(
    queue: Iterable[ArrQueueItem], *, service: ArrService, instance_id: str
) -> list[ArrGrab]:
    """Return the grabs the download queue shows, as the Grab webhook names them.

    Records of one download (Sonarr has one per episode) make one grab, with its
    episodes in order; a release only pending (no download id yet) makes none.
    The media carries the *arr id only: the tracker knows the request by it.
    """
    downloads: dict[tuple[int, str], list[ArrQueueItem]] = {}
    for item in queue:
        if item.download_id:
            downloads.setdefault((item.media_id, item.download_id), []).append(item)
    media_type = MediaType.TV if service is ArrService.SONARR else MediaType.MOVIE
    grabs: list[ArrGrab] = []
    for (media_id, download_id), items in downloads.items():
        episodes = {item.episode.key: item.episode for item in items if item.episode}
        first = items[0]
        grabs.append(
            ArrGrab(
                service=service,
                instance_id=instance_id,
                media=MediaRef(media_type, "", arr_id=media_id),
                episodes=tuple(
                    sorted(episodes.values(), key=lambda e: (e.season, e.episode))
                ),
                download_id=normalize_download_id(download_id),
                release_title=first.title,
                size=first.size,
                download_client=first.download_client,
            )
        )
    return grabs


class ArrClient(ApiKeyClient):
    """Behaviour shared by Sonarr and Radarr (same auth, same system API)."""

    # The appName the application reports; lets callers spot a Radarr URL given as Sonarr.
    app_name: ClassVar[str] = "Arr"
    # The service as observations name it.
    service: ClassVar[ArrService]
    # The field of a queue record that names the movie/series.
    queue_media_field: ClassVar[str] = "movieId"
    # Query of the queue details call.
    queue_params: ClassVar[Mapping[str, str]] = {}

    async def async_get_system_status(self) -> ArrSystemStatus:
        """Return application name, instance name and version; needs a valid key."""
        answer = await self._async_get_json("/api/v3/system/status")
        with read_answer(answer, "system status") as data:
            app_name = data.require_str("appName")
            return ArrSystemStatus(
                app_name=app_name,
                # Older releases have no instance name; the app name is what their
                # UI shows.
                instance_name=data.loose_str("instanceName") or app_name,
                version=data.require_str("version"),
            )

    async def async_get_queue(self) -> list[ArrQueueItem]:
        """Return the whole download queue in one call (``GET /api/v3/queue/details``).

        Malformed records (no media id) are skipped; an answer that is not a
        JSON array raises UnexpectedResponse.
        """
        data = await self._async_get_list(
            QUEUE_DETAILS_PATH, dict(self.queue_params), "queue records"
        )
        items: list[ArrQueueItem] = []
        for element in data:
            if (item := self._parse_queue_item(JsonObject.loose(element))) is None:
                _LOGGER.debug("Skipping a malformed %s queue record", self.service_name)
                continue
            items.append(item)
        return items

    def _parse_queue_item(self, element: JsonObject | None) -> ArrQueueItem | None:
        """Return one QueueResource, None without the movie/series id."""
        if element is None:
            return None
        media_id = element.loose_int(self.queue_media_field)
        if media_id is None:
            return None
        return ArrQueueItem(
            media_id=media_id,
            download_id=element.loose_str("downloadId"),
            title=element.loose_str("title"),
            size=_size(element.loose_number("size")),
            download_client=element.loose_str("downloadClient"),
            episode=_parse_episode(element.loose_object("episode")),
        )

    # -- connections (notifications) ----------------------------------------------

    async def async_get_notifications(self) -> list[ArrNotification]:
        """Return every connection; malformed elements are skipped."""
        data = await self._async_get_list(NOTIFICATION_PATH, {}, "notifications")
        notifications: list[ArrNotification] = []
        for element in data:
            if (resource := JsonObject.loose(element)) is None or (
                notification_id := resource.loose_int("id")
            ) is None:
                _LOGGER.debug("Skipping a malformed %s connection", self.service_name)
                continue
            notifications.append(
                ArrNotification(
                    id=notification_id,
                    name=resource.loose_str("name") or "",
                    implementation=resource.loose_str("implementation") or "",
                    resource=element,
                )
            )
        return notifications

    async def async_test_notification(self, resource: Mapping[str, Any]) -> None:
        """Test a connection without saving it; UnexpectedResponse if it fails."""
        await self._async_request(
            "POST", f"{NOTIFICATION_PATH}/test", json_body=dict(resource)
        )

    async def async_create_notification(self, resource: Mapping[str, Any]) -> int:
        """Create a connection without testing it again; return its id."""
        body = await self._async_request(
            "POST", NOTIFICATION_PATH, params=_FORCE_SAVE, json_body=dict(resource)
        )
        answer = self._decode_json(body, "POST", NOTIFICATION_PATH)
        with read_answer(answer, "notification") as data:
            notification_id = data.loose_int("id")
        if notification_id is None:
            raise UnexpectedResponse(
                self._describe("POST", NOTIFICATION_PATH, "did not answer an id")
            )
        return notification_id

    async def async_update_notification(
        self, notification_id: int, resource: Mapping[str, Any]
    ) -> None:
        """Replace a connection (the full resource) without testing it again."""
        positive_id(notification_id, "notification_id")
        await self._async_request(
            "PUT",
            f"{NOTIFICATION_PATH}/{notification_id}",
            params=_FORCE_SAVE,
            json_body={**resource, "id": notification_id},
        )

    async def async_delete_notification(self, notification_id: int) -> None:
        """Delete a connection; NotFound when it does not exist (any more)."""
        positive_id(notification_id, "notification_id")
        await self._async_delete(f"{NOTIFICATION_PATH}/{notification_id}", {})

    async def _async_delete(self, path: str, params: dict[str, str]) -> None:
        """DELETE one resource; NotFound when the application does not know it."""
        await self._async_request("DELETE", path, params=params, not_found=True)

    async def _async_start_command(self, body: dict[str, Any]) -> int:
        """POST a command and return the id the command queue gave it.

        ``POST /api/v3/command`` answers 201 with the queued CommandResource.
        """
        answer = await self._async_send_json("POST", COMMAND_PATH, body)
        with read_answer(answer, "command") as data:
            command_id = data.loose_int("id")
        if command_id is None:
            raise UnexpectedResponse(
                self._describe("POST", COMMAND_PATH, "did not answer with a command id")
            )
        return command_id

    async def _async_get_list(
        self, path: str, params: dict[str, str], what: str
    ) -> list[Any]:
        """GET a path that answers a JSON array."""
        data = await self._async_get_json(path, params=params)
        if not isinstance(data, list):
            raise UnexpectedResponse(
                f"Expected a JSON array of {what} from {self.service_name}"
            )
        return data


class SonarrClient(ArrClient):
    """Sonarr v4 client."""

    app_name = "Sonarr"
    service = ArrService.SONARR
    service_name = "Sonarr"
    queue_media_field = "seriesId"
    # Each record then carries its episode (season and episode numbers).
    queue_params = {"includeEpisode": "true"}

    async def async_get_episodes(self, series_id: int) -> list[EpisodeRef]:
        """Return every episode of a series (``GET /api/v3/episode?seriesId=``).

        Malformed elements are skipped rather than failing the whole list: one odd
        episode must not hide the others.
        """
        data = await self._async_get_episode_resources(series_id)
        episodes: list[EpisodeRef] = []
        for element in data:
            if (episode := _parse_episode(JsonObject.loose(element))) is None:
                _LOGGER.debug(
                    "Skipping malformed Sonarr episode of series %s", series_id
                )
                continue
            episodes.append(episode)
        return episodes

    async def _async_get_episode_resources(self, series_id: int) -> list[Any]:
        """Return the raw EpisodeResource list of a series (one request)."""
        return await self._async_get_list(
            "/api/v3/episode", {"seriesId": str(series_id)}, "episodes"
        )

    async def async_get_episodes_and_files(
        self, series_id: int
    ) -> tuple[list[EpisodeRef], set[tuple[int, int]]]:
        """Return a series' episodes and (season, episode) of those with a file.

        One ``GET /api/v3/episode?seriesId=`` request for both answers.
        """
        episodes: list[EpisodeRef] = []
        present: set[tuple[int, int]] = set()
        for raw in await self._async_get_episode_resources(series_id):
            element = JsonObject.loose(raw)
            if element is None or (episode := _parse_episode(element)) is None:
                _LOGGER.debug(
                    "Skipping malformed Sonarr episode of series %s", series_id
                )
                continue
            episodes.append(episode)
            if element.loose_bool("hasFile") is True:
                present.add((episode.season, episode.episode))
        return episodes, present

    async def async_get_series_by_tvdb(self, tvdb_id: int) -> ArrSeries | None:
        """Return the library series with this TVDB id, None if Sonarr has none.

        ``GET /api/v3/series?tvdbId=`` answers an array of zero or one series.
        """
        positive_id(tvdb_id, "tvdb_id")
        data = await self._async_get_list(
            "/api/v3/series", {"tvdbId": str(tvdb_id)}, "series"
        )
        for element in data:
            if (series := _parse_series(JsonObject.loose(element))) is not None:
                return series
            _LOGGER.debug("Skipping malformed Sonarr series for TVDB id %s", tvdb_id)
        return None

    async def async_get_all_series(self) -> list[ArrSeries]:
        """Return every library series (``GET /api/v3/series``, one call).

        Sonarr has no paging here; the answer is one entry per series, small
        even for large libraries. Malformed entries are skipped.
        """
        data = await self._async_get_list("/api/v3/series", {}, "series")
        return [
            series
            for element in data
            if (series := _parse_series(JsonObject.loose(element)))
        ]

    async def async_delete_series(self, series_id: int, *, delete_files: bool) -> None:
        """Delete a series (``DELETE /api/v3/series/{id}``), with its files or not.

        No import list exclusion is added, so a later request can add the series
        again. Raises NotFound when Sonarr does not know the id.
        """
        positive_id(series_id, "series_id")
        await self._async_delete(
            f"/api/v3/series/{series_id}",
            {
                "deleteFiles": _flag(delete_files),
                "addImportListExclusion": "false",
            },
        )

    async def async_search_episodes(self, episode_ids: list[int]) -> int:
        """Start an automatic search for episodes; return the command id.

        ``POST /api/v3/command`` with ``{"name": "EpisodeSearch", "episodeIds":
        [...]}``. Raise ValueError for an empty list or an id below 1.
        """
        ids = _ids(episode_ids, "episode_ids")
        return await self._async_start_command(
            {"name": "EpisodeSearch", "episodeIds": ids}
        )


class RadarrClient(ArrClient):
    """Radarr v5/v6 client."""

    app_name = "Radarr"
    service = ArrService.RADARR
    service_name = "Radarr"

    async def async_get_movie_by_tmdb(self, tmdb_id: int) -> ArrMovie | None:
        """Return the library movie with this TMDB id, None if Radarr has none.

        ``GET /api/v3/movie?tmdbId=`` answers an array of zero or one movie.
        """
        positive_id(tmdb_id, "tmdb_id")
        data = await self._async_get_list(
            "/api/v3/movie", {"tmdbId": str(tmdb_id)}, "movies"
        )
        for element in data:
            if (movie := _parse_movie(JsonObject.loose(element))) is not None:
                return movie
            _LOGGER.debug("Skipping malformed Radarr movie for TMDB id %s", tmdb_id)
        return None

    async def async_get_all_movies(self) -> list[ArrMovie]:
        """Return every library movie (``GET /api/v3/movie``, one call)."""
        data = await self._async_get_list("/api/v3/movie", {}, "movies")
        return [
            movie
            for element in data
            if (movie := _parse_movie(JsonObject.loose(element)))
        ]

    async def async_delete_movie(self, movie_id: int, *, delete_files: bool) -> None:
        """Delete a movie (``DELETE /api/v3/movie/{id}``), with its files or not.

        No import exclusion is added (Radarr's parameter is ``addImportExclusion``,
        Sonarr's ``addImportListExclusion``). Raises NotFound for an unknown id.
        """
        positive_id(movie_id, "movie_id")
        await self._async_delete(
            f"/api/v3/movie/{movie_id}",
            {"deleteFiles": _flag(delete_files), "addImportExclusion": "false"},
        )

    async def async_search_movies(self, movie_ids: list[int]) -> int:
        """Start an automatic search for movies; return the command id.

        ``POST /api/v3/command`` with ``{"name": "MoviesSearch", "movieIds":
        [...]}``. Raise ValueError for an empty list or an id below 1.
        """
        ids = _ids(movie_ids, "movie_ids")
        return await self._async_start_command(
            {"name": "MoviesSearch", "movieIds": ids}
        )


def _flag(value: bool) -> str:
    """Return a boolean as the query value ASP.NET Core binds ("true"/"false")."""
    return "true" if value else "false"


def _ids(values: list[int], what: str) -> list[int]:
    """Return the ids without duplicates, in order; ValueError if none or invalid."""
    ids = list(dict.fromkeys(positive_id(value, what) for value in values))
    if not ids:
        raise ValueError(f"{what} must name at least one id")
    return ids


def _size(value: int | float | None) -> int | None:
    """Return a byte count (the queue's decimal ``size``), None if 0 or not one.

    Beyond 64 bits it is no real size, and the store (orjson) could not write it.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= MAX_INT:
        return None
    return value


def _parse_series(element: JsonObject | None) -> ArrSeries | None:
    """Return one Sonarr SeriesResource, or None without id or title."""
    if element is None:
        return None
    series_id = element.loose_int("id")
    title = element.loose_str("title")
    if series_id is None or title is None:
        return None
    return ArrSeries(
        id=series_id,
        title=title,
        tvdb_id=element.loose_int("tvdbId"),
        tmdb_id=element.loose_int("tmdbId"),
        imdb_id=element.loose_str("imdbId"),
        path=element.loose_str("path"),
        series_type=element.loose_str("seriesType"),
        year=element.loose_int("year"),
    )


def _parse_movie(element: JsonObject | None) -> ArrMovie | None:
    """Return one Radarr MovieResource, or None without id or title."""
    if element is None:
        return None
    movie_id = element.loose_int("id")
    title = element.loose_str("title")
    if movie_id is None or title is None:
        return None
    path = element.loose_str("path") or element.loose_str("folderName")
    return ArrMovie(
        id=movie_id,
        title=title,
        tmdb_id=element.loose_int("tmdbId"),
        imdb_id=element.loose_str("imdbId"),
        year=element.loose_int("year"),
        has_file=element.loose_bool("hasFile") is True,
        path=path,
        tags=element.loose_ints("tags"),
        folder=_last_segment(path),
        root_folder_path=element.loose_str("rootFolderPath"),
    )


def _last_segment(path: str | None) -> str | None:
    """Return the last folder of a POSIX or Windows path, None if it has none."""
    if path is None:
        return None
    segment = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return segment or None


def _parse_episode(element: JsonObject | None) -> EpisodeRef | None:
    """Return the EpisodeRef of one Sonarr episode resource, or None if malformed."""
    if element is None:
        return None
    # Season 0 holds the specials; episode numbers start at 1 but 0 is seen for
    # placeholders, so both only need to be non-negative integers.
    season = element.loose_int("seasonNumber", minimum=0)
    number = element.loose_int("episodeNumber", minimum=0)
    if season is None or number is None:
        return None
    return EpisodeRef(
        season=season,
        episode=number,
        title=element.loose_str("title"),
        air_date=element.loose_str("airDateUtc") or element.loose_str("airDate"),
        arr_episode_id=element.loose_int("id"),
        tvdb_id=element.loose_int("tvdbId"),
    )
