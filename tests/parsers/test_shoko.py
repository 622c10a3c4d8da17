"""Tests for the Shoko Server SignalR event parser (v5 events and v6 names)."""

from __future__ import annotations

from collections.abc import Callable
import copy
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    Ignored,
    Observation,
    ShokoCrossReference,
    ShokoFile,
    ShokoFileEvent,
    ShokoMetadata,
)
from custom_components.status_tracker.parsers import InvalidPayload
from custom_components.status_tracker.parsers.shoko import (
    SHOKO_EVENT_NAMES,
    parse_shoko_event,
)

from . import assert_robust_to_field_mutations, webhook_fixture_names

LoadFixture = Callable[[str], Any]

INSTANCE = "shoko_entry_1"
S01E01 = (
    "Example Anime (2023)/Season 01/"
    "Example Anime - S01E01 - The Journey's End WEBDL-1080p.mkv"
)
S01E02 = (
    "Example Anime (2023)/Season 01/"
    "Example Anime - S01E02 - It Didn't Have to Be Magic WEBDL-1080p.mkv"
)
MOVIE = "Example Anime Movie (2020)/Example Anime Movie (2020) Bluray-1080p.mkv"
S01E01_XREF = ShokoCrossReference(
    episode_id=1001, anidb_episode_id=271001, series_id=42, anidb_anime_id=17617
)

# Invocation messages (tests/fixtures/shoko/*.json with a "target").
SHOKO_FIXTURES = webhook_fixture_names("shoko", "target")


def _parse_message(message: Any) -> list[Observation]:
    """Parse one SignalR invocation message the way the hub client hands it over."""
    return parse_shoko_event(message["target"], message["arguments"], INSTANCE)


def _one(message: Any) -> Observation:
    observations = _parse_message(message)
    assert len(observations) == 1
    return observations[0]


def _parse_v6(target: str, payload: object) -> Observation:
    observations = parse_shoko_event(target, [payload], INSTANCE)
    assert len(observations) == 1
    return observations[0]


def _file_payload(**overrides: Any) -> dict[str, Any]:
    """Return a v5 FileEventSignalRModel payload for S01E01 (matched)."""
    payload: dict[str, Any] = {
        "FileID": 5001,
        "FileLocationID": 6001,
        "ImportFolderID": 2,
        "RelativePath": S01E01,
        "CrossReferences": [
            {
                "EpisodeID": 1001,
                "AnidbEpisodeID": 271001,
                "SeriesID": 42,
                "AnidbAnimeID": 17617,
                "GroupID": 40,
            }
        ],
    }
    payload.update(overrides)
    return payload


def _v6_file_payload(**overrides: Any) -> dict[str, Any]:
    """Return a v6 VideoFileEventSignalRModel payload (ManagedFolderID)."""
    payload = _file_payload(**overrides)
    payload["ManagedFolderID"] = payload.pop("ImportFolderID")
    return payload


# --- fixtures ------------------------------------------------------------------


def test_every_fixture_is_covered() -> None:
    """The handshake files are protocol frames, not event invocations."""
    assert set(SHOKO_FIXTURES) == {
        "episode_updated.json",
        "file_deleted.json",
        "file_detected.json",
        "file_hashed.json",
        "file_matched.json",
        "file_matched_movie.json",
        "file_not_matched.json",
        "movie_updated.json",
        "on_connected.json",
        "series_updated.json",
        "series_updated_shoko.json",
    }
    assert "handshake_request.json" not in SHOKO_FIXTURES
    assert "handshake_response.json" not in SHOKO_FIXTURES


@pytest.mark.parametrize("name", SHOKO_FIXTURES)
def test_event_names_cover_every_fixture(load_fixture: LoadFixture, name: str) -> None:
    message = load_fixture(f"shoko/{name}")
    assert message["type"] == 1
    assert message["target"] in SHOKO_EVENT_NAMES


def test_event_names() -> None:
    """v5 names, the v6 renames and the v5 greeting are all registered."""
    assert {
        "ShokoEvent:OnConnected",
        "ShokoEvent:FileDetected",
        "ShokoEvent:FileHashed",
        "ShokoEvent:FileMatched",
        "ShokoEvent:FileNotMatched",
        "ShokoEvent:FileDeleted",
        "ShokoEvent:FileMoved",
        "ShokoEvent:FileRenamed",
        "ShokoEvent:SeriesUpdated",
        "ShokoEvent:EpisodeUpdated",
        "ShokoEvent:MovieUpdated",
        "file:detected",
        "file:hashed",
        "file:relocated",
        "file:deleted",
        "release:saved",
        "release:removed",
        "release:search.completed",
        "metadata:series.updated",
        "metadata:episode.added",
        "metadata:movie.removed",
    } <= SHOKO_EVENT_NAMES
    assert isinstance(SHOKO_EVENT_NAMES, frozenset)
    assert len(SHOKO_EVENT_NAMES) == 11 + 7 + 9


def test_file_detected(load_fixture: LoadFixture) -> None:
    result = _one(load_fixture("shoko/file_detected.json"))
    assert result == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.DETECTED,
        relative_path=S01E01,
        import_folder_id=2,
    )
    assert isinstance(result, ShokoFile)
    assert result.file_name == (
        "Example Anime - S01E01 - The Journey's End WEBDL-1080p.mkv"
    )


def test_file_hashed(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/file_hashed.json")) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.HASHED,
        relative_path=S01E01,
        import_folder_id=2,
        file_id=5001,
    )


def test_file_matched(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/file_matched.json")) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.MATCHED,
        relative_path=S01E01,
        import_folder_id=2,
        file_id=5001,
        cross_references=(S01E01_XREF,),
    )


def test_file_matched_movie(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/file_matched_movie.json")) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.MATCHED,
        relative_path=MOVIE,
        import_folder_id=3,
        file_id=5003,
        cross_references=(ShokoCrossReference(1101, 201001, 43, 14079),),
    )


def test_file_not_matched(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/file_not_matched.json")) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.NOT_MATCHED,
        relative_path=S01E02,
        import_folder_id=2,
        file_id=5002,
        auto_match_attempts=1,
        udp_banned=False,
    )


def test_file_not_matched_udp_banned(load_fixture: LoadFixture) -> None:
    message = load_fixture("shoko/file_not_matched.json")
    message["arguments"][0].update({"AutoMatchAttempts": 3, "IsUDPBanned": True})

    result = _one(message)

    assert isinstance(result, ShokoFile)
    assert result.auto_match_attempts == 3
    assert result.udp_banned is True


def test_file_not_matched_without_extras(load_fixture: LoadFixture) -> None:
    """The NotMatched extras are optional; a negative count is unknown."""
    message = load_fixture("shoko/file_not_matched.json")
    del message["arguments"][0]["IsUDPBanned"]
    message["arguments"][0]["AutoMatchAttempts"] = -1

    result = _one(message)

    assert isinstance(result, ShokoFile)
    assert result.auto_match_attempts is None
    assert result.udp_banned is False


def test_match_extras_only_on_not_matched() -> None:
    """AutoMatchAttempts/IsUDPBanned are not read from other events."""
    result = _parse_v6(
        "ShokoEvent:FileMatched",
        _file_payload(AutoMatchAttempts=2, IsUDPBanned=True),
    )
    assert isinstance(result, ShokoFile)
    assert result.auto_match_attempts is None
    assert result.udp_banned is False


def test_file_deleted(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/file_deleted.json")) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.DELETED,
        relative_path=S01E01,
        import_folder_id=2,
        file_id=5001,
        cross_references=(S01E01_XREF,),
    )


def test_file_moved_and_renamed() -> None:
    """FileMoved/FileRenamed (no fixture) report the new location."""
    moved = _parse_v6(
        "ShokoEvent:FileMoved",
        _file_payload(
            PreviousRelativePath="incoming/S01E01.mkv", PreviousImportFolderID=4
        ),
    )
    renamed = _parse_v6(
        "ShokoEvent:FileRenamed",
        _file_payload(FileName="S01E01.mkv", PreviousFileName="old.mkv"),
    )
    assert isinstance(moved, ShokoFile)
    assert isinstance(renamed, ShokoFile)
    assert moved.event is ShokoFileEvent.MOVED
    assert renamed.event is ShokoFileEvent.RENAMED
    assert moved.relative_path == renamed.relative_path == S01E01
    assert moved.import_folder_id == 2


def test_series_updated(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/series_updated.json")) == ShokoMetadata(
        instance_id=INSTANCE,
        kind="series",
        source="AniDB",
        reason="Added",
        source_id=17617,
        shoko_series_ids=(42,),
        shoko_episode_ids=(1001, 1002),
    )


def test_series_updated_shoko(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/series_updated_shoko.json")) == ShokoMetadata(
        instance_id=INSTANCE,
        kind="series",
        source="Shoko",
        reason="Added",
        source_id=42,
        shoko_series_ids=(42,),
        shoko_episode_ids=(1001, 1002),
    )


def test_episode_updated(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/episode_updated.json")) == ShokoMetadata(
        instance_id=INSTANCE,
        kind="episode",
        source="AniDB",
        reason="Updated",
        source_id=271001,
        shoko_series_ids=(42,),
        shoko_episode_ids=(1001,),
    )


def test_movie_updated(load_fixture: LoadFixture) -> None:
    assert _one(load_fixture("shoko/movie_updated.json")) == ShokoMetadata(
        instance_id=INSTANCE,
        kind="movie",
        source="TMDB",
        reason="Added",
        source_id=378064,
        shoko_series_ids=(43,),
        shoko_episode_ids=(1101,),
    )


def test_metadata_id_lists_are_optional_and_cleaned() -> None:
    """Null lists (NullValueHandling.Ignore), 0, negative and repeated ids."""
    result = _parse_v6(
        "ShokoEvent:SeriesUpdated",
        {
            "Source": "TMDB",
            "Reason": "Updated",
            "SeriesID": 0,
            "ShokoSeriesIDs": [42, 0, -3, 42, 43],
            "Episodes": [
                {"Reason": "Updated", "EpisodeID": 1, "ShokoEpisodeIDs": [1002]},
                {"Reason": "Updated", "EpisodeID": 2, "ShokoEpisodeIDs": [1001, 1002]},
                {"Reason": "Updated", "EpisodeID": 3},
            ],
        },
    )
    assert result == ShokoMetadata(
        instance_id=INSTANCE,
        kind="series",
        source="TMDB",
        reason="Updated",
        source_id=None,
        shoko_series_ids=(42, 43),
        shoko_episode_ids=(1002, 1001),
    )
    assert _parse_v6("ShokoEvent:EpisodeUpdated", {}) == ShokoMetadata(
        instance_id=INSTANCE, kind="episode", source=None, reason=None, source_id=None
    )


def test_on_connected(load_fixture: LoadFixture) -> None:
    result = _one(load_fixture("shoko/on_connected.json"))
    assert isinstance(result, Ignored)
    assert result.source == "shoko"
    assert result.event_type == "ShokoEvent:OnConnected"
    assert "greeting" in result.reason


@pytest.mark.parametrize("arguments", [None, [], [None], "x", [{"bad": 1}]])
def test_greetings_ignore_their_arguments(arguments: object) -> None:
    for target in ("ShokoEvent:OnConnected", "file:connected"):
        [result] = parse_shoko_event(target, arguments, INSTANCE)
        assert isinstance(result, Ignored)
        assert "greeting" in result.reason


@pytest.mark.parametrize(
    "target",
    ["AniDB:StateUpdate", "Queue:QueueChanged", "ShokoEvent:Unknown", "", "network:x"],
)
def test_other_events_are_ignored(target: str) -> None:
    """Other feeds' events are Ignored without looking at the arguments."""
    [result] = parse_shoko_event(target, None, INSTANCE)
    assert result == Ignored(
        source="shoko",
        event_type=target,
        reason="only file and metadata events are tracked",
    )


def test_ignored_event_name_is_truncated() -> None:
    [result] = parse_shoko_event("x" * 100_000, [{}], INSTANCE)
    assert isinstance(result, Ignored)
    assert len(result.event_type) == 200


# --- argument shapes -----------------------------------------------------------


def test_array_payload_gives_one_observation_per_file(
    load_fixture: LoadFixture,
) -> None:
    """arguments[0] may be an array of payload objects."""
    matched = load_fixture("shoko/file_matched.json")["arguments"][0]
    movie = load_fixture("shoko/file_matched_movie.json")["arguments"][0]

    results = parse_shoko_event("ShokoEvent:FileMatched", [[matched, movie]], INSTANCE)

    assert [r.file_id for r in results if isinstance(r, ShokoFile)] == [5001, 5003]
    assert all(
        isinstance(r, ShokoFile) and r.event is ShokoFileEvent.MATCHED for r in results
    )


def test_empty_array_payload_gives_nothing() -> None:
    assert parse_shoko_event("ShokoEvent:FileHashed", [[]], INSTANCE) == []


def test_extra_arguments_and_tuples_are_accepted() -> None:
    """Only arguments[0] is the payload; a tuple works like a list."""
    [result] = parse_shoko_event(
        "ShokoEvent:FileHashed", (_file_payload(), "extra", None), INSTANCE
    )
    assert isinstance(result, ShokoFile)
    assert result.file_id == 5001


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (None, "arguments must be an array, got null"),
        ({"RelativePath": "x.mkv"}, "arguments must be an array, got object"),
        ("[]", "arguments must be an array, got string"),
        ([], "arguments is empty (expected the event payload)"),
        ([None], "arguments[0] must be an object or an array of objects, got null"),
        (["x"], "arguments[0] must be an object or an array of objects, got string"),
        ([5001], "arguments[0] must be an object or an array of objects, got integer"),
        ([[_file_payload(), None]], "arguments[0][1] must be an object, got null"),
        ([[["nested"]]], "arguments[0][0] must be an object, got array"),
    ],
)
def test_malformed_arguments(arguments: object, message: str) -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        parse_shoko_event("ShokoEvent:FileHashed", arguments, INSTANCE)
    assert str(exc_info.value) == message


@pytest.mark.parametrize("target", [None, 1, ["ShokoEvent:FileHashed"], {}])
def test_target_must_be_a_string(target: Any) -> None:
    with pytest.raises(InvalidPayload, match="event name must be a string"):
        parse_shoko_event(target, [_file_payload()], INSTANCE)


# --- paths and ids -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Example Anime (2023)\\Season 01\\Example Anime - S01E01.mkv",
            "Example Anime (2023)/Season 01/Example Anime - S01E01.mkv",
        ),
        ("\\Example Anime (2023)\\S01E01.mkv", "Example Anime (2023)/S01E01.mkv"),
        ("/Example Anime (2023)/S01E01.mkv", "Example Anime (2023)/S01E01.mkv"),
        ("S01E01.mkv", "S01E01.mkv"),
        (" spaced name .mkv", " spaced name .mkv"),
    ],
)
def test_relative_path_is_normalised(raw: str, expected: str) -> None:
    result = _parse_v6("ShokoEvent:FileDetected", {"RelativePath": raw})
    assert isinstance(result, ShokoFile)
    assert result.relative_path == expected
    assert result.file_name == expected.rsplit("/", 1)[-1]


def test_ids_zero_or_negative_become_none() -> None:
    result = _parse_v6(
        "ShokoEvent:FileMatched",
        _file_payload(
            FileID=0,
            ImportFolderID=-1,
            CrossReferences=[
                {
                    "EpisodeID": None,
                    "AnidbEpisodeID": 271001,
                    "SeriesID": None,
                    "AnidbAnimeID": 17617,
                    "GroupID": None,
                },
                {"EpisodeID": 0, "AnidbEpisodeID": -5},
            ],
        ),
    )
    assert isinstance(result, ShokoFile)
    assert result.file_id is None
    assert result.import_folder_id is None
    assert result.cross_references == (
        ShokoCrossReference(None, 271001, None, 17617),
        ShokoCrossReference(None, None, None, None),
    )


def test_huge_values_are_accepted() -> None:
    """Long paths and int64-sized ids are data, not errors."""
    long_path = "/".join(["folder" * 1000] * 50) + "/file.mkv"
    result = _parse_v6(
        "ShokoEvent:FileHashed",
        _file_payload(RelativePath=long_path, FileID=2**63 - 1),
    )
    assert isinstance(result, ShokoFile)
    assert result.relative_path == long_path
    assert result.file_id == 2**63 - 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"RelativePath": None}, "arguments[0].RelativePath is missing"),
        ({"RelativePath": ""}, "arguments[0].RelativePath must not be empty"),
        ({"RelativePath": "  "}, "arguments[0].RelativePath must not be empty"),
        ({"RelativePath": "/"}, "arguments[0].RelativePath must name a file"),
        ({"RelativePath": "\\\\"}, "arguments[0].RelativePath must name a file"),
        ({"RelativePath": 12}, "arguments[0].RelativePath must be a string"),
        ({"FileID": "5001"}, "arguments[0].FileID must be an integer, got string"),
        ({"FileID": True}, "arguments[0].FileID must be an integer, got boolean"),
        ({"FileID": 1.5}, "arguments[0].FileID must be an integer, got number"),
        ({"ImportFolderID": "2"}, "arguments[0].ImportFolderID must be an integer"),
        ({"CrossReferences": {}}, "arguments[0].CrossReferences must be an array"),
        (
            {"CrossReferences": [None]},
            "arguments[0].CrossReferences[0] must be an object, got null",
        ),
        (
            {"CrossReferences": [{"EpisodeID": "1001"}]},
            "arguments[0].CrossReferences[0].EpisodeID must be an integer, got string",
        ),
    ],
)
def test_malformed_file_payloads(overrides: dict[str, Any], message: str) -> None:
    payload = _file_payload(**overrides)
    if overrides.get("RelativePath", "") is None:
        del payload["RelativePath"]
    with pytest.raises(InvalidPayload) as exc_info:
        _parse_v6("ShokoEvent:FileMatched", payload)
    assert str(exc_info.value).startswith(message)


@pytest.mark.parametrize(
    ("target", "payload", "message"),
    [
        (
            "ShokoEvent:FileNotMatched",
            _file_payload(IsUDPBanned="no"),
            "arguments[0].IsUDPBanned must be a boolean, got string",
        ),
        (
            "ShokoEvent:FileNotMatched",
            _file_payload(AutoMatchAttempts="1"),
            "arguments[0].AutoMatchAttempts must be an integer, got string",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"Source": 2, "SeriesID": 1},
            "arguments[0].Source must be a string, got integer",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"ShokoSeriesIDs": 42},
            "arguments[0].ShokoSeriesIDs must be an array, got integer",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"ShokoSeriesIDs": [42, True]},
            "arguments[0].ShokoSeriesIDs[1] must be an integer, got boolean",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"Episodes": {"EpisodeID": 1}},
            "arguments[0].Episodes must be an array, got object",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"Episodes": ["x"]},
            "arguments[0].Episodes[0] must be an object, got string",
        ),
        (
            "ShokoEvent:SeriesUpdated",
            {"Episodes": [{"ShokoEpisodeIDs": ["1001"]}]},
            (
                "arguments[0].Episodes[0].ShokoEpisodeIDs[0] must be an integer, "
                "got string"
            ),
        ),
        (
            "ShokoEvent:MovieUpdated",
            {"MovieID": "378064"},
            "arguments[0].MovieID must be an integer, got string",
        ),
    ],
)
def test_messages_name_the_field(
    target: str, payload: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        _parse_v6(target, payload)
    assert str(exc_info.value) == message


def test_error_in_array_payload_names_the_element() -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        parse_shoko_event(
            "ShokoEvent:FileHashed",
            [[_file_payload(), _file_payload(FileID="x")]],
            INSTANCE,
        )
    assert exc_info.value.field == "arguments[0][1].FileID"


# --- Shoko v6 (master) names ---------------------------------------------------
# Payloads built from the master models (no fixtures: v6 is unreleased and its
# models still change). Field names from ShokoAnime/ShokoServer
# Shoko.Server/API/SignalR/Models/VideoFileEventSignalRModel.cs (5f7d61f6),
# VideoFileDetectedEventSignalRModel.cs (78aa9421),
# VideoFileHashedEventSignalrRModel.cs / VideoFileRelocatedEventSignalRModel.cs /
# VideoReleaseDeletedSignalRModel.cs / VideoReleaseSearchCompletedSignalRModel.cs
# (5f7d61f6), VideoReleaseSavedSignalRModel.cs (9d5ff908),
# ReleaseInfoSignalRModel.cs (1526326c), Shoko.Abstractions/Video/Release/
# ReleaseVideoCrossReference.cs (5f7d61f6) and CrossReferenceIDs.cs (8e6a683c).


@pytest.mark.parametrize(
    ("target", "event"),
    [
        ("file:hashed", ShokoFileEvent.HASHED),
        ("file:deleted", ShokoFileEvent.DELETED),
    ],
)
def test_v6_file_events(target: str, event: ShokoFileEvent) -> None:
    payload = _v6_file_payload()
    if target == "file:hashed":
        payload.update(
            {
                "UsedExistingHashes": False,
                "IsNewVideo": True,
                "IsNewFile": True,
                "Hashes": [{"Type": "ED2K", "Value": "0" * 32, "Metadata": None}],
            }
        )
    assert _parse_v6(target, payload) == ShokoFile(
        instance_id=INSTANCE,
        event=event,
        relative_path=S01E01,
        import_folder_id=2,
        file_id=5001,
        cross_references=(S01E01_XREF,),
    )


def test_v6_file_detected() -> None:
    payload = {"RelativePath": "Example Anime (2023)\\S01E01.mkv", "ManagedFolderID": 2}
    assert _parse_v6("file:detected", payload) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.DETECTED,
        relative_path="Example Anime (2023)/S01E01.mkv",
        import_folder_id=2,
    )


@pytest.mark.parametrize(
    ("moved", "renamed", "event"),
    [
        (True, False, ShokoFileEvent.MOVED),
        (True, True, ShokoFileEvent.MOVED),
        (False, True, ShokoFileEvent.RENAMED),
        (False, False, ShokoFileEvent.MOVED),
        (None, None, ShokoFileEvent.MOVED),
    ],
)
def test_v6_file_relocated(
    moved: bool | None, renamed: bool | None, event: ShokoFileEvent
) -> None:
    payload = _v6_file_payload(
        Moved=moved,
        Renamed=renamed,
        PreviousRelativePath="incoming/S01E01.mkv",
        PreviousManagedFolderID=4,
    )
    result = _parse_v6("file:relocated", payload)
    assert isinstance(result, ShokoFile)
    assert result.event is event
    assert result.relative_path == S01E01
    assert result.import_folder_id == 2


def _release(*cross_references: dict[str, Any]) -> dict[str, Any]:
    """Return a ReleaseInfoSignalRModel with the given cross references."""
    return {
        "ID": "271999",
        "ProviderName": "AniDB",
        "ReleaseURI": "https://anidb.net/file/271999",
        "Version": 1,
        "FileSize": 1_456_789_012,
        "Comment": None,
        "OriginalFilename": "[Group] Example Anime - 01 [1080p].mkv",
        "IsCensored": None,
        "IsChaptered": True,
        "IsCreditless": None,
        "IsCorrupted": False,
        "Source": "Web",
        "Group": None,
        "Hashes": None,
        "MediaInfo": None,
        "CrossReferences": list(cross_references),
        "Metadata": None,
        "Released": "2023-04-02",
        "Updated": "2026-01-10T12:44:00Z",
        "Created": "2026-01-10T12:44:00Z",
        "IsPublic": True,
        "PreventRescan": False,
    }


def test_v6_release_saved() -> None:
    """A saved release means the file is matched (AniDB ids only)."""
    payload = {
        "FileID": 5001,
        "Release": _release(
            {
                "AnidbEpisodeID": 271001,
                "AnidbAnimeID": 17617,
                "PercentageStart": None,
                "PercentageEnd": None,
            }
        ),
    }
    assert _parse_v6("release:saved", payload) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.MATCHED,
        relative_path="",
        file_id=5001,
        cross_references=(ShokoCrossReference(None, 271001, None, 17617),),
    )


def test_v6_release_saved_provider_ids() -> None:
    """Newer builds put the AniDB ids into a ProviderIDs string map."""
    payload = {
        "FileID": 5001,
        "Release": _release(
            {
                "ProviderIDs": {"AniDB_Episode": "271001", "AniDB_Anime": "17617"},
                "PercentageStart": 0,
                "PercentageEnd": 100,
            },
            {"ProviderIDs": {"AniDB_Episode": "271002"}},
            {"ProviderIDs": {"Other": "x"}},
        ),
    }
    result = _parse_v6("release:saved", payload)
    assert isinstance(result, ShokoFile)
    assert result.cross_references == (
        ShokoCrossReference(None, 271001, None, 17617),
        ShokoCrossReference(None, 271002, None, None),
        ShokoCrossReference(None, None, None, None),
    )


def test_v6_release_saved_without_release() -> None:
    result = _parse_v6("release:saved", {"FileID": 5001, "Release": None})
    assert isinstance(result, ShokoFile)
    assert result.event is ShokoFileEvent.MATCHED
    assert result.cross_references == ()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"Release": None}, "arguments[0].FileID must be a positive integer"),
        ({"FileID": 0}, "arguments[0].FileID must be a positive integer"),
        ({"FileID": 1, "Release": []}, "arguments[0].Release must be an object"),
        (
            {"FileID": 1, "Release": {"CrossReferences": [1]}},
            "arguments[0].Release.CrossReferences[0] must be an object, got integer",
        ),
        (
            {
                "FileID": 1,
                "Release": {"CrossReferences": [{"ProviderIDs": ["271001"]}]},
            },
            "arguments[0].Release.CrossReferences[0].ProviderIDs must be an object",
        ),
        (
            {
                "FileID": 1,
                "Release": {
                    "CrossReferences": [{"ProviderIDs": {"AniDB_Episode": "e1"}}]
                },
            },
            (
                "arguments[0].Release.CrossReferences[0].ProviderIDs.AniDB_Episode must "
                "be a string of at most 18 digits"
            ),
        ),
    ],
)
def test_v6_release_saved_malformed(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPayload) as exc_info:
        _parse_v6("release:saved", payload)
    assert str(exc_info.value).startswith(message)


def test_v6_release_removed() -> None:
    """The file lost its release: not matched any more."""
    payload = {
        "FileID": 5001,
        "Release": _release({"AnidbEpisodeID": 271001, "AnidbAnimeID": 17617}),
    }
    assert _parse_v6("release:removed", payload) == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.NOT_MATCHED,
        relative_path="",
        file_id=5001,
    )


def test_v6_release_removed_with_its_file() -> None:
    """FileID is null when the video itself was deleted (file:deleted reports it)."""
    result = _parse_v6("release:removed", {"FileID": None, "Release": _release()})
    assert isinstance(result, Ignored)
    assert result.event_type == "release:removed"


def test_v6_release_search_completed() -> None:
    base = {
        "FileID": 5002,
        "IsSaved": True,
        "IsAutomatic": True,
        "AttemptedProviders": ["2d8d3f4e-4c57-4e5f-9d0e-6a1b2c3d4e5f"],
        "SelectedProvider": None,
        "ExceptionMessage": None,
        "StartedAt": "2026-01-10T12:44:00Z",
        "CompletedAt": "2026-01-10T12:44:02Z",
    }
    not_found = _parse_v6("release:search.completed", {**base, "ReleaseInfo": None})
    found = _parse_v6(
        "release:search.completed",
        {**base, "ReleaseInfo": _release({"AnidbEpisodeID": 271002})},
    )

    assert not_found == ShokoFile(
        instance_id=INSTANCE,
        event=ShokoFileEvent.NOT_MATCHED,
        relative_path="",
        file_id=5002,
    )
    assert isinstance(found, Ignored)
    assert "release:saved" in found.reason
    with pytest.raises(InvalidPayload, match="FileID"):
        _parse_v6("release:search.completed", {"ReleaseInfo": None})
    with pytest.raises(InvalidPayload, match="ReleaseInfo must be an object"):
        _parse_v6("release:search.completed", {"FileID": 1, "ReleaseInfo": "x"})


@pytest.mark.parametrize(
    ("target", "kind", "id_key"),
    [
        ("metadata:series.added", "series", "SeriesID"),
        ("metadata:series.updated", "series", "SeriesID"),
        ("metadata:episode.removed", "episode", "EpisodeID"),
        ("metadata:movie.updated", "movie", "MovieID"),
    ],
)
def test_v6_metadata_events(target: str, kind: str, id_key: str) -> None:
    payload = {
        "Source": "AniDB",
        "Reason": "Updated",
        id_key: 17617,
        "ShokoSeriesIDs": [42],
        "ShokoEpisodeIDs": [1001],
    }
    assert _parse_v6(target, payload) == ShokoMetadata(
        instance_id=INSTANCE,
        kind=kind,
        source="AniDB",
        reason="Updated",
        source_id=17617,
        shoko_series_ids=(42,),
        shoko_episode_ids=(1001,),
    )


# --- hostile input -------------------------------------------------------------

HOSTILE_ARGUMENTS: tuple[object, ...] = (
    None,
    True,
    0,
    1.5,
    "",
    "x" * 100_000,
    {},
    [],
    [None],
    [True],
    [""],
    [[None]],
    [[[]]],
    [{}],
    [{"RelativePath": None}],
    [{"RelativePath": ["a"]}],
    [{"RelativePath": {"a": 1}}],
    [{"RelativePath": "x" * 100_000, "CrossReferences": "x" * 100_000}],
    [{"RelativePath": "a.mkv", "CrossReferences": [[{}]]}],
    [{"FileID": "9" * 5_000, "ReleaseInfo": [], "Release": "x"}],
    [{"ShokoSeriesIDs": [None], "Episodes": [{"ShokoEpisodeIDs": {}}]}],
    [{"Source": [], "Reason": {}, "SeriesID": float("nan")}],
    [{"Release": {"CrossReferences": {"ProviderIDs": 1}}, "FileID": 1}],
)


@pytest.mark.parametrize("arguments", HOSTILE_ARGUMENTS)
def test_hostile_arguments(arguments: object) -> None:
    """Every event name gives observations or InvalidPayload, nothing else."""
    for target in sorted(SHOKO_EVENT_NAMES):
        message = "no error"
        try:
            results = parse_shoko_event(target, copy.deepcopy(arguments), INSTANCE)
        except InvalidPayload as err:
            message = str(err)
        else:
            assert isinstance(results, list)
        assert message


def _parse_message_leniently(message: Any) -> object:
    """Parse a (possibly mutated) invocation message without KeyErrors."""
    return parse_shoko_event(message.get("target"), message.get("arguments"), INSTANCE)


@pytest.mark.parametrize("name", SHOKO_FIXTURES)
def test_every_field_mutation_gives_observation_or_invalid_payload(
    load_fixture: LoadFixture, name: str
) -> None:
    """Swap every field of every fixture (target included) for hostile values."""
    message = load_fixture(f"shoko/{name}")
    assert assert_robust_to_field_mutations(_parse_message_leniently, message) > 0


@pytest.mark.parametrize(
    "payload",
    [
        _v6_file_payload(Moved=True, Renamed=False, PreviousRelativePath="a.mkv"),
        {"FileID": 5001, "Release": _release({"AnidbEpisodeID": 271001})},
        {
            "FileID": 5001,
            "Release": _release({"ProviderIDs": {"AniDB_Episode": "271001"}}),
        },
        {"FileID": 5002, "IsSaved": True, "ReleaseInfo": None},
    ],
)
def test_v6_field_mutations(payload: dict[str, Any]) -> None:
    """The v6 payloads survive the same mutations under every v6 name."""
    for target in sorted(SHOKO_EVENT_NAMES):
        if target.startswith("ShokoEvent:"):
            continue
        message = {"target": target, "arguments": [copy.deepcopy(payload)]}
        assert assert_robust_to_field_mutations(_parse_message_leniently, message) > 0
