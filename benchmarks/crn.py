#!/usr/bin/env python3
"""How well two variants share random numbers once they diverge (issue: synchronised CRN).

    python benchmarks/crn.py                       # textbook.yaml vs deliveries.0.quantity=15
    python benchmarks/crn.py SCENARIO --set KEY=VALUE --seeds 30

For each seed, both variants run with the full event log.  The runs *diverge* at the first
threat event (arrival, shot, kill, leak) where their logs differ (with ``--all-events``: the
first event of any kind, which for a supply change is usually the first delivery).  Among threats whose first
shot comes at or after that time in both variants, the script reports the share whose kill
outcome agrees, next to the share independent draws would give (from the two kill rates).
With draws shared in event order the two are close; with draws that belong to the threat the
first is near 1 wherever the threat is engaged the same way.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import defsim
from defsim.engine import EventKind, EventLog, simulate
from defsim.plan.compiler import build

ROOT = Path(__file__).resolve().parent.parent
THREAT_EVENTS = [EventKind.ARRIVAL, EventKind.SHOT, EventKind.KILL, EventKind.LEAK]


def divergence(a: EventLog, b: EventLog, all_events: bool = False) -> float:
    """The time of the first threat event where the two logs differ (inf if they never do)."""
    if not all_events:
        a, b = a.of(*THREAT_EVENTS), b.of(*THREAT_EVENTS)
    cols = ("time", "kind", "holder", "threat_id", "interceptor", "n", "reason", "route")
    n = min(len(a), len(b))
    differ = np.zeros(n, dtype=bool)
    for c in cols:
        differ |= getattr(a, c)[:n] != getattr(b, c)[:n]
    at = np.flatnonzero(differ)
    if len(at):
        return float(min(a.time[at[0]], b.time[at[0]]))
    if len(a) != len(b):
        return float((a if len(a) > len(b) else b).time[n])
    return float("inf")


def engaged_after(ev: EventLog, t: float) -> tuple[set[int], set[int]]:
    """Threats first shot at or after ``t``, and every threat killed."""
    shots = ev.of(EventKind.SHOT)
    first: dict[int, float] = {}
    for time, tid in zip(shots.time.tolist(), shots.threat_id.tolist(), strict=True):
        first.setdefault(tid, time)
    engaged = {tid for tid, time in first.items() if time >= t}
    return engaged, set(ev.of(EventKind.KILL).threat_id.tolist())


def measure(path: Path, overrides: list[str], seeds: range, all_events: bool = False) -> dict[str, float]:
    base = build(defsim.load(path).spec)
    variant = build(defsim.load(path, overrides).spec)
    threats = agree = killed_a = killed_b = 0
    for seed in seeds:
        a, b = simulate(base, seed).events, simulate(variant, seed).events
        assert a is not None and b is not None
        t = divergence(a, b, all_events)
        engaged_a, kills_a = engaged_after(a, t)
        engaged_b, kills_b = engaged_after(b, t)
        for tid in engaged_a & engaged_b:
            threats += 1
            agree += (tid in kills_a) == (tid in kills_b)
            killed_a += tid in kills_a
            killed_b += tid in kills_b
    pa, pb = killed_a / threats, killed_b / threats
    return {
        "threats": threats,
        "agree": agree / threats,
        "independent": pa * pb + (1 - pa) * (1 - pb),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "defsim" / "scenarios" / "textbook.yaml"))
    ap.add_argument("--set", dest="overrides", action="append", default=None)
    ap.add_argument("--seeds", type=int, default=30, help="seeds 1..N")
    ap.add_argument("--all-events", action="store_true", help="diverge at any event")
    args = ap.parse_args()
    overrides = args.overrides or ["deliveries.0.quantity=15"]
    r = measure(Path(args.scenario), overrides, range(1, args.seeds + 1), args.all_events)
    print(
        f"{Path(args.scenario).name} vs {' '.join(overrides)}, seeds 1-{args.seeds}: "
        f"{r['threats']:.0f} threats engaged in both after the runs diverge"
        f"{' (at any event)' if args.all_events else ''}; "
        f"kill outcome agrees {r['agree']:.1%} (independent draws: {r['independent']:.1%})"
    )


if __name__ == "__main__":
    main()
