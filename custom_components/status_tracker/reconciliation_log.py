"""The last reconciliation of each service instance: what diagnostics show.

Kept in the store with the requests, so it also says, after a restart, from when
the next reconciliation reads the service's history (its watermark).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LastReconciliation:
    """One instance's last reading of its history."""

    # When it started: the history was read up to about then.
    at: datetime
    # The watermark it read from (a margin for clocks that differ is read
    # before it); None for a first start, when nothing is read.
    since: datetime | None = None
    # Facts found in the history (a fact a webhook had brought counts too:
    # recording it again changes nothing).
    recovered: int = 0
    calls: int = 0
    # False when the call budget ran out before the records reached `since`.
    complete: bool = True
    # Why it failed (the service's error, without secrets), None when it worked.
    error: str | None = None

    @property
    def watermark(self) -> datetime | None:
        """Return until when the service's history is known to be in the tracker.

        A reading that failed leaves it where it was before.
        """
        return self.since if self.error is not None else self.at

    def to_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {
            "at": self.at.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "recovered": self.recovered,
            "calls": self.calls,
            "complete": self.complete,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LastReconciliation:
        """Build from `to_dict` output."""
        since = data.get("since")
        return cls(
            at=datetime.fromisoformat(data["at"]),
            since=datetime.fromisoformat(since) if since else None,
            recovered=int(data.get("recovered", 0)),
            calls=int(data.get("calls", 0)),
            complete=bool(data.get("complete", True)),
            error=data.get("error"),
        )
