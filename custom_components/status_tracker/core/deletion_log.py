"""The deletion log: who deleted what, when, and what each service answered.

This module has no Home Assistant imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

# Entries kept in the store; the oldest are dropped first.
DELETION_LOG_SIZE: Final = 500


class ServiceOutcome(StrEnum):
    """What one service did when a request was deleted."""

    DELETED = "deleted"
    NOT_FOUND = "not_found"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ServiceResult:
    """One service's part of a deletion."""

    service: str
    instance: str | None
    outcome: ServiceOutcome
    # Why it was skipped, what failed, or what was removed.
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "service": self.service,
            "instance": self.instance,
            "outcome": str(self.outcome),
            "detail": self.detail,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServiceResult:
        """Build from `to_dict` output."""
        return cls(
            service=data["service"],
            instance=data.get("instance"),
            outcome=ServiceOutcome(data["outcome"]),
            detail=data.get("detail"),
        )


@dataclass(frozen=True, slots=True)
class DeletionLogEntry:
    """One deletion: by a user through the action, or noticed in a service."""

    at: str
    request_id: str
    title: str
    media_type: str
    # "user" for the delete action; else the service that reported it.
    source: str
    user: str | None = None
    delete_files: bool | None = None
    # Episodes concerned when only some files went ("S01E02"); empty = all.
    episodes: tuple[str, ...] = ()
    results: tuple[ServiceResult, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "at": self.at,
            "request_id": self.request_id,
            "title": self.title,
            "media_type": self.media_type,
            "source": self.source,
            "user": self.user,
            "delete_files": self.delete_files,
            "episodes": list(self.episodes),
            "results": [result.to_dict() for result in self.results],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeletionLogEntry:
        """Build from `to_dict` output."""
        return cls(
            at=data["at"],
            request_id=data["request_id"],
            title=data["title"],
            media_type=data["media_type"],
            source=data["source"],
            user=data.get("user"),
            delete_files=data.get("delete_files"),
            episodes=tuple(data.get("episodes", ())),
            results=tuple(ServiceResult.from_dict(r) for r in data.get("results", ())),
        )
