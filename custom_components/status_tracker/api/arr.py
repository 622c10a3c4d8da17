"""Clients for Sonarr v4 and Radarr v5/v6, REST base ``/api/v3``."""

from __future__ import annotations

from dataclasses import dataclass
import logging
from typing import Any, ClassVar

from custom_components.status_tracker.observations import EpisodeRef

from .client import (
    ApiKeyClient,
    json_object,
    json_optional_int,
    json_optional_str,
    json_str,
)
from .errors import UnexpectedResponse

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ArrSystemStatus:
    """What ``GET /api/v3/system/status`` reports."""

    app_name: str
    instance_name: str
    version: str


class ArrClient(ApiKeyClient):
    """Behaviour shared by Sonarr and Radarr (same auth, same system API)."""

    # The appName the application reports; lets callers spot a Radarr URL given as Sonarr.
    app_name: ClassVar[str] = "Arr"

    async def async_get_system_status(self) -> ArrSystemStatus:
        """Return application name, instance name and version; needs a valid key."""
        data = json_object(
            await self._async_get_json("/api/v3/system/status"), "system status"
        )
        app_name = json_str(data, "appName")
        return ArrSystemStatus(
            app_name=app_name,
            # Older releases have no instance name; the app name is what their UI shows.
            instance_name=json_optional_str(data, "instanceName") or app_name,
            version=json_str(data, "version"),
        )


class SonarrClient(ArrClient):
    """Sonarr v4 client."""

    app_name = "Sonarr"
    service_name = "Sonarr"

    async def async_get_episodes(self, series_id: int) -> list[EpisodeRef]:
        """Return every episode of a series (``GET /api/v3/episode?seriesId=``).

        Malformed elements are skipped rather than failing the whole list: one odd
        episode must not hide the others.
        """
        data = await self._async_get_json(
            "/api/v3/episode", params={"seriesId": str(series_id)}
        )
        if not isinstance(data, list):
            raise UnexpectedResponse("Expected a JSON array of episodes from Sonarr")
        episodes: list[EpisodeRef] = []
        for element in data:
            if (episode := _parse_episode(element)) is None:
                _LOGGER.debug(
                    "Skipping malformed Sonarr episode of series %s", series_id
                )
                continue
            episodes.append(episode)
        return episodes


class RadarrClient(ArrClient):
    """Radarr v5/v6 client."""

    app_name = "Radarr"
    service_name = "Radarr"


def _parse_episode(element: Any) -> EpisodeRef | None:
    """Return the EpisodeRef of one Sonarr episode resource, or None if malformed."""
    if not isinstance(element, dict):
        return None
    # Season 0 holds the specials; episode numbers start at 1 but 0 is seen for
    # placeholders, so both only need to be non-negative integers.
    season = json_optional_int(element, "seasonNumber", minimum=0)
    number = json_optional_int(element, "episodeNumber", minimum=0)
    if season is None or number is None:
        return None
    return EpisodeRef(
        season=season,
        episode=number,
        title=json_optional_str(element, "title"),
        air_date=json_optional_str(element, "airDateUtc")
        or json_optional_str(element, "airDate"),
        arr_episode_id=json_optional_int(element, "id"),
        tvdb_id=json_optional_int(element, "tvdbId"),
    )
