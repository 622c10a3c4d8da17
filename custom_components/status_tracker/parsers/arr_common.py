"""What Sonarr's and Radarr's webhooks have in common.

Both apps share one webhook code base (Newtonsoft camelCase, nulls omitted, `0`/`""`
for unknown values, PascalCase `eventType`), so the readers for the series/movie,
episodes, images, files and download ids and the builders for each observation live
here. `sonarr.py` and `radarr.py` only say which event type maps to which builder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from ..core.observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrMediaDeleted,
    ArrService,
    EpisodeRef,
    Ignored,
    ImportedFile,
    MediaRef,
    MediaType,
    Observation,
    normalize_download_id,
)
from .fields import JsonObject

# Reason used when ManualInteractionRequired carries no status messages.
DEFAULT_BLOCK_REASON: Final = "Manual interaction required"

# Why known-but-unused event types are ignored (anything else is "unknown").
_IGNORE_REASONS: Final[Mapping[str, str]] = {
    "Test": "test notification",
    "Rename": "renamed files do not change a request",
    "Health": "health notifications are not tracked",
    "HealthRestored": "health notifications are not tracked",
    "ApplicationUpdate": "application updates are not tracked",
}


@dataclass(frozen=True, slots=True)
class ArrPayload:
    """The parts of a tracked *arr webhook that every builder needs."""

    service: ArrService
    instance_id: str
    root: JsonObject
    media: MediaRef
    episodes: tuple[EpisodeRef, ...]


MediaReader = Callable[[JsonObject], MediaRef]
EpisodesReader = Callable[[JsonObject], tuple[EpisodeRef, ...]]
Builder = Callable[[ArrPayload], Observation]


def parse_arr(
    body: object,
    *,
    service: ArrService,
    instance_id: str,
    builders: Mapping[str, Builder],
    read_media: MediaReader,
    read_episodes: EpisodesReader,
) -> Observation:
    """Parse an *arr webhook body: dispatch on `eventType` to one of `builders`.

    Event types without a builder are acknowledged as `Ignored` before anything else
    is read, so a Test or Health payload never fails on fields it does not carry.
    """
    root = JsonObject.root(body)
    event_type = root.require_nonempty_str("eventType")
    builder = builders.get(event_type)
    if builder is None:
        reason = _IGNORE_REASONS.get(event_type, f"unknown {service} event type")
        return Ignored(source=service.value, event_type=event_type, reason=reason)
    payload = ArrPayload(
        service=service,
        instance_id=instance_id,
        root=root,
        media=read_media(root),
        episodes=read_episodes(root),
    )
    return builder(payload)


# -- readers -------------------------------------------------------------------


def read_poster_url(media: JsonObject) -> str | None:
    """Return the poster of a series/movie: its remote URL, else its local one."""
    posters: list[str | None] = []
    # Every image is read (not just up to the first poster) so that a mistyped
    # field is reported whatever the order of the images.
    for image in media.object_list("images"):
        cover_type = image.optional_str("coverType")
        remote_url = image.optional_str("remoteUrl")
        local_url = image.optional_str("url")
        if cover_type == "poster":
            posters.append(remote_url or local_url)
    return posters[0] if posters else None


def read_original_language(media: JsonObject) -> str | None:
    """Return the name of the original language ({"id": 1, "name": "English"})."""
    language = media.optional_object("originalLanguage")
    return language.optional_str("name") if language else None


def read_series(root: JsonObject) -> MediaRef:
    """Read the `series` object of a Sonarr payload."""
    series = root.require_object("series")
    return MediaRef(
        media_type=MediaType.TV,
        title=series.require_str("title"),
        # The *arr apps write 0 for an unknown year, just like for unknown ids.
        year=series.optional_id("year"),
        tmdb_id=series.optional_id("tmdbId"),
        tvdb_id=series.optional_id("tvdbId"),
        imdb_id=series.optional_str("imdbId"),
        poster_url=read_poster_url(series),
        arr_id=series.require_id("id"),
        series_type=series.optional_str("type"),
        tags=series.str_list("tags"),
        path=series.optional_str("path"),
        original_language=read_original_language(series),
    )


def read_movie(root: JsonObject) -> MediaRef:
    """Read the `movie` object of a Radarr payload (ids fall back to `remoteMovie`)."""
    movie = root.require_object("movie")
    # remoteMovie is what the release was parsed as; its ids fill gaps in `movie`.
    remote = root.optional_object("remoteMovie") or JsonObject({}, "remoteMovie")
    # Read both before combining, so a mistyped remoteMovie id is always reported.
    tmdb_ids = (movie.optional_id("tmdbId"), remote.optional_id("tmdbId"))
    imdb_ids = (movie.optional_str("imdbId"), remote.optional_str("imdbId"))
    return MediaRef(
        media_type=MediaType.MOVIE,
        title=movie.require_str("title"),
        year=movie.optional_id("year"),
        tmdb_id=tmdb_ids[0] or tmdb_ids[1],
        imdb_id=imdb_ids[0] or imdb_ids[1],
        poster_url=read_poster_url(movie),
        arr_id=movie.require_id("id"),
        tags=movie.str_list("tags"),
        path=movie.optional_str("folderPath"),
        original_language=read_original_language(movie),
    )


def read_episode(episode: JsonObject) -> EpisodeRef:
    """Read one element of Sonarr's `episodes[]`."""
    air_date_utc = episode.optional_str("airDateUtc")
    air_date = episode.optional_str("airDate")
    return EpisodeRef(
        season=episode.require_int("seasonNumber"),
        episode=episode.require_int("episodeNumber"),
        title=episode.optional_str("title"),
        air_date=air_date_utc or air_date,
        arr_episode_id=episode.optional_id("id"),
        tvdb_id=episode.optional_id("tvdbId"),
    )


def read_episodes(root: JsonObject) -> tuple[EpisodeRef, ...]:
    """Read Sonarr's `episodes[]` (empty when the event has none)."""
    return tuple(read_episode(item) for item in root.object_list("episodes"))


def no_episodes(root: JsonObject) -> tuple[EpisodeRef, ...]:
    """Episode reader for Radarr, whose payloads are never about episodes."""
    return ()


def read_download_id(root: JsonObject) -> str | None:
    """Read `downloadId`, lower-casing torrent hashes to match qBittorrent."""
    return normalize_download_id(root.optional_str("downloadId"))


def read_imported_file(
    file: JsonObject, episodes: tuple[EpisodeRef, ...]
) -> ImportedFile:
    """Read an episodeFile/movieFile object as an imported file."""
    return ImportedFile(
        path=file.require_nonempty_str("path"),
        file_id=file.optional_id("id"),
        episodes=episodes,
        size=file.optional_size("size"),
    )


def read_release_type(root: JsonObject) -> str | None:
    """Read Sonarr's `release.releaseType` (absent in Radarr and manual imports)."""
    release = root.optional_object("release")
    return release.optional_str("releaseType") if release else None


def read_block_reason(root: JsonObject) -> str:
    """Summarise `downloadStatusMessages[]` ({title, messages[]}) in one line."""
    parts: list[str] = []
    for status in root.object_list("downloadStatusMessages"):
        title = status.optional_str("title")
        messages = "; ".join(
            message for message in status.str_list("messages") if message
        )
        if title and messages:
            parts.append(f"{title}: {messages}")
        elif title or messages:
            parts.append(title or messages)
    return " | ".join(parts) or DEFAULT_BLOCK_REASON


# -- builders ------------------------------------------------------------------


def build_grab(payload: ArrPayload) -> ArrGrab:
    """Build the observation for a `Grab` event."""
    root = payload.root
    release = root.optional_object("release")
    return ArrGrab(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        episodes=payload.episodes,
        download_id=read_download_id(root),
        release_title=release.optional_str("releaseTitle") if release else None,
        size=release.optional_size("size") if release else None,
        download_client=root.optional_str("downloadClient"),
    )


def build_file_import(payload: ArrPayload, file_key: str) -> ArrImport:
    """Build the observation for a per-file `Download` event (one imported file)."""
    root = payload.root
    file = read_imported_file(root.require_object(file_key), payload.episodes)
    return ArrImport(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        episodes=payload.episodes,
        files=(file,),
        download_id=read_download_id(root),
        is_upgrade=root.flag("isUpgrade"),
        release_type=read_release_type(root),
    )


def build_media_added(payload: ArrPayload) -> ArrMediaAdded:
    """Build the observation for `SeriesAdd` / `MovieAdded`."""
    return ArrMediaAdded(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
    )


def build_media_deleted(payload: ArrPayload) -> ArrMediaDeleted:
    """Build the observation for `SeriesDelete` / `MovieDelete`."""
    return ArrMediaDeleted(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        files_deleted=payload.root.flag("deletedFiles"),
    )


def build_file_deleted(payload: ArrPayload, file_key: str) -> ArrFileDeleted:
    """Build the observation for `EpisodeFileDelete` / `MovieFileDelete`."""
    root = payload.root
    file = root.optional_object(file_key)
    return ArrFileDeleted(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        episodes=payload.episodes,
        path=file.optional_str("path") if file else None,
        file_id=file.optional_id("id") if file else None,
        reason=root.optional_str("deleteReason"),
    )


def build_import_blocked(payload: ArrPayload) -> ArrImportBlocked:
    """Build the observation for `ManualInteractionRequired`."""
    root = payload.root
    return ArrImportBlocked(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        episodes=payload.episodes,
        download_id=read_download_id(root),
        reason=read_block_reason(root),
    )
