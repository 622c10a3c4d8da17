"""Parser for Radarr v5/v6 webhooks (docs/protocols.md §3.1).

Radarr has no import-complete shape: every `Download` carries one `movieFile`.
Movie observations never carry episodes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..core.observations import ArrService, Observation
from .arr_common import (
    ArrPayload,
    Builder,
    build_file_deleted,
    build_file_import,
    build_grab,
    build_import_blocked,
    build_media_added,
    build_media_deleted,
    no_episodes,
    parse_arr,
    read_movie,
)


def _build_download(payload: ArrPayload) -> Observation:
    """Build the observation for `Download` (one imported movie file)."""
    return build_file_import(payload, "movieFile")


def _build_file_deleted(payload: ArrPayload) -> Observation:
    """Build the observation for `MovieFileDelete`."""
    return build_file_deleted(payload, "movieFile")


_BUILDERS: Final[Mapping[str, Builder]] = {
    "Grab": build_grab,
    "Download": _build_download,
    "MovieAdded": build_media_added,
    "MovieDelete": build_media_deleted,
    "MovieFileDelete": _build_file_deleted,
    "ManualInteractionRequired": build_import_blocked,
}


def parse_radarr(body: object, instance_id: str) -> Observation:
    """Turn a Radarr webhook body into an observation (Ignored for untracked events).

    Raises InvalidPayload when the body is not a JSON object, `eventType` is missing,
    or a field of a tracked event is missing or has the wrong type.
    """
    return parse_arr(
        body,
        service=ArrService.RADARR,
        instance_id=instance_id,
        builders=_BUILDERS,
        read_media=read_movie,
        read_episodes=no_episodes,
    )
