"""Stage derivation: the most advanced stage the recorded evidence supports.

There is no transition table. Every function here is pure: given a request's
evidence (and the current time, for air dates) it returns the same answer
whatever order the evidence arrived in.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .model import STAGE_RANK, Download, Episode, Outcome, Request, Stage, Unit
from .observations import MediaType


def unit_stage(
    unit: Unit, downloads: Mapping[str, Download], *, anime: bool
) -> Stage | None:
    """Return the stage one movie/episode reached, or None before it was grabbed."""
    if unit.available_at:
        return Stage.AVAILABLE
    if anime and unit.matched_at:
        return Stage.MATCHING
    if unit.imported_at:
        return Stage.IMPORTING
    states = [downloads[h] for h in unit.download_ids if h in downloads]
    if any(download.complete for download in states):
        return Stage.DOWNLOADED
    if states:
        # The download client has it (queued, fetching metadata or transferring).
        return Stage.DOWNLOADING
    if unit.grabbed_at:
        return Stage.GRABBED
    return None


def base_stage(request: Request) -> Stage:
    """Return the stage of a request before anything was grabbed for it."""
    if request.searching_at:
        return Stage.SEARCHING
    if request.approved_at:
        return Stage.APPROVED
    return Stage.REQUESTED


def is_aired(episode: Episode, now: datetime) -> bool:
    """Return True when the episode has aired (an unknown air date means not yet)."""
    if not episode.air_date:
        return False
    aired = _parse_air_date(episode.air_date)
    return aired is not None and aired <= now


def _parse_air_date(value: str) -> datetime | None:
    """Parse Sonarr's airDateUtc ("...Z") or airDate ("yyyy-mm-dd")."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def in_requested_seasons(request: Request, season: int) -> bool:
    """Return True when a season is part of the request (no seasons listed = all)."""
    if request.seasons:
        return season in request.seasons
    return season > 0


def tracked_episodes(request: Request) -> Iterable[Episode]:
    """Return the episodes Sonarr knows in the requested seasons."""
    return (
        episode
        for episode in request.episodes.values()
        if episode.known_to_arr and in_requested_seasons(request, episode.season)
    )


def episode_stage(request: Request, episode: Episode) -> Stage:
    """Return one episode's stage (the request's base stage before its grab)."""
    return unit_stage(episode, request.downloads, anime=request.is_anime) or base_stage(
        request
    )


@dataclass(frozen=True, slots=True)
class EpisodeSummary:
    """Counts of a TV request's episodes by stage."""

    total: int
    available: int
    unaired: int
    by_stage: dict[str, int]

    @property
    def text(self) -> str:
        """Return e.g. "2/3 available · 1 importing · 1 unaired"."""
        parts = [f"{self.available}/{self.total} available"]
        for stage in reversed(Stage):
            count = self.by_stage.get(stage, 0)
            if stage is not Stage.AVAILABLE and count:
                parts.append(f"{count} {stage}")
        if self.unaired:
            parts.append(f"{self.unaired} unaired")
        return " · ".join(parts)


def episode_summary(request: Request, now: datetime) -> EpisodeSummary:
    """Count the request's episodes by stage; unaired ones are counted apart."""
    counts: Counter[str] = Counter()
    unaired = 0
    for episode in tracked_episodes(request):
        if not episode.has_evidence and not is_aired(episode, now):
            unaired += 1
            continue
        counts[episode_stage(request, episode)] += 1
    return EpisodeSummary(
        total=sum(counts.values()),
        available=counts.get(Stage.AVAILABLE, 0),
        unaired=unaired,
        by_stage=dict(counts),
    )


def derive_state(
    request: Request, now: datetime, *, trust_seerr_available: bool = False
) -> str:
    """Return the state (stage or outcome) the request's evidence supports.

    `trust_seerr_available` lets Seerr's "now available" stand in for a Jellyfin
    confirmation; the integration sets it only when no Jellyfin is configured.
    """
    if request.deleted_at:
        return Outcome.DELETED
    if request.from_library:
        # Found in Jellyfin by the library sync: there by definition.
        return Stage.AVAILABLE
    if not request.has_progress_evidence:
        # A decline or a failed hand-over to the *arr ends the request unless
        # something was grabbed for it anyway.
        if request.declined_at:
            return Outcome.DECLINED
        if request.failed_at:
            return Outcome.FAILED
    if trust_seerr_available and request.seerr_available_at:
        return Stage.AVAILABLE
    if request.media_type is MediaType.MOVIE:
        return unit_stage(
            request.movie, request.downloads, anime=request.is_anime
        ) or base_stage(request)
    return _tv_stage(request, now)


def _tv_stage(request: Request, now: datetime) -> Stage:
    """Return the stage of the least advanced requested, aired episode."""
    stages = [
        episode_stage(request, episode)
        for episode in tracked_episodes(request)
        if episode.has_evidence or is_aired(episode, now)
    ]
    if not stages:
        return base_stage(request)
    least = min(stages, key=STAGE_RANK.__getitem__)
    if least is Stage.AVAILABLE and not episode_list_known(request):
        # Every episode we know of is there, but nothing says these are all the
        # requested episodes, so the show cannot be confirmed yet.
        return Stage.MATCHING if request.is_anime else Stage.IMPORTING
    return least


def episode_list_known(request: Request) -> bool:
    """Return True when the request's episodes are known to be all of them.

    Sonarr's episode list is the reference. Until it is read, a season-pack
    import (which lists its whole season) or Seerr's "now available" (sent once
    every requested season is in the library) stands in for it.
    """
    if request.episodes_complete or request.seerr_available_at:
        return True
    return bool(request.seasons) and set(request.seasons) <= set(
        request.complete_seasons
    )


def download_progress(request: Request) -> float | None:
    """Return the size-weighted progress (0..100) of the request's downloads."""
    return _weighted_progress(list(request.downloads.values()))


def download_rate(request: Request) -> tuple[int | None, int | None]:
    """Return (speed in B/s, longest ETA in s) of the downloads still running.

    (None, None) when nothing is downloading; finished torrents do not count.
    The speed is None while a running download's client cannot be read.
    """
    running = [d for d in request.downloads.values() if not d.complete]
    if not running:
        return None, None
    speeds = [d.speed for d in running]
    etas = [d.eta for d in running if d.eta is not None]
    speed = None if None in speeds else sum(s for s in speeds if s is not None)
    return speed, max(etas) if etas else None


def unit_progress(unit: Unit, downloads: Mapping[str, Download]) -> float | None:
    """Return the progress (0..100) of one movie/episode's own downloads."""
    return _weighted_progress(
        [downloads[h] for h in unit.download_ids if h in downloads]
    )


def _weighted_progress(downloads: list[Download]) -> float | None:
    """Return the progress of downloads weighted by size (plain mean without sizes)."""
    if not downloads:
        return None
    if all(download.size for download in downloads):
        total = sum(download.size or 0 for download in downloads)
        done = sum((download.size or 0) * download.progress for download in downloads)
        return round(100 * done / total, 1)
    return round(100 * sum(d.progress for d in downloads) / len(downloads), 1)
