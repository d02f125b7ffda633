"""The classroom exercises in docs/exercises/ run as written and their answers cannot drift.

Every page follows the format every exercise author shares: a title ``# N. Title`` and the
sections below, in order.  Every command of every ```console block is run with the CLI in a
fresh temporary folder (one per page, its blocks in order) and must exit 0.  A block marked by
``<!-- check -->`` on the line before it is also compared: the lines after a ``$ defsim ...``
line, up to the next ``$ `` line, are its expected standard output, exactly, after trailing
spaces are stripped; a line ``...`` alone matches any number of lines.  The numbers quoted in a
page's teacher notes (decimals and percentages, outside inline code) must appear in a checked
block of that page, so the prose says what defsim computes today.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from defsim.cli import main

from .conftest import ROOT

PAGES_DIR = ROOT / "docs" / "exercises"
PAGES = sorted(p for p in PAGES_DIR.glob("*.md") if p.name != "index.md")
SECTIONS = ["The situation", "The question", "Commands", "What to look at", "Teacher notes"]
ENV = {"COLUMNS": "100", "NO_COLOR": "1"}
CHECK = "<!-- check -->"
ELLIPSIS = "..."


@dataclass
class Command:
    line: int  # 1-based line of the ``$ `` line in the page
    text: str  # what follows ``$ ``
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    line: int
    checked: bool
    commands: list[Command]


def blocks(text: str) -> list[Block]:
    """The ```console blocks of a page, with their commands and (checked) expected output."""
    lines = text.splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```console":
            checked = i > 0 and lines[i - 1].strip() == CHECK
            block = Block(i + 1, checked, [])
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                if lines[i].startswith("$ "):
                    block.commands.append(Command(i + 1, lines[i][2:].strip()))
                elif block.commands:
                    block.commands[-1].expected.append(lines[i].rstrip())
                elif lines[i].strip():
                    raise AssertionError(f"line {i + 1}: output before any `$ ` command")
                i += 1
            if i == len(lines):
                raise AssertionError(f"line {block.line}: ```console block never closed")
            out.append(block)
        i += 1
    return out


def sections(text: str) -> tuple[str, list[str]]:
    """The page's title line and its ``##`` headings, outside fenced blocks."""
    title, heads, fenced = "", [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("# ") and not title:
            title = line
        elif not fenced and line.startswith("## "):
            heads.append(line[3:].strip())
    return title, heads


def section_text(text: str, name: str) -> str:
    m = re.search(rf"^## {re.escape(name)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; a line ``...`` alone matches any number of lines (none included)."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(expected):
                ok = j == len(actual)
            elif expected[i] == ELLIPSIS:
                ok = any(go(i + 1, k) for k in range(j, len(actual) + 1))
            else:
                ok = j < len(actual) and expected[i] == actual[j] and go(i + 1, j + 1)
            memo[i, j] = ok
        return memo[i, j]

    return go(0, 0)


def strip_blank_edges(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def quoted_numbers(prose: str) -> list[str]:
    """Decimals and percentages in prose (not in fenced blocks or inline code): the answers."""
    prose = re.sub(r"```.*?```", "", prose, flags=re.S)
    prose = re.sub(r"`[^`]*`", "", prose)
    return re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%|(?<![\w.])\d[\d,]*\.\d+", prose)


def page_id(p: Path) -> str:
    return p.stem


def test_there_are_exercise_pages() -> None:
    assert len(PAGES) >= 6, [p.name for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_has_the_sections_in_order(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    title, heads = sections(text)
    number = int(page.name.split("-", 1)[0])
    ok = re.fullmatch(rf"# {number}\. \S.*", title)
    assert ok, f"{page.name}: title {title!r}, not '# {number}. Title'"
    assert heads == SECTIONS, f"{page.name}: sections {heads}, expected {SECTIONS}"
    found = blocks(text)
    assert found, f"{page.name}: no ```console block"
    assert any(b.checked for b in found), f"{page.name}: no <!-- check --> block"
    for b in found:
        assert b.commands, f"{page.name} line {b.line}: a console block without a `$ defsim` command"
        for c in b.commands:
            assert c.text.startswith("defsim "), f"{page.name} line {c.line}: not a defsim command: {c.text}"
        if not b.checked:
            extra = [line for c in b.commands for line in c.expected if line]
            assert not extra, f"{page.name} line {b.line}: output in an unchecked block (mark it {CHECK})"
    cmds = section_text(text, "Commands")
    assert "```console" in cmds, f"{page.name}: the Commands section has no ```console block"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_teacher_notes_quote_only_checked_numbers(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    checked = "\n".join(line for b in blocks(text) if b.checked for c in b.commands for line in c.expected)
    missing = [n for n in quoted_numbers(section_text(text, "Teacher notes")) if n not in checked]
    assert not missing, (
        f"{page.name}: the teacher notes quote {missing}, which no checked block shows "
        "(put the command that prints them in a <!-- check --> block, or the formula in `code`)"
    )


def test_index_lists_every_page() -> None:
    index = (PAGES_DIR / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert f"]({page.name})" in index, f"index.md does not link {page.name}"


def run(command: Command, page: Path) -> tuple[int, str, str]:
    args = shlex.split(command.text)[1:]
    result = CliRunner().invoke(main, args, env=ENV, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_commands_run_and_checked_output_matches(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    text = page.read_text(encoding="utf-8")
    for block in blocks(text):
        for command in block.commands:
            code, out, err = run(command, page)
            where = f"{page.relative_to(ROOT)} line {command.line}: $ {command.text}"
            assert code == 0, f"{where}\nexit status {code}\n{err}"
            if not block.checked:
                continue
            actual = strip_blank_edges([line.rstrip() for line in out.splitlines()])
            expected = strip_blank_edges(command.expected)
            if not matches(expected, actual):
                diff = "\n".join(
                    difflib.unified_diff(expected, actual, "expected (the page)", "actual", lineterm="")
                )
                pytest.fail(f"{where}\noutput differs ('...' matches any lines):\n{diff}", pytrace=False)


def test_matcher_and_parser() -> None:
    """The checker itself: ellipsis, exact lines, checked and unchecked blocks."""
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b"], ["a", "b"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a", "b"], ["a", "b", "c"])
    page = (
        "x\n<!-- check -->\n```console\n$ defsim run textbook\nline one\n\n$ defsim figures t\n```\n"
        "\n```console\n$ defsim validate t\n```\n"
    )
    b = blocks(page)
    assert [x.checked for x in b] == [True, False]
    assert b[0].commands[0].expected == ["line one", ""] and b[0].commands[1].text == "defsim figures t"
    prose = "median day 18.4, in 45.6% of runs; `20.0` is theory; 120 rounds"
    assert quoted_numbers(prose) == ["18.4", "45.6%"]
