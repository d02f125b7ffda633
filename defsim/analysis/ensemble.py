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
from functools import cached_property
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from . import figures
from .metrics import Figure, Kind
from .run import RunAnalysis
from .statistics import Z95, figure_stats, interval, time_stats

__all__ = ["Z95", "EnsembleAnalysis", "HeadlineRow", "Replication", "execute", "make_grid", "run_chunk"]

#: a replication's figures: dotted keys -> number (NaN for "never", e.g. no stockout)
Row = dict[str, float]
#: user SimPy processes run in every replication (engine/control.py)
Processes = list[Process] | tuple[Process, ...]


def replication_row(result: RunAnalysis) -> Row:
    """A replication's figures as declared in :mod:`defsim.analysis.figures` (a row of reps.csv)."""
    return figures.row(result)


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


@dataclass
class HeadlineRow:
    """One figure of an ensemble or comparison table.

    ``key`` is the figure's key; for a day that may never come, two rows stand for it:
    ``<key>.p_happened`` (the share of replications in which it came) and ``<key>.median``.
    ``paired`` says whether a difference paired by replication applies (a number per replication).
    """

    key: str
    figure: Figure
    stats: dict[str, Any]
    paired: bool


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

    @cached_property
    def catalogue(self) -> dict[str, Figure]:
        """Every figure the plan can report (columns are those some replication has)."""
        return figures.REGISTRY.catalogue(self.plan)

    def __getstate__(self) -> dict[str, Any]:
        # the catalogue holds the registry's readers (lambdas): rebuilt after unpickling
        return {k: v for k, v in self.__dict__.items() if k != "catalogue"}

    @property
    def reps(self) -> int:
        return len(self.values)

    def figure(self, key: str) -> np.ndarray:
        """One figure across replications (e.g. ``"totals.leaked"``; NaN: none in that one)."""
        if key not in self.columns:
            self.catalogue_figure(key)  # UnknownFigure, with the closest keys
            return np.full(self.reps, math.nan)
        return self.values[:, self.columns.index(key)]

    def statistics(self, key: str) -> dict[str, Any] | None:
        """The statistics of one figure, chosen by its kind (None: no replication has a value)."""
        values = self.figure(key)
        fig = self.catalogue_figure(key)
        if fig.kind is Kind.DAY:
            return time_stats(values)
        finite = values[np.isfinite(values)]
        return figure_stats(finite, fig.bounds) if len(finite) else None

    def half_width(self, key: str) -> float:
        """The 95% half-width of a figure's mean (of a day: of P(it came))."""
        v = self.figure(key)
        if self.catalogue_figure(key).kind is Kind.DAY:
            p = float(np.isfinite(v).mean())
            return Z95 * math.sqrt(p * (1 - p) / len(v)) if len(v) > 1 else math.inf
        v = v[np.isfinite(v)]
        return Z95 * v.std(ddof=1) / math.sqrt(len(v)) if len(v) > 1 else math.inf

    @property
    def holders(self) -> list[tuple[str, str]]:
        return [(h.name, h.kind) for h in self.plan.network.holders]

    def stockout_key(self, holder: str, kind: str) -> str:
        return figures.stockout_key(holder, kind)

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
            "figures": {key: self.statistics(key) for key in self.columns},
        }

    def headline(self, extra: list[str] | tuple[str, ...] = ()) -> list[HeadlineRow]:
        """The rows of a table: the registry's headline figures, then ``extra`` figure keys; days
        that may never come (first stockouts) last."""
        base = figures.REGISTRY.headline(self.plan)
        chosen = [f for f in base if f.kind is not Kind.DAY]
        chosen += [self.catalogue_figure(key) for key in extra]
        chosen += [f for f in base if f.kind is Kind.DAY]
        unique: dict[str, Figure] = {}
        for f in chosen:
            unique.setdefault(f.key, f)  # a figure asked for twice keeps its first place
        rows = []
        for fig in unique.values():
            stats = self.statistics(fig.key) if fig.key in self.columns else None
            if stats is None:
                continue
            if fig.kind is Kind.DAY:
                p, se = stats["p_happened"], stats["se_p"]
                ci = interval(p, se, (0.0, 1.0)) if se is not None else None
                share = {"mean": p, "se": se, "ci95": ci}
                rows.append(HeadlineRow(f"{fig.key}.p_happened", fig, share, False))
                rows.append(HeadlineRow(f"{fig.key}.median", fig, {"median": stats["median"]}, False))
            else:
                rows.append(HeadlineRow(fig.key, fig, stats, True))
        return rows

    def catalogue_figure(self, key: str) -> Figure:
        """The figure ``key`` of this plan (raises :class:`~defsim.analysis.metrics.UnknownFigure`)."""
        return figures.REGISTRY.lookup(self.plan, key)

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
