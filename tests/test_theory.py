"""The simulator against the closed forms of docs/background.md (theory 1-3), within computed sampling error.

Each case configures a scenario in which the theory's assumptions hold and compares the
simulated figure with :mod:`defsim.analysis.theory` at 4 standard errors, the standard error computed
from the run itself (binomial, sample variance, or batch means for time-correlated counts).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from defsim.analysis import theory
from defsim.engine.records import EventKind, LeakReason
from tests.conftest import one_site, run_data, shots_per_threat, with_top

Z = 4.0


# --- the formulas themselves reproduce the reference tables -------------------------------


@pytest.mark.parametrize(
    "p, mode, shots, opp, a, b, pkill, expected",
    [
        (0.7, "salvo", 2, 1, 1, 0, 0.9100, 2.0),
        (0.7, "sls", 1, 2, 1, 0, 0.9100, 1.30),
        (0.7, "sls", 1, 3, 1, 0, 0.9730, 1.39),
        (0.8, "salvo", 3, 1, 1, 0, 0.9920, 3.0),
        (0.8, "sls", 1, 2, 1, 0, 0.9600, 1.20),
        (0.8, "sls", 2, 2, 1, 0, 0.9984, 2.08),
        (0.8, "sls", 1, 2, 0.9, 0.1, 0.9440, 1.2600),
        (0.8, "sls", 2, 2, 0.9, 0.1, 0.9946, 2.2640),
    ],
)
def test_doctrine_formulas_match_reference_table(p, mode, shots, opp, a, b, pkill, expected):
    got = theory.salvo(p, shots) if mode == "salvo" else theory.shoot_look_shoot(p, shots, opp, a, b)
    assert got[0] == pytest.approx(pkill, abs=6e-5)
    assert got[1] == pytest.approx(expected, abs=6e-5)


@pytest.mark.parametrize(
    "c, a, b",
    [(1, 0.5, 0.3333), (2, 2, 0.4), (4, 3, 0.2061), (6, 6, 0.2649), (8, 8, 0.2356), (4, 3.6, 0.2707)],
)
def test_erlang_b_formula_matches_reference_table(c, a, b):
    assert theory.erlang_b(c, a) == pytest.approx(b, abs=6e-5)


def test_time_to_empty_formula():
    assert theory.time_to_empty(120, 8, 2) == pytest.approx(20.0)
    assert theory.time_to_empty(120, 8, 2, lead_time=5) == pytest.approx(5 + 80 / 6)
    assert theory.time_to_empty(120, 8, 2, lead_time=20) == pytest.approx(15.0)


# --- §1 shot doctrine ---------------------------------------------------------------------

DOCTRINE_CASES = [
    # pk, reliability, doctrine
    (0.7, 1.0, {"mode": "salvo", "shots": 2}),
    (0.875, 0.8, {"mode": "salvo", "shots": 2}),  # reliability folded in: p = 0.7
    (0.7, 1.0, {"mode": "shoot_look_shoot", "shots": 1, "opportunities": 2}),
    (0.7, 1.0, {"mode": "shoot_look_shoot", "shots": 1, "opportunities": 3}),
    (0.8, 1.0, {"mode": "salvo", "shots": 3}),
    (0.8, 1.0, {"mode": "shoot_look_shoot", "shots": 2, "opportunities": 2}),
    (
        0.8,
        1.0,
        {
            "mode": "shoot_look_shoot",
            "shots": 1,
            "opportunities": 2,
            "kill_assessment": {"p_live_judged_alive": 0.9, "p_dead_judged_alive": 0.1},
        },
    ),
    (
        0.8,
        1.0,
        {
            "mode": "shoot_look_shoot",
            "shots": 2,
            "opportunities": 2,
            "kill_assessment": {"p_live_judged_alive": 0.9, "p_dead_judged_alive": 0.1},
        },
    ),
]


@pytest.mark.parametrize("pk, reliability, doctrine", DOCTRINE_CASES)
def test_doctrine_kill_probability_and_interceptors_per_threat(pk, reliability, doctrine):
    data = one_site(doctrine=doctrine)
    data["interceptors"]["I"] = {"pk": pk, "reliability": reliability}
    result = run_data(data, seed=3)
    p = pk * reliability
    if doctrine["mode"] == "salvo":
        want_kill, want_shots = theory.salvo(p, doctrine["shots"])
    else:
        ka = doctrine.get("kill_assessment", {})
        want_kill, want_shots = theory.shoot_look_shoot(
            p,
            doctrine["shots"],
            doctrine["opportunities"],
            ka.get("p_live_judged_alive", 1.0),
            ka.get("p_dead_judged_alive", 0.0),
        )
    s = result.summary["totals"]
    n = s["arrived"] - s["unresolved_at_end"]
    assert n > 15000
    assert s["leaked_by_reason"]["saturated"] == 0 and s["leaked_by_reason"]["no_stock"] == 0
    kill_share = s["killed"] / n
    se_kill = math.sqrt(want_kill * (1 - want_kill) / n)
    assert abs(kill_share - want_kill) < Z * se_kill, (kill_share, want_kill, se_kill)
    per_threat = shots_per_threat(result)
    se_shots = per_threat.std(ddof=1) / math.sqrt(len(per_threat))
    if se_shots == 0:  # a salvo always fires n
        assert per_threat.mean() == want_shots
    else:
        assert abs(per_threat.mean() - want_shots) < Z * se_shots, (per_threat.mean(), want_shots, se_shots)


# --- §2 fire-channel saturation: Erlang B -------------------------------------------------


def batch_means(times: np.ndarray, lost: np.ndarray, end: float, batches: int = 40) -> tuple[float, float]:
    """Share lost and its standard error from batch means over time (counts are correlated)."""
    edges = np.linspace(0, end, batches + 1)
    idx = np.clip(np.searchsorted(edges, times, side="right") - 1, 0, batches - 1)
    n = np.bincount(idx, minlength=batches)
    k = np.bincount(idx, weights=lost, minlength=batches)
    shares = k / n
    return float(lost.mean()), float(shares.std(ddof=1) / math.sqrt(batches))


ERLANG_CASES = [
    # channels, offered load, engagement time distribution, doctrine
    (1, 0.5, "exponential", None),
    (2, 2.0, "exponential", None),
    (4, 3.0, "exponential", None),
    (4, 3.0, "fixed", None),
    (6, 4.0, "fixed", None),
    (6, 4.0, "uniform", None),
    (8, 6.0, "exponential", None),
    # shoot-look-shoot s=1 k=2 at p=0.8 holds a channel 1.2 cycles on average: a = 3.6
    (4, 3.0, "fixed", {"mode": "shoot_look_shoot", "shots": 1, "opportunities": 2}),
]


@pytest.mark.parametrize("c, a, dist, doctrine", ERLANG_CASES)
def test_erlang_b_saturation(c, a, dist, doctrine):
    rate = 200.0  # threats per day
    hold = a / rate  # mean holding per cycle, days
    et = {
        "exponential": {"dist": "exponential", "mean": hold},
        "fixed": {"dist": "fixed", "value": hold},
        "uniform": {"dist": "uniform", "low": 0.5 * hold, "high": 1.5 * hold},
    }[dist]
    site = {"fire_channels": c, "engagement_time": et}
    if doctrine:
        site["doctrine"] = doctrine
    data = with_top(one_site(**site), duration="200d")
    data["interceptors"]["I"] = {"pk": 0.8}
    data["attacks"] = [{"stream": {"rate": rate, "threats": "T"}}]
    result = run_data(data, seed=5)
    ev = result.record.events
    arrivals = ev.of(EventKind.ARRIVAL)
    leaks = ev.select((ev.kind == EventKind.LEAK) & (ev.reason == LeakReason.SATURATED))
    lost = np.zeros(result.record.arrivals)
    lost[leaks.threat_id] = 1.0
    share, se = batch_means(arrivals.time, lost, 200.0)
    load = a * (theory.shoot_look_shoot(0.8, 1, 2)[1] if doctrine else 1.0)
    want = theory.erlang_b(c, load)
    assert abs(share - want) < Z * se, (share, want, se)


# --- §3 deterministic time to empty -------------------------------------------------------


@pytest.mark.parametrize("lead_time", [0.0, 5.0, 20.0])
def test_time_to_empty_with_resupply(lead_time):
    # 8 rounds a day (one threat every 3 h, salvo of 1), resupply 2 a day (1 every 12 h)
    data = one_site(stock={"I": 120}, doctrine={"mode": "salvo", "shots": 1})
    data["duration"] = "40d"
    data["attacks"] = [{"raid": {"every": "3h", "size": {"T": 1}, "first": "3h"}}]
    data["deliveries"] = [
        {"at": lead_time + 0.5, "every": "12h", "to": "S", "interceptor": "I", "quantity": 1}
    ]
    if lead_time == 0:
        data["deliveries"][0]["at"] = "12h"
    result = run_data(data)
    first = result.summary["sites"]["S"]["first_stockout_day"]
    want = theory.time_to_empty(120, 8, 2, lead_time)
    # discrete shots every 3 h and deliveries every 12 h: within one delivery period of the fluid figure
    assert first is not None and abs(first - want) <= 0.5, (first, want)


def test_time_to_empty_without_resupply_is_exact():
    data = one_site(stock={"I": 120}, doctrine={"mode": "salvo", "shots": 1})
    data["attacks"] = [{"raid": {"every": "3h", "size": {"T": 1}, "first": "3h"}}]
    result = run_data(data)
    # the 120th round goes at the 120th threat, at 120 * 3 h = 15 days
    assert result.summary["sites"]["S"]["first_stockout_day"] == pytest.approx(15.0)
