"""Normalized observations: what the parsers produce and the tracker consumes.

An observation is one fact reported by an upstream service ("Radarr grabbed this
release", "Jellyfin added this item"). Observations are immutable and carry only
normalized values: ids are ints or None (never "" or 0), torrent hashes are
lower-case, Jellyfin ids are 32-hex lower-case without dashes.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class MediaType(StrEnum):
    """Kind of media a request is about."""

    MOVIE = "movie"
    TV = "tv"


class ArrService(StrEnum):
    """The *arr application an observation comes from."""

    SONARR = "sonarr"
    RADARR = "radarr"


@dataclass(frozen=True, slots=True)
class EpisodeRef:
    """One episode as an upstream service names it."""

    season: int
    episode: int
    title: str | None = None
    # Air date in UTC, ISO-8601 (e.g. "2008-01-21T03:00:00Z") or a plain date.
    air_date: str | None = None
    arr_episode_id: int | None = None
    # TVDB id of the *episode* (Sonarr episode tvdbId, Jellyfin episode Provider_tvdb).
    tvdb_id: int | None = None

    @property
    def key(self) -> str:
        """Return the stable key of this episode inside a request ("S01E03")."""
        return episode_key(self.season, self.episode)


def episode_key(season: int, episode: int) -> str:
    """Return the key used for an episode inside a request."""
    return f"S{season:02d}E{episode:02d}"


@dataclass(frozen=True, slots=True)
class MediaRef:
    """The movie or series an observation is about, with every id the source gave."""

    media_type: MediaType
    title: str
    year: int | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    imdb_id: str | None = None
    poster_url: str | None = None
    # Sonarr series id / Radarr movie id (only from *arr sources).
    arr_id: int | None = None
    # Sonarr series type: "standard", "daily" or "anime".
    series_type: str | None = None
    tags: tuple[str, ...] = ()
    # Library folder of the series / movie in the *arr.
    path: str | None = None
    original_language: str | None = None


class SeerrEvent(StrEnum):
    """Seerr notification types that concern a media request."""

    PENDING = "MEDIA_PENDING"
    APPROVED = "MEDIA_APPROVED"
    AUTO_APPROVED = "MEDIA_AUTO_APPROVED"
    DECLINED = "MEDIA_DECLINED"
    FAILED = "MEDIA_FAILED"
    AVAILABLE = "MEDIA_AVAILABLE"
    # Seerr made the request itself from a user's watchlist. It comes with the
    # MEDIA_PENDING or MEDIA_AUTO_APPROVED of the same request, which says
    # whether it waits for approval (docs/protocols.md §4.3).
    AUTO_REQUESTED = "MEDIA_AUTO_REQUESTED"


@dataclass(frozen=True, slots=True)
class SeerrNotification:
    """A Seerr/Jellyseerr/Overseerr webhook about a media request."""

    event: SeerrEvent
    media: MediaRef
    request_id: int | None
    requested_by: str | None
    # Requested season numbers (TV only; empty for movies or when unknown).
    seasons: tuple[int, ...] = ()
    is_4k: bool = False


@dataclass(frozen=True, slots=True)
class ArrGrab:
    """Sonarr/Radarr sent a release to the download client."""

    service: ArrService
    instance_id: str
    media: MediaRef
    episodes: tuple[EpisodeRef, ...]
    # Torrent hashes are lower-cased; other ids (usenet) are kept as sent.
    download_id: str | None
    release_title: str | None = None
    size: int | None = None
    download_client: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One media file an *arr imported into the library."""

    path: str
    file_id: int | None = None
    # Episodes contained in this file (TV only). Empty means "all episodes of the import".
    episodes: tuple[EpisodeRef, ...] = ()
    size: int | None = None


@dataclass(frozen=True, slots=True)
class ArrImport:
    """Sonarr/Radarr imported file(s): the `Download` webhook in either shape."""

    service: ArrService
    instance_id: str
    media: MediaRef
    episodes: tuple[EpisodeRef, ...]
    files: tuple[ImportedFile, ...]
    download_id: str | None
    is_upgrade: bool = False
    # True for Sonarr's "On Import Complete" shape (episodeFiles[]).
    import_complete: bool = False
    # Sonarr's release type of the grabbed release: "seasonPack" means the
    # payload's episodes are the whole season as Sonarr knows it.
    release_type: str | None = None


@dataclass(frozen=True, slots=True)
class ArrMediaAdded:
    """A series/movie was added to Sonarr/Radarr (SeriesAdd / MovieAdded)."""

    service: ArrService
    instance_id: str
    media: MediaRef


@dataclass(frozen=True, slots=True)
class ArrImportBlocked:
    """Sonarr/Radarr needs manual interaction to import (ManualInteractionRequired)."""

    service: ArrService
    instance_id: str
    media: MediaRef
    episodes: tuple[EpisodeRef, ...]
    download_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class ArrMediaDeleted:
    """A whole series/movie was deleted in Sonarr/Radarr (SeriesDelete / MovieDelete)."""

    service: ArrService
    instance_id: str
    media: MediaRef
    files_deleted: bool


@dataclass(frozen=True, slots=True)
class ArrFileDeleted:
    """One episode/movie file was deleted (EpisodeFileDelete / MovieFileDelete)."""

    service: ArrService
    instance_id: str
    media: MediaRef
    episodes: tuple[EpisodeRef, ...]
    path: str | None
    file_id: int | None
    reason: str | None


class JellyfinEvent(StrEnum):
    """Jellyfin webhook plugin notification types the tracker uses."""

    ITEM_ADDED = "ItemAdded"
    ITEM_DELETED = "ItemDeleted"


@dataclass(frozen=True, slots=True)
class JellyfinItem:
    """An ItemAdded / ItemDeleted notification from the Jellyfin webhook plugin."""

    event: JellyfinEvent
    item_id: str
    # CLR type name: "Movie", "Episode", "Season", "Series", ...
    item_type: str
    name: str
    year: int | None = None
    # Provider ids of *this* item, keys lower-cased without the "Provider_" prefix
    # ("tmdb", "imdb", "tvdb", "shoko series", ...), values as strings.
    provider_ids: dict[str, str] = field(default_factory=dict, hash=False)
    series_id: str | None = None
    series_name: str | None = None
    season: int | None = None
    episode: int | None = None
    # Last episode of a multi-episode file.
    episode_end: int | None = None
    # Provider ids of the series, looked up through SeriesId by the integration
    # (the webhook only carries the episode's own ids). Same key form as provider_ids.
    series_provider_ids: dict[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True, slots=True)
class SeriesEpisodes:
    """The full episode list of a series, read from Sonarr's API."""

    instance_id: str
    series_id: int
    episodes: tuple[EpisodeRef, ...]


class ShokoFileEvent(StrEnum):
    """What Shoko Server reported about a file (v5 names; v6 ones are mapped)."""

    DETECTED = "detected"
    HASHED = "hashed"
    MATCHED = "matched"
    NOT_MATCHED = "not_matched"
    DELETED = "deleted"
    MOVED = "moved"
    RENAMED = "renamed"


@dataclass(frozen=True, slots=True)
class ShokoCrossReference:
    """One link of a file to an episode (Shoko ids may be None before creation)."""

    episode_id: int | None
    anidb_episode_id: int | None
    series_id: int | None
    anidb_anime_id: int | None


@dataclass(frozen=True, slots=True)
class ShokoFile:
    """A file event from Shoko's SignalR hub.

    `relative_path` is relative to the import folder and uses '/' (Shoko uses
    the server's separator; the parser normalises it). `full_path` is filled by
    the integration from the import folder's path, which the event lacks.
    """

    instance_id: str
    event: ShokoFileEvent
    relative_path: str
    import_folder_id: int | None = None
    file_id: int | None = None
    cross_references: tuple[ShokoCrossReference, ...] = ()
    # FileNotMatched only.
    auto_match_attempts: int | None = None
    udp_banned: bool = False
    full_path: str | None = None

    @property
    def file_name(self) -> str:
        """Return the file's name without its folders."""
        return self.relative_path.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class ShokoMetadata:
    """SeriesUpdated / EpisodeUpdated / MovieUpdated: metadata, not file state."""

    instance_id: str
    kind: str
    source: str | None
    reason: str | None
    # Id in `source` (AniDB anime/episode id, TMDB movie id, Shoko id ...).
    source_id: int | None
    shoko_series_ids: tuple[int, ...] = ()
    shoko_episode_ids: tuple[int, ...] = ()


# qBittorrent's "infinite / unknown" ETA (100 days), reported e.g. when stalled.
QBITTORRENT_UNKNOWN_ETA: Final = 8640000
# Torrent states that mean the download cannot go on without help.
TORRENT_ERROR_STATES: Final = frozenset({"error", "missingFiles"})
# Torrent states of a finished download (4.x says pausedUP, 5.x stoppedUP). A
# finished torrent being rechecked (checkingUP) reports rising progress below 1.
TORRENT_COMPLETE_STATES: Final = frozenset(
    {
        "uploading",
        "stalledUP",
        "queuedUP",
        "forcedUP",
        "checkingUP",
        "pausedUP",
        "stoppedUP",
    }
)


def is_torrent_complete(progress: float, state: str | None) -> bool:
    """Return True when a torrent's data is complete (downloading is over)."""
    return progress >= 1.0 or state in TORRENT_COMPLETE_STATES


@dataclass(frozen=True, slots=True)
class TorrentState:
    """One torrent as the download client reports it (merged sync/maindata)."""

    # Lower-case info-hash (the key of sync/maindata's torrents map).
    hash: str
    name: str
    # qBittorrent state string: "downloading", "stalledDL", "pausedUP" (4.x),
    # "stoppedUP" (5.x), "error", "missingFiles", ...
    state: str
    # 0.0 .. 1.0
    progress: float
    # Bytes per second.
    download_speed: int = 0
    # Seconds; None when qBittorrent reports it as unknown (8640000).
    eta: int | None = None
    # Bytes of the selected files, and bytes still missing.
    size: int | None = None
    amount_left: int | None = None
    # Unix seconds; None while not completed (-1).
    completion_on: int | None = None
    category: str | None = None
    save_path: str | None = None
    content_path: str | None = None


@dataclass(frozen=True, slots=True)
class TorrentSnapshot:
    """What one poll of a download client changed.

    `torrents` holds the full current state of every torrent that changed (or of
    all torrents after a full update); `removed` the hashes no longer present.
    """

    instance_id: str
    torrents: tuple[TorrentState, ...]
    removed: tuple[str, ...] = ()
    # True when `torrents` is the client's complete list (a full update).
    full: bool = False


@dataclass(frozen=True, slots=True)
class DownloadClientUnreachable:
    """A download client could not be read: its downloads' live figures are unknown.

    Their speed and ETA are no longer true once the client stops answering; what
    they had downloaded stays as it was last reported.
    """

    instance_id: str


@dataclass(frozen=True, slots=True)
class Ignored:
    """A valid payload that carries nothing the tracker uses (Test, Health, Rename...)."""

    source: str
    event_type: str
    reason: str


Observation = (
    SeerrNotification
    | ArrGrab
    | ArrImport
    | ArrMediaAdded
    | ArrImportBlocked
    | ArrMediaDeleted
    | ArrFileDeleted
    | JellyfinItem
    | SeriesEpisodes
    | TorrentSnapshot
    | DownloadClientUnreachable
    | ShokoFile
    | ShokoMetadata
    | Ignored
)

# qBittorrent/arr info-hash lengths: v1 (SHA-1) and v2 (SHA-256) in hex.
TORRENT_HASH_LENGTHS: Final = (40, 64)


def normalize_download_id(download_id: str | None) -> str | None:
    """Return a download id in the form the tracker indexes.

    Torrent info-hashes are upper-case in Sonarr/Radarr and lower-case in
    qBittorrent, so hex hashes are lower-cased. Other ids (SABnzbd_nzo_...) are
    kept as they are.
    """
    if not download_id:
        return None
    candidate = download_id.strip()
    if len(candidate) in TORRENT_HASH_LENGTHS and all(
        char in "0123456789abcdefABCDEF" for char in candidate
    ):
        return candidate.lower()
    return candidate or None


def normalize_jellyfin_id(item_id: str | None) -> str | None:
    """Return a Jellyfin GUID in "N" form (32 hex digits, lower-case, no dashes)."""
    if not item_id:
        return None
    return item_id.replace("-", "").lower() or None
