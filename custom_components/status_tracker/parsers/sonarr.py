"""Parser for Sonarr v4 webhooks (docs/protocols.md §2.1).

`Download` comes in two shapes with the same event type: one webhook per imported
file (`episodeFile`, `isUpgrade`) and, with "On Import Complete", one webhook per
release (`episodeFiles[]`). Both become `ArrImport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..core.observations import ArrImport, ArrService, Observation
from .arr_common import (
    ArrPayload,
    Builder,
    build_file_deleted,
    build_file_import,
    build_grab,
    build_import_blocked,
    build_media_added,
    build_media_deleted,
    parse_arr,
    read_download_id,
    read_episodes,
    read_imported_file,
    read_release_type,
    read_series,
)


def _build_import_complete(payload: ArrPayload) -> ArrImport:
    """Build the observation for the import-complete `Download` (episodeFiles[])."""
    root = payload.root
    # The file objects do not say which episodes they hold; an empty tuple means
    # "some of the payload's episodes" (see ImportedFile).
    files = tuple(
        read_imported_file(file, ()) for file in root.object_list("episodeFiles")
    )
    return ArrImport(
        service=payload.service,
        instance_id=payload.instance_id,
        media=payload.media,
        episodes=payload.episodes,
        files=files,
        download_id=read_download_id(root),
        import_complete=True,
        release_type=read_release_type(root),
    )


def _build_download(payload: ArrPayload) -> ArrImport:
    """Build the observation for `Download`, telling its two shapes apart."""
    root = payload.root
    if root.has("episodeFiles"):
        return _build_import_complete(payload)
    if root.has("episodeFile"):
        return build_file_import(payload, "episodeFile")
    raise root.invalid(
        "episodeFile", "is missing (a Download needs episodeFile or episodeFiles)"
    )


def _build_file_deleted(payload: ArrPayload) -> Observation:
    """Build the observation for `EpisodeFileDelete`."""
    return build_file_deleted(payload, "episodeFile")


_BUILDERS: Final[Mapping[str, Builder]] = {
    "Grab": build_grab,
    "Download": _build_download,
    "SeriesAdd": build_media_added,
    "SeriesDelete": build_media_deleted,
    "EpisodeFileDelete": _build_file_deleted,
    "ManualInteractionRequired": build_import_blocked,
}


def parse_sonarr(body: object, instance_id: str) -> Observation:
    """Turn a Sonarr webhook body into an observation (Ignored for untracked events).

    Raises InvalidPayload when the body is not a JSON object, `eventType` is missing,
    or a field of a tracked event is missing or has the wrong type.
    """
    return parse_arr(
        body,
        service=ArrService.SONARR,
        instance_id=instance_id,
        builders=_BUILDERS,
        read_media=read_series,
        read_episodes=read_episodes,
    )
