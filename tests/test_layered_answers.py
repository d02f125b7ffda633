"""A layered run in words: leak reasons consistent with the engaged count, each leaker's path
through the layers, and the parts of the question the answers must cover (rationing, damage)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import defsim
from defsim.cli import main
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layered") / "run"
    r = CliRunner().invoke(
        main, ["run", str(SCENARIOS / "layered.yaml"), "--no-plot", "--out", str(out), "-q"]
    )
    assert r.exit_code == 0, r.output
    return out


def test_a_threat_counted_engaged_never_leaks_as_not_engaged():
    result = defsim.run(defsim.load(str(SCENARIOS / "layered.yaml")))
    for name, t in result.summary["threats"].items():
        never_engaged = t["arrived"] - t["engaged"] - t["unresolved_at_end"]
        assert t["leaked_by_reason"]["not_engaged"] <= max(never_engaged, 0), name
    ballistic = result.summary["threats"]["ballistic"]
    assert ballistic["engaged"] == ballistic["arrived"] and ballistic["leaked"] > 0
    assert ballistic["leaked_by_reason"]["missed"] == ballistic["leaked"]


def test_each_leakers_path_through_the_layers_is_said_as_the_event_log_has_it(layered: Path):
    rows = list(csv.DictReader((layered / "events.csv").open()))
    leaked = {r["threat_id"] for r in rows if r["event"] == "leak" and r["threat"] == "ballistic"}
    upper = {r["threat_id"] for r in rows if r["event"] == "passed" and r["holder"] == "Long_range"
             and r["reason"] == "missed" and r["threat_id"] in leaked}  # fmt: skip
    shot_below = {r["threat_id"] for r in rows if r["event"] == "shot" and r["holder"] != "Long_range"}
    assert upper == leaked and not (leaked & shot_below)  # missed above, never shot at below
    lines = (layered / "answers.txt").read_text().splitlines()
    (line,) = [x for x in lines if x.startswith("ballistic:")]
    n, arrived = len(leaked), sum(1 for r in rows if r["event"] == "arrival" and r["threat"] == "ballistic")
    assert line == (
        f"ballistic: {n} of {arrived} threats got through every layer ({arrived} engaged): "
        f"{n} missed by Long_range, then not engaged by Guns."
    )


def test_the_answers_cover_rationing_and_damage_in_value_units(layered: Path):
    import json

    s = json.loads((layered / "summary.json").read_text())
    lines = (layered / "answers.txt").read_text().splitlines()
    day = s["sites"]["Long_range"]["rationing_from_day"]["long_range"]
    assert any(x.startswith("Long_range: rationed its long_range rounds from ") and f"(day {int(day)})" in x
               for x in lines)  # fmt: skip
    (damage,) = [x for x in lines if x.startswith("Damage (value units): ")]
    from defsim.analysis.answers import VALUE_UNITS, show
    from defsim.analysis.metrics import Kind

    a = s["assets"]["Capital"]
    hit, value = (
        show(Kind.MONEY, x, unit=VALUE_UNITS) for x in (a["damage"], a["damage"] + a["value_protected"])
    )
    assert f"Capital {hit} of {value} ({a['leaked']} leakers)" in damage and "$" not in damage


def test_an_ensembles_answers_cover_rationing_and_damage_with_intervals(tmp_path: Path):
    import json
    import math

    import numpy as np

    out = tmp_path / "ens"
    args = [
        "run",
        str(SCENARIOS / "layered.yaml"),
        "--reps",
        "6",
        "--workers",
        "1",
        "--no-plot",
        "--out",
        str(out),
    ]
    r = CliRunner().invoke(main, [*args, "-q"])
    assert r.exit_code == 0, r.output
    lines = (out / "answers.txt").read_text().splitlines()
    import csv

    rows = list(csv.DictReader((out / "reps.csv").open()))
    started = [r["sites.Long_range.rationing_from_day.long_range"] for r in rows]
    share = sum(1 for x in started if x) / len(rows)
    assert (
        f"Long_range: rationed its long_range rounds in {100 * share:.0f}% of runs; median start "
        in "\n".join(lines)
    )
    damage = np.array([float(r["assets.Capital.damage"]) for r in rows])
    mean, se = damage.mean(), damage.std(ddof=1) / math.sqrt(len(damage))
    from defsim.analysis.answers import VALUE_UNITS, show
    from defsim.analysis.metrics import Kind

    (line,) = [x for x in lines if x.startswith("Damage (value units), mean over runs [95% interval]: ")]
    ends = [
        show(Kind.MONEY, v, unit=VALUE_UNITS)
        for v in (mean, mean - 1.959963984540054 * se, mean + 1.959963984540054 * se)
    ]
    assert f"Capital {ends[0]} [{ends[1]}, {ends[2]}]" in line
    assert json.loads((out / "summary.json").read_text())["answers"]["lines"] == lines
