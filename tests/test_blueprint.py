"""The notification blueprint, loaded and run by Home Assistant's automation."""

from __future__ import annotations

from pathlib import Path
import shutil
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)

from .conftest import PostWebhook
from .flows import load_fixture, movie_flow

BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "status_tracker"
    / "notify_request_stage.yaml"
)
EVENT_ENTITY = "event.media_stack_stage_change"


async def _use_blueprint(
    hass: HomeAssistant, tmp_path: Path, **extra_input: Any
) -> list[ServiceCall]:
    """Install the blueprint in a config dir, automate with it, mock the phone."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "status_tracker"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINT, target / BLUEPRINT.name)
    notifications = async_mock_service(hass, "notify", "mobile_app_phone")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Media notifications",
                "use_blueprint": {
                    "path": f"status_tracker/{BLUEPRINT.name}",
                    "input": {
                        "event_entity": EVENT_ENTITY,
                        "notify_action": "notify.mobile_app_phone",
                        **extra_input,
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.media_notifications").state == "on"
    return notifications


async def test_notifies_when_available(
    hass: HomeAssistant,
    tmp_path: Path,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
) -> None:
    """The phone gets one notification, with the poster, when the movie is ready."""
    notifications = await _use_blueprint(hass, tmp_path)

    for step in movie_flow():
        await post_webhook(*step)

    # requested, approved, searching, grabbed, importing are not chosen stages.
    assert len(notifications) == 1
    data = notifications[0].data
    assert data["title"] == "Ready to watch"
    assert data["message"] == "Example Movie (1999)"
    assert data["data"]["image"].endswith("example-movie-poster.jpg")
    assert data["data"]["tag"] == "status_tracker_req000001"


async def test_notifies_chosen_stages_with_seasons(
    hass: HomeAssistant,
    tmp_path: Path,
    init_integration: MockConfigEntry,
    post_webhook: PostWebhook,
) -> None:
    """Only the chosen stages notify; TV notifications name the seasons."""
    notifications = await _use_blueprint(hass, tmp_path, stages=["declined"])

    await post_webhook("seerr", load_fixture("jellyseerr/media_pending_tv.json"))
    assert not notifications
    await post_webhook("seerr", load_fixture("jellyseerr/media_declined_tv.json"))

    assert len(notifications) == 1
    assert notifications[0].data["title"] == "Request declined"
    assert notifications[0].data["message"] == "Example Show (2008) – season 1"
