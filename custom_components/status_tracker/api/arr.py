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

The history (``HistoryController``, docs/protocols.md §2.4) is read paged, newest
first, to find what the webhooks sent while Home Assistant was down:
``async_history_since`` and the pure ``history_events`` that turns its records
into the observations the webhooks would have brought.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
import logging
from typing import Any, ClassVar, Final

from ..core.observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrMediaAdded,
    ArrService,
    EpisodeRef,
    ImportedFile,
    MediaRef,
    MediaType,
    Observation,
    normalize_download_id,
)
from ..parsers.fields import MAX_INT, JsonObject, parse_digits
from .client import ApiKeyClient, positive_id, read_answer
from .errors import UnexpectedResponse
from .history import MAX_HISTORY_CALLS, HistoryEvent, HistoryRead

_LOGGER = logging.getLogger(__name__)

COMMAND_PATH: Final = "/api/v3/command"
QUEUE_DETAILS_PATH: Final = "/api/v3/queue/details"
NOTIFICATION_PATH: Final = "/api/v3/notification"
HISTORY_PATH: Final = "/api/v3/history"
TAG_PATH: Final = "/api/v3/tag"
# Records per history page. Neither app caps pageSize, but every record embeds
# its whole series/movie: 250 keeps one answer to a few hundred kilobytes.
HISTORY_PAGE_SIZE: Final = 250
# Newest first, so reading can stop at the first record older than the moment
# asked for. Both are sent: versions that take a sent sortKey as is also keep
# the sent direction as is ("default" when absent) instead of their default.
_HISTORY_ORDER: Final = {"sortKey": "date", "sortDirection": "descending"}
# History `eventType`s (EpisodeHistoryEventType / MovieHistoryEventType,
# serialised camelCase) that a webhook also reports. The others
# (downloadFailed, episodeFileRenamed/movieFileRenamed, downloadIgnored,
# unknown) carry nothing the tracker uses.
_GRABBED: Final = "grabbed"
_IMPORTED: Final = frozenset(
    {"downloadFolderImported", "seriesFolderImported", "movieFolderImported"}
)
_FILE_DELETED: Final = frozenset({"episodeFileDeleted", "movieFileDeleted"})
# The delete reason (DeleteMediaFileReason) of a file replaced by a better one.
_UPGRADE_REASON: Final = "upgrade"
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
    # When it was added to Sonarr (UTC).
    added: datetime | None = None

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
    # When it was added to Radarr (UTC).
    added: datetime | None = None

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


@dataclass(frozen=True, slots=True)
class _HistoryRecord:
    """One HistoryResource the webhooks also report, as far as it is needed."""

    # The history row's id; None only if the answer lacks it.
    id: int | None
    event_type: str
    at: datetime
    media: MediaRef
    # Sonarr only: the record's episode (each episode has its own record).
    episode: EpisodeRef | None
    # As the application reports it (torrent hashes upper-case).
    download_id: str | None
    source_title: str | None
    data: JsonObject
    # When the embedded series/movie was added to the app (its ``added``).
    media_added: datetime | None = None

    @property
    def unit(self) -> tuple[int | None, str | None]:
        """Return the movie, or the episode, this record speaks about."""
        return (self.media.arr_id, self.episode.key if self.episode else None)


def history_events(
    records: Iterable[object],
    *,
    service: ArrService,
    instance_id: str,
    since: datetime | None = None,
    tag_labels: Mapping[int, str] | None = None,
) -> tuple[HistoryEvent, ...]:
    """Return what history records say, as the webhooks would have said it.

    `records` are HistoryResource objects as ``GET /api/v3/history`` answers
    them, with the series and episode (Sonarr) or movie (Radarr) embedded, in
    any order. Each event's time is its record's ``date``; events come oldest
    first, only those at or after `since`. `tag_labels` (tag id -> label) names
    the media's tags as the webhooks do; without it the media carries no tags.

    - ``grabbed`` gives an ArrGrab (Grab webhook). Sonarr writes one record per
      episode of a release: the records of one download make one grab.
    - ``downloadFolderImported`` (and ``seriesFolderImported`` /
      ``movieFolderImported``, which current versions do not write) gives an
      ArrImport per imported file (the per-file Download webhook), with the
      file's episodes (Sonarr: one record per episode of the file). An import
      is an upgrade when an "upgrade" deletion of the same movie/episode comes
      before it in the records.
    - ``episodeFileDeleted`` / ``movieFileDeleted`` gives an ArrFileDeleted
      (EpisodeFileDelete / MovieFileDelete webhook). The history does not keep
      the file id; it is taken from the import of the same path in the records,
      if there is one.
    - ``downloadFailed``, ``episodeFileRenamed`` / ``movieFileRenamed``,
      ``downloadIgnored`` and unknown types give nothing (the webhooks carry
      nothing the tracker uses for them, or do not exist).

    Records of the types above that lack their date, media, episode (Sonarr)
    or imported path are skipped with a debug log. Records older than `since`
    give no events but still supply file ids and upgrades.
    """
    parsed: list[_HistoryRecord] = []
    seen_ids: set[int] = set()
    for raw in records:
        record = _parse_history_record(JsonObject.loose(raw), service, tag_labels)
        if record is None:
            continue
        if record.id is not None:
            # A record written while the pages were read moves the older ones
            # one place down: the next page repeats the last one.
            if record.id in seen_ids:
                continue
            seen_ids.add(record.id)
        parsed.append(record)
    parsed.sort(key=lambda r: (r.at, r.id or 0))

    groups: dict[tuple[object, ...], _HistoryGroup] = {}
    # Imported path -> its file id, as the records so far say it.
    file_ids: dict[str, int] = {}
    # Movies/episodes whose file was just deleted for an upgrade.
    replaced: set[tuple[int | None, str | None]] = set()
    for record in parsed:
        data = record.data
        if record.event_type == _GRABBED:
            group = _HistoryGroup(_GRABBED)
        elif record.event_type in _IMPORTED:
            path = data.loose_str("importedPath") or ""
            file_id = _history_id(data, "fileId")
            if file_id is not None:
                file_ids[path] = file_id
            group = _HistoryGroup(
                "import",
                path=path,
                file_id=file_id,
                is_upgrade=record.unit in replaced,
            )
            replaced.discard(record.unit)
        else:
            reason = _camel_case(data.loose_str("reason"))
            if reason == _UPGRADE_REASON:
                replaced.add(record.unit)
            path = record.source_title or ""
            group = _HistoryGroup(
                "deleted", path=path, file_id=file_ids.get(path), reason=reason
            )
        if since is not None and record.at < since:
            continue
        # A grab without download id is told apart by its release title.
        ident = record.download_id or f"title:{record.source_title}"
        key = (group.kind, record.media.arr_id, ident, group.path, group.file_id)
        found = groups.setdefault(key, group)
        found.records.append(record)
        # Any replaced episode of a multi-episode file makes it an upgrade.
        found.is_upgrade |= group.is_upgrade
    events = [
        HistoryEvent(
            at=group.records[0].at,
            observation=group.observation(service, instance_id),
        )
        for group in groups.values()
    ]
    events.extend(_media_added_events(parsed, service, instance_id, since))
    # Stable: groups stay in the order of their first record.
    events.sort(key=lambda event: event.at)
    return tuple(events)


def _media_added_events(
    records: Iterable[_HistoryRecord],
    service: ArrService,
    instance_id: str,
    since: datetime | None,
) -> list[HistoryEvent]:
    """Return the SeriesAdd/MovieAdded of the media the records embed.

    The history has no record of an addition, but each record embeds its
    series or movie with the time it was ``added``: media added since `since`
    and grabbed or imported since then come back with it (a title added but
    not yet grabbed is in no record).
    """
    added: dict[int, HistoryEvent] = {}
    for record in records:
        at = record.media_added
        if (
            at is None
            or record.media.arr_id is None
            or (since is not None and at < since)
        ):
            continue
        added.setdefault(
            record.media.arr_id,
            HistoryEvent(
                at=at,
                observation=ArrMediaAdded(
                    service=service, instance_id=instance_id, media=record.media
                ),
            ),
        )
    return list(added.values())


@dataclass(slots=True)
class _HistoryGroup:
    """The records of one grab, one imported file or one deleted file."""

    kind: str
    path: str = ""
    file_id: int | None = None
    reason: str | None = None
    is_upgrade: bool = False
    records: list[_HistoryRecord] = field(default_factory=list)

    def observation(self, service: ArrService, instance_id: str) -> Observation:
        """Return the observation the matching webhook would have brought."""
        first = self.records[0]
        episodes = _episodes_in_order(r.episode for r in self.records)
        download_id = normalize_download_id(first.download_id)
        data = first.data
        if self.kind == _GRABBED:
            return ArrGrab(
                service=service,
                instance_id=instance_id,
                media=first.media,
                episodes=episodes,
                download_id=download_id,
                release_title=first.source_title,
                size=_history_id(data, "size"),
                # `downloadClient` is the client's type; the webhook names the
                # client by its name, which older records lack.
                download_client=data.loose_str("downloadClientName")
                or data.loose_str("downloadClient"),
            )
        if self.kind == "import":
            return ArrImport(
                service=service,
                instance_id=instance_id,
                media=first.media,
                episodes=episodes,
                files=(
                    ImportedFile(
                        path=self.path,
                        file_id=self.file_id,
                        episodes=episodes,
                        size=_history_id(data, "size"),
                    ),
                ),
                download_id=download_id,
                is_upgrade=self.is_upgrade,
                release_type=_camel_case(data.loose_str("releaseType")),
            )
        return ArrFileDeleted(
            service=service,
            instance_id=instance_id,
            media=first.media,
            episodes=episodes,
            path=self.path or None,
            file_id=self.file_id,
            reason=self.reason,
        )


def _parse_history_record(
    record: JsonObject | None,
    service: ArrService,
    tag_labels: Mapping[int, str] | None,
) -> _HistoryRecord | None:
    """Return one HistoryResource of a tracked type; None for others or malformed."""
    if record is None:
        _LOGGER.debug("Skipping a malformed %s history record", service.title())
        return None
    event_type = record.loose_str("eventType")
    if event_type != _GRABBED and event_type not in _IMPORTED | _FILE_DELETED:
        return None
    at = history_record_date(record)
    media = _history_media(record, service, tag_labels)
    episode = _parse_episode(record.loose_object("episode"))
    data = record.loose_object("data") or JsonObject({}, record.name("data"))
    if (
        at is None
        or media is None
        or (service is ArrService.SONARR and episode is None)
        or (event_type in _IMPORTED and data.loose_str("importedPath") is None)
    ):
        _LOGGER.debug("Skipping a malformed %s history record", service.title())
        return None
    embedded = record.loose_object(
        "series" if service is ArrService.SONARR else "movie"
    )
    return _HistoryRecord(
        id=record.loose_int("id"),
        event_type=event_type,
        at=at,
        media=media,
        episode=episode if service is ArrService.SONARR else None,
        download_id=record.loose_str("downloadId"),
        source_title=record.loose_str("sourceTitle"),
        data=data,
        media_added=history_record_date(embedded, "added"),
    )


def history_record_date(
    record: JsonObject | None, key: str = "date"
) -> datetime | None:
    """Return a record's ``date`` (or a resource's ``added``) in UTC, else None.

    The apps write UTC with a "Z" and whole seconds (STJUtcConverter); a date
    without a zone is not theirs.
    """
    text = record.loose_str(key) if record is not None else None
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


def _history_media(
    record: JsonObject,
    service: ArrService,
    tag_labels: Mapping[int, str] | None,
) -> MediaRef | None:
    """Return the series/movie embedded in a record as the webhooks name it."""
    if service is ArrService.SONARR:
        element = record.loose_object("series")
        series = _parse_series(element)
        if element is None or series is None:
            return None
        media = series.media()
    else:
        element = record.loose_object("movie")
        movie = _parse_movie(element)
        if element is None or movie is None:
            return None
        # The webhook's movie.folderPath is the movie's path.
        media = replace(movie.media(), path=movie.path)
    labels = tag_labels or {}
    language = element.loose_object("originalLanguage")
    return replace(
        media,
        poster_url=_poster_url(element),
        # The resource has tag ids, the webhooks their labels.
        tags=tuple(
            labels[tag_id] for tag_id in element.loose_ints("tags") if tag_id in labels
        ),
        original_language=language.loose_str("name") if language else None,
    )


def _poster_url(media: JsonObject) -> str | None:
    """Return the poster of a series/movie resource: remote URL, else local."""
    for image in media.loose_objects("images"):
        if image.loose_str("coverType") == "poster":
            return image.loose_str("remoteUrl") or image.loose_str("url")
    return None


def _episodes_in_order(refs: Iterable[EpisodeRef | None]) -> tuple[EpisodeRef, ...]:
    """Return the episodes without repeats, by season and number."""
    episodes = {ref.key: ref for ref in refs if ref is not None}
    return tuple(sorted(episodes.values(), key=lambda e: (e.season, e.episode)))


def _history_id(data: JsonObject, key: str) -> int | None:
    """Return a number the `data` dictionary holds as a string; "0" gives None."""
    text = data.loose_str(key)
    return (parse_digits(text) or None) if text is not None else None


def _camel_case(value: str | None) -> str | None:
    """Return an enum name as the webhooks spell it ("SeasonPack" -> "seasonPack").

    The history's `data` holds .NET ``Enum.ToString()`` (PascalCase); the
    webhooks serialise the same enums camelCase, and the tracker compares
    that spelling (delete reason "upgrade").
    """
    if not value:
        return None
    return value[0].lower() + value[1:]


def _history_tag_ids(records: Iterable[object], since: datetime) -> set[int]:
    """Return the tag ids of the series/movies of the records since `since`."""
    tag_ids: set[int] = set()
    for raw in records:
        record = JsonObject.loose(raw)
        if record is None or (at := history_record_date(record)) is None or at < since:
            continue
        for media_field in ("series", "movie"):
            if (media := record.loose_object(media_field)) is not None:
                tag_ids.update(media.loose_ints("tags"))
    return tag_ids


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
    # What the history records should embed (their media, and episode).
    history_params: ClassVar[Mapping[str, str]] = {}

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

    # -- history (reconciliation) ---------------------------------------------------

    async def async_history_since(
        self,
        since: datetime,
        *,
        instance_id: str,
        max_calls: int = MAX_HISTORY_CALLS,
        page_size: int = HISTORY_PAGE_SIZE,
    ) -> HistoryRead:
        """Return what the history says happened since `since` (see history_events).

        Pages of ``GET /api/v3/history`` are read newest first until one holds a
        record older than `since` or the records run out; with `max_calls`
        requests made before that, the read is incomplete. The tags of the
        media are named with one ``GET /api/v3/tag`` if a call is left. The
        dates have whole seconds: ask from a little earlier to be sure not to
        miss a fact of the same second (observations are applied idempotently).

        Raise ValueError for a naive `since` or a budget or page size below 1;
        UnexpectedResponse when a page is not the paged object.
        """
        if since.tzinfo is None:
            raise ValueError("since must be an aware datetime")
        if max_calls < 1 or page_size < 1:
            raise ValueError("max_calls and page_size must be at least 1")
        records: list[object] = []
        calls = 0
        complete = False
        while not complete and calls < max_calls:
            calls += 1
            answer = await self._async_get_json(
                HISTORY_PATH,
                {
                    "page": str(calls),
                    "pageSize": str(page_size),
                    **_HISTORY_ORDER,
                    **self.history_params,
                },
            )
            page, complete = self._read_history_page(answer, calls, page_size, since)
            records.extend(page)
        tag_labels = None
        if calls < max_calls and _history_tag_ids(records, since):
            calls += 1
            tag_labels = await self._async_get_tag_labels()
        events = history_events(
            records,
            service=self.service,
            instance_id=instance_id,
            since=since,
            tag_labels=tag_labels,
        )
        return HistoryRead(events=events, calls=calls, complete=complete)

    def _read_history_page(
        self, answer: object, page: int, page_size: int, since: datetime
    ) -> tuple[list[object], bool]:
        """Return a page's records and whether it is the last one to read."""
        data = JsonObject.loose(answer)
        records = data.loose_list("records") if data is not None else None
        if data is None or records is None:
            raise UnexpectedResponse(
                f"Expected a paged answer of history records from {self.service_name}"
            )
        # The page size the application used, which a cap could make smaller.
        size = data.loose_int("pageSize") or page_size
        total = data.loose_int("totalRecords", minimum=0)
        last = (
            not records
            or (total is not None and page * size >= total)
            or any(
                date is not None and date < since
                for date in map(history_record_date, map(JsonObject.loose, records))
            )
        )
        return records, last

    async def _async_get_tag_labels(self) -> dict[int, str]:
        """Return every tag's label by id (``GET /api/v3/tag``)."""
        labels: dict[int, str] = {}
        for element in await self._async_get_list(TAG_PATH, {}, "tags"):
            tag = JsonObject.loose(element)
            if (
                tag is not None
                and (tag_id := tag.loose_int("id")) is not None
                and (label := tag.loose_str("label")) is not None
            ):
                labels[tag_id] = label
        return labels

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
    history_params = {"includeSeries": "true", "includeEpisode": "true"}

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
    history_params = {"includeMovie": "true"}

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
        added=history_record_date(element, "added"),
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
        added=history_record_date(element, "added"),
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
