"""Jellyfin library items: movies and episodes become available."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from ..book import MATCHED, NO_MATCH, Applied, RequestBook, Touched
from ..correlation import (
    SHOKOFIN_KEYS,
    IndexKey,
    external_id_keys,
    int_or_none,
    observation_keys,
)
from ..lifecycle import in_requested_seasons
from ..model import Episode, Request, Stage, TimelineKind
from ..observations import (
    JellyfinEvent,
    JellyfinItem,
    MediaType,
    Observation,
    episode_key,
)

# Stages in which the files are (nearly) in the library.
_AWAITING_LIBRARY: Final = frozenset(
    {Stage.DOWNLOADED, Stage.IMPORTING, Stage.MATCHING}
)


class JellyfinRules:
    """Apply Jellyfin library items."""

    def __init__(self, book: RequestBook) -> None:
        """Work on `book`."""
        self._book = book

    def apply(self, obs: JellyfinItem, when: datetime, touched: Touched) -> Applied:
        """Record an item added to Jellyfin (kept as an orphan if nothing matches)."""
        return MATCHED if self._apply_jellyfin(obs, when, touched) else NO_MATCH

    def awaiting_availability(self, entered_before: datetime) -> list[Request]:
        """Return active requests waiting for Jellyfin since before a time.

        Those in downloaded, importing or matching: the files are (nearly) in
        the library, so Jellyfin should show them.
        """
        limit = entered_before.isoformat()
        return [
            request
            for request in self._book.active()
            if request.state in _AWAITING_LIBRARY
            and (request.stage_since or request.created_at) <= limit
        ]

    def would_match(self, observation: Observation, among: set[str]) -> bool:
        """Return True when an observation's keys point at one of `among`."""
        return bool(self._book.indexed_under(observation_keys(observation)) & among)

    def _apply_jellyfin(
        self, obs: JellyfinItem, when: datetime, touched: Touched
    ) -> bool:
        """Record a Jellyfin item; return False when it should wait as an orphan."""
        if obs.event is not JellyfinEvent.ITEM_ADDED:
            # ItemDeleted is handled by the deletion feature.
            return True
        match obs.item_type:
            case "Movie":
                return self._jellyfin_movie(obs, when, touched)
            case "Episode":
                return self._jellyfin_episode(obs, when, touched)
            case "Series":
                self._jellyfin_series(obs, touched)
        return True

    def _jellyfin_movie(
        self, obs: JellyfinItem, when: datetime, touched: Touched
    ) -> bool:
        request = self._book.find(
            observation_keys(obs),
            MediaType.MOVIE,
            (),
            late=lambda r: (
                r.movie.available_at is None or r.movie.jellyfin_id == obs.item_id
            ),
        )
        if request is None:
            return False
        at = when.isoformat()
        if self._book.record(
            request,
            key=f"jellyfin:added:{obs.item_id}",
            kind=TimelineKind.AVAILABLE,
            source="jellyfin",
            at=at,
            detail=obs.name,
        ):
            request.movie.available_at = request.movie.available_at or at
            request.movie.jellyfin_id = obs.item_id
            touched.add(request)
        return True

    def _jellyfin_episode(
        self, obs: JellyfinItem, when: datetime, touched: Touched
    ) -> bool:
        if obs.season is None or obs.episode is None:
            return True
        season, number = obs.season, obs.episode
        request: Request | None = None
        if exact := _exact_episode_keys(obs):
            # Exact even where Jellyfin numbers the episode, or its season,
            # differently from Sonarr (anime through Shokofin often does).
            request = self._book.find(
                exact,
                MediaType.TV,
                (),
                late=lambda r: _jellyfin_item_is_new_to(r, obs, season, number),
            )
        request = request or self._book.find(
            observation_keys(obs),
            MediaType.TV,
            (season,),
            only=lambda r: in_requested_seasons(r, season),
            late=lambda r: _jellyfin_item_is_new_to(r, obs, season, number),
        )
        if request is None:
            return False
        numbers = range(number, max(number, obs.episode_end or 0) + 1)
        episodes = _episodes_by_exact_ids(request, obs) or [
            self._book.episode(request, season, n) for n in numbers
        ]
        at = when.isoformat()
        if self._book.record(
            request,
            key=f"jellyfin:added:{obs.item_id}",
            kind=TimelineKind.AVAILABLE,
            source="jellyfin",
            at=at,
            detail=", ".join(episode_key(e.season, e.number) for e in episodes),
        ):
            for episode in episodes:
                episode.available_at = episode.available_at or at
                episode.jellyfin_id = obs.item_id
            if obs.series_id:
                request.jellyfin_series_id = request.jellyfin_series_id or obs.series_id
            touched.add(request)
        return True

    def _jellyfin_series(self, obs: JellyfinItem, touched: Touched) -> None:
        """Learn the Jellyfin id of a series so its episodes match at once."""
        keys = external_id_keys(MediaType.TV, obs.provider_ids)
        for request in self._book.lookup(keys, active_only=True):
            if request.media_type is MediaType.TV and not request.jellyfin_series_id:
                request.jellyfin_series_id = obs.item_id
                touched.add(request)


def _episodes_by_exact_ids(request: Request, obs: JellyfinItem) -> list[Episode]:
    """Return the request's episodes the item names by exact id, if any.

    Jellyfin and Sonarr can number episodes differently (absolute or scene
    numbering, Shokofin's seasons); the episode's own TVDB id, or Shoko's file
    and episode ids, are exact where numbers are not.
    """
    keys = set(_exact_episode_keys(obs))
    if not keys:
        return []
    return [
        episode
        for episode in request.episodes.values()
        if keys & set(_episode_exact_keys(episode))
    ]


def _exact_episode_keys(obs: JellyfinItem) -> list[IndexKey]:
    """Return the keys that name one episode exactly (TVDB, Shoko file/episode)."""
    keys: list[IndexKey] = []
    if (tvdb := _episode_tvdb(obs)) is not None:
        keys.append(("ep_tvdb", tvdb))
    keys.extend(
        (SHOKOFIN_KEYS[provider], shoko_id)
        for provider in ("shoko file", "shoko episode")
        if (shoko_id := int_or_none(obs.provider_ids.get(provider))) is not None
    )
    return keys


def _episode_exact_keys(episode: Episode) -> list[IndexKey]:
    keys: list[IndexKey] = []
    if episode.tvdb_id is not None:
        keys.append(("ep_tvdb", episode.tvdb_id))
    keys += [("shoko_file", i) for i in episode.shoko_file_ids]
    keys += [("shoko_episode", i) for i in episode.shoko_episode_ids]
    return keys


def _episode_tvdb(obs: JellyfinItem) -> int | None:
    """Return the TVDB id of a single-episode Jellyfin item (None for a range)."""
    if obs.episode_end not in (None, obs.episode):
        return None
    return int_or_none(obs.provider_ids.get("tvdb"))


def _jellyfin_item_is_new_to(
    request: Request, obs: JellyfinItem, season: int, number: int
) -> bool:
    """Return True when a finished request lacks this Jellyfin episode."""
    episodes = _episodes_by_exact_ids(request, obs)
    if not episodes:
        episode = request.episodes.get(episode_key(season, number))
        if episode is None:
            return True
        episodes = [episode]
    return any(
        episode.available_at is None or episode.jellyfin_id == obs.item_id
        for episode in episodes
    )
