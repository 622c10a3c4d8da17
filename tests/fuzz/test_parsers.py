"""Every parser gets random JSON and mutated fixtures: an observation or InvalidPayload.

Pure Python, no Home Assistant instance; a default run tries 200 cases per parser.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.status_tracker.core.observations import Observation
from custom_components.status_tracker.parsers import InvalidPayload, parse_webhook
from custom_components.status_tracker.parsers.jellyfin_api import (
    created_at,
    is_playable,
    item_from_dto,
    library_item_from_dto,
)
from custom_components.status_tracker.parsers.qbittorrent import MaindataMerger
from custom_components.status_tracker.parsers.shoko import (
    SHOKO_EVENT_NAMES,
    parse_shoko_event,
)
from tests.parsers import read_fixture

from . import (
    DEFAULT_PARSER_EXAMPLES,
    JSON_VALUES,
    KEYS,
    Counter,
    fixture_bodies,
    fuzz_settings,
    mutated,
    webhook_bodies,
)

SETTINGS = fuzz_settings(DEFAULT_PARSER_EXAMPLES)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: the parsers need no Home Assistant instance."""


def _outcome(parse: Callable[[], Any], counter: Counter) -> Any:
    """Run a parser; InvalidPayload (with a message) is the only allowed error."""
    error: InvalidPayload | None = None
    try:
        result = parse()
    except InvalidPayload as err:
        error = err
    if error is not None:
        assert str(error), "InvalidPayload without a message"
        counter.outcome("InvalidPayload")
        return error
    names = {
        type(o).__name__ for o in (result if isinstance(result, list) else [result])
    }
    for name in names:
        counter.outcome(name)
    return result


@pytest.mark.parametrize("service", ["seerr", "sonarr", "radarr", "jellyfin"])
def test_webhook_parser(service: str) -> None:
    """parse_webhook returns an observation or raises InvalidPayload, nothing else."""
    with Counter(f"parser {service}") as counter:

        @SETTINGS
        @given(body=webhook_bodies(service))
        def check(body: Any) -> None:
            counter.cases += 1
            result = _outcome(lambda: parse_webhook(service, body, "instance"), counter)
            assert isinstance(result, (Observation, InvalidPayload))

        check()


SHOKO_TARGETS = st.sampled_from(sorted(SHOKO_EVENT_NAMES)) | st.text(max_size=60)
SHOKO_MESSAGES = fixture_bodies("shoko")


@st.composite
def shoko_invocations(draw: st.DrawFn) -> tuple[Any, Any]:
    """Return (target, arguments): fixtures mutated, retargeted or random."""
    message = draw(mutated(SHOKO_MESSAGES) | st.sampled_from(SHOKO_MESSAGES))
    if not isinstance(message, dict):
        return draw(SHOKO_TARGETS), message
    target = message.get("target") if draw(st.booleans()) else draw(SHOKO_TARGETS)
    arguments = message.get("arguments")
    if draw(st.integers(0, 5)) == 0:
        arguments = draw(JSON_VALUES)
    elif draw(st.integers(0, 5)) == 0 and isinstance(arguments, list) and arguments:
        arguments = [[arguments[0], draw(JSON_VALUES), arguments[0]]]
    return target, arguments


def test_shoko_parser() -> None:
    """parse_shoko_event returns observations or raises InvalidPayload only."""
    with Counter("parser shoko") as counter:

        @SETTINGS
        @given(invocation=shoko_invocations())
        def check(invocation: tuple[Any, Any]) -> None:
            counter.cases += 1
            target, arguments = invocation
            result = _outcome(
                lambda: parse_shoko_event(target, arguments, "shoko"), counter
            )
            if not isinstance(result, InvalidPayload):
                assert all(isinstance(o, Observation) for o in result)

        check()


QBITTORRENT_ANSWERS = [
    read_fixture("qbittorrent/sync_maindata_full.json"),
    read_fixture("qbittorrent/sync_maindata_delta.json"),
]


def test_qbittorrent_maindata() -> None:
    """The maindata merger takes random answers; a refused one changes nothing."""
    with Counter("parser qbittorrent") as counter:

        @SETTINGS
        @given(
            answers=st.lists(
                mutated(QBITTORRENT_ANSWERS)
                | st.sampled_from(QBITTORRENT_ANSWERS)
                | JSON_VALUES,
                min_size=1,
                max_size=4,
            )
        )
        def check(answers: list[Any]) -> None:
            counter.cases += 1
            merger = MaindataMerger()
            for answer in answers:
                before = (merger.rid, dict(merger.torrents))
                result = _outcome(
                    lambda a=answer: merger.apply(a, "qbittorrent"), counter
                )
                if isinstance(result, InvalidPayload):
                    assert (merger.rid, dict(merger.torrents)) == before

        check()


JELLYFIN_DTOS = [
    *read_fixture("jellyfin/api_items_recent.json")["Items"],
    *read_fixture("jellyfin/api_items_series.json")["Items"],
]


def test_jellyfin_api_items() -> None:
    """REST item converters never raise: malformed DTOs give None."""
    with Counter("parser jellyfin_api") as counter:

        @SETTINGS
        @given(
            dto=mutated(JELLYFIN_DTOS)
            | st.sampled_from(JELLYFIN_DTOS)
            | JSON_VALUES
            | st.dictionaries(KEYS, JSON_VALUES)
        )
        def check(dto: Any) -> None:
            counter.cases += 1
            for convert in (item_from_dto, library_item_from_dto):
                item = convert(dto)
                assert item is None or isinstance(item, Observation)
                counter.outcome(f"{convert.__name__}: {type(item).__name__}")
            assert isinstance(is_playable(dto), bool)
            created_at(dto)

        check()
