"""The verify_request and retry_request actions, end to end.

verify looks a request up in Jellyfin now (by title, then by exact provider
ids, playable items only); retry does the same and asks Radarr/Sonarr to
search for what is still missing, clearing the request's problems.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from http import HTTPStatus
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockUser,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.test_util.aiohttp import (
    AiohttpClientMocker,
    AiohttpClientMockResponse,
)
from syrupy.assertion import SnapshotAssertion
from yarl import URL

from custom_components.status_tracker.const import DOMAIN

from .conftest import API_KEYS, URLS, PostWebhook, mock_health
from .flows import (
    MOVIE_JELLYFIN_ID,
    SHOW_JELLYFIN_ID,
    episode_import,
    jellyfin_episode,
    jellyfin_series_items,
    load_fixture,
    movie_flow,
    sonarr_episode_list,
)

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
SHOW_SENSOR = "sensor.media_stack_example_show_s1"
COMMAND_URL = "/api/v3/command"


# ------------------------------------------------------------ Jellyfin answers


def _strip(dto: dict[str, Any]) -> dict[str, Any]:
    """Return a DTO as the lean search/episode queries answer it (no DateCreated)."""
    dto = copy.deepcopy(dto)
    dto.pop("DateCreated", None)
    return dto


def _recent_item(name: str) -> dict[str, Any]:
    items = load_fixture("jellyfin/api_items_recent.json")["Items"]
    return _strip(next(item for item in items if item["Name"] == name))


def jellyfin_movie(**changes: Any) -> dict[str, Any]:
    """Return Example Movie as Jellyfin's /Items search answers it."""
    return {**_recent_item("Example Movie"), **changes}


def jellyfin_show() -> dict[str, Any]:
    """Return the Example Show series DTO (ProviderIds Tvdb/Tmdb/Imdb)."""
    return jellyfin_series_items()["Items"][0]


def jellyfin_episodes() -> list[dict[str, Any]]:
    """Return /Shows/{id}/Episodes of Example Show.

    S01E01-E03 are files, S01E04 is missing (virtual); the season-0 special and
    S02E01 are files too but not part of a season-1 request.
    """
    pilot = _recent_item("Pilot")
    special = {
        **copy.deepcopy(pilot),
        "Name": "Example Show: Special",
        "Id": "5e6f7a8b9c0d41e2f3a4b5c6d7e8f9a0",
        "ParentIndexNumber": 0,
        "IndexNumber": 1,
        "ProviderIds": {"Tvdb": "349230"},
        "SeasonName": "Specials",
        "Path": "/data/media/tv/Example Show (2008)/Specials/"
        "Example Show - S00E01 - Special WEBDL-1080p.mkv",
    }
    season_2 = {
        **copy.deepcopy(pilot),
        "Name": "Season Two Opener",
        "Id": "5e6f7a8b9c0d41e2f3a4b5c6d7e8f9a1",
        "ParentIndexNumber": 2,
        "IndexNumber": 1,
        "ProviderIds": {"Tvdb": "349301"},
        "SeasonName": "Season 2",
        "Path": "/data/media/tv/Example Show (2008)/Season 02/"
        "Example Show - S02E01 - Season Two Opener WEBDL-1080p.mkv",
    }
    return [
        special,
        pilot,
        _recent_item("The Second Cook"),
        _recent_item("The Third Cook"),
        _recent_item("Episode 4"),
        season_2,
    ]


def query_result(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a Jellyfin QueryResult."""
    return {"Items": items, "TotalRecordCount": len(items), "StartIndex": 0}


class FakeJellyfin:
    """Jellyfin's /Items and /Shows/{id}/Episodes, driven by the test.

    The library starts empty; the newest-items query (availability check)
    always answers an empty page.
    """

    def __init__(self, aioclient_mock: AiohttpClientMocker) -> None:
        self.mock = aioclient_mock
        self.movies: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.episodes: list[dict[str, Any]] = []
        self.status = HTTPStatus.OK
        base = URLS["jellyfin"]
        aioclient_mock.get(f"{base}/Items", side_effect=self._items)
        aioclient_mock.get(
            f"{base}/Shows/{SHOW_JELLYFIN_ID}/Episodes", side_effect=self._episodes
        )

    def _answer(self, method: str, url: URL, body: Any) -> AiohttpClientMockResponse:
        if self.status != HTTPStatus.OK:
            return AiohttpClientMockResponse(
                method, url, status=self.status, text="Internal Server Error"
            )
        return AiohttpClientMockResponse(method, url, json=body)

    async def _items(self, method: str, url: URL, data: Any) -> Any:
        query = url.query
        if "SortBy" in query:
            return AiohttpClientMockResponse(method, url, json=query_result([]))
        if "ids" in query:
            wanted = set(query["ids"].split(","))
            return self._answer(
                method, url, query_result([s for s in self.series if s["Id"] in wanted])
            )
        kind = query["IncludeItemTypes"]
        found = self.movies if kind == "Movie" else self.series
        return self._answer(method, url, query_result(found))

    async def _episodes(self, method: str, url: URL, data: Any) -> Any:
        return self._answer(method, url, query_result(self.episodes))

    def searches(self) -> list[dict[str, str]]:
        """Return the query of every title search, in order."""
        return [
            dict(url.query)
            for _, url, _, _ in self.mock.mock_calls
            if url.path == "/Items" and "SearchTerm" in url.query
        ]

    def calls(self) -> list[str]:
        """Return the paths and queries of every call but the newest-items one."""
        return [
            str(url.relative())
            for _, url, _, _ in self.mock.mock_calls
            if url.host == "jellyfin.local"
            and url.path != "/System/Info"
            and "SortBy" not in url.query
        ]


def command_answer(name: str, command_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Return the 201 CommandResource Sonarr/Radarr answer to POST /api/v3/command."""
    return {
        "name": name,
        "commandName": "Episode Search" if name == "EpisodeSearch" else "Movies Search",
        "body": {**body, "sendUpdatesToClient": True, "trigger": "manual"},
        "priority": "normal",
        "status": "queued",
        "result": "unknown",
        "queued": "2026-01-10T13:00:00Z",
        "trigger": "manual",
        "id": command_id,
    }


def arr_commands(mock: AiohttpClientMocker, service: str) -> list[Any]:
    """Return the JSON bodies POSTed to a service's command endpoint."""
    return [
        body
        for method, url, body, _ in mock.mock_calls
        if method.lower() == "post"
        and str(url).startswith(URLS[service])
        and url.path == COMMAND_URL
    ]


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def jellyfin(aioclient_mock: AiohttpClientMocker) -> FakeJellyfin:
    """Return the fake Jellyfin, with the other services healthy.

    Radarr and Sonarr do not have new requests' media yet (the presence check
    ends there) and know Example Show's episodes.
    """
    mock_health(aioclient_mock)
    aioclient_mock.get(
        f"{URLS['sonarr']}/api/v3/episode?seriesId=7", json=sonarr_episode_list()
    )
    return FakeJellyfin(aioclient_mock)


@pytest.fixture
async def hub(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, jellyfin: FakeJellyfin
) -> MockConfigEntry:
    """Set up the hub against the fake services."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


async def importing_movie(hass: HomeAssistant, post_webhook: PostWebhook) -> None:
    """Bring Example Movie to importing: Jellyfin's webhook never comes."""
    for step in movie_flow()[:5]:
        await post_webhook(*step)
    assert hass.states.get(MOVIE_SENSOR).state == "importing"


async def show_with_pilot(
    hass: HomeAssistant, post_webhook: PostWebhook, jellyfin: FakeJellyfin
) -> None:
    """Bring Example Show S1 to grabbed with only the pilot imported and in Jellyfin."""
    jellyfin.series = [jellyfin_show()]
    for name in ("media_pending_tv", "media_approved_tv"):
        await post_webhook("seerr", load_fixture(f"jellyseerr/{name}.json"))
    await post_webhook("sonarr", load_fixture("sonarr/series_add.json"))
    await post_webhook("sonarr", load_fixture("sonarr/grab.json"))
    await post_webhook("sonarr", episode_import(1))
    await post_webhook("jellyfin", jellyfin_episode(1))
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "grabbed"
    assert state.attributes["episodes_summary"] == "1/3 available · 2 grabbed"


async def call(
    hass: HomeAssistant, action: str, data: dict[str, Any], **kwargs: Any
) -> Any:
    return await hass.services.async_call(
        DOMAIN, action, data, blocking=True, return_response=True, **kwargs
    )


# -------------------------------------------------------------------- verify


@pytest.mark.usefixtures("hub")
async def test_verify_finds_the_movie_jellyfin_has(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    snapshot: SnapshotAssertion,
) -> None:
    """The playable movie with the request's TMDB id makes it available."""
    await importing_movie(hass, post_webhook)
    jellyfin.movies = [jellyfin_movie()]

    response = await call(hass, "verify_request", {"entity_id": MOVIE_SENSOR})

    assert response == snapshot
    (answer,) = response["requests"]
    assert answer["changed"] is True
    assert answer["newly_available"] == ["movie"]
    assert (answer["state_before"], answer["state"]) == ("importing", "available")
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "available"
    assert state.attributes["jellyfin_url"].startswith(
        f"https://watch.example.com/web/#/details?id={MOVIE_JELLYFIN_ID}"
    )
    # One title search, with the key in the header and never in the URL.
    assert jellyfin.searches() == [
        {
            "Recursive": "true",
            "IncludeItemTypes": "Movie",
            "SearchTerm": "Example Movie",
            "Fields": "ProviderIds,Path",
            "Limit": "20",
            "EnableImages": "false",
            "EnableUserData": "false",
        }
    ]
    ((_, url, _, headers),) = [
        c for c in jellyfin.mock.mock_calls if "SearchTerm" in c[1].query
    ]
    assert headers["Authorization"] == f'MediaBrowser Token="{API_KEYS["jellyfin"]}"'
    assert API_KEYS["jellyfin"] not in str(url)

    # Verifying again changes nothing.
    again = await call(hass, "verify_request", {"request_id": answer["request_id"]})
    assert again["requests"][0]["changed"] is False
    assert again["requests"][0]["newly_available"] == []
    assert again["requests"][0]["state_before"] == "available"


@pytest.mark.parametrize(
    "library",
    [
        pytest.param([], id="nothing"),
        pytest.param(
            [jellyfin_movie(LocationType="Virtual", Path=None)], id="not_playable"
        ),
        pytest.param(
            [jellyfin_movie(ProviderIds={"Tmdb": "100001", "Imdb": "tt0100001"})],
            id="other_movie",
        ),
        pytest.param(
            [_recent_item("Unrelated Movie"), {"Type": "Movie", "Path": "/x.mkv"}],
            id="unrelated_and_malformed",
        ),
    ],
)
async def test_verify_without_a_match_changes_nothing(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    hub: MockConfigEntry,
    library: list[dict[str, Any]],
) -> None:
    """No item, a missing one or another title's: found is empty, state stays."""
    await importing_movie(hass, post_webhook)
    jellyfin.movies = library

    response = await call(hass, "verify_request", {"entity_id": [MOVIE_SENSOR]})

    assert response == {
        "requests": [
            {
                "request_id": "req000001",
                "title": "Example Movie",
                "found": [],
                "state_before": "importing",
                "state": "importing",
                "newly_available": [],
                "changed": False,
            }
        ]
    }
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    # Items that are not the request's are not kept for a later match.
    assert not hub.runtime_data.tracker.orphans


@pytest.mark.usefixtures("hub")
async def test_verify_show_counts_requested_seasons_only(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    snapshot: SnapshotAssertion,
) -> None:
    """Series by search and provider ids, then its playable season-1 episodes."""
    for name in ("media_pending_tv", "media_approved_tv"):
        await post_webhook("seerr", load_fixture(f"jellyseerr/{name}.json"))
    await post_webhook("sonarr", load_fixture("sonarr/series_add.json"))
    await post_webhook("sonarr", load_fixture("sonarr/grab.json"))
    assert hass.states.get(SHOW_SENSOR).state == "grabbed"
    # Another show with the same name comes first in the search answer.
    jellyfin.series = [
        {
            **jellyfin_show(),
            "Id": "99999999999999999999999999999999",
            "ProviderIds": {},
        },
        jellyfin_show(),
    ]
    jellyfin.episodes = jellyfin_episodes()

    response = await call(hass, "verify_request", {"entity_id": SHOW_SENSOR})

    assert response == snapshot
    (answer,) = response["requests"]
    assert [f.get("episode") for f in answer["found"]] == ["S01E01", "S01E02", "S01E03"]
    assert answer["newly_available"] == ["S01E01", "S01E02", "S01E03"]
    assert answer["state"] == "available"
    state = hass.states.get(SHOW_SENSOR)
    assert state.state == "available"
    assert state.attributes["episodes_summary"] == "3/3 available"
    assert jellyfin.calls() == [
        (
            "/Items?Recursive=true&IncludeItemTypes=Series&SearchTerm=Example+Show"
            "&Fields=ProviderIds,Path&Limit=20&EnableImages=false&EnableUserData=false"
        ),
        (
            f"/Shows/{SHOW_JELLYFIN_ID}/Episodes"
            "?Fields=ProviderIds,Path&EnableImages=false&EnableUserData=false"
        ),
    ]


@pytest.mark.usefixtures("hub")
async def test_verify_show_of_all_seasons_leaves_out_specials(
    hass: HomeAssistant, post_webhook: PostWebhook, jellyfin: FakeJellyfin
) -> None:
    """A request naming no season wants the regular seasons, not the specials."""
    body = load_fixture("jellyseerr/media_pending_tv.json")
    body["extra"] = []
    await post_webhook("seerr", body)
    jellyfin.series = [jellyfin_show()]
    jellyfin.episodes = jellyfin_episodes()

    response = await call(hass, "verify_request", {"request_id": "req000001"})

    (answer,) = response["requests"]
    assert [f["episode"] for f in answer["found"]] == [
        "S01E01",
        "S01E02",
        "S01E03",
        "S02E01",
    ]
    assert answer["newly_available"] == ["S01E01", "S01E02", "S01E03", "S02E01"]


@pytest.mark.usefixtures("hub")
async def test_verify_show_through_its_known_jellyfin_series(
    hass: HomeAssistant, post_webhook: PostWebhook, jellyfin: FakeJellyfin
) -> None:
    """A show Jellyfin already sent an episode of is looked up by its series id."""
    await show_with_pilot(hass, post_webhook, jellyfin)
    jellyfin.series = [jellyfin_show()]
    jellyfin.episodes = jellyfin_episodes()
    before = len(jellyfin.calls())

    response = await call(hass, "verify_request", {"entity_id": SHOW_SENSOR})

    (answer,) = response["requests"]
    assert answer["newly_available"] == ["S01E02", "S01E03"]
    assert answer["changed"] is True
    # The pilot is found again but was available before.
    assert len(answer["found"]) == 3
    assert not jellyfin.searches()
    assert [c.split("&")[0] for c in jellyfin.calls()[before:]] == [
        f"/Items?ids={SHOW_JELLYFIN_ID}",
        f"/Shows/{SHOW_JELLYFIN_ID}/Episodes?Fields=ProviderIds,Path",
    ]
    assert hass.states.get(SHOW_SENSOR).state == "available"


@pytest.mark.usefixtures("hub")
async def test_verify_show_jellyfin_does_not_have(
    hass: HomeAssistant, post_webhook: PostWebhook, jellyfin: FakeJellyfin
) -> None:
    """No series with the show's ids: no episode list is read, nothing changes."""
    for name in ("media_pending_tv", "media_approved_tv"):
        await post_webhook("seerr", load_fixture(f"jellyseerr/{name}.json"))
    jellyfin.series = [{**jellyfin_show(), "ProviderIds": {"Tvdb": "1"}}]

    response = await call(hass, "verify_request", {"entity_id": SHOW_SENSOR})

    assert response["requests"][0]["found"] == []
    assert response["requests"][0]["changed"] is False
    assert not [c for c in jellyfin.calls() if c.startswith("/Shows")]
    assert hass.states.get(SHOW_SENSOR).state == "approved"


@pytest.mark.parametrize("services", [("seerr", "sonarr", "radarr")])
@pytest.mark.usefixtures("hub")
async def test_verify_needs_jellyfin(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """Without a Jellyfin server there is nothing to verify against."""
    await importing_movie(hass, post_webhook)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "verify_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "no_jellyfin"
    assert str(err.value) == "Add a Jellyfin server to the hub to verify requests"
    assert hass.states.get(MOVIE_SENSOR).state == "importing"


@pytest.mark.usefixtures("hub")
@pytest.mark.parametrize("action", ["verify_request", "retry_request"])
async def test_jellyfin_failure_is_reported_without_the_key(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    action: str,
) -> None:
    """Jellyfin answering 500: the action fails naming the server, no secret."""
    await importing_movie(hass, post_webhook)
    jellyfin.status = HTTPStatus.INTERNAL_SERVER_ERROR

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, action, {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "service_failed"
    message = str(err.value)
    assert message == (
        "jellyfin did not answer: Jellyfin at jellyfin.local:8096: "
        "GET /Items answered HTTP 500"
    )
    for key in API_KEYS.values():
        assert key not in message
    assert hass.states.get(MOVIE_SENSOR).state == "importing"
    # Retry stops before asking Radarr to search.
    assert not arr_commands(aioclient_mock, "radarr")


@pytest.mark.usefixtures("hub")
async def test_verify_is_allowed_to_read_only_users(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    hass_read_only_user: MockUser,
) -> None:
    """Verify only reads the upstream services: any user may run it."""
    await importing_movie(hass, post_webhook)
    jellyfin.movies = [jellyfin_movie()]

    response = await call(
        hass,
        "verify_request",
        {"request_id": "req000001"},
        context=Context(user_id=hass_read_only_user.id),
    )

    assert response["requests"][0]["state"] == "available"


@pytest.mark.usefixtures("hub")
async def test_verify_unknown_request(hass: HomeAssistant) -> None:
    """A request id the hub does not track is refused."""
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "verify_request", {"request_id": "req999999"})
    assert err.value.translation_key == "request_not_found"
    assert err.value.translation_placeholders == {"request_id": "req999999"}


# --------------------------------------------------------------------- retry


@pytest.mark.usefixtures("hub")
async def test_retry_when_jellyfin_has_it_searches_nothing(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    snapshot: SnapshotAssertion,
) -> None:
    """Found in Jellyfin: available at once, Radarr is not asked to search."""
    await importing_movie(hass, post_webhook)
    jellyfin.movies = [jellyfin_movie()]

    response = await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert response == snapshot
    (answer,) = response["requests"]
    assert answer["search"] is None
    assert answer["newly_available"] == ["movie"]
    assert hass.states.get(MOVIE_SENSOR).state == "available"
    assert not arr_commands(aioclient_mock, "radarr")


@pytest.mark.usefixtures("hub")
async def test_retry_stalled_movie_searches_radarr(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Missing movie: MoviesSearch for Radarr movie 12, the stall is cleared."""
    aioclient_mock.post(
        f"{URLS['radarr']}{COMMAND_URL}",
        status=HTTPStatus.CREATED,
        json=command_answer("MoviesSearch", 4711, {"movieIds": [12]}),
    )
    await importing_movie(hass, post_webhook)
    # An hour in importing without progress: stalled.
    freezer.tick(timedelta(minutes=61))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] == "stalled"

    response = await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert response == snapshot
    (answer,) = response["requests"]
    assert answer["search"] == {
        "service": "radarr",
        "instance": "Radarr",
        "command_id": 4711,
        "searched": ["movie"],
    }
    assert answer["problems_cleared"] == ["stalled"]
    assert arr_commands(aioclient_mock, "radarr") == [
        {"name": "MoviesSearch", "movieIds": [12]}
    ]
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "importing"
    assert state.attributes["problem"] is None
    assert hass.states.get("sensor.media_stack_requests_with_problems").state == "0"
    # Jellyfin was asked first.
    assert jellyfin.searches()[0]["SearchTerm"] == "Example Movie"


@pytest.mark.usefixtures("hub")
async def test_retry_show_searches_missing_aired_requested_episodes(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    snapshot: SnapshotAssertion,
) -> None:
    """EpisodeSearch for S01E02/E03 only.

    Not the pilot (available), nor the aired special or the unaired S02E01,
    which Sonarr lists but the request does not ask for.
    """
    aioclient_mock.post(
        f"{URLS['sonarr']}{COMMAND_URL}",
        status=HTTPStatus.CREATED,
        json=command_answer("EpisodeSearch", 815, {"episodeIds": [702, 703]}),
    )
    await show_with_pilot(hass, post_webhook, jellyfin)
    jellyfin.series = [jellyfin_show()]
    jellyfin.episodes = [e for e in jellyfin_episodes() if e["Name"] == "Pilot"]

    response = await call(hass, "retry_request", {"entity_id": SHOW_SENSOR})

    assert response == snapshot
    assert response["requests"][0]["search"]["searched"] == ["S01E02", "S01E03"]
    assert arr_commands(aioclient_mock, "sonarr") == [
        {"name": "EpisodeSearch", "episodeIds": [702, 703]}
    ]
    assert hass.states.get(SHOW_SENSOR).state == "grabbed"


@pytest.mark.usefixtures("hub")
async def test_retry_of_a_season_not_aired_yet_searches_nothing(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Season 2 has no air date yet: Sonarr is not asked for anything."""
    body = load_fixture("jellyseerr/media_pending_tv.json")
    body["extra"] = [{"name": "Requested Seasons", "value": "2"}]
    await post_webhook("seerr", body)
    await post_webhook("sonarr", load_fixture("sonarr/series_add.json"))

    response = await call(hass, "retry_request", {"request_id": "req000001"})

    (answer,) = response["requests"]
    assert answer["search"] == {
        "service": "sonarr",
        "instance": "Sonarr",
        "command_id": None,
        "searched": [],
    }
    assert answer["state"] == answer["state_before"] == "searching"
    assert not arr_commands(aioclient_mock, "sonarr")


@pytest.mark.parametrize("services", [("seerr", "sonarr", "radarr")])
@pytest.mark.usefixtures("hub")
async def test_retry_without_jellyfin_goes_straight_to_the_search(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """Without Jellyfin nothing is looked up first; Radarr searches."""
    aioclient_mock.post(
        f"{URLS['radarr']}{COMMAND_URL}",
        json=command_answer("MoviesSearch", 4712, {"movieIds": [12]}),
    )
    await importing_movie(hass, post_webhook)

    response = await call(hass, "retry_request", {"request_id": "req000001"})

    (answer,) = response["requests"]
    assert answer["search"]["command_id"] == 4712
    assert answer["problems_cleared"] == []
    assert not [c for c in aioclient_mock.mock_calls if c[1].path == "/Items"]


@pytest.mark.usefixtures("hub")
async def test_retry_of_a_request_no_arr_has(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
) -> None:
    """A request only Seerr knows cannot be searched for."""
    await post_webhook("seerr", load_fixture("jellyseerr/media_pending.json"))
    assert hass.states.get(MOVIE_SENSOR).state == "requested"

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "not_in_arr"
    assert str(err.value) == (
        "Example Movie is not linked to a Sonarr series or Radarr movie, "
        "so nothing can search for it"
    )
    assert not arr_commands(aioclient_mock, "radarr")
    assert hass.states.get(MOVIE_SENSOR).state == "requested"


@pytest.mark.usefixtures("hub")
async def test_retry_radarr_failure(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Radarr answering 500: the action fails and the problem stays."""
    aioclient_mock.post(
        f"{URLS['radarr']}{COMMAND_URL}", status=HTTPStatus.INTERNAL_SERVER_ERROR
    )
    await importing_movie(hass, post_webhook)
    freezer.tick(timedelta(minutes=61))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "service_failed"
    assert str(err.value) == (
        "Radarr did not answer: Radarr at radarr.local:7878: "
        "POST /api/v3/command answered HTTP 500"
    )
    assert API_KEYS["radarr"] not in str(err.value)
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] == "stalled"


@pytest.mark.usefixtures("hub")
async def test_retry_is_for_administrators(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    hass_read_only_user: MockUser,
) -> None:
    """A non-admin user may not start searches; nothing upstream is called."""
    await importing_movie(hass, post_webhook)
    calls = len(aioclient_mock.mock_calls)

    with pytest.raises(Unauthorized):
        await call(
            hass,
            "retry_request",
            {"entity_id": MOVIE_SENSOR},
            context=Context(user_id=hass_read_only_user.id),
        )

    assert len(aioclient_mock.mock_calls) == calls
    assert hass.states.get(MOVIE_SENSOR).state == "importing"


# ------------------------------------------------- retry through Seerr (#2843)

SEERR_REQUEST_URL = f"{URLS['seerr']}/api/v1/request/201"


def seerr_request(status: int, **media: Any) -> dict[str, Any]:
    """Return Seerr's GET /api/v1/request/201: Example Movie, never sent to Radarr.

    `status` is the MediaRequestStatus (2 approved, 3 declined, 4 failed).
    """
    listed = load_fixture("jellyseerr/api_request_list.json")["results"]
    body = next(request for request in listed if request["id"] == 201)
    body["status"] = status
    body["media"].update(
        status=3,  # PROCESSING: approved, whether it reached Radarr or not
        externalServiceId=None,
        externalServiceSlug=None,
        mediaAddedAt=None,
        jellyfinMediaId=None,
        serviceUrl=None,
        **media,
    )
    return {k: v for k, v in body.items() if k not in ("profileName", "canRemove")}


def seerr_calls(mock: AiohttpClientMocker) -> list[tuple[str, str, Any]]:
    """Return (method, path, body) of the calls about request 201 made to Seerr."""
    calls = []
    for method, url, body, headers in mock.mock_calls:
        if str(url).startswith(SEERR_REQUEST_URL):
            assert headers["X-Api-Key"] == API_KEYS["seerr"]
            assert API_KEYS["seerr"] not in str(url)
            calls.append((method.upper(), url.path, body))
    return calls


async def stalled_approved_movie(
    hass: HomeAssistant, post_webhook: PostWebhook, freezer: FrozenDateTimeFactory
) -> None:
    """Bring Example Movie to approved in Seerr, never added to Radarr: stalled."""
    for step in movie_flow()[:2]:
        await post_webhook(*step)
    freezer.tick(timedelta(hours=2, minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    state = hass.states.get(MOVIE_SENSOR)
    assert (state.state, state.attributes["problem"]) == ("approved", "stalled")


@pytest.mark.usefixtures("hub")
async def test_retry_of_an_approval_radarr_never_got_asks_seerr(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """Seerr sends the approved request to Radarr again; the stall is cleared."""
    aioclient_mock.get(SEERR_REQUEST_URL, json=seerr_request(2))
    aioclient_mock.post(f"{SEERR_REQUEST_URL}/retry", json=seerr_request(2))
    await stalled_approved_movie(hass, post_webhook, freezer)
    assert hass.states.get(MOVIE_SENSOR).attributes["problem_reason"] == (
        "Approved more than 2 h ago and not added to Radarr: "
        "Seerr may not have reached it; retry the request"
    )

    response = await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert response == snapshot
    (answer,) = response["requests"]
    assert answer["seerr_retry"] == {
        "service": "seerr",
        "instance": "Seerr (seerr.local)",
        "seerr_request_id": 201,
    }
    assert answer["search"] is None
    assert answer["problems_cleared"] == ["stalled"]
    # Read first (is it still approved, and this media's?), then retried.
    assert seerr_calls(aioclient_mock) == [
        ("GET", "/api/v1/request/201", None),
        ("POST", "/api/v1/request/201/retry", None),
    ]
    assert not arr_commands(aioclient_mock, "radarr")
    assert jellyfin.searches()[0]["SearchTerm"] == "Example Movie"
    state = hass.states.get(MOVIE_SENSOR)
    assert (state.state, state.attributes["problem"]) == ("approved", None)

    # Radarr now adds the movie: the request moves on.
    await post_webhook("radarr", load_fixture("radarr/movie_added.json"))
    assert hass.states.get(MOVIE_SENSOR).state == "searching"


@pytest.mark.usefixtures("hub")
async def test_retry_refused_by_a_seerr_that_retries_failed_requests_only(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Seerr answering 409: a translated error says what to do; the stall stays."""
    aioclient_mock.get(SEERR_REQUEST_URL, json=seerr_request(2))
    aioclient_mock.post(
        f"{SEERR_REQUEST_URL}/retry",
        status=HTTPStatus.CONFLICT,
        json={"status": 409, "message": "Only failed requests can be retried."},
    )
    await stalled_approved_movie(hass, post_webhook, freezer)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "seerr_retry_refused"
    assert str(err.value) == (
        "Seerr (seerr.local) refused to send Example Movie to Sonarr or Radarr "
        "again: this Seerr version retries only failed requests. Delete the "
        "request in Seerr and request it again"
    )
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] == "stalled"


@pytest.mark.parametrize(
    ("seerr_status", "status_name"), [(1, "pending"), (3, "declined"), (5, "completed")]
)
@pytest.mark.usefixtures("hub")
async def test_retry_leaves_a_request_seerr_no_longer_has_approved(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    seerr_status: int,
    status_name: str,
) -> None:
    """Declined meanwhile in Seerr: nothing is retried (older Seerrs would approve)."""
    aioclient_mock.get(SEERR_REQUEST_URL, json=seerr_request(seerr_status))
    await stalled_approved_movie(hass, post_webhook, freezer)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "seerr_request_not_approved"
    assert str(err.value) == (
        f"In Seerr, the request for Example Movie is {status_name}, not approved, "
        "so there is nothing to send to Sonarr or Radarr again"
    )
    assert seerr_calls(aioclient_mock) == [("GET", "/api/v1/request/201", None)]
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] == "stalled"


@pytest.mark.parametrize(
    "seerr_answer",
    [
        pytest.param({"status": HTTPStatus.NOT_FOUND}, id="deleted_in_seerr"),
        pytest.param({"json": seerr_request(2, tmdbId=100001)}, id="another_media"),
    ],
)
@pytest.mark.usefixtures("hub")
async def test_retry_of_a_request_seerr_does_not_have(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    seerr_answer: dict[str, Any],
) -> None:
    """Gone from Seerr, or its id now another title's: nothing is retried."""
    aioclient_mock.get(SEERR_REQUEST_URL, **seerr_answer)
    await stalled_approved_movie(hass, post_webhook, freezer)

    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "not_in_seerr"
    assert str(err.value) == (
        "No Seerr server of the hub has the request for Example Movie, "
        "so it cannot be sent to Sonarr or Radarr again"
    )
    assert [method for method, _, _ in seerr_calls(aioclient_mock)] == ["GET"]


@pytest.mark.parametrize("failing", ["GET", "POST"])
@pytest.mark.usefixtures("hub")
async def test_retry_seerr_failure_is_reported_without_the_key(
    hass: HomeAssistant,
    post_webhook: PostWebhook,
    jellyfin: FakeJellyfin,
    aioclient_mock: AiohttpClientMocker,
    freezer: FrozenDateTimeFactory,
    failing: str,
) -> None:
    """Seerr answering 500: the action fails naming Seerr; the stall stays."""
    error = HTTPStatus.INTERNAL_SERVER_ERROR
    if failing == "GET":
        aioclient_mock.get(SEERR_REQUEST_URL, status=error)
    else:
        aioclient_mock.get(SEERR_REQUEST_URL, json=seerr_request(2))
    aioclient_mock.post(f"{SEERR_REQUEST_URL}/retry", status=error)
    await stalled_approved_movie(hass, post_webhook, freezer)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, "retry_request", {"entity_id": MOVIE_SENSOR})

    assert err.value.translation_key == "service_failed"
    path = "/api/v1/request/201" + ("/retry" if failing == "POST" else "")
    assert str(err.value) == (
        "Seerr (seerr.local) did not answer: Seerr at seerr.local:5055: "
        f"{failing} {path} answered HTTP 500"
    )
    assert API_KEYS["seerr"] not in str(err.value)
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] == "stalled"
