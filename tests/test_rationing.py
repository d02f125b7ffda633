"""Rationing: a site's doctrine changes with the rounds it holds, at exactly the stated stock.

One site, every round ready, one threat at a time (a ballistic missile, then a drone, an hour
apart): salvo 2 while it holds 20 or more, one round below 20, and below 8 only ballistic
missiles are engaged; the drones that arrive then leak as ``rationed``.  The expected shots and
fates are walked through by hand below, threat by threat.
"""

from __future__ import annotations

import numpy as np

from defsim.engine.records import EventKind, LeakReason
from tests.conftest import run_data


def scenario(stock: int = 30) -> dict:
    return {
        "name": "rationing",
        "provenance": "notional, test",
        "duration": "60h",
        "interceptors": {"I": {"pk": 0.5}},
        "threats": {"B": {"class": "ballistic_missile"}, "D": {"class": "drone"}},
        "sites": {
            "S": {
                "interceptors": ["I"],
                "stock": {"I": stock},
                "fire_channels": 1,
                "engagement_time": "1m",
                "doctrine": {"mode": "salvo", "shots": 2},
                "rationing": [
                    {"interceptor": "I", "below": 20, "shots": 1},
                    {"interceptor": "I", "below": 8, "engage": ["ballistic_missile"]},
                ],
            }
        },
        "attacks": [
            {"raid": {"every": "2h", "size": {"B": 1}, "label": "missiles"}},
            {"raid": {"every": "2h", "first": "1h", "size": {"D": 1}, "label": "drones"}},
        ],
    }


def by_hand(stock: int) -> tuple[list[int], int]:
    """Shots per engaged threat and the number rationed, threat by threat."""
    held, shots, rationed = stock, [], 0
    for k in range(60):
        drone = k % 2 == 1
        if held < 8 and drone:
            rationed += 1
        elif held > 0:
            n = min(2 if held >= 20 else 1, held)
            shots.append(n)
            held -= n
    return shots, rationed


def test_rationing_switches_at_exactly_the_stated_stock():
    result = run_data(scenario(), seed=1)
    ev = result.record.events
    shots = ev.of(EventKind.SHOT)
    expected, rationed = by_hand(30)
    assert shots.n.tolist() == expected
    # the salvo falls to one round right after the shot that left 18 (< 20), not before
    held_before = 30 - np.concatenate([[0], np.cumsum(shots.n)[:-1]])
    assert (shots.n[held_before >= 20] == 2).all() and (shots.n[held_before < 20] == 1).all()
    assert 2 in shots.n and 1 in shots.n
    s = result.summary
    assert s["threats"]["D"]["leaked_by_reason"]["rationed"] == rationed > 0
    assert s["threats"]["B"]["leaked_by_reason"]["rationed"] == 0
    assert s["totals"]["leaked_by_reason"]["rationed"] == rationed


def test_rationed_count_matches_the_drones_that_arrived_while_rationing_was_on():
    result = run_data(scenario(), seed=2)
    ev = result.record.events
    shots = ev.of(EventKind.SHOT)
    rationed_ids = ev.of(EventKind.LEAK).select(ev.of(EventKind.LEAK).reason == int(LeakReason.RATIONED))
    # rationing of drones is on from the shot that leaves fewer than 8 rounds
    held_after = 30 - np.cumsum(shots.n)
    on_at = shots.time[np.argmax(held_after < 8)]
    arrivals = ev.of(EventKind.ARRIVAL)
    drone = result.plan.threats.index("D")
    while_on = arrivals.threat_id[(arrivals.threat == drone) & (arrivals.time > on_at)]
    assert sorted(rationed_ids.threat_id.tolist()) == sorted(while_on.tolist())
    assert len(while_on) == by_hand(30)[1]


def test_a_site_that_starts_below_a_rule_rations_from_the_start():
    shots, rationed = by_hand(6)
    result = run_data(scenario(stock=6), seed=1)
    assert result.record.events.of(EventKind.SHOT).n.tolist() == shots == [1] * 6
    assert result.summary["totals"]["leaked_by_reason"]["rationed"] == rationed == 30
