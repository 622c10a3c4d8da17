"""Headless Chromium (through Python playwright) for the card's tests.

The card's unit tests need no Node: they load the built bundle into a blank page
"served" from http://127.0.0.1 (playwright answers the requests itself, so no
socket is opened in the test process) and drive it with a fake `hass` object.
They skip when /usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from concurrent.futures import ThreadPoolExecutor
import inspect
from pathlib import Path
import shutil
import threading
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent.parent.parent / "artifacts"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``browser`` marker (deselect with ``-m 'not browser'``)."""
    config.addinivalue_line(
        "markers", "browser: test in headless Chromium through playwright"
    )


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override tests/conftest.py: the card tests need no Home Assistant in-process."""


def chromium_path() -> str | None:
    """Return the Chromium binary to use, or None."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    return shutil.which("chromium") or shutil.which("chromium-browser")


class LoopThread:
    """An event loop in its own thread, for playwright's async API.

    Playwright's sync API marks its loop as the thread's running loop for as long
    as it is open, which breaks the event loop of every Home Assistant test run
    after it in the same process. Its async API on a loop of its own thread
    leaves the test thread alone, so one browser serves the whole session.
    """

    def __init__(self) -> None:
        # A plain loop: Home Assistant's test loop policy reports executor changes.
        self.loop = asyncio.SelectorEventLoop()
        # One executor thread, started now: a thread started during a test fails
        # Home Assistant's cleanup check (playwright writes screenshots with it).
        self.loop.set_default_executor(
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright-io")
        )
        self.thread = threading.Thread(
            target=self.loop.run_forever, name="playwright-loop", daemon=True
        )
        self.thread.start()
        self.run(self.loop.run_in_executor(None, lambda: None))

    def run(self, awaitable: Awaitable[Any]) -> Any:
        async def wrapper() -> Any:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


class Sync:
    """A playwright async object used from the test's thread as if it were sync.

    Calls returning an awaitable are run on the playwright loop; playwright
    objects in the results are wrapped in turn.
    """

    def __init__(self, target: Any, runner: LoopThread) -> None:
        self._target = target
        self._runner = runner

    def _wrap(self, value: Any) -> Any:
        if type(value).__module__.startswith("playwright."):
            return Sync(value, self._runner)
        return value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if not callable(value):
            return self._wrap(value)

        def call(*args: Any, **kwargs: Any) -> Any:
            result = value(*args, **kwargs)
            if inspect.isawaitable(result):
                result = self._runner.run(result)
            return self._wrap(result)

        return call


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Start one headless Chromium for the session (a sync facade over the async API)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    async_api = pytest.importorskip("playwright.async_api")
    runner = LoopThread()
    try:
        playwright = runner.run(async_api.async_playwright().start())
        try:
            browser = runner.run(
                playwright.chromium.launch(
                    executable_path=executable, args=CHROMIUM_ARGS, headless=True
                )
            )
            try:
                yield Sync(browser, runner)
            finally:
                runner.run(browser.close())
        finally:
            runner.run(playwright.stop())
    finally:
        runner.stop()


ROOT = Path(__file__).parent.parent.parent
CARD_JS = (
    ROOT / "custom_components" / "status_tracker" / "www" / "status-tracker-card.js"
)
HARNESS_JS = Path(__file__).parent / "harness.js"
ORIGIN = "http://127.0.0.1:8123"

# HA's default theme variables (a subset), light and dark, as the frontend sets
# them on <html>.
THEMES = {
    "light": {
        "--primary-color": "#03a9f4",
        "--text-primary-color": "#ffffff",
        "--primary-text-color": "#212121",
        "--secondary-text-color": "#727272",
        "--card-background-color": "#ffffff",
        "--primary-background-color": "#fafafa",
        "--secondary-background-color": "#e5e5e5",
        "--divider-color": "rgba(0, 0, 0, 0.12)",
        "--error-color": "#db4437",
        "--warning-color": "#ffa600",
        "--success-color": "#43a047",
        "--info-color": "#039be5",
    },
    "dark": {
        "--primary-color": "#03a9f4",
        "--text-primary-color": "#ffffff",
        "--primary-text-color": "#e1e1e1",
        "--secondary-text-color": "#9b9b9b",
        "--card-background-color": "#1c1c1c",
        "--primary-background-color": "#111111",
        "--secondary-background-color": "#282828",
        "--divider-color": "rgba(225, 225, 225, 0.12)",
        "--error-color": "#ef5350",
        "--warning-color": "#ffa600",
        "--success-color": "#45a049",
        "--info-color": "#039be5",
    },
}


def page_html(theme: str = "light", width: str = "100%") -> str:
    """Return the blank page the card is loaded into."""
    variables = "".join(f"{name}: {value};" for name, value in THEMES[theme].items())
    return f"""<!doctype html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
html {{ {variables} }}
body {{ margin: 0; padding: 8px; font-family: Roboto, sans-serif;
        background: var(--primary-background-color); }}
#root {{ width: {width}; }}
</style>
<script src="/harness.js"></script>
<script type="module" src="/status_tracker/status-tracker-card.js"></script>
</head><body><div id="root"></div></body></html>"""


# What the posters (TMDB URLs) show: never the network.
POSTER_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="90">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
<stop offset="0" stop-color="#3f51b5"/><stop offset="1" stop-color="#e91e63"/>
</linearGradient></defs><rect width="60" height="90" fill="url(#g)"/>
<circle cx="30" cy="38" r="14" fill="#ffffff" fill-opacity="0.5"/></svg>"""


class CardPage:
    """A page with the built card loaded and the fake hass harness."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def open(self, theme: str = "light") -> None:
        """Load the blank page with the given theme."""
        html = page_html(theme)

        async def serve(route: Any) -> None:
            url = route.request.url
            if url.startswith(f"{ORIGIN}/status_tracker/status-tracker-card.js"):
                await route.fulfill(
                    body=CARD_JS.read_bytes(), content_type="text/javascript"
                )
            elif url == f"{ORIGIN}/harness.js":
                await route.fulfill(
                    body=HARNESS_JS.read_bytes(), content_type="text/javascript"
                )
            elif url in (f"{ORIGIN}/", f"{ORIGIN}/index.html"):
                await route.fulfill(body=html, content_type="text/html")
            elif url.startswith("https://image.tmdb.org/"):
                await route.fulfill(body=POSTER_SVG, content_type="image/svg+xml")
            else:
                await route.fulfill(status=404, body="")

        self.page.route("**/*", serve)
        self.page.goto(f"{ORIGIN}/")
        self.page.wait_for_function(
            "() => Boolean(customElements.get('status-tracker-card'))"
        )

    def mount(
        self,
        config: dict[str, Any] | None = None,
        *,
        is_admin: bool = False,
        dark: bool = False,
        answers: dict[str, Any] | None = None,
        fail_subscribe: str | None = None,
    ) -> None:
        """Create the card with a config and a fake hass."""
        if answers:
            self.page.evaluate(
                "(a) => Object.assign(window.harness.answers, a)", answers
            )
        if fail_subscribe:
            self.page.evaluate(
                "(m) => { window.harness.failSubscribe = m; }", fail_subscribe
            )
        self.page.evaluate(
            "([config, options]) => window.harness.mount(config, options)",
            [
                {"type": "custom:status-tracker-card", **(config or {})},
                {"isAdmin": is_admin, "darkMode": dark},
            ],
        )
        self.settle()

    def emit(self, event: dict[str, Any]) -> None:
        """Push one subscription event to the card."""
        self.page.evaluate("(e) => window.harness.emit(e)", event)
        self.settle()

    def settle(self) -> None:
        """Wait until the card and its rows finished rendering."""
        self.page.evaluate("() => window.harness.settle()")

    def calls(self) -> list[dict[str, Any]]:
        """Return the websocket messages the card sent."""
        calls: list[dict[str, Any]] = self.page.evaluate("() => window.harness.calls")
        return calls

    def texts(self, selector: str) -> list[str]:
        """Return the trimmed text of every match (shadow roots pierced)."""
        return [
            " ".join(text.split())
            for text in self.page.locator(selector).all_inner_texts()
        ]


@pytest.fixture
def card_page(browser: Any) -> Iterator[CardPage]:
    """Return a fresh page (phone-sized when a test asks) with the card loaded."""
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    try:
        yield CardPage(page)
    finally:
        context.close()
