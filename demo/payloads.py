"""Webhook bodies and REST resources for the demo titles, in the services' formats.

Every body starts from a fixture in tests/fixtures (real payload shapes, see
its README) and only the per-title fields change, so the demo sends what
Seerr, Sonarr, Radarr, the Jellyfin Webhook plugin and Shoko send.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from functools import cache
import json
from pathlib import Path
from typing import Any

from demo.catalog import SHOKO_IMPORT_FOLDER_ID, Episode, Media
from demo.services.jellyfin import SERVER_ID

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"

# Seerr notification -> fixture stem.
SEERR_FIXTURES = {
    "MEDIA_PENDING": "media_pending",
    "MEDIA_APPROVED": "media_approved",
    "MEDIA_AVAILABLE": "media_available",
}


@cache
def _fixture(relative: str) -> Any:
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def fixture(relative: str) -> Any:
    """Return a fresh copy of a fixture file's JSON."""
    return copy.deepcopy(_fixture(relative))


# ----------------------------------------------------------------------- Seerr


def seerr(notification: str, media: Media, poster_url: str) -> dict[str, Any]:
    """Return a Seerr webhook (MEDIA_PENDING, MEDIA_APPROVED, MEDIA_AVAILABLE)."""
    stem = SEERR_FIXTURES[notification] + ("_tv" if media.is_tv else "")
    body: dict[str, Any] = fixture(f"jellyseerr/{stem}.json")
    body["subject"] = media.label
    body["message"] = f"{media.title}: an invented title of the Status Tracker demo."
    body["image"] = poster_url
    body["media"]["tmdbId"] = str(media.tmdb_id)
    body["media"]["tvdbId"] = str(media.tvdb_id or "")
    body["request"]["request_id"] = str(media.seerr_request_id)
    body["request"]["requestedBy_username"] = "demo"
    body["request"]["requestedBy_email"] = "demo@example.com"
    return body


# Seerr's users in the demo: who asks (as the webhooks name them) and who approves.
SEERR_REQUESTER: dict[str, Any] = {
    "id": 2,
    "displayName": "demo",
    "email": "demo@example.com",
    "jellyfinUsername": "demo",
    "userType": 3,
    "permissions": 32,
}
SEERR_ADMIN: dict[str, Any] = {
    "id": 1,
    "displayName": "admin",
    "email": "admin@example.com",
    "jellyfinUsername": "admin",
    "userType": 3,
    "permissions": 2,
}
# MediaRequestStatus and MediaStatus numbers (docs/protocols.md §4).
REQUEST_PENDING, REQUEST_APPROVED, REQUEST_COMPLETED = 1, 2, 5
MEDIA_PENDING, MEDIA_PROCESSING, MEDIA_AVAILABLE = 2, 3, 5


def seerr_request(media: Media, now: str) -> dict[str, Any]:
    """Return Seerr's MediaRequest of a title, just created pending.

    Seerr keeps one per request and changes ``status`` and ``updatedAt`` with
    every step (seerr_request_saved); the integration reads them back from
    ``GET /api/v1/request`` for what its webhooks said while it was away.
    """
    media_type = "tv" if media.is_tv else "movie"
    return {
        "id": media.seerr_request_id,
        "status": REQUEST_PENDING,
        "createdAt": now,
        "updatedAt": now,
        "type": media_type,
        "is4k": False,
        "serverId": 0,
        "isAutoRequest": False,
        "media": {
            "id": media.seerr_request_id - 500,
            "mediaType": media_type,
            "tmdbId": media.tmdb_id,
            "tvdbId": media.tvdb_id,
            "imdbId": None,
            "status": MEDIA_PENDING,
            "status4k": 1,
            "createdAt": now,
            "updatedAt": now,
        },
        "seasons": (
            [{"id": media.seerr_request_id, "seasonNumber": 1, "status": 1}]
            if media.is_tv
            else []
        ),
        "requestedBy": dict(SEERR_REQUESTER),
        "modifiedBy": None,
        "seasonCount": 1 if media.is_tv else 0,
    }


def seerr_request_saved(
    request: dict[str, Any], now: str, *, status: int, media_status: int
) -> None:
    """Move a MediaRequest (and its media) on, as Seerr saves it at `now`."""
    request.update(status=status, updatedAt=now)
    if status != REQUEST_PENDING:
        request["modifiedBy"] = dict(SEERR_ADMIN)
    for season in request["seasons"]:
        season.update(status=status, updatedAt=now)
    request["media"].update(status=media_status, updatedAt=now)


def seerr_title(media: Media) -> dict[str, Any]:
    """Return what ``GET /api/v1/movie|tv/{tmdbId}`` says of a title.

    The demo has no TMDB, so no poster path: the posters are drawn by the
    simulated Seerr and named by the webhooks and Sonarr/Radarr instead.
    """
    if media.is_tv:
        return {
            "id": media.tmdb_id,
            "name": media.title,
            "firstAirDate": f"{media.year}-04-01",
            "posterPath": None,
            "overview": f"{media.title}: an invented title of the Status Tracker demo.",
        }
    return {
        "id": media.tmdb_id,
        "title": media.title,
        "releaseDate": f"{media.year}-05-01",
        "posterPath": None,
        "overview": f"{media.title}: an invented title of the Status Tracker demo.",
    }


# ---------------------------------------------------------------- Radarr


def radarr_movie(
    media: Media, poster_url: str, *, has_file: bool, added: str
) -> dict[str, Any]:
    """Return Radarr's MovieResource (GET /api/v3/movie), added at `added`."""
    return {
        "id": media.arr_id,
        "title": media.title,
        "year": media.year,
        "tmdbId": media.tmdb_id,
        "imdbId": media.imdb_id,
        "path": media.folder,
        "rootFolderPath": media.folder.rsplit("/", 1)[0],
        "hasFile": has_file,
        "monitored": True,
        "tags": [],
        "images": [{"coverType": "poster", "remoteUrl": poster_url}],
        "added": added,
    }


def _webhook_movie(media: Media, poster_url: str) -> dict[str, Any]:
    movie: dict[str, Any] = fixture("radarr/movie_added.json")["movie"]
    movie.update(
        id=media.arr_id,
        title=media.title,
        year=media.year,
        releaseDate=f"{media.year}-05-01",
        folderPath=media.folder,
        tmdbId=media.tmdb_id,
        imdbId=media.imdb_id,
        overview=f"{media.title}: an invented title of the Status Tracker demo.",
    )
    movie["images"] = [
        {"coverType": "poster", "url": "", "remoteUrl": poster_url},
    ]
    return movie


def radarr_movie_added(media: Media, poster_url: str) -> dict[str, Any]:
    """Return Radarr's MovieAdded webhook."""
    body: dict[str, Any] = fixture("radarr/movie_added.json")
    body["movie"] = _webhook_movie(media, poster_url)
    return body


def _remote_movie(media: Media) -> dict[str, Any]:
    return {
        "tmdbId": media.tmdb_id,
        "imdbId": media.imdb_id,
        "title": media.title,
        "year": media.year,
    }


def radarr_grab(media: Media, poster_url: str, size: int) -> dict[str, Any]:
    """Return Radarr's Grab webhook (downloadId = the hash, upper-case)."""
    body: dict[str, Any] = fixture("radarr/grab.json")
    body["movie"] = _webhook_movie(media, poster_url)
    body["remoteMovie"] = _remote_movie(media)
    body["release"].update(releaseTitle=media.release, size=size, releaseGroup="DEMO")
    body["downloadId"] = media.torrent_hash.upper()
    return body


def radarr_download(media: Media, poster_url: str, size: int) -> dict[str, Any]:
    """Return Radarr's Download (import) webhook."""
    body: dict[str, Any] = fixture("radarr/download.json")
    body["movie"] = _webhook_movie(media, poster_url)
    body["remoteMovie"] = _remote_movie(media)
    file = body["movieFile"]
    file.update(
        id=media.arr_id,
        relativePath=media.movie_path.rsplit("/", 1)[1],
        path=media.movie_path,
        sceneName=media.release,
        size=size,
        dateAdded=_now(),
        sourcePath=f"/data/torrents/movies/{media.release}/{media.release}.mkv",
    )
    body["downloadId"] = media.torrent_hash.upper()
    body["release"].update(releaseTitle=media.release, size=size)
    return body


def radarr_history(
    event_type: str, media: Media, movie: dict[str, Any], size: int
) -> dict[str, Any]:
    """Return the HistoryResource Radarr writes when it grabs or imports a movie.

    ``grabbed`` or ``downloadFolderImported``, with the `movie` resource as it
    is then embedded (``includeMovie=true``); `add_history` dates and numbers it.
    """
    imported = event_type == "downloadFolderImported"
    data: dict[str, str] = {
        "downloadClient": "qBittorrent",
        "downloadClientName": "qBittorrent",
        "releaseGroup": "DEMO",
        "size": str(size),
    }
    if imported:
        data.update(
            fileId=str(media.arr_id),
            droppedPath=f"/data/torrents/movies/{media.release}/{media.release}.mkv",
            importedPath=media.movie_path,
        )
    else:
        data.update(indexer="DemoTracker (Prowlarr)", protocol="2")
        data["torrentInfoHash"] = media.torrent_hash.upper()
    return {
        "movieId": media.arr_id,
        "sourceTitle": media.movie_path if imported else media.release,
        "downloadId": media.torrent_hash.upper(),
        "eventType": event_type,
        "data": data,
        "movie": dict(movie),
    }


# ---------------------------------------------------------------- Sonarr


def sonarr_series(media: Media, poster_url: str, *, added: str) -> dict[str, Any]:
    """Return Sonarr's SeriesResource (GET /api/v3/series), added at `added`."""
    return {
        "id": media.arr_id,
        "title": media.title,
        "year": media.year,
        "tvdbId": media.tvdb_id,
        "tmdbId": media.tmdb_id,
        "imdbId": media.imdb_id,
        "path": media.folder,
        "rootFolderPath": media.folder.rsplit("/", 1)[0],
        "seriesType": "anime" if media.is_anime else "standard",
        "monitored": True,
        "tags": [],
        "images": [{"coverType": "poster", "remoteUrl": poster_url}],
        "added": added,
    }


def sonarr_episode(media: Media, episode: Episode, *, has_file: bool) -> dict[str, Any]:
    """Return one EpisodeResource of Sonarr's episode list."""
    return {
        "seriesId": media.arr_id,
        "tvdbId": episode.tvdb_id,
        "episodeFileId": episode.file_id if has_file else 0,
        "seasonNumber": episode.season,
        "episodeNumber": episode.number,
        "title": episode.title,
        "airDate": f"{media.year}-04-{episode.number:02d}",
        "airDateUtc": f"{media.year}-04-{episode.number:02d}T20:00:00Z",
        "runtime": 24 if media.is_anime else 45,
        "hasFile": has_file,
        "monitored": True,
        "unverifiedSceneNumbering": False,
        "id": episode.arr_id,
    }


def _webhook_series(media: Media, poster_url: str) -> dict[str, Any]:
    template = "sonarr/grab_anime.json" if media.is_anime else "sonarr/grab.json"
    series: dict[str, Any] = fixture(template)["series"]
    series.update(
        id=media.arr_id,
        title=media.title,
        titleSlug=media.title.lower().replace(" ", "-"),
        path=media.folder,
        tvdbId=media.tvdb_id,
        tmdbId=media.tmdb_id,
        imdbId=media.imdb_id,
        year=media.year,
    )
    series["images"] = [{"coverType": "poster", "url": "", "remoteUrl": poster_url}]
    return series


def _webhook_episode(media: Media, episode: Episode) -> dict[str, Any]:
    return {
        "id": episode.arr_id,
        "episodeNumber": episode.number,
        "seasonNumber": episode.season,
        "title": episode.title,
        "overview": f"Episode {episode.number} of {media.title}.",
        "airDate": f"{media.year}-04-{episode.number:02d}",
        "airDateUtc": f"{media.year}-04-{episode.number:02d}T20:00:00Z",
        "seriesId": media.arr_id,
        "tvdbId": episode.tvdb_id,
    }


def sonarr_series_add(media: Media, poster_url: str) -> dict[str, Any]:
    """Return Sonarr's SeriesAdd webhook."""
    body: dict[str, Any] = fixture("sonarr/series_add.json")
    body["series"] = _webhook_series(media, poster_url)
    return body


def sonarr_grab(media: Media, poster_url: str, size: int) -> dict[str, Any]:
    """Return Sonarr's Grab webhook of the season pack."""
    template = "sonarr/grab_anime.json" if media.is_anime else "sonarr/grab.json"
    body: dict[str, Any] = fixture(template)
    body["series"] = _webhook_series(media, poster_url)
    body["episodes"] = [_webhook_episode(media, e) for e in media.episodes]
    body["release"].update(releaseTitle=media.release, size=size)
    body["downloadId"] = media.torrent_hash.upper()
    return body


def sonarr_download(
    media: Media, episode: Episode, poster_url: str, size: int
) -> dict[str, Any]:
    """Return Sonarr's per-file Download (import) webhook of one episode."""
    body: dict[str, Any] = fixture("sonarr/download.json")
    body["series"] = _webhook_series(media, poster_url)
    body["episodes"] = [_webhook_episode(media, episode)]
    file = body["episodeFile"]
    file.update(
        id=episode.file_id,
        relativePath=episode.path.removeprefix(f"{media.folder}/"),
        path=episode.path,
        sceneName=f"{media.release} {episode.code}",
        size=size // len(media.episodes),
        dateAdded=_now(),
        sourcePath=f"/data/torrents/tv/{media.release}/{episode.code}.mkv",
    )
    body["downloadId"] = media.torrent_hash.upper()
    body["release"].update(releaseTitle=media.release, size=size)
    return body


def sonarr_history(
    event_type: str,
    media: Media,
    episode: Episode,
    series: dict[str, Any],
    size: int,
) -> dict[str, Any]:
    """Return the HistoryResource Sonarr writes for one episode of a grab or import.

    Sonarr writes a ``grabbed`` record per episode of the release and a
    ``downloadFolderImported`` record per imported episode, with the series and
    episode embedded (``includeSeries``/``includeEpisode``).
    """
    imported = event_type == "downloadFolderImported"
    data: dict[str, str] = {
        "downloadClient": "qBittorrent",
        "downloadClientName": "qBittorrent",
        "releaseGroup": "DEMO",
        "releaseType": "SeasonPack",
    }
    if imported:
        data.update(
            fileId=str(episode.file_id),
            droppedPath=f"/data/torrents/tv/{media.release}/{episode.code}.mkv",
            importedPath=episode.path,
            size=str(size // len(media.episodes)),
        )
    else:
        data.update(
            indexer="DemoTracker (Prowlarr)",
            protocol="2",
            size=str(size),
            torrentInfoHash=media.torrent_hash.upper(),
        )
    return {
        "episodeId": episode.arr_id,
        "seriesId": media.arr_id,
        "sourceTitle": episode.path if imported else media.release,
        "downloadId": media.torrent_hash.upper(),
        "eventType": event_type,
        "data": data,
        "episode": sonarr_episode(media, episode, has_file=imported),
        "series": dict(series),
    }


# -------------------------------------------------------------- Jellyfin


def jellyfin_movie(media: Media) -> dict[str, Any]:
    """Return the library DTO of a movie (GET /Items)."""
    return {
        "Name": media.title,
        "Id": media.jellyfin_id,
        "ProductionYear": media.year,
        "ProviderIds": {"Tmdb": str(media.tmdb_id), "Imdb": media.imdb_id},
        "IsFolder": False,
        "Type": "Movie",
        "LocationType": "FileSystem",
        "Path": media.movie_path,
        "MediaType": "Video",
    }


def jellyfin_series(media: Media) -> dict[str, Any]:
    """Return the library DTO of a series (its provider ids match the request)."""
    providers = (
        {"Shoko Series": str(media.shoko_series_id), "AniDB": str(media.anidb_id)}
        if media.is_anime
        else {
            "Tvdb": str(media.tvdb_id),
            "Tmdb": str(media.tmdb_id),
            "Imdb": media.imdb_id,
        }
    )
    return {
        "Name": media.title,
        "Id": media.jellyfin_id,
        "Type": "Series",
        "IsFolder": True,
        "ProviderIds": providers,
        "Path": media.folder,
        "ProductionYear": media.year,
        "LocationType": "FileSystem",
    }


def _episode_providers(media: Media, episode: Episode) -> dict[str, str]:
    if media.is_anime:
        return {
            "Shoko Episode": str(episode.arr_id),
            "Shoko File": str(episode.file_id),
            "AniDB": str(episode.tvdb_id),
        }
    return {"Tvdb": str(episode.tvdb_id)}


def jellyfin_episode(media: Media, episode: Episode) -> dict[str, Any]:
    """Return the library DTO of an episode."""
    return {
        "Name": episode.title,
        "Id": episode.jellyfin_id,
        "ProductionYear": media.year,
        "IndexNumber": episode.number,
        "ParentIndexNumber": episode.season,
        "ProviderIds": _episode_providers(media, episode),
        "IsFolder": False,
        "Type": "Episode",
        "SeriesName": media.title,
        "SeriesId": media.jellyfin_id,
        "SeasonName": f"Season {episode.season}",
        "LocationType": "FileSystem",
        "Path": episode.path,
        "MediaType": "Video",
    }


def jellyfin_item_added(media: Media, episode: Episode | None) -> dict[str, Any]:
    """Return the Webhook plugin's ItemAdded (SendAllProperties) body."""
    if episode is None:
        body: dict[str, Any] = fixture("jellyfin/item_added_movie.json")
        dto = jellyfin_movie(media)
    else:
        template = (
            "jellyfin/item_added_anime_episode.json"
            if media.is_anime
            else "jellyfin/item_added_episode.json"
        )
        body = fixture(template)
        dto = jellyfin_episode(media, episode)
        body.update(
            SeriesName=media.title,
            SeriesId=media.jellyfin_id,
            SeasonNumber=episode.season,
            SeasonNumber00=f"{episode.season:02d}",
            SeasonNumber000=f"{episode.season:03d}",
            EpisodeNumber=episode.number,
            EpisodeNumber00=f"{episode.number:02d}",
            EpisodeNumber000=f"{episode.number:03d}",
        )
    for key in [k for k in body if k.startswith("Provider_")]:
        del body[key]
    for name, value in dto["ProviderIds"].items():
        body[f"Provider_{name.lower()}"] = value
    now = _now()
    body.update(
        ServerId=SERVER_ID,
        ServerName="Jellyfin",
        Name=dto["Name"],
        Overview=f"{media.title}: an invented title of the Status Tracker demo.",
        ItemId=dto["Id"],
        Year=media.year,
        Timestamp=now,
        UtcTimestamp=now,
    )
    body.pop("SeasonId", None)
    return body


# ------------------------------------------------------------------ Shoko


def shoko_file_event(
    event: str, media: Media, episode: Episode, *, matched: bool = True
) -> dict[str, Any]:
    """Return a SignalR invocation `ShokoEvent:<event>` for an anime episode file.

    FileDetected, FileHashed, FileMatched or FileNotMatched; only FileMatched
    carries cross references (the episode and series Shoko matched).
    """
    if event == "FileNotMatched":
        message: dict[str, Any] = fixture("shoko/file_not_matched.json")
    else:
        message = fixture("shoko/file_matched.json")
        message["target"] = f"ShokoEvent:{event}"
    payload = message["arguments"][0]
    payload.update(
        FileID=episode.file_id,
        FileLocationID=episode.file_id + 50_000,
        ImportFolderID=SHOKO_IMPORT_FOLDER_ID,
        RelativePath=media.relative_path(episode),
    )
    if event == "FileDetected":
        message["arguments"] = [
            {
                "RelativePath": payload["RelativePath"],
                "ImportFolderID": SHOKO_IMPORT_FOLDER_ID,
            }
        ]
    elif event == "FileMatched" and matched:
        payload["CrossReferences"] = [
            {
                "EpisodeID": episode.arr_id,
                "AnidbEpisodeID": episode.tvdb_id,
                "SeriesID": media.shoko_series_id,
                "AnidbAnimeID": media.anidb_id,
                "GroupID": media.shoko_series_id,
            }
        ]
    elif event != "FileNotMatched":
        payload["CrossReferences"] = []
    return message


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
