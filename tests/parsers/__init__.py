"""Tests of the webhook parsers (pure Python, no Home Assistant instance).

Plain helpers shared by the parser tests live here; pytest fixtures are in
conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
import copy
import json
from pathlib import Path
from typing import Any, Final

from custom_components.status_tracker.parsers import InvalidPayload

# tests/fixtures, found relative to this file so the tests run from any directory.
FIXTURES_DIR: Final = Path(__file__).resolve().parent.parent / "fixtures"

# Marker for `mutated`: remove the key instead of setting a value.
DELETE: Final = object()


def read_fixture(relative_path: str) -> Any:
    """Return the decoded JSON of tests/fixtures/<relative_path>."""
    return json.loads((FIXTURES_DIR / relative_path).read_text(encoding="utf-8"))


def webhook_fixture_names(directory: str, *type_keys: str) -> list[str]:
    """Return the names of the webhook bodies among one directory's JSON fixtures.

    A webhook body is a JSON object with one of `type_keys` (its event-type field);
    other files there (REST API responses) belong to other tests.
    """
    names: list[str] = []
    for path in sorted((FIXTURES_DIR / directory).glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(body, dict) and any(key in body for key in type_keys):
            names.append(path.name)
    return names


def mutated(body: Any, path: tuple[str | int, ...], value: object) -> Any:
    """Return a deep copy of `body` with the field at `path` set to `value`.

    With `value=DELETE` the field is removed instead.
    """
    result = copy.deepcopy(body)
    container = result
    for step in path[:-1]:
        container = container[step]
    if value is DELETE:
        del container[path[-1]]
    else:
        container[path[-1]] = value
    return result


def leaf_paths(
    value: Any, prefix: tuple[str | int, ...] = ()
) -> list[tuple[str | int, ...]]:
    """Return the path of every field (objects, arrays and scalars) inside `value`."""
    paths: list[tuple[str | int, ...]] = []
    children: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        children = list(value.items())
    elif isinstance(value, list):
        children = list(enumerate(value))
    for key, child in children:
        paths.append((*prefix, key))
        paths.extend(leaf_paths(child, (*prefix, key)))
    return paths


# Values of every JSON type (and a few hostile ones) swapped into each field by
# `assert_robust_to_field_mutations`.
HOSTILE_VALUES: Final[tuple[object, ...]] = (
    DELETE,
    None,
    True,
    0,
    -1,
    1.5,
    "",
    "x" * 100_000,
    "9" * 5_000,
    [],
    [None],
    {},
    {"id": "x"},
)


def assert_robust_to_field_mutations(
    parse: Callable[[object], object], body: Any
) -> int:
    """Swap each field of `body` for each hostile value and parse the result.

    Every outcome must be an observation or InvalidPayload; any other exception
    fails the test. Returns the number of mutations tried. Mutates in place and
    restores each field, because deep-copying every variant is too slow.
    """
    tried = 0
    for path in leaf_paths(body):
        container = body
        for step in path[:-1]:
            container = container[step]
        key = path[-1]
        original = container[key]
        for value in HOSTILE_VALUES:
            if value is DELETE:
                if isinstance(container, list):
                    continue
                del container[key]
            else:
                container[key] = value
            message = "no error"
            try:
                parse(body)
            except InvalidPayload as err:
                message = str(err)
            finally:
                container[key] = original
            assert message, f"empty InvalidPayload message at {path}"
            tried += 1
    return tried
