"""Measure the card's per-update render time with 200 active requests.

Loads the built card in headless Chromium (as tests/card does, with the fake
hass), sends 200 requests, then one progress change at a time, and prints how
long each update takes until the card and the changed row finished rendering,
until the next frame was painted, and how many rows re-rendered per update
(1 when only what changed renders). Run: script/bench_card [UPDATES]
"""

from __future__ import annotations

from pathlib import Path
import statistics
import sys
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent))

from playwright.async_api import async_playwright

from tests.card.conftest import CHROMIUM_ARGS, CardPage, LoopThread, Sync, chromium_path
from tests.card.views import movie, show

REQUESTS = 200

MEASURE = """async ([count, total]) => {
  const h = window.harness;
  const card = h.card();
  const rows = () => [...card.shadowRoot.querySelectorAll('status-tracker-row')];
  const renders = () => rows().reduce((sum, row) => sum + row.renderCount, 0);
  const base = card._requests;
  const render = [], frame = [], rerendered = [];
  for (let i = 0; i < count; i++) {
    const view = {...base[i % total], progress: (i * 7) % 100 + 0.5};
    const before = renders();
    const t0 = performance.now();
    h.emit({changed: [view]});
    await card.updateComplete;
    const row = rows().find((r) => r.request.request_id === view.request_id);
    await row.updateComplete;
    const t1 = performance.now();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const t2 = performance.now();
    render.push(t1 - t0);
    frame.push(t2 - t0);
    rerendered.push(renders() - before);
  }
  return {render, frame, rerendered, rows: rows().length};
}"""


def _views() -> list[dict[str, Any]]:
    views = []
    for i in range(REQUESTS):
        make = show if i % 3 == 0 else movie
        views.append(
            make(
                request_id=f"req{i:06d}",
                title=f"Request {i}",
                created_at=f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
                progress=float(i % 100),
            )
        )
    return views


def _figures(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{name:<28} median {statistics.median(values):7.2f} ms   "
        f"p95 {p95:7.2f} ms   max {max(values):7.2f} ms"
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    updates = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    runner = LoopThread()
    playwright = runner.run(async_playwright().start())
    browser = runner.run(
        playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    )
    try:
        page = Sync(browser, runner).new_page(viewport={"width": 900, "height": 900})
        card = CardPage(page)
        card.open()
        card.mount({"title": "Bench"})
        card.emit({"requests": _views(), "initial": True})
        result = page.evaluate(MEASURE, [updates, REQUESTS])
    finally:
        runner.run(browser.close())
        runner.run(playwright.stop())
        runner.stop()
    lines = [
        f"{result['rows']} rows shown, {updates} single-request progress updates",
        _figures("update rendered", result["render"]),
        _figures("update to next frame", result["frame"]),
        (
            f"{'rows re-rendered per update':<28} "
            f"max {max(result['rerendered'])}, total {sum(result['rerendered'])}"
        ),
    ]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
