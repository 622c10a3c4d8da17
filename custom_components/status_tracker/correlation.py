"""Correlation keys and the index that answers "which request is this about?".

Every request is indexed under every id it is known by (Seerr request id, TMDB id
scoped by media type, TVDB, IMDB, *arr id per instance, download hashes, Jellyfin
ids, episode TVDB ids), so each lookup is a few dict reads whatever the number
of stored requests.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .model import Request, Unit
from .observations import (
    ArrImportBlocked,
    ArrMediaAdded,
    JellyfinItem,
    MediaRef,
    MediaType,
    Observation,
    ShokoFile,
)

# Shokofin's provider keys in Jellyfin (they contain a space) -> index kind.
SHOKOFIN_KEYS = {
    "shoko file": "shoko_file",
    "shoko episode": "shoko_episode",
    "shoko series": "shoko_series",
}

IndexKey = tuple[Any, ...]


class CorrelationIndex:
    """Index keys -> request ids, kept in step with each request's keys."""

    def __init__(self) -> None:
        """Create an empty index."""
        # Most keys belong to one request: such a bucket is the id itself, a set
        # only when several share the key (a set costs ~200 bytes per key).
        self._ids: dict[IndexKey, str | set[str]] = {}
        # The keys of each request, as a tuple (a frozenset costs ~3x more).
        self._keys_of: dict[str, tuple[IndexKey, ...]] = {}

    def clear(self) -> None:
        """Forget everything."""
        self._ids.clear()
        self._keys_of.clear()

    def lookup(self, keys: Iterable[IndexKey]) -> set[str]:
        """Return the ids of requests indexed under any of `keys`."""
        found: set[str] = set()
        for key in keys:
            bucket = self._ids.get(key)
            if isinstance(bucket, str):
                found.add(bucket)
            elif bucket:
                found |= bucket
        return found

    def update(self, request: Request) -> set[IndexKey]:
        """Re-index one request; return the keys it did not have before."""
        keys = set(request_keys(request))
        old = set(self._keys_of.get(request.id, ()))
        self._drop(request.id, old - keys)
        added = keys - old
        for key in added:
            bucket = self._ids.get(key)
            if bucket is None or bucket == request.id:
                self._ids[key] = request.id
            elif isinstance(bucket, str):
                self._ids[key] = {bucket, request.id}
            else:
                bucket.add(request.id)
        self._keys_of[request.id] = tuple(keys)
        return added

    def remove(self, request_id: str) -> None:
        """Remove one request from the index."""
        self._drop(request_id, self._keys_of.pop(request_id, ()))

    def _drop(self, request_id: str, keys: Iterable[IndexKey]) -> None:
        for key in keys:
            bucket = self._ids.get(key)
            if isinstance(bucket, set):
                # A set holds two ids or more: with one left it becomes a str.
                bucket.discard(request_id)
                if len(bucket) == 1:
                    self._ids[key] = bucket.pop()
            elif bucket == request_id:
                # The request's own id: its keys and the buckets move together.
                del self._ids[key]


def int_or_none(value: str | None) -> int | None:
    """Return a provider id string as an int, or None if it is not a number."""
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def external_id_keys(
    media_type: MediaType, provider_ids: dict[str, str]
) -> list[IndexKey]:
    """Return index keys for Jellyfin-style provider ids ({"tmdb": "603"})."""
    keys: list[IndexKey] = []
    if (tmdb := int_or_none(provider_ids.get("tmdb"))) is not None:
        keys.append(("tmdb", media_type, tmdb))
    if (
        media_type is MediaType.TV
        and (tvdb := int_or_none(provider_ids.get("tvdb"))) is not None
    ):
        keys.append(("tvdb", tvdb))
    if imdb := provider_ids.get("imdb"):
        keys.append(("imdb", media_type, imdb))
    for provider, kind in SHOKOFIN_KEYS.items():
        if (shoko_id := int_or_none(provider_ids.get(provider))) is not None:
            keys.append((kind, shoko_id))
    return keys


def normalize_path(path: str) -> str:
    """Return a file path with '/' separators and no repeated or trailing ones."""
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    prefix = "/" if path.startswith(("/", "\\")) else ""
    normalized = prefix + "/".join(parts)
    # The index keeps the key for every stored request: reuse the request's own
    # string when nothing changed instead of holding an equal copy.
    return path if normalized == path else normalized


def file_name(path: str) -> str:
    """Return the last component of a path (either separator)."""
    return normalize_path(path).rsplit("/", 1)[-1]


def file_keys(path: str) -> list[IndexKey]:
    """Return the keys of an imported file: its full path and its name."""
    return [("path", normalize_path(path)), ("file", file_name(path))]


def media_keys(media: MediaRef, instance_id: str | None = None) -> list[IndexKey]:
    """Return the index keys that identify a movie or series.

    TMDB ids are scoped by media type: a movie and a show may share a number.
    """
    keys: list[IndexKey] = []
    if instance_id is not None and media.arr_id is not None:
        keys.append(("arr", instance_id, media.arr_id))
    if media.tmdb_id is not None:
        keys.append(("tmdb", media.media_type, media.tmdb_id))
    if media.media_type is MediaType.TV and media.tvdb_id is not None:
        keys.append(("tvdb", media.tvdb_id))
    if media.imdb_id:
        keys.append(("imdb", media.media_type, media.imdb_id))
    return keys


def request_keys(request: Request) -> Iterator[IndexKey]:
    """Return every index key of a request."""
    if request.seerr_request_id is not None:
        yield ("seerr", request.seerr_request_id)
    if request.tmdb_id is not None:
        yield ("tmdb", request.media_type, request.tmdb_id)
    if request.media_type is MediaType.TV and request.tvdb_id is not None:
        yield ("tvdb", request.tvdb_id)
    if request.imdb_id:
        yield ("imdb", request.media_type, request.imdb_id)
    if request.arr_instance is not None and request.arr_id is not None:
        yield ("arr", request.arr_instance, request.arr_id)
    if request.jellyfin_series_id:
        yield ("jellyfin", request.jellyfin_series_id)
    for series_id in request.shoko_series_ids:
        yield ("shoko_series", series_id)
    for download_id in request.downloads:
        yield ("hash", download_id)
    units: list[Unit] = [request.movie, *request.episodes.values()]
    for unit in units:
        for download_id in unit.download_ids:
            yield ("hash", download_id)
        if unit.jellyfin_id:
            yield ("jellyfin", unit.jellyfin_id)
        for path in unit.files:
            yield from file_keys(path)
        for shoko_file in unit.shoko_file_ids:
            yield ("shoko_file", shoko_file)
        for shoko_episode in unit.shoko_episode_ids:
            yield ("shoko_episode", shoko_episode)
    for episode in request.episodes.values():
        if episode.tvdb_id is not None:
            yield ("ep_tvdb", episode.tvdb_id)


def observation_keys(observation: Observation) -> frozenset[IndexKey]:
    """Return the index keys under which an orphan observation could match."""
    keys: list[IndexKey] = []
    match observation:
        case ArrMediaAdded(media=media, instance_id=instance_id):
            keys = media_keys(media, instance_id)
        case ArrImportBlocked(media=media, instance_id=instance_id):
            keys = media_keys(media, instance_id)
            if observation.download_id:
                keys.append(("hash", observation.download_id))
        case JellyfinItem(item_type="Movie"):
            keys = [("jellyfin", observation.item_id)]
            keys += external_id_keys(MediaType.MOVIE, observation.provider_ids)
        case JellyfinItem():
            if observation.series_id:
                keys.append(("jellyfin", observation.series_id))
            keys += external_id_keys(
                MediaType.TV, observation.series_provider_ids or {}
            )
            episode_tvdb = int_or_none(observation.provider_ids.get("tvdb"))
            if episode_tvdb is not None:
                keys.append(("ep_tvdb", episode_tvdb))
            keys += [
                key
                for key in external_id_keys(MediaType.TV, observation.provider_ids)
                if key[0] in SHOKOFIN_KEYS.values()
            ]
        case ShokoFile():
            keys = shoko_file_keys(observation)
    return frozenset(keys)


def shoko_file_keys(observation: ShokoFile) -> list[IndexKey]:
    """Return the keys a Shoko file event can match: its id, path and name."""
    keys: list[IndexKey] = []
    if observation.file_id is not None:
        keys.append(("shoko_file", observation.file_id))
    if observation.full_path:
        keys.append(("path", normalize_path(observation.full_path)))
    if observation.relative_path:
        keys.append(("file", file_name(observation.relative_path)))
    return keys
