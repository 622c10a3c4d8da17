"""The single error type raised by every parser for malformed input."""

from __future__ import annotations


class InvalidPayload(ValueError):
    """A webhook body that cannot be understood (wrong shape, missing or mistyped field).

    The message is meant for a human reading the Home Assistant log, so it names the
    offending field ("series.id must be an integer, got string"). `field` carries the
    same dotted path for code that wants it (None when the whole body is wrong).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        """Store the message and the dotted path of the offending field."""
        super().__init__(message)
        self.field = field
