"""Catch-up: Radarr's/Sonarr's queue and Shoko are asked what lost webhooks said.

After a start and at every maintenance run, requests still waiting for a grab
make one queue read per *arr instance, and imported anime files Shoko has not
reported matched one path lookup each (at most 20 per run). What comes back is
applied as the webhook or hub event would have been: a repeat, or the real
webhook coming late, adds nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import timedelta
from http import HTTPStatus
import logging
from typing import Any
from unittest.mock import MagicMock

from aiohttp import ClientConnectionError
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from yarl import URL

from custom_components.status_tracker.catch_up import MAX_SHOKO_LOOKUPS, CatchUp
from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.store import SAVE_DELAY

from .conftest import (
    API_KEYS,
    ENTRY_ID,
    URLS,
    WEBHOOK_IDS,
    PostWebhook,
    hub_config_entry,
    mock_answer,
    mock_health,
    mock_recent_items,
    subentry_data,
)
from .flows import (
    ANIME_EPISODE_FILES,
    ANIME_MOVIE_FILE,
    ANIME_SHOWS_FOLDER,
    anime_episode_import,
    anime_episode_list,
    anime_movie_flow,
    anime_movie_import,
    anime_tv_flow,
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    shoko_file_event,
    sonarr_episode_list,
    tv_flow,
)
from .shoko_server import IMPORT_FOLDERS, SHOKO_SUBENTRY_ID, ShokoServer, shoko_server  # noqa: F401

MAINTENANCE = timedelta(minutes=15)
MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
ANIME_SENSOR = "sensor.media_stack_example_anime_s1"
ANIME_MOVIE_SENSOR = "sensor.media_stack_example_anime_movie_2020"
EVENT_ENTITY = "event.media_stack_stage_change"
SHOKO_ID = SHOKO_SUBENTRY_ID
QUEUE_PATH = "/api/v3/queue/details"
PATH_ENDS_WITH = "/api/v3/File/PathEndsWith"
MOVIE_RELEASE = "Example.Movie.1999.1080p.BluRay.x264-EXAMPLE"
SHOW_RELEASE = "Example.Show.S01.1080p.WEB-DL.DDP5.1.H.264-EXAMPLE"
SEASON_2_HASH = "E5F7A9C1B3D5F7092A4C6E8F0B2D4F6A8C0E2B41"
# Sonarr's SeriesResource of Example Show, for the presence check that links
# Seerr's TV requests to series 7.
EXAMPLE_SHOW = {
    "title": "Example Show",
    "year": 2008,
    "path": "/data/media/tv/Example Show (2008)",
    "tvdbId": 81189,
    "tmdbId": 1396,
    "imdbId": "tt0903747",
    "seriesType": "standard",
    "id": 7,
}

type Answer = Any
type Handler = Callable[[str, URL, Any], Awaitable[AiohttpClientMockResponse]]


class Upstream:
    """What Sonarr's and Radarr's queues and Shoko's path lookup answer.

    A value is a JSON answer, an HTTP status, or an exception the request
    raises. `gate`, when set, holds the queue answers until it is opened.
    """

    def __init__(self, aioclient_mock: AiohttpClientMocker) -> None:
        self.mock = aioclient_mock
        self.queues: dict[str, Answer] = {"sonarr": [], "radarr": []}
        # Shoko's answer by the path asked for; none for the others.
        self.shoko_files: dict[str, Answer] = {}
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        for service in ("sonarr", "radarr"):
            aioclient_mock.get(
                f"{URLS[service]}{QUEUE_PATH}", side_effect=self._queue(service)
            )

    def _queue(self, service: str) -> Handler:
        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            self.entered.set()
            if self.gate is not None:
                await self.gate.wait()
            return mock_answer(method, url, self.queues[service])

        return answer

    def answer_shoko(self, url: str) -> None:
        """Answer Shoko's path lookups at `url` from `shoko_files`."""

        async def answer(method: str, url: URL, data: Any) -> AiohttpClientMockResponse:
            return mock_answer(method, url, self.shoko_files.get(url.query["path"], []))

        self.mock.get(f"{url}{PATH_ENDS_WITH}", side_effect=answer)

    def queue_calls(self, service: str) -> list[URL]:
        """Return the queue reads made of `service`."""
        return [
            url
            for _, url, _, _ in self.mock.mock_calls
            if str(url).startswith(f"{URLS[service]}{QUEUE_PATH}")
        ]

    def shoko_lookups(self) -> list[str]:
        """Return the paths Shoko was asked for, in order."""
        return [
            url.query["path"]
            for _, url, _, _ in self.mock.mock_calls
            if url.path == PATH_ENDS_WITH
        ]


@pytest.fixture
def upstream(aioclient_mock: AiohttpClientMocker) -> Upstream:
    """Answer the hub's REST calls; the queues are empty until a test fills them."""
    answers = Upstream(aioclient_mock)
    # Sonarr has Example Show: Seerr's TV requests are linked to series 7.
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/series?tvdbId=81189", json=[EXAMPLE_SHOW]
    )
    mock_health(aioclient_mock)
    mock_recent_items(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=23", json=anime_episode_list()
    )
    aioclient_mock.get(f"{URLS['jellyfin']}/Items", json=jellyfin_series_items())
    return answers


@pytest.fixture
async def hub(hass: HomeAssistant, upstream: Upstream) -> MockConfigEntry:
    """Set up Seerr, Sonarr, Radarr and Jellyfin (nothing tracked yet)."""
    entry = hub_config_entry(
        [subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


@pytest.fixture
async def anime_hub(
    hass: HomeAssistant,
    aioclient_mock: AiohttpClientMocker,
    upstream: Upstream,
    shoko_server: ShokoServer,  # noqa: F811
) -> AsyncGenerator[MockConfigEntry]:
    """Set up the hub with the fake Shoko too."""
    upstream.answer_shoko(shoko_server.url)
    aioclient_mock.get(f"{shoko_server.url}/api/v3/ImportFolder", json=IMPORT_FOLDERS)
    entry = hub_config_entry(
        [
            *(subentry_data(s) for s in ("seerr", "sonarr", "radarr", "jellyfin")),
            shoko_server.subentry(),
        ]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await shoko_server.wait_connected()
    yield entry
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
def fired(hass: HomeAssistant) -> list[tuple[str, str]]:
    """Collect the stage change events: (title, stage)."""
    events: list[tuple[str, str]] = []

    @callback
    def collect(event: Event) -> None:
        old, new = event.data["old_state"], event.data["new_state"]
        if old is None or new is None or STATE_UNAVAILABLE in (old.state, new.state):
            return  # set up, unloaded or restored: not an event
        events.append((new.attributes["title"], new.attributes["stage"]))

    async_track_state_change_event(hass, EVENT_ENTITY, collect)
    return events


async def maintenance(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the next maintenance run (and the catch-up) happen."""
    freezer.tick(MAINTENANCE)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


def timeline(entry: MockConfigEntry, title: str) -> list[tuple[str, str | None]]:
    """Return (kind, detail) of each fact on the timeline of the titled request."""
    (request,) = [
        r for r in entry.runtime_data.tracker.active() if r.title == title
    ] or [r for r in entry.runtime_data.tracker.recently_finished() if r.title == title]
    return [(e.kind, e.detail) for e in request.timeline]


def season_request(season: int, request_id: str) -> dict[str, Any]:
    """Return Seerr's approval of Example Show `season` as request `request_id`."""
    body = load_fixture("jellyseerr/media_approved_tv.json")
    body["request"]["request_id"] = request_id
    body["extra"][0]["value"] = str(season)
    return body


def queue_record(
    series_id: int, season: int, number: int, download_id: str | None
) -> dict[str, Any]:
    """Return a Sonarr queue record like the fixture's, for another episode."""
    record = load_fixture("sonarr/api_queue_details.json")[0]
    record["seriesId"] = record["episode"]["seriesId"] = series_id
    record["seasonNumber"] = record["episode"]["seasonNumber"] = season
    record["episode"]["episodeNumber"] = number
    record["episode"]["id"] = record["episodeId"] = 100 * season + number
    record["title"] = f"Example.Show.S0{season}E0{number}.1080p.WEB-DL-EXAMPLE"
    if download_id is None:
        del record["downloadId"]
    else:
        record["downloadId"] = download_id
    return record


# ------------------------------------------------------------------- grabs


async def test_nothing_waiting_asks_nothing(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No queue is read without a request waiting for a grab."""
    await maintenance(hass, freezer)  # nothing tracked at all
    flow = movie_flow()
    for step in flow[:2]:
        # Approved, but Radarr has not said it has the movie: nothing to ask.
        await post_webhook(*step)
    await maintenance(hass, freezer)
    for step in flow[2:4]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"
    await maintenance(hass, freezer)

    assert upstream.queue_calls("radarr") == []
    assert upstream.queue_calls("sonarr") == []


async def test_lost_grab_comes_back_once(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
    fired: list[tuple[str, str]],
) -> None:
    """The queue gives the grab back; more runs and the late webhook add nothing."""
    flow = movie_flow()
    for step in flow[:3]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "searching"
    upstream.queues["radarr"] = load_fixture("radarr/api_queue_details.json")

    await maintenance(hass, freezer)

    (call,) = upstream.queue_calls("radarr")
    assert call.query == {}
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"
    expected = [
        ("requested", None),
        ("approved", None),
        ("added_to_arr", None),
        ("grabbed", MOVIE_RELEASE),
    ]
    assert timeline(hub, "Example Movie") == expected
    assert fired[-1] == ("Example Movie", "grabbed")
    events = len(fired)
    # Only the movie's record counts: the anime movie is nobody's request.
    assert len(list(hub.runtime_data.tracker.active())) == 1

    # Saved like the webhook's fact.
    freezer.tick(timedelta(seconds=SAVE_DELAY + 1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    (stored,) = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]["data"]["requests"]
    assert stored["movie"]["download_ids"] == [
        "3f5a9c2e7b1d4a6c8e0f2b4d6a8c0e1f3a5b7c9d"
    ]
    assert stored["timeline"][-1]["kind"] == "grabbed"

    # Grabbed now: the next run does not ask; the late webhook adds nothing.
    await maintenance(hass, freezer)
    assert len(upstream.queue_calls("radarr")) == 1
    await post_webhook(*flow[3])
    assert timeline(hub, "Example Movie") == expected
    assert len(fired) == events

    await post_webhook(*flow[4])
    assert hass.states.get(MOVIE_SENSOR).state == "importing"


async def test_grab_webhook_during_a_run_is_not_doubled(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
    fired: list[tuple[str, str]],
) -> None:
    """The webhook comes while the queue is read: one fact, one event."""
    flow = movie_flow()
    for step in flow[:3]:
        await post_webhook(*step)
    upstream.queues["radarr"] = load_fixture("radarr/api_queue_details.json")
    upstream.gate = asyncio.Event()
    freezer.tick(MAINTENANCE)
    async_fire_time_changed(hass)
    await upstream.entered.wait()

    client = await hass_client_no_auth()
    response = await client.post(
        f"/api/webhook/{WEBHOOK_IDS['radarr']}", json=flow[3][1]
    )
    assert response.status == 200
    upstream.gate.set()
    await hass.async_block_till_done()

    assert len(upstream.queue_calls("radarr")) == 1
    assert [kind for kind, _ in timeline(hub, "Example Movie")].count("grabbed") == 1
    assert fired.count(("Example Movie", "grabbed")) == 1
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"


async def test_one_queue_read_per_instance(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Many waiting requests: each *arr's queue is read once per run."""
    for step in movie_flow()[:3]:
        await post_webhook(*step)
    for step in anime_movie_flow()[:1]:
        await post_webhook(*step)
    await post_webhook("seerr", season_request(1, "202"))
    await post_webhook("seerr", season_request(2, "205"))
    await post_webhook("seerr", anime_tv_flow()[0][1])
    # The anime movie is linked to Radarr when Radarr adds it.
    movie_added = load_fixture("radarr/movie_added.json")
    movie_added["movie"] = load_fixture("radarr/grab_anime_movie.json")["movie"]
    await post_webhook("radarr", movie_added)
    series_add = load_fixture("sonarr/series_add.json")
    series_add["series"] = load_fixture("sonarr/grab_anime.json")["series"]
    await post_webhook("sonarr", series_add)
    waiting = [
        r for r in hub.runtime_data.tracker.active() if r.arr_instance is not None
    ]
    assert len(waiting) == 5

    await maintenance(hass, freezer)
    assert len(upstream.queue_calls("radarr")) == 1
    (sonarr_call,) = upstream.queue_calls("sonarr")
    assert sonarr_call.query == {"includeEpisode": "true"}

    await maintenance(hass, freezer)
    assert len(upstream.queue_calls("radarr")) == 2
    assert len(upstream.queue_calls("sonarr")) == 2


async def test_sonarr_queue_ties_each_season_to_its_request(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    fired: list[tuple[str, str]],
) -> None:
    """Episodes go to the request of their season; other series are ignored."""
    await post_webhook("seerr", season_request(1, "202"))
    await post_webhook("seerr", season_request(2, "205"))
    tracker = hub.runtime_data.tracker
    season_1, season_2 = sorted(tracker.active(), key=lambda r: r.seasons)
    assert (season_1.arr_id, season_2.arr_id) == (7, 7)
    queue = load_fixture("sonarr/api_queue_details.json")
    upstream.queues["sonarr"] = [
        *queue,
        queue_record(7, 2, 1, SEASON_2_HASH),
        # A series nobody asked for, and a season nobody asked for.
        queue_record(99, 1, 1, "F" * 40),
        queue_record(7, 3, 1, "A" * 40),
    ]

    await maintenance(hass, freezer)

    assert len(list(tracker.active())) == 2
    assert season_1.state == "grabbed"
    assert sorted(season_1.episodes) == ["S01E01", "S01E02", "S01E03"]
    assert season_1.timeline[-1].kind == "grabbed"
    assert season_1.timeline[-1].detail == SHOW_RELEASE
    assert all(
        e.download_ids == ["b7e4c1a9d2f8063e5a7c9b1d3f5e7a9c2b4d6f80"]
        for e in season_1.episodes.values()
    )
    assert season_2.state == "grabbed"
    assert season_2.episodes["S02E01"].download_ids == [SEASON_2_HASH.lower()]
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "grabbed"
    assert state.attributes["episodes_summary"] == "0/3 available · 3 grabbed"
    assert [stage for _, stage in fired].count("grabbed") == 2

    # The season pack's webhook, late: nothing twice.
    before = [list(season_1.timeline), list(season_2.timeline)]
    events = len(fired)
    await post_webhook(*tv_flow()[3])
    await maintenance(hass, freezer)
    assert [season_1.timeline, season_2.timeline] == before
    assert len(fired) == events


@pytest.mark.parametrize(
    "answer",
    [
        ClientConnectionError("Connection refused"),
        TimeoutError(),
        HTTPStatus.INTERNAL_SERVER_ERROR,
        HTTPStatus.UNAUTHORIZED,
        {"page": 1, "pageSize": 10, "totalRecords": 0, "records": []},
        "Radarr",
    ],
    ids=["refused", "timeout", "500", "401", "paged", "not-json-array"],
)
async def test_queue_errors_change_nothing(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
    answer: Answer,
) -> None:
    """A queue that cannot be read: one debug line, the request as it was."""
    for step in movie_flow()[:3]:
        await post_webhook(*step)
    await post_webhook("seerr", season_request(1, "202"))
    upstream.queues["radarr"] = answer
    upstream.queues["sonarr"] = load_fixture("sonarr/api_queue_details.json")
    before = timeline(hub, "Example Movie")

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="custom_components.status_tracker"):
        await maintenance(hass, freezer)

    assert len(upstream.queue_calls("radarr")) == 1
    assert hass.states.get(MOVIE_SENSOR).state == "searching"
    assert timeline(hub, "Example Movie") == before
    # The other instance's answer still counts.
    assert hass.states.get(SHOW_SENSOR).state == "grabbed"
    ours = [r for r in caplog.records if "Catch-up" in r.getMessage()]
    assert [r.levelno for r in ours] == [logging.DEBUG]
    assert "Radarr" in ours[0].getMessage()
    assert not [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("custom_components")
    ]
    assert API_KEYS["radarr"] not in caplog.text


async def test_only_one_run_at_a_time_and_unload_stops_it(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    hass_storage: dict[str, Any],
) -> None:
    """A run still waiting for an answer is not started twice, and unload ends it."""
    for step in movie_flow()[:3]:
        await post_webhook(*step)
    upstream.queues["radarr"] = load_fixture("radarr/api_queue_details.json")
    upstream.gate = asyncio.Event()

    freezer.tick(MAINTENANCE)
    async_fire_time_changed(hass)
    await upstream.entered.wait()
    freezer.tick(MAINTENANCE)
    async_fire_time_changed(hass)
    assert len(upstream.queue_calls("radarr")) == 1

    assert await hass.config_entries.async_unload(hub.entry_id)
    await hass.async_block_till_done()
    assert len(upstream.queue_calls("radarr")) == 1
    (stored,) = hass_storage[f"{DOMAIN}.{ENTRY_ID}"]["data"]["requests"]
    assert stored["state"] == "searching"


async def test_start_reads_the_queue_of_configured_instances_only(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
) -> None:
    """At the start the queue is read; a removed instance is not asked."""
    for step in movie_flow()[:3]:
        await post_webhook(*step)
    upstream.queues["radarr"] = load_fixture("radarr/api_queue_details.json")
    assert await hass.config_entries.async_unload(hub.entry_id)
    await hass.async_block_till_done()
    assert upstream.queue_calls("radarr") == []

    # The user removed Radarr while the hub was not loaded.
    hass.config_entries.async_remove_subentry(hub, "radarr_subentry")
    assert await hass.config_entries.async_setup(hub.entry_id)
    await hass.async_block_till_done()
    assert upstream.queue_calls("radarr") == []
    assert hass.states.get(MOVIE_SENSOR).state == "searching"
    assert await hass.config_entries.async_unload(hub.entry_id)
    await hass.async_block_till_done()

    hass.config_entries.async_add_subentry(hub, _subentry(subentry_data("radarr")))
    assert await hass.config_entries.async_setup(hub.entry_id)
    await hass.async_block_till_done()
    assert len(upstream.queue_calls("radarr")) == 1
    assert hass.states.get(MOVIE_SENSOR).state == "grabbed"


def _subentry(data: dict[str, Any]) -> ConfigSubentry:
    return ConfigSubentry(
        data=data["data"],
        subentry_id=data["subentry_id"],
        subentry_type=data["subentry_type"],
        title=data["title"],
        unique_id=data["unique_id"],
    )


# ------------------------------------------------------------------- Shoko


async def applied(
    entry: MockConfigEntry, server: ShokoServer, record: dict[str, Any]
) -> None:
    """Send a Shoko hub event and wait until the hub has applied it."""
    hub = entry.runtime_data
    done = asyncio.Event()
    apply = hub.apply

    def counting_apply(observation: Any, **kwargs: Any) -> None:
        apply(observation, **kwargs)
        done.set()

    hub.apply = counting_apply
    try:
        assert await server.send_records(record) == 1
        await done.wait()
    finally:
        hub.apply = apply
    await hub.hass.async_block_till_done()


def shoko_file(number: int) -> list[dict[str, Any]]:
    """Return Shoko's path lookup answer for anime episode file <number>."""
    return [
        {
            "ID": 5000 + number,
            "Size": 1_456_789_012,
            "IsVariation": False,
            "Locations": [
                {
                    "ID": 6000 + number,
                    "FileID": 5000 + number,
                    "ImportFolderID": 2,
                    "RelativePath": ANIME_EPISODE_FILES[number],
                    "IsAccessible": True,
                }
            ],
            "SeriesIDs": [
                {
                    "SeriesID": {"ID": 42, "AniDB": 17617},
                    "EpisodeIDs": [{"ID": 1000 + number, "AniDB": 271000 + number}],
                }
            ],
        }
    ]


async def test_shoko_gives_a_lost_match_back(
    hass: HomeAssistant,
    anime_hub: MockConfigEntry,
    upstream: Upstream,
    shoko_server: ShokoServer,  # noqa: F811
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    fired: list[tuple[str, str]],
) -> None:
    """Each unmatched file is asked for until Shoko has matched it, then never."""
    for service, body in anime_tv_flow()[:4]:
        await post_webhook(service, body)
    assert hass.states.get(ANIME_SENSOR).state == "importing"
    # Shoko knows the first file and its episode; the second is still hashing.
    upstream.shoko_files[ANIME_EPISODE_FILES[1]] = shoko_file(1)
    upstream.shoko_files[ANIME_EPISODE_FILES[2]] = [
        {**shoko_file(2)[0], "SeriesIDs": []}
    ]

    # A start asks (here: a reload, with Shoko's hub connected again).
    assert await hass.config_entries.async_reload(anime_hub.entry_id)
    await hass.async_block_till_done()
    await shoko_server.wait_connected(2)
    # Asked by series/season/file: what Sonarr and Shoko both name.
    assert upstream.shoko_lookups() == [ANIME_EPISODE_FILES[1], ANIME_EPISODE_FILES[2]]
    (request,) = anime_hub.runtime_data.tracker.active()
    assert request.episodes["S01E01"].shoko_file_ids == [5001]
    assert request.episodes["S01E01"].shoko_episode_ids == [1001]
    assert request.episodes["S01E01"].matched_at is not None
    assert request.episodes["S01E02"].matched_at is None
    assert hass.states.get(ANIME_SENSOR).state == "importing"
    matched = [e for e in request.timeline if e.kind == "matched"]
    assert [e.detail for e in matched] == [ANIME_EPISODE_FILES[1].rsplit("/", 1)[1]]

    # Shoko's own event, late: nothing twice.
    events = len(fired)
    await applied(anime_hub, shoko_server, shoko_file_event("FileMatched", 1))
    assert [e for e in request.timeline if e.kind == "matched"] == matched
    assert len(fired) == events

    upstream.shoko_files[ANIME_EPISODE_FILES[2]] = shoko_file(2)
    await maintenance(hass, freezer)
    # The matched file is not asked for again.
    assert upstream.shoko_lookups()[2:] == [ANIME_EPISODE_FILES[2]]
    assert hass.states.get(ANIME_SENSOR).state == "matching"
    assert request.shoko_series_ids == [42]
    assert fired[-1] == ("Example Anime", "matching")
    assert [e.kind for e in request.timeline].count("matched") == 2

    # Nothing left to ask.
    await maintenance(hass, freezer)
    assert len(upstream.shoko_lookups()) == 3


async def test_shoko_lookups_are_bounded_and_take_turns(
    hass: HomeAssistant,
    anime_hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At most 20 lookups per run; the files left out come first next time."""
    flow = anime_tv_flow()
    await post_webhook(*flow[0])
    await post_webhook(*flow[1])
    paths = []
    for number in range(1, 26):
        body = anime_episode_import(1 + (number - 1) % 2)
        episode = body["episodes"][0]
        episode["episodeNumber"] = number
        episode["id"] = 2300 + number
        name = f"Example Anime - S01E{number:02d} WEBDL-1080p.mkv"
        body["episodeFile"]["id"] = 23000 + number
        body["episodeFile"]["path"] = (
            f"{ANIME_SHOWS_FOLDER}/Example Anime (2023)/Season 01/{name}"
        )
        paths.append(f"Example Anime (2023)/Season 01/{name}")
        await post_webhook("sonarr", body)

    await maintenance(hass, freezer)
    first = upstream.shoko_lookups()
    assert first == paths[:MAX_SHOKO_LOOKUPS]

    await maintenance(hass, freezer)
    second = upstream.shoko_lookups()[MAX_SHOKO_LOOKUPS:]
    assert len(second) == MAX_SHOKO_LOOKUPS
    assert second[:5] == paths[MAX_SHOKO_LOOKUPS:]
    assert set(first + second) == set(paths)


async def test_shoko_errors_stop_the_run_quietly(
    hass: HomeAssistant,
    anime_hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Shoko that fails is asked once per run; the next run tries again."""
    # Example Movie is no anime: its file is never asked for.
    for service, body in [
        *movie_flow()[:5],
        *anime_tv_flow()[:4],
        *anime_movie_flow()[:3],
    ]:
        await post_webhook(service, body)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    for number in (1, 2):
        upstream.shoko_files[ANIME_EPISODE_FILES[number]] = (
            HTTPStatus.SERVICE_UNAVAILABLE
        )
    upstream.shoko_files[ANIME_MOVIE_FILE] = HTTPStatus.SERVICE_UNAVAILABLE

    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="custom_components.status_tracker"):
        await maintenance(hass, freezer)
    assert len(upstream.shoko_lookups()) == 1
    ours = [r for r in caplog.records if "Catch-up" in r.getMessage()]
    assert [r.levelno for r in ours] == [logging.DEBUG]
    assert hass.states.get(ANIME_SENSOR).state == "importing"
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "importing"

    upstream.shoko_files.clear()
    upstream.shoko_files[ANIME_MOVIE_FILE] = load_fixture(
        "shoko/api_file_path_ends_with_movie.json"
    )
    await maintenance(hass, freezer)
    assert len(upstream.shoko_lookups()) == 4
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "matching"
    assert hass.states.get(ANIME_SENSOR).state == "importing"


async def test_each_file_asked_once_and_each_unit_until_matched(
    hass: HomeAssistant,
    anime_hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A file of two episodes is one lookup; a matched movie's other file none."""
    flow = anime_tv_flow()
    await post_webhook(*flow[0])
    await post_webhook(*flow[1])
    double = anime_episode_import(1)
    double["episodes"] = load_fixture("sonarr/grab_anime.json")["episodes"]
    relative = (
        "Example Anime (2023)/Season 01/Example Anime - S01E01-E02 WEBDL-1080p.mkv"
    )
    double["episodeFile"]["path"] = f"{ANIME_SHOWS_FOLDER}/{relative}"
    await post_webhook("sonarr", double)
    movie = anime_movie_flow()
    for step in movie[:3]:
        await post_webhook(*step)
    # An upgrade: the movie now has a second file.
    upgrade = anime_movie_import()
    upgrade["isUpgrade"] = True
    upgrade["movieFile"]["id"] = 3102
    upgrade["movieFile"]["path"] = upgrade["movieFile"]["path"].replace(
        "1080p", "2160p"
    )
    await post_webhook("radarr", upgrade)
    both = shoko_file(1)
    both[0]["SeriesIDs"][0]["EpisodeIDs"].append({"ID": 1002, "AniDB": 271002})
    upstream.shoko_files[relative] = both
    upstream.shoko_files[ANIME_MOVIE_FILE] = load_fixture(
        "shoko/api_file_path_ends_with_movie.json"
    )

    await maintenance(hass, freezer)

    assert sorted(upstream.shoko_lookups()) == sorted([relative, ANIME_MOVIE_FILE])
    assert hass.states.get(ANIME_SENSOR).state == "matching"
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "matching"


def test_unloading_before_any_run_is_harmless() -> None:
    """A hub stopped before its first catch-up has nothing to cancel."""
    CatchUp(MagicMock()).cancel()


async def test_no_shoko_no_lookup(
    hass: HomeAssistant,
    hub: MockConfigEntry,
    upstream: Upstream,
    post_webhook: PostWebhook,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Without a Shoko, imported anime is not looked up anywhere."""
    for service, body in anime_movie_flow()[:3]:
        await post_webhook(service, body)
    await maintenance(hass, freezer)
    assert upstream.shoko_lookups() == []
    assert hass.states.get(ANIME_MOVIE_SENSOR).state == "importing"
