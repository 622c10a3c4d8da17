"""Tests for the Sonarr webhook parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrImportBlocked,
    ArrMediaAdded,
    ArrMediaDeleted,
    ArrService,
    EpisodeRef,
    Ignored,
    MediaRef,
    MediaType,
    Observation,
)
from custom_components.status_tracker.parsers import InvalidPayload, parse_sonarr

from . import DELETE, assert_robust_to_field_mutations, mutated, webhook_fixture_names

LoadFixture = Callable[[str], Any]

INSTANCE = "sonarr-hd"
SHOW_HASH = "b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"
ANIME_HASH = "c4d2e8f0a6b1973e5d7f9a1c3e5b7d9f0a2c4e61"
SEASON_DIR = "/data/media/tv/Example Show (2008)/Season 01"

EXAMPLE_SHOW = MediaRef(
    media_type=MediaType.TV,
    title="Example Show",
    year=2008,
    tmdb_id=1396,
    tvdb_id=81189,
    imdb_id="tt0903747",
    poster_url="https://artworks.thetvdb.com/banners/posters/81189-10.jpg",
    arr_id=7,
    series_type="standard",
    tags=(),
    path="/data/media/tv/Example Show (2008)",
    original_language="English",
)
S01E01 = EpisodeRef(
    season=1,
    episode=1,
    title="Pilot",
    air_date="2008-01-21T03:00:00Z",
    arr_episode_id=701,
    tvdb_id=349232,
)
S01E02 = EpisodeRef(1, 2, "The Second Cook", "2008-01-28T03:00:00Z", 702, 349235)
S01E03 = EpisodeRef(1, 3, "The Third Cook", "2008-02-11T03:00:00Z", 703, 349236)

TRACKED_FIXTURES = {
    "grab.json": ArrGrab,
    "grab_anime.json": ArrGrab,
    "download.json": ArrImport,
    "download_upgrade.json": ArrImport,
    "import_complete.json": ArrImport,
    "series_add.json": ArrMediaAdded,
    "series_delete.json": ArrMediaDeleted,
    "episode_file_delete.json": ArrFileDeleted,
    "manual_interaction_required.json": ArrImportBlocked,
}
IGNORED_FIXTURES = {"test.json": "Test", "health.json": "Health"}


ARR_KINDS = (
    ArrGrab,
    ArrImport,
    ArrMediaAdded,
    ArrMediaDeleted,
    ArrFileDeleted,
    ArrImportBlocked,
)


def _parse(body: Any) -> Observation:
    return parse_sonarr(body, INSTANCE)


def test_every_fixture_is_covered() -> None:
    assert set(webhook_fixture_names("sonarr", "eventType")) == set(
        TRACKED_FIXTURES
    ) | set(IGNORED_FIXTURES)


@pytest.mark.parametrize(("file_name", "kind"), TRACKED_FIXTURES.items())
def test_tracked_fixtures_carry_service_and_instance(
    load_fixture: LoadFixture, file_name: str, kind: type
) -> None:
    result = _parse(load_fixture(f"sonarr/{file_name}"))

    assert type(result) is kind
    assert isinstance(result, ARR_KINDS)
    assert result.service is ArrService.SONARR
    assert result.instance_id == INSTANCE
    assert result.media.media_type is MediaType.TV


def test_grab_season_pack(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/grab.json"))

    assert result == ArrGrab(
        service=ArrService.SONARR,
        instance_id=INSTANCE,
        media=EXAMPLE_SHOW,
        episodes=(S01E01, S01E02, S01E03),
        download_id=SHOW_HASH,  # upper-case in the payload
        release_title="Example.Show.S01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE",
        size=10737418240,
        download_client="qBittorrent",
    )
    assert [episode.key for episode in result.episodes] == [
        "S01E01",
        "S01E02",
        "S01E03",
    ]


def test_grab_anime(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/grab_anime.json"))

    assert isinstance(result, ArrGrab)
    assert result.download_id == ANIME_HASH
    assert result.media.arr_id == 23
    assert result.media.series_type == "anime"
    assert result.media.tags == ("anime",)
    assert result.media.original_language == "Japanese"
    assert result.media.tvdb_id == 424536
    assert result.media.path == "/data/media/anime/shows/Example Anime (2023)"
    assert [(e.arr_episode_id, e.key, e.tvdb_id) for e in result.episodes] == [
        (2301, "S01E01", 9350001),
        (2302, "S01E02", 9350002),
    ]


@pytest.mark.parametrize(
    ("file_name", "is_upgrade"),
    [("download.json", False), ("download_upgrade.json", True)],
)
def test_download_per_file(
    load_fixture: LoadFixture, file_name: str, is_upgrade: bool
) -> None:
    result = _parse(load_fixture(f"sonarr/{file_name}"))

    assert isinstance(result, ArrImport)
    assert result.media == EXAMPLE_SHOW
    assert result.episodes == (S01E01,)
    assert result.download_id == SHOW_HASH
    assert result.is_upgrade is is_upgrade
    assert result.import_complete is False
    assert result.release_type == "seasonPack"
    assert len(result.files) == 1
    file = result.files[0]
    assert file.path == f"{SEASON_DIR}/Example Show - S01E01 - Pilot WEBDL-1080p.mkv"
    assert file.file_id == 7001
    assert file.size == 3579139413
    assert file.episodes == (S01E01,)


def test_download_import_complete(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/import_complete.json"))

    assert isinstance(result, ArrImport)
    assert result.import_complete is True
    assert result.is_upgrade is False
    assert result.release_type == "seasonPack"
    assert result.download_id == SHOW_HASH
    assert result.episodes == (S01E01, S01E02, S01E03)
    assert [(f.file_id, f.size, f.episodes) for f in result.files] == [
        (7001, 3579140426, ()),
        (7002, 3579141439, ()),
        (7003, 3579142452, ()),
    ]
    assert result.files[1].path == (
        f"{SEASON_DIR}/Example Show - S01E02 - The Second Cook WEBDL-1080p.mkv"
    )


def test_download_without_files_is_invalid(load_fixture: LoadFixture) -> None:
    body = mutated(load_fixture("sonarr/download.json"), ("episodeFile",), DELETE)

    with pytest.raises(
        InvalidPayload, match=r"^episodeFile is missing .*episodeFiles"
    ) as err:
        _parse(body)
    assert err.value.field == "episodeFile"


def test_series_add(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/series_add.json"))
    assert result == ArrMediaAdded(ArrService.SONARR, INSTANCE, EXAMPLE_SHOW)


@pytest.mark.parametrize(
    ("deleted_files", "expected"), [(True, True), (False, False), (DELETE, False)]
)
def test_series_delete(
    load_fixture: LoadFixture, deleted_files: object, expected: bool
) -> None:
    body = mutated(
        load_fixture("sonarr/series_delete.json"), ("deletedFiles",), deleted_files
    )
    result = _parse(body)
    assert result == ArrMediaDeleted(
        ArrService.SONARR, INSTANCE, EXAMPLE_SHOW, expected
    )


def test_episode_file_delete(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/episode_file_delete.json"))

    assert result == ArrFileDeleted(
        service=ArrService.SONARR,
        instance_id=INSTANCE,
        media=EXAMPLE_SHOW,
        episodes=(S01E01,),
        path=f"{SEASON_DIR}/Example Show - S01E01 - Pilot WEBDL-1080p.mkv",
        file_id=7001,
        reason="manual",
    )


def test_episode_file_delete_without_file(load_fixture: LoadFixture) -> None:
    body = load_fixture("sonarr/episode_file_delete.json")
    del body["episodeFile"]
    del body["deleteReason"]

    result = _parse(body)

    assert isinstance(result, ArrFileDeleted)
    assert (result.path, result.file_id, result.reason) == (None, None, None)


def test_manual_interaction_required(load_fixture: LoadFixture) -> None:
    result = _parse(load_fixture("sonarr/manual_interaction_required.json"))

    assert isinstance(result, ArrImportBlocked)
    assert result.download_id == ANIME_HASH
    assert result.media.arr_id == 23
    assert [e.key for e in result.episodes] == ["S01E01", "S01E02"]
    assert result.reason == (
        "[ExampleSubs] Example Anime - 01 (1080p WEB HEVC).mkv: "
        "Unable to determine if file is a sample"
    )


@pytest.mark.parametrize(
    ("messages", "reason"),
    [
        (DELETE, "Manual interaction required"),
        ([], "Manual interaction required"),
        ([{"title": "", "messages": []}], "Manual interaction required"),
        ([{"title": "file.mkv"}], "file.mkv"),
        ([{"messages": ["No files found", "", "Sample"]}], "No files found; Sample"),
        (
            [
                {"title": "a.mkv", "messages": ["One"]},
                {"title": "b.mkv", "messages": ["Two", "Three"]},
            ],
            "a.mkv: One | b.mkv: Two; Three",
        ),
    ],
)
def test_block_reason(load_fixture: LoadFixture, messages: object, reason: str) -> None:
    body = mutated(
        load_fixture("sonarr/manual_interaction_required.json"),
        ("downloadStatusMessages",),
        messages,
    )
    result = _parse(body)
    assert isinstance(result, ArrImportBlocked)
    assert result.reason == reason


@pytest.mark.parametrize(("file_name", "event_type"), IGNORED_FIXTURES.items())
def test_ignored_fixtures(
    load_fixture: LoadFixture, file_name: str, event_type: str
) -> None:
    result = _parse(load_fixture(f"sonarr/{file_name}"))

    assert isinstance(result, Ignored)
    assert (result.source, result.event_type) == ("sonarr", event_type)
    assert result.reason


@pytest.mark.parametrize(
    ("event_type", "reason_part"),
    [
        ("Test", "test"),
        ("Rename", "renamed"),
        ("Health", "health"),
        ("HealthRestored", "health"),
        ("ApplicationUpdate", "update"),
        ("MovieAdded", "unknown sonarr event type"),
        ("download", "unknown"),
    ],
)
def test_untracked_event_types_are_ignored(event_type: str, reason_part: str) -> None:
    # Nothing else is read for them, so a bare envelope is enough.
    result = _parse({"eventType": event_type, "series": "garbage"})

    assert isinstance(result, Ignored)
    assert result.event_type == event_type
    assert reason_part in result.reason


def test_unknown_values_become_none(load_fixture: LoadFixture) -> None:
    body = load_fixture("sonarr/grab.json")
    series = body["series"]
    series.update(year=0, tvdbId=0, tmdbId=0, imdbId="", path="", type="")
    del series["originalLanguage"]
    body["episodes"][0].update(tvdbId=0, id=0, title="")
    body["release"]["size"] = 0
    body["downloadId"] = ""

    result = _parse(body)

    assert isinstance(result, ArrGrab)
    media = result.media
    assert (media.year, media.tvdb_id, media.tmdb_id, media.imdb_id) == (
        None,
        None,
        None,
        None,
    )
    assert (media.path, media.series_type, media.original_language) == (
        None,
        None,
        None,
    )
    episode = result.episodes[0]
    assert (episode.tvdb_id, episode.arr_episode_id, episode.title) == (
        None,
        None,
        None,
    )
    assert result.size is None
    assert result.download_id is None


def test_minimal_grab(load_fixture: LoadFixture) -> None:
    # Older v4 builds omit images, tags, episodes' air dates, release and download id.
    body = {
        "eventType": "Grab",
        "series": {"id": 7, "title": "Example Show"},
        "episodes": [{"seasonNumber": 1, "episodeNumber": 2}],
    }

    result = _parse(body)

    assert result == ArrGrab(
        service=ArrService.SONARR,
        instance_id=INSTANCE,
        media=MediaRef(MediaType.TV, "Example Show", arr_id=7),
        episodes=(EpisodeRef(1, 2),),
        download_id=None,
    )


def test_usenet_download_id_kept(load_fixture: LoadFixture) -> None:
    body = mutated(
        load_fixture("sonarr/grab.json"), ("downloadId",), "SABnzbd_nzo_Ab12Cd"
    )
    result = _parse(body)
    assert isinstance(result, ArrGrab)
    assert result.download_id == "SABnzbd_nzo_Ab12Cd"


def test_air_date_falls_back_to_local_date(load_fixture: LoadFixture) -> None:
    body = mutated(
        load_fixture("sonarr/grab.json"), ("episodes", 0, "airDateUtc"), DELETE
    )
    result = _parse(body)
    assert isinstance(result, ArrGrab)
    assert result.episodes[0].air_date == "2008-01-20"


@pytest.mark.parametrize(
    ("images", "poster"),
    [
        (
            [{"coverType": "poster", "url": "/MediaCover/7/poster.jpg"}],
            "/MediaCover/7/poster.jpg",
        ),
        ([{"coverType": "poster", "url": "/local.jpg", "remoteUrl": ""}], "/local.jpg"),
        ([{"coverType": "poster"}], None),
        ([{"coverType": "banner", "remoteUrl": "https://b"}], None),
        ([{"url": "/x.jpg"}], None),
        ([], None),
        (DELETE, None),
    ],
)
def test_poster_url(
    load_fixture: LoadFixture, images: object, poster: str | None
) -> None:
    body = mutated(load_fixture("sonarr/series_add.json"), ("series", "images"), images)
    result = _parse(body)
    assert isinstance(result, ArrMediaAdded)
    assert result.media.poster_url == poster


@pytest.mark.parametrize(
    ("file_name", "path", "value", "field"),
    [
        ("grab.json", ("eventType",), DELETE, "eventType"),
        ("grab.json", ("eventType",), None, "eventType"),
        ("grab.json", ("eventType",), 1, "eventType"),
        ("grab.json", ("eventType",), "", "eventType"),
        ("grab.json", ("series",), DELETE, "series"),
        ("grab.json", ("series",), [], "series"),
        ("grab.json", ("series", "id"), DELETE, "series.id"),
        ("grab.json", ("series", "id"), "7", "series.id"),
        ("grab.json", ("series", "id"), 0, "series.id"),
        ("grab.json", ("series", "id"), -7, "series.id"),
        ("grab.json", ("series", "id"), 7.0, "series.id"),
        ("grab.json", ("series", "id"), True, "series.id"),
        ("grab.json", ("series", "title"), DELETE, "series.title"),
        ("grab.json", ("series", "title"), 5, "series.title"),
        ("grab.json", ("series", "tvdbId"), "81189", "series.tvdbId"),
        ("grab.json", ("series", "tvdbId"), -1, "series.tvdbId"),
        ("grab.json", ("series", "year"), "2008", "series.year"),
        ("grab.json", ("series", "imdbId"), 903747, "series.imdbId"),
        ("grab.json", ("series", "type"), ["anime"], "series.type"),
        ("grab.json", ("series", "tags"), "anime", "series.tags"),
        ("grab.json", ("series", "tags"), [3], "series.tags[0]"),
        ("grab.json", ("series", "images"), {}, "series.images"),
        ("grab.json", ("series", "images", 1), "poster", "series.images[1]"),
        (
            "grab.json",
            ("series", "images", 1, "coverType"),
            2,
            "series.images[1].coverType",
        ),
        (
            "grab.json",
            ("series", "images", 1, "remoteUrl"),
            2,
            "series.images[1].remoteUrl",
        ),
        (
            "grab.json",
            ("series", "originalLanguage"),
            "English",
            "series.originalLanguage",
        ),
        (
            "grab.json",
            ("series", "originalLanguage", "name"),
            1,
            "series.originalLanguage.name",
        ),
        ("grab.json", ("episodes",), {}, "episodes"),
        ("grab.json", ("episodes", 2), 703, "episodes[2]"),
        (
            "grab.json",
            ("episodes", 2, "seasonNumber"),
            DELETE,
            "episodes[2].seasonNumber",
        ),
        ("grab.json", ("episodes", 2, "seasonNumber"), "1", "episodes[2].seasonNumber"),
        (
            "grab.json",
            ("episodes", 2, "episodeNumber"),
            None,
            "episodes[2].episodeNumber",
        ),
        (
            "grab.json",
            ("episodes", 2, "episodeNumber"),
            False,
            "episodes[2].episodeNumber",
        ),
        (
            "grab.json",
            ("episodes", 2, "airDateUtc"),
            20080211,
            "episodes[2].airDateUtc",
        ),
        ("grab.json", ("episodes", 2, "id"), "703", "episodes[2].id"),
        ("grab.json", ("downloadId",), 42, "downloadId"),
        ("grab.json", ("downloadClient",), {}, "downloadClient"),
        ("grab.json", ("release",), "title", "release"),
        ("grab.json", ("release", "releaseTitle"), 1, "release.releaseTitle"),
        ("grab.json", ("release", "size"), "10 GB", "release.size"),
        ("download.json", ("episodeFile",), "file.mkv", "episodeFile"),
        ("download.json", ("episodeFile", "path"), DELETE, "episodeFile.path"),
        ("download.json", ("episodeFile", "path"), "", "episodeFile.path"),
        ("download.json", ("episodeFile", "path"), 1, "episodeFile.path"),
        ("download.json", ("episodeFile", "id"), "7001", "episodeFile.id"),
        ("download.json", ("episodeFile", "size"), -1, "episodeFile.size"),
        ("download.json", ("isUpgrade",), "false", "isUpgrade"),
        ("download.json", ("isUpgrade",), 1, "isUpgrade"),
        ("import_complete.json", ("episodeFiles",), {"0": {}}, "episodeFiles"),
        ("import_complete.json", ("episodeFiles", 1), None, "episodeFiles[1]"),
        (
            "import_complete.json",
            ("episodeFiles", 1, "path"),
            DELETE,
            "episodeFiles[1].path",
        ),
        ("series_delete.json", ("deletedFiles",), "true", "deletedFiles"),
        ("series_delete.json", ("deletedFiles",), 0, "deletedFiles"),
        ("episode_file_delete.json", ("episodeFile",), [], "episodeFile"),
        ("episode_file_delete.json", ("episodeFile", "path"), 5, "episodeFile.path"),
        ("episode_file_delete.json", ("deleteReason",), 1, "deleteReason"),
        (
            "manual_interaction_required.json",
            ("downloadStatusMessages",),
            "x",
            "downloadStatusMessages",
        ),
        (
            "manual_interaction_required.json",
            ("downloadStatusMessages", 0, "title"),
            1,
            "downloadStatusMessages[0].title",
        ),
        (
            "manual_interaction_required.json",
            ("downloadStatusMessages", 0, "messages"),
            "x",
            "downloadStatusMessages[0].messages",
        ),
        (
            "manual_interaction_required.json",
            ("downloadStatusMessages", 0, "messages", 0),
            None,
            "downloadStatusMessages[0].messages[0]",
        ),
    ],
)
def test_malformed_payloads(
    load_fixture: LoadFixture,
    file_name: str,
    path: tuple[str | int, ...],
    value: object,
    field: str,
) -> None:
    body = mutated(load_fixture(f"sonarr/{file_name}"), path, value)

    with pytest.raises(InvalidPayload) as err:
        _parse(body)

    assert err.value.field == field
    assert str(err.value).startswith(f"{field} ")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("series", "id"), "7", "series.id must be an integer, got string"),
        (("series", "id"), 0, "series.id must be a positive integer, got 0"),
        (
            ("series", "id"),
            DELETE,
            "series.id is missing (expected a positive integer)",
        ),
        (("series", "tvdbId"), -1, "series.tvdbId must not be negative"),
        (
            ("episodes", 0, "seasonNumber"),
            None,
            "episodes[0].seasonNumber is missing (expected an integer)",
        ),
        (("series", "images", 0), [], "series.images[0] must be an object, got array"),
        (("release", "size"), 1.5, "release.size must be an integer, got number"),
    ],
)
def test_messages_name_the_field(
    load_fixture: LoadFixture, path: tuple[str | int, ...], value: object, message: str
) -> None:
    body = mutated(load_fixture("sonarr/grab.json"), path, value)
    with pytest.raises(InvalidPayload) as err:
        _parse(body)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "body",
    [None, 7, -1.5, False, "Grab", "x" * 1_000_000, [], [{"eventType": "Grab"}], ()],
)
def test_non_object_bodies(body: object) -> None:
    with pytest.raises(InvalidPayload, match=r"^payload must be a JSON object"):
        _parse(body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"eventType": ["Grab"]},
        {"eventType": "Grab"},
        {"eventType": "Grab", "series": None},
        {"eventType": "Grab", "series": {"id": 10**400, "title": 1}},
        {
            "eventType": "Download",
            "series": {"id": 1, "title": "t"},
            "episodeFile": {"path": None},
        },
        {"eventType": "Grab", "series": {"id": 1, "title": "t"}, "episodes": [[]]},
    ],
)
def test_hostile_objects_raise_invalid_payload(body: object) -> None:
    with pytest.raises(InvalidPayload):
        _parse(body)


def test_huge_values_are_accepted(load_fixture: LoadFixture) -> None:
    body = load_fixture("sonarr/grab.json")
    body["series"]["title"] = "t" * 1_000_000
    body["series"]["id"] = 2**63 - 1
    body["downloadId"] = "A" * 64

    result = _parse(body)

    assert isinstance(result, ArrGrab)
    assert len(result.media.title) == 1_000_000
    assert result.media.arr_id == 2**63 - 1
    assert result.download_id == "a" * 64  # a v2 (SHA-256) info-hash


def test_numbers_beyond_64_bits_are_refused(load_fixture: LoadFixture) -> None:
    """The store writes 64-bit integers only (see parsers/fields.py)."""
    body = load_fixture("sonarr/grab.json")
    body["series"]["id"] = 10**30

    with pytest.raises(InvalidPayload, match=r"series\.id is out of range"):
        _parse(body)


@pytest.mark.parametrize("file_name", webhook_fixture_names("sonarr", "eventType"))
def test_every_field_mutation_gives_observation_or_invalid_payload(
    load_fixture: LoadFixture, file_name: str
) -> None:
    body = load_fixture(f"sonarr/{file_name}")
    assert assert_robust_to_field_mutations(_parse, body) > 0
