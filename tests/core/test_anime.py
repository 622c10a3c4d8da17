"""Anime movie and anime TV: import -> importing -> matching (Shoko) -> available."""

from __future__ import annotations

import json
import random

from custom_components.status_tracker.core.lifecycle import episode_summary
from custom_components.status_tracker.core.model import ProblemKind, Stage
from custom_components.status_tracker.core.observations import MediaRef, MediaType
from custom_components.status_tracker.core.tracker import AnimeRules, Tracker
from tests.flows import (
    anime_episode_import,
    anime_jellyfin_episode,
    anime_movie_flow,
    anime_tv_flow,
    shoko_file_event,
)

from .harness import NOW, Harness, comparable


def test_anime_tv_flow_walks_importing_matching_available() -> None:
    """Each episode is matched by Shoko before Jellyfin shows it."""
    harness = Harness()
    states = []
    for service, body in anime_tv_flow():
        harness.post(service, body)
        states.append(harness.only().state)
    assert states == [
        Stage.APPROVED,
        Stage.GRABBED,
        Stage.GRABBED,  # E01 imported, E02 still grabbed
        Stage.IMPORTING,
        Stage.IMPORTING,  # Shoko detected the files
        Stage.IMPORTING,
        Stage.IMPORTING,  # hashed
        Stage.IMPORTING,
        Stage.IMPORTING,  # E01 matched, E02 not yet
        Stage.MATCHING,
        Stage.MATCHING,  # E01 in Jellyfin
        Stage.AVAILABLE,
    ]
    request = harness.only()
    assert request.is_anime
    assert request.shoko_series_ids == [42]
    assert request.episodes["S01E01"].shoko_file_ids == [5001]
    assert request.episodes["S01E02"].shoko_episode_ids == [1002]
    assert [e.kind for e in request.timeline].count("matched") == 2
    assert episode_summary(request, NOW).text == "2/2 available"


def test_anime_movie_flow() -> None:
    """The anime movie (Radarr tag anime) is matched, then found by Shokofin ids."""
    harness = Harness()
    states = []
    for service, body in anime_movie_flow():
        harness.post(service, body)
        states.append(harness.only().state)
    assert states == [
        Stage.APPROVED,
        Stage.GRABBED,
        Stage.IMPORTING,
        Stage.MATCHING,
        Stage.AVAILABLE,
    ]
    request = harness.only()
    assert request.is_anime
    assert request.movie.shoko_file_ids == [5003]
    assert request.movie.jellyfin_id == "4e5f6a7b8c9d40e1f2a3b4c5d6e7f8a9"


def test_shoko_match_before_the_import_webhook() -> None:
    """A match that arrives before Sonarr's import waits, then applies."""
    harness = Harness()
    flow = anime_tv_flow()
    harness.play(flow[:2])  # request and grab
    harness.post("shoko", shoko_file_event("FileMatched", 1))
    assert harness.tracker.orphans
    assert harness.only().episodes["S01E01"].matched_at is None

    harness.post("sonarr", anime_episode_import(1))
    episode = harness.only().episodes["S01E01"]
    assert episode.matched_at is not None
    assert not harness.tracker.orphans


def test_not_matched_raises_needs_link_until_matched() -> None:
    """FileNotMatched: needs_link with the file name; a later match clears it."""
    harness = Harness()
    flow = anime_tv_flow()
    harness.play(flow[:4])  # both files imported
    update = harness.post("shoko", shoko_file_event("FileNotMatched", 2))
    request = harness.only()
    problem = request.problems[ProblemKind.NEEDS_LINK]
    assert "It Didn't Have to Be Magic" in problem.reason
    assert update.problem_changes[0].kind == ProblemKind.NEEDS_LINK
    assert request.timeline[-1].kind == "not_matched"

    harness.post("shoko", shoko_file_event("FileMatched", 2))
    assert ProblemKind.NEEDS_LINK not in request.problems


def test_episode_without_a_match_never_goes_silent() -> None:
    """With one file unmatched the show stays importing with needs_link."""
    harness = Harness()
    steps = [
        step
        for step in anime_tv_flow()
        if not (
            step[0] == "shoko"
            and step[1]["target"] == "ShokoEvent:FileMatched"
            and step[1]["arguments"][0]["FileID"] == 5002
        )
        and step[1] != anime_jellyfin_episode(2)
    ]
    harness.play(steps)
    harness.post("shoko", shoko_file_event("FileNotMatched", 2))
    request = harness.only()
    assert request.state == Stage.IMPORTING
    assert ProblemKind.NEEDS_LINK in request.problems
    assert episode_summary(request, NOW).text == "1/2 available · 1 importing"


def test_anime_flows_any_order_same_result() -> None:
    """Shuffled anime flows (with repeats) end in the same state and timeline."""
    rng = random.Random(424536)
    for flow in (anime_tv_flow, anime_movie_flow):
        steps = flow()
        reference = Harness()
        reference.play(steps)
        expected = comparable(reference.only())
        assert expected["state"] == Stage.AVAILABLE
        for _ in range(200):
            order = steps + rng.sample(steps, k=rng.randint(0, 3))
            rng.shuffle(order)
            harness = Harness()
            harness.play(order)
            assert comparable(harness.only()) == expected


def test_anime_rules() -> None:
    """Anime by Sonarr series type, Radarr tag or library folder."""
    rules = AnimeRules(tags=frozenset({"anime"}), path_prefixes=("/data/anime",))

    def movie(tags: tuple[str, ...] = (), path: str | None = None) -> MediaRef:
        return MediaRef(MediaType.MOVIE, "X", tags=tags, path=path)

    assert rules.is_anime(MediaRef(MediaType.TV, "X", series_type="anime"))
    assert rules.is_anime(movie(tags=("Anime",)))
    assert rules.is_anime(movie(path="/data/anime/X (2020)"))
    assert not rules.is_anime(movie(path="/data/animex/X (2020)"))
    assert not rules.is_anime(movie(tags=("4k",), path="/data/movies/X"))
    assert not Tracker(now=lambda: NOW).anime_rules.is_anime(movie())


def test_shoko_orphan_survives_a_restart() -> None:
    """A waiting Shoko match is stored and still applies after a restart."""
    harness = Harness()
    harness.play(anime_tv_flow()[:2])
    harness.post("shoko", shoko_file_event("FileMatched", 1))
    data = json.loads(json.dumps(harness.tracker.to_dict()))
    assert data["orphans"][0]["observation"]["type"] == "ShokoFile"

    restored = Harness()
    restored.tracker.load(data)
    restored.post("sonarr", anime_episode_import(1))
    episode = restored.only().episodes["S01E01"]
    assert episode.matched_at is not None
    assert episode.shoko_episode_ids == [1001]
