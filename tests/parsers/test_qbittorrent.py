"""Tests of the qBittorrent sync/maindata merger."""

from __future__ import annotations

from collections.abc import Callable
import copy
import logging
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    TORRENT_COMPLETE_STATES,
    TORRENT_ERROR_STATES,
    TorrentSnapshot,
    TorrentState,
    is_torrent_complete,
)
from custom_components.status_tracker.parsers import InvalidPayload
from custom_components.status_tracker.parsers.qbittorrent import (
    MaindataMerger,
    normalize_hash,
)

from . import assert_robust_to_field_mutations

MOVIE = "3f5a9c2e7b1d4a6c8e0f2b4d6a8c0e1f3a5b7c9d"
SHOW = "b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"
ANIME = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"
ANIME_MOVIE = "d9e1f3a5c7b9021e4f6a8c0e2b4d6f8a1c3e5b72"
NEW = "0123456789abcdef0123456789abcdef01234567"
INSTANCE = "qbittorrent_subentry"

FULL = "qbittorrent/sync_maindata_full.json"
DELTA = "qbittorrent/sync_maindata_delta.json"

MOVIE_STATE = TorrentState(
    hash=MOVIE,
    name="Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
    state="downloading",
    progress=0.4213,
    download_speed=5242880,
    eta=905,
    size=8204017664,
    amount_left=4747665022,
    completion_on=None,
    category="radarr",
    save_path="/data/torrents/movies",
    content_path="/data/torrents/movies/Example.Movie.1999.1080p.BluRay.x264-EXAMPLE",
)


def _complete(state: TorrentState) -> bool:
    return is_torrent_complete(state.progress, state.state)


def torrent(name: str = "Torrent", **fields: Any) -> dict[str, Any]:
    """Return a minimal torrent object as maindata sends it (no hash key)."""
    return {
        "name": name,
        "state": "downloading",
        "progress": 0.5,
        "dlspeed": 1000,
        "eta": 60,
        "size": 2000,
        "amount_left": 1000,
        "completion_on": -1,
        "category": "",
        "save_path": "/downloads",
        "content_path": f"/downloads/{name}",
        **fields,
    }


def full_answer(rid: int = 1, **torrents: dict[str, Any]) -> dict[str, Any]:
    """Return a full-update answer holding `torrents` (hash -> torrent)."""
    return {"rid": rid, "full_update": True, "torrents": torrents}


@pytest.fixture(name="merger")
def merger_fixture() -> MaindataMerger:
    return MaindataMerger()


# --- fixtures: full update, then delta ------------------------------------------


def test_full_update(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    assert merger.rid == 0

    snapshot = merger.apply(load_fixture(FULL), INSTANCE)

    assert snapshot.instance_id == INSTANCE
    assert snapshot.full
    assert snapshot.removed == ()
    assert [state.hash for state in snapshot.torrents] == [
        MOVIE,
        SHOW,
        ANIME,
        ANIME_MOVIE,
    ]
    by_hash = {state.hash: state for state in snapshot.torrents}
    assert by_hash[MOVIE] == MOVIE_STATE
    show = by_hash[SHOW]
    assert (show.state, show.progress, show.eta, show.download_speed) == (
        "stalledDL",
        0.1875,
        None,  # 8640000 = unknown
        0,
    )
    anime = by_hash[ANIME]
    assert anime.state == "stalledUP"
    assert anime.progress == 1.0
    assert isinstance(anime.progress, float)
    assert anime.completion_on == 1768045680
    assert anime.eta is None
    assert anime.amount_left == 0
    assert anime.category == "tv-sonarr"
    anime_movie = by_hash[ANIME_MOVIE]
    assert anime_movie.state == "stoppedUP"
    assert _complete(anime_movie)
    assert merger.rid == 1
    assert merger.torrents == by_hash


def test_delta_after_full(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    merger.apply(load_fixture(FULL), INSTANCE)

    snapshot = merger.apply(load_fixture(DELTA), INSTANCE)

    assert not snapshot.full
    assert merger.rid == 2
    assert snapshot.removed == (ANIME_MOVIE,)
    # Only the changed torrents, each with its full merged state.
    assert [state.hash for state in snapshot.torrents] == [MOVIE, SHOW]
    movie, show = snapshot.torrents
    assert movie == TorrentState(
        hash=MOVIE,
        name=MOVIE_STATE.name,
        state="downloading",
        progress=0.5123,
        download_speed=6291456,
        eta=637,
        size=8204017664,
        amount_left=4001099415,
        category="radarr",
        save_path="/data/torrents/movies",
        content_path=MOVIE_STATE.content_path,
    )
    assert show.state == "downloading"
    assert show.eta == 8330
    assert show.download_speed == 1048576
    # Unchanged fields come from the full update.
    assert show.progress == 0.1875
    assert show.name == "Example.Show.S01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE"
    assert set(merger.torrents) == {MOVIE, SHOW, ANIME}


def test_delta_with_unused_keys_only_reports_nothing(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    merger.apply(load_fixture(FULL), INSTANCE)

    snapshot = merger.apply(
        {"rid": 2, "torrents": {MOVIE: {"num_seeds": 3, "time_active": 900}}},
        INSTANCE,
    )

    assert snapshot == TorrentSnapshot(instance_id=INSTANCE, torrents=())


def test_empty_delta(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    """qBittorrent omits empty collections: a quiet poll is just the rid."""
    merger.apply(load_fixture(FULL), INSTANCE)
    snapshot = merger.apply({"rid": 2}, INSTANCE)
    assert snapshot == TorrentSnapshot(instance_id=INSTANCE, torrents=())
    assert merger.rid == 2
    assert len(merger.torrents) == 4


def test_new_torrent_in_delta(merger: MaindataMerger) -> None:
    merger.apply(full_answer(1, **{MOVIE: torrent("Movie")}), INSTANCE)

    snapshot = merger.apply({"rid": 2, "torrents": {NEW: torrent("New")}}, INSTANCE)

    assert [state.hash for state in snapshot.torrents] == [NEW]
    assert snapshot.torrents[0].name == "New"
    assert set(merger.torrents) == {MOVIE, NEW}


def test_full_update_replaces_everything(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    """A second full update (e.g. a new WebUI session) drops what it does not list."""
    merger.apply(load_fixture(FULL), INSTANCE)

    snapshot = merger.apply(full_answer(1, **{NEW: torrent("New")}), INSTANCE)

    assert snapshot.full
    assert [state.hash for state in snapshot.torrents] == [NEW]
    assert snapshot.removed == (MOVIE, SHOW, ANIME, ANIME_MOVIE)
    assert set(merger.torrents) == {NEW}


def test_full_update_without_torrents(merger: MaindataMerger) -> None:
    """An empty client: qBittorrent 5.x omits the empty torrents map."""
    merger.apply(full_answer(1, **{MOVIE: torrent()}), INSTANCE)
    snapshot = merger.apply({"rid": 1, "full_update": True}, INSTANCE)
    assert snapshot == TorrentSnapshot(
        instance_id=INSTANCE, torrents=(), removed=(MOVIE,), full=True
    )


def test_full_update_with_empty_collections_4x(merger: MaindataMerger) -> None:
    """qBittorrent 4.5 sends empty categories/tags/torrents in a full update."""
    snapshot = merger.apply(
        {
            "categories": {},
            "full_update": True,
            "rid": 1,
            "server_state": {"connection_status": "firewalled"},
            "tags": [],
            "torrents": {},
            "trackers": {},
        },
        INSTANCE,
    )
    assert snapshot == TorrentSnapshot(instance_id=INSTANCE, torrents=(), full=True)


def test_removed_unknown_and_duplicate_hashes(merger: MaindataMerger) -> None:
    merger.apply(full_answer(1, **{MOVIE: torrent()}), INSTANCE)
    snapshot = merger.apply(
        {"rid": 2, "torrents_removed": [MOVIE.upper(), MOVIE, NEW, "not-a-hash"]},
        INSTANCE,
    )
    assert snapshot.removed == (MOVIE, NEW)
    assert merger.torrents == {}


def test_updated_and_removed_in_one_answer(merger: MaindataMerger) -> None:
    merger.apply(full_answer(1, **{MOVIE: torrent()}), INSTANCE)
    snapshot = merger.apply(
        {
            "rid": 2,
            "torrents": {MOVIE: {"progress": 0.9}},
            "torrents_removed": [MOVIE],
        },
        INSTANCE,
    )
    assert snapshot.torrents == ()
    assert snapshot.removed == (MOVIE,)
    assert merger.torrents == {}


# --- rid and reset ---------------------------------------------------------------


def test_rid_follows_answers(merger: MaindataMerger) -> None:
    merger.apply(full_answer(7), INSTANCE)
    assert merger.rid == 7
    merger.apply({"rid": 8}, INSTANCE)
    assert merger.rid == 8
    # The server's counter wraps at 1,000,000 back to 1.
    merger.apply({"rid": 1}, INSTANCE)
    assert merger.rid == 1


def test_reset(merger: MaindataMerger, load_fixture: Callable[[str], Any]) -> None:
    merger.apply(load_fixture(FULL), INSTANCE)
    merger.apply(load_fixture(DELTA), INSTANCE)

    merger.reset()

    assert merger.rid == 0
    assert merger.torrents == {}
    snapshot = merger.apply(load_fixture(FULL), INSTANCE)
    assert snapshot.removed == ()
    assert len(snapshot.torrents) == 4


def test_invalid_answer_leaves_state_unchanged(
    merger: MaindataMerger, load_fixture: Callable[[str], Any]
) -> None:
    merger.apply(load_fixture(FULL), INSTANCE)
    before = merger.torrents
    bad = load_fixture(DELTA)
    bad["torrents_removed"] = [ANIME_MOVIE, 5]

    with pytest.raises(InvalidPayload):
        merger.apply(bad, INSTANCE)

    assert merger.rid == 1
    assert merger.torrents == before


def test_hash_keys_are_lower_cased(merger: MaindataMerger) -> None:
    snapshot = merger.apply(full_answer(1, **{MOVIE.upper(): torrent()}), INSTANCE)
    assert snapshot.torrents[0].hash == MOVIE
    # A later delta with the lower-case key merges into the same torrent.
    snapshot = merger.apply({"rid": 2, "torrents": {MOVIE: {"eta": 5}}}, INSTANCE)
    assert snapshot.torrents[0].eta == 5
    assert list(merger.torrents) == [MOVIE]


def test_v2_hash_accepted(merger: MaindataMerger) -> None:
    v2 = "ab" * 32
    snapshot = merger.apply(full_answer(1, **{v2: torrent()}), INSTANCE)
    assert snapshot.torrents[0].hash == v2


# --- field conversion ------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "progress", "complete"),
    [
        ("pausedUP", 1, True),  # 4.x
        ("stoppedUP", 1, True),  # 5.x
        ("pausedDL", 0.3, False),  # 4.x
        ("stoppedDL", 0.3, False),  # 5.x
        ("uploading", 1, True),
        ("stalledUP", 1, True),
        ("queuedUP", 1, True),
        ("forcedUP", 1, True),
        ("checkingUP", 1, True),
        ("downloading", 0.3, False),
        ("stalledDL", 0.0, False),
        ("metaDL", 0, False),
        ("checkingDL", 0.5, False),
        # Data complete but the state has not caught up (e.g. moving).
        ("moving", 1, True),
        ("missingFiles", 1, True),
        ("error", 0.2, False),
    ],
)
def test_states(
    merger: MaindataMerger, state: str, progress: float, complete: bool
) -> None:
    snapshot = merger.apply(
        full_answer(1, **{MOVIE: torrent(state=state, progress=progress)}), INSTANCE
    )
    parsed = snapshot.torrents[0]
    assert parsed.state == state
    assert _complete(parsed) is complete


def test_state_sets() -> None:
    assert {"error", "missingFiles"} == TORRENT_ERROR_STATES
    assert {
        "uploading",
        "stalledUP",
        "queuedUP",
        "forcedUP",
        "checkingUP",
        "pausedUP",
        "stoppedUP",
    } == TORRENT_COMPLETE_STATES
    for states in (TORRENT_ERROR_STATES, TORRENT_COMPLETE_STATES):
        assert isinstance(states, frozenset)


def test_is_complete_by_progress_only() -> None:
    state = TorrentState(hash=MOVIE, name="x", state="downloading", progress=1.0)
    assert _complete(state)
    assert not _complete(
        TorrentState(hash=MOVIE, name="x", state="downloading", progress=0.999)
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"eta": 8640000}, {"eta": None}),
        ({"eta": 8640001}, {"eta": None}),
        ({"eta": -1}, {"eta": None}),
        ({"eta": 0}, {"eta": 0}),
        ({"eta": 8639999}, {"eta": 8639999}),
        ({"completion_on": -1}, {"completion_on": None}),  # 5.x, not completed
        ({"completion_on": 0}, {"completion_on": None}),  # 4.x, not completed
        ({"completion_on": 4294967295}, {"completion_on": None}),
        ({"completion_on": 1768045680}, {"completion_on": 1768045680}),
        ({"progress": 1.5}, {"progress": 1.0}),
        ({"progress": -0.5}, {"progress": 0.0}),
        ({"progress": 0}, {"progress": 0.0}),
        ({"progress": 10**400}, {"progress": 1.0}),
        ({"progress": -(10**400)}, {"progress": 0.0}),
        ({"progress": float("inf")}, {"progress": 1.0}),
        ({"dlspeed": -5}, {"download_speed": 0}),
        ({"size": -1, "amount_left": -1}, {"size": None, "amount_left": None}),
        ({"size": 0, "amount_left": 0}, {"size": 0, "amount_left": 0}),
        (
            {"category": "", "save_path": "", "content_path": ""},
            {"category": None, "save_path": None, "content_path": None},
        ),
        ({"name": ""}, {"name": ""}),
    ],
)
def test_field_values(
    merger: MaindataMerger, fields: dict[str, Any], expected: dict[str, Any]
) -> None:
    snapshot = merger.apply(full_answer(1, **{MOVIE: torrent(**fields)}), INSTANCE)
    parsed = snapshot.torrents[0]
    for name, value in expected.items():
        assert getattr(parsed, name) == value, name
    assert isinstance(parsed.progress, float)


def test_optional_fields_absent(merger: MaindataMerger) -> None:
    snapshot = merger.apply(
        full_answer(1, **{MOVIE: {"name": "Bare", "state": "metaDL", "progress": 0}}),
        INSTANCE,
    )
    assert snapshot.torrents == (
        TorrentState(hash=MOVIE, name="Bare", state="metaDL", progress=0.0),
    )


# --- malformed answers and torrents ----------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [],
        "Forbidden",
        42,
        {},
        {"rid": "1"},
        {"rid": 1.0},
        {"rid": True},
        {"rid": None},
        {"rid": -1},
        {"rid": 1, "full_update": "true"},
        {"rid": 1, "full_update": 1},
        {"rid": 1, "torrents": []},
        {"rid": 1, "torrents": "x"},
        {"rid": 1, "torrents": {MOVIE: None}},
        {"rid": 1, "torrents": {MOVIE: [1, 2]}},
        {"rid": 1, "torrents": {MOVIE: "downloading"}},
        {"rid": 1, "torrents_removed": MOVIE},
        {"rid": 1, "torrents_removed": {MOVIE: True}},
        {"rid": 1, "torrents_removed": [None]},
    ],
)
def test_malformed_answer(merger: MaindataMerger, answer: object) -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        merger.apply(answer, INSTANCE)
    assert str(exc_info.value)
    assert merger.rid == 0


def test_malformed_answer_names_the_field(merger: MaindataMerger) -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        merger.apply({"rid": 1, "torrents": {MOVIE: 5}}, INSTANCE)
    assert exc_info.value.field == f"torrents.{MOVIE}"


@pytest.mark.parametrize(
    "fields",
    [
        {"name": None},
        {"name": 5},
        {"state": None},
        {"state": ""},
        {"state": ["downloading"]},
        {"progress": None},
        {"progress": "0.5"},
        {"progress": True},
        {"progress": float("nan")},
        {"eta": 1.5},
        {"eta": "60"},
        {"dlspeed": "fast"},
        {"size": 2.5},
        {"amount_left": False},
        {"completion_on": "2026-01-10"},
        {"category": 3},
        {"save_path": {}},
        {"content_path": []},
    ],
)
def test_bad_torrent_is_skipped(
    merger: MaindataMerger, fields: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """One unusable torrent is left out; the others still come through."""
    caplog.set_level(logging.DEBUG)
    snapshot = merger.apply(
        full_answer(1, **{MOVIE: torrent(**fields), NEW: torrent("Fine")}), INSTANCE
    )
    assert [state.hash for state in snapshot.torrents] == [NEW]
    assert "Skipping qBittorrent torrent" in caplog.text
    assert set(merger.torrents) == {NEW}


def test_skipped_torrent_recovers_in_a_later_delta(merger: MaindataMerger) -> None:
    merger.apply(full_answer(1, **{MOVIE: torrent(progress="0.5")}), INSTANCE)
    assert merger.torrents == {}

    snapshot = merger.apply(
        {"rid": 2, "torrents": {MOVIE: {"progress": 0.6}}}, INSTANCE
    )

    assert [(state.hash, state.progress) for state in snapshot.torrents] == [
        (MOVIE, 0.6)
    ]


def test_torrent_turning_bad_disappears_from_torrents(merger: MaindataMerger) -> None:
    merger.apply(full_answer(1, **{MOVIE: torrent()}), INSTANCE)
    snapshot = merger.apply({"rid": 2, "torrents": {MOVIE: {"state": 7}}}, INSTANCE)
    assert snapshot.torrents == ()
    assert merger.torrents == {}


def test_malformed_hash_key_skipped(merger: MaindataMerger) -> None:
    snapshot = merger.apply(
        full_answer(1, **{"not-a-hash": torrent(), "": torrent(), NEW: torrent()}),
        INSTANCE,
    )
    assert [state.hash for state in snapshot.torrents] == [NEW]


def test_normalize_hash() -> None:
    assert normalize_hash(f" {MOVIE.upper()} ") == MOVIE
    assert normalize_hash(MOVIE[:-1]) is None
    assert normalize_hash("g" * 40) is None
    assert normalize_hash("") is None


def test_hostile_values_full(load_fixture: Callable[[str], Any]) -> None:
    """Every field of the fixtures swapped for every hostile value: InvalidPayload or a snapshot."""

    def apply_full(body: object) -> object:
        return MaindataMerger().apply(body, INSTANCE)

    assert assert_robust_to_field_mutations(apply_full, load_fixture(FULL)) > 1000


def test_hostile_values_delta(load_fixture: Callable[[str], Any]) -> None:
    full = load_fixture(FULL)
    base = MaindataMerger()
    base.apply(full, INSTANCE)

    def apply_delta(body: object) -> object:
        # apply() replaces the merged state instead of changing it in place.
        return copy.copy(base).apply(body, INSTANCE)

    assert assert_robust_to_field_mutations(apply_delta, load_fixture(DELTA)) > 100
