#!/usr/bin/env python3
"""Layered defence against one layer: the cost per threat of the same threats, as a ratio.

    python benchmarks/layered.py            # 200,000 threats, best of three
    python benchmarks/layered.py --quick    # 50,000 threats

The same stream of threats (a mix of missiles and drones, one seed) meets either one site, or
an asset covered by an upper tier and a lower tier of two sites (the upper tier kills most; what
it misses or leaves alone meets the lower tier).  The two are run interleaved, best of three,
with and without the event log, and the ratio of the wall times per threat is printed (the
issue's target: at most 1.2).  Ratios, not seconds: the machine may be shared.  No test asserts
a time.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import time
from typing import Any

from defsim.analysis import RunAnalysis
from defsim.engine.simulation import Simulation
from defsim.plan.compiler import build
from defsim.scenario import from_dict


def site(itype: str, **extra: Any) -> dict[str, Any]:
    return {
        "interceptors": [itype],
        "stock": {itype: 10**8},
        "fire_channels": 50,
        "engagement_time": {"dist": "exponential", "mean": "2m"},
        **extra,
    }


def one_layer(threats: int) -> dict[str, Any]:
    per_day = 2000
    return {
        "name": "one layer",
        "provenance": "notional, benchmark",
        "duration": f"{threats / per_day:g}d",
        "interceptors": {"U": {"pk": 0.8}, "L": {"pk": 0.6}, "G": {"pk": 0.5}},
        "threats": {
            "B": {"class": "ballistic_missile", "time_to_impact": "2m", "damage": 10},
            "C": {"class": "cruise_missile", "time_to_impact": "10m", "damage": 5},
            "D": {"class": "drone", "time_to_impact": "20m", "damage": 1},
        },
        "sites": {"Battery": site("U")},
        "attacks": [{"stream": {"rate": f"{per_day}/d", "threats": {"B": 1, "C": 2, "D": 7}}}],
    }


def layered(threats: int) -> dict[str, Any]:
    data = one_layer(threats)
    data["name"] = "layered"
    data["assets"] = {"City": {"value": 1000, "share": "first_able"}}
    data["sites"] = {
        "Upper": site("U", covers=["City"], layer=1, window="2m"),
        "Lower": site("L", covers=["City"], layer=2),
        "Guns": site("G", covers=["City"], layer=2),
    }
    return data


def once(plan: Any, events: bool) -> RunAnalysis:
    result = RunAnalysis(Simulation(plan, 1, 0, events).run())
    _ = result.summary
    return result


def measure(threats: int, repeats: int) -> dict[str, Any]:
    plans = {
        k: build(from_dict(copy.deepcopy(f(threats))).spec)
        for k, f in (("one", one_layer), ("layered", layered))
    }
    out: dict[str, Any] = {"threats": threats, "repeats": repeats}
    for events in (False, True):
        best = {k: math.inf for k in plans}
        arrived = {}
        for _ in range(repeats):
            for k, plan in plans.items():  # interleaved: both see the same machine load
                t = time.perf_counter()
                r = once(plan, events)
                best[k] = min(best[k], time.perf_counter() - t)
                arrived[k] = r.summary["totals"]["arrived"]
        per = {k: best[k] / arrived[k] for k in plans}
        out["events" if events else "no_events"] = {
            "arrived": arrived,
            "per_threat_us": {k: round(v * 1e6, 3) for k, v in per.items()},
            "ratio": round(per["layered"] / per["one"], 3),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(json.dumps(measure(50_000 if args.quick else 200_000, 3), indent=2))


if __name__ == "__main__":
    main()
