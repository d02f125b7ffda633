"""Peak memory of a year-long ensemble against its number of replications.

Each ensemble runs in a fresh process (so its peak is its own): the textbook scenario over a
year, on 2 workers, at 1,000 / 10,000 / 100,000 replications (``--quick``: 1,000 / 5,000).  The
main process's peak RSS is what must not grow with replications (the workers each hold one
replication at a time); the largest child's peak is reported alongside.  Prints one JSON line
per size and writes nothing else::

    python benchmarks/memory.py [--quick] [--reps 1000,10000,100000] [--save]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CODE = """
import json, resource, sys, time, tempfile, pathlib
import defsim
sc = defsim.load({path!r})
t = time.perf_counter()
e = defsim.run(sc, reps={reps}, workers={workers})
wall = time.perf_counter() - t
if {save}:
    with tempfile.TemporaryDirectory() as tmp:
        e.save(pathlib.Path(tmp) / "out", plot=False)
self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({{"reps": e.reps, "seconds": wall, "peak_rss_mb_main": self,
                   "peak_rss_mb_largest_child": child}}))
"""


def year_scenario(folder: Path) -> Path:
    """The textbook scenario, a year long."""
    text = (ROOT / "defsim" / "scenarios" / "textbook.yaml").read_text()
    path = folder / "year.yaml"
    path.write_text(text.replace("duration: 40d", "duration: 1yr"))
    return path


def measure(path: Path, reps: int, workers: int = 2, save: bool = False) -> dict[str, Any]:
    code = CODE.format(path=str(path), reps=reps, workers=workers, save=save)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", default=None, help="comma-separated sizes")
    parser.add_argument("--save", action="store_true", help="also save the results folder (no plots)")
    args = parser.parse_args()
    sizes = [1000, 5000] if args.quick else [1000, 10_000, 100_000]
    if args.reps:
        sizes = [int(x) for x in args.reps.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        path = year_scenario(Path(tmp))
        for n in sizes:
            print(json.dumps({"save": args.save, **measure(path, n, save=args.save)}), flush=True)


if __name__ == "__main__":
    main()
