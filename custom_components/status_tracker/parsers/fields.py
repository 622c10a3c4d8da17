"""Typed, path-aware readers for decoded JSON: webhook bodies and REST answers.

The parsers and the REST clients read their input through `JsonObject`, so each
field they use is type-checked in one place. The strict readers (`require_*`,
`optional_*`, `flag`, `object_list`, `str_list`) fail with an `InvalidPayload`
that names the field by its dotted path ("series.images[1].remoteUrl"); the
lenient `loose_*` readers never fail.

Conventions shared by all readers:
- an absent key and a JSON `null` are the same thing ("absent");
- `optional_*` readers return None (or `()` for lists) for absent fields, but a
  present value of the wrong type is still an error;
- `loose_*` readers return None (or `()` for lists) for absent fields *and* for
  values of the wrong type: the REST clients read answers of servers they do not
  control and keep what they can use of them;
- booleans are never accepted as integers (Python's `bool` is an `int` subclass).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .errors import InvalidPayload

# Longest digit string accepted as a number. Real ids and sizes fit in 18 digits
# (int64); the cap also keeps int() away from Python's 4300-digit conversion limit,
# which would raise a plain ValueError.
MAX_DIGITS: Final = 18
# What a signed 64-bit integer holds: the most the store can write.
MIN_INT: Final = -(2**63)
MAX_INT: Final = 2**63 - 1


def json_type_name(value: object) -> str:
    """Return the JSON name of a value's type, for error messages (never the value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__


def parse_digits(text: str) -> int | None:
    """Return the integer spelled by an ASCII digit string, or None if it is not one.

    Surrounding whitespace is tolerated; signs, decimals and non-ASCII digits are not.
    """
    candidate = text.strip()
    if (
        not candidate
        or len(candidate) > MAX_DIGITS
        or not candidate.isascii()
        or not candidate.isdigit()
    ):
        return None
    return int(candidate)


def _loose_int(value: object, minimum: int) -> int | None:
    """Return `value` if it is an integer >= minimum that 64 bits hold, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    # Beyond 64 bits the store (orjson) could not write it: no real id or count.
    if value < minimum or not MIN_INT <= value <= MAX_INT:
        return None
    return value


class JsonObject:
    """A JSON object from a payload together with its location in that payload."""

    __slots__ = ("_data", "_path")

    def __init__(self, data: Mapping[str, object], path: str = "") -> None:
        """Wrap `data`, found at dotted `path` ("" for the top level)."""
        self._data = data
        self._path = path

    @classmethod
    def root(cls, body: object) -> JsonObject:
        """Wrap a whole webhook body, which must be a JSON object."""
        if not isinstance(body, Mapping):
            raise InvalidPayload(
                f"payload must be a JSON object, got {json_type_name(body)}"
            )
        return cls(body)

    @classmethod
    def loose(cls, value: object, path: str = "") -> JsonObject | None:
        """Wrap `value` found at `path` if it is a JSON object, else return None."""
        return cls(value, path) if isinstance(value, Mapping) else None

    # -- plumbing -------------------------------------------------------------

    def name(self, key: str) -> str:
        """Return the dotted path of `key` inside this object."""
        return f"{self._path}.{key}" if self._path else key

    def has(self, key: str) -> bool:
        """Return True when `key` is present with a non-null value."""
        return self._data.get(key) is not None

    def field_names(self) -> tuple[str, ...]:
        """Return the keys of this object (non-string keys cannot come from JSON)."""
        return tuple(key for key in self._data if isinstance(key, str))

    def invalid(self, key: str, problem: str) -> InvalidPayload:
        """Build the error for `key` with a message saying what is wrong with it."""
        field = self.name(key)
        return InvalidPayload(f"{field} {problem}", field=field)

    def _fail(self, key: str, expected: str, value: object) -> InvalidPayload:
        """Build the error for a field holding a value of the wrong type."""
        return self.invalid(key, f"must be {expected}, got {json_type_name(value)}")

    def _missing(self, key: str, expected: str) -> InvalidPayload:
        """Build the error for a required field that is absent or null."""
        return self.invalid(key, f"is missing (expected {expected})")

    # -- objects and lists ----------------------------------------------------

    def optional_object(self, key: str) -> JsonObject | None:
        """Return the object at `key`, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise self._fail(key, "an object", value)
        return JsonObject(value, self.name(key))

    def require_object(self, key: str) -> JsonObject:
        """Return the object at `key`, which must be present."""
        found = self.optional_object(key)
        if found is None:
            raise self._missing(key, "an object")
        return found

    def _optional_list(self, key: str) -> list[object] | None:
        """Return the raw list at `key`, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self._fail(key, "an array", value)
        return value

    def object_list(self, key: str) -> tuple[JsonObject, ...]:
        """Return the objects of the array at `key` (empty when absent)."""
        items = self._optional_list(key) or []
        result: list[JsonObject] = []
        for index, item in enumerate(items):
            item_name = f"{key}[{index}]"
            if not isinstance(item, Mapping):
                raise self._fail(item_name, "an object", item)
            result.append(JsonObject(item, self.name(item_name)))
        return tuple(result)

    def str_list(self, key: str) -> tuple[str, ...]:
        """Return the strings of the array at `key` (empty when absent)."""
        items = self._optional_list(key) or []
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise self._fail(f"{key}[{index}]", "a string", item)
        return tuple(item for item in items if isinstance(item, str))

    # -- strings --------------------------------------------------------------

    def _optional_raw_str(self, key: str) -> str | None:
        """Return the string at `key` as sent (including ""), or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def require_str(self, key: str) -> str:
        """Return the string at `key`, which must be present (it may be "")."""
        value = self._optional_raw_str(key)
        if value is None:
            raise self._missing(key, "a string")
        return value

    def require_nonempty_str(self, key: str) -> str:
        """Return the string at `key`, which must be present and not blank."""
        value = self.require_str(key)
        if not value.strip():
            raise self.invalid(key, "must not be empty")
        return value

    def optional_str(self, key: str) -> str | None:
        """Return the string at `key`; absent and "" both give None.

        Seerr, the Jellyfin template and the *arr apps all write "" for "no value".
        """
        return self._optional_raw_str(key) or None

    # -- numbers and booleans -------------------------------------------------

    def optional_int(self, key: str) -> int | None:
        """Return the integer at `key`, or None when absent."""
        value = self._data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return self._in_range(key, value)

    def _in_range(self, key: str, value: int) -> int:
        """Return `value` if a 64-bit integer holds it, else raise InvalidPayload.

        JSON numbers have no limit, but the store (orjson) writes 64-bit ones
        only: one larger number kept from a webhook would make every later
        write of the hub's data fail.
        """
        if not MIN_INT <= value <= MAX_INT:
            raise self.invalid(key, "is out of range (more than 64 bits)")
        return value

    def require_int(self, key: str) -> int:
        """Return the integer at `key`, which must be present."""
        value = self.optional_int(key)
        if value is None:
            raise self._missing(key, "an integer")
        return value

    def optional_id(self, key: str) -> int | None:
        """Return an *arr integer id; 0 (the *arr "unknown") and absent give None."""
        value = self.optional_int(key)
        if value is not None and value < 0:
            raise self.invalid(key, "must not be negative")
        return value or None

    def optional_size(self, key: str) -> int | None:
        """Return a byte size; 0 (how Radarr writes "unknown") and absent give None."""
        return self.optional_id(key)

    def require_id(self, key: str) -> int:
        """Return an *arr integer id that must be present and positive."""
        value = self.optional_id(key)
        if value is None:
            if self.has(key):
                raise self.invalid(key, "must be a positive integer, got 0")
            raise self._missing(key, "a positive integer")
        return value

    def optional_int_text(self, key: str) -> int | None:
        """Return a number sent as an integer or as a digit string ("" gives None).

        Seerr and Jellyfin templates render every value as a string.
        """
        value = self._data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            parsed = parse_digits(value)
            if parsed is None:
                raise self.invalid(
                    key, f"must be a string of at most {MAX_DIGITS} digits"
                )
            return parsed
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer or a string of digits", value)
        if value < 0:
            raise self.invalid(key, "must not be negative")
        return self._in_range(key, value)

    def optional_id_text(self, key: str) -> int | None:
        """Return an id sent as a digit string or integer; "", 0 and absent give None."""
        return self.optional_int_text(key) or None

    def optional_bool(self, key: str) -> bool | None:
        """Return the boolean at `key`, or None when absent (0/1 are not booleans)."""
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._fail(key, "a boolean", value)
        return value

    def flag(self, key: str) -> bool:
        """Return the boolean at `key`, False when absent."""
        return self.optional_bool(key) or False

    # -- lenient readers (REST answers) ---------------------------------------

    def loose_object(self, key: str) -> JsonObject | None:
        """Return the object at `key`, None when absent or not an object."""
        return JsonObject.loose(self._data.get(key), self.name(key))

    def loose_list(self, key: str) -> list[object] | None:
        """Return the array at `key` as sent, None when absent or not an array."""
        value = self._data.get(key)
        return value if isinstance(value, list) else None

    def loose_objects(self, key: str) -> tuple[JsonObject, ...]:
        """Return the objects of the array at `key`; other elements are skipped.

        Absent or not an array gives `()`.
        """
        return tuple(
            item
            for index, value in enumerate(self.loose_list(key) or ())
            if (item := JsonObject.loose(value, self.name(f"{key}[{index}]")))
            is not None
        )

    def loose_str(self, key: str) -> str | None:
        """Return the string at `key`; absent, "" and non-strings give None."""
        value = self._data.get(key)
        return value if isinstance(value, str) and value else None

    def loose_int(self, key: str, *, minimum: int = 1) -> int | None:
        """Return the integer at `key` if it is >= minimum and 64 bits hold it.

        Anything else (absent, a boolean, a float, a string, a smaller or a
        larger number) gives None. Upstream ids use 0 for "unknown", hence the
        default minimum of 1.
        """
        return _loose_int(self._data.get(key), minimum)

    def loose_ints(self, key: str, *, minimum: int = 1) -> tuple[int, ...]:
        """Return the integers of the array at `key` that `loose_int` would keep.

        Other elements are skipped; absent or not an array gives `()`.
        """
        return tuple(
            number
            for value in self.loose_list(key) or ()
            if (number := _loose_int(value, minimum)) is not None
        )

    def loose_number(self, key: str) -> int | float | None:
        """Return the number (integer or not) at `key`, None for anything else.

        Booleans are not numbers here either.
        """
        value = self._data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return value

    def loose_bool(self, key: str) -> bool | None:
        """Return the boolean at `key`, None for anything else (0/1 included)."""
        value = self._data.get(key)
        return value if isinstance(value, bool) else None
