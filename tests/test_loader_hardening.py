"""Hostile and careless input: one clear message with the YAML line, exit 2, no traceback, no output.

Each case reproduces one found by a red-team of the loader; the message must say where the
problem stands and what was expected.  A file that validates must also run (see the last tests).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import defsim
from defsim.cli import main
from defsim.scenario import ScenarioError, loads
from tests.test_bad_input import BASE, _swap

# (id, scenario text, text the message must contain, line it must name or None)
CASES = [
    ("impossible month", "start: 2024-13-01\n" + BASE, "cannot read '2024-13-01' as a date", 1),
    ("impossible day", "start: 2024-02-30\n" + BASE, "day is out of range for month", 1),
    (
        "float tag on text",
        _swap("duration: 10d", "duration: !!float abc"),
        "cannot read 'abc' as a number",
        3,
    ),
    ("timestamp tag on text", _swap("duration: 10d", "duration: !!timestamp foo"), "as a date", 3),
    ("bool tag on text", _swap("pk: 0.7", "pk: !!bool maybe"), "as true or false", 6),
    ("control byte", _swap("name: bad input test", "name: bad\x01"), "does not allow (U+0001)", 1),
    ("1000 nested brackets", BASE + "x: " + "[" * 1000 + "]" * 1000 + "\n", "nested", None),
    ("41 nested lists", BASE + "x: " + "[" * 41 + "]" * 41 + "\n", "nested more than 40 levels", 24),
    (
        "100,000 nested brackets",  # refused as they are scanned, on their line, at once
        BASE + "x: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "nested more than 40 levels deep; a scenario needs far fewer",
        24,
    ),
    ("rate per zero days", _swap("rate: 10/d", "rate: 5/0d"), "period longer than zero", 20),
    ("timezone", "start: 2024-01-01T00:00:00+02:00\n" + BASE, "without a time zone", 1),
    (
        "integer too long",
        _swap("stock: {I: 50}", "stock: {I: " + "9" * 5000 + "}"),
        "thousands of digits",
        15,
    ),
    ("set tag", _swap("name: bad input test", "name: !!set {a, b}"), "!!set is not plain data", 1),
    ("binary tag", _swap("name: bad input test", "name: !!binary aGk="), "!!binary is not plain data", 1),
    ("tab indent", _swap("    fire_channels: 2", "\tfire_channels: 2"), "indent with spaces, not tabs", 16),
    ("infinite duration", _swap("duration: 10d", "duration: .inf"), "at most 100 years", 3),
    ("huge duration", _swap("duration: 10d", "duration: 1e308"), "at most 100 years", 3),
    ("infinite rate", _swap("rate: 10/d", "rate: .inf"), "at most 1,000,000 per day", 20),
    ("infinite cost", _swap("pk: 0.7", "pk: 0.7\n    unit_cost: .inf"), "interceptors.I.unit_cost", 7),
    ("infinite weight", _swap("targets: [S]", "targets: {S: .inf}"), "attacks.1.wave.targets.S", 21),
    (
        "triangular high 1e308",
        _swap("engagement_time: 5m", "engagement_time: {dist: triangular, low: 1m, mode: 2m, high: 1e308}"),
        "at most 100 years",
        17,
    ),
    (
        "a stock of 2^53 + 1",
        _swap("stock: {I: 50}", f"stock: {{I: {2**53 + 1}}}"),
        "less than or equal to 1000000000000",
        15,
    ),
    ("start as a number", "start: 1.5\n" + BASE, "expected a date such as 2024-01-15, got 1.5", 1),
    ("start in 9999", "start: 9999-12-30\n" + BASE, "dates from 1900 to 2200", 1),
    ("run past 2200", "start: 2200-12-30\n" + BASE, "the last date supported", 4),
    (
        "stream until before from",
        _swap("rate: 10/d, threats: T", "rate: 10/d, threats: T, from: 8d, until: 2d"),
        "until must come after its from",
        20,
    ),
    ("empty stockpile", BASE + "stockpiles:\n  D: {}\n", "holds no interceptor type", 25),
    (
        "self-referencing alias",
        BASE + "x: &a [1, *a]\n",
        "refers to the mapping or list that contains it",
        24,
    ),
    (
        "probability as a percentage",
        _swap("pk: 0.7", "pk: 70"),
        "interceptors.I.pk: input should be less than or equal to 1 (got 70); a probability is between 0",
        6,
    ),
    ("a date as a duration", _swap("duration: 10d", "duration: 2025-07-01"), "got 2025-07-01", 3),
    (
        "typo in the site's interceptor list",
        _swap("interceptors: [I]", "interceptors: [J]"),
        "'I' is not in this site's interceptors: add it to sites.S.interceptors",
        15,
    ),
]


def _alias_bomb(levels: int) -> str:
    """Nested aliases, 9 times wider at each level: a few hundred bytes that expand to 9**levels."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for k in range(1, levels + 1):
        refs = ", ".join([f"*a{k - 1}"] * 9)
        lines.append(f"a{k}: &a{k} [{refs}]")
    return BASE + "\n".join(lines) + "\n"


CASES.append(("alias bomb, 7 levels", _alias_bomb(7), "expands to more than 200,000 values", None))

# Integers of 309 digits or more: no float holds them (they raised OverflowError, an internal error)
HUGE = "9" * 400
_SECOND_SITE = "    doctrine: {mode: salvo, shots: 1}\n"
_LAYERED = _swap(_SECOND_SITE, _SECOND_SITE + "    covers: [A]\n    layer: LAYER\n") + "assets:\n  A: {}\n"
CASES += [
    ("400-digit duration", _swap("duration: 10d", f"duration: {HUGE}"), "got a number of 400 digits", 3),
    (
        "400-digit rate",
        _swap("rate: 10/d", f"rate: {HUGE}"),
        "at most 1,000,000 per day is supported, got a number of 400 digits",
        20,
    ),
    ("negative 400-digit rate", _swap("rate: 10/d", f"rate: -{HUGE}"), "cannot be negative", 20),
    ("400-digit time point", _swap("wave: {at: 2d", f"wave: {{at: {HUGE}"), "at most 100 years", 21),
    (
        "400-digit lead time",
        BASE + f"transfers:\n  - {{from: outside, to: S, interceptor: I, at: 1d, quantity: 1, "
        f"lead_time: {{dist: exponential, mean: {HUGE}}}}}\n",
        "transfers.0.lead_time.mean: a duration of at most 100 years",
        25,
    ),
    ("400-digit probability", _swap("pk: 0.7", f"pk: {HUGE}"), "from 0 to 1, got a number of 400 digits", 6),
    ("400-digit weight", _swap("targets: [S]", f"targets: {{S: {HUGE}}}"), "400 digits", 21),
    (
        "400-digit latitude",
        _swap(_SECOND_SITE, _SECOND_SITE + f"    location: [{HUGE}, 1]\n"),
        "-90 to 90",
        19,
    ),
    ("latitude out of range", _swap(_SECOND_SITE, _SECOND_SITE + "    location: [91, 1]\n"), "less than", 19),
]
# Periods below a second: at 1e-300 days the clock could never advance (the run never ended)
_TINY = "a period of at least 1 second (1s) is supported"
CASES += [
    (
        "delivery every 1e-7 days",
        BASE + "  - {at: 0, to: S, interceptor: I, quantity: 1, every: 1e-7}\n",
        "deliveries.1.every: " + _TINY,
        24,
    ),
    (
        "transfer every 1e-300 days",
        BASE + "transfers:\n  - {from: outside, to: S, interceptor: I, at: 0, quantity: 1, every: 1e-300}\n",
        "transfers.0.every: " + _TINY,
        25,
    ),
    (
        "allocation every 1e-7 days",
        BASE + "stockpiles:\n  D:\n    stock: {I: 5}\n    allocate: {interceptor: I, to: [S], every: 1e-7}\n",
        "stockpiles.D.allocate.every: " + _TINY,
        27,
    ),
    (
        "cross-levelling every half second",
        _swap(
            _SECOND_SITE,
            _SECOND_SITE
            + "  S2: {interceptors: [I], stock: {I: 5}, fire_channels: 1, engagement_time: 5m}\n",
        )
        + "cross_levelling:\n  - {sites: [S, S2], interceptor: I, every: 0.5s, threshold: 2}\n",
        "cross_levelling.0.every: " + _TINY,
        26,
    ),
    (
        "raid every 0.1 s",
        _swap("  - wave: {at: 2d", "  - raid: {every: 0.1s, size: {T: 1}}\n  - wave: {at: 2d"),
        "attacks.1.raid.every: " + _TINY,
        21,
    ),
    (
        "raid every 0",
        _swap("  - wave: {at: 2d", "  - raid: {every: 0, size: {T: 1}}\n  - wave: {at: 2d"),
        _TINY,
        21,
    ),
]
# A layer numbered 10^12 built one problem per missing layer below it, without end
CASES += [
    ("layer 10^12", _LAYERED.replace("LAYER", "1000000000000"), "less than or equal to 100", 20),
    ("layer 50", _LAYERED.replace("LAYER", "50"), "layers 1-49 of asset 'A' have no site", 27),
]


@pytest.mark.parametrize("text, needle, line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_hostile_input_gets_one_clear_message(tmp_path, text, needle, line, command):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    out = tmp_path / "results"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    t0 = time.perf_counter()
    r = CliRunner().invoke(main, args)
    elapsed = time.perf_counter() - t0
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    if line is not None:
        assert f"scenario.yaml:{line}:" in r.output, r.output
    assert not out.exists()
    assert elapsed < 30, elapsed  # a bound against running away, not a speed test


def test_the_alias_bomb_is_refused_before_it_is_expanded():
    # 9**9 values if expanded: refused from the node graph, whose size is linear in the file
    with pytest.raises(ScenarioError, match="expands to more than"):
        loads(_alias_bomb(9))


def test_merge_keys_are_plain_yaml_and_overrides_win():
    text = _swap("sites:\n  S:\n", "sites:\n  S: &battery\n")
    text = text.replace("attacks:\n", "  S2:\n    <<: *battery\n    fire_channels: 3\nattacks:\n", 1)
    sc = loads(text)
    assert sc.spec.sites["S2"].fire_channels == 3  # the key written after the merge wins
    assert sc.spec.sites["S2"].stock == sc.spec.sites["S"].stock  # the rest comes from the anchor
    assert sc.spec.sites["S"].fire_channels == 2


def test_set_is_refused_so_results_cannot_depend_on_hash_order():
    with pytest.raises(ScenarioError, match="not plain data"):
        loads(_swap("interceptors: [I]", "interceptors: !!set {I}"))


@pytest.mark.parametrize(
    "assignment, needle",
    [
        ("start=2024-13-01", "expected a date such as 2024-01-15"),
        ("sites.S.fire_chanels=3", "(set by --set sites.S.fire_chanels=3)"),
        ("duration=.inf", "at most 100 years"),
        ("duration=[[[[", "(set by --set duration=[[[[)"),
    ],
)
def test_overrides_are_read_like_the_file_and_named_instead_of_a_line(tmp_path, assignment, needle):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["validate", str(path), "--set", assignment])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    problem_lines = [ln for ln in r.output.splitlines() if ln.startswith("  ")]
    assert problem_lines and all(":" + "scenario.yaml:" not in ln for ln in problem_lines)
    assert not any(re.search(r"scenario\.yaml:\d+:", ln) for ln in problem_lines), (
        r.output
    )  # no unwritten line


def test_a_missing_file_is_not_called_an_invalid_scenario(tmp_path):
    r = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2
    assert "no such file" in r.output
    assert "not a valid scenario" not in r.output


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_bytes(BASE.encode().replace(b"name: bad input test", b"name: bad \xff"))
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 2, r.output
    assert "not UTF-8" in r.output and "scenario.yaml:1:" in r.output, r.output


def test_events_after_the_end_are_warnings_and_the_file_runs(tmp_path):
    text = _swap("wave: {at: 2d", "wave: {at: 20d")
    text = text.replace("{at: 3d, to: S", "{at: 12d, to: S")
    sc = loads(text)
    messages = [w.message for w in sc.warnings]
    assert any("this wave is at day 20" in m for m in messages), messages
    assert any("this delivery is at day 12" in m for m in messages), messages
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"), "--no-plot", "-q"])
    assert r.exit_code == 0, r.output
    assert "warning: " in r.output and "never happens" in r.output


@pytest.mark.parametrize(
    "text",
    [
        BASE + "stockpiles:\n  D: {}\nproducers:\n  P: {interceptor: I, rate: 1/d, to: D}\n",
        BASE + "stockpiles:\n  D:\n    stock: {I: 5}\n    allocate: {interceptor: I, to: [E], every: 1d}\n"
        "  E: {}\n",
        _swap("rate: 10/d, threats: T", "rate: 10/d, threats: T, from: 15d"),
    ],
    ids=[
        "producer into an empty stockpile",
        "allocation into an empty stockpile",
        "stream from after the end",
    ],
)
def test_files_that_validate_also_run(text):
    sc = loads(text)
    result = defsim.run(sc)
    totals = result.summary["totals"]
    # every threat has one fate, and the wave of 5 always comes; a stream from after the end adds none
    assert totals["arrived"] == totals["killed"] + totals["leaked"] + totals["unresolved_at_end"]
    if "from: 15d" in text:
        assert totals["arrived"] == 5
    else:
        assert totals["arrived"] > 5


def test_a_utf16_file_from_windows_powershell_loads(tmp_path):
    """PowerShell 5's `defsim show textbook > mine.yaml` writes UTF-16 with a byte-order mark."""
    from tests.conftest import SCENARIOS

    text = (SCENARIOS / "textbook.yaml").read_text(encoding="utf-8")
    for encoding in ("utf-16", "utf-8-sig"):
        path = tmp_path / f"mine-{encoding}.yaml"
        path.write_bytes(text.encode(encoding))
        assert defsim.load(path).spec == defsim.load("textbook").spec


def test_a_utf16_file_that_does_not_decode_says_so_on_the_line_it_stops(tmp_path):
    """A UTF-16 file cut in the middle of a character was called "not UTF-8" on a line counted in
    newline bytes, which mean nothing in UTF-16."""
    path = tmp_path / "scenario.yaml"
    path.write_bytes(BASE.encode("utf-16") + b"x")  # an odd byte at the end: UTF-16 cut short
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 2, r.output
    assert "UTF-16 byte-order mark but is not UTF-16 text" in r.output, r.output
    assert "not UTF-8" not in r.output
    assert f"scenario.yaml:{BASE.count(chr(10)) + 1}:" in r.output, r.output  # after the last line


def test_a_file_over_the_size_bound_is_refused_and_one_under_it_loads(tmp_path, monkeypatch):
    from defsim.scenario import yaml_lines

    monkeypatch.setattr(yaml_lines, "MAX_BYTES", 1000)
    monkeypatch.setattr("defsim.scenario.loader.MAX_BYTES", 1000)
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE + "#" * 2000 + "\n")
    with pytest.raises(ScenarioError, match="larger than"):
        defsim.load(path)
    path.write_text(BASE)
    defsim.load(path)  # under the bound, it loads


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_validate_dev_zero_is_refused_at_once():
    t0 = time.perf_counter()
    r = CliRunner().invoke(main, ["validate", "/dev/zero"])
    assert r.exit_code == 2, r.output
    assert "the file is larger than 4 MiB" in r.output, r.output
    assert time.perf_counter() - t0 < 30


def test_missing_layers_are_one_problem_however_many():
    with pytest.raises(ScenarioError) as info:
        loads(_LAYERED.replace("LAYER", "100"))
    assert len(info.value.problems) == 1, info.value.format()
    assert "layers 1-99 of asset 'A' have no site" in info.value.format()
