"""Names (scenario, site, interceptor, variant) reach each sink neutralised: the progress bar on
a terminal reads no markup in them and sends no control or bidi character; a figure holds no
control character (an SVG stays well-formed XML) and prints no raw missing-glyph warning."""

from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from defsim.cli import main
from defsim.cli.progress import Progress
from tests.conftest import SCENARIOS

#: markup rich would read (``[/]`` closes a tag never opened: a MarkupError), an escape that
#: sets a terminal's title, a bell, a right-to-left override
EVIL = "[/]evil\x1b]0;pwned\x07\u202e[bold]"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_a_name_literally(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with Progress(EVIL, quiet=False) as progress:
        progress.start(10)
        progress(5)
    out = screen.getvalue()
    assert "[/]evil" in out and "[bold]" in out  # shown as written, not read as markup
    assert "\x1b]0" not in out and "\x07" not in out and "\u202e" not in out


def test_plain_progress_lines_have_no_control_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(sys, "stderr", screen)
    with Progress(EVIL, quiet=False) as progress:
        progress.start(10)
        progress(10)
    out = screen.getvalue()
    assert "[/]evil" in out and "\x1b" not in out and "\u202e" not in out and "\x07" not in out


def _evil_scenario(tmp_path: Path) -> Path:
    text = (SCENARIOS / "textbook.yaml").read_text(encoding="utf-8")
    text = text.replace("name: One battery, textbook case", 'name: "Evil\\x1b[31m[/]\\u202e\\x07name"')
    text = text.replace("  Battery:", '  "Bat\\x1bt[/]ery\\u202e":').replace(
        "to: Battery", 'to: "Bat\\x1bt[/]ery\\u202e"'
    )
    # the explorer's knobs name the site by key; they are not what this test is about
    text = text.split("\nknobs:")[0] + "\n"
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("reps", [None, "6"])
def test_every_svg_is_well_formed_xml_whatever_the_names(tmp_path: Path, reps: str | None) -> None:
    path = _evil_scenario(tmp_path)
    out = tmp_path / "o"
    more = ["--reps", reps, "--workers", "1"] if reps else []
    r = CliRunner().invoke(main, ["run", str(path), *more, "--format", "svg", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    svgs = sorted(out.glob("*.svg"))
    assert len(svgs) >= 2, svgs
    for svg in svgs:
        ET.parse(svg)  # raises on a control character
        assert "\u202e" not in svg.read_text(encoding="utf-8")
    assert "Glyph" not in r.output and "\x1b" not in r.output, r.output


def test_a_comparisons_svgs_are_well_formed_xml_whatever_the_names(tmp_path: Path) -> None:
    path = _evil_scenario(tmp_path)
    out = tmp_path / "c"
    args = ["compare", str(path), str(SCENARIOS / "textbook.yaml"), "--reps", "4", "--workers", "1"]
    r = CliRunner().invoke(main, [*args, "--format", "svg", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    svgs = sorted(out.rglob("*.svg"))
    assert svgs
    for svg in svgs:
        ET.parse(svg)
    assert "Glyph" not in r.output and "\x1b" not in r.output, r.output
