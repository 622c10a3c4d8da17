"""Tests for the Jellyfin webhook plugin parser (SendAllProperties and template bodies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    Ignored,
    JellyfinEvent,
    JellyfinItem,
    Observation,
)
from custom_components.status_tracker.parsers import (
    InvalidPayload,
    parse_jellyfin,
    parse_radarr,
    parse_seerr,
    parse_sonarr,
    parse_webhook,
)

from . import (
    DELETE,
    FIXTURES_DIR,
    assert_robust_to_field_mutations,
    mutated,
    webhook_fixture_names,
)

LoadFixture = Callable[[str], Any]

MOVIE_ID = "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b"
SHOW_ID = "1a2b3c4d5e6f47a8b9c0d1e2f3a4b5c6"
ANIME_ID = "6f7a8b9c0d1e42f3a4b5c6d7e8f9a0b1"

JELLYFIN_FIXTURES = webhook_fixture_names(
    "jellyfin", "NotificationType", "notification_type"
)


def _item(body: Any) -> JellyfinItem:
    result = parse_jellyfin(body)
    assert isinstance(result, JellyfinItem)
    return result


def test_every_fixture_is_covered() -> None:
    assert set(JELLYFIN_FIXTURES) == {
        "item_added_movie.json",
        "item_added_episode.json",
        "item_added_anime_episode.json",
        "item_deleted.json",
        "item_added_movie_template.json",
    }


def test_item_added_movie(load_fixture: LoadFixture) -> None:
    assert parse_jellyfin(
        load_fixture("jellyfin/item_added_movie.json")
    ) == JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED,
        item_id=MOVIE_ID,
        item_type="Movie",
        name="Example Movie",
        year=1999,
        provider_ids={"tmdb": "603", "imdb": "tt0133093", "tmdbcollection": "2344"},
    )


def test_item_added_episode(load_fixture: LoadFixture) -> None:
    result = _item(load_fixture("jellyfin/item_added_episode.json"))

    assert result.event is JellyfinEvent.ITEM_ADDED
    assert result.item_id == "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8"
    assert result.item_type == "Episode"
    assert result.name == "Pilot"
    assert result.year == 2008
    assert result.series_id == SHOW_ID
    assert result.series_name == "Example Show"
    assert (result.season, result.episode, result.episode_end) == (1, 1, None)
    # The episode's own ids, not the series' (docs/protocols.md §1).
    assert result.provider_ids == {"tvdb": "349232", "imdb": "tt0959621"}
    assert result.series_provider_ids is None


def test_item_added_anime_episode_keeps_shokofin_keys(
    load_fixture: LoadFixture,
) -> None:
    result = _item(load_fixture("jellyfin/item_added_anime_episode.json"))

    assert result.item_id == "7a8b9c0d1e2f43a4b5c6d7e8f9a0b1c2"
    assert result.series_id == ANIME_ID
    assert result.series_name == "Example Anime"
    assert result.name == "The Journey's End"
    assert (result.season, result.episode) == (1, 1)
    assert result.provider_ids == {
        "shoko series": "42",
        "shoko episode": "1001",
        "shoko file": "5001",
        "anidb": "271001",
    }


def test_item_deleted(load_fixture: LoadFixture) -> None:
    result = _item(load_fixture("jellyfin/item_deleted.json"))

    assert result.event is JellyfinEvent.ITEM_DELETED
    assert result.item_id == MOVIE_ID
    assert result.item_type == "Movie"
    assert result.provider_ids["tmdb"] == "603"


def test_template_body(load_fixture: LoadFixture) -> None:
    result = parse_jellyfin(load_fixture("jellyfin/item_added_movie_template.json"))

    assert result == JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED,
        item_id=MOVIE_ID,  # dashed D-form in the payload
        item_type="Movie",
        name="Example Movie",
        year=1999,  # the string "1999" in the payload
        provider_ids={"tmdb": "603", "imdb": "tt0133093"},  # provider_tvdb is ""
    )


def test_template_matches_all_properties_body(load_fixture: LoadFixture) -> None:
    template = _item(load_fixture("jellyfin/item_added_movie_template.json"))
    full = _item(load_fixture("jellyfin/item_added_movie.json"))

    assert (template.item_id, template.name, template.year) == (
        full.item_id,
        full.name,
        full.year,
    )


def test_recommended_template_keys_are_read() -> None:
    # Every key of the shipped template must be one the parser understands.
    template = (
        FIXTURES_DIR / "jellyfin" / "recommended_template.handlebars"
    ).read_text()
    body = {
        "notification_type": "ItemAdded",
        "server_id": "f0e1d2c3b4a5968778695a4b3c2d1e0f",
        "item_id": "3C4D5E6F-7A8B-49C0-D1E2-F3A4B5C6D7E8",
        "item_type": "Episode",
        "name": "Pilot",
        "year": "2008",
        "series_id": "1a2b3c4d-5e6f-47a8-b9c0-d1e2f3a4b5c6",
        "series_name": "Example Show",
        "season_number": "1",
        "episode_number": "2",
        "episode_number_end": "3",
        "provider_tmdb": "",
        "provider_tvdb": "349232",
        "provider_imdb": "tt0959621",
    }
    for key in body:
        assert f'"{key}":' in template

    result = _item(body)

    assert result.item_id == "3c4d5e6f7a8b49c0d1e2f3a4b5c6d7e8"
    assert result.series_id == SHOW_ID
    assert result.series_name == "Example Show"
    assert (result.season, result.episode, result.episode_end) == (1, 2, 3)
    assert result.provider_ids == {"tvdb": "349232", "imdb": "tt0959621"}


def test_template_empty_values_are_absent(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyfin/item_added_movie_template.json")
    body.update(year="", season_number="", provider_tmdb="", provider_imdb="")

    result = _item(body)

    assert (result.year, result.season, result.series_id, result.series_name) == (
        None,
        None,
        None,
        None,
    )
    assert result.provider_ids == {}


def test_multi_episode_file(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyfin/item_added_episode.json")
    body.update(EpisodeNumber=1, EpisodeNumberEnd=2)
    assert _item(body).episode_end == 2


def test_escaped_quotes_are_restored(load_fixture: LoadFixture) -> None:
    # The plugin's Escape() leaves a backslash before each quote after JSON decoding.
    body = load_fixture("jellyfin/item_added_episode.json")
    body["Name"] = 'The \\"Best\\" Episode'
    body["SeriesName"] = 'Say \\"Hi\\"'

    result = _item(body)

    assert result.name == 'The "Best" Episode'
    assert result.series_name == 'Say "Hi"'


def test_template_escaped_quotes_are_restored(load_fixture: LoadFixture) -> None:
    body = mutated(
        load_fixture("jellyfin/item_added_movie_template.json"), ("name",), 'A \\"B\\"'
    )
    assert _item(body).name == 'A "B"'


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"Provider_Tvdb": "1"}, {"tvdb": "1"}),
        ({"PROVIDER_X": " 2 "}, {"x": "2"}),
        ({"Provider_tvdb": ""}, {}),
        ({"Provider_tvdb": "   "}, {}),
        ({"Provider_tvdb": None}, {}),
        ({"Provider_": "3"}, {}),
        ({"ProviderTvdb": "4"}, {}),
    ],
)
def test_provider_ids(
    load_fixture: LoadFixture, extra: dict[str, Any], expected: dict[str, str]
) -> None:
    body = load_fixture("jellyfin/item_added_movie.json")
    for key in [key for key in body if key.startswith("Provider_")]:
        del body[key]
    body.update(extra)
    assert _item(body).provider_ids == expected


def test_optional_fields_absent(load_fixture: LoadFixture) -> None:
    body = {
        "NotificationType": "ItemAdded",
        "ItemId": MOVIE_ID.upper(),
        "ItemType": "Video",
        "Name": "",
        "Year": 0,
    }
    assert parse_jellyfin(body) == JellyfinItem(
        event=JellyfinEvent.ITEM_ADDED, item_id=MOVIE_ID, item_type="Video", name=""
    )


def test_non_string_keys_are_skipped(load_fixture: LoadFixture) -> None:
    # Not possible from JSON, but a dict handed in by Python code may have them.
    body = load_fixture("jellyfin/item_added_movie.json")
    body[1] = "x"
    assert _item(body).item_id == MOVIE_ID


@pytest.mark.parametrize(
    "notification_type",
    ["PlaybackStart", "PlaybackStop", "UserCreated", "Generic", "None"],
)
def test_other_notification_types_are_ignored(notification_type: str) -> None:
    result = parse_jellyfin({"NotificationType": notification_type, "ItemId": 5})

    assert isinstance(result, Ignored)
    assert (result.source, result.event_type) == ("jellyfin", notification_type)
    assert "ItemAdded" in result.reason


def test_template_other_notification_types_are_ignored() -> None:
    result = parse_jellyfin({"notification_type": "PlaybackStart", "item_id": ""})
    assert isinstance(result, Ignored)
    assert result.event_type == "PlaybackStart"


@pytest.mark.parametrize(
    ("file_name", "path", "value", "field"),
    [
        ("item_added_movie.json", ("NotificationType",), DELETE, "NotificationType"),
        ("item_added_movie.json", ("NotificationType",), 1, "NotificationType"),
        ("item_added_movie.json", ("NotificationType",), "", "NotificationType"),
        ("item_added_movie.json", ("ItemId",), DELETE, "ItemId"),
        ("item_added_movie.json", ("ItemId",), "", "ItemId"),
        ("item_added_movie.json", ("ItemId",), "not-a-guid", "ItemId"),
        (
            "item_added_movie.json",
            ("ItemId",),
            "0d3b5f7a9c1e4d6f8a0b2c4e6d8f1a3",
            "ItemId",
        ),
        (
            "item_added_movie.json",
            ("ItemId",),
            "zz3b5f7a9c1e4d6f8a0b2c4e6d8f1a3b",
            "ItemId",
        ),
        ("item_added_movie.json", ("ItemId",), 12345, "ItemId"),
        ("item_added_movie.json", ("ItemType",), DELETE, "ItemType"),
        ("item_added_movie.json", ("ItemType",), "", "ItemType"),
        ("item_added_movie.json", ("Name",), DELETE, "Name"),
        ("item_added_movie.json", ("Name",), ["Example"], "Name"),
        ("item_added_movie.json", ("Year",), "1999", "Year"),
        ("item_added_movie.json", ("Year",), 1999.0, "Year"),
        ("item_added_movie.json", ("Provider_tmdb",), 603, "Provider_tmdb"),
        ("item_added_episode.json", ("SeriesId",), "series", "SeriesId"),
        ("item_added_episode.json", ("SeriesId",), 1, "SeriesId"),
        ("item_added_episode.json", ("SeriesName",), {}, "SeriesName"),
        ("item_added_episode.json", ("SeasonNumber",), "1", "SeasonNumber"),
        ("item_added_episode.json", ("EpisodeNumber",), True, "EpisodeNumber"),
        ("item_added_episode.json", ("EpisodeNumberEnd",), [2], "EpisodeNumberEnd"),
        (
            "item_added_anime_episode.json",
            ("Provider_shoko series",),
            42,
            "Provider_shoko series",
        ),
        (
            "item_added_movie_template.json",
            ("notification_type",),
            "",
            "notification_type",
        ),
        ("item_added_movie_template.json", ("item_id",), "", "item_id"),
        ("item_added_movie_template.json", ("item_id",), "0d3b5f7a-9c1e", "item_id"),
        ("item_added_movie_template.json", ("item_type",), DELETE, "item_type"),
        ("item_added_movie_template.json", ("year",), "nineteen", "year"),
        ("item_added_movie_template.json", ("year",), "-1999", "year"),
        ("item_added_movie_template.json", ("year",), 19.99, "year"),
        ("item_added_movie_template.json", ("season_number",), "S1", "season_number"),
        (
            "item_added_movie_template.json",
            ("episode_number",),
            "1.5",
            "episode_number",
        ),
        ("item_added_movie_template.json", ("series_id",), "abc", "series_id"),
        ("item_added_movie_template.json", ("provider_tmdb",), 603, "provider_tmdb"),
    ],
)
def test_malformed_payloads(
    load_fixture: LoadFixture,
    file_name: str,
    path: tuple[str | int, ...],
    value: object,
    field: str,
) -> None:
    body = mutated(load_fixture(f"jellyfin/{file_name}"), path, value)

    with pytest.raises(InvalidPayload) as err:
        parse_jellyfin(body)

    assert err.value.field == field
    assert str(err.value).startswith(f"{field} ")


def test_missing_notification_type_names_the_pascal_case_key() -> None:
    with pytest.raises(
        InvalidPayload, match=r"^NotificationType is missing \(expected a string\)$"
    ):
        parse_jellyfin({"ItemId": MOVIE_ID})


def test_template_numbers_may_be_integers(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyfin/item_added_movie_template.json")
    body.update(year=1999, season_number=0)
    result = _item(body)
    assert (result.year, result.season) == (1999, 0)


def test_template_negative_integer_is_invalid(load_fixture: LoadFixture) -> None:
    body = mutated(
        load_fixture("jellyfin/item_added_movie_template.json"), ("year",), -1
    )
    with pytest.raises(InvalidPayload, match=r"^year must not be negative$"):
        parse_jellyfin(body)


@pytest.mark.parametrize(
    "body",
    [None, 1, 2.5, False, "ItemAdded", "", [], [{"NotificationType": "ItemAdded"}]],
)
def test_non_object_bodies(body: object) -> None:
    with pytest.raises(InvalidPayload, match=r"^payload must be a JSON object"):
        parse_jellyfin(body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"NotificationType": None, "notification_type": None},
        {"NotificationType": ["ItemAdded"]},
        {"notification_type": 24},
        {"NotificationType": "ItemAdded", "ItemId": "a" * 1_000_000},
        {"NotificationType": "ItemAdded", "ItemId": "-" * 1_000_000},
        {
            "notification_type": "ItemAdded",
            "item_id": MOVIE_ID,
            "item_type": "Movie",
            "name": "x",
            "year": "9" * 5000,
        },
    ],
)
def test_hostile_objects_raise_invalid_payload(body: object) -> None:
    with pytest.raises(InvalidPayload):
        parse_jellyfin(body)


@pytest.mark.parametrize("file_name", JELLYFIN_FIXTURES)
def test_every_field_mutation_gives_observation_or_invalid_payload(
    load_fixture: LoadFixture, file_name: str
) -> None:
    assert (
        assert_robust_to_field_mutations(
            parse_jellyfin, load_fixture(f"jellyfin/{file_name}")
        )
        > 0
    )


# -- parse_webhook dispatch (lives here because it is a one-liner per service) --


@pytest.mark.parametrize(
    ("service", "fixture", "parser"),
    [
        ("seerr", "jellyseerr/media_pending.json", parse_seerr),
        ("sonarr", "sonarr/grab.json", lambda body: parse_sonarr(body, "inst")),
        ("radarr", "radarr/grab.json", lambda body: parse_radarr(body, "inst")),
        (
            "jellyfin",
            "jellyfin/item_added_movie.json",
            parse_jellyfin,
        ),
    ],
)
def test_parse_webhook_dispatches(
    load_fixture: LoadFixture,
    service: str,
    fixture: str,
    parser: Callable[[object], Observation],
) -> None:
    body = load_fixture(fixture)
    assert parse_webhook(service, body, "inst") == parser(body)


@pytest.mark.parametrize("service", ["seerr", "sonarr", "radarr", "jellyfin"])
@pytest.mark.parametrize("body", [None, [], "x", 1, {}])
def test_parse_webhook_bad_bodies(service: str, body: object) -> None:
    with pytest.raises(InvalidPayload):
        parse_webhook(service, body, "inst")


@pytest.mark.parametrize("service", ["qbittorrent", "shoko", "", "Sonarr"])
def test_parse_webhook_unknown_service_is_a_programming_error(service: str) -> None:
    with pytest.raises(ValueError, match="no webhook parser") as err:
        parse_webhook(service, {}, "inst")
    assert not isinstance(err.value, InvalidPayload)
