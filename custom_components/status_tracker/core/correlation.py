"""Correlation keys and the index that answers "which request is this about?".

Every request is indexed under every id it is known by (Seerr request id, TMDB id
scoped by media type, TVDB, IMDB, *arr id per instance, download hashes, Jellyfin
ids, episode TVDB ids), so each lookup is a few dict reads whatever the number
of stored requests.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from .model import Request
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

# How strongly a key kind identifies one request, strongest (0) first: a Seerr
# request, a download, an *arr item or a Jellyfin/Shoko item; then TMDB and TVDB;
# then IMDb (optional in *arr payloads, sometimes wrong, sometimes shared by a
# collection entry); then paths and file names (folders are reused after a delete).
KEY_STRENGTH: Final[dict[str, int]] = {
    "seerr": 0,
    "hash": 0,
    "arr": 0,
    "jellyfin": 0,
    "shoko_file": 0,
    "shoko_episode": 0,
    "shoko_series": 0,
    "tmdb": 1,
    "tvdb": 1,
    "ep_tvdb": 1,
    "imdb": 2,
    "path": 3,
    "file": 3,
}


class CorrelationIndex:
    """Index keys -> request ids, kept in step with each request's keys."""

    def __init__(self) -> None:
        """Create an empty index."""
        # Most keys belong to one request: such a bucket is the id itself, a set
        # only when several share the key (a set costs ~200 bytes per key).
        self._ids: dict[IndexKey, str | set[str]] = {}
        # The keys of each request, as a tuple (a frozenset costs ~3x more).
        self._keys_of: dict[str, tuple[IndexKey, ...]] = {}
        # Stored requests not indexed yet (see `defer`).
        self._deferred: deque[tuple[str, dict[str, Any]]] = deque()

    def clear(self) -> None:
        """Forget everything."""
        self._ids.clear()
        self._keys_of.clear()
        self._deferred.clear()

    def defer(self, request_id: str, stored: dict[str, Any]) -> None:
        """Index a stored request later, from its stored dict.

        Loading defers the history so setup does not wait for it; it is indexed
        in steps afterwards (`index_deferred`), and all of it before anything
        reads or changes the index.
        """
        self._deferred.append((request_id, stored))

    def add_loaded(self, request: Request) -> None:
        """Index a request being loaded now, next to deferred ones (other ids)."""
        self._set_keys(request.id, request_keys(request))

    def index_deferred(self, count: int | None = None) -> bool:
        """Index up to `count` deferred requests (all by default); True if any left."""
        deferred = self._deferred
        for _ in range(len(deferred) if count is None else min(count, len(deferred))):
            request_id, stored = deferred.popleft()
            self._set_keys(request_id, stored_request_keys(stored))
        return bool(deferred)

    def lookup(self, keys: Iterable[IndexKey]) -> set[str]:
        """Return the ids of requests indexed under any of `keys`."""
        return set(self.lookup_strength(keys))

    def lookup_strength(self, keys: Iterable[IndexKey]) -> dict[str, int]:
        """Return the requests indexed under any of `keys`, with match strengths.

        Each request comes with the strength (`KEY_STRENGTH`, lower is stronger)
        of the strongest key that found it.
        """
        if self._deferred:
            self.index_deferred()
        found: dict[str, int] = {}
        for key in keys:
            bucket = self._ids.get(key)
            if not bucket:
                continue
            strength = KEY_STRENGTH[key[0]]
            for request_id in (bucket,) if isinstance(bucket, str) else bucket:
                if request_id not in found or strength < found[request_id]:
                    found[request_id] = strength
        return found

    def update(self, request: Request) -> set[IndexKey]:
        """Re-index one request; return the keys it did not have before."""
        return self.set_keys(request.id, request_keys(request))

    def set_keys(self, request_id: str, new_keys: Iterable[IndexKey]) -> set[IndexKey]:
        """Index a request under `new_keys`; return the keys it did not have before."""
        if self._deferred:
            self.index_deferred()
        return self._set_keys(request_id, new_keys)

    def _set_keys(self, request_id: str, new_keys: Iterable[IndexKey]) -> set[IndexKey]:
        keys = set(new_keys)
        if (known := self._keys_of.get(request_id)) is None:
            added = keys
        else:
            old = set(known)
            self._drop(request_id, old - keys)
            added = keys - old
        for key in added:
            bucket = self._ids.get(key)
            if bucket is None or bucket == request_id:
                self._ids[key] = request_id
            elif isinstance(bucket, str):
                self._ids[key] = {bucket, request_id}
            else:
                bucket.add(request_id)
        self._keys_of[request_id] = tuple(keys)
        return added

    def remove(self, request_id: str) -> None:
        """Remove one request from the index."""
        if self._deferred:
            self.index_deferred()
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


def disagreements(
    keys: Iterable[IndexKey], request: Request, stronger_than: int
) -> list[tuple[IndexKey, Any]]:
    """Return the identity keys of an event that `request` holds another value of.

    Only keys stronger than `stronger_than` count: an event matches a request only
    when no key stronger than the one that found it, carried by both, disagrees.
    Each item is (the event's key, the request's value). Only single-valued ids
    can disagree: a request has one *arr item per instance, one TMDB, TVDB and
    IMDb id; it has many downloads, files and Jellyfin items.
    """
    found: list[tuple[IndexKey, Any]] = []
    for key in keys:
        if KEY_STRENGTH[key[0]] >= stronger_than:
            continue
        match key:
            case ("arr", instance_id, _):
                theirs: Any = (
                    request.arr_id if request.arr_instance == instance_id else None
                )
            case ("tmdb", media_type, _):
                theirs = request.tmdb_id if request.media_type is media_type else None
            case ("tvdb", _):
                theirs = request.tvdb_id
            case ("imdb", media_type, _):
                theirs = request.imdb_id if request.media_type is media_type else None
            case _:
                continue
        if theirs is not None and theirs != key[-1]:
            found.append((key, theirs))
    return found


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
    if "\\" not in path and "//" not in path and not path.endswith("/"):
        # Already normalized (what the *arr reports). The index keeps a key for
        # every stored request: reusing the request's own string saves a copy.
        return path
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    prefix = "/" if path.startswith(("/", "\\")) else ""
    return prefix + "/".join(parts)


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
    return _request_keys(request, getattr, [request.movie, *request.episodes.values()])


def stored_request_keys(data: dict[str, Any]) -> Iterator[IndexKey]:
    """Return the index keys of a request from its stored dict, without building it.

    The stored layout uses the attribute names, so one function reads both.
    """
    return _request_keys(
        data, dict.get, [data.get("movie") or {}, *data.get("episodes", ())]
    )


def _request_keys(
    request: Any, get: Callable[[Any, str], Any], units: list[Any]
) -> Iterator[IndexKey]:
    """Return the keys of a request (or its stored dict) and its units.

    `get(holder, name)` reads a field: `getattr` for objects, `dict.get` for
    the stored dicts. `units` are the movie and the episodes.
    """
    media_type = MediaType(get(request, "media_type"))
    if (seerr_request_id := get(request, "seerr_request_id")) is not None:
        yield ("seerr", seerr_request_id)
    if (tmdb_id := get(request, "tmdb_id")) is not None:
        yield ("tmdb", media_type, tmdb_id)
    if media_type is MediaType.TV and (tvdb_id := get(request, "tvdb_id")) is not None:
        yield ("tvdb", tvdb_id)
    if imdb_id := get(request, "imdb_id"):
        yield ("imdb", media_type, imdb_id)
    arr_instance, arr_id = get(request, "arr_instance"), get(request, "arr_id")
    if arr_instance is not None and arr_id is not None:
        yield ("arr", arr_instance, arr_id)
    if jellyfin_series_id := get(request, "jellyfin_series_id"):
        yield ("jellyfin", jellyfin_series_id)
    for series_id in get(request, "shoko_series_ids") or ():
        yield ("shoko_series", series_id)
    for download_id in get(request, "downloads") or ():
        yield ("hash", download_id)
    for unit in units:
        for download_id in get(unit, "download_ids") or ():
            yield ("hash", download_id)
        if jellyfin_id := get(unit, "jellyfin_id"):
            yield ("jellyfin", jellyfin_id)
        for path in get(unit, "files") or ():
            yield from file_keys(path)
        for shoko_file in get(unit, "shoko_file_ids") or ():
            yield ("shoko_file", shoko_file)
        for shoko_episode in get(unit, "shoko_episode_ids") or ():
            yield ("shoko_episode", shoko_episode)
    for episode in units[1:]:
        if (episode_tvdb := get(episode, "tvdb_id")) is not None:
            yield ("ep_tvdb", episode_tvdb)


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
