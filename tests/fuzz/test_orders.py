"""Order and duplication: shuffled flows with repeated deliveries end identically.

For each of the four flows (movie, TV, anime movie, anime TV), seeded random
permutations of its events, each with up to as many random duplicates as the
flow has events, replayed through the pure tracker harness must end in the same
final state and the same set of timeline entries as the flow in order.
A default run tries 200 orders per flow; script/fuzz tries 1,000 or more.
tests/core/test_flows.py keeps the exhaustive orders of the movie flow and of
the TV flow's core events.
"""

from __future__ import annotations

from collections.abc import Callable
import random
from typing import Any

import pytest

from custom_components.status_tracker.core.model import Stage
from tests.core.harness import Harness, comparable
from tests.flows import Step, anime_movie_flow, anime_tv_flow, movie_flow, tv_flow

from . import Counter, permutations_budget

FLOWS: dict[str, Callable[[], list[Step]]] = {
    "movie": movie_flow,
    "tv": tv_flow,
    "anime movie": anime_movie_flow,
    "anime tv": anime_tv_flow,
}


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: the harness needs no Home Assistant instance."""


def timeline_entries(harness: Harness) -> set[tuple[str, str, Any]]:
    """Return the (kind, source, key) of every timeline entry of the request."""
    return {(e.kind, e.source, e.key) for e in harness.only().timeline}


def shuffled(steps: list[Step], rng: random.Random) -> list[Step]:
    """Return the steps in a random order with random duplicates added."""
    order = steps + [rng.choice(steps) for _ in range(rng.randint(0, len(steps)))]
    rng.shuffle(order)
    return order


@pytest.mark.parametrize("name", list(FLOWS))
def test_random_orders_with_duplicates(name: str) -> None:
    """Every shuffled, duplicated replay ends like the flow in order."""
    steps = FLOWS[name]()
    reference = Harness()
    reference.play(steps)
    expected_state = comparable(reference.only())
    expected_timeline = timeline_entries(reference)
    assert expected_state["state"] == Stage.AVAILABLE
    assert len(expected_timeline) == len(reference.only().timeline)

    rng = random.Random(f"shuffled {name} flow")
    seen: set[tuple[int, ...]] = set()
    index = {id(step): i for i, step in enumerate(steps)}
    with Counter(f"orders {name}") as counter:
        for _ in range(permutations_budget()):
            order = shuffled(steps, rng)
            seen.add(tuple(index[id(step)] for step in order))
            harness = Harness()
            harness.play(order)
            counter.cases += 1
            assert timeline_entries(harness) == expected_timeline, order
            assert comparable(harness.only()) == expected_state, order
    # The orders really differ (short flows repeat some orders by chance).
    assert len(seen) > counter.cases / 2
