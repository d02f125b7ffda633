"""Layered defence against closed forms (docs/background.md, "Layers"), with computed standard errors.

Without saturation a threat meets every layer it survives, each with its own doctrine and its own
draws, so P(kill) = 1 - prod(1 - P_i), no leaker among N threats of a raid has probability
(1 - leak)^N and the expected damage per threat is leak x damage.  With saturation, an upper tier
of c channels (engagement window 0) blocks a share Erlang B(c, a) of the threats, and the lower
tier meets the blocked ones plus the ones the upper tier missed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from defsim.analysis import theory
from defsim.engine.records import EventKind, LeakReason
from tests.conftest import run_data

Z = 4.0
N = 10  # threats per raid


def site(layer: int, pk_name: str, doctrine: dict, channels: int = 1000, **extra) -> dict:
    return {
        "interceptors": [pk_name],
        "stock": {pk_name: 10**7},
        "fire_channels": channels,
        "engagement_time": "1m",
        "doctrine": doctrine,
        "covers": ["City"],
        "layer": layer,
        **extra,
    }


def layered(layers: list[tuple[float, dict]], raids: int = 3000, damage: float = 10.0) -> dict:
    interceptors = {f"I{k}": {"pk": p} for k, (p, _) in enumerate(layers)}
    sites = {f"L{k}": site(k + 1, f"I{k}", d) for k, (_, d) in enumerate(layers)}
    return {
        "name": "layers",
        "provenance": "notional, test",
        "duration": f"{raids}h",
        "interceptors": interceptors,
        "threats": {"M": {"class": "cruise_missile", "damage": damage}},
        "assets": {"City": {"value": 1000}},
        "sites": sites,
        "attacks": [{"raid": {"every": "1h", "size": {"M": N}, "label": "raid"}}],
    }


SALVO1 = {"mode": "salvo", "shots": 1}
SALVO2 = {"mode": "salvo", "shots": 2}
SLS12 = {"mode": "shoot_look_shoot", "shots": 1, "opportunities": 2}

CASES = {
    # docs/background.md, "Layers": (layers, P(kill), P(no leaker in a raid of 10))
    "salvo 0.7 then salvo 0.6": ([(0.7, SALVO1), (0.6, SALVO1)], 0.8800, 0.2785),
    "salvo 2 at 0.7 then SLS 1x2 at 0.8": ([(0.7, SALVO2), (0.8, SLS12)], 0.9964, 0.9646),
    "three layers at 0.5": ([(0.5, SALVO1)] * 3, 0.8750, 0.2631),
}


def layer_kill(p: float, d: dict) -> float:
    if d["mode"] == "salvo":
        return theory.salvo(p, d["shots"])[0]
    return theory.shoot_look_shoot(p, d["shots"], d["opportunities"])[0]


@pytest.mark.parametrize("case", list(CASES))
def test_layers_kill_as_the_product_of_misses(case):
    layers, p_kill, p_clean = CASES[case]
    assert abs(1 - math.prod(1 - layer_kill(p, d) for p, d in layers) - p_kill) < 5e-5
    assert abs(p_kill**N - p_clean) < 5e-5
    result = run_data(layered(layers), seed=5)
    s = result.summary
    n = s["totals"]["arrived"]
    assert n == 3000 * N
    killed = s["totals"]["killed"] / n
    se = math.sqrt(p_kill * (1 - p_kill) / n)
    assert abs(killed - p_kill) < Z * se, (killed, p_kill, se)
    # no leaker in a raid: raids by arrival time, leakers by threat id
    ev = result.record.events
    arrivals = ev.of(EventKind.ARRIVAL)
    raid_of = np.searchsorted(np.unique(arrivals.time), arrivals.time)
    leakers = ev.of(EventKind.LEAK).threat_id
    dirty = np.zeros(raid_of.max() + 1, dtype=bool)
    dirty[raid_of[np.isin(arrivals.threat_id, leakers)]] = True
    clean = 1 - dirty.mean()
    se_clean = math.sqrt(p_clean * (1 - p_clean) / len(dirty))
    assert abs(clean - p_clean) < Z * se_clean, (clean, p_clean, se_clean)
    # expected damage: P(leak) x damage per threat
    damage = s["assets"]["City"]["damage"] / n
    se_damage = 10.0 * se
    assert abs(damage - 10.0 * (1 - p_kill)) < Z * se_damage
    assert s["damage"]["total"] == s["assets"]["City"]["damage"] == 10.0 * s["totals"]["leaked"]
    # each layer meets what the layers above let through
    layers_out = s["assets"]["City"]["layers"]
    for k in range(1, len(layers)):
        assert layers_out[str(k + 1)]["met"] == layers_out[str(k)]["passed"]


def test_upper_tier_blocks_per_erlang_b_and_the_lower_tier_sees_blocked_plus_missed():
    c, rate = 1, 120.0  # one channel, 120 threats a day, 2-minute mean engagement
    data = {
        "name": "saturated upper tier",
        "provenance": "notional, test",
        "duration": "400d",
        "interceptors": {"U": {"pk": 0.7}, "L": {"pk": 0.5}},
        "threats": {"M": {"class": "cruise_missile"}},
        "assets": {"City": {"value": 1}},
        "sites": {
            "Upper": {
                "interceptors": ["U"],
                "stock": {"U": 10**7},
                "fire_channels": c,
                "engagement_time": {"dist": "exponential", "mean": "2m"},
                "covers": ["City"],
                "layer": 1,
                "window": 0,
            },
            "Lower": site(2, "L", SALVO1),
        },
        "attacks": [{"stream": {"rate": f"{rate}/d", "threats": "M"}}],
    }
    a = rate * 2.0 / (60 * 24)  # offered load: arrivals per day x mean hold in days
    b = theory.erlang_b(c, a)
    s = run_data(data, seed=3).summary
    up = s["assets"]["City"]["layers"]["1"]
    low = s["assets"]["City"]["layers"]["2"]
    n = up["met"]
    assert n > 40000
    blocked = up["passed_by_reason"]["saturated"] / n
    se = math.sqrt(b * (1 - b) / n)
    assert abs(blocked - b) < Z * se, (blocked, b, se)
    assert blocked > 0.05  # the case saturates
    seen = b + (1 - b) * 0.3
    share = low["met"] / n
    se_seen = math.sqrt(seen * (1 - seen) / n)
    assert abs(share - seen) < Z * se_seen, (share, seen, se_seen)
    assert low["met"] == up["passed"]


def test_a_threat_has_one_fate_however_many_layers_it_meets():
    result = run_data(layered([(0.5, SALVO1)] * 3, raids=200), seed=2)
    rec = result.record
    ev = rec.events
    arrivals = ev.of(EventKind.ARRIVAL).threat_id
    fates = np.concatenate([ev.of(EventKind.KILL).threat_id, ev.of(EventKind.LEAK).threat_id])
    assert len(arrivals) == len(np.unique(arrivals)) == rec.arrivals
    assert sorted(fates.tolist()) == sorted(arrivals.tolist())  # exactly one fate each
    passed = ev.of(EventKind.PASSED)
    assert len(passed) > 0 and (passed.reason == int(LeakReason.MISSED)).all()
    assert (np.bincount(passed.threat_id) <= 2).all()  # at most the two upper layers are passed
    s = result.summary
    for t in s["threats"].values():
        assert t["arrived"] == t["killed"] + t["leaked"] + t["unresolved_at_end"]
        assert t["engaged"] == t["arrived"]  # every threat is engaged (once counted) at layer 1
    city = s["assets"]["City"]
    assert sum(v["killed"] for v in city["layers"].values()) == s["totals"]["killed"]
    assert city["leaked"] == s["totals"]["leaked"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counts_per_layer_match_the_event_log_when_the_run_stops_mid_engagement(seed):
    """Kills per layer are worked out at the end (met less passed on less still held); they
    must equal the kill events of each layer's sites, and a threat engaged by both layers is
    counted engaged once even when the run stops while the lower layer is engaging it."""
    data = layered([(0.3, SALVO1), (0.5, SALVO1)], raids=40)
    data["sites"]["L0"]["fire_channels"] = 8  # most engaged, missed, passed on; a few saturated
    data["sites"]["L1"]["fire_channels"] = 2
    data["sites"]["L1"]["engagement_time"] = {"dist": "exponential", "mean": "50m"}
    data["sites"]["L1"]["window"] = "3h"  # the lower tier queues what it cannot take at once
    data["duration"] = "2390m"  # stop mid-raid, with engagements and queues under way
    result = run_data(data, seed=seed)
    rec, ev = result.record, result.record.events
    assert rec.layers is not None and ev is not None
    held = rec.arrivals - int(rec.killed.sum()) - int(rec.leaked.sum())
    assert held > 0  # the case this test is for
    index = {sp.name: sp.index for sp in rec.plan.sites}
    for k, name in enumerate(("L0", "L1")):
        kills_here = ev.of(EventKind.KILL).holder == index[name]
        assert int(kills_here.sum()) == int(rec.layers.killed[0, k].sum())
    engaged = np.unique(ev.of(EventKind.SHOT).threat_id)
    assert int(rec.engaged.sum()) == len(engaged)
    # met = killed + passed on + held there, layer by layer
    lr = rec.layers
    still = lr.entered[0].sum(axis=1) - lr.killed[0].sum(axis=1) - lr.passed[0].sum(axis=(1, 2))
    assert (still >= 0).all() and int(still.sum()) == held
