"""Facts of one service that another service's facts contradict.

Seerr 3.4 sometimes declines an auto-approved request during its scan of
Radarr although Radarr has the movie (docs/protocols.md §4.3). The evidence of
the download wins (`lifecycle.derive_state` ends a declined request only when
nothing was grabbed for it); the contradiction is raised as a problem, so the
decline is shown rather than silently overruled.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from typing import Final

from .model import Request, Unit
from .observations import ArrService, MediaType

_ARR_NAMES: Final[dict[str, str]] = {
    ArrService.RADARR: "Radarr",
    ArrService.SONARR: "Sonarr",
}


def declined_but_grabbed(request: Request) -> str | None:
    """Return why a request Seerr declined goes on anyway, or None if it does not."""
    if request.declined_at is None or not request.has_progress_evidence:
        return None
    arr = _ARR_NAMES.get(request.arr_service or "")
    if arr is None:
        # Only Jellyfin (or Shoko) has it: no *arr reported a grab.
        return "Seerr says declined, but the media is in the library"
    done = "imported" if any(_imported(unit) for unit in _units(request)) else "grabbed"
    return f"Seerr says declined, but {arr} has {done} it"


def _units(request: Request) -> list[Unit]:
    if request.media_type is MediaType.MOVIE:
        return [request.movie]
    return list(request.episodes.values())


def _imported(unit: Unit) -> bool:
    """Return True when the files are in the library (imported or further)."""
    return bool(unit.imported_at or unit.matched_at or unit.available_at)
