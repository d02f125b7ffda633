"""An emergency package: when the front stockpile's long-range stock falls below 20, the
licensor's depot sends 24 rounds that arrive 10 days later; at most one package every 90
days, and only while the depot holds more than 40 of its own.

A plain SimPy process: it gets the run's environment (time in days) and the ``world``
interface (defsim/engine/control.py), waits, reads stock and acts.  Its shipments run on the
route ``emergency: Licensor depot -> Front stockpile`` and appear in events.csv, stock.csv and
summary.json like any other.

    python examples/emergency_package.py                 # prints the packages
    python examples/emergency_package.py --out results/emergency
"""

from __future__ import annotations

import argparse
from pathlib import Path

import defsim

SCENARIO = Path(__file__).resolve().parent.parent / "defsim" / "scenarios" / "backfill.yaml"
FRONT, DEPOT, TYPE = "Front stockpile", "Licensor depot", "LR-SAM"
BELOW, PACKAGE, LEAD_TIME, EVERY, DEPOT_KEEPS = 20, 24, 10.0, 90.0, 40


def emergency_package(env, world):
    """Module-level, so that ensembles can send it to worker processes."""
    while True:
        yield world.below(FRONT, TYPE, BELOW)
        spare = world.stock(DEPOT, TYPE) - DEPOT_KEEPS
        if spare <= 0:
            yield env.timeout(1.0)  # look again tomorrow
            continue
        world.ship(DEPOT, FRONT, TYPE, min(PACKAGE, spare), lead_time=LEAD_TIME)
        yield env.timeout(EVERY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="save the run's files here")
    args = parser.parse_args()
    result = defsim.run(defsim.load(SCENARIO), processes=[emergency_package])
    for row in result.event_rows():
        if row[-1].startswith("emergency:"):
            t, date, kind, *_, n, _reason, route = row
            print(f"day {t:7.2f}  {date}  {kind:9s} {n:3d} {route}")
    if args.out is not None:
        result.save(args.out, plot=False)
        print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
