"""benchmarks/minimal_baseline.yaml is the same model as the hand-written SimPy baseline.

Both are Erlang B at heart (6 channels, offered load 20/h x 15 min = 5): the share of threats
not engaged must agree between the two models, and with the formula, within sampling error.
The standard errors come from independent replications of each model.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

import defsim
from defsim.analysis import theory
from tests.conftest import ROOT

BASELINE = ROOT / "benchmarks" / "baseline_simpy.py"
THREATS = 20_000
REPS = 8


def load_baseline():
    spec = importlib.util.spec_from_file_location("baseline_simpy", BASELINE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_minimal_baseline_scenario_matches_the_hand_written_model():
    base = load_baseline()
    b = np.array(
        [c["not_engaged"] / c["threats"] for c in (base.simulate(THREATS, s) for s in range(1, REPS + 1))]
    )
    sc = defsim.load(ROOT / "benchmarks" / "minimal_baseline.yaml", overrides=[f"duration={THREATS / 20}h"])
    ens = defsim.run(sc, reps=REPS, workers=1)
    d = (
        ens.figure("totals.leaked_by_reason.saturated") + ens.figure("totals.leaked_by_reason.no_stock")
    ) / ens.figure("totals.arrived")
    se_b, se_d = b.std(ddof=1) / math.sqrt(REPS), d.std(ddof=1) / math.sqrt(REPS)
    assert abs(b.mean() - d.mean()) < 4 * math.hypot(se_b, se_d), (b.mean(), d.mean(), se_b, se_d)
    want = theory.erlang_b(6, 5.0)
    assert abs(d.mean() - want) < 4 * se_d + 0.002, (d.mean(), want)  # 0.002: stock can run out briefly
    kill_b = np.mean([base.simulate(THREATS, s)["killed"] / THREATS for s in (1, 2)])
    kill_d = np.mean(ens.figure("totals.killed") / ens.figure("totals.arrived"))
    assert abs(kill_b - kill_d) < 0.01
