"""Fixtures of the fuzz tests."""

from __future__ import annotations

from collections.abc import Iterator
import random
from unittest.mock import patch

import pytest


@pytest.fixture(autouse=True)
def registry_ids_from_the_system() -> Iterator[None]:
    """Give Home Assistant's registry entries ids Hypothesis does not repeat.

    Hypothesis seeds the `random` module the same way for every case it runs,
    and Home Assistant draws registry entry ids from it: entities made in two
    cases got the same id, and the entity registry's index broke when one was
    removed (a KeyError no real Home Assistant can meet).
    """
    with patch(
        "homeassistant.util.uuid.getrandbits", random.SystemRandom().getrandbits
    ):
        yield
