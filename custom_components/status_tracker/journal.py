"""The webhook journal: what a service told us is on disk before it gets its 200.

Seerr, Sonarr, Radarr and Jellyfin send each webhook once and never retry, while
the hub's snapshot (store.py) is written a few seconds after a burst. So every
accepted webhook body is first appended to this journal, a JSON-lines file
beside the store (``.storage/status_tracker.<entry_id>.journal``), and the
webhook is answered only once the line is on disk. Appends are group-committed:
the bodies that arrive while one write runs are written and fsynced together by
the next, in the executor, never on the event loop.

Every line has a sequence number. The snapshot records the highest number whose
line and every earlier one it contains (`applied`); at start-up the lines after
it are applied again, through the same parsing as a live webhook, and once a
snapshot holding them is on disk the journal keeps only what came after it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
import json
import logging
import os
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One accepted webhook delivery, as written."""

    seq: int
    at: datetime
    # Config subentry id of the service instance that sent it.
    instance_id: str
    body: Any

    def line(self) -> str:
        """Return the entry as one line of the journal file."""
        return (
            json.dumps(
                {
                    "seq": self.seq,
                    "at": self.at.isoformat(),
                    "instance": self.instance_id,
                    "body": self.body,
                },
                separators=(",", ":"),
                ensure_ascii=False,
            )
            + "\n"
        )


def journal_path(hass: HomeAssistant, entry_id: str) -> Path:
    """Return where a hub's journal lives: beside its store file."""
    return Path(hass.config.path(".storage", f"{DOMAIN}.{entry_id}.journal"))


class WebhookJournal:
    """Appends, reads and trims one hub's journal file."""

    def __init__(self, hass: HomeAssistant, path: Path) -> None:
        """Use the journal at `path` (nothing is read yet)."""
        self._hass = hass
        self._path = path
        self._next_seq = 1
        # Lines waiting for the next group commit, with who waits for them.
        self._pending: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        # Held by each write of a batch and by a trim, which rewrites the file.
        self._file_lock = asyncio.Lock()
        self._failing = False
        # The highest number such that it and every earlier entry are applied.
        self._applied = 0
        self._applied_later: set[int] = set()
        # Entries up to this number are no longer in the file.
        self._trimmed = 0

    @property
    def pending(self) -> bool:
        """Return True when the file holds entries a written snapshot may lack."""
        return self._next_seq - 1 > self._trimmed

    @property
    def applied(self) -> int:
        """Return the highest sequence number applied together with all before it."""
        return self._applied

    async def async_load(self, applied: int) -> list[JournalEntry]:
        """Return the entries after `applied` (what the snapshot lacks), in order.

        A line cut short by a crash, or otherwise unreadable, is skipped and
        logged: what came before and after it still counts.
        """
        self._applied = self._trimmed = applied
        entries = await self._hass.async_add_executor_job(self._read)
        self._next_seq = max([applied, *(e.seq for e in entries)]) + 1
        return [entry for entry in entries if entry.seq > applied]

    def _read(self) -> list[JournalEntry]:
        try:
            text = self._path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        entries: list[JournalEntry] = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entries.append(
                    JournalEntry(
                        seq=int(data["seq"]),
                        at=datetime.fromisoformat(data["at"]),
                        instance_id=str(data["instance"]),
                        body=data["body"],
                    )
                )
            except (ValueError, KeyError, TypeError) as err:
                _LOGGER.warning(
                    "Skipping unreadable line %d of the webhook journal: %s",
                    number,
                    type(err).__name__,
                )
        entries.sort(key=lambda entry: entry.seq)
        return entries

    async def async_append(self, instance_id: str, body: Any, at: datetime) -> int:
        """Write one delivery and return its number once it is on disk.

        When the disk refuses, the failure is logged once (until a write works
        again) and the delivery is not journaled: it is still applied.
        """
        seq = self._next_seq
        self._next_seq += 1
        written: asyncio.Future[None] = self._hass.loop.create_future()
        self._pending.append((JournalEntry(seq, at, instance_id, body).line(), written))
        if self._writer is None or self._writer.done():
            self._writer = self._hass.async_create_background_task(
                self._async_write_pending(), "Status Tracker webhook journal"
            )
        await written
        return seq

    async def _async_write_pending(self) -> None:
        """Write what is pending, batch after batch, until nothing is left."""
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._file_lock:
                    await self._hass.async_add_executor_job(
                        self._append, [line for line, _ in batch]
                    )
            except OSError as err:
                if not self._failing:
                    _LOGGER.warning(
                        "Could not write the webhook journal (%s): webhooks that "
                        "arrive now are lost if Home Assistant stops within seconds",
                        err.strerror or type(err).__name__,
                    )
                self._failing = True
            else:
                self._failing = False
            for _, written in batch:
                if not written.done():
                    written.set_result(None)

    def _append(self, lines: list[str]) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a", encoding="utf-8") as journal:
            journal.write("".join(lines))
            journal.flush()
            os.fsync(journal.fileno())

    def mark_applied(self, seq: int) -> None:
        """Record that entry `seq` reached the tracker (in any order)."""
        if seq <= self._applied:
            return
        self._applied_later.add(seq)
        while self._applied + 1 in self._applied_later:
            self._applied += 1
            self._applied_later.discard(self._applied)

    async def async_trim(self, saved: int) -> None:
        """Drop the entries up to `saved`, which a snapshot on disk now holds."""
        async with self._file_lock:
            await self._hass.async_add_executor_job(self._trim, saved)
        self._trimmed = max(self._trimmed, saved)

    def _trim(self, saved: int) -> None:
        kept = [entry for entry in self._read() if entry.seq > saved]
        if not kept:
            self._path.unlink(missing_ok=True)
            return
        partial = self._path.with_name(self._path.name + ".tmp")
        _write_all(partial, (entry.line() for entry in kept))
        partial.replace(self._path)

    async def async_remove(self) -> None:
        """Delete the journal (the hub was removed)."""
        await self._hass.async_add_executor_job(self._path.unlink, True)


def _write_all(path: Path, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8") as journal:
        journal.write("".join(lines))
        journal.flush()
        os.fsync(journal.fileno())
