"""Fixtures and the ``live`` marker for tests against real service binaries."""

from __future__ import annotations

import pytest

from .qbittorrent_nox import qbittorrent_nox  # noqa: F401 (registers the fixture)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``live`` marker (select with ``-m live``, skip with ``-m 'not live'``)."""
    config.addinivalue_line(
        "markers",
        "live: integration test against a real service binary started by the test",
    )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: these tests need no Home Assistant instance."""
