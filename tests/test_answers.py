"""The answers in words are right: checked against stock.csv and events.csv read independently."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import defsim
from defsim.analysis.answers import count, money, when
from defsim.cli import main
from defsim.io.folder import read

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "defsim" / "scenarios"


@pytest.fixture(scope="module")
def raids(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("answers") / "raids"
    r = CliRunner().invoke(main, ["run", str(SCENARIOS / "nightly_raids.yaml"), "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    return out


def first_zero_per_type(folder: Path) -> tuple[dict[tuple[str, str], float | None], dict[str, float | None]]:
    """From stock.csv alone: the first time each site's type is at 0, and all its types at once."""
    first: dict[tuple[str, str], float | None] = {}
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    every: dict[str, float | None] = {}
    with (folder / "stock.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["kind"] != "site":
                continue
            site, itype, t, level = row["holder"], row["interceptor"], float(row["time_d"]), int(row["level"])
            first.setdefault((site, itype), None)
            if level == 0 and first[(site, itype)] is None:
                first[(site, itype)] = t
            levels[site][itype] = level
            every.setdefault(site, None)
            if every[site] is None and sum(levels[site].values()) == 0 and t > 0:
                every[site] = t
    return first, every


def test_run_answers_match_stock_csv(raids: Path) -> None:
    first, every = first_zero_per_type(raids)
    summary = json.loads((raids / "summary.json").read_text())
    start = dt.datetime.fromisoformat(summary["start"])
    view = read(raids)
    answers = view.answers
    battery = next(h for h in answers.holders if h.holder == "Battery")
    for t in battery.types:
        assert t.first_stockout_day == pytest.approx(first[("Battery", t.interceptor)], abs=1e-6)
    assert battery.all_types_day == pytest.approx(every["Battery"], abs=1e-6)
    # the short-range rounds run out weeks before the last round of any type: the case
    assert first[("Battery", "short_range")] < every["Battery"] - 20
    # threats that leaked for lack of rounds before no round of any type was left, from events.csv
    with (raids / "events.csv").open(newline="") as f:
        leaks = [
            float(r["time_d"])
            for r in csv.DictReader(f)
            if r["event"] == "leak" and r["reason"] == "no_stock" and r["holder"] == "Battery"
        ]
    before = sum(t < every["Battery"] for t in leaks)
    assert battery.no_stock_leaks == len(leaks) and battery.no_stock_leaks_before_all == before > 0
    line = defsim.analysis.answers.run_lines(answers)[0]
    short = first[("Battery", "short_range")]
    day = start + dt.timedelta(days=short)
    assert f"short_range rounds ran out on {day.day} {day:%b %Y} (day {math.floor(short)})" in line
    assert f"{before} threats leaked for lack of rounds before then" in line
    assert "no rounds of any type from" in line


def test_cli_opens_with_the_answers_and_fits_80_columns(raids: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(SCENARIOS / "nightly_raids.yaml"),
            "--no-plot",
            "--out",
            str(raids.parent / "again"),
        ],
    )
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[1].startswith("Battery: short_range rounds ran out on 12 Jan 2024")
    assert max(len(x) for x in lines) <= 80
    import json

    from defsim.analysis.answers import money

    spent = json.loads((raids.parent / "again" / "summary.json").read_text())["cost"][
        "interceptor_cost_spent"
    ]
    assert money(spent) in r.output and f"{spent:,.0f}" not in r.output  # money as money, not a count
    assert "e+0" not in r.output


def test_money_counts_and_dates_read_as_such() -> None:
    assert money(6.1e9) == "$6.1bn" and money(1.7e9) == "$1.7bn" and money(806e6) == "$806m"
    assert money(2.5e6, "EUR") == "€2.5m" and money(950, "CHF") == "950 CHF"
    assert count(11290.0) == "11,290" and count(12.25) == "12.2"
    assert when(11.15, dt.datetime(2024, 1, 1)) == "12 Jan 2024 (day 11)"
    assert when(None, None) == "never" and when(3.25, None) == "day 3.2"


def test_currency_comes_from_the_scenario(tmp_path: Path) -> None:
    text = (SCENARIOS / "textbook.yaml").read_text() + "\ncurrency: EUR\n"
    sc = defsim.scenario.loads(text)
    assert sc.spec.currency == "EUR"
    assert "€" in defsim.run(sc).answers[-1]


def test_ensemble_answers_per_type_from_reps(tmp_path: Path) -> None:
    ens = defsim.ensemble(SCENARIOS / "nightly_raids.yaml", 12, workers=1)
    ens.save(tmp_path / "e", plot=False)
    with (tmp_path / "e" / "reps.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    view = read(tmp_path / "e")
    battery = next(h for h in view.answers.holders if h.holder == "Battery")
    for odds in battery.types:
        key = f"sites.Battery.by_interceptor.{odds.interceptor}.first_stockout_day"
        days = np.array([float(r[key]) if r[key] else math.inf for r in rows])
        assert odds.p_dry == pytest.approx(np.isfinite(days).mean())
        if odds.median is not None:
            assert odds.median == pytest.approx(np.sort(days)[math.ceil(len(days) / 2) - 1])
    text = " ".join(ens.answers)
    assert "short_range rounds ran out in" in text and "5-95%:" in text and "Jan 2024" in text


def test_summary_json_carries_the_answers_as_data(raids: Path) -> None:
    """summary.json's answers: the lines are answers.txt's, the facts agree with stock.csv."""
    first, every = first_zero_per_type(raids)
    summary = json.loads((raids / "summary.json").read_text())
    answers = summary["answers"]
    assert answers["kind"] == "run"
    assert answers["lines"] == (raids / "answers.txt").read_text(encoding="utf-8").splitlines()
    battery = next(h for h in answers["holders"] if h["holder"] == "Battery")
    assert battery["sentence"] == answers["lines"][0]
    start = dt.datetime.fromisoformat(summary["start"])
    for t in battery["types"]:
        expected = first[("Battery", t["interceptor"])]
        assert t["first_stockout_day"] == pytest.approx(expected, abs=1e-6)
        assert t["first_stockout_date"] == (start + dt.timedelta(days=expected)).date().isoformat()
    assert battery["all_types_day"] == pytest.approx(every["Battery"], abs=1e-6)
    assert answers["cost"]["currency"] == "USD" and answers["cost"]["sentence"] == answers["lines"][-1]


def test_ensemble_summary_json_carries_the_answers(tmp_path: Path) -> None:
    ens = defsim.ensemble(SCENARIOS / "nightly_raids.yaml", 8, workers=1)
    ens.save(tmp_path / "e", plot=False)
    summary = json.loads((tmp_path / "e" / "summary.json").read_text())
    answers = summary["answers"]
    assert answers["kind"] == "ensemble" and answers["replications"] == 8
    assert answers["lines"] == ens.answers
    with (tmp_path / "e" / "reps.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    battery = next(h for h in answers["holders"] if h["holder"] == "Battery")
    for odds in battery["types"]:
        key = f"sites.Battery.by_interceptor.{odds['interceptor']}.first_stockout_day"
        happened = [bool(r[key]) for r in rows]
        assert odds["p_dry"] == pytest.approx(sum(happened) / len(rows))
        assert odds["sentence"] in answers["lines"][0]
