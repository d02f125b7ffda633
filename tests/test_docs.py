"""The documentation stays true: generated references are current, the site builds in strict
mode, and every example in the docs runs.

Conventions the example test reads (docs/exercises/* are checked by their own test):

- a ```yaml block whose first line is ``# file: NAME.yaml`` is a whole scenario: it is written to
  the page's working folder and must validate; other ```yaml blocks are fragments and must parse;
- a ```console block's ``$ defsim ...`` lines are run (a trailing ``\\`` continues a line) and
  must exit 0; ``$`` lines that install or activate are skipped, any other command fails;
- a ```python block is run as a script and must exit 0.

Each page's blocks run in order, in a fresh temporary folder, so a page may write a scenario
and then run it.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from defsim.analysis import theory
from defsim.cli.cli_doc import cli_markdown
from defsim.scenario import load
from defsim.scenario.schema_doc import reference_markdown
from tests.conftest import ROOT

DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "exercises" not in p.relative_to(DOCS).parts)
BLOCK = re.compile(r"^ *```(\w+)\n(.*?)^ *```", re.S | re.M)
# `$` lines shown for the reader to type that the test cannot or need not run
SKIPPED = ("pip ", "python3 -m venv", "py -m venv", ". .venv/", ".venv\\", "git clone ", "cd defsim")
DEFSIM = str(Path(sys.executable).with_name("defsim"))


def test_scenario_reference_is_current():
    """Regenerate with ``python -m defsim.scenario.schema_doc > docs/reference/scenario.md``."""
    assert (DOCS / "reference" / "scenario.md").read_text() == reference_markdown()


def test_cli_reference_is_current():
    """Regenerate with ``python -m defsim.cli.cli_doc > docs/reference/cli.md``."""
    assert (DOCS / "reference" / "cli.md").read_text() == cli_markdown()


def test_install_lines_install_from_a_clone_never_the_unrelated_index_package():
    """`defsim` on the package index is another project: every install line names the clone."""
    pages = [*PAGES, ROOT / "README.md"]
    for page in pages:
        text = page.read_text()
        # what a reader types: console lines and indented code (prose may name the wrong command)
        typed = [x for x in text.splitlines() if x.lstrip().startswith("$ ") or x.startswith("    ")]
        for line in typed:
            assert not re.search(r"pip install\s+['\"]?defsim\b", line), f"{page.name}: {line}"
    tutorial = (DOCS / "tutorial.md").read_text()
    assert "git clone" in tutorial and "$ pip install .\n" in tutorial and "another project" in tutorial


def test_reference_lists_every_route_event_key():
    text = (DOCS / "reference" / "scenario.md").read_text()
    section = text.split("{#routeevent}", 1)[1].split("\n## ", 1)[0]
    for key in ("at", "route", "action", "by", "waiting"):
        assert f"| `{key}` |" in section
    for action in ("pause", "resume", "cancel", "delay"):
        assert f"`{action}`" in section


def test_site_builds_in_strict_mode(tmp_path):
    """Broken links, and pages missing from the nav, are warnings, and strict mode fails on them."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "reference" / "scenario" / "index.html").exists()


def _commands(block: str) -> list[str]:
    lines, out, current = [line.strip() for line in block.splitlines()], [], ""
    for line in lines:
        if current:
            current += " " + line.strip()
        elif line.startswith("$ "):
            current = line[2:].strip()
        else:
            continue  # output shown to the reader
        if current.endswith("\\"):
            current = current[:-1].rstrip()
        else:
            out.append(current)
            current = ""
    assert not current, f"a command continues past its block: {current}"
    return out


def _env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg", "COLUMNS": "100"}


def _run_page(page: Path, folder: Path) -> int:
    """Run every example of one page in ``folder``; return how many ran."""
    ran = 0
    for lang, indented in BLOCK.findall(page.read_text()):
        body = textwrap.dedent(indented)
        where = f"{page.relative_to(ROOT)}: ```{lang} block starting {body.splitlines()[0]!r}"
        if lang == "yaml":
            first = body.splitlines()[0]
            if first.startswith("# file: "):
                path = folder / first.removeprefix("# file: ").strip()
                path.write_text(body)
                load(path)  # raises ScenarioError naming the line
                ran += 1
            else:
                yaml.safe_load(body)
        elif lang == "console":
            for command in _commands(body):
                if command.startswith(SKIPPED):
                    continue
                assert command.startswith("defsim "), f"{where}: not a defsim command: {command}"
                argv = [DEFSIM, *shlex.split(command)[1:]]
                done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=_env())
                assert done.returncode == 0, f"{where}: `{command}` failed:\n{done.stderr}"
                ran += 1
        elif lang == "python":
            done = subprocess.run(
                [sys.executable, "-c", body], cwd=folder, capture_output=True, text=True, env=_env()
            )
            assert done.returncode == 0, f"{where} failed:\n{done.stderr}"
            ran += 1
    return ran


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_examples_run(page, tmp_path):
    _run_page(page, tmp_path)


def test_the_example_test_finds_examples():
    """The conventions above match what the pages hold: a page of commands is not skipped."""
    text = (DOCS / "tutorial.md").read_text()
    blocks = BLOCK.findall(text)
    assert any(lang == "console" and "$ defsim run textbook" in body for lang, body in blocks)
    assert _commands("$ defsim run a \\\n    --seed 2\noutput\n$ defsim b") == [
        "defsim run a --seed 2",
        "defsim b",
    ]


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first Markdown table after ``heading``, as cells."""
    after = text.split(heading, 1)[1]
    rows = [line for line in after.split("\n\n| ", 1)[1].split("\n\n", 1)[0].splitlines()]
    return [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows[2:]]


def test_background_tables_are_what_the_theory_module_gives():
    """docs/background.md's tables are the formulas the tests check the simulator against."""
    text = (DOCS / "background.md").read_text()
    doctrine = _table(text, "### 1. Shot doctrine")
    assert len(doctrine) >= 6
    for name, p, kill, rounds in doctrine:
        m = re.fullmatch(
            r"(salvo of (\d+)|SLS (\d+) shots?, (\d+) looks)(, a = ([\d.]+), b = ([\d.]+))?", name
        )
        assert m, name
        if m.group(2):
            expected = theory.salvo(float(p), int(m.group(2)))
        else:
            ab = (float(m.group(6)), float(m.group(7))) if m.group(5) else (1.0, 0.0)
            expected = theory.shoot_look_shoot(float(p), int(m.group(3)), int(m.group(4)), *ab)
        assert (float(kill), float(rounds)) == pytest.approx(expected, abs=5e-5), name
    erlang = _table(text, "### 2. Fire-channel saturation")
    loads = [1, 2, 4, 6, 8]
    for c, *shares in erlang:
        for a, share in zip(loads, shares, strict=True):
            assert float(share) == pytest.approx(theory.erlang_b(int(c), a), abs=5e-5)
    for stock, use, resupply, lead, days in _table(text, "### 3. Time to empty"):
        assert float(days) == pytest.approx(
            theory.time_to_empty(float(stock), float(use), float(resupply), float(lead)), abs=5e-3
        )
    for s, fill, backorders, lost in _table(text, "### 4. Base-stock resupply"):
        assert float(fill) == pytest.approx(theory.base_stock_fill_rate(int(s), 12, 1.0), abs=5e-5)
        assert float(backorders) == pytest.approx(theory.base_stock_backorders(int(s), 12, 1.0), abs=5e-5)
        assert float(lost) == pytest.approx(theory.erlang_b(int(s), 12.0), abs=5e-5)
