"""The ``bench`` marker: benchmarks run only with STATUS_TRACKER_BENCH=1 (script/bench)."""

from __future__ import annotations

import os

import pytest

ENABLED = os.environ.get("STATUS_TRACKER_BENCH") == "1"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``bench`` marker."""
    config.addinivalue_line(
        "markers", "bench: performance measurement, run by script/bench"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the benchmarks unless STATUS_TRACKER_BENCH=1."""
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="benchmark: run script/bench")
    for item in items:
        if item.get_closest_marker("bench"):
            item.add_marker(skip)
