"""Tests for the Jellyfin REST DTO converter (recent-items fallback)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
import logging
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    JellyfinEvent,
    JellyfinItem,
)
from custom_components.status_tracker.parsers import parse_jellyfin
from custom_components.status_tracker.parsers.jellyfin_api import (
    created_at,
    is_playable,
    item_from_dto,
    library_item_from_dto,
    parse_datetime,
)

from . import DELETE, mutated

LoadFixture = Callable[[str], Any]

RECENT = "jellyfin/api_items_recent.json"
MOVIE_ID = "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"
SHOW_ID = "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
EPISODE_IDS = {
    1: "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8",
    2: "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e2",
    3: "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e3",
}
ANIME_EPISODE_ID = "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2"
ANIME_SERIES_ID = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1"
VIRTUAL_ID = "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e4"
UNRELATED_ID = "8e9f0a1b2c3d44e5f6a7b8c9d0e1f2a3"


def _dtos(load_fixture: LoadFixture) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = load_fixture(RECENT)["Items"]
    return items


def _dto(load_fixture: LoadFixture, item_id: str) -> dict[str, Any]:
    return next(dto for dto in _dtos(load_fixture) if dto["Id"] == item_id)


def _episode(number: int, title: str, tvdb: str) -> JellyfinItem:
    return JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED,
        item_id=EPISODE_IDS[number],
        item_type="Episode",
        name=title,
        year=2008,
        provider_ids={"tvdb": tvdb, "imdb": f"tt095962{number}"},
        series_id=SHOW_ID,
        series_name="Example Show",
        season=1,
        episode=number,
    )


# Shokofin's ProviderIds keys ("Shoko Series", "AniDB") lower-cased, as the webhook
# plugin writes them ("Provider_shoko series").
ANIME_EPISODE = JellyfinItem(
    event=JellyfinEvent.ITEM_ADDED,
    item_id=ANIME_EPISODE_ID,
    item_type="Episode",
    name="The Journey's End",
    year=2023,
    provider_ids={
        "shoko series": "42",
        "shoko episode": "1001",
        "shoko file": "5001",
        "anidb": "271001",
    },
    series_id=ANIME_SERIES_ID,
    series_name="Example Anime",
    season=1,
    episode=1,
)


def test_every_fixture_item_converted(load_fixture: LoadFixture) -> None:
    """Each DTO of the /Items answer becomes the expected observation, in order."""
    converted = [item_from_dto(dto) for dto in _dtos(load_fixture)]

    assert converted == [
        JellyfinItem(
            event=JellyfinEvent.ITEM_ADDED,
            item_id=MOVIE_ID,
            item_type="Movie",
            name="Example Movie",
            year=1999,
            provider_ids={
                "tmdb": "603",
                "imdb": "tt0133093",
                "tmdbcollection": "2344",
            },
        ),
        _episode(3, "The Third Cook", "349236"),
        _episode(2, "The Second Cook", "349235"),
        _episode(1, "Pilot", "349232"),
        ANIME_EPISODE,
        JellyfinItem(
            event=JellyfinEvent.ITEM_ADDED,
            item_id=VIRTUAL_ID,
            item_type="Episode",
            name="Episode 4",
            year=2008,
            provider_ids={"tvdb": "349237"},
            series_id=SHOW_ID,
            series_name="Example Show",
            season=1,
            episode=4,
        ),
        JellyfinItem(
            event=JellyfinEvent.ITEM_ADDED,
            item_id=UNRELATED_ID,
            item_type="Movie",
            name="Unrelated Movie",
            year=2010,
            provider_ids={"tmdb": "100001", "imdb": "tt0100001"},
        ),
    ]


def test_playable_vs_virtual(load_fixture: LoadFixture) -> None:
    """Every fixture item is playable except the missing (virtual) episode."""
    playable = {dto["Id"]: is_playable(dto) for dto in _dtos(load_fixture)}

    assert playable == {
        MOVIE_ID: True,
        EPISODE_IDS[3]: True,
        EPISODE_IDS[2]: True,
        EPISODE_IDS[1]: True,
        ANIME_EPISODE_ID: True,
        VIRTUAL_ID: False,
        UNRELATED_ID: True,
    }


def test_playable_items_keep_only_real_files(load_fixture: LoadFixture) -> None:
    """The pipeline the fallback uses: convert, keep playable items only."""
    items = [
        item
        for dto in _dtos(load_fixture)
        if is_playable(dto) and (item := item_from_dto(dto)) is not None
    ]

    assert [item.item_id for item in items] == [
        MOVIE_ID,
        EPISODE_IDS[3],
        EPISODE_IDS[2],
        EPISODE_IDS[1],
        ANIME_EPISODE_ID,
        UNRELATED_ID,
    ]


MEDIA_SOURCE = {
    "Protocol": "File",
    "Id": MOVIE_ID,
    "Path": "/data/media/movies/Example Movie (1999)/Example Movie (1999) "
    "Bluray-1080p.mkv",
    "Type": "Default",
    "Container": "mkv",
    "Size": 8203010048,
    "Name": "Example Movie (1999) Bluray-1080p",
    "IsRemote": False,
    "RunTimeTicks": 81770000000,
    "VideoType": "VideoFile",
    "MediaStreams": [],
}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # MediaSources (Fields=MediaSources) alone is enough.
        ({"Path": DELETE, "MediaSources": [MEDIA_SOURCE]}, True),
        ({"Path": None, "MediaSources": [MEDIA_SOURCE]}, True),
        # ... and a Path alone too (the fixture's case).
        ({"MediaSources": []}, True),
        # Neither: not playable.
        ({"Path": DELETE}, False),
        ({"Path": ""}, False),
        ({"Path": "   "}, False),
        ({"Path": 7, "MediaSources": []}, False),
        ({"Path": DELETE, "MediaSources": []}, False),
        ({"Path": DELETE, "MediaSources": ["junk", None]}, False),
        ({"Path": DELETE, "MediaSources": {"Id": MOVIE_ID}}, False),
        # Virtual wins over anything else.
        ({"LocationType": "Virtual"}, False),
        ({"LocationType": "Virtual", "MediaSources": [MEDIA_SOURCE]}, False),
        # Other location types, or none, do not matter.
        ({"LocationType": "Remote"}, True),
        ({"LocationType": DELETE}, True),
    ],
)
def test_is_playable_rules(
    load_fixture: LoadFixture, changes: dict[str, object], expected: bool
) -> None:
    """MediaSources or a non-empty Path, and not Virtual."""
    dto: Any = _dto(load_fixture, MOVIE_ID)
    for key, value in changes.items():
        dto = mutated(dto, (key,), value)

    assert is_playable(dto) is expected


@pytest.mark.parametrize("dto", [None, "Movie", 7, [], ["Path"]])
def test_is_playable_not_an_object(dto: object) -> None:
    """Anything but an object is not playable."""
    assert is_playable(dto) is False


@pytest.mark.parametrize(
    "dto", [None, True, 7, 1.5, "Movie", [], [{"Type": "Movie"}], {"x": 1}]
)
def test_item_from_dto_not_an_item(dto: object) -> None:
    """Non-objects and objects without a usable Type give None."""
    assert item_from_dto(dto) is None


@pytest.mark.parametrize(
    "item_type", [None, 5, ["Movie"], {"Movie": 1}, ["Series"], "Season"]
)
def test_library_item_from_dto_bad_type(
    load_fixture: LoadFixture, item_type: object
) -> None:
    """A Type that is not a library type (even an unhashable one) gives None.

    Found by tests/fuzz: a list Type used to raise TypeError out of the sync.
    """
    dto = next(d for d in _dtos(load_fixture) if d["Id"] == MOVIE_ID)
    assert library_item_from_dto(dto) is not None
    assert library_item_from_dto({**dto, "Type": item_type}) is None


@pytest.mark.parametrize(
    ("item_id", "path", "value"),
    [
        (MOVIE_ID, ("Id",), DELETE),
        (MOVIE_ID, ("Id",), None),
        (MOVIE_ID, ("Id",), ""),
        (MOVIE_ID, ("Id",), 42),
        (MOVIE_ID, ("Id",), "not-a-guid"),
        (MOVIE_ID, ("Id",), "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3"),  # 31 digits
        (MOVIE_ID, ("Id",), "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3bz"),
        (MOVIE_ID, ("Id",), "zd3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"),
        (MOVIE_ID, ("Type",), DELETE),
        (MOVIE_ID, ("Type",), "Series"),
        (MOVIE_ID, ("Type",), "Season"),
        (MOVIE_ID, ("Type",), "movie"),
        (MOVIE_ID, ("Type",), 5),
        (MOVIE_ID, ("Type",), ["Movie"]),
        (MOVIE_ID, ("Type",), {"Movie": 1}),
        (MOVIE_ID, ("Name",), DELETE),
        (MOVIE_ID, ("Name",), None),
        (MOVIE_ID, ("Name",), 1999),
        (MOVIE_ID, ("ProductionYear",), "1999"),
        (MOVIE_ID, ("ProductionYear",), True),
        (MOVIE_ID, ("ProductionYear",), 1999.5),
        (MOVIE_ID, ("ProviderIds",), ["Tmdb", "603"]),
        (MOVIE_ID, ("ProviderIds",), "Tmdb=603"),
        (EPISODE_IDS[1], ("SeriesId",), "nope"),
        (EPISODE_IDS[1], ("SeriesId",), 7),
        (EPISODE_IDS[1], ("SeriesName",), 7),
        (EPISODE_IDS[1], ("ParentIndexNumber",), "1"),
        (EPISODE_IDS[1], ("IndexNumber",), 1.0),
        (EPISODE_IDS[1], ("IndexNumber",), False),
        (EPISODE_IDS[1], ("IndexNumberEnd",), "2"),
    ],
)
def test_item_from_dto_malformed(
    load_fixture: LoadFixture,
    caplog: pytest.LogCaptureFixture,
    item_id: str,
    path: tuple[str, ...],
    value: object,
) -> None:
    """A malformed DTO gives None and a debug message, never an exception."""
    dto = mutated(_dto(load_fixture, item_id), path, value)

    with caplog.at_level(logging.DEBUG):
        assert item_from_dto(dto) is None

    assert any(record.levelno == logging.DEBUG for record in caplog.records)


@pytest.mark.parametrize(
    ("path", "value", "field", "expected"),
    [
        # D-form and upper-case GUIDs are normalized to N form.
        (("Id",), "3C4D5E6F-7A8B-49C0-D1E2-F3A4B5C6D7E8", "item_id", EPISODE_IDS[1]),
        (("SeriesId",), "1A2B3C4D-5E6F-47A8-B9C0-D1E2F3A4B5C6", "series_id", SHOW_ID),
        # Optional fields may be absent or null.
        (("SeriesId",), DELETE, "series_id", None),
        (("SeriesId",), "", "series_id", None),
        (("SeriesName",), None, "series_name", None),
        (("ProductionYear",), DELETE, "year", None),
        (("ProductionYear",), 0, "year", None),
        (("IndexNumber",), None, "episode", None),
        (("ParentIndexNumber",), 0, "season", 0),
        (("IndexNumberEnd",), 2, "episode_end", 2),
        (("Name",), "", "name", ""),
        (("Name",), 'The "Cook"', "name", 'The "Cook"'),
        # Provider ids: absent, or with unusable entries dropped.
        (("ProviderIds",), DELETE, "provider_ids", {}),
        (("ProviderIds",), None, "provider_ids", {}),
        (
            ("ProviderIds",),
            {"Tvdb": " 349232 ", "Imdb": "", "Empty": "  ", "Bad": 7, "Null": None},
            "provider_ids",
            {"tvdb": "349232"},
        ),
        (
            ("ProviderIds",),
            {"Shoko Series": "42", "AniDB": "17617", "TvRage": "1"},
            "provider_ids",
            {"shoko series": "42", "anidb": "17617", "tvrage": "1"},
        ),
    ],
)
def test_item_from_dto_lenient_fields(
    load_fixture: LoadFixture,
    path: tuple[str, ...],
    value: object,
    field: str,
    expected: object,
) -> None:
    """Optional and alternative forms are normalized like the webhook parser does."""
    item = item_from_dto(mutated(_dto(load_fixture, EPISODE_IDS[1]), path, value))

    assert item is not None
    assert getattr(item, field) == expected


def test_item_from_dto_ignores_unknown_fields(load_fixture: LoadFixture) -> None:
    """Fields the converter does not use (MediaSources, images, ...) are ignored."""
    dto = mutated(_dto(load_fixture, MOVIE_ID), ("MediaSources",), [MEDIA_SOURCE])
    dto["ImageTags"] = {"Primary": "abc"}
    dto["UserData"] = {"Played": False}

    assert item_from_dto(dto) == item_from_dto(_dto(load_fixture, MOVIE_ID))


# --- same observation as the webhook -------------------------------------------


def test_movie_matches_webhook(load_fixture: LoadFixture) -> None:
    """The REST movie and the ItemAdded webhook agree on what the tracker matches."""
    rest = item_from_dto(_dto(load_fixture, MOVIE_ID))
    hook = parse_jellyfin(load_fixture("jellyfin/item_added_movie.json"))

    assert rest is not None
    assert isinstance(hook, JellyfinItem)
    assert rest.event == hook.event == JellyfinEvent.ITEM_ADDED
    assert rest.item_id == hook.item_id == MOVIE_ID
    assert rest.item_type == hook.item_type == "Movie"
    assert rest.name == hook.name
    assert rest.year == hook.year == 1999
    assert rest.provider_ids == hook.provider_ids
    assert rest.provider_ids["tmdb"] == "603"
    assert rest.provider_ids["imdb"] == "tt0133093"
    assert rest.series_id is hook.series_id is None
    assert rest.season is hook.season is None
    assert rest.episode is hook.episode is None


def test_episode_matches_webhook(load_fixture: LoadFixture) -> None:
    """S01E01 from REST and from the ItemAdded webhook are the same observation."""
    rest = item_from_dto(_dto(load_fixture, EPISODE_IDS[1]))
    hook = parse_jellyfin(load_fixture("jellyfin/item_added_episode.json"))

    assert rest is not None
    assert isinstance(hook, JellyfinItem)
    assert rest.item_id == hook.item_id == EPISODE_IDS[1]
    assert rest.item_type == hook.item_type == "Episode"
    assert rest.series_id == hook.series_id == SHOW_ID
    assert rest.series_name == hook.series_name == "Example Show"
    assert (rest.season, rest.episode, rest.episode_end) == (1, 1, None)
    assert (hook.season, hook.episode, hook.episode_end) == (1, 1, None)
    assert rest.provider_ids == hook.provider_ids
    assert rest.provider_ids["tvdb"] == "349232"
    # In fact the whole observation is identical for this fixture pair.
    assert rest == hook


# --- DateCreated ---------------------------------------------------------------


def test_created_at_fixture(load_fixture: LoadFixture) -> None:
    """DateCreated of every fixture item parses, newest first, in UTC."""
    dates = [created_at(dto) for dto in _dtos(load_fixture)]

    assert dates[0] == datetime(2026, 1, 10, 12, 45, 58, 412739, tzinfo=UTC)
    assert dates[3] == datetime(2026, 1, 10, 12, 45, 13, tzinfo=UTC)
    known = [date for date in dates if date is not None]
    assert len(known) == len(dates)
    assert all(date.tzinfo is UTC for date in known)
    assert known == sorted(known, reverse=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Jellyfin's own form: 7 fractional digits and Z.
        (
            "2026-01-10T12:46:02.0000000Z",
            datetime(2026, 1, 10, 12, 46, 2, tzinfo=UTC),
        ),
        (
            "2026-01-10T12:46:02.1234567Z",
            datetime(2026, 1, 10, 12, 46, 2, 123456, tzinfo=UTC),
        ),
        (
            "2026-01-10T12:46:02.9999999Z",
            datetime(2026, 1, 10, 12, 46, 2, 999999, tzinfo=UTC),
        ),
        # Other fraction lengths, none, offsets, no zone (taken as UTC).
        ("2026-01-10T12:46:02.5Z", datetime(2026, 1, 10, 12, 46, 2, 500000, UTC)),
        ("2026-01-10T12:46:02Z", datetime(2026, 1, 10, 12, 46, 2, tzinfo=UTC)),
        (
            "2026-01-10T13:46:02.3417786+01:00",
            datetime(2026, 1, 10, 12, 46, 2, 341778, tzinfo=UTC),
        ),
        ("2026-01-10T12:46:02", datetime(2026, 1, 10, 12, 46, 2, tzinfo=UTC)),
        (" 2026-01-10T12:46:02Z ", datetime(2026, 1, 10, 12, 46, 2, tzinfo=UTC)),
        # Unusable: .NET DateTime.MinValue ("unset"), garbage, impossible dates.
        ("0001-01-01T00:00:00.0000000Z", None),
        ("0001-01-01T00:30:00+01:00", None),
        ("", None),
        ("yesterday", None),
        ("2026-01-10", None),
        ("2026-13-10T12:46:02Z", None),
        ("2026-01-10T25:46:02Z", None),
        ("2026-01-10T12:46:02+25:00", None),
        ("2026-01-10T12:46:02.Z", None),
        ("2026-01-10T12:46:02Zjunk", None),
        ("２０２６-01-10T12:46:02Z", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    """Jellyfin timestamps parse to aware UTC datetimes; bad ones give None."""
    assert parse_datetime(text) == expected
    if expected is not None:
        parsed = parse_datetime(text)
        assert parsed is not None
        assert parsed.utcoffset() is not None
        assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "dto",
    [
        None,
        "2026-01-10T12:46:02Z",
        {},
        {"DateCreated": None},
        {"DateCreated": 1736513162},
        {"DateCreated": "garbage"},
    ],
)
def test_created_at_missing_or_malformed(dto: object) -> None:
    """Absent, mistyped or unparsable DateCreated gives None."""
    assert created_at(dto) is None
