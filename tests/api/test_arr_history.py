"""Tests for reading what Sonarr/Radarr did since a moment (GET /api/v3/history)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from http import HTTPStatus
import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import ClientError
import pytest
from pytest_homeassistant_custom_component.test_util.aiohttp import AiohttpClientMocker

from custom_components.status_tracker.api import (
    CannotConnect,
    InvalidAuth,
    RadarrClient,
    ServiceError,
    SonarrClient,
    UnexpectedResponse,
)
from custom_components.status_tracker.api.arr import history_events
from custom_components.status_tracker.api.history import MAX_HISTORY_CALLS, HistoryEvent
from custom_components.status_tracker.core.observations import (
    ArrFileDeleted,
    ArrGrab,
    ArrImport,
    ArrMediaAdded,
    ArrService,
)
from custom_components.status_tracker.parsers.radarr import parse_radarr
from custom_components.status_tracker.parsers.sonarr import parse_sonarr
from tests.api.conftest import API_KEY, RADARR_URL, SONARR_URL
from tests.flows import SHOW_HASH, episode_import

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INSTANCE = "arr-subentry"
REQUESTED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
SONARR_HISTORY = f"{SONARR_URL}/api/v3/history"
RADARR_HISTORY = f"{RADARR_URL}/api/v3/history"
SHOW_EPISODE_1 = (
    "/data/media/tv/Example Show (2008)/Season 01/"
    "Example Show - S01E01 - Pilot WEBDL-1080p.mkv"
)


def fixture(relative: str) -> Any:
    """Return a fresh copy of a fixture file's JSON."""
    return copy.deepcopy(json.loads((FIXTURES / relative).read_text(encoding="utf-8")))


def at(hour: int, minute: int, second: int = 0, day: int = 10) -> datetime:
    """Return a moment of the invented world's timeline (January 2026, UTC)."""
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC)


def pages(relative: str, size: int) -> list[dict[str, Any]]:
    """Return a history fixture cut into pages of `size` records (newest first)."""
    answer = fixture(relative)
    records = answer["records"]
    return [
        {**answer, "page": number, "pageSize": size, "records": records[start:][:size]}
        for number, start in enumerate(range(0, len(records), size), start=1)
    ]


def mock_pages(
    aioclient_mock: AiohttpClientMocker, url: str, answers: list[dict[str, Any]]
) -> None:
    """Answer each page number with its page."""
    for answer in answers:
        aioclient_mock.get(url, params={"page": str(answer["page"])}, json=answer)


def queries(aioclient_mock: AiohttpClientMocker) -> list[tuple[str, dict[str, str]]]:
    """Return path and query of every request; the key is in a header only."""
    calls = []
    for method, url, data, headers in aioclient_mock.mock_calls:
        assert method == "GET"
        assert data is None
        assert headers["X-Api-Key"] == API_KEY
        assert API_KEY not in str(url)
        calls.append((url.path, dict(url.query)))
    return calls


def history_query(page: int, size: int = 250, **include: str) -> dict[str, str]:
    """Return the query of one history page."""
    return {
        "page": str(page),
        "pageSize": str(size),
        "sortKey": "date",
        "sortDirection": "descending",
        **include,
    }


SONARR_INCLUDES = {"includeSeries": "true", "includeEpisode": "true"}
RADARR_INCLUDES = {"includeMovie": "true"}


def sonarr_webhook(name: str) -> Any:
    """Return what a Sonarr webhook fixture parses to."""
    return parse_sonarr(fixture(f"sonarr/{name}.json"), INSTANCE)


def radarr_webhook(name: str) -> Any:
    """Return what a Radarr webhook fixture parses to."""
    return parse_radarr(fixture(f"radarr/{name}.json"), INSTANCE)


# ---------------------------------------------------------------- the client


async def test_sonarr_history_is_what_the_webhooks_said(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Grab, imports and deletion since the request, exactly as the webhooks."""
    aioclient_mock.get(SONARR_HISTORY, json=fixture("sonarr/api_history.json"))

    read = await sonarr.async_history_since(REQUESTED, instance_id=INSTANCE)

    # One page held the older records: no second page, and no tag lookup
    # (Example Show has no tags; the tagged anime is older than the request).
    assert queries(aioclient_mock) == [
        ("/api/v3/history", history_query(1, **SONARR_INCLUDES))
    ]
    assert (read.calls, read.complete) == (1, True)
    assert [event.at for event in read.events] == [
        at(12, 0, 5),
        at(12, 1),
        at(12, 41, 1),
        at(12, 41, 2),
        at(12, 41, 3),
        at(13, 5),
    ]
    # The series was added when its resource says (no record of its own); the
    # season pack's three grabbed records are one grab, each episode file one
    # import, with its file id; the rename gives nothing; the deletion knows
    # its file id from the import of the same path.
    assert [event.observation for event in read.events] == [
        sonarr_webhook("series_add"),
        sonarr_webhook("grab"),
        *(parse_sonarr(episode_import(number), INSTANCE) for number in (1, 2, 3)),
        sonarr_webhook("episode_file_delete"),
    ]


async def test_radarr_history_is_what_the_webhooks_said(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Movie grabs, import and deletion; the anime movie's tag is named."""
    aioclient_mock.get(RADARR_HISTORY, json=fixture("radarr/api_history.json"))
    aioclient_mock.get(
        f"{RADARR_URL}/api/v3/tag",
        json=[{"label": "anime", "id": 1}, {"label": "4k", "id": 2}],
    )

    read = await radarr.async_history_since(REQUESTED, instance_id=INSTANCE)

    assert queries(aioclient_mock) == [
        ("/api/v3/history", history_query(1, **RADARR_INCLUDES)),
        ("/api/v3/tag", {}),
    ]
    assert (read.calls, read.complete) == (2, True)
    assert [event.at for event in read.events] == [
        at(12, 0, 4),
        at(12, 0, 6),
        at(12, 1),
        at(12, 1, 30),
        at(12, 44, 31),
        at(13, 10),
    ]
    anime_added = read.events[1].observation
    assert isinstance(anime_added, ArrMediaAdded)
    assert (anime_added.media.arr_id, anime_added.media.tags) == (31, ("anime",))
    assert [event.observation for event in read.events] == [
        radarr_webhook("movie_added"),
        anime_added,
        radarr_webhook("grab"),
        radarr_webhook("grab_anime_movie"),
        radarr_webhook("download"),
        radarr_webhook("movie_file_delete"),
    ]


async def test_reading_stops_at_the_page_with_an_older_record(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The page holding a record older than `since` is the last one read."""
    # 12 records in pages of 4: page 2 ends with the 12:01 grabs.
    mock_pages(aioclient_mock, SONARR_HISTORY, pages("sonarr/api_history.json", 4))

    read = await sonarr.async_history_since(
        at(12, 41), instance_id=INSTANCE, page_size=4
    )

    assert queries(aioclient_mock) == [
        ("/api/v3/history", history_query(page, 4, **SONARR_INCLUDES))
        for page in (1, 2)
    ]
    assert (read.calls, read.complete) == (2, True)
    # The grab (12:01) is older than the moment asked for.
    assert [type(event.observation) for event in read.events] == [
        ArrImport,
        ArrImport,
        ArrImport,
        ArrFileDeleted,
    ]


async def test_budget_exhausted_leaves_the_read_incomplete(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """With every call used before reaching `since`, older facts may be missing."""
    mock_pages(aioclient_mock, SONARR_HISTORY, pages("sonarr/api_history.json", 4))

    read = await sonarr.async_history_since(
        at(0, 0, day=1), instance_id=INSTANCE, max_calls=2, page_size=4
    )

    assert (read.calls, read.complete) == (2, False)
    assert aioclient_mock.call_count == 2
    # What the two pages held is still returned: Example Show's addition, grab
    # and imports and its deletion, not the anime (on page 3).
    assert {event.observation.media.arr_id for event in read.events} == {7}
    assert len(read.events) == 6


async def test_default_budget(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """Without max_calls, MAX_HISTORY_CALLS pages at most are read."""
    full_page = fixture("sonarr/api_history.json")
    # Every page full and more records announced: only the budget stops it.
    full_page.update(pageSize=12, totalRecords=1000)
    aioclient_mock.get(SONARR_HISTORY, json=full_page)

    read = await sonarr.async_history_since(
        at(0, 0, day=1), instance_id=INSTANCE, page_size=12
    )

    assert (read.calls, read.complete) == (MAX_HISTORY_CALLS, False)
    assert [query["page"] for _, query in queries(aioclient_mock)] == [
        str(page) for page in range(1, MAX_HISTORY_CALLS + 1)
    ]
    # The same records on every page are one set of facts: the anime's
    # addition, grab and two imports, the show's addition, grab, three imports
    # and one deletion.
    assert len(read.events) == 10


async def test_records_run_out_before_since(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The whole history is newer: read to its end, tags named for the anime."""
    mock_pages(aioclient_mock, SONARR_HISTORY, pages("sonarr/api_history.json", 6))
    aioclient_mock.get(f"{SONARR_URL}/api/v3/tag", json=[{"label": "anime", "id": 1}])

    read = await sonarr.async_history_since(
        at(0, 0, day=1), instance_id=INSTANCE, page_size=6
    )

    # Page 2 reaches totalRecords (12): no third page is asked for.
    assert queries(aioclient_mock) == [
        ("/api/v3/history", history_query(1, 6, **SONARR_INCLUDES)),
        ("/api/v3/history", history_query(2, 6, **SONARR_INCLUDES)),
        ("/api/v3/tag", {}),
    ]
    assert (read.calls, read.complete) == (3, True)
    anime_added, anime_grab, *anime_imports = read.events[:4]
    assert anime_added.at == at(21, 29, 40, day=9)
    assert isinstance(anime_added.observation, ArrMediaAdded)
    assert anime_grab.at == at(21, 30, day=9)
    assert isinstance(anime_grab.observation, ArrGrab)
    assert anime_grab.observation.media.tags == ("anime",)
    assert anime_grab.observation.media.series_type == "anime"
    assert [e.episode for e in anime_grab.observation.episodes] == [1, 2]
    assert [
        (event.observation.files[0].file_id, event.observation.is_upgrade)
        for event in anime_imports
        if isinstance(event.observation, ArrImport)
    ] == [(23001, False), (23002, False)]
    # Oldest first, the request's facts after the anime's.
    assert [event.at for event in read.events] == sorted(
        event.at for event in read.events
    )
    assert len(read.events) == 10


async def test_empty_history(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A new installation: no records, one call, complete."""
    answer = fixture("radarr/api_history.json")
    answer.update(totalRecords=0, records=[])
    aioclient_mock.get(RADARR_HISTORY, json=answer)

    read = await radarr.async_history_since(REQUESTED, instance_id=INSTANCE)

    assert (read.events, read.calls, read.complete) == ((), 1, True)


async def test_no_tag_lookup_without_a_call_left(
    radarr: RadarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """The tag lookup never exceeds the budget; the tags stay unnamed."""
    answer = fixture("radarr/api_history.json")
    answer.update(pageSize=4, totalRecords=40)
    aioclient_mock.get(RADARR_HISTORY, json=answer)

    read = await radarr.async_history_since(
        REQUESTED, instance_id=INSTANCE, max_calls=1, page_size=4
    )

    assert (read.calls, read.complete) == (1, False)
    assert [path for path, _ in queries(aioclient_mock)] == ["/api/v3/history"]
    anime_grab = read.events[3].observation
    assert isinstance(anime_grab, ArrGrab)
    assert anime_grab.media.tmdb_id == 378064
    assert anime_grab.media.tags == ()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([], "paged answer of history records from Sonarr"),
        ({"page": 1, "totalRecords": 0}, "paged answer of history records"),
        ({"page": 1, "records": {"id": 1}}, "paged answer of history records"),
        ("history", "paged answer of history records"),
    ],
    ids=["array", "no-records", "records-not-array", "text"],
)
async def test_not_a_page(
    sonarr: SonarrClient,
    aioclient_mock: AiohttpClientMocker,
    answer: Any,
    message: str,
) -> None:
    """Anything but the paged object (e.g. /history/since's array) is unexpected."""
    aioclient_mock.get(SONARR_HISTORY, json=answer)
    with pytest.raises(UnexpectedResponse, match=message):
        await sonarr.async_history_since(REQUESTED, instance_id=INSTANCE)


@pytest.mark.parametrize(
    ("mock_kwargs", "error"),
    [
        ({"exc": TimeoutError()}, CannotConnect),
        ({"exc": ClientError("boom")}, CannotConnect),
        ({"status": HTTPStatus.UNAUTHORIZED}, InvalidAuth),
        ({"status": HTTPStatus.INTERNAL_SERVER_ERROR}, UnexpectedResponse),
        ({"text": "<html>Radarr</html>"}, UnexpectedResponse),
    ],
)
async def test_errors_mapped(
    radarr: RadarrClient,
    aioclient_mock: AiohttpClientMocker,
    mock_kwargs: dict[str, Any],
    error: type[ServiceError],
) -> None:
    """Transport, auth and server errors are the client's errors, without the key."""
    aioclient_mock.get(RADARR_HISTORY, **mock_kwargs)

    with pytest.raises(error) as exc_info:
        await radarr.async_history_since(REQUESTED, instance_id=INSTANCE)

    assert API_KEY not in str(exc_info.value)


async def test_error_on_a_later_page_raises(
    sonarr: SonarrClient, aioclient_mock: AiohttpClientMocker
) -> None:
    """A failing second page fails the read: a partial one would look complete."""
    first, _, _ = pages("sonarr/api_history.json", 4)
    aioclient_mock.get(SONARR_HISTORY, params={"page": "1"}, json=first)
    aioclient_mock.get(
        SONARR_HISTORY, params={"page": "2"}, status=HTTPStatus.SERVICE_UNAVAILABLE
    )

    with pytest.raises(UnexpectedResponse, match="HTTP 503"):
        await sonarr.async_history_since(
            at(0, 0, day=1), instance_id=INSTANCE, page_size=4
        )


@pytest.mark.parametrize(
    ("since", "kwargs"),
    [
        (datetime(2026, 1, 10, 12, 0), {}),  # noqa: DTZ001 - the case under test
        (REQUESTED, {"max_calls": 0}),
        (REQUESTED, {"page_size": 0}),
    ],
    ids=["naive-since", "no-calls", "empty-pages"],
)
async def test_invalid_arguments(
    sonarr: SonarrClient,
    aioclient_mock: AiohttpClientMocker,
    since: datetime,
    kwargs: dict[str, int],
) -> None:
    """Arguments that cannot give a meaningful read are refused before any call."""
    with pytest.raises(ValueError, match=r"since|max_calls"):
        await sonarr.async_history_since(since, instance_id=INSTANCE, **kwargs)
    assert aioclient_mock.call_count == 0


# ------------------------------------------------------- the pure conversion


def told(events: tuple[HistoryEvent, ...]) -> list[HistoryEvent]:
    """Return the events but the additions (tested on their own)."""
    return [e for e in events if not isinstance(e.observation, ArrMediaAdded)]


def sonarr_records() -> list[dict[str, Any]]:
    """Return the Sonarr history fixture's records, newest first."""
    records: list[dict[str, Any]] = fixture("sonarr/api_history.json")["records"]
    return records


def record(records: list[dict[str, Any]], record_id: int) -> dict[str, Any]:
    """Return the record with this history id."""
    return next(r for r in records if r["id"] == record_id)


def test_malformed_records_skipped(caplog: pytest.LogCaptureFixture) -> None:
    """Records that cannot say what happened are skipped, logged without content."""
    records = sonarr_records()
    grab = record(records, 4101)
    broken: list[Any] = ["garbage", None, 7]
    for change in (
        {"date": None},
        {"date": "yesterday"},
        {"date": "2026-01-10T12:01:00"},  # no zone
        {"date": 1768046460},
        {"series": None},
        {"series": {"id": 7}},  # no title
        {"series": "Example Show"},
        {"episode": None},
        {"episode": {"id": 701, "seasonNumber": 1}},  # no episode number
    ):
        broken.append({**grab, **change, "id": len(broken)})
    no_path = copy.deepcopy(record(records, 4104))
    del no_path["data"]["importedPath"]
    broken.append(no_path)

    with caplog.at_level(logging.DEBUG):
        events = told(
            history_events(
                [*broken, grab], service=ArrService.SONARR, instance_id=INSTANCE
            )
        )

    # Only the intact grab record is left: a grab of episode 1 alone.
    assert [event.observation for event in events] == [
        ArrGrab(
            service=ArrService.SONARR,
            instance_id=INSTANCE,
            media=sonarr_webhook("grab").media,
            episodes=sonarr_webhook("grab").episodes[:1],
            download_id=SHOW_HASH,
            release_title="Example.Show.S01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE",
            size=10737418240,
            download_client="qBittorrent",
        )
    ]
    skipped = [r for r in caplog.records if "malformed Sonarr history" in r.message]
    assert len(skipped) == len(broken)
    assert {r.levelno for r in skipped} == {logging.DEBUG}
    assert "Example" not in caplog.text


def test_untracked_event_types_give_nothing(caplog: pytest.LogCaptureFixture) -> None:
    """Failed, renamed, ignored and unknown records are no facts, and not errors."""
    grab = record(sonarr_records(), 4101)
    others = [
        {**grab, "eventType": event_type, "id": number}
        for number, event_type in enumerate(
            [
                "downloadFailed",
                "episodeFileRenamed",
                "downloadIgnored",
                "unknown",
                "seriesDeleted",
                None,
                3,
            ]
        )
    ]

    with caplog.at_level(logging.DEBUG):
        events = told(
            history_events(others, service=ArrService.SONARR, instance_id=INSTANCE)
        )

    assert events == []
    assert "malformed" not in caplog.text


def test_records_older_than_since_give_no_events_but_context() -> None:
    """An older import still names the file a later deletion removed."""
    events = told(
        history_events(
            sonarr_records(),
            service=ArrService.SONARR,
            instance_id=INSTANCE,
            since=at(12, 41, 2),
        )
    )

    # At `since` is included; S01E01's import (one second earlier) is not.
    assert [event.at for event in events] == [at(12, 41, 2), at(12, 41, 3), at(13, 5)]
    deleted = events[-1].observation
    assert isinstance(deleted, ArrFileDeleted)
    assert (deleted.path, deleted.file_id, deleted.reason) == (
        SHOW_EPISODE_1,
        7001,
        "manual",
    )


def test_deletion_without_the_import_keeps_the_path() -> None:
    """Without the import in the records, the deletion is known by its path."""
    deletion = record(sonarr_records(), 4108)

    (event,) = told(
        history_events([deletion], service=ArrService.SONARR, instance_id=INSTANCE)
    )

    assert event.observation == ArrFileDeleted(
        service=ArrService.SONARR,
        instance_id=INSTANCE,
        media=sonarr_webhook("episode_file_delete").media,
        episodes=sonarr_webhook("episode_file_delete").episodes,
        path=SHOW_EPISODE_1,
        file_id=None,
        reason="manual",
    )


def test_multi_episode_file_is_one_import() -> None:
    """Sonarr's records of the episodes of one file make one imported file."""
    records = sonarr_records()
    first, second = copy.deepcopy(record(records, 4104)), record(records, 4105)
    double = (
        "/data/media/tv/Example Show (2008)/Season 01/Example Show - S01E01-E02.mkv"
    )
    for part in (first, second):
        part["data"] = {**first["data"], "importedPath": double}

    (event,) = told(
        history_events([second, first], service=ArrService.SONARR, instance_id=INSTANCE)
    )

    imported = event.observation
    assert isinstance(imported, ArrImport)
    assert event.at == at(12, 41, 1)
    assert [e.arr_episode_id for e in imported.episodes] == [701, 702]
    assert [(f.path, f.file_id, f.episodes) for f in imported.files] == [
        (double, 7001, imported.episodes)
    ]


def test_repeated_record_counts_once() -> None:
    """A record seen on two pages (the history grew while reading) is one fact."""
    records = sonarr_records()
    grabs = [record(records, rid) for rid in (4101, 4102, 4103)]

    events = told(
        history_events(
            [*grabs, grabs[2], grabs[0]],
            service=ArrService.SONARR,
            instance_id=INSTANCE,
        )
    )

    assert [event.observation for event in events] == [sonarr_webhook("grab")]


def test_grab_without_download_id() -> None:
    """A grab the client named no download for is one grab per release."""
    records = sonarr_records()
    grabs = []
    for rid in (4101, 4102, 4103):
        grab = copy.deepcopy(record(records, rid))
        del grab["downloadId"]
        grab["data"]["downloadClientName"] = None
        grabs.append(grab)

    (event,) = told(
        history_events(grabs, service=ArrService.SONARR, instance_id=INSTANCE)
    )

    observation = event.observation
    assert isinstance(observation, ArrGrab)
    assert observation.download_id is None
    assert len(observation.episodes) == 3
    # Older records name the client's type only.
    assert observation.download_client == "qBittorrent"


def test_import_after_an_upgrade_deletion_is_an_upgrade() -> None:
    """A file deleted for an upgrade, then imported again, as the webhooks say."""
    movie = fixture("radarr/api_history.json")["records"]
    first_import = record(movie, 2003)
    path = first_import["data"]["importedPath"]
    replaced = {
        **record(movie, 2004),
        "date": "2026-02-01T09:00:00Z",
        "data": {"reason": "Upgrade", "size": "8203010048"},
        "id": 2101,
    }
    better = copy.deepcopy(first_import)
    better.update(date="2026-02-01T09:00:01Z", downloadId="ABCDEF0123456789", id=2102)
    better["data"].update(fileId="1202", size="9100000000")

    events = told(
        history_events(
            [better, replaced, first_import],
            service=ArrService.RADARR,
            instance_id=INSTANCE,
        )
    )

    observations = [event.observation for event in events]
    assert [type(o) for o in observations] == [ArrImport, ArrFileDeleted, ArrImport]
    first, deleted, upgrade = observations
    assert isinstance(first, ArrImport)
    assert isinstance(deleted, ArrFileDeleted)
    assert isinstance(upgrade, ArrImport)
    assert not first.is_upgrade
    # The reason as the webhook spells it: the tracker ignores upgrade deletions.
    assert (deleted.reason, deleted.file_id) == ("upgrade", 1201)
    assert upgrade.is_upgrade
    assert (upgrade.files[0].path, upgrade.files[0].file_id) == (path, 1202)
    assert upgrade.download_id == "ABCDEF0123456789"
