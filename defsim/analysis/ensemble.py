"""Monte Carlo ensembles: many replications of one scenario, reduced to figures and bands.

Replication ``i`` of seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` whatever the number of
workers, so an ensemble is identical run sequentially, in local processes or on Dask.  A
replication records no event log and keeps its stock only on a regular grid: memory grows with
replications x grid points, not with events.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from .run import RunAnalysis

#: a replication's figures: dotted summary keys -> number (NaN for "never", e.g. no stockout)
Row = dict[str, float]
#: user SimPy processes run in every replication (engine/control.py)
Processes = list[Process] | tuple[Process, ...]


def flatten(summary: dict[str, Any], prefix: str = "") -> Row:
    """The numeric leaves of a run summary as dotted keys (None becomes NaN)."""
    out: Row = {}
    for k, v in summary.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(flatten(v, key + "."))
        elif isinstance(v, bool):
            continue
        elif isinstance(v, int | float):
            out[key] = float(v)
        elif v is None and (k.endswith("_day") or k == "cost_exchange_ratio"):
            out[key] = math.nan
    return out


SKIP = ("seed", "replication", "duration_days")


def replication_row(result: RunAnalysis) -> Row:
    row = {k: v for k, v in flatten(result.summary).items() if k not in SKIP}
    t = result.summary["totals"]
    row["totals.leaked_share"] = t["leaked"] / t["arrived"] if t["arrived"] else math.nan
    return row


def grid_levels(result: RunAnalysis, grid: np.ndarray) -> np.ndarray:
    """Stock of every holder series (not in-transit) at each grid time: (series, grid) int32."""
    st = result.stock
    keys = [k for k in st.keys if k[2] != "transit"]
    out = np.zeros((len(keys), len(grid)), dtype=np.int32)
    for row, (holder, itype, _) in enumerate(keys):
        times, levels = st.series(holder, itype)
        idx = np.searchsorted(times, grid, side="right") - 1
        out[row] = levels[np.clip(idx, 0, None)]
    return out


@dataclass
class Replication:
    index: int
    row: Row
    levels: np.ndarray


# --- running replications -------------------------------------------------------------------


def run_chunk(
    plan: Plan, seed: int, indices: list[int], grid: np.ndarray, processes: Processes = ()
) -> list[Replication]:
    """Run some replications in this process (the unit of work sent to a worker)."""
    out = []
    for i in indices:
        result = RunAnalysis(simulate(plan, seed, i, record_events=False, processes=processes))
        out.append(Replication(i, replication_row(result), grid_levels(result, grid)))
    return out


def chunks(indices: list[int], workers: int) -> list[list[int]]:
    """Chunks big enough to amortise the cost of sending work, small enough to balance load."""
    size = max(1, min(50, math.ceil(len(indices) / (workers * 4))))
    return [indices[k : k + size] for k in range(0, len(indices), size)]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def execute(
    plan: Plan,
    seed: int,
    indices: list[int],
    grid: np.ndarray,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    processes: Processes = (),
) -> list[Replication]:
    """Run the replications ``indices``; results come back in replication order.

    ``processes`` (user SimPy processes, see engine/control.py) go to the workers by pickling:
    they must be module-level functions.
    """
    parts = chunks(indices, max(workers, 1))
    done: list[Replication] = []
    if scheduler is not None:
        parts_iter = _dask(plan, seed, parts, grid, scheduler, processes)
    elif workers <= 1 or len(parts) == 1:
        parts_iter = (run_chunk(plan, seed, p, grid, processes) for p in parts)
    else:
        parts_iter = _pool(plan, seed, parts, grid, workers, processes)
    for reps in parts_iter:
        done.extend(reps)
        if progress is not None:
            progress(len(reps))
    done.sort(key=lambda r: r.index)
    return done


def _pool(
    plan: Plan, seed: int, parts: list[list[int]], grid: np.ndarray, workers: int, processes: Processes
) -> Iterator[list[Replication]]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_chunk, plan, seed, p, grid, processes) for p in parts]
        for f in futures:
            yield f.result()


def _dask(
    plan: Plan, seed: int, parts: list[list[int]], grid: np.ndarray, address: str, processes: Processes
) -> Iterator[list[Replication]]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("--scheduler needs Dask: pip install 'defsim[dask]'") from exc
    with Client(address) as client:
        futures = client.map(
            run_chunk,
            [plan] * len(parts),
            [seed] * len(parts),
            parts,
            [grid] * len(parts),
            [processes] * len(parts),
            pure=False,
        )
        for f in futures:
            yield f.result()


# --- the ensemble result -------------------------------------------------------------------

PERCENTILES = (5, 25, 50, 75, 95)
Z95 = 1.959963984540054


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def figure_stats(values: np.ndarray) -> dict[str, Any]:
    """Mean with standard error and 95% interval, median and 5th/95th percentiles."""
    n = len(values)
    mean = float(values.mean())
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return {
        "mean": mean,
        "se": _num(se),
        "ci95": [_num(mean - Z95 * se), _num(mean + Z95 * se)] if math.isfinite(se) else None,
        "median": float(p50),
        "p5": float(p5),
        "p95": float(p95),
        "n": n,
    }


def time_stats(values: np.ndarray) -> dict[str, Any]:
    """A time that may never happen (NaN): how often it happened, and when (never = after the end)."""
    happened = np.isfinite(values)
    p = float(happened.mean())
    filled = np.where(happened, values, np.inf)
    # inverted_cdf picks observed values: "never" (inf) stays inf instead of inf - inf
    p5, p50, p95 = (
        np.percentile(filled, [5, 50, 95], method="inverted_cdf") if len(filled) else (math.inf,) * 3
    )
    return {
        "p_happened": p,
        "se_p": math.sqrt(p * (1 - p) / len(values)) if len(values) else None,
        "median": _num(p50),
        "p5": _num(p5),
        "p95": _num(p95),
        "mean_when_happened": float(values[happened].mean()) if happened.any() else None,
        "n": len(values),
    }


class EnsembleAnalysis:
    """Replications of one plan: per-replication figures, stock bands, P(ran dry by day d)."""

    def __init__(
        self,
        plan: Plan,
        seed: int,
        grid: np.ndarray,
        reps: list[Replication],
        label: str | None = None,
    ):
        self.plan = plan
        self.seed = seed
        self.grid = grid
        self.label = label or plan.name
        self.columns = sorted({k for r in reps for k in r.row})
        self.values = np.array([[r.row.get(k, math.nan) for k in self.columns] for r in reps], dtype=float)
        self.levels = np.stack([r.levels for r in reps]) if reps else np.zeros((0, 0, len(grid)), np.int32)
        self.series = [
            (h.name, plan.interceptors[it], h.kind) for h in plan.network.holders for it in h.types
        ]

    @property
    def reps(self) -> int:
        return len(self.values)

    def figure(self, key: str) -> np.ndarray:
        """One figure across replications (e.g. ``"totals.leaked"``)."""
        return self.values[:, self.columns.index(key)]

    def half_width(self, key: str) -> float:
        v = self.figure(key)
        v = v[np.isfinite(v)]
        return Z95 * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.inf

    @property
    def holders(self) -> list[tuple[str, str]]:
        return [(h.name, h.kind) for h in self.plan.network.holders]

    def stockout_key(self, holder: str, kind: str) -> str:
        group = "sites" if kind == "site" else "stockpiles_and_producers"
        return f"{group}.{holder}.first_stockout_day"

    def p_dry(self) -> dict[str, np.ndarray]:
        """Per holder (sites and stockpiles): P(it has run dry by each grid time)."""
        out = {}
        for name, kind in self.holders:
            if kind == "producer":
                continue
            first = self.figure(self.stockout_key(name, kind))
            first = np.where(np.isfinite(first), first, np.inf)
            out[name] = (first[:, None] <= self.grid[None, :]).mean(axis=0)
        return out

    def bands(self) -> np.ndarray:
        """Percentiles (5, 25, 50, 75, 95) of every holder series at every grid time."""
        return np.percentile(self.levels, PERCENTILES, axis=0)

    @property
    def summary(self) -> dict[str, Any]:
        figures = {}
        for j, key in enumerate(self.columns):
            col = self.values[:, j]
            figures[key] = (
                time_stats(col)
                if key.endswith("_day")
                else figure_stats(col[np.isfinite(col)])
                if np.isfinite(col).any()
                else None
            )
        return {
            "scenario": self.plan.name,
            "label": self.label,
            "seed": self.seed,
            "replications": self.reps,
            "seeding": f"replication i uses numpy.random.SeedSequence({self.seed}).spawn(N)[i]",
            "grid_days": float(self.grid[1] - self.grid[0]) if len(self.grid) > 1 else None,
            "duration_days": self.plan.duration,
            "start": self.plan.start.isoformat() if self.plan.start else None,
            "first_stockout": {
                name: time_stats(self.figure(self.stockout_key(name, kind)))
                for name, kind in self.holders
                if kind != "producer"
            },
            "figures": figures,
        }

    def headline_keys(self, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
        """Figures a comparison shows: totals, kills per threat type, time empty per site, and ``extra``."""
        keys = ["totals.arrived", "totals.killed", "totals.leaked", "totals.leaked_share"]
        keys += [f"threats.{t}.killed" for t in self.plan.threats if len(self.plan.threats) > 1]
        keys += [f"sites.{s}.days_empty" for s in self.plan.site_names]
        keys += ["cost.cost_exchange_ratio", *extra]
        for key in extra:
            if key not in self.columns:
                raise ValueError(f"unknown figure {key!r}; the columns of reps.csv are the figures")
        return keys

    def headline(self, extra: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
        """The figures a comparison table shows, with the first-stockout statistics per holder."""
        s = self.summary
        out: dict[str, Any] = {key: s["figures"].get(key) for key in self.headline_keys(extra)}
        for name, stats in s["first_stockout"].items():
            out[f"{name}: P(ran dry)"] = {"mean": stats["p_happened"], "se": stats["se_p"]}
            out[f"{name}: median first stockout day"] = {"median": stats["median"]}
        return out

    def date(self, t: float) -> str:
        import datetime as dt

        if self.plan.start is None:
            return ""
        return (self.plan.start + dt.timedelta(days=float(t))).strftime("%Y-%m-%d")

    def to_frame(self) -> Any:
        """One row per replication (needs pandas)."""
        import pandas as pd

        frame = pd.DataFrame(self.values, columns=self.columns)
        frame.insert(0, "replication", np.arange(self.reps))
        return frame


def make_grid(duration: float, step: float) -> np.ndarray:
    n = math.floor(duration / step + 1e-9)
    grid = np.arange(n + 1) * step
    if grid[-1] < duration - 1e-9:
        grid = np.append(grid, duration)
    return grid
