"""JSON round-trip of observations, for the orphans kept in the store.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any, Final

from .observations import (
    ArrImportBlocked,
    ArrMediaAdded,
    ArrService,
    EpisodeRef,
    JellyfinEvent,
    JellyfinItem,
    MediaRef,
    MediaType,
    Observation,
    ShokoCrossReference,
    ShokoFile,
    ShokoFileEvent,
)

# Only observations that can wait as orphans are stored.
_STORABLE: Final[dict[str, type[Any]]] = {
    cls.__name__: cls
    for cls in (ArrMediaAdded, ArrImportBlocked, JellyfinItem, ShokoFile)
}


def observation_to_dict(observation: Observation) -> dict[str, Any]:
    """Return a JSON-serialisable dict with the observation's type name."""
    return {"type": type(observation).__name__, "data": _plain(observation)}


def observation_from_dict(data: dict[str, Any]) -> Observation | None:
    """Rebuild an observation; None for a type this version does not store."""
    cls = _STORABLE.get(data.get("type", ""))
    if cls is None:
        return None
    values = dict(data["data"])
    if "media" in values:
        media = dict(values["media"])
        media["media_type"] = MediaType(media["media_type"])
        media["tags"] = tuple(media.get("tags", ()))
        values["media"] = MediaRef(**media)
    if "episodes" in values:
        values["episodes"] = tuple(EpisodeRef(**e) for e in values["episodes"])
    if "service" in values:
        values["service"] = ArrService(values["service"])
    if cls is JellyfinItem:
        values["event"] = JellyfinEvent(values["event"])
    if cls is ShokoFile:
        values["event"] = ShokoFileEvent(values["event"])
        values["cross_references"] = tuple(
            ShokoCrossReference(**reference)
            for reference in values.get("cross_references", ())
        )
    observation: Observation = cls(**values)
    return observation


def _plain(value: Any) -> Any:
    """Convert dataclasses, tuples and enums to JSON types."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
