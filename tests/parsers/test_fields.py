"""Tests for the lenient readers of JsonObject (what the REST clients read with)."""

from __future__ import annotations

import pytest

from custom_components.status_tracker.parsers.fields import JsonObject


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (7, 7),
        (0, None),
        (-3, None),
        (True, None),
        (7.0, None),
        ("7", None),
        (None, None),
        (2**63 - 1, 2**63 - 1),
        (2**63, None),
    ],
)
def test_loose_int(value: object, expected: int | None) -> None:
    """Ids from REST answers: positive 64-bit integers, else unknown (None)."""
    assert JsonObject({"id": value}).loose_int("id") == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 0), (-1, None), (False, None), (5, 5)]
)
def test_loose_int_minimum(value: object, expected: int | None) -> None:
    """Season numbers and counts start at 0."""
    assert JsonObject({"n": value}).loose_int("n", minimum=0) == expected


def test_loose_int_absent() -> None:
    """An absent key reads as None."""
    assert JsonObject({}).loose_int("id") is None


def test_loose_ints() -> None:
    """Only the integers loose_int would keep are kept, in order."""
    data = JsonObject({"tags": [7, "anime", True, 0, 2**63, 3, None, 7.0]})
    assert data.loose_ints("tags") == (7, 3)
    assert JsonObject({"tags": "7"}).loose_ints("tags") == ()
    assert JsonObject({}).loose_ints("tags") == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("x", "x"), (" ", " "), ("", None), (None, None), (1, None), (["x"], None)],
)
def test_loose_str(value: object, expected: str | None) -> None:
    """Non-empty strings as sent; "" and other types read as absent."""
    assert JsonObject({"s": value}).loose_str("s") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), (1, None), ("true", None), (None, None)],
)
def test_loose_bool(value: object, expected: bool | None) -> None:
    """Only JSON booleans are booleans."""
    assert JsonObject({"b": value}).loose_bool("b") is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5, 5), (2.5, 2.5), (0, 0), (True, None), ("5", None), (None, None)],
)
def test_loose_number(value: object, expected: float | None) -> None:
    """Integers and floats as sent; booleans and strings are not numbers."""
    assert JsonObject({"n": value}).loose_number("n") == expected


def test_loose_object() -> None:
    """A nested object keeps its path; anything else reads as absent."""
    data = JsonObject({"a": {"b": {"c": 1}}, "s": "x", "l": [{}]})
    inner = data.loose_object("a")
    assert inner is not None
    nested = inner.loose_object("b")
    assert nested is not None
    assert nested.name("c") == "a.b.c"
    assert data.loose_object("s") is None
    assert data.loose_object("l") is None
    assert data.loose_object("missing") is None


def test_loose_objects() -> None:
    """The objects of an array, with their paths; other elements are skipped."""
    data = JsonObject({"items": [{"id": 1}, 2, None, "x", {"id": 3}]}, "root")
    items = data.loose_objects("items")
    assert [item.loose_int("id") for item in items] == [1, 3]
    assert [item.name("id") for item in items] == [
        "root.items[0].id",
        "root.items[4].id",
    ]
    assert JsonObject({"items": {"id": 1}}).loose_objects("items") == ()
    assert JsonObject({}).loose_objects("items") == ()


def test_loose_list() -> None:
    """The array as sent, None when absent or not an array."""
    raw = [1, "x", {}]
    assert JsonObject({"l": raw}).loose_list("l") is raw
    assert JsonObject({"l": {"0": 1}}).loose_list("l") is None
    assert JsonObject({"l": "abc"}).loose_list("l") is None
    assert JsonObject({}).loose_list("l") is None


@pytest.mark.parametrize("value", [[], "x", 1, None, True])
def test_loose_refuses_non_objects(value: object) -> None:
    """Only a JSON object is wrapped."""
    assert JsonObject.loose(value) is None


def test_loose_wraps_an_object() -> None:
    """A wrapped object is read like any other, at the path given."""
    data = JsonObject.loose({"id": 4}, "[2]")
    assert data is not None
    assert data.loose_int("id") == 4
    assert data.name("id") == "[2].id"
