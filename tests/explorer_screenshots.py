"""Screenshots of the explorer for the docs, taken in headless Chromium as the browser tests do.

    python -m tests.explorer_screenshots docs/img

writes ``explorer-run.png`` (textbook, weekly delivery moved to 28, Run pressed) and
``explorer-compare.png`` (the backfill what-if opened from its shared link, Compare tab).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .explorer_server import answer_locator, browser, move_slider, served

TIMEOUT = 300_000
WIDTH, HEIGHT, MAX_HEIGHT = 1280, 1000, 6000


def _settled(page: object, charts: int) -> None:
    """Until the script has finished (no 'running' status) and ``charts`` Plotly charts are drawn."""
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelectorAll('[data-testid=stPlotlyChart] .main-svg').length >= {charts}"
    )
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden")  # type: ignore[attr-defined]
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]


#: Streamlit scrolls its main area inside the page, so a full-page screenshot stops at the window:
#: the window is made as tall as what the page holds instead (charts below the fold included)
_CONTENT = """() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll(
    "[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]"
), e => e.scrollHeight))"""


def _whole(page: object, path: Path, width: int = WIDTH) -> None:
    """A screenshot of everything the page holds, top to bottom."""
    height = int(page.evaluate(_CONTENT))  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": min(height + 40, MAX_HEIGHT)})  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # Plotly redraws at the new width
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": HEIGHT})  # type: ignore[attr-defined]


def shoot(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    with served() as (url, _proc, _ready), browser() as b:
        page = b.new_page(viewport={"width": WIDTH, "height": HEIGHT})  # type: ignore[attr-defined]
        page.set_default_timeout(TIMEOUT)
        page.goto(url + "?scenario=textbook&reps=100")
        page.get_by_role("button", name="Run", exact=True).wait_for()
        move_slider(page, "Weekly delivery (rounds)", 14)
        page.get_by_role("button", name="Run", exact=True).click()
        answer_locator(page).wait_for()
        _settled(page, 2)
        out.append(folder / "explorer-run.png")
        _whole(page, out[-1])
        page.goto(
            url + "?scenario=backfill&vary=transfers.0.enabled%3Dtrue%2Cfalse&label=with+backfill&label=cut"
            "&seed=2023&reps=100&run=1"
        )
        page.get_by_role("tab", name="Compare").click()
        answer_locator(page, "against").wait_for()
        _settled(page, 1)
        out.append(folder / "explorer-compare.png")
        _whole(page, out[-1])
    return out


if __name__ == "__main__":
    for p in shoot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")):
        print(p)
