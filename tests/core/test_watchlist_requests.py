"""Seerr's watchlist auto-requests (MEDIA_AUTO_REQUESTED) start tracked requests.

Seerr sends MEDIA_AUTO_REQUESTED together with the MEDIA_PENDING or the
MEDIA_AUTO_APPROVED of the same request (docs/protocols.md §4.3); the companion
says whether it waits for approval, in whichever order they arrive.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from custom_components.status_tracker.core.model import Stage
from tests.flows import Step, load_fixture

from .harness import Harness, comparable

# The companions Seerr sends for the same request, with their event text.
PENDING = ("MEDIA_PENDING", "New Movie Request")
AUTO_APPROVED = ("MEDIA_AUTO_APPROVED", "Movie Request Automatically Approved")


def auto_requested() -> dict[str, Any]:
    """Return Seerr's MEDIA_AUTO_REQUESTED of Example Anime Movie (request 204)."""
    body: dict[str, Any] = load_fixture("jellyseerr/media_auto_requested.json")
    return body


def companion(notification: tuple[str, str]) -> dict[str, Any]:
    """Return the other notification Seerr sends for the auto-request."""
    notification_type, event = notification
    return {**auto_requested(), "notification_type": notification_type, "event": event}


def timeline(harness: Harness) -> list[tuple[str, str, str | None]]:
    """Return the request's timeline as (kind, source, detail), in order."""
    return [(e.kind, e.source, e.detail) for e in harness.only().timeline]


def test_pending_auto_request_waits_for_approval() -> None:
    """A watchlist request Seerr holds for approval is requested, from a watchlist."""
    harness = Harness()
    harness.play([("seerr", companion(PENDING)), ("seerr", auto_requested())])

    request = harness.only()
    assert request.state == Stage.REQUESTED
    assert request.seerr_request_id == 204
    assert (request.title, request.year, request.tmdb_id) == (
        "Example Anime Movie",
        2020,
        378064,
    )
    assert request.requested_by == "alice"
    assert request.requested_at is not None
    assert request.approved_at is None
    assert timeline(harness) == [
        ("requested", "seerr", None),
        ("requested", "seerr", "from a watchlist"),
    ]


def test_auto_approved_auto_request_is_approved() -> None:
    """A watchlist request Seerr approved on creation is approved."""
    harness = Harness()
    harness.play([("seerr", companion(AUTO_APPROVED)), ("seerr", auto_requested())])

    request = harness.only()
    assert request.state == Stage.APPROVED
    assert request.approved_at is not None
    assert timeline(harness) == [
        ("approved", "seerr", "automatically"),
        ("requested", "seerr", "from a watchlist"),
    ]


@pytest.mark.parametrize("notification", [PENDING, AUTO_APPROVED])
def test_auto_request_and_its_companion_in_either_order(
    notification: tuple[str, str],
) -> None:
    """The auto-request arriving first changes neither the stage nor the timeline."""
    steps: list[Step] = [
        ("seerr", companion(notification)),
        ("seerr", auto_requested()),
    ]
    reference = Harness()
    reference.play(steps)
    for order in itertools.permutations(steps):
        harness = Harness()
        harness.play(list(order))
        assert comparable(harness.only()) == comparable(reference.only()), order


def test_auto_request_alone_is_not_an_approval() -> None:
    """Its media status (PROCESSING here) does not make the request approved.

    Seerr reads that status before the hand-over to the *arr, and another
    request of the same media sets it too: only an approval says approved.
    """
    body = auto_requested()
    body["media"]["status"] = "PROCESSING"
    harness = Harness()
    update = harness.post("seerr", body)

    request = harness.only()
    assert update.created == [request.id]
    assert request.state == Stage.REQUESTED
    assert request.approved_at is None


def test_auto_request_is_followed_into_radarr() -> None:
    """Radarr's grab of the auto-requested movie moves the same request on."""
    harness = Harness()
    harness.post("seerr", auto_requested())
    harness.post("radarr", load_fixture("radarr/grab_anime_movie.json"))

    request = harness.only()
    assert request.state == Stage.GRABBED
    assert request.seerr_request_id == 204
    assert [kind for kind, _, _ in timeline(harness)] == ["requested", "grabbed"]


def test_repeated_auto_request_is_recorded_once() -> None:
    """Seerr resending the notification adds nothing."""
    harness = Harness()
    harness.post("seerr", auto_requested())
    again = harness.post("seerr", auto_requested())

    assert not again
    assert len(harness.only().timeline) == 1
