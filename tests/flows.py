"""The regular movie and TV flows as the services send them, built from fixtures.

Each flow is a list of (service, body) pairs: the exact JSON bodies Seerr,
Sonarr, Radarr and the Jellyfin webhook plugin post. Episodes 2 and 3 of the show
are derived from the episode 1 fixtures by changing only the per-episode fields.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

SHOW_TVDB = 81189
SHOW_JELLYFIN_ID = "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
MOVIE_JELLYFIN_ID = "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"
SHOW_HASH = "b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"
MOVIE_HASH = "3f5a9c2e7b1d4a6c8e0f2b4d6a8c0e1f3a5b7c9d"

Step = tuple[str, dict[str, Any]]


def load_fixture(relative: str) -> Any:
    """Return a fixture file's JSON."""
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def movie_flow() -> list[Step]:
    """Return Example Movie from request to Jellyfin, in the usual order."""
    return [
        ("seerr", load_fixture("jellyseerr/media_pending.json")),
        ("seerr", load_fixture("jellyseerr/media_approved.json")),
        ("radarr", load_fixture("radarr/movie_added.json")),
        ("radarr", load_fixture("radarr/grab.json")),
        ("radarr", load_fixture("radarr/download.json")),
        ("jellyfin", load_fixture("jellyfin/item_added_movie.json")),
        ("seerr", load_fixture("jellyseerr/media_available.json")),
    ]


def _grab_episode(number: int) -> dict[str, Any]:
    episodes = load_fixture("sonarr/grab.json")["episodes"]
    return next(e for e in episodes if e["episodeNumber"] == number)


def episode_import(number: int) -> dict[str, Any]:
    """Return Sonarr's per-file Download webhook for S01E0<number>."""
    body = load_fixture("sonarr/download.json")
    if number == 1:
        return body
    episode = _grab_episode(number)
    body["episodes"] = [episode]
    file = body["episodeFile"]
    name = f"Example Show - S01E0{number} - {episode['title']} WEBDL-1080p.mkv"
    file["id"] = 7000 + number
    file["relativePath"] = f"Season 01/{name}"
    file["path"] = f"/data/media/tv/Example Show (2008)/Season 01/{name}"
    file["sceneName"] = file["sceneName"].replace("S01E01", f"S01E0{number}")
    file["sourcePath"] = file["sourcePath"].replace("S01E01", f"S01E0{number}")
    return body


def jellyfin_episode(number: int) -> dict[str, Any]:
    """Return the Jellyfin ItemAdded webhook for S01E0<number>."""
    body = load_fixture("jellyfin/item_added_episode.json")
    if number == 1:
        return body
    episode = _grab_episode(number)
    body["ItemId"] = f"3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e{number}"
    body["Name"] = episode["title"]
    body["EpisodeNumber"] = number
    body["EpisodeNumber00"] = f"0{number}"
    body["EpisodeNumber000"] = f"00{number}"
    body["Provider_tvdb"] = str(episode["tvdbId"])
    body["Provider_imdb"] = f"tt095962{number}"
    return body


def tv_flow() -> list[Step]:
    """Return Example Show season 1 (3 episodes) from request to Jellyfin."""
    return [
        ("seerr", load_fixture("jellyseerr/media_pending_tv.json")),
        ("seerr", load_fixture("jellyseerr/media_approved_tv.json")),
        ("sonarr", load_fixture("sonarr/series_add.json")),
        ("sonarr", load_fixture("sonarr/grab.json")),
        *(("sonarr", episode_import(n)) for n in (1, 2, 3)),
        ("sonarr", load_fixture("sonarr/import_complete.json")),
        *(("jellyfin", jellyfin_episode(n)) for n in (1, 2, 3)),
        ("seerr", load_fixture("jellyseerr/media_available_tv.json")),
    ]


def sonarr_episode_list() -> list[dict[str, Any]]:
    """Return Sonarr's GET /api/v3/episode?seriesId=7 answer."""
    return copy.deepcopy(load_fixture("sonarr/api_episodes.json"))


def jellyfin_series_items() -> dict[str, Any]:
    """Return Jellyfin's GET /Items?ids=<series id> answer for Example Show."""
    return copy.deepcopy(load_fixture("jellyfin/api_items_series.json"))


# --------------------------------------------------------------------- anime

ANIME_SHOWS_FOLDER = "/data/media/anime/shows"
ANIME_MOVIES_FOLDER = "/data/media/anime/movies"
# Shoko import folders (id -> path), as Shoko's REST API reports them.
SHOKO_IMPORT_FOLDERS = {2: ANIME_SHOWS_FOLDER, 3: ANIME_MOVIES_FOLDER}
ANIME_HASH = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"
ANIME_MOVIE_HASH = "d9e1f3a5c7b9021e4f6a8c0e2b4d6f8a1c3e5b72"
ANIME_EPISODE_FILES = {
    1: "Example Anime (2023)/Season 01/"
    "Example Anime - S01E01 - The Journey's End WEBDL-1080p.mkv",
    2: "Example Anime (2023)/Season 01/"
    "Example Anime - S01E02 - It Didn't Have to Be Magic WEBDL-1080p.mkv",
}
ANIME_MOVIE_FILE = (
    "Example Anime Movie (2020)/Example Anime Movie (2020) Bluray-1080p.mkv"
)


def _seerr_variant(
    fixture: str, *, request_id: str, subject: str, tmdb: str, tvdb: str, image: str
) -> dict[str, Any]:
    body = load_fixture(fixture)
    body["subject"] = subject
    body["image"] = f"https://image.tmdb.org/t/p/w600_and_h900_bestv2/{image}"
    body["media"]["tmdbId"] = tmdb
    body["media"]["tvdbId"] = tvdb
    body["request"]["request_id"] = request_id
    return body


def anime_seerr(notification: str, *, tv: bool) -> dict[str, Any]:
    """Return a Seerr notification for Example Anime (203) or the anime movie (204)."""
    if tv:
        return _seerr_variant(
            f"jellyseerr/{notification}_tv.json",
            request_id="203",
            subject="Example Anime (2023)",
            tmdb="209867",
            tvdb="424536",
            image="example-anime-poster.jpg",
        )
    return _seerr_variant(
        f"jellyseerr/{notification}.json",
        request_id="204",
        subject="Example Anime Movie (2020)",
        tmdb="378064",
        tvdb="",
        image="example-anime-movie-poster.jpg",
    )


def anime_episode_import(number: int) -> dict[str, Any]:
    """Return Sonarr's per-file Download webhook for Example Anime S01E0<number>."""
    grab = load_fixture("sonarr/grab_anime.json")
    body = load_fixture("sonarr/download.json")
    body["series"] = grab["series"]
    body["episodes"] = [e for e in grab["episodes"] if e["episodeNumber"] == number]
    relative = ANIME_EPISODE_FILES[number].split("/", 1)[1]
    file = body["episodeFile"]
    file["id"] = 23000 + number
    file["relativePath"] = relative
    file["path"] = f"{ANIME_SHOWS_FOLDER}/{ANIME_EPISODE_FILES[number]}"
    file["sceneName"] = f"[ExampleSubs] Example Anime - 0{number} (1080p)"
    file["sourcePath"] = (
        "/data/torrents/anime/[ExampleSubs] Example Anime - S01E01-E02 (1080p WEB HEVC)"
        f" [Batch]/[ExampleSubs] Example Anime - 0{number} (1080p).mkv"
    )
    body["downloadId"] = grab["downloadId"]
    body["release"]["releaseTitle"] = grab["release"]["releaseTitle"]
    return body


def anime_movie_import() -> dict[str, Any]:
    """Return Radarr's Download webhook for Example Anime Movie."""
    grab = load_fixture("radarr/grab_anime_movie.json")
    body = load_fixture("radarr/download.json")
    body["movie"] = grab["movie"]
    body["remoteMovie"] = grab["remoteMovie"]
    file = body["movieFile"]
    file["id"] = 3101
    file["relativePath"] = ANIME_MOVIE_FILE.split("/", 1)[1]
    file["path"] = f"{ANIME_MOVIES_FOLDER}/{ANIME_MOVIE_FILE}"
    body["downloadId"] = grab["downloadId"]
    return body


def shoko_file_event(event: str, number: int) -> dict[str, Any]:
    """Return a Shoko SignalR invocation for anime episode file <number>."""
    if event == "FileNotMatched":
        message = load_fixture("shoko/file_not_matched.json")
    else:
        message = load_fixture("shoko/file_matched.json")
        message["target"] = f"ShokoEvent:{event}"
    payload = message["arguments"][0]
    payload["FileID"] = 5000 + number
    payload["FileLocationID"] = 6000 + number
    payload["RelativePath"] = ANIME_EPISODE_FILES[number]
    if event == "FileMatched":
        reference = payload["CrossReferences"][0]
        reference["EpisodeID"] = 1000 + number
        reference["AnidbEpisodeID"] = 271000 + number
    elif event == "FileHashed":
        payload["CrossReferences"] = []
    return message


def anime_jellyfin_episode(number: int) -> dict[str, Any]:
    """Return Jellyfin's ItemAdded (Shokofin ids) for Example Anime S01E0<number>."""
    body = load_fixture("jellyfin/item_added_anime_episode.json")
    if number == 1:
        return body
    body["ItemId"] = f"7a8b9c0d1e2f43a4b5c6d7e8f9a0b2c{number}"
    body["Name"] = "It Didn't Have to Be Magic"
    body["EpisodeNumber"] = number
    body["EpisodeNumber00"] = f"0{number}"
    body["EpisodeNumber000"] = f"00{number}"
    body["Provider_shoko episode"] = str(1000 + number)
    body["Provider_shoko file"] = str(5000 + number)
    body["Provider_anidb"] = str(271000 + number)
    return body


def anime_jellyfin_movie() -> dict[str, Any]:
    """Return Jellyfin's ItemAdded for the anime movie as Shokofin names it."""
    body = load_fixture("jellyfin/item_added_movie.json")
    body["Name"] = "Example Anime Movie"
    body["ItemId"] = "4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9"
    body["Year"] = 2020
    for key in [k for k in body if k.startswith("Provider_")]:
        del body[key]
    body["Provider_shoko series"] = "43"
    body["Provider_shoko episode"] = "1101"
    body["Provider_shoko file"] = "5003"
    body["Provider_anidb"] = "201001"
    return body


def anime_tv_flow() -> list[Step]:
    """Return Example Anime S01 (2 episodes) from request to Jellyfin via Shoko."""
    return [
        ("seerr", anime_seerr("media_auto_approved", tv=True)),
        ("sonarr", load_fixture("sonarr/grab_anime.json")),
        *(("sonarr", anime_episode_import(n)) for n in (1, 2)),
        *(("shoko", shoko_file_event("FileDetected", n)) for n in (1, 2)),
        *(("shoko", shoko_file_event("FileHashed", n)) for n in (1, 2)),
        *(("shoko", shoko_file_event("FileMatched", n)) for n in (1, 2)),
        *(("jellyfin", anime_jellyfin_episode(n)) for n in (1, 2)),
    ]


def anime_movie_flow() -> list[Step]:
    """Return Example Anime Movie from request to Jellyfin via Shoko."""
    return [
        ("seerr", anime_seerr("media_auto_approved", tv=False)),
        ("radarr", load_fixture("radarr/grab_anime_movie.json")),
        ("radarr", anime_movie_import()),
        ("shoko", load_fixture("shoko/file_matched_movie.json")),
        ("jellyfin", anime_jellyfin_movie()),
    ]


def anime_episode_list() -> list[dict[str, Any]]:
    """Return Sonarr's episode list of Example Anime (series 23)."""
    grab = load_fixture("sonarr/grab_anime.json")
    return [
        {
            "seriesId": 23,
            "tvdbId": e["tvdbId"],
            "seasonNumber": e["seasonNumber"],
            "episodeNumber": e["episodeNumber"],
            "title": e["title"],
            "airDate": e["airDate"],
            "airDateUtc": e["airDateUtc"],
            "hasFile": False,
            "monitored": True,
            "id": e["id"],
        }
        for e in grab["episodes"]
    ]
