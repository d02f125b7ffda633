"""Monte Carlo ensembles: many replications of one scenario, reduced to figures and bands.

Replication ``i`` of seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` whatever the number of
workers, so an ensemble is identical run sequentially, in local processes or on Dask.  A
replication records no event log and keeps its stock only on a regular grid: memory grows with
replications x grid points, not with events.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from ..plan import Plan
from . import figures
from .execution import Collected, Replication, default_workers, execute, grid_levels, run_chunk
from .metrics import Figure, Kind
from .optional import needs_pandas
from .statistics import Z95, figure_stats_streamed, interval, time_stats_streamed

__all__ = [
    "Z95",
    "Collected",
    "EnsembleAnalysis",
    "HeadlineRow",
    "Replication",
    "default_workers",
    "execute",
    "grid_levels",
    "make_grid",
    "run_chunk",
]


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
    """Replications of one plan: figure statistics, stock bands, P(ran dry by day d).

    What it holds does not grow with the replications (:class:`Collected`): statistics per
    figure and a histogram of stock per grid point; every replication's figures are on a
    temporary file, read back a block at a time for reps.csv and paired differences.
    """

    def __init__(
        self,
        plan: Plan,
        seed: int,
        grid: np.ndarray,
        reps: Collected | list[Replication],
        label: str | None = None,
    ):
        self.plan = plan
        self.seed = seed
        self.grid = grid
        self.label = label or plan.name
        if not isinstance(reps, Collected):
            collected = Collected(grid)
            collected.add(sorted(reps, key=lambda r: r.index))
            collected.finish()
            reps = collected
        self.collected = reps
        self.columns = sorted(reps.columns)
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
        return len(self.collected)

    def _at(self, key: str) -> int | None:
        return self.collected._where.get(key)

    def figure(self, key: str) -> np.ndarray:
        """One figure across replications (e.g. ``"totals.leaked"``; NaN: none in that one).

        Read back from the temporary file: an array as long as the replications."""
        if key not in self.columns:
            self.catalogue_figure(key)  # UnknownFigure, with the closest keys
            return np.full(self.reps, math.nan)
        parts = list(self.collected.column(key))
        return np.concatenate(parts) if parts else np.zeros(0)

    def blocks(self) -> Any:
        """Every replication's figures (columns as ``columns``), a block of rows at a time."""
        order = [self.collected._where[c] for c in self.columns]
        for part in self.collected.blocks():
            yield part[:, order]

    def rows(self) -> Iterator[list[float]]:
        """Every replication's figures (NaN: none), one replication at a time."""
        for block in self.blocks():
            yield from block.tolist()

    @property
    def values(self) -> np.ndarray:
        """Every replication's figures as one array (replications x columns): as big as reps.csv."""
        parts = list(self.blocks())
        return np.concatenate(parts) if parts else np.zeros((0, len(self.columns)))

    def finite_count(self, key: str) -> int:
        """In how many replications the figure has a value."""
        j = self._at(key)
        return 0 if j is None else int(self.collected.state()[0].n[j])

    def statistics(self, key: str) -> dict[str, Any] | None:
        """The statistics of one figure, chosen by its kind (None: no replication has a value)."""
        fig = self.catalogue_figure(key)
        moments, counts, _ = self.collected.state()
        j = self._at(key)
        if fig.kind is Kind.DAY:
            return time_stats_streamed(self.reps, moments, j, counts[j] if j is not None else None)
        if j is None or moments.n[j] == 0:
            return None
        return figure_stats_streamed(moments, j, counts[j], fig.bounds)

    def half_width(self, key: str) -> float:
        """The 95% half-width of a figure's mean (of a day: of P(it came))."""
        n = self.reps
        if self.catalogue_figure(key).kind is Kind.DAY:
            p = self.finite_count(key) / n if n else math.nan
            return Z95 * math.sqrt(p * (1 - p) / n) if n > 1 else math.inf
        j = self._at(key)
        if j is None:
            return math.inf
        moments = self.collected.state()[0]
        return Z95 * moments.std(j) / math.sqrt(int(moments.n[j])) if moments.n[j] > 1 else math.inf

    @property
    def holders(self) -> list[tuple[str, str]]:
        return [(h.name, h.kind) for h in self.plan.network.holders]

    def stockout_key(self, holder: str, kind: str) -> str:
        return figures.stockout_key(holder, kind)

    def p_dry(self) -> dict[str, np.ndarray]:
        """Per holder (sites and stockpiles): P(it has run dry by each grid time)."""
        out = {}
        crossings = self.collected.state()[2]
        for name, kind in self.holders:
            if kind == "producer":
                continue
            j = self._at(self.stockout_key(name, kind))
            out[name] = crossings[j].p() if j is not None else np.zeros(len(self.grid))
        return out

    def bands(self) -> np.ndarray:
        """Percentiles (5, 25, 50, 75, 95) of every holder series at every grid time."""
        hist = self.collected.levels
        if hist is None:
            return np.zeros((len(PERCENTILES), len(self.series), len(self.grid)))
        return hist.percentiles(PERCENTILES)

    def band_bins(self) -> list[int]:
        """Rounds per histogram bin of every series' bands: 1 exact, more when the series' range
        of levels was pooled to keep memory flat (percentiles within half a bin; mean exact)."""
        hist = self.collected.levels
        return list(hist.width) if hist is not None else [1] * len(self.series)

    def pooled_bands(self) -> list[dict[str, Any]]:
        """The series whose bands were pooled, with their bin width (empty: every band exact)."""
        return [
            {"holder": holder, "kind": kind, "interceptor": itype, "bin_rounds": w}
            for (holder, itype, kind), w in zip(self.series, self.band_bins(), strict=True)
            if w > 1
        ]

    def level_mean(self) -> np.ndarray:
        """The mean stock of every series at every grid time: (series, grid)."""
        hist = self.collected.levels
        return hist.mean() if hist is not None else np.zeros((len(self.series), len(self.grid)))

    def p_empty(self) -> np.ndarray:
        """The share of replications holding none of a series at each grid time: (series, grid)."""
        hist = self.collected.levels
        return hist.p_empty() if hist is not None else np.zeros((len(self.series), len(self.grid)))

    @property
    def summary(self) -> dict[str, Any]:
        return {
            "scenario": self.plan.name,
            "label": self.label,
            "seed": self.seed,
            "replications": self.reps,
            "seeding": f"replication i uses numpy.random.SeedSequence({self.seed}).spawn(N)[i]",
            "grid_days": float(self.grid[1] - self.grid[0]) if len(self.grid) > 1 else None,
            "pooled_bands": self.pooled_bands(),
            "duration_days": self.plan.duration,
            "start": self.plan.start.isoformat() if self.plan.start else None,
            "first_stockout": {
                name: self.statistics(self.stockout_key(name, kind))
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
        pd = needs_pandas()

        frame = pd.DataFrame(self.values, columns=self.columns)
        frame.insert(0, "replication", np.arange(self.reps))
        return frame


def make_grid(duration: float, step: float) -> np.ndarray:
    n = math.floor(duration / step + 1e-9)
    grid = np.arange(n + 1) * step
    if grid[-1] < duration - 1e-9:
        grid = np.append(grid, duration)
    return grid
