"""Memory per unit of work: what the work bounds in ``defsim/plan/size.py`` are sized from.

Each kind of work is measured in fresh processes at two sizes; the peak RSS (the process and
its children, whichever is larger) grows by about the same number of bytes per unit, and that
slope is the figure.  The kinds, each the way the command line runs it:

- **threat**: ``defsim run`` of one site under a Poisson stream, with the event log, the
  summary and the results folder (no plots);
- **scheduled event**: ``defsim run`` of a raid of zero threats every minute (each occurrence
  is drawn up front and marked in the outputs) and of a delivery every minute (each is a stock
  change of the series), the larger of the two;
- **grid value**: ``defsim run --reps 4 --workers 1`` with a fine ``--grid``, the statistics
  and the results folder (no plots), per stock series x grid point.

Prints one JSON line per kind and writes nothing else (about three minutes on 2 cores, and
up to 3 GB of memory for the largest size)::

    python benchmarks/work_memory.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CODE = """
import json, pathlib, resource, tempfile
import defsim
sc = defsim.load({path!r})
with tempfile.TemporaryDirectory() as tmp:
    if {reps}:
        r = defsim.run(sc, reps={reps}, workers=1, grid={grid!r}, allow_work=1000)
    else:
        r = defsim.run(sc, allow_work=1000)
    r.save(pathlib.Path(tmp) / "out", plot=False)
rss = [resource.getrusage(w).ru_maxrss * 1024 for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(json.dumps({{"peak_rss": max(rss)}}))
"""

SITE = """name: work memory
provenance: notional, a measurement
duration: {duration}
interceptors:
  I: {{pk: 0.7}}
threats:
  T: {{class: drone, time_to_impact: 0}}
sites:
  S:
    interceptors: [I]
    stock: {{I: 1000000000}}
    fire_channels: 4
    engagement_time: 1m
"""


def peak(folder: Path, text: str, reps: int = 0, grid: str = "1d") -> int:
    path = folder / "scenario.yaml"
    path.write_text(text)
    code = CODE.format(path=str(path), reps=reps, grid=grid)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(json.loads(out.stdout)["peak_rss"])


def slope(folder: Path, make: object, sizes: tuple[int, int], **kw: object) -> float:
    """Bytes per unit between the two sizes (``make(n)`` is the scenario text of n units)."""
    small, large = (peak(folder, make(n), **kw) for n in sizes)  # type: ignore[operator, arg-type]
    return (large - small) / (sizes[1] - sizes[0])


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def threats(n: int) -> str:
            return SITE.format(duration="100d") + f"attacks:\n  - stream: {{rate: {n / 100}/d, threats: T}}\n"

        def raids(n: int) -> str:
            return SITE.format(duration=f"{n}m") + "attacks:\n  - raid: {every: 1m, size: {T: 0}}\n"

        def deliveries(n: int) -> str:
            return SITE.format(duration=f"{n}m") + (
                "deliveries:\n  - {at: 0, to: S, interceptor: I, quantity: 1, every: 1m}\n"
            )

        def grid(n: int) -> str:
            return SITE.format(duration=f"{n}m") + "attacks:\n  - stream: {rate: 1/d, threats: T}\n"

        figures = {
            "bytes_per_threat": slope(folder, threats, (100_000, 500_000)),
            "bytes_per_raid": slope(folder, raids, (200_000, 1_000_000)),
            "bytes_per_delivery": slope(folder, deliveries, (200_000, 1_000_000)),
            # one stock series: grid values = grid points
            "bytes_per_grid_value": slope(folder, grid, (200_000, 1_000_000), reps=4, grid="1m"),
        }
        for name, value in figures.items():
            print(json.dumps({"figure": name, "bytes": round(value)}), flush=True)


if __name__ == "__main__":
    main()
