"""A hub's requests by id, with the finished history kept packed.

Most stored requests are history: finished, without an entity, read again only
when a late event, a deletion or a history listing asks for one. Loading keeps
those compressed in blocks, with the few fields listing and pruning need, and
builds the `Request` on first access. Setup with 10,000 stored requests then
builds only the active ones (script/bench, items e and f).

This module has no Home Assistant imports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from sys import intern
from typing import Any, Final
import zlib

import orjson

from .model import Request
from .observations import MediaType

# Finished requests are packed together in blocks of this many, compressed
# after setup (`RequestTable.compress`): the JSON of similar requests
# compresses well across them, and reading one back decompresses only its
# block (~0.5 ms). Level 3 packed as fast as level 1 and a fifth smaller.
BLOCK_SIZE: Final = 16
_COMPRESSION_LEVEL: Final = 3


@dataclass(eq=False, slots=True)
class PackedBlock:
    """The stored dicts of up to `BLOCK_SIZE` finished requests.

    `data` is their JSON list, and once compressed its zlib stream: one
    attribute, so a reader never sees half of the change.
    """

    data: bytes

    @property
    def compressed(self) -> bool:
        """Return True once the block is compressed (JSON starts with '[')."""
        return not self.data.startswith(b"[")

    def compress(self) -> None:
        """Compress the block (it holds a third to a tenth of the memory)."""
        if not self.compressed:
            self.data = zlib.compress(self.data, _COMPRESSION_LEVEL)

    def stored(self) -> list[dict[str, Any]]:
        """Return the stored dicts again, in order."""
        data = zlib.decompress(self.data) if self.compressed else self.data
        items: list[dict[str, Any]] = orjson.loads(data)
        return items


# Not frozen: a frozen dataclass's __init__ is slower, and 10,000 are made at
# setup. Nothing changes them.
@dataclass(slots=True)
class PackedRequest:
    """A finished request kept packed, with what listing and pruning read."""

    id: str
    media_type: MediaType
    state: str
    requested_by: str | None
    created_at: str
    finished_at: str
    from_library: bool
    block: PackedBlock
    position: int

    def stored(self) -> dict[str, Any]:
        """Return the stored dict again."""
        return self.block.stored()[self.position]

    def unpack(self) -> Request:
        """Build the request."""
        return Request.from_dict(self.stored())


def pack_finished(items: list[dict[str, Any]]) -> Iterator[PackedRequest]:
    """Pack finished requests' stored dicts, in order."""
    for first in range(0, len(items), BLOCK_SIZE):
        chunk = items[first : first + BLOCK_SIZE]
        block = PackedBlock(orjson.dumps(chunk))
        for position, data in enumerate(chunk):
            requested_by = data.get("requested_by")
            yield PackedRequest(
                id=data["id"],
                media_type=MediaType(data["media_type"]),
                state=intern(str(data["state"])),
                requested_by=None if requested_by is None else intern(requested_by),
                created_at=data["created_at"],
                finished_at=data["finished_at"],
                from_library=data.get("from_library", False),
                block=block,
                position=position,
            )


class RequestTable:
    """Requests by id, in the order they were added; history built on access.

    Reading a request through `[]`, `get` or `values` builds and keeps it, so
    the tracker can change it. `entries` and `peek` leave history packed, for
    readers that only look.
    """

    __slots__ = ("_entries", "_uncompressed")

    def __init__(self) -> None:
        """Create an empty table."""
        self._entries: dict[str, Request | PackedRequest] = {}
        self._uncompressed: list[PackedBlock] = []

    def __len__(self) -> int:
        """Return the number of requests, packed or not."""
        return len(self._entries)

    def __iter__(self) -> Iterator[str]:
        """Return the request ids."""
        return iter(self._entries)

    def __getitem__(self, request_id: str) -> Request:
        """Return a request, building it from its packed form on first access."""
        entry = self._entries[request_id]
        if isinstance(entry, PackedRequest):
            # Assigning to an existing key keeps its place in the order.
            entry = self._entries[request_id] = entry.unpack()
        return entry

    def __setitem__(self, request_id: str, request: Request) -> None:
        """Add or replace a request."""
        self._entries[request_id] = request

    def __delitem__(self, request_id: str) -> None:
        """Remove a request."""
        del self._entries[request_id]

    def get(self, request_id: str) -> Request | None:
        """Return a request (built and kept), or None."""
        return self[request_id] if request_id in self._entries else None

    def values(self) -> Iterator[Request]:
        """Return every request, building and keeping the packed ones."""
        return (self[request_id] for request_id in list(self._entries))

    def load(
        self, items: list[dict[str, Any]]
    ) -> Iterator[tuple[Request | PackedRequest, dict[str, Any]]]:
        """Replace the content with stored dicts; yield each entry with its dict.

        Unfinished requests are built, finished ones packed; the order of
        `items` is kept.
        """
        self._entries.clear()
        self._uncompressed = []
        packed = pack_finished([i for i in items if i.get("finished_at") is not None])
        for item in items:
            entry = (
                Request.from_dict(item)
                if item.get("finished_at") is None
                else next(packed)
            )
            self._entries[entry.id] = entry
            if isinstance(entry, PackedRequest) and entry.position == 0:
                self._uncompressed.append(entry.block)
            yield entry, item

    def compress(self, blocks: int) -> bool:
        """Compress up to `blocks` packed blocks; return True if some are left.

        Loading leaves them uncompressed so setup does not wait for zlib; the
        hub compresses them in small steps right after.
        """
        for block in self._uncompressed[:blocks]:
            block.compress()
        del self._uncompressed[:blocks]
        return bool(self._uncompressed)

    def entries(self) -> Iterator[Request | PackedRequest]:
        """Return every request as it is held: built, or packed (read only)."""
        return iter(list(self._entries.values()))

    def peek(self, request_id: str) -> Request:
        """Return a request for reading only: a packed one is built but not kept."""
        entry = self._entries[request_id]
        return entry.unpack() if isinstance(entry, PackedRequest) else entry

    def stored(self) -> Iterator[dict[str, Any]]:
        """Return every request's stored dict, in order (each block read once)."""
        blocks: dict[PackedBlock, list[dict[str, Any]]] = {}
        for entry in self._entries.values():
            if isinstance(entry, Request):
                yield entry.to_dict()
                continue
            if (items := blocks.get(entry.block)) is None:
                items = blocks[entry.block] = entry.block.stored()
            yield items[entry.position]
