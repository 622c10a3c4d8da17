"""Different titles that share weak keys are never merged (keys' strength order).

Each case makes several movies and shows from the real payloads. Titles of one
group share their IMDb id and their library folder (IMDb ids in *arr payloads are
sometimes shared by a collection entry or wrong; folders are reused after a
delete) while their strong keys differ: TMDB/TVDB ids, *arr ids, Seerr request
ids, download hashes and Jellyfin items. Their events are played through the pure
tracker harness in a random order with random duplicates. Every title must end as
exactly one request that holds its own facts.
"""

from __future__ import annotations

import copy
from http import HTTPStatus
import random
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.status_tracker.const import DOMAIN
from custom_components.status_tracker.core.model import Request, Stage
from tests.conftest import PostWebhook
from tests.core.harness import Harness
from tests.flows import Step, load_fixture, sonarr_episode_list

from . import Counter, permutations_budget, record
from .test_orders_ha import ORDERS


def _movie(number: int, imdb: str, folder: str) -> tuple[dict[str, Any], list[Step]]:
    """Return a movie's expected facts and its events, request to Jellyfin."""
    title = f"Collision Movie {number}"
    facts = {
        "title": title,
        "tmdb_id": 70_000 + number,
        "arr_id": 300 + number,
        "seerr_request_id": 900 + number,
        "imdb_id": imdb,
        "download": f"{number:040x}",
        "jellyfin": f"{number:032x}",
    }
    seerr = []
    for name in ("media_pending", "media_approved"):
        body = copy.deepcopy(load_fixture(f"jellyseerr/{name}.json"))
        body["subject"] = f"{title} (2001)"
        body["media"]["tmdbId"] = str(facts["tmdb_id"])
        body["request"]["request_id"] = str(facts["seerr_request_id"])
        seerr.append(("seerr", body))
    radarr = []
    for name in ("grab", "download"):
        body = copy.deepcopy(load_fixture(f"radarr/{name}.json"))
        for movie in (body["movie"], body["remoteMovie"]):
            movie.update(title=title, tmdbId=facts["tmdb_id"], imdbId=imdb)
        body["movie"]["id"] = facts["arr_id"]
        body["movie"]["folderPath"] = folder
        body["downloadId"] = facts["download"].upper()
        if name == "download":
            body["movieFile"]["id"] = 12_000 + number
            body["movieFile"]["relativePath"] = f"{title}.mkv"
            body["movieFile"]["path"] = f"{folder}/{title}.mkv"
        radarr.append(("radarr", body))
    jellyfin = copy.deepcopy(load_fixture("jellyfin/item_added_movie.json"))
    jellyfin.update(
        Name=title,
        ItemId=facts["jellyfin"],
        Provider_tmdb=str(facts["tmdb_id"]),
        Provider_imdb=imdb,
    )
    return facts, [*seerr, *radarr, ("jellyfin", jellyfin)]


def _show(number: int, imdb: str, folder: str) -> tuple[dict[str, Any], list[Step]]:
    """Return a show's expected facts and its Seerr and Sonarr events."""
    title = f"Collision Show {number}"
    facts = {
        "title": title,
        "tmdb_id": 80_000 + number,
        "tvdb_id": 90_000 + number,
        "arr_id": 60 + number,
        "seerr_request_id": 950 + number,
        "imdb_id": imdb,
        "download": f"{1000 + number:040x}",
    }
    seerr = copy.deepcopy(load_fixture("jellyseerr/media_approved_tv.json"))
    seerr["subject"] = f"{title} (2008)"
    seerr["media"]["tmdbId"] = str(facts["tmdb_id"])
    seerr["media"]["tvdbId"] = str(facts["tvdb_id"])
    seerr["request"]["request_id"] = str(facts["seerr_request_id"])
    sonarr = []
    for name in ("grab", "download"):
        body = copy.deepcopy(load_fixture(f"sonarr/{name}.json"))
        body["series"].update(
            id=facts["arr_id"],
            title=title,
            tvdbId=facts["tvdb_id"],
            tmdbId=facts["tmdb_id"],
            imdbId=imdb,
            path=folder,
        )
        for episode in body["episodes"]:
            # Episode ids are Sonarr's own, per series.
            episode["id"] += 1000 * number
            episode["tvdbId"] += 1000 * number
        body["downloadId"] = facts["download"].upper()
        if name == "download":
            body["episodeFile"]["id"] += 1000 * number
            body["episodeFile"]["path"] = f"{folder}/Season 01/{title} S01E01.mkv"
        sonarr.append(("sonarr", body))
    return facts, [("seerr", seerr), *sonarr]


def _episode_list(number: int) -> list[dict[str, Any]]:
    """Return Sonarr's episode list of Collision Show <number> (its own ids)."""
    episodes = sonarr_episode_list()
    for episode in episodes:
        episode["seriesId"] = 60 + number
        episode["id"] += 1000 * number
        episode["tvdbId"] += 1000 * number
    return episodes


EPISODE_LISTS = {60 + n: (lambda n=n: _episode_list(n)) for n in range(1, 4)}


def _titles(rng: random.Random) -> tuple[list[dict[str, Any]], list[Step]]:
    """Return 2-4 movies and 2-3 shows in one or two collision groups each."""
    facts: list[dict[str, Any]] = []
    steps: list[Step] = []
    for make, count, kind in ((_movie, rng.randint(2, 4), "movies"), (_show, 3, "tv")):
        for number in range(1, count + 1):
            group = rng.randint(1, 2)
            imdb = f"tt99{group:05d}" if kind == "movies" else f"tt88{group:05d}"
            folder = f"/data/media/{kind}/Shared Folder {group}"
            title_facts, title_steps = make(number, imdb, folder)
            facts.append(title_facts)
            steps.extend(title_steps)
    return facts, steps


def _request_of(harness: Harness, facts: dict[str, Any]) -> Request:
    found = [r for r in harness.tracker.requests.values() if r.title == facts["title"]]
    assert len(found) == 1, (facts["title"], [r.to_dict() for r in found])
    return found[0]


def test_colliding_weak_keys_never_merge_titles() -> None:
    rng = random.Random("colliding keys")
    with Counter("colliding keys") as counter:
        for _ in range(permutations_budget()):
            facts, steps = _titles(rng)
            order = steps + [rng.choice(steps) for _ in range(rng.randint(0, 8))]
            rng.shuffle(order)
            harness = Harness(episode_lists=EPISODE_LISTS)
            harness.play(order)
            counter.cases += 1

            assert len(harness.tracker.requests) == len(facts), order
            for expected in facts:
                request = _request_of(harness, expected)
                assert request.tmdb_id == expected["tmdb_id"]
                assert request.tvdb_id == expected.get("tvdb_id")
                assert request.arr_id == expected["arr_id"]
                assert request.seerr_request_id == expected["seerr_request_id"]
                assert request.imdb_id == expected["imdb_id"]
                units = [request.movie, *request.episodes.values()]
                downloads = {d for u in units for d in u.download_ids}
                assert downloads == {expected["download"]}
                if "jellyfin" in expected:
                    assert request.movie is not None
                    assert request.movie.jellyfin_id == expected["jellyfin"]
                    assert request.state == Stage.AVAILABLE


@pytest.mark.parametrize("seed", range(ORDERS))
async def test_colliding_movies_through_webhooks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
    seed: int,
) -> None:
    """Three movies sharing an IMDb id and a folder, shuffled through the webhooks."""
    rng = random.Random(f"colliding keys via HA {seed}")
    titles = [_movie(n, "tt9900001", "/data/media/movies/Shared") for n in (1, 2, 3)]
    steps = [step for _, movie_steps in titles for step in movie_steps]
    order = steps + [rng.choice(steps) for _ in range(4)]
    rng.shuffle(order)
    for service, body in order:
        assert (await post_webhook(service, body)).status == HTTPStatus.OK

    requests = list(init_integration.runtime_data.tracker.requests.values())
    assert len(requests) == 3
    for facts, _ in titles:
        (request,) = [r for r in requests if r.tmdb_id == facts["tmdb_id"]]
        assert request.arr_id == facts["arr_id"]
        assert request.seerr_request_id == facts["seerr_request_id"]
        entity_id = er.async_get(hass).async_get_entity_id(
            "sensor", DOMAIN, f"{init_integration.entry_id}_request_{request.id}"
        )
        assert entity_id is not None
        assert hass.states.get(entity_id).state == "available"
    record("colliding movies via webhooks", 1)
