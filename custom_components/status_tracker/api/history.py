"""What a service's own history says happened since a moment (reconciliation).

Seerr, Sonarr, Radarr and Jellyfin send each webhook once. What they sent while
Home Assistant was down is asked for again from their history, newest first,
page by page until the records are older than the moment asked for. Each client
answers with the observations its webhooks would have brought, each with the
time the service gives for it, so they go through the tracker's rules like a
webhook (which record facts idempotently: asking twice adds nothing twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from ..core.observations import Observation

# HTTP requests one reconciliation may make per service instance: the history
# is read in pages (newest first), so a long outage costs a few pages.
MAX_HISTORY_CALLS: Final = 8
# Titles Seerr's history looks up per reading, besides its pages (a request
# created while Home Assistant was down is named by one call each).
MAX_TITLE_LOOKUPS: Final = 50


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One fact from a service's history, with when the service says it happened."""

    # Aware, UTC.
    at: datetime
    observation: Observation


@dataclass(frozen=True, slots=True)
class HistoryRead:
    """What one reading of a service's history found."""

    # Oldest first; only facts at or after the moment asked for.
    events: tuple[HistoryEvent, ...]
    # HTTP requests made.
    calls: int
    # False when the call budget ran out before the records reached the moment
    # asked for: older facts may be missing.
    complete: bool = True
