"""Distinct requests for the benchmarks, built from the test fixtures.

`movie_variant(n)` is the regular movie flow (tests/flows.py) with every id and
title changed so that variant n is a request of its own. `store_data` replays
such flows through the pure tracker and returns what the hub stores.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
import re
from typing import Any

from custom_components.status_tracker.core.tracker import Tracker
from custom_components.status_tracker.parsers import parse_webhook
from tests.conftest import SUBENTRY_IDS
from tests.flows import MOVIE_HASH, MOVIE_JELLYFIN_ID, Step, movie_flow

# The first four steps leave a request grabbed (active, with a torrent hash).
ACTIVE_STEPS = 4
_TEMPLATES = [(service, json.dumps(body)) for service, body in movie_flow()]
_RADARR_MOVIE_ID = re.compile(r'"id": 12\b')


def torrent_hash(n: int) -> str:
    """Return the info-hash of variant n's torrent."""
    return f"{n:040x}"


def vary(text: str, n: int) -> str:
    tmdb = 1_000_000 + n
    text = (
        text.replace('"603"', f'"{tmdb}"')
        .replace(": 603", f": {tmdb}")
        .replace("tt0133093", f"tt9{n:07d}")
        .replace(MOVIE_HASH, torrent_hash(n))
        .replace(MOVIE_HASH.upper(), torrent_hash(n).upper())
        .replace(MOVIE_JELLYFIN_ID, f"{n:032x}")
        .replace("Example Movie", f"Example Movie {n}")
        .replace("Example.Movie", f"Example.Movie.{n}")
        .replace('"201"', f'"{100_000 + n}"')
    )
    return _RADARR_MOVIE_ID.sub(f'"id": {100_000 + n}', text)


def movie_variant(n: int, steps: int | None = None) -> list[Step]:
    """Return the movie flow of variant n (its first `steps` steps)."""
    return [
        (service, json.loads(vary(text, n))) for service, text in _TEMPLATES[:steps]
    ]


def store_data(finished: int, active: int, *, first: int = 0) -> dict[str, Any]:
    """Return the hub's stored data: `finished` old requests and `active` grabbed.

    Finished requests ended 30 days ago (history, past the retention, so they
    get no entity); active ones were grabbed an hour ago.
    """
    now = datetime.now(UTC)
    clock = [now]
    counter = iter(range(1, 10_000_000))
    tracker = Tracker(now=lambda: clock[0], new_id=lambda: f"bench{next(counter):07d}")
    for i in range(finished + active):
        n = first + i
        if i < finished:
            start = now - timedelta(days=30, seconds=finished - i)
        else:
            start = now - timedelta(hours=1, seconds=finished + active - i)
        steps = None if i < finished else ACTIVE_STEPS
        # Each fact a few minutes after the previous one, as in real life: the
        # stored timestamps of one request differ (they would share one string
        # object each if they were all equal).
        for step, (service, body) in enumerate(movie_variant(n, steps)):
            clock[0] = start + timedelta(minutes=3 * step, microseconds=step)
            tracker.apply(parse_webhook(service, body, SUBENTRY_IDS[service]))
    return tracker.to_dict()
