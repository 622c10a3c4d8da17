"""End to end: a real Home Assistant, the integration, the card in Chromium.

Starts `hass` on 127.0.0.1 with a fake Seerr + Radarr, sets the hub up through
the config flow REST API, posts webhooks and checks the card on a dashboard:
the list, a live change, the detail dialog's timeline and the delete action.
Saves light and dark screenshots under artifacts/ (and docs/card.png when it is
missing or UPDATE_DOCS_SCREENSHOT=1).
"""

from __future__ import annotations

from collections.abc import Iterator
import json
import os
from pathlib import Path
import shutil
from typing import Any

import pytest

from .conftest import ARTIFACTS, POSTER_SVG
from .home_assistant import HASS, HomeAssistant, fake_services, home_assistant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HASS.exists(), reason=f"{HASS} is missing"),
]

FIXTURES = Path(__file__).parent.parent / "fixtures"
DOCS_SCREENSHOT = Path(__file__).parent.parent.parent / "docs" / "card.png"
CARD = "status-tracker-card"
ROW = f"{CARD} status-tracker-row"
# A dashboard of its own: on current Home Assistant /lovelace shows its
# generated overview dashboard.
DASHBOARD_PATH = "status-tracker-e2e"
DASHBOARD = {
    "views": [
        {
            "title": "Requests",
            "path": "requests",
            "cards": [
                {
                    "type": "custom:status-tracker-card",
                    "title": "Media requests",
                    "max_items": 10,
                }
            ],
        }
    ]
}


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def stack(socket_enabled: None, tmp_path: Path) -> Iterator[tuple[HomeAssistant, Any]]:
    """Fake services and a Home Assistant with the hub (Seerr and Radarr)."""
    with (
        fake_services() as seerr,
        fake_services() as radarr,
        home_assistant(tmp_path / "config") as hass,
    ):
        try:
            hass.add_hub()
            hass.add_service("seerr", seerr.url)
            hass.add_service("radarr", radarr.url)
            yield hass, (seerr, radarr)
        finally:
            (ARTIFACTS / "e2e-home-assistant.log").parent.mkdir(exist_ok=True)
            (ARTIFACTS / "e2e-home-assistant.log").write_text(hass.log_text())


def test_card_on_a_real_dashboard(
    stack: tuple[HomeAssistant, Any], browser: Any
) -> None:
    """The card lists requests live, shows the timeline and deletes."""
    hass, services = stack
    hass.post_webhook("seerr", _fixture("jellyseerr/media_auto_approved_tv.json"))
    hass.post_webhook("seerr", _fixture("jellyseerr/media_pending.json"))

    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_init_script(
        "window.localStorage.setItem('hassTokens', "
        f"JSON.stringify({json.dumps(hass.browser_tokens())}));"
    )
    # Posters come from TMDB: never the network, a stand-in image.
    context.route(
        "https://image.tmdb.org/**",
        lambda route: route.fulfill(body=POSTER_SVG, content_type="image/svg+xml"),
    )
    page = context.new_page()
    try:
        page.goto(f"{hass.url}/lovelace/0")
        page.wait_for_function(
            "() => document.querySelector('home-assistant')?.hass?.connected",
            timeout=60_000,
        )
        # The card registered itself as a storage-mode resource, versioned.
        resources = page.evaluate(
            "() => document.querySelector('home-assistant').hass.callWS("
            "{type: 'lovelace/resources'})"
        )
        assert [r["url"].split("?v=")[0] for r in resources] == [
            "/status_tracker/status-tracker-card.js"
        ]
        assert "?v=" in resources[0]["url"]
        hass.websocket(
            {
                "type": "lovelace/dashboards/create",
                "url_path": DASHBOARD_PATH,
                "title": "Status Tracker",
                "mode": "storage",
            },
            {
                "type": "lovelace/config/save",
                "url_path": DASHBOARD_PATH,
                "config": DASHBOARD,
            },
        )
        page.goto(f"{hass.url}/{DASHBOARD_PATH}/requests")
        page.locator(f"{ROW} .title").first.wait_for(timeout=60_000)
        page.locator(f"{ROW} .title", has_text="Example Show").wait_for()
        movie = page.locator(f"{ROW} .row", has_text="Example Movie")
        assert sorted(page.locator(f"{ROW} .title").all_inner_texts()) == [
            "Example Movie",
            "Example Show",
        ]
        assert movie.locator(".stage").inner_text() == "Requested"

        # A change arrives over the subscription, without a reload.
        hass.post_webhook("seerr", _fixture("jellyseerr/media_approved.json"))
        movie.locator(".stage", has_text="Approved").wait_for(timeout=10_000)
        hass.post_webhook("radarr", _fixture("radarr/grab.json"))
        movie.locator(".stage", has_text="Grabbed").wait_for(timeout=10_000)

        _screenshots(page)

        # The detail dialog with the timeline.
        movie.click()
        timeline = page.locator(f"{CARD} .dialog .timeline-entry")
        timeline.first.wait_for(timeout=10_000)
        kinds = [
            timeline.nth(i).get_attribute("data-kind") for i in range(timeline.count())
        ]
        assert {"requested", "approved", "grabbed"} <= set(kinds)

        # Delete (the owner is an admin) calls the action and shows the results.
        page.locator(f"{CARD} .dialog button.delete").click()
        page.locator(f"{CARD} .dialog .confirm input[name=delete_files]").check()
        page.locator(f"{CARD} .dialog button.confirm-delete").click()
        result = page.locator(f"{CARD} .dialog .action-result .message")
        result.wait_for(timeout=30_000)
        assert result.inner_text().startswith("Deleted")
        services_shown = page.locator(f"{CARD} .dialog .results tr").count()
        assert services_shown >= 1
        seen = [line for fake in services for line in fake.log()]
        assert any(line.startswith("DELETE ") for line in seen), seen
        page.screenshot(path=ARTIFACTS / "card-e2e-delete.png")
    finally:
        context.close()


def _screenshots(page: Any) -> None:
    """Save the card in the light and the dark theme; the light one for the README."""
    ARTIFACTS.mkdir(exist_ok=True)
    card = page.locator(CARD)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.wait_for_timeout(300)
        card.screenshot(path=ARTIFACTS / f"card-{scheme}.png")
    page.emulate_media(color_scheme="light")
    # The README's picture: written when missing or asked for, so a test run
    # does not change a committed file.
    if not DOCS_SCREENSHOT.exists() or os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "card-light.png", DOCS_SCREENSHOT)
