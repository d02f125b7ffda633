"""Serving a site's waiting queue: highest priority first, then oldest, in linear time.

The queue is kept per (priority, threat type) since issue 12; the old one rescanned one deque
per priority on every free channel (benchmarks/queue_before.py keeps it).  Both must serve the
same threats in the same order: the event logs of a mixed case are compared entry by entry.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import defsim.engine.simulation as simulation
from defsim.engine import simulate
from defsim.engine.records import EventKind
from defsim.plan.compiler import build
from defsim.scenario import from_dict
from tests.conftest import ROOT


def quadratic_site():
    spec = importlib.util.spec_from_file_location("queue_before", ROOT / "benchmarks" / "queue_before.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.QuadraticQueueSite


def mixed() -> dict:
    # A1 and A2 share a priority; X kills only A1 and reloads slowly, Y only A2 and fast, so an
    # older A1 often waits while a younger A2 is served; B has the lowest priority
    return {
        "name": "queue order",
        "provenance": "notional, test",
        "duration": "5d",
        "interceptors": {"X": {"pk": {"A1": 0.6, "B": 0.5}}, "Y": {"pk": {"A2": 0.7, "B": 0.5}}},
        "threats": {
            "A1": {"class": "ballistic_missile", "time_to_impact": "3h"},
            "A2": {"class": "ballistic_missile", "time_to_impact": "2h"},
            "B": {"class": "drone", "time_to_impact": "6h"},
        },
        "sites": {
            "S": {
                "interceptors": ["X", "Y"],
                "stock": {"X": 300, "Y": 300},
                "launchers": {
                    "X": {"count": 1, "rounds": 1, "reload_time": "40m"},
                    "Y": {"count": 1, "rounds": 2, "reload_time": "15m"},
                },
                "fire_channels": 3,
                "engagement_time": {"dist": "exponential", "mean": "10m"},
                "engage": ["ballistic_missile", "drone"],
            }
        },
        "attacks": [{"stream": {"rate": "150/d", "threats": {"A1": 1, "A2": 1, "B": 1}}}],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_served_order_is_that_of_the_rescanning_queue(seed, monkeypatch):
    plan = build(from_dict(mixed()).spec)
    new = simulate(plan, seed, 0)
    monkeypatch.setattr(simulation, "Site", quadratic_site())
    old = simulate(plan, seed, 0)
    shots = new.events.of(EventKind.SHOT)
    assert len(shots) > 200
    # the case exercises waiting: threats were served after they arrived, and some expired
    arrivals = new.events.of(EventKind.ARRIVAL)
    first_shot = dict(zip(shots.threat_id[::-1].tolist(), shots.time[::-1].tolist(), strict=True))
    arrived_at = dict(zip(arrivals.threat_id.tolist(), arrivals.time.tolist(), strict=True))
    assert sum(first_shot[t] > arrived_at[t] for t in first_shot) > 50
    assert new.leaked[1].sum() > 0  # saturated
    for column in ("time", "kind", "holder", "threat_id", "threat", "interceptor", "n", "reason"):
        assert np.array_equal(getattr(new.events, column), getattr(old.events, column)), column
