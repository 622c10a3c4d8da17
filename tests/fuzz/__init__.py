"""Fuzzing of the webhooks, the parsers and the Shoko handler.

Shared strategies and the case budget. A default run tries a few cases per
target; `script/fuzz` sets STATUS_TRACKER_FUZZ_EXAMPLES (10,000 by default) and
STATUS_TRACKER_FUZZ_REPORT, the JSON file each test adds its case count to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import copy
import fcntl
import json
import os
from pathlib import Path
from typing import Any, Final

from hypothesis import HealthCheck, settings, strategies as st

from tests.conftest import URLS
from tests.flows import (
    anime_episode_import,
    anime_episode_list,
    anime_jellyfin_episode,
    anime_jellyfin_movie,
    anime_movie_import,
    anime_seerr,
    episode_import,
    jellyfin_episode,
    shoko_file_event,
)
from tests.parsers import FIXTURES_DIR, leaf_paths, read_fixture, webhook_fixture_names

# Default cases per target: HTTP round trips are slower than parser calls.
DEFAULT_HA_EXAMPLES: Final = 25
DEFAULT_PARSER_EXAMPLES: Final = 200
# Default permutations per flow (script/fuzz raises it to 1,000 or more).
DEFAULT_PERMUTATIONS: Final = 200


def budget(default: int) -> int:
    """Return the number of cases per target (STATUS_TRACKER_FUZZ_EXAMPLES wins)."""
    return int(os.environ.get("STATUS_TRACKER_FUZZ_EXAMPLES") or default)


def permutations_budget() -> int:
    """Return the number of random event orders per flow."""
    value = os.environ.get("STATUS_TRACKER_FUZZ_PERMUTATIONS")
    if value:
        return int(value)
    examples = os.environ.get("STATUS_TRACKER_FUZZ_EXAMPLES")
    return max(int(examples), 1000) if examples else DEFAULT_PERMUTATIONS


def fuzz_settings(default: int) -> settings:
    """Return hypothesis settings for one target: no deadline, no database."""
    return settings(
        max_examples=budget(default),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # The defaults' shrinking phases stay; "explain" re-runs cases slowly.
        phases=[p for p in settings.default.phases if p.name != "explain"],
    )


def record(target: str, cases: int, section: str = "cases") -> None:
    """Add `cases` to `target`'s count in a section of the report file, if set."""
    report = os.environ.get("STATUS_TRACKER_FUZZ_REPORT")
    if not report:
        return
    path = Path(report)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        text = handle.read()
        data: dict[str, dict[str, int]] = json.loads(text) if text.strip() else {}
        counts = data.setdefault(section, {})
        counts[target] = counts.get(target, 0) + cases
        handle.seek(0)
        handle.truncate()
        json.dump(data, handle, indent=2, sort_keys=True)


class Counter:
    """Counts the cases a test ran and records them when it ends.

    `outcomes` counts what the cases gave (e.g. HTTP statuses), reported in the
    "outcomes" section so a long run shows both sides of each contract were hit.
    """

    def __init__(self, target: str) -> None:
        self.target = target
        self.cases = 0
        self.outcomes: dict[str, int] = {}

    def outcome(self, name: str) -> None:
        """Count one case's outcome."""
        self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def __enter__(self) -> Counter:
        return self

    def __exit__(self, *exc: object) -> None:
        record(self.target, self.cases)
        for name, count in self.outcomes.items():
            record(f"{self.target}: {name}", count, "outcomes")


# ------------------------------------------------------------------ fixtures


def fixture_bodies(service: str) -> list[Any]:
    """Return every webhook body of a service: fixture files and flow variants."""
    directory, type_keys = {
        "seerr": ("jellyseerr", ("notification_type",)),
        "sonarr": ("sonarr", ("eventType",)),
        "radarr": ("radarr", ("eventType",)),
        "jellyfin": ("jellyfin", ("NotificationType",)),
        "shoko": ("shoko", ("target",)),
    }[service]
    bodies = [
        read_fixture(f"{directory}/{name}")
        for name in webhook_fixture_names(directory, *type_keys)
    ]
    bodies += {
        "seerr": lambda: [
            anime_seerr("media_auto_approved", tv=True),
            anime_seerr("media_auto_approved", tv=False),
        ],
        "sonarr": lambda: [
            episode_import(2),
            anime_episode_import(1),
            read_fixture("sonarr/grab_anime.json"),
        ],
        "radarr": lambda: [anime_movie_import()],
        "jellyfin": lambda: [
            jellyfin_episode(2),
            anime_jellyfin_episode(2),
            anime_jellyfin_movie(),
        ],
        "shoko": lambda: [
            shoko_file_event(event, 1)
            for event in ("FileDetected", "FileHashed", "FileMatched")
        ],
    }[service]()
    assert bodies, service
    return bodies


def _all_keys() -> list[str]:
    keys: set[str] = set()
    for path in FIXTURES_DIR.rglob("*.json"):
        body = json.loads(path.read_text(encoding="utf-8"))
        keys.update(str(p[-1]) for p in leaf_paths(body) if isinstance(p[-1], str))
    return sorted(keys)


# Field names the parsers read, so random objects reach past the first check.
KNOWN_KEYS: Final = _all_keys()

# ---------------------------------------------------------------- strategies

HUGE_STRINGS = st.integers(10_000, 200_000).flatmap(
    lambda n: st.sampled_from(["x" * n, "9" * n, "é" * n, "\\" * n, "/" * n])
)
JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.from_regex(r"-?\d{1,25}", fullmatch=True)
    | st.sampled_from(["", "0", "-1", "None", "null", "S01E01", "1999-12-31T23:59"])
)
KEYS = st.sampled_from(KNOWN_KEYS) | st.text(max_size=12)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=25,
)
# A value swapped into a fixture field: other JSON types, huge strings, junk.
REPLACEMENTS = (
    JSON_SCALARS
    | JSON_VALUES
    | HUGE_STRINGS
    | st.sampled_from([[], {}, [None], [[[]]], {"id": "x"}, {"": {}}, -1, 0, 2**64])
)


def _navigate(body: Any, path: tuple[str | int, ...]) -> Any:
    container = body
    for step in path[:-1]:
        container = container[step]
    return container


@st.composite
def mutated(draw: st.DrawFn, bodies: list[Any]) -> Any:
    """Return a copy of one of `bodies` with one to four fields mutated.

    Inserted values are copied: sampled_from hands out the same objects every
    time, and a later mutation must not change them (or nest one in itself).

    A mutation drops a key, replaces a value by another JSON type, a huge string
    or nested junk, wraps it in a list or object, or adds an unknown key.
    """
    body = copy.deepcopy(draw(st.sampled_from(bodies)))
    for _ in range(draw(st.integers(1, 4))):
        paths = leaf_paths(body)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        container = _navigate(body, path)
        key = path[-1]
        operation = draw(
            st.sampled_from(
                ["delete", "replace", "replace", "wrap", "add", "stringify"]
            )
        )
        if operation == "delete":
            if isinstance(container, dict):
                del container[key]
            else:
                container.pop(key)
        elif operation == "replace":
            container[key] = copy.deepcopy(draw(REPLACEMENTS))
        elif operation == "wrap":
            value = container[key]
            container[key] = [value] if draw(st.booleans()) else {"value": value}
        elif operation == "stringify":
            container[key] = json.dumps(container[key])
        elif isinstance(container, dict):
            container[draw(KEYS)] = copy.deepcopy(draw(REPLACEMENTS))
    return body


def webhook_bodies(service: str) -> st.SearchStrategy[Any]:
    """Return decoded JSON bodies for a service: mostly mutated fixtures."""
    own = fixture_bodies(service)
    others = [
        body
        for other in ("seerr", "sonarr", "radarr", "jellyfin")
        if other != service
        for body in fixture_bodies(other)
    ]
    return st.one_of(
        mutated(own),
        mutated(own),
        st.sampled_from(own),
        st.sampled_from(others),
        mutated(others),
        JSON_VALUES,
        st.dictionaries(KEYS, JSON_VALUES, max_size=12),
    )


def mock_any_series(aioclient_mock: Any) -> None:
    """Answer Sonarr's episode list of any series a mutated body names.

    Series 7 is answered by the `upstream` fixture; a real Sonarr answers every
    id, so an unanswered lookup here would be a test artefact, not a bug.
    """
    episodes = f"{URLS['sonarr']}/api/v3/episode?seriesId"
    aioclient_mock.get(f"{episodes}=23", json=anime_episode_list())
    aioclient_mock.get(episodes, json=[])


@contextlib.contextmanager
def no_error_logs(records: Callable[[], list[Any]]) -> Iterator[None]:
    """Fail if a log record of level ERROR or above appears inside the block."""
    before = len(records())
    yield
    errors = [r for r in records()[before:] if r.levelno >= 40]
    assert not errors, [r.getMessage()[:500] for r in errors]
