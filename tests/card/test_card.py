"""The Lovelace card's rendering and logic, in headless Chromium with a fake hass."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ARTIFACTS, THEMES, CardPage
from .views import DELETE_RESPONSE, detail, finished, movie, show

pytestmark = pytest.mark.browser

CARD = "status-tracker-card"
ROW = f"{CARD} status-tracker-row"


def _initial(*views: dict[str, Any]) -> dict[str, Any]:
    return {"requests": list(views), "initial": True}


def _rgb(hex_color: str) -> str:
    value = hex_color.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def test_lists_active_requests(card_page: CardPage) -> None:
    """Titles, years, seasons, stage chips, progress, speed and ETA, problems."""
    card_page.open()
    card_page.mount({"title": "Downloads"})
    calls = card_page.calls()
    assert calls == [{"type": "status_tracker/requests/subscribe"}]
    assert card_page.texts(f"{CARD} .state") == ["Loading…"]

    card_page.emit(_initial(movie(), show()))

    assert card_page.texts(f"{CARD} .card-title") == ["Downloads"]
    # Newest first.
    assert card_page.texts(f"{ROW} .title") == ["Example Show", "Example Movie"]
    assert card_page.texts(f"{ROW} .year") == ["(2008)", "(1999)"]
    assert card_page.texts(f"{ROW} .stage") == ["Grabbed", "Downloading"]
    assert card_page.texts(f"{ROW} .seasons") == ["Seasons 1, 2"]
    assert card_page.texts(f"{ROW} .percent") == ["7%", "43%"]
    assert card_page.texts(f"{ROW} .speed") == ["2.5 MB/s"]
    assert card_page.texts(f"{ROW} .eta") == ["ETA 1h 2m"]
    bar = card_page.page.locator(f"{ROW} [data-request-id=req000001] .bar")
    assert bar.get_attribute("aria-valuenow") == "43"
    fill = card_page.page.locator(f"{ROW} [data-request-id=req000001] .fill")
    assert "width: 42.5%" in (fill.get_attribute("style") or "")
    # The poster of the movie, a placeholder for the show without one.
    assert (
        card_page.page.locator(f"{ROW} img").get_attribute("src")
        == movie()["poster_url"]
    )
    assert card_page.texts(f"{ROW} .poster-placeholder") == ["TV"]
    # Problem badge with its reason.
    problem = card_page.page.locator(f"{ROW} .problem")
    assert problem.count() == 1
    assert problem.get_attribute("data-kind") == "stalled"
    assert card_page.texts(f"{ROW} .problem") == ["⚠ Stalled: No seeds for 2 hours"]


def test_episode_strip(card_page: CardPage) -> None:
    """A TV request shows one cell per episode, coloured by stage, and the summary."""
    card_page.open()
    card_page.mount()
    card_page.emit(_initial(show()))
    cells = card_page.page.locator(f"{ROW} .strip .ep")
    assert [cells.nth(i).get_attribute("data-stage") for i in range(4)] == [
        "available",
        "downloading",
        "grabbed",
        "unaired",
    ]
    assert cells.first.get_attribute("title") == "S01E01 · Pilot · Available"
    assert card_page.texts(f"{ROW} .summary") == ["1/4 available · 2 grabbed"]

    # Compact mode hides posters and strips.
    card_page.open()
    card_page.mount({"compact": True})
    card_page.emit(_initial(show()))
    assert card_page.page.locator(f"{ROW} .strip").count() == 0
    assert card_page.page.locator(f"{ROW} .poster").count() == 0


def test_changes_update_only_their_row(card_page: CardPage) -> None:
    """changed/removed events update the list; unchanged rows do not re-render."""
    card_page.open()
    card_page.mount()
    card_page.emit(_initial(movie(), show()))
    counts = "() => [...document.querySelector('status-tracker-card').shadowRoot.querySelectorAll('status-tracker-row')].map(r => [r.request.request_id, r.renderCount])"
    before = dict(card_page.page.evaluate(counts))

    card_page.emit({"changed": [movie(progress=80.0, state="downloading")]})

    assert card_page.texts(f"{ROW} .percent") == ["7%", "80%"]
    after = dict(card_page.page.evaluate(counts))
    assert after["req000001"] == before["req000001"] + 1
    assert after["req000002"] == before["req000002"]

    # A new request appears in order; a removed one goes.
    newer = movie(
        request_id="req000003",
        title="Newer Movie",
        created_at="2026-01-10T14:00:00+00:00",
        state="requested",
        progress=None,
    )
    card_page.emit({"changed": [newer]})
    assert card_page.texts(f"{ROW} .title") == [
        "Newer Movie",
        "Example Show",
        "Example Movie",
    ]
    assert card_page.texts(f"{ROW} [data-request-id=req000003] .stage") == ["Requested"]
    card_page.emit({"removed": ["req000002", "req000003"]})
    assert card_page.texts(f"{ROW} .title") == ["Example Movie"]


def test_max_items(card_page: CardPage) -> None:
    """max_items caps the list and says how many more there are."""
    card_page.open()
    card_page.mount({"max_items": 1})
    card_page.emit(_initial(movie(), show()))
    assert card_page.texts(f"{ROW} .title") == ["Example Show"]
    assert card_page.texts(f"{CARD} .more") == ["+1 more"]


def test_empty_and_error_states(card_page: CardPage) -> None:
    """No requests: an empty state; a failed subscription: an error with retry."""
    card_page.open()
    card_page.mount()
    card_page.emit(_initial())
    assert card_page.texts(f"{CARD} .empty") == ["No active requests"]

    card_page.open()
    card_page.mount(fail_subscribe="No such hub")
    assert card_page.texts(f"{CARD} .error .message") == ["No such hub"]
    # Try again subscribes anew; this time it works.
    card_page.page.evaluate("() => { window.harness.failSubscribe = null; }")
    card_page.page.locator(f"{CARD} .error button").click()
    card_page.settle()
    card_page.emit(_initial(movie()))
    assert card_page.texts(f"{ROW} .title") == ["Example Movie"]


def test_detail_dialog(card_page: CardPage) -> None:
    """Tapping a row opens the timeline, episodes and the Jellyfin link."""
    card_page.open()
    jellyfin = "https://watch.example.com/web/#/details?id=abc"
    card_page.mount(
        answers={
            "get": {
                "req000002": detail(show(), jellyfin_url=jellyfin),
            }
        }
    )
    card_page.emit(_initial(movie(), show()))
    card_page.page.locator(f"{ROW} [data-request-id=req000002]").click()
    card_page.settle()

    assert {"type": "status_tracker/requests/get", "request_id": "req000002"} in (
        card_page.calls()
    )
    dialog = f"{CARD} .dialog"
    assert card_page.page.locator(dialog).is_visible()
    assert card_page.texts(f"{dialog} .dialog-title") == ["Example Show (2008)"]
    # Newest first, with source and detail.
    assert card_page.texts(f"{dialog} .timeline-entry .what") == [
        "Grabbed",
        "Approved",
        "Requested",
    ]
    assert card_page.texts(f"{dialog} .timeline-entry .detail") == [
        "Example.Movie.1999.1080p"
    ]
    assert card_page.texts(f"{dialog} .episode .code") == [
        "S01E01",
        "S01E02",
        "S01E03",
        "S02E01",
    ]
    link = card_page.page.locator(f"{dialog} a.watch")
    assert link.inner_text() == "Watch in Jellyfin"
    assert link.get_attribute("href") == jellyfin
    # Not an admin: no actions.
    assert card_page.page.locator(f"{dialog} .admin").count() == 0
    card_page.page.locator(f"{dialog} .close").click()
    card_page.settle()
    assert card_page.page.locator(dialog).count() == 0

    # Escape closes it too.
    card_page.page.locator(f"{ROW} [data-request-id=req000001]").click()
    card_page.settle()
    assert card_page.page.locator(dialog).count() == 1
    card_page.page.keyboard.press("Escape")
    card_page.settle()
    assert card_page.page.locator(dialog).count() == 0


def test_detail_error(card_page: CardPage) -> None:
    """A request gone meanwhile shows the error in the dialog."""
    card_page.open()
    card_page.mount()
    card_page.emit(_initial(movie()))
    card_page.page.locator(f"{ROW} .row").click()
    card_page.settle()
    assert card_page.texts(f"{CARD} .dialog .error .message") == ["No such request"]


def test_admin_delete_flow(card_page: CardPage) -> None:
    """Admins confirm, choose to delete files, and see each service's result."""
    card_page.open()
    card_page.mount(
        is_admin=True,
        answers={
            "get": {"req000001": detail(movie())},
            "service": {"delete_request": DELETE_RESPONSE},
        },
    )
    card_page.emit(_initial(movie()))
    card_page.page.locator(f"{ROW} .row").click()
    card_page.settle()
    dialog = f"{CARD} .dialog"
    assert card_page.texts(f"{dialog} .admin .actions > button") == [
        "Retry",
        "Verify",
        "Delete…",
    ]

    card_page.page.locator(f"{dialog} button.delete").click()
    card_page.settle()
    assert "Example Movie" in card_page.texts(f"{dialog} .confirm")[0]
    card_page.page.locator(f"{dialog} .confirm input[name=delete_files]").check()
    card_page.page.locator(f"{dialog} button.confirm-delete").click()
    card_page.settle()

    service_calls = [c for c in card_page.calls() if c["type"] == "call_service"]
    assert service_calls == [
        {
            "type": "call_service",
            "domain": "status_tracker",
            "service": "delete_request",
            "service_data": {"request_id": "req000001", "delete_files": True},
            "return_response": True,
        }
    ]
    # Then the dialog reloads the request.
    assert card_page.calls()[-1]["type"] == "status_tracker/requests/get"
    assert card_page.texts(f"{dialog} .action-result .message") == [
        "Deleted, but some services failed"
    ]
    assert card_page.texts(f"{dialog} .results tr") == [
        "Radarr deleted",
        "qBittorrent failed Connection refused",
        "Seerr deleted",
    ]


def test_admin_delete_cancel_and_error(card_page: CardPage) -> None:
    """Cancel sends nothing; a refused call shows its error."""
    card_page.open()
    card_page.mount(
        is_admin=True,
        answers={
            "get": {"req000001": detail(movie())},
            "service": {
                "delete_request": {
                    "error": {"code": "unauthorized", "message": "Unauthorized"}
                }
            },
        },
    )
    card_page.emit(_initial(movie()))
    card_page.page.locator(f"{ROW} .row").click()
    card_page.settle()
    dialog = f"{CARD} .dialog"
    card_page.page.locator(f"{dialog} button.delete").click()
    card_page.settle()
    card_page.page.locator(f"{dialog} .confirm button", has_text="Cancel").click()
    card_page.settle()
    assert card_page.page.locator(f"{dialog} .confirm").count() == 0
    assert not any(c["type"] == "call_service" for c in card_page.calls())

    card_page.page.locator(f"{dialog} button.delete").click()
    card_page.settle()
    card_page.page.locator(f"{dialog} button.confirm-delete").click()
    card_page.settle()
    sent = [c for c in card_page.calls() if c["type"] == "call_service"][-1]
    assert sent["service_data"] == {"request_id": "req000001", "delete_files": False}
    assert card_page.texts(f"{dialog} .action-result.error") == ["Unauthorized"]


@pytest.mark.parametrize(
    ("button", "service", "message"),
    [
        ("retry", "retry_request", "Retry sent"),
        ("verify", "verify_request", "Verification done"),
    ],
)
def test_admin_retry_and_verify(
    card_page: CardPage, button: str, service: str, message: str
) -> None:
    """Retry and verify call their actions for the open request."""
    card_page.open()
    card_page.mount(is_admin=True, answers={"get": {"req000001": detail(movie())}})
    card_page.emit(_initial(movie()))
    card_page.page.locator(f"{ROW} .row").click()
    card_page.settle()
    card_page.page.locator(f"{CARD} .dialog button.{button}").click()
    card_page.settle()
    service_calls = [c for c in card_page.calls() if c["type"] == "call_service"]
    assert service_calls == [
        {
            "type": "call_service",
            "domain": "status_tracker",
            "service": service,
            "service_data": {"request_id": "req000001"},
            "return_response": True,
        }
    ]
    assert card_page.texts(f"{CARD} .dialog .action-result .message") == [message]


def test_history_tab(card_page: CardPage) -> None:
    """History lists finished requests, filtered by outcome and requester."""
    card_page.open()
    card_page.mount(
        {"max_items": 20},
        answers={
            "list": {
                "total": 2,
                "offset": 0,
                "requests": [
                    finished("req000010", "Old Movie", "available", "alice"),
                    finished("req000011", "Declined Movie", "declined", "carol"),
                ],
            }
        },
    )
    card_page.emit(_initial(movie()))
    card_page.page.locator(f"{CARD} .tab[data-tab=history]").click()
    card_page.settle()
    assert card_page.calls()[-1] == {
        "type": "status_tracker/requests/list",
        "status": "finished",
        "limit": 20,
    }
    assert card_page.texts(f"{ROW} .title") == ["Old Movie", "Declined Movie"]
    assert card_page.texts(f"{ROW} .stage") == ["Available", "Declined"]
    # Finished requests show no progress bar.
    assert card_page.page.locator(f"{ROW} .progress").count() == 0
    assert card_page.texts(f"{CARD} select[name=requester] option") == [
        "Anyone",
        "alice",
        "carol",
    ]

    card_page.page.locator(f"{CARD} select[name=outcome]").select_option("declined")
    card_page.settle()
    assert card_page.calls()[-1]["stages"] == ["declined"]
    card_page.page.locator(f"{CARD} select[name=requester]").select_option("carol")
    card_page.settle()
    assert card_page.calls()[-1] == {
        "type": "status_tracker/requests/list",
        "status": "finished",
        "limit": 20,
        "stages": ["declined"],
        "requested_by": "carol",
    }

    card_page.page.evaluate(
        "() => { window.harness.answers.list = {total: 0, offset: 0, requests: []}; }"
    )
    card_page.page.locator(f"{CARD} select[name=outcome]").select_option("failed")
    card_page.settle()
    assert card_page.texts(f"{CARD} .empty") == ["No finished requests"]

    card_page.page.locator(f"{CARD} .tab[data-tab=active]").click()
    card_page.settle()
    assert card_page.texts(f"{ROW} .title") == ["Example Movie"]


def test_history_hidden_by_option(card_page: CardPage) -> None:
    """show_history: false removes the tabs."""
    card_page.open()
    card_page.mount({"show_history": False})
    card_page.emit(_initial(movie()))
    assert card_page.page.locator(f"{CARD} .tab").count() == 0


def test_unsubscribes_when_removed(card_page: CardPage) -> None:
    """Removing the card from the page ends its subscription."""
    card_page.open()
    card_page.mount()
    card_page.page.evaluate("() => window.harness.card().remove()")
    card_page.page.wait_for_function("window.harness.unsubscribed === 1")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_variables(card_page: CardPage, theme: str) -> None:
    """The card takes its colours from HA's theme variables."""
    card_page.open(theme)
    card_page.mount(dark=theme == "dark")
    card_page.emit(_initial(movie(), show()))
    colours = THEMES[theme]

    def style(selector: str, prop: str) -> str:
        value: str = card_page.page.locator(selector).first.evaluate(
            f"(el) => getComputedStyle(el).{prop}"
        )
        return value

    assert style(f"{CARD} ha-card", "backgroundColor") == _rgb(
        colours["--card-background-color"]
    )
    assert style(f"{ROW} .title", "color") == _rgb(colours["--primary-text-color"])
    assert style(f"{ROW} .year", "color") == _rgb(colours["--secondary-text-color"])
    assert style(f"{ROW} .fill", "backgroundColor") == _rgb(colours["--primary-color"])
    assert style(f"{ROW} .problem", "backgroundColor") == _rgb(
        colours["--warning-color"]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    card_page.page.locator(CARD).screenshot(path=ARTIFACTS / f"card-unit-{theme}.png")


def test_phone_width(card_page: CardPage) -> None:
    """At 360 px nothing overflows the card horizontally."""
    card_page.page.set_viewport_size({"width": 360, "height": 740})
    card_page.open()
    long_title = "A Very Long Title That Would Never Fit On A Phone Screen At All"
    card_page.mount(is_admin=True, answers={"get": {"req000001": detail(movie())}})
    card_page.emit(_initial(movie(title=long_title), show()))
    widths = card_page.page.locator(f"{CARD} ha-card").evaluate(
        "(el) => [el.scrollWidth, el.clientWidth]"
    )
    assert widths[0] <= widths[1]
    ARTIFACTS.mkdir(exist_ok=True)
    card_page.page.screenshot(path=ARTIFACTS / "card-unit-phone.png")
    card_page.page.locator(f"{ROW} [data-request-id=req000001]").click()
    card_page.settle()
    box = card_page.page.locator(f"{CARD} .dialog").bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 360
    ARTIFACTS.mkdir(exist_ok=True)
    card_page.page.screenshot(path=ARTIFACTS / "card-unit-phone-dialog.png")


def test_picker_entry_and_editor(card_page: CardPage) -> None:
    """The card is in the picker with a preview and has a visual editor."""
    card_page.open()
    entry = card_page.page.evaluate(
        "() => window.customCards.filter(c => c.type === 'status-tracker-card')"
    )
    assert len(entry) == 1
    assert entry[0]["preview"] is True
    assert entry[0]["name"] == "Status Tracker"
    assert card_page.page.evaluate(
        "() => customElements.get('status-tracker-card').getStubConfig()"
    ) == {
        "title": "Media requests",
        "show_history": True,
        "max_items": 10,
        "compact": False,
    }

    card_page.page.evaluate(
        """async () => {
            const editor = customElements.get('status-tracker-card').getConfigElement();
            editor.setConfig({type: 'custom:status-tracker-card', title: 'Old'});
            window.edited = [];
            editor.addEventListener('config-changed', (ev) => window.edited.push(ev.detail.config));
            document.getElementById('root').appendChild(editor);
            await editor.updateComplete;
        }"""
    )
    editor = "status-tracker-card-editor"
    title = card_page.page.locator(f"{editor} input[name=title]")
    assert title.input_value() == "Old"
    title.fill("New title")
    title.dispatch_event("change")
    card_page.page.locator(f"{editor} input[name=max_items]").fill("5")
    card_page.page.locator(f"{editor} input[name=max_items]").dispatch_event("change")
    card_page.page.locator(f"{editor} input[name=compact]").check()
    card_page.page.locator(f"{editor} input[name=show_history]").uncheck()
    edited = card_page.page.evaluate("() => window.edited")
    assert edited[-1] == {
        "type": "custom:status-tracker-card",
        "title": "New title",
        "max_items": 5,
        "compact": True,
        "show_history": False,
    }


def test_rejects_bad_config(card_page: CardPage) -> None:
    """setConfig refuses a max_items that is not a positive number."""
    card_page.open()
    error = card_page.page.evaluate(
        """() => {
            const card = document.createElement('status-tracker-card');
            try { card.setConfig({type: 'custom:status-tracker-card', max_items: 0}); }
            catch (err) { return err.message; }
            return null;
        }"""
    )
    assert error == "max_items must be a positive number"
