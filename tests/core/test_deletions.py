"""Deletions noticed in Sonarr, Radarr and Jellyfin, and the deletion log."""

from __future__ import annotations

import copy
import json

import pytest

from custom_components.status_tracker.core.deletion_log import (
    ServiceOutcome,
    ServiceResult,
)
from custom_components.status_tracker.core.lifecycle import episode_summary
from custom_components.status_tracker.core.model import Outcome, Stage
from tests.flows import load_fixture, movie_flow, tv_flow

from .harness import NOW, Harness


def finished_movie_and_show() -> Harness:
    """Return a harness with the movie and the show both available."""
    harness = Harness()
    harness.play(movie_flow())
    harness.play(tv_flow())
    assert {r.state for r in harness.tracker.requests.values()} == {Stage.AVAILABLE}
    return harness


def by_title(harness: Harness, title: str):  # type: ignore[no-untyped-def]
    return next(r for r in harness.tracker.requests.values() if r.title == title)


@pytest.mark.parametrize(
    ("service", "fixture", "title", "source"),
    [
        ("radarr", "radarr/movie_delete.json", "Example Movie", "radarr"),
        ("radarr", "radarr/movie_file_delete.json", "Example Movie", "radarr"),
        ("sonarr", "sonarr/series_delete.json", "Example Show", "sonarr"),
        ("jellyfin", "jellyfin/item_deleted.json", "Example Movie", "jellyfin"),
    ],
)
def test_external_deletion_of_a_finished_request(
    service: str, fixture: str, title: str, source: str
) -> None:
    """A finished request deleted in a service becomes deleted, with a log entry."""
    harness = finished_movie_and_show()
    update = harness.post(service, load_fixture(fixture))
    request = by_title(harness, title)
    assert request.state == Outcome.DELETED
    assert update.deleted == [request.id]
    assert [(c.previous, c.current) for c in update.stage_changes] == [
        ("available", "deleted")
    ]
    assert not harness.tracker.is_listed(request.id)  # its entity goes now
    [entry] = harness.tracker.deletion_log
    assert (entry.request_id, entry.source, entry.title) == (request.id, source, title)
    assert entry.user is None
    assert request.timeline[-1].kind == "deleted"
    # The other request is untouched.
    others = [r for r in harness.tracker.requests.values() if r.id != request.id]
    assert [r.state for r in others] == [Stage.AVAILABLE]
    # Delivered twice: nothing more.
    assert not harness.post(service, load_fixture(fixture))
    assert len(harness.tracker.deletion_log) == 1


def test_episode_file_deleted_makes_the_episode_missing() -> None:
    """A deleted episode file reopens the show for that episode only."""
    harness = finished_movie_and_show()
    update = harness.post("sonarr", load_fixture("sonarr/episode_file_delete.json"))
    show = by_title(harness, "Example Show")
    assert show.state == Stage.SEARCHING
    assert show.episodes["S01E01"].available_at is None
    assert show.episodes["S01E01"].files == []
    assert episode_summary(show, NOW).text == "2/3 available · 1 searching"
    assert update.deleted == [show.id]
    [entry] = harness.tracker.deletion_log
    assert entry.episodes == ("S01E01",)
    assert show.timeline[-1].kind == "file_deleted"
    assert harness.tracker.is_listed(show.id)


def test_upgrade_deletions_are_ignored() -> None:
    """A file replaced by an upgrade is not a deletion."""
    harness = finished_movie_and_show()
    body = load_fixture("sonarr/episode_file_delete.json")
    body["deleteReason"] = "upgrade"
    assert not harness.post("sonarr", body)
    assert not harness.tracker.deletion_log


def test_jellyfin_episode_deleted() -> None:
    """Jellyfin losing an episode makes that episode missing."""
    harness = finished_movie_and_show()
    body = load_fixture("jellyfin/item_added_episode.json")
    body["NotificationType"] = "ItemDeleted"
    harness.post("jellyfin", body)
    show = by_title(harness, "Example Show")
    assert show.state == Stage.SEARCHING
    assert harness.tracker.deletion_log[0].episodes == ("S01E01",)


def test_deleted_request_is_not_reused() -> None:
    """After a deletion a new request for the same movie starts fresh."""
    harness = finished_movie_and_show()
    harness.post("radarr", load_fixture("radarr/movie_delete.json"))
    body = copy.deepcopy(load_fixture("jellyseerr/media_pending.json"))
    body["request"]["request_id"] = "301"
    harness.post("seerr", body)
    movies = [
        r for r in harness.tracker.requests.values() if r.title == "Example Movie"
    ]
    assert sorted(r.state for r in movies) == [Outcome.DELETED, Stage.REQUESTED]


def test_deletion_by_user_is_logged_with_results() -> None:
    """The delete action records who deleted and what each service said."""
    harness = finished_movie_and_show()
    movie = by_title(harness, "Example Movie")
    results = [
        ServiceResult("radarr", "Radarr", ServiceOutcome.DELETED, "with files"),
        ServiceResult("qbittorrent", None, ServiceOutcome.FAILED, "timed out"),
    ]
    update = harness.tracker.delete_request(
        movie.id, user="admin", delete_files=True, results=results
    )
    assert movie.state == Outcome.DELETED
    assert update.deleted == [movie.id]
    [entry] = harness.tracker.deletion_log
    assert entry.user == "admin"
    assert entry.delete_files is True
    assert entry.results == tuple(results)

    # The log survives a restart.
    data = json.loads(json.dumps(harness.tracker.to_dict()))
    restored = Harness()
    restored.tracker.load(data)
    assert restored.tracker.deletion_log == harness.tracker.deletion_log
