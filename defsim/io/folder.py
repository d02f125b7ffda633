"""A results folder read back from its files: what plots, answers and reports are drawn from.

Plots, answers and the HTML report read these views, never the engine's record: so a results
folder can be redrawn (``defsim plot``) or reported (``defsim report``) without running again,
and what ``defsim run`` draws is exactly what ``defsim plot`` redraws.  A folder is a single run
(``stock.csv``), an ensemble (``reps.csv``) or a comparison (``compare.json``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.answers import Layout, ensemble_answers, run_answers, start_of
from .files import FORMULA_START
from .markers import Marker, read_markers


class NotAResultsFolder(ValueError):
    """The folder holds no defsim results this version can read."""


def uncsv(text: str) -> str:
    """A text field as the user wrote it (undo the spreadsheet-formula guard of csv_text)."""
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START and text[1:2] else text


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        head = next(reader)
        return head, list(reader)


def _number(text: str) -> float:
    return float(text) if text else math.nan


def _scenario_text(folder: Path) -> str:
    path = folder / "scenario.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _currency(text: str) -> str:
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return "USD"
    return str(data.get("currency", "USD")) if isinstance(data, dict) else "USD"


def _scenario_meta(text: str) -> dict[str, str]:
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: str(data.get(k) or "").strip() for k in ("name", "description", "provenance")}


@dataclass
class RunView:
    """One run's files: summary, stock series, the event log and the markers."""

    folder: Path
    summary: dict[str, Any]
    series: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]
    kinds: dict[str, str]
    events: dict[str, np.ndarray]
    markers: list[Marker]
    scenario_yaml: str = ""

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

    @property
    def currency(self) -> str:
        return _currency(self.scenario_yaml)

    @property
    def meta(self) -> dict[str, str]:
        return _scenario_meta(self.scenario_yaml)

    def holders(self, kind: str | None = None) -> list[str]:
        return [h for h, k in self.kinds.items() if kind is None or k == kind]

    def types(self, holder: str) -> list[str]:
        return [i for h, i in self.series if h == holder]

    @cached_property
    def scenario(self) -> dict[str, Any]:
        """The scenario as run (scenario.yaml), parsed once; empty when missing or unreadable."""
        import yaml

        try:
            data = yaml.safe_load(self.scenario_yaml) if self.scenario_yaml else {}
        except yaml.YAMLError:
            return {}
        return data if isinstance(data, dict) else {}

    def rationing(self, holder: str, itype: str) -> list[dict[str, Any]]:
        """``holder``'s rationing rules on ``itype`` (``below``, ``shots``, ``engage``), from
        the scenario as run; none when it has none or the file is missing."""
        try:
            rules = self.scenario["sites"][holder].get("rationing") or []
        except (KeyError, TypeError, AttributeError):
            return []
        return [r for r in rules if isinstance(r, dict) and r.get("interceptor") == itype and "below" in r]

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
        return run_answers(self.summary, times, self.currency)


@dataclass
class EnsembleView:
    """An ensemble's files: summary, replications (reps.csv) and stock bands (bands.csv).

    reps.csv is read a column at a time, when a figure is asked for: a view of ten million
    replications holds the few figures drawn, not every row."""

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
    scenario_yaml: str = ""
    label: str = ""
    #: the rows of reps.csv (replications)
    count: int = 0
    _figures: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    #: whatever must live as long as the view (a temporary folder holding its files)
    keep: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[list[float]]:
        """reps.csv's rows as numbers (NaN: none), one at a time."""
        with (self.folder / "reps.csv").open(newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            next(reader)
            for r in reader:
                yield [_number(x) for x in r[1:]]

    @property
    def values(self) -> np.ndarray:
        """Every replication's figures (replications x columns): as big as reps.csv."""
        return (
            np.array([self.figure(c) for c in self.columns], dtype=float)
            .reshape(len(self.columns), self.count)
            .T
        )

    @property
    def name(self) -> str:
        return str(self.summary["scenario"])

    @property
    def seed(self) -> int:
        return int(self.summary["seed"])

    @property
    def reps(self) -> int:
        return self.count

    @property
    def start(self) -> dt.datetime | None:
        return start_of(self.summary)

    @property
    def duration(self) -> float:
        return float(self.summary["duration_days"])

    @property
    def currency(self) -> str:
        return _currency(self.scenario_yaml)

    @property
    def meta(self) -> dict[str, str]:
        return _scenario_meta(self.scenario_yaml)

    def figure(self, key: str) -> np.ndarray:
        """One figure across replications (NaN: never, or no such figure)."""
        if key not in self.columns:
            return np.full(self.reps, math.nan)
        if key not in self._figures:
            j = self.columns.index(key) + 1
            out = array("d")
            with (self.folder / "reps.csv").open(newline="", encoding="utf-8") as f:
                reader = csv.reader(f)
                next(reader)
                out.extend(_number(r[j]) for r in reader)
            self._figures[key] = np.frombuffer(out, dtype=float)
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
        return ensemble_answers(self.name, self.start, self.duration, self.layout, self.figure, self.currency)


@dataclass
class ComparisonView:
    """A sweep's or comparison's files: compare.json and each variant's ensemble."""

    folder: Path
    summary: dict[str, Any]
    variants: list[EnsembleView] = field(default_factory=list)
    scenario_yaml: str = ""

    @property
    def name(self) -> str:
        return self.variants[0].name if self.variants else "comparison"

    @property
    def meta(self) -> dict[str, str]:
        return _scenario_meta(self.scenario_yaml)


View = RunView | EnsembleView | ComparisonView


def read_run(folder: Path) -> RunView:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    head, rows = _rows(folder / "stock.csv")
    col = {c: k for k, c in enumerate(head)}
    grouped: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
    kinds: dict[str, str] = {}
    for r in rows:
        holder, itype = uncsv(r[col["holder"]]), uncsv(r[col["interceptor"]])
        kinds.setdefault(holder, r[col["kind"]])
        t, lev = grouped.setdefault((holder, itype), ([], []))
        t.append(float(r[col["time_d"]]))
        lev.append(int(r[col["level"]]))
    series = {k: (np.array(t), np.array(lev)) for k, (t, lev) in grouped.items()}
    head, rows = _rows(folder / "events.csv")
    col = {c: k for k, c in enumerate(head)}
    events: dict[str, np.ndarray] = {
        "time_d": np.array([float(r[col["time_d"]]) for r in rows]),
        "n": np.array([int(r[col["n"]] or 0) for r in rows], dtype=np.int64),
    }
    for name in ("event", "holder", "interceptor", "reason", "route", "threat"):
        events[name] = np.array([uncsv(r[col[name]]) for r in rows], dtype=object)
    return RunView(
        folder, summary, series, kinds, events, read_markers(folder / "markers.csv"), _scenario_text(folder)
    )


def read_ensemble(folder: Path, label: str = "") -> EnsembleView:
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    with (folder / "reps.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        columns = [uncsv(c) for c in next(reader)[1:]]
        count = sum(1 for _ in reader)  # the rows are read when a figure is asked for
    head, rows = _rows(folder / "bands.csv")
    col = {c: k for k, c in enumerate(head)}
    series: list[tuple[str, str, str]] = []
    times: list[float] = []
    data: dict[tuple[str, str, str], list[list[float]]] = {}
    empty: dict[tuple[str, str, str], list[float]] = {}
    for r in rows:
        key = (uncsv(r[col["holder"]]), r[col["kind"]], uncsv(r[col["interceptor"]]))
        if key not in data:
            series.append(key)
            data[key] = []
            empty[key] = []
        if len(series) == 1:
            times.append(float(r[col["time_d"]]))
        data[key].append([float(r[col[q]]) for q in ("p5", "p25", "median", "p75", "p95")])
        empty[key].append(float(r[col["p_empty"]]) if "p_empty" in col else math.nan)
    bands = (
        np.array([data[k] for k in series], dtype=float).transpose(2, 0, 1) if series else np.zeros((5, 0, 0))
    )
    return EnsembleView(
        folder,
        summary,
        columns,
        np.array(times),
        series,
        bands,
        np.array([empty[k] for k in series], dtype=float).reshape(len(series), len(times)),
        _scenario_text(folder),
        label or str(summary.get("label") or summary["scenario"]),
        count,
    )


def read_comparison(folder: Path) -> ComparisonView:
    summary = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    subs = sorted(p for p in (folder / "variants").iterdir() if p.is_dir())
    labels = summary.get("variants") or []
    variants = [read_ensemble(p, labels[k] if k < len(labels) else p.name) for k, p in enumerate(subs)]
    text = _scenario_text(folder) or (variants and variants[0].scenario_yaml) or ""
    return ComparisonView(folder, summary, variants, text)


def read(folder: str | Path) -> View:
    """The results in ``folder``: a run, an ensemble or a comparison."""
    path = Path(folder)
    if (path / "compare.json").is_file():
        return read_comparison(path)
    if (path / "reps.csv").is_file():
        return read_ensemble(path)
    if (path / "stock.csv").is_file() and (path / "summary.json").is_file():
        return read_run(path)
    if (path / "boxes.json").is_file() and (path / "samples.csv").is_file():
        raise NotAResultsFolder(
            f"{path} holds a discovery (defsim discover): its plots and report.html are written when it "
            "runs (add --report); this command redraws runs, ensembles and comparisons"
        )
    raise NotAResultsFolder(
        f"{path}: not a defsim results folder (no summary.json with stock.csv or reps.csv, "
        "and no compare.json)"
    )


def run_view(result: Any, scenario_yaml: str = "") -> RunView:
    """The view of a run in memory (:class:`~defsim.analysis.RunAnalysis`): what its files hold."""
    from .markers import run_markers

    st = result.stock
    series = {}
    kinds: dict[str, str] = {}
    for holder, itype, kind in st.keys:
        kinds.setdefault(holder, kind)
        t, lev = st.series(holder, itype)
        series[(holder, itype)] = (np.asarray(t, dtype=float), np.asarray(lev))
    rows = result.event_rows()
    cols = ("time_d", "date", "event", "holder", "threat_id", "threat", "interceptor", "n", "reason", "route")
    events: dict[str, np.ndarray] = {
        "time_d": np.array([r[0] for r in rows], dtype=float),
        "n": np.array([r[7] for r in rows], dtype=np.int64),
    }
    for name in ("event", "holder", "interceptor", "reason", "route", "threat"):
        k = cols.index(name)
        events[name] = np.array([r[k] for r in rows], dtype=object)
    summary = json.loads(json.dumps(result.summary, default=str))
    return RunView(Path("."), summary, series, kinds, events, run_markers(result), scenario_yaml)


def answer_lines(view: RunView | EnsembleView) -> list[str]:
    """The answers in words as summary.json holds them (computed again only for a folder written
    before summary.json carried them)."""
    from ..analysis.answers import ensemble_lines, run_lines

    saved = view.summary.get("answers")
    if isinstance(saved, dict) and isinstance(saved.get("lines"), list):
        return [str(x) for x in saved["lines"]]
    return run_lines(view.answers) if isinstance(view, RunView) else ensemble_lines(view.answers)
