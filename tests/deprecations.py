"""Turn Home Assistant's deprecation reports about our code into test failures.

Home Assistant reports a custom integration's use of a deprecated API with a log
line, not an exception: `helpers.frame.report_usage` writes "Detected that custom
integration 'status_tracker' … This will stop working in Home Assistant X", and
`helpers.deprecation` writes "The deprecated function … was called from
status_tracker. It will be removed in HA Core X". Users see those lines in their logs, so a test that causes one fails
(`tests/conftest.py` installs the collector). Python's own DeprecationWarnings
raised from our package are errors through `filterwarnings` in setup.cfg.
"""

from __future__ import annotations

import logging
import re
from typing import Final

OUR_CODE: Final = re.compile(
    r"custom integration '?status_tracker\b"
    r"|custom_components[/.]status_tracker\b"
    r"|(?:called|used|instantiated|accessed) from status_tracker\b"
)
DEPRECATION: Final = re.compile(
    r"deprecat|will stop working|stops working|breaks in", re.IGNORECASE
)


def names_our_deprecation(message: str) -> bool:
    """Return True when a log message reports a deprecated use by our code."""
    return bool(OUR_CODE.search(message) and DEPRECATION.search(message))


class DeprecationReports(logging.Handler):
    """Collect every log record that reports a deprecated use by our code."""

    def __init__(self) -> None:
        """Start with nothing collected."""
        super().__init__(logging.DEBUG)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's message when it names our deprecated use."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to judge
            return
        if names_our_deprecation(message):
            self.reports.append(f"{record.name}: {message}")

    def take(self) -> list[str]:
        """Return what was collected and start again."""
        reports, self.reports = self.reports, []
        return reports
