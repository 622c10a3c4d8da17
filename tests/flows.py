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
