"""Every shipped scenario validates, runs, says where its numbers come from, and plots."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import defsim
from defsim.cli import main
from tests.conftest import ROOT, SCENARIOS

SHIPPED = sorted((SCENARIOS).glob("*.yaml")) + sorted((ROOT / "benchmarks").glob("*.yaml"))


def test_there_are_shipped_scenarios():
    assert len(SHIPPED) >= 3


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenario_validates(path):
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.output
    sc = defsim.load(path)
    assert "notional" in sc.provenance.lower()


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.parent.name == "scenarios"], ids=lambda p: p.name)
def test_shipped_scenario_runs_to_a_results_folder(path, tmp_path):
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
    assert r.exit_code == 0, r.output
    for f in ("summary.json", "stock.csv", "events.csv", "stock.png", "scenario.yaml"):
        assert (out / f).stat().st_size > 0, f
    summary = json.loads((out / "summary.json").read_text())
    assert summary["totals"]["arrived"] > 0
    assert (out / "stock.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the saved scenario runs again to the same summary
    again = defsim.run(defsim.load(out / "scenario.yaml"), seed=summary["seed"])
    assert again.summary["totals"] == summary["totals"]


def test_backfill_what_if_from_readme(tmp_path):
    """The README's what-if: cutting the backfill route changes what the front receives."""
    runs = {}
    for label, extra in (("with", []), ("cut", ["--set", "transfers.0.enabled=false"])):
        out = tmp_path / label
        r = CliRunner().invoke(main, ["run", str(SCENARIOS / "backfill.yaml"), "--out", str(out), *extra])
        assert r.exit_code == 0, r.output
        assert (out / "deliveries.png").exists()
        runs[label] = json.loads((out / "summary.json").read_text())
    with_, cut = runs["with"], runs["cut"]
    assert with_["routes"]["backfill"]["delivered"] > 0
    assert cut["routes"]["backfill"]["delivered"] == 0
    assert cut["routes"]["backfill"]["state_at_end"] == "cancelled"
    # the same raids (common random numbers), more rounds at the front, more threats stopped
    assert with_["totals"]["arrived"] == cut["totals"]["arrived"]
    assert with_["sites"]["Capital"]["shots"] >= cut["sites"]["Capital"]["shots"]
    assert with_["threats"]["ballistic missile"]["killed"] > cut["threats"]["ballistic missile"]["killed"]
    holders = with_["stockpiles_and_producers"]
    assert holders["Licensee"]["produced"] > 0 and holders["Licensor depot"]["kind"] == "stockpile"
