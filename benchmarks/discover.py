"""``defsim discover`` on the textbook scenario: end to end, per-future overhead, memory.

1. End to end: 2,000 futures of textbook (four uncertain keys), one replication each, on 2
   workers, sampling, runs, PRIM, ranking and the results folder with its plots included, in a
   fresh process (imports included), against a plain 2,000-replication ensemble of the same
   scenario on 2 workers in the same run.
2. Per-future overhead: in this process, a chunk of futures (set the keys, validate the
   scenario, build the plan, run, read the figure) against a chunk of plain ensemble
   replications of the same scenario (run, figures, stock on the grid), interleaved, best of
   ``--repeat``.
3. Memory: the main process's peak RSS at 500 and 4,000 futures (``--quick``: 500 and 2,000),
   each in a fresh process; it must not grow beyond the samples table (a few numbers a future).

Prints one JSON object::

    python benchmarks/discover.py [--quick] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from typing import Any

RANGES = [
    "sites.Battery.stock.interceptor=60..200",
    "attacks.0.stream.rate=2/d..6/d",
    "interceptors.interceptor.pk=0.5..0.9",
]
CHOICES = ["sites.Battery.doctrine.shots=1,2"]
WHEN = "sites.Battery.first_stockout_day < 20"

END_TO_END = """
import json, resource, sys, tempfile, time, pathlib
t0 = time.perf_counter()
import defsim
import defsim.analysis.discovery, scipy.stats, SALib.analyze.sobol, prim  # what a discovery imports
t_import = time.perf_counter() - t0
r = defsim.discover("textbook", {ranges!r}, {choices!r}, when={when!r}, samples={samples}, workers=2)
t_run = time.perf_counter() - t0 - t_import
with tempfile.TemporaryDirectory() as tmp:
    r.save(pathlib.Path(tmp) / "out", report=True)
wall = time.perf_counter() - t0
t1 = time.perf_counter()
e = defsim.ensemble("textbook", reps={samples}, workers=2)
ens = time.perf_counter() - t1
print(json.dumps({{"seconds": wall, "import_seconds": t_import, "discover_seconds": t_run,
                   "save_seconds": wall - t_import - t_run, "ensemble_seconds": ens, "answer": r.answers(),
                   "peak_rss_mb_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

MEMORY = """
import json, resource, defsim
r = defsim.discover("textbook", {ranges!r}, {choices!r}, when={when!r}, samples={samples}, workers=2)
table = r.x.nbytes + r.y.nbytes + r.target.nbytes + r.interest.nbytes
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"samples": {samples}, "peak_rss_mb_main": peak, "table_mb": table / 2**20}}))
"""


def fresh(code: str) -> dict[str, Any]:
    # run outside the source tree: `python -c` puts the working folder first on the path, and the
    # defsim measured is the one installed (compiled), not the source
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tmp
        )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _future(sc: Any, keys: list[str], values: tuple[Any, ...]) -> Any:
    data = sc.source.data
    for k, v in zip(keys, values, strict=True):
        from defsim.scenario import set_value

        data = set_value(data, k, v, "bench")
    from defsim.scenario import from_dict

    return from_dict(data)


def per_future(n: int, repeat: int) -> dict[str, float]:
    import sys as _sys

    import numpy as np

    import defsim
    from defsim.analysis import make_grid
    from defsim.analysis.discovery import latin_hypercube
    from defsim.analysis.execution import run_chunk
    from defsim.plan.compiler import build

    d = _sys.modules["defsim.api.discovery"]
    sc = defsim.load("textbook")
    us = d._uncertainties(RANGES, CHOICES)
    units = latin_hypercube(n, len(us), 1)
    part = [
        (i, tuple(u.value(float(x)) for u, x in zip(us, row, strict=True))) for i, row in enumerate(units)
    ]
    src = sc.source
    keys = [u.key for u in us]
    # the same futures as plain scenarios, built beforehand: one ensemble replication of each
    plans = [build(_future(sc, keys, v).spec) for _, v in part]
    grid = make_grid(sc.duration, 1.0)
    fut, rep, added = [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        for _, v in part:  # what a future adds: set its keys, validate, build the plan
            build(
                d.validate_data(
                    d._with_values(src.data, keys, v, src.name), src.lines, src.name, {}, src.text
                ).spec
            )
        added.append(time.perf_counter() - t)
        t = time.perf_counter()
        d._run_futures(
            src.data, src.lines, src.name, src.text, keys, "sites.Battery.first_stockout_day", 1, 1, part
        )
        fut.append(time.perf_counter() - t)
        t = time.perf_counter()
        for plan in plans:
            run_chunk(plan, 1, range(1), grid)
        rep.append(time.perf_counter() - t)
    f, r, a = min(fut) / n, min(rep) / n, min(added) / n
    return {
        "future_ms": f * 1e3,
        "replication_ms": r * 1e3,
        "future_over_replication": f / r,
        "added_ms": a * 1e3,
        "added_over_replication": a / r,
        "n": float(np.int64(n)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fmt = {"ranges": RANGES, "choices": CHOICES, "when": WHEN}
    out: dict[str, Any] = {}
    out["end_to_end"] = fresh(END_TO_END.format(samples=2000, **fmt))
    out["per_future"] = per_future(300 if args.quick else 1000, args.repeat)
    out["memory"] = [
        fresh(MEMORY.format(samples=n, **fmt)) for n in ((500, 2000) if args.quick else (500, 4000))
    ]
    from defsim._build import engine_kind

    out["engine"] = engine_kind()
    out["engine_in_fresh_processes"] = fresh(
        "import json, defsim._build as b; print(json.dumps({'engine': b.engine_kind()}))"
    )["engine"]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
