"""The result model: what plots, answers, reports and comparisons are drawn from.

A run, an ensemble or a comparison is one of these objects whether it was just produced or read
back from its results folder: :mod:`.as_written` makes them from a result in memory, directly
from its arrays; :func:`defsim.io.folder.read` makes the same classes from a folder's files,
every file checked.  Each holds its values exactly as the files hold them (times to the
microsecond of a day, bands as bands.csv rounds them), so what ``defsim run`` draws is what
``defsim plot`` redraws and what ``result.plot()`` draws, to the byte.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .answers import Layout, ensemble_answers, ensemble_lines, leak_paths, run_answers, run_lines, start_of
from .as_run import AsRun
from .markers import Marker


class Figures(Protocol):
    """Where an ensemble's figures per replication are read: the ensemble in memory, or its
    reps.csv (read a column at a time: :class:`defsim.io.folder.RepsFile`)."""

    def figure(self, key: str) -> np.ndarray:
        """One figure (a column) across replications (NaN: none in that one)."""
        ...

    def rows(self) -> Iterator[list[float]]:
        """Every replication's figures (NaN: none), one replication at a time."""
        ...


class _Named:
    """What every view names things by: the scenario as run."""

    as_run: AsRun

    @property
    def currency(self) -> str:
        return self.as_run.currency

    @property
    def meta(self) -> dict[str, str]:
        return self.as_run.meta

    @property
    def scenario_yaml(self) -> str:
        """scenario.yaml as written (shown in reports; read by nothing)."""
        return self.as_run.text


class _Head(_Named):
    """What a run's or an ensemble's view says of itself: from summary.json."""

    summary: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.summary["scenario"])

    @property
    def seed(self) -> int:
        return int(self.summary["seed"])

    @property
    def start(self) -> dt.datetime | None:
        return start_of(self.summary)

    @property
    def duration(self) -> float:
        return float(self.summary["duration_days"])


@dataclass
class RunView(_Head):
    """One run's files: summary, stock series, the event log and the markers."""

    folder: Path
    summary: dict[str, Any]
    series: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]
    kinds: dict[str, str]
    events: dict[str, np.ndarray]
    markers: list[Marker]
    as_run: AsRun = field(default_factory=AsRun)

    def holders(self, kind: str | None = None) -> list[str]:
        return [h for h, k in self.kinds.items() if kind is None or k == kind]

    def types(self, holder: str) -> list[str]:
        return [i for h, i in self.series if h == holder]

    def rationing(self, holder: str, itype: str) -> list[dict[str, Any]]:
        """``holder``'s rationing rules on ``itype`` (``below``, ``shots``, ``engage``)."""
        return self.as_run.rationing(holder, itype)

    def of(self, event: str, holder: str | None = None) -> np.ndarray:
        """Rows (indices into ``events``) of one event kind, at one holder if given."""
        mask = self.events["event"] == event
        if holder is not None:
            mask &= self.events["holder"] == holder
        return np.flatnonzero(mask)

    @cached_property
    def answers(self) -> Any:
        leaks = self.of("leak")
        no_stock = leaks[self.events["reason"][leaks] == "no_stock"]
        times: dict[str, list[float]] = {}
        for k in no_stock.tolist():
            times.setdefault(str(self.events["holder"][k]), []).append(float(self.events["time_d"][k]))
        ev = self.events
        paths = (
            leak_paths(ev["threat_id"], ev["event"], ev["holder"], ev["reason"], ev["threat"])
            if "threat_id" in ev and self.summary.get("assets")
            else None
        )
        return run_answers(self.summary, times, self.currency, paths)


@dataclass
class EnsembleView(_Head):
    """An ensemble's files: summary, replications (reps.csv) and stock bands (bands.csv).

    The figures per replication are read from ``source`` a column at a time, when a figure is
    asked for: a view of ten million replications holds the few figures drawn, not every row."""

    folder: Path
    summary: dict[str, Any]
    columns: list[str]
    grid: np.ndarray
    #: (holder, kind, interceptor) of every stock series, in output order
    series: list[tuple[str, str, str]]
    #: percentiles 5, 25, 50, 75, 95 of each series at each grid time: (5, series, grid)
    bands: np.ndarray
    #: the share of replications holding none of a series at each grid time: (series, grid)
    p_empty: np.ndarray
    as_run: AsRun = field(default_factory=AsRun)
    label: str = ""
    #: the rows of reps.csv (replications)
    count: int = 0
    #: the figures per replication (None: none, every figure NaN)
    source: Figures | None = field(default=None, repr=False, compare=False)
    _figures: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def rows(self) -> Iterator[list[float]]:
        """reps.csv's rows as numbers (NaN: none), one at a time."""
        if self.source is not None:
            yield from self.source.rows()

    @property
    def values(self) -> np.ndarray:
        """Every replication's figures (replications x columns): as big as reps.csv."""
        return (
            np.array([self.figure(c) for c in self.columns], dtype=float)
            .reshape(len(self.columns), self.count)
            .T
        )

    @property
    def reps(self) -> int:
        return self.count

    def figure(self, key: str) -> np.ndarray:
        """One figure across replications (NaN: never, or no such figure)."""
        if key not in self.columns or self.source is None:
            return np.full(self.reps, math.nan)
        if key not in self._figures:
            self._figures[key] = self.source.figure(key)
        return self._figures[key]

    @property
    def layout(self) -> Layout:
        out: dict[tuple[str, str], list[str]] = {}
        for holder, kind, itype in self.series:
            if kind != "producer":
                out.setdefault((holder, kind), []).append(itype)
        return [(h, k, types) for (h, k), types in out.items()]

    def p_dry(self, key: str) -> np.ndarray:
        """P(the day ``key`` has come by each grid time): e.g. a type's first stockout."""
        first = self.figure(key)
        first = np.where(np.isfinite(first), first, np.inf)
        return (first[:, None] <= self.grid[None, :]).mean(axis=0)

    @cached_property
    def answers(self) -> Any:
        return ensemble_answers(
            self.name, self.start, self.duration, self.layout, self.figure, self.currency, self.columns
        )


@dataclass
class ComparisonView(_Named):
    """A sweep or comparison: its summary (compare.json) and each variant's ensemble."""

    folder: Path
    summary: dict[str, Any]
    variants: list[EnsembleView] = field(default_factory=list)
    as_run: AsRun = field(default_factory=AsRun)

    @property
    def name(self) -> str:
        return self.variants[0].name if self.variants else "comparison"


View = RunView | EnsembleView | ComparisonView


def answer_lines(view: RunView | EnsembleView) -> list[str]:
    """The answers in words as summary.json holds them (computed again only for a folder written
    before summary.json carried them)."""
    saved = view.summary.get("answers")
    if isinstance(saved, dict) and isinstance(saved.get("lines"), list):
        return [str(x) for x in saved["lines"]]
    return run_lines(view.answers) if isinstance(view, RunView) else ensemble_lines(view.answers)
