"""Drive a Tracker the way the integration does, without Home Assistant.

The integration resolves a Jellyfin episode's series through Jellyfin's API and
reads Sonarr's episode list once a TV request is linked to a Sonarr series; the
harness does the same from fixtures so flows can be replayed in any order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
import itertools
from typing import Any

from custom_components.status_tracker.core.model import Request
from custom_components.status_tracker.core.observations import (
    EpisodeRef,
    JellyfinItem,
    Observation,
    SeriesEpisodes,
    ShokoFile,
)
from custom_components.status_tracker.core.tracker import Tracker, TrackerUpdate
from custom_components.status_tracker.parsers import parse_webhook
from custom_components.status_tracker.parsers.shoko import parse_shoko_event
from tests.flows import (
    SHOKO_IMPORT_FOLDERS,
    SHOW_JELLYFIN_ID,
    Step,
    anime_episode_list,
    sonarr_episode_list,
)

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
INSTANCE = "sonarr-or-radarr-subentry"
SERIES_PROVIDER_IDS = {
    SHOW_JELLYFIN_ID: {"tvdb": "81189", "tmdb": "1396", "imdb": "tt0903747"}
}


def episode_refs(resources: list[dict[str, Any]]) -> tuple[EpisodeRef, ...]:
    """Convert Sonarr episode resources the way the Sonarr client does."""
    return tuple(
        EpisodeRef(
            season=item["seasonNumber"],
            episode=item["episodeNumber"],
            title=item.get("title"),
            air_date=item.get("airDateUtc") or item.get("airDate"),
            arr_episode_id=item["id"],
            tvdb_id=item.get("tvdbId") or None,
        )
        for item in resources
    )


class Harness:
    """A tracker plus the integration's follow-up lookups."""

    def __init__(
        self,
        *,
        now: datetime = NOW,
        episode_lists: dict[int, Callable[[], list[dict[str, Any]]]] | None = None,
    ) -> None:
        counter = itertools.count(1)
        self.now = now
        self.tracker = Tracker(now=lambda: self.now, new_id=lambda: f"r{next(counter)}")
        self.updates: list[TrackerUpdate] = []
        # Sonarr series id -> its episode list (Sonarr's answer).
        self.episode_lists = episode_lists or {
            7: sonarr_episode_list,
            23: anime_episode_list,
        }

    def observe(
        self, observation: Observation, *, at: datetime | None = None
    ) -> TrackerUpdate:
        update = self.tracker.apply(observation, at=at)
        self.updates.append(update)
        lists = self.episode_lists
        for request in self.tracker.needs_episode_list():
            assert request.arr_instance is not None and request.arr_id is not None
            self.updates.append(
                self.tracker.apply(
                    SeriesEpisodes(
                        instance_id=request.arr_instance,
                        series_id=request.arr_id,
                        episodes=episode_refs(lists[request.arr_id]()),
                    )
                )
            )
        return update

    def post(self, service: str, body: dict[str, Any]) -> TrackerUpdate:
        if service == "shoko":
            return self._shoko(body)
        observation = parse_webhook(service, body, INSTANCE)
        if isinstance(observation, JellyfinItem) and observation.series_id:
            observation = replace(
                observation,
                series_provider_ids=SERIES_PROVIDER_IDS.get(observation.series_id),
            )
        return self.observe(observation)

    def _shoko(self, message: dict[str, Any]) -> TrackerUpdate:
        """Apply a Shoko SignalR invocation, with the path the hub resolves."""
        update = TrackerUpdate()
        for observation in parse_shoko_event(
            message["target"], message["arguments"], INSTANCE
        ):
            folder = None
            if isinstance(observation, ShokoFile):
                folder = SHOKO_IMPORT_FOLDERS.get(observation.import_folder_id or 0)
            update.extend(
                self.observe(
                    replace(
                        observation,
                        full_path=f"{folder}/{observation.relative_path}",
                    )
                    if isinstance(observation, ShokoFile) and folder
                    else observation
                )
            )
        return update

    def play(self, steps: list[Step]) -> None:
        for service, body in steps:
            self.post(service, body)

    def only(self) -> Request:
        requests = list(self.tracker.requests.values())
        assert len(requests) == 1, [r.to_dict() for r in requests]
        return requests[0]


def comparable(request: Request) -> dict[str, Any]:
    """Return a request's stored form without what legitimately depends on order.

    Ids are allocated in arrival order and lists of facts are kept in arrival
    order; everything else (stage, evidence, timeline content) must match.
    """
    data = request.to_dict()
    data.pop("id")
    data["timeline"] = sorted(
        (e["kind"], e["source"], e["key"], e["detail"]) for e in data["timeline"]
    )
    data["episodes"] = sorted(
        (
            {
                **e,
                "download_ids": sorted(e["download_ids"]),
                "files": sorted(e["files"]),
            }
            for e in data["episodes"]
        ),
        key=lambda e: (e["season"], e["number"]),
    )
    movie = data["movie"]
    movie["download_ids"] = sorted(movie["download_ids"])
    movie["files"] = sorted(movie["files"])
    return data
