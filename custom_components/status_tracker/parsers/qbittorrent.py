"""Merge qBittorrent ``sync/maindata`` answers into torrent snapshots.

qBittorrent's WebUI sends the whole torrent list once (``full_update: true``) and
then only what changed since the ``rid`` the client sends back: per torrent the
changed keys, new torrents with all keys, and ``torrents_removed``
(docs/protocols.md §6.4). `MaindataMerger` keeps the merged torrents of one WebUI
session and turns every answer into a `TorrentSnapshot`.

Validation. The answer's structure is checked strictly and any problem raises
`InvalidPayload` without touching the merged state: a non-object answer, a missing
or non-integer ``rid``, a non-boolean ``full_update``, ``torrents`` that is not an
object or holds a non-object, ``torrents_removed`` that is not an array of strings.
One torrent whose fields are unusable (a missing name or state, a mistyped field
the `TorrentState` uses) is skipped with a debug log instead, so a single odd
torrent cannot stop every poll: its keys are still merged, and it reappears in a
later snapshot once it is complete and well-typed. Map keys that are not info-hashes
(40 or 64 hex digits) are skipped the same way.

Pure Python, no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Mapping
import logging
import math
from typing import Final

from ..core.observations import (
    QBITTORRENT_UNKNOWN_ETA,
    TORRENT_HASH_LENGTHS,
    TorrentSnapshot,
    TorrentState,
)
from .errors import InvalidPayload
from .fields import JsonObject, json_type_name

_LOGGER = logging.getLogger(__name__)

# The keys of a torrent object that `TorrentState` is built from; only these are kept.
_USED_KEYS: Final = frozenset(
    {
        "name",
        "state",
        "progress",
        "dlspeed",
        "eta",
        "size",
        "amount_left",
        "completion_on",
        "category",
        "save_path",
        "content_path",
    }
)
# qBittorrent 4.x reports "not completed yet" as 0 (5.x: -1); some older versions
# sent the unsigned 32-bit -1.
_UNSET_TIMESTAMP: Final = 0xFFFFFFFF
_HEX_DIGITS: Final = frozenset("0123456789abcdef")

_RawTorrent = dict[str, object]


def normalize_hash(key: str) -> str | None:
    """Return a torrent map key as a lower-case info-hash, or None if it is none."""
    candidate = key.strip().lower()
    if len(candidate) in TORRENT_HASH_LENGTHS and set(candidate) <= _HEX_DIGITS:
        return candidate
    return None


class MaindataMerger:
    """The merged torrents of one qBittorrent WebUI session.

    Call `apply` with each ``sync/maindata`` answer and request the next one with
    `rid`. Sync state belongs to the WebUI session, so call `reset` after a new
    login (the server answers the old rid with a full update anyway, which `apply`
    handles too).
    """

    def __init__(self) -> None:
        """Start empty; the first request uses rid 0."""
        self._rid = 0
        # Raw used keys per hash, merged across answers.
        self._raw: dict[str, _RawTorrent] = {}
        # Last successfully parsed state per hash (skipped torrents are absent).
        self._states: dict[str, TorrentState] = {}

    @property
    def rid(self) -> int:
        """Return the rid to send with the next request (0 = full update)."""
        return self._rid

    @property
    def torrents(self) -> dict[str, TorrentState]:
        """Return a copy of the current state of every known, parsable torrent."""
        return dict(self._states)

    def reset(self) -> None:
        """Forget everything; the next request uses rid 0."""
        self._rid = 0
        self._raw = {}
        self._states = {}

    def apply(self, answer: object, instance_id: str) -> TorrentSnapshot:
        """Merge one maindata answer and return what it changed.

        After a full update the snapshot lists every torrent (``full=True``) and
        `removed` the previously known hashes that are gone. After a delta it lists
        the torrents whose `TorrentState` changed (new ones included; changes to
        keys the tracker does not use are not reported) and the removed hashes.
        Raises InvalidPayload for a malformed answer; the state is then unchanged.
        """
        root = JsonObject.root(answer)
        rid = root.require_int("rid")
        if rid < 0:
            raise root.invalid("rid", "must not be negative")
        full = root.flag("full_update")
        raw_torrents = answer.get("torrents") if isinstance(answer, Mapping) else None
        updates = _torrent_updates(root, raw_torrents)
        removed_hashes = _removed_hashes(root)

        raw = {} if full else dict(self._raw)
        changed: list[str] = []
        for torrent_hash, fields in updates.items():
            if full or torrent_hash not in raw:
                raw[torrent_hash] = fields
            else:
                raw[torrent_hash] = {**raw[torrent_hash], **fields}
            changed.append(torrent_hash)
        for torrent_hash in removed_hashes:
            raw.pop(torrent_hash, None)

        states = (
            {}
            if full
            else {h: s for h, s in self._states.items() if h not in removed_hashes}
        )
        reported: list[TorrentState] = []
        for torrent_hash in changed:
            if torrent_hash not in raw:
                continue  # updated and removed in one answer: removal wins
            state = _torrent_state(torrent_hash, raw[torrent_hash])
            previous = self._states.get(torrent_hash)
            if state is None:
                states.pop(torrent_hash, None)
                continue
            states[torrent_hash] = state
            if full or state != previous:
                reported.append(state)

        if full:
            removed = tuple(h for h in self._raw if h not in raw)
        else:
            removed = removed_hashes

        self._rid = rid
        self._raw = raw
        self._states = states
        return TorrentSnapshot(
            instance_id=instance_id,
            torrents=tuple(reported),
            removed=removed,
            full=full,
        )


def _torrent_updates(root: JsonObject, raw_torrents: object) -> dict[str, _RawTorrent]:
    """Return the used keys of each torrent under ``torrents``, by lower-case hash.

    `raw_torrents` is the answer's ``torrents`` value, read through `root` first so
    that a wrong type raises InvalidPayload.
    """
    torrents = root.optional_object("torrents")
    if torrents is None or not isinstance(raw_torrents, Mapping):
        return {}
    updates: dict[str, _RawTorrent] = {}
    for key in torrents.field_names():
        torrents.require_object(key)  # raises unless it is an object
        torrent_hash = normalize_hash(key)
        if torrent_hash is None:
            _LOGGER.debug("Skipping qBittorrent torrent with a malformed hash")
            continue
        raw: Mapping[str, object] = raw_torrents[key]
        fields = updates.setdefault(torrent_hash, {})
        fields.update(
            (name, value) for name, value in raw.items() if name in _USED_KEYS
        )
    return updates


def _removed_hashes(root: JsonObject) -> tuple[str, ...]:
    """Return the well-formed hashes of ``torrents_removed``, lower-cased, unique."""
    result: dict[str, None] = {}
    for key in root.str_list("torrents_removed"):
        torrent_hash = normalize_hash(key)
        if torrent_hash is not None:
            result[torrent_hash] = None
    return tuple(result)


def _torrent_state(torrent_hash: str, raw: Mapping[str, object]) -> TorrentState | None:
    """Return the TorrentState of merged torrent fields, or None if they are unusable."""
    torrent = JsonObject(raw, f"torrents.{torrent_hash}")
    try:
        return TorrentState(
            hash=torrent_hash,
            name=torrent.require_str("name"),
            state=torrent.require_nonempty_str("state"),
            progress=_progress(torrent, raw.get("progress")),
            download_speed=max(torrent.optional_int("dlspeed") or 0, 0),
            eta=_eta(torrent),
            size=_non_negative(torrent, "size"),
            amount_left=_non_negative(torrent, "amount_left"),
            completion_on=_timestamp(torrent, "completion_on"),
            category=torrent.optional_str("category"),
            save_path=torrent.optional_str("save_path"),
            content_path=torrent.optional_str("content_path"),
        )
    except InvalidPayload as err:
        _LOGGER.debug("Skipping qBittorrent torrent: %s", err)
        return None


def _progress(torrent: JsonObject, value: object) -> float:
    """Return ``progress`` (the raw `value` of that field) as a float in 0..1."""
    if value is None:
        raise torrent.invalid("progress", "is missing (expected a number)")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise torrent.invalid(
            "progress", f"must be a number, got {json_type_name(value)}"
        )
    if isinstance(value, int):
        # float() of a huge integer overflows; any integer is <= 0 or >= 1 anyway.
        return 1.0 if value >= 1 else 0.0
    if math.isnan(value):
        raise torrent.invalid("progress", "must be a number, got NaN")
    return min(max(value, 0.0), 1.0)


def _eta(torrent: JsonObject) -> int | None:
    """Return ``eta`` in seconds; qBittorrent's "unknown" (8640000) and < 0 give None."""
    eta = torrent.optional_int("eta")
    if eta is None or eta < 0 or eta >= QBITTORRENT_UNKNOWN_ETA:
        return None
    return eta


def _non_negative(torrent: JsonObject, key: str) -> int | None:
    """Return a byte count; absent or negative (unknown) gives None."""
    value = torrent.optional_int(key)
    return value if value is not None and value >= 0 else None


def _timestamp(torrent: JsonObject, key: str) -> int | None:
    """Return Unix seconds; -1 (5.x), 0 (4.x) and 2**32-1 mean "not set"."""
    value = torrent.optional_int(key)
    if value is None or value <= 0 or value == _UNSET_TIMESTAMP:
        return None
    return value
