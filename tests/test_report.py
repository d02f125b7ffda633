"""defsim report: one self-contained page, checked in a real browser (headless Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from defsim.cli import main
from defsim.io.report import render

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "defsim" / "scenarios"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium() -> str:
    """The browser; in CI (CI=true) a missing browser fails, elsewhere the test is skipped."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI must install it: see .ci/run)")
        pytest.skip("chromium is not installed")
    return CHROMIUM


def browse(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / f"profile-{len(list(tmp.iterdir()))}"
    profile.mkdir()
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args,
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def raids_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "raids"
    scenario = SCENARIOS / "nightly_raids.yaml"
    r = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "-q", "--no-plot"])
    assert r.exit_code == 0, r.output
    page = out.parent / "raids.html"
    r = CliRunner().invoke(main, ["report", str(out), "-o", str(page)])
    assert r.exit_code == 0, r.output
    return page


def test_the_page_is_self_contained(raids_report: Path) -> None:
    text = raids_report.read_text()
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert text.count('src="data:image/png;base64,') >= 3
    assert "<details>" in text and "@media print" in text and "@page" in text
    assert "defsim run scenario.yaml --seed 7" in text


@pytest.mark.browser
def test_chromium_renders_answers_and_headline_figures(raids_report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = browse(raids_report, tmp_path, "--window-size=1200,2000", f"--screenshot={shot}")
    assert ":CONSOLE" not in done.stderr, done.stderr
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[0] >= 1000 and pixels.shape[1] >= 1000
    assert float(np.asarray(pixels[..., :3]).std()) > 0.05  # not blank: text and plots
    dom = browse(raids_report, tmp_path, "--dump-dom")
    assert ":CONSOLE" not in dom.stderr, dom.stderr
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom.stdout))
    import json

    from defsim.analysis.answers import money

    folder = raids_report.parent / "raids"
    answers = (folder / "answers.txt").read_text().splitlines()
    assert answers[0].startswith("Battery: short_range rounds ran out on 12 Jan 2024 (day 11)")
    assert re.sub(r"\s+", " ", answers[0]) in text  # the answer as the run wrote it
    s = json.loads((folder / "summary.json").read_text())
    c = s["cost"]
    for figure in (
        f"{s['totals']['arrived']:,}",
        money(c["interceptor_cost_spent"]),
        money(c["threat_cost_defeated"]),
        f"{c['cost_exchange_ratio']:.2f}",
    ):
        assert figure in text, figure


def test_user_strings_are_escaped(raids_report: Path, tmp_path: Path) -> None:
    from defsim.io.folder import read

    view = read(raids_report.parent / "raids")
    view.as_run.data["name"] = "<script>alert(1)</script> $4M ... $20k $^$"
    page = render(view)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; $4M ... $20k $^$" in page


def test_sweep_and_ensemble_reports_show_variants_and_paired_differences(tmp_path: Path) -> None:
    textbook = str(SCENARIOS / "textbook.yaml")
    out = tmp_path / "sweep"
    args = ["sweep", textbook, "--vary", "sites.Battery.fire_channels=1,3", "--reps", "4", "--workers", "1"]
    r = CliRunner().invoke(main, [*args, "--out", str(out), "-q", "--no-plot", "--report"])
    assert r.exit_code == 0, r.output
    page = (out / "report.html").read_text()
    for label in ("sites.Battery.fire_channels=1", "sites.Battery.fire_channels=3"):
        assert page.count(label) >= 3  # the answers, the table's columns, the differences
    assert "paired by replication" in page and "Δ" in page and "days without interceptor" in page
    assert "defsim sweep" in page and "--reps 4" in page  # the command that reproduces it
    ens = tmp_path / "ens"
    r = CliRunner().invoke(main, ["run", textbook, "--reps", "4", "--workers", "1", "--out", str(ens), "-q",
                                  "--no-plot", "--report"])  # fmt: skip
    assert r.exit_code == 0, r.output
    page = (ens / "report.html").read_text()
    assert "interceptor rounds ran out in" in page and "5-95%" in page and "null:" not in page
    assert page.count("data:image/png;base64,") == 2  # the fan chart and P(dry)


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page of a PDF as Chromium writes it (page objects are
    not compressed there): read from the file itself, no PDF library needed."""
    import re as _re

    pages = _re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
    boxes = [tuple(float(v) for v in m.split()) for m in _re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]
    assert len(boxes) >= len(pages) > 0
    return [(b[2] - b[0], b[3] - b[1]) for b in boxes[: len(pages)]]


@pytest.mark.browser
@pytest.mark.parametrize(("paper", "size"), [("A4", (595.28, 841.89)), ("letter", (612.0, 792.0))])
def test_the_report_prints_on_a4_and_letter(
    raids_report: Path, tmp_path: Path, paper: str, size: tuple[float, float]
) -> None:
    """Printed to PDF by Chromium, the page is the paper asked for, and the report takes a sane
    number of pages (the print stylesheet keeps figures whole and scaled to the page)."""
    page = tmp_path / f"{paper}.html"
    text = raids_report.read_text(encoding="utf-8")
    assert "</head>" in text
    page.write_text(text.replace("</head>", f"<style>@page {{ size: {paper}; }}</style></head>", 1))
    pdf = tmp_path / f"{paper}.pdf"
    browse(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    pages = pdf_pages(pdf.read_bytes())
    for w, h in pages:
        assert w == pytest.approx(size[0], abs=1.5) and h == pytest.approx(size[1], abs=1.5)
    # nightly_raids: title, answers and tables on about two pages, four figures, the scenario
    assert 3 <= len(pages) <= 12, len(pages)


def test_a_sweep_report_opens_with_the_question_and_what_the_change_did(tmp_path: Path) -> None:
    textbook = str(SCENARIOS / "textbook.yaml")
    out = tmp_path / "sweep"
    args = ["sweep", textbook, "--vary", "sites.Battery.doctrine.shots=2,1", "--reps", "8", "--workers", "1",
            "--label", "salvo of two", "--label", "one shot"]  # fmt: skip
    r = CliRunner().invoke(main, [*args, "--out", str(out), "--no-plot", "--report"])
    assert r.exit_code == 0, r.output
    saved = __import__("json").loads((out / "compare.json").read_text())
    assert saved["variants"] == ["salvo of two", "one shot"]
    (sentence,) = saved["answer"]["lines"]
    assert sentence.startswith("one shot vs salvo of two: ") and re.search(r"\[[\d.,]+, [\d.,]+\]", sentence)
    # the terminal says it first, after the question
    text = re.sub(r"\s+", " ", r.output)
    assert text.index("Question: How many days") < text.index(sentence[:40]) < text.index("[salvo of two]")
    page = (out / "report.html").read_text()
    top = page.index("<h1>")
    assert top < page.index("Question:</b> How many days") < page.index(sentence) < page.index("Each variant")
    # differences keep their unit: days and percentage points, never a bare fraction
    assert re.search(r"Δ [+-][\d.,]+ days \[", page) and re.search(r"Δ [+-][\d.]+ pp \[", page)
    r = CliRunner().invoke(main, [*args[:-2], "--out", str(tmp_path / "x"), "--no-plot"])
    assert r.exit_code == 2 and "--label given 1 time for 2 variants" in r.output
