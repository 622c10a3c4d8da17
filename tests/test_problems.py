"""Problems of a request: in its sensor's attributes, counted, fired as events.

Stalled requests are raised after the stage's threshold and cleared by
progress; a decline Sonarr/Radarr contradicts is raised while it lasts.
"""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.status_tracker.const import DOMAIN

from .conftest import PostWebhook
from .flows import load_fixture, movie_flow

MOVIE_SENSOR = "sensor.media_stack_example_movie_1999"
EVENT_ENTITY = "event.media_stack_stage_change"
PROBLEMS = "sensor.media_stack_requests_with_problems"


@pytest.mark.usefixtures("init_integration")
async def test_stalled_approved_request(
    hass: HomeAssistant, post_webhook: PostWebhook, freezer: FrozenDateTimeFactory
) -> None:
    """Approved 2 h without a grab: stalled (attribute, count, event) until grabbed."""
    fired: list[dict[str, object]] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(dict(event.data["new_state"].attributes))

    for step in movie_flow()[:2]:
        await post_webhook(*step)
    async_track_state_change_event(hass, EVENT_ENTITY, collect)

    freezer.tick(timedelta(hours=1, minutes=58))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(MOVIE_SENSOR).attributes["problem"] is None

    freezer.tick(timedelta(minutes=3))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "approved"
    assert state.attributes["problem"] == "stalled"
    # Radarr never added it: Seerr may have approved it while Radarr was down.
    assert state.attributes["problem_reason"] == (
        "Approved more than 2 h ago and not added to Radarr: "
        "Seerr may not have reached it; retry the request"
    )
    assert hass.states.get(PROBLEMS).state == "1"
    assert [(e["event_type"], e["problem"]) for e in fired] == [("stalled", "stalled")]
    assert fired[0]["stage"] == "approved"

    await post_webhook(*movie_flow()[3])
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "grabbed"
    assert state.attributes["problem"] is None
    assert hass.states.get(PROBLEMS).state == "0"
    assert [e["event_type"] for e in fired] == [
        "stalled",
        "grabbed",
        "problem_cleared",
    ]


@pytest.mark.usefixtures("init_integration")
async def test_declined_but_grabbed_request(
    hass: HomeAssistant, post_webhook: PostWebhook
) -> None:
    """Seerr declines a movie Radarr grabbed: it goes on, with a problem shown."""
    fired: list[dict[str, object]] = []

    @callback
    def collect(event: Event) -> None:
        fired.append(dict(event.data["new_state"].attributes))

    for step in (
        ("seerr", load_fixture("jellyseerr/media_auto_approved.json")),
        ("radarr", load_fixture("radarr/movie_added.json")),
        ("radarr", load_fixture("radarr/grab.json")),
    ):
        await post_webhook(*step)
    async_track_state_change_event(hass, EVENT_ENTITY, collect)

    await post_webhook("seerr", load_fixture("jellyseerr/media_declined.json"))

    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "grabbed"
    assert state.attributes["problem"] == "declined_but_grabbed"
    assert state.attributes["problem_reason"] == (
        "Seerr says declined, but Radarr has grabbed it"
    )
    assert hass.states.get(PROBLEMS).state == "1"
    assert [(e["event_type"], e["problem"]) for e in fired] == [
        ("declined_but_grabbed", "declined_but_grabbed")
    ]
    # The decline is on the timeline all the same.
    response = await hass.services.async_call(
        DOMAIN, "get_requests", {}, blocking=True, return_response=True
    )
    (request,) = response["requests"]
    assert [(e["kind"], e["source"]) for e in request["timeline"]] == [
        ("approved", "seerr"),
        ("added_to_arr", "radarr"),
        ("grabbed", "radarr"),
        ("declined", "seerr"),
    ]
    assert request["problems"]["declined_but_grabbed"]["reason"] == (
        "Seerr says declined, but Radarr has grabbed it"
    )

    # Radarr's import ends nothing: the request goes on, and so does the problem.
    await post_webhook("radarr", load_fixture("radarr/download.json"))
    state = hass.states.get(MOVIE_SENSOR)
    assert state.state == "importing"
    assert state.attributes["problem_reason"] == (
        "Seerr says declined, but Radarr has imported it"
    )
    assert hass.states.get(PROBLEMS).state == "1"
