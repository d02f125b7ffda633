#!/usr/bin/env python3
"""Layered defence against one layer: what a threat's hand-over between layers costs.

    python benchmarks/layered.py                   # 200,000 threats, best of three
    python benchmarks/layered.py --quick           # 50,000 threats
    python benchmarks/layered.py --instructions    # instruction counts under callgrind

The same stream of threats (a mix of missiles and drones, one seed) meets either one site, or
an asset covered by an upper tier and a lower tier of two sites (the upper tier kills most; what
it misses meets the lower tier).  Two figures come out, with and without the event log:

- ``per_threat``: layered over one layer, per threat (the issue's target: at most 1.2).  Each
  threat the upper tier misses is engaged again below, so this cannot fall below the ratio of
  engagements, ``engagements`` (about 1.2 here), however cheap the hand-over is;
- ``vs_second_arrival``: the layered run against one layer that sees as many *extra*
  arrivals as the layered run has hand-overs, both per threat-meeting (arrivals plus
  hand-overs).  Below 1, a hand-over and the engagement it leads to cost less than a second
  arrival and its engagement.  ``handover_in_arrivals`` is the same comparison on the
  differences from the plain one-layer run: what one hand-over costs, in extra arrivals.

The runs are interleaved, best of three.  Ratios, not seconds: the machine may be shared.
``--instructions`` counts the instructions of the event loop instead of timing it (valgrind's
callgrind, compiled engine only): the same count whatever else the machine is doing.  No test
asserts a time.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any

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


def second_arrival(threats: int, handovers: int) -> dict[str, Any]:
    """One layer, its stream raised so that it sees about ``handovers`` more arrivals."""
    data = one_layer(threats)
    data["name"] = "one layer, second arrivals"
    stream = data["attacks"][0]["stream"]
    per_day = float(stream["rate"].split("/")[0])
    stream["rate"] = f"{per_day * (threats + handovers) / threats:.6f}/d"
    return data


def plans(threats: int) -> dict[str, Any]:
    """The three plans: one layer, layered, and one layer with the hand-overs as arrivals."""
    made = {
        k: build(from_dict(copy.deepcopy(f(threats))).spec)
        for k, f in (("one", one_layer), ("layered", layered))
    }
    handovers = handovers_of(Simulation(made["layered"], 1, 0, False).run())
    made["second_arrival"] = build(from_dict(second_arrival(threats, handovers)).spec)
    return made


def handovers_of(record: Any) -> int:
    """Threats that met a layer after the first: the layered run's hand-overs."""
    return int(record.layers.entered[:, 1:].sum())


def figures(best: dict[str, float], counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    one, lay, two = (counts[k] for k in ("one", "layered", "second_arrival"))
    per = {k: best[k] / counts[k]["arrivals"] for k in best}
    per_meeting = {k: best[k] / counts[k]["meetings"] for k in best}
    extra_arrivals = two["arrivals"] - one["arrivals"]
    # the layered run has the plain run's arrivals: what it costs more is its hand-overs
    handover = (best["layered"] - best["one"]) / lay["handovers"]
    arrival = (best["second_arrival"] - best["one"]) / extra_arrivals
    return {
        "counts": counts,
        "per_threat": round(per["layered"] / per["one"], 3),
        "engagements": round(lay["engagements"] / one["engagements"], 3),
        "vs_second_arrival": round(per_meeting["layered"] / per_meeting["second_arrival"], 3),
        "handover_in_arrivals": round(handover / arrival, 3),
    }


def counts_of(record: Any) -> dict[str, int]:
    """A run's arrivals, hand-overs, threat-layer meetings (the two together) and engagements."""
    handovers = handovers_of(record) if record.layers is not None else 0
    return {
        "arrivals": int(record.arrivals),
        "handovers": handovers,
        "meetings": int(record.arrivals) + handovers,
        "engagements": int(record.shots.sum()),  # one round per engagement here
    }


def measure(threats: int, repeats: int) -> dict[str, Any]:
    made = plans(threats)
    out: dict[str, Any] = {"threats": threats, "repeats": repeats, "engine": engine()}
    for events in (False, True):
        best = {k: math.inf for k in made}
        counts = {}
        for _ in range(repeats):
            for k, plan in made.items():  # interleaved: all see the same machine load
                gc.collect()
                t = time.perf_counter()
                record = Simulation(plan, 1, 0, events).run()
                best[k] = min(best[k], time.perf_counter() - t)
                counts[k] = counts_of(record)
                del record
        out["events" if events else "no_events"] = {
            "per_threat_us": {k: round(v / counts[k]["arrivals"] * 1e6, 3) for k, v in best.items()},
            **figures(best, counts),
        }
    return out


def engine() -> str:
    import defsim.engine.clock as clock

    return "pure" if clock.__file__.endswith(".py") else "compiled"


LOOP = "CPyDef_clock___Clock___run"  # the compiled event loop: what --instructions counts


def instructions(threats: int) -> dict[str, Any]:
    """Instructions of the event loop per variant, each counted once under callgrind."""
    if engine() != "compiled":
        raise SystemExit("--instructions counts the compiled event loop: install defsim with a C compiler")
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt install valgrind)")
    made = plans(threats)
    best, counts = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, plan in made.items():
            path = os.path.join(tmp, f"{k}.pickle")
            with open(path, "wb") as f:
                pickle.dump(plan, f)
            out = os.path.join(tmp, f"{k}.callgrind")
            run = [
                "valgrind", "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={LOOP}",
                f"--callgrind-out-file={out}", sys.executable, __file__, "--one-run", path,
            ]  # fmt: skip
            env = {**os.environ, "PYTHONHASHSEED": "0"}  # string hashes move dict lookups' cost
            done = subprocess.run(run, capture_output=True, text=True, check=True, env=env)
            counts[k] = json.loads(done.stdout)
            best[k] = float(re.findall(r"Collected : (\d+)", done.stderr)[-1])
    return {
        "threats": threats,
        "engine": "compiled",
        "instructions": {k: int(v) for k, v in best.items()},
        **figures(best, counts),
    }


def one_run(path: str) -> None:
    """Run a pickled plan once without events and print its counts (for --instructions)."""
    with open(path, "rb") as f:
        plan = pickle.load(f)
    print(json.dumps(counts_of(Simulation(plan, 1, 0, False).run())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="50,000 threats instead of 200,000")
    ap.add_argument("--instructions", action="store_true", help="count instructions (callgrind)")
    ap.add_argument("--one-run", metavar="PLAN", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_run:
        one_run(args.one_run)
        return
    threats = 50_000 if args.quick else 200_000
    if args.instructions:
        print(json.dumps(instructions(20_000 if args.quick else threats // 4), indent=2))
    else:
        print(json.dumps(measure(threats, 3), indent=2))


if __name__ == "__main__":
    main()
