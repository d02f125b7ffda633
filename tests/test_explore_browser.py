"""The explorer in a real browser: headless Chromium against a server this module starts.

One server for the whole module (it is stopped whatever happens), one browser; each test opens
its own page.  Marked ``browser``: CI installs Debian's chromium.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
pytest.importorskip("playwright")

from defsim import api

from .explorer_server import answer_locator, browser, chromium_path, move_slider, served

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module", autouse=True)
def _has_chromium():
    """In CI (CI=true) a missing browser fails, elsewhere the tests are skipped (as test_report's)."""
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI must install it: see .ci/run)")
        pytest.skip("chromium is not installed")


TIMEOUT = 60_000  # ms: a shared 2-core machine may be slow; the benchmarks measure speed


@pytest.fixture(scope="module")
def server():
    with served() as (url, _proc, _ready):
        yield url


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def page(chromium):
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def _ready(page) -> None:
    page.get_by_role("button", name="Run", exact=True).wait_for()


def test_the_page_loads_without_console_errors(server, page):
    page.goto(server + "?scenario=textbook")
    _ready(page)
    page.get_by_test_id("stMainBlockContainer").get_by_text("How many days does a stock of 120").wait_for()
    page.wait_for_timeout(1000)  # late errors (websocket, components) have their chance
    assert page.errors == []


def test_moving_a_slider_and_pressing_run_answers_and_the_address_keeps_the_knobs(server, page, chromium):
    page.goto(server + "?scenario=textbook&reps=50")
    _ready(page)
    move_slider(page, "Weekly delivery (rounds)", 14)  # 14 -> 28 a week
    page.get_by_role("button", name="Run", exact=True).click()
    answer = answer_locator(page)
    answer.wait_for()
    assert re.match(r"The battery runs dry around day \d+ ", answer.inner_text())
    page.wait_for_function("() => window.location.search.includes('set=')")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query["set"] == ["deliveries.0.quantity=28"] and query["reps"] == ["50"]
    # the address, opened afresh, sets the knob again
    other = chromium.new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(page.url)
    other.get_by_role("button", name="Run", exact=True).wait_for()
    # the first such slider is the knob of the Run tab (the discovery tab offers it as a range)
    slider = other.locator("[data-testid='stSlider']", has_text="Weekly delivery (rounds)").first
    assert slider.get_by_test_id("stSliderThumbValue").inner_text() == "28"
    other.close()
    assert page.errors == []


def test_a_download_arrives_and_loads(server, page):
    page.goto(server + "?scenario=textbook&reps=20&set=sites.Battery.doctrine.shots%3D1&run=1")
    answer_locator(page).wait_for()
    page.get_by_role("tab", name="Share and download").click()
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").get_by_role("button", name="Scenario (YAML)").click()
    download = info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "# --set sites.Battery.doctrine.shots=1" in text
    assert api.loads(text, "downloaded.yaml").spec.sites["Battery"].doctrine.shots == 1


def test_a_shared_comparison_link_reads_its_sentence(server, page):
    link = (
        server
        + "?scenario=backfill&vary=transfers.0.enabled%3Dtrue%2Cfalse&label=with+backfill&label=cut"
        + "&seed=2023&reps=10&run=1"
    )
    page.goto(link)
    page.get_by_role("tab", name="Compare").click()
    sentence = answer_locator(page, "against")
    sentence.wait_for(timeout=3 * TIMEOUT)
    assert sentence.inner_text().startswith("cut against with backfill:")
    assert page.errors == []


def test_a_hostile_name_shows_literally(server, page, tmp_path):
    text = (api.load("textbook").source.text or "").replace(
        "name: One battery, textbook case", 'name: "<img src=x onerror=alert(1)> **bold**"'
    )
    path = tmp_path / "hostile.yaml"
    path.write_text(text)
    page.goto(server)
    _ready(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_role("heading", name="<img src=x onerror=alert(1)> **bold**").wait_for()
    assert dialogs == [] and page.locator("img[src='x']").count() == 0


def test_a_bad_link_says_so_on_the_first_page(server, page):
    page.goto(server + "?scenario=textbook&set=sites.Battery.stok.interceptor%3D3")
    _ready(page)
    said = page.locator("[data-testid='stAlertContentError']", has_text="the link's settings").first
    said.wait_for()
    assert "sites.Battery.stok.interceptor" in said.inner_text()
