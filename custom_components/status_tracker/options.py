"""The hub's options with their defaults, read in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from .const import (
    CONF_ANIME_PATHS,
    CONF_ANIME_TAGS,
    CONF_FAST_POLL_SECONDS,
    CONF_HISTORY_SIZE,
    CONF_PROPAGATE_DELETIONS,
    CONF_RETENTION_DAYS,
    CONF_SLOW_POLL_SECONDS,
    CONF_STALL_APPROVED_HOURS,
    CONF_STALL_DOWNLOADED_MINUTES,
    CONF_STALL_DOWNLOADING_HOURS,
    CONF_STALL_IMPORTING_MINUTES,
    CONF_STALL_MATCHING_MINUTES,
    CONF_WEBHOOK_LOCAL_ONLY,
    DEFAULT_ANIME_PATHS,
    DEFAULT_ANIME_TAGS,
    DEFAULT_FAST_POLL_SECONDS,
    DEFAULT_HISTORY_SIZE,
    DEFAULT_PROPAGATE_DELETIONS,
    DEFAULT_RETENTION_DAYS,
    DEFAULT_SLOW_POLL_SECONDS,
    DEFAULT_STALL_APPROVED_HOURS,
    DEFAULT_STALL_DOWNLOADED_MINUTES,
    DEFAULT_STALL_DOWNLOADING_HOURS,
    DEFAULT_STALL_IMPORTING_MINUTES,
    DEFAULT_STALL_MATCHING_MINUTES,
    DEFAULT_WEBHOOK_LOCAL_ONLY,
)
from .core.model import Stage
from .core.tracker import AnimeRules

DEFAULT_OPTIONS: Final[Mapping[str, Any]] = {
    CONF_RETENTION_DAYS: DEFAULT_RETENTION_DAYS,
    CONF_HISTORY_SIZE: DEFAULT_HISTORY_SIZE,
    CONF_WEBHOOK_LOCAL_ONLY: DEFAULT_WEBHOOK_LOCAL_ONLY,
    CONF_FAST_POLL_SECONDS: DEFAULT_FAST_POLL_SECONDS,
    CONF_SLOW_POLL_SECONDS: DEFAULT_SLOW_POLL_SECONDS,
    CONF_STALL_APPROVED_HOURS: DEFAULT_STALL_APPROVED_HOURS,
    CONF_STALL_DOWNLOADING_HOURS: DEFAULT_STALL_DOWNLOADING_HOURS,
    CONF_STALL_DOWNLOADED_MINUTES: DEFAULT_STALL_DOWNLOADED_MINUTES,
    CONF_STALL_IMPORTING_MINUTES: DEFAULT_STALL_IMPORTING_MINUTES,
    CONF_STALL_MATCHING_MINUTES: DEFAULT_STALL_MATCHING_MINUTES,
    CONF_ANIME_TAGS: DEFAULT_ANIME_TAGS,
    CONF_ANIME_PATHS: DEFAULT_ANIME_PATHS,
    CONF_PROPAGATE_DELETIONS: DEFAULT_PROPAGATE_DELETIONS,
}


@dataclass(frozen=True, slots=True)
class HubOptions:
    """Typed view of a hub's options (missing keys take their defaults)."""

    retention: timedelta
    history_size: int
    webhook_local_only: bool
    fast_poll: timedelta
    slow_poll: timedelta
    # Stage -> how long without progress before the request is stalled.
    stall_thresholds: dict[str, timedelta]
    anime_rules: AnimeRules
    # Delete everywhere what was deleted in Sonarr, Radarr or Jellyfin.
    propagate_deletions: bool

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> HubOptions:
        """Read the options of a config entry."""
        values = {**DEFAULT_OPTIONS, **options}
        return cls(
            retention=timedelta(days=values[CONF_RETENTION_DAYS]),
            history_size=int(values[CONF_HISTORY_SIZE]),
            webhook_local_only=bool(values[CONF_WEBHOOK_LOCAL_ONLY]),
            fast_poll=timedelta(seconds=values[CONF_FAST_POLL_SECONDS]),
            slow_poll=timedelta(seconds=values[CONF_SLOW_POLL_SECONDS]),
            stall_thresholds={
                Stage.APPROVED: timedelta(hours=values[CONF_STALL_APPROVED_HOURS]),
                Stage.DOWNLOADING: timedelta(
                    hours=values[CONF_STALL_DOWNLOADING_HOURS]
                ),
                Stage.DOWNLOADED: timedelta(
                    minutes=values[CONF_STALL_DOWNLOADED_MINUTES]
                ),
                Stage.IMPORTING: timedelta(
                    minutes=values[CONF_STALL_IMPORTING_MINUTES]
                ),
                Stage.MATCHING: timedelta(minutes=values[CONF_STALL_MATCHING_MINUTES]),
            },
            anime_rules=AnimeRules(
                tags=frozenset(_split(values[CONF_ANIME_TAGS], casefold=True)),
                path_prefixes=tuple(_split(values[CONF_ANIME_PATHS])),
            ),
            propagate_deletions=bool(values[CONF_PROPAGATE_DELETIONS]),
        )


def _split(text: str, *, casefold: bool = False) -> list[str]:
    """Return the non-empty items of a comma-separated option."""
    items = (item.strip() for item in str(text).split(","))
    return [item.casefold() if casefold else item for item in items if item]
