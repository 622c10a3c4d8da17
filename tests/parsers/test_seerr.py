"""Tests for the Seerr / Jellyseerr webhook parser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from custom_components.status_tracker.core.observations import (
    Ignored,
    MediaRef,
    MediaType,
    SeerrEvent,
    SeerrNotification,
)
from custom_components.status_tracker.parsers import InvalidPayload, parse_seerr
from custom_components.status_tracker.parsers.seerr import parse_seasons, split_subject

from . import DELETE, assert_robust_to_field_mutations, mutated, webhook_fixture_names

LoadFixture = Callable[[str], Any]

MOVIE_POSTER = (
    "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-movie-poster.jpg"
)
SHOW_POSTER = "https://image.tmdb.org/t/p/w600_and_h900_bestv2/example-show-poster.jpg"

MEDIA_FIXTURES: dict[str, SeerrEvent] = {
    "media_pending": SeerrEvent.PENDING,
    "media_approved": SeerrEvent.APPROVED,
    "media_auto_approved": SeerrEvent.AUTO_APPROVED,
    "media_declined": SeerrEvent.DECLINED,
    "media_failed": SeerrEvent.FAILED,
    "media_available": SeerrEvent.AVAILABLE,
}
IGNORED_FIXTURES: dict[str, str] = {
    "test_notification.json": "TEST_NOTIFICATION",
    "issue_created_tv.json": "ISSUE_CREATED",
}


def _notification(body: Any) -> SeerrNotification:
    """Parse a body that must give a SeerrNotification."""
    result = parse_seerr(body)
    assert isinstance(result, SeerrNotification)
    return result


def test_every_fixture_is_covered() -> None:
    """Each Seerr fixture file is exercised by one of the tests below."""
    expected = {f"{name}.json" for name in MEDIA_FIXTURES}
    expected |= {f"{name}_tv.json" for name in MEDIA_FIXTURES}
    expected |= set(IGNORED_FIXTURES)
    expected.add("media_auto_requested.json")
    assert set(webhook_fixture_names("jellyseerr", "notification_type")) == expected


@pytest.mark.parametrize(("name", "event"), MEDIA_FIXTURES.items())
def test_movie_media_events(
    load_fixture: LoadFixture, name: str, event: SeerrEvent
) -> None:
    result = _notification(load_fixture(f"jellyseerr/{name}.json"))

    assert result.event is event
    assert result.media.media_type is MediaType.MOVIE
    assert result.media.title == "Example Movie"
    assert result.media.year == 1999
    assert result.media.tmdb_id == 603
    assert result.media.tvdb_id is None  # "" in the payload
    assert result.media.poster_url == MOVIE_POSTER
    assert result.request_id == 201
    assert result.requested_by == "alice"
    assert result.seasons == ()
    assert result.is_4k is False


@pytest.mark.parametrize(("name", "event"), MEDIA_FIXTURES.items())
def test_tv_media_events(
    load_fixture: LoadFixture, name: str, event: SeerrEvent
) -> None:
    result = _notification(load_fixture(f"jellyseerr/{name}_tv.json"))

    assert result.event is event
    assert result.media.media_type is MediaType.TV
    assert result.media.title == "Example Show"
    assert result.media.year == 2008
    assert result.media.tmdb_id == 1396
    assert result.media.tvdb_id == 81189
    assert result.media.poster_url == SHOW_POSTER
    assert result.request_id == 202
    assert result.requested_by == "alice"
    assert result.seasons == (1,)
    assert result.is_4k is False


@pytest.mark.parametrize(("file_name", "notification_type"), IGNORED_FIXTURES.items())
def test_ignored_fixtures(
    load_fixture: LoadFixture, file_name: str, notification_type: str
) -> None:
    result = parse_seerr(load_fixture(f"jellyseerr/{file_name}"))

    assert isinstance(result, Ignored)
    assert result.source == "seerr"
    assert result.event_type == notification_type
    assert result.reason


@pytest.mark.parametrize(
    ("notification_type", "reason_part"),
    [
        ("TEST_NOTIFICATION", "test"),
        ("ISSUE_COMMENT", "issue"),
        ("ISSUE_RESOLVED", "issue"),
        ("SOMETHING_NEW", "unknown"),
    ],
)
def test_non_media_types_are_ignored_without_reading_media(
    load_fixture: LoadFixture, notification_type: str, reason_part: str
) -> None:
    # media is null and the rest is garbage: ignored types must not look at it.
    body = load_fixture("jellyseerr/media_pending.json")
    body.update(notification_type=notification_type, media=None, request=5, extra="x")

    result = parse_seerr(body)

    assert isinstance(result, Ignored)
    assert (result.source, result.event_type) == ("seerr", notification_type)
    assert reason_part in result.reason


def test_watchlist_auto_request(load_fixture: LoadFixture) -> None:
    """Seerr 3.x MEDIA_AUTO_REQUESTED is a request notification like the others."""
    result = _notification(load_fixture("jellyseerr/media_auto_requested.json"))

    assert result == SeerrNotification(
        event=SeerrEvent.AUTO_REQUESTED,
        media=MediaRef(
            media_type=MediaType.MOVIE,
            title="Example Anime Movie",
            year=2020,
            tmdb_id=378064,
            poster_url=(
                "https://image.tmdb.org/t/p/w600_and_h900_bestv2/"
                "example-anime-movie-poster.jpg"
            ),
        ),
        request_id=204,
        requested_by="alice",
    )


def test_watchlist_auto_request_of_a_4k_show(load_fixture: LoadFixture) -> None:
    """The event text of a 4K show's auto-request marks it 4K; seasons are read."""
    body = load_fixture("jellyseerr/media_auto_requested.json")
    body["event"] = "4K Series Request Automatically Submitted"
    body["subject"] = "Example Show (2008)"
    body["media"].update(media_type="tv", tmdbId="1396", tvdbId="81189")
    body["extra"] = [{"name": "Requested Seasons", "value": "1, 2"}]

    result = _notification(body)

    assert result.event is SeerrEvent.AUTO_REQUESTED
    assert (result.media.media_type, result.media.tvdb_id) == (MediaType.TV, 81189)
    assert result.seasons == (1, 2)
    assert result.is_4k is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("requestedBy_settings_discordId", "", id="before_3.3_empty"),
        pytest.param(
            "requestedBy_settings_discordId", "123456789012345678", id="before_3.3"
        ),
        pytest.param("requestedBy_settings_discordIds", "", id="since_3.3_empty"),
        pytest.param(
            "requestedBy_settings_discordIds",
            "123456789012345678,223456789012345678",
            id="since_3.3_default_template",
        ),
        pytest.param(
            "requestedBy_settings_discordIds",
            ["123456789012345678", "223456789012345678"],
            id="since_3.3_list",
        ),
    ],
)
def test_requester_discord_field_in_either_form(
    load_fixture: LoadFixture, field: str, value: object
) -> None:
    """Seerr 3.3 renamed the requester's Discord id to a list: both forms parse."""
    body = load_fixture("jellyseerr/media_auto_requested.json")
    del body["request"]["requestedBy_settings_discordIds"]
    body["request"][field] = value

    result = _notification(body)

    assert (result.request_id, result.requested_by) == (204, "alice")


def test_keys_on_notification_type_not_event_text(load_fixture: LoadFixture) -> None:
    # Old captures say "TV Request ...", Seerr says "Series Request ...".
    body = load_fixture("jellyseerr/media_auto_approved_tv.json")
    body["event"] = "TV Request Automatically Approved"
    assert _notification(body).event is SeerrEvent.AUTO_APPROVED

    body["event"] = ""
    assert _notification(body).event is SeerrEvent.AUTO_APPROVED

    del body["event"]
    assert _notification(body).event is SeerrEvent.AUTO_APPROVED


@pytest.mark.parametrize(
    ("event_text", "is_4k"),
    [
        ("New 4K Movie Request", True),
        ("4K Movie Request Approved", True),
        ("New Movie Request", False),
        ("new 4k movie request", False),
    ],
)
def test_is_4k_from_event_text(
    load_fixture: LoadFixture, event_text: str, is_4k: bool
) -> None:
    body = mutated(
        load_fixture("jellyseerr/media_pending.json"), ("event",), event_text
    )
    assert _notification(body).is_4k is is_4k


@pytest.mark.parametrize(
    ("subject", "title", "year"),
    [
        ("Example Movie (1999)", "Example Movie", 1999),
        ("Example Show (US) (2008)", "Example Show (US)", 2008),
        ("  Spaced Out  (2001)  ", "Spaced Out", 2001),
        ("No Year Here", "No Year Here", None),
        ("Bad Year (19999)", "Bad Year (19999)", None),
        ("Letters (abcd)", "Letters (abcd)", None),
        ("Unicode digits (١٩٩٩)", "Unicode digits (١٩٩٩)", None),
        ("(1999)", "(1999)", None),
        ("Ends With Paren)", "Ends With Paren)", None),
    ],
)
def test_split_subject(subject: str, title: str, year: int | None) -> None:
    assert split_subject(subject) == (title, year)


def test_title_and_year_from_subject(load_fixture: LoadFixture) -> None:
    body = mutated(
        load_fixture("jellyseerr/media_pending.json"), ("subject",), "Untitled"
    )
    result = _notification(body)
    assert (result.media.title, result.media.year) == ("Untitled", None)


@pytest.mark.parametrize(
    ("value", "seasons"),
    [
        ("1", (1,)),
        ("1, 2", (1, 2)),
        ("3,1 ,  2", (1, 2, 3)),
        ("0, 1", (0, 1)),
        ("1, Specials, 2", (1, 2)),
        ("1, 1", (1,)),
        ("", ()),
        ("-1, 2.5", ()),
        ("9" * 5000, ()),
    ],
)
def test_parse_seasons(value: str, seasons: tuple[int, ...]) -> None:
    assert parse_seasons(value) == seasons


def test_requested_seasons_found_among_other_extras(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyseerr/media_pending_tv.json")
    body["extra"] = [
        {"name": "Affected Season", "value": "7"},
        {"name": "Requested Seasons", "value": "1, 2"},
    ]
    assert _notification(body).seasons == (1, 2)


@pytest.mark.parametrize(
    "extra",
    [
        [],
        None,
        [{"name": "Requested Seasons", "value": ""}],
        [{"name": "Requested Seasons"}],
        [{"value": "1"}],
    ],
)
def test_no_requested_seasons(load_fixture: LoadFixture, extra: Any) -> None:
    body = mutated(load_fixture("jellyseerr/media_pending_tv.json"), ("extra",), extra)
    assert _notification(body).seasons == ()


def test_extra_absent(load_fixture: LoadFixture) -> None:
    body = mutated(load_fixture("jellyseerr/media_pending_tv.json"), ("extra",), DELETE)
    assert _notification(body).seasons == ()


def test_request_null_gives_no_requester(load_fixture: LoadFixture) -> None:
    # Seerr writes null for an entity the notification does not have.
    body = mutated(load_fixture("jellyseerr/media_available.json"), ("request",), None)
    result = _notification(body)
    assert result.request_id is None
    assert result.requested_by is None


def test_empty_strings_are_absent(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyseerr/media_pending_tv.json")
    body["image"] = ""
    body["media"]["tmdbId"] = ""
    body["media"]["tvdbId"] = "0"
    body["request"]["request_id"] = ""
    body["request"]["requestedBy_username"] = ""

    result = _notification(body)

    assert result.media.poster_url is None
    assert result.media.tmdb_id is None
    assert result.media.tvdb_id is None
    assert result.request_id is None
    assert result.requested_by is None


def test_ids_may_be_integers_or_padded_strings(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyseerr/media_pending_tv.json")
    body["media"]["tmdbId"] = 1396
    body["media"]["tvdbId"] = " 81189 "
    body["request"]["request_id"] = 202

    result = _notification(body)

    assert result.media.tmdb_id == 1396
    assert result.media.tvdb_id == 81189
    assert result.request_id == 202


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("notification_type",), DELETE, "notification_type"),
        (("notification_type",), None, "notification_type"),
        (("notification_type",), 2, "notification_type"),
        (("notification_type",), "", "notification_type"),
        (("media",), None, "media"),
        (("media",), DELETE, "media"),
        (("media",), "movie", "media"),
        (("media", "media_type"), DELETE, "media.media_type"),
        (("media", "media_type"), "music", "media.media_type"),
        (("media", "media_type"), "", "media.media_type"),
        (("media", "media_type"), 1, "media.media_type"),
        (("media", "tmdbId"), "abc", "media.tmdbId"),
        (("media", "tmdbId"), "-603", "media.tmdbId"),
        (("media", "tmdbId"), "6.03", "media.tmdbId"),
        (("media", "tmdbId"), "9" * 5000, "media.tmdbId"),
        (("media", "tmdbId"), True, "media.tmdbId"),
        (("media", "tmdbId"), 6.03, "media.tmdbId"),
        (("media", "tmdbId"), -603, "media.tmdbId"),
        (("media", "tmdbId"), [], "media.tmdbId"),
        (("media", "tvdbId"), {}, "media.tvdbId"),
        (("subject",), DELETE, "subject"),
        (("subject",), "", "subject"),
        (("subject",), "   ", "subject"),
        (("subject",), 1999, "subject"),
        (("image",), 5, "image"),
        (("event",), ["4K"], "event"),
        (("request",), "alice", "request"),
        (("request", "request_id"), "two", "request.request_id"),
        (("request", "request_id"), False, "request.request_id"),
        (("request", "requestedBy_username"), 7, "request.requestedBy_username"),
        (("extra",), {}, "extra"),
        (("extra",), "1, 2", "extra"),
        (("extra", 0), "Requested Seasons", "extra[0]"),
        (("extra", 0, "name"), 1, "extra[0].name"),
        (("extra", 0, "value"), 1, "extra[0].value"),
    ],
)
def test_malformed_payloads(
    load_fixture: LoadFixture,
    path: tuple[str | int, ...],
    value: object,
    field: str,
) -> None:
    body = mutated(load_fixture("jellyseerr/media_pending_tv.json"), path, value)

    with pytest.raises(InvalidPayload) as err:
        parse_seerr(body)

    assert err.value.field == field
    assert str(err.value).startswith(field)


def test_messages_are_readable(load_fixture: LoadFixture) -> None:
    body = load_fixture("jellyseerr/media_pending.json")

    body["media"]["tmdbId"] = True
    with pytest.raises(
        InvalidPayload,
        match=r"^media\.tmdbId must be an integer or a string of digits, got boolean$",
    ):
        parse_seerr(body)

    body["media"] = None
    with pytest.raises(
        InvalidPayload, match=r"^media is missing \(expected an object\)$"
    ):
        parse_seerr(body)

    body["notification_type"] = 4
    with pytest.raises(
        InvalidPayload, match=r"^notification_type must be a string, got integer$"
    ):
        parse_seerr(body)


@pytest.mark.parametrize(
    "body",
    [
        None,
        0,
        1.5,
        True,
        "MEDIA_PENDING",
        "",
        "x" * 1_000_000,
        [],
        [{"notification_type": "MEDIA_PENDING"}],
        {1, 2},
        b"{}",
    ],
)
def test_non_object_bodies(body: object) -> None:
    with pytest.raises(InvalidPayload, match=r"^payload must be a JSON object, got "):
        parse_seerr(body)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"notification_type": None},
        {"notification_type": ["MEDIA_PENDING"]},
        {"notification_type": {"x": 1}},
        {"notification_type": "MEDIA_PENDING"},
        {"notification_type": "MEDIA_PENDING", "media": []},
        {"notification_type": "MEDIA_PENDING", "media": {"media_type": {}}},
        {
            "notification_type": "MEDIA_PENDING",
            "media": {"media_type": "x" * 1_000_000},
            "subject": "x",
        },
    ],
)
def test_hostile_objects_raise_invalid_payload(body: object) -> None:
    with pytest.raises(InvalidPayload):
        parse_seerr(body)


def test_huge_subject_is_parsed(load_fixture: LoadFixture) -> None:
    title = "(" * 500_000 + " " * 500_000
    body = mutated(
        load_fixture("jellyseerr/media_pending.json"), ("subject",), title + " (2001)"
    )
    result = _notification(body)
    assert result.media.year == 2001
    assert result.media.title == "(" * 500_000


@pytest.mark.parametrize(
    "file_name", webhook_fixture_names("jellyseerr", "notification_type")
)
def test_every_field_mutation_gives_observation_or_invalid_payload(
    load_fixture: LoadFixture, file_name: str
) -> None:
    assert (
        assert_robust_to_field_mutations(
            parse_seerr, load_fixture(f"jellyseerr/{file_name}")
        )
        > 0
    )
