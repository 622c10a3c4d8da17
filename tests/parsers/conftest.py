"""Fixtures for the parser tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from . import read_fixture


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: the parsers need no Home Assistant instance."""


@pytest.fixture(name="load_fixture")
def load_fixture_fixture() -> Callable[[str], Any]:
    """Return a loader for tests/fixtures/<relative_path> (a fresh copy per call)."""
    return read_fixture
