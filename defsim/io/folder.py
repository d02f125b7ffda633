"""A results folder read back from its files: what plots, answers and reports are drawn from.

Plots, answers and the HTML report read these views, never the engine's record: so a results
folder can be redrawn (``defsim plot``) or reported (``defsim report``) without running again,
and what ``defsim run`` draws is exactly what ``defsim plot`` redraws.  A folder is a single run
(``stock.csv``), an ensemble (``reps.csv``) or a comparison (``compare.json``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.answers import Layout, ensemble_answers, leak_paths, run_answers, start_of
from . import folder_check as fc
from .folder_check import NotAResultsFolder, TamperedFolder
from .markers import Marker, read_markers, run_markers, uncsv

__all__ = ["NotAResultsFolder", "TamperedFolder", "read"]

#: scenario.yaml longer or deeper than this is not read back (a scenario is a few kilobytes)
MAX_SCENARIO, MAX_DEPTH = 4 * 2**20, 64


def _scenario_text(folder: Path) -> str:
    path = folder / "scenario.yaml"
    return fc.read_text(path) if path.is_file() else ""


def _yaml(text: str) -> dict[str, Any]:
    """scenario.yaml's data; empty when missing, too big or unreadable: it names things (the
    currency, rationing rules), the figures come from the other files.  Only keys are looked up
    in it, so aliases cost nothing; deep nesting is caught."""
    if not text or len(text) > MAX_SCENARIO:
        return {}
    return _parsed(text)


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> dict[str, Any]:
    import yaml

    class Bounded(yaml.SafeLoader):
        """Stops at the first node nested deeper than any scenario: the scanner reads only as far
        as the composer asks, so ``[[[[...`` is refused at once rather than after seconds."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    try:
        data = yaml.load(text, Loader=Bounded)
    except (yaml.YAMLError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _currency(text: str) -> str:
    return str(_yaml(text).get("currency", "USD"))


def _scenario_meta(text: str) -> dict[str, str]:
    data = _yaml(text)
    return {k: str(data.get(k) or "").strip() for k in ("name", "description", "provenance", "question")}


def _rule(rule: Any) -> bool:
    """A rationing rule the stock plot can draw: a number below, whole shots, a list to engage."""
    if not isinstance(rule, dict) or not fc._is_num(rule.get("below")):
        return False
    shots, engage = rule.get("shots"), rule.get("engage")
    return (shots is None or (fc._is_num(shots) and 0 < shots < 1e6)) and (
        engage is None or (isinstance(engage, list) and len(engage) < 1000)
    )


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
        return _yaml(self.scenario_yaml)

    def rationing(self, holder: str, itype: str) -> list[dict[str, Any]]:
        """``holder``'s rationing rules on ``itype`` (``below``, ``shots``, ``engage``), from
        the scenario as run; none when it has none or the file is missing."""
        try:
            rules = self.scenario["sites"][holder].get("rationing") or []
        except (KeyError, TypeError, AttributeError):
            return []
        if not isinstance(rules, list):
            return []
        return [r for r in rules if _rule(r) and r.get("interceptor") == itype]

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
        """reps.csv's rows as numbers (NaN: none), one at a time (checked when the view was read)."""
        path = self.folder / "reps.csv"
        for line, _, r in fc.Table(path, ("replication",)).rows():
            yield [fc.number(path, line, "a figure", x, math.nan) for x in r[1:]]

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
            path = self.folder / "reps.csv"
            try:  # the characters were checked when the view was read; the numbers are here
                out.extend(float(r[j]) if r[j] else math.nan for _, _, r in fc.Table(path, ()).rows())
            except ValueError:  # a cell such as "1.2.3": find it, for the message
                for line, _, r in fc.Table(path, ()).rows():
                    fc.number(path, line, key, r[j], math.nan)
                raise fc.tampered(path, "changed while it was read") from None
            if len(out) != self.count:
                raise fc.tampered(path, "changed while it was read")
            values = np.frombuffer(out, dtype=float)
            if np.isinf(values).any():
                raise fc.tampered(
                    path, f"{key} holds a number too large (line {int(np.argmax(np.isinf(values))) + 2})"
                )
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
        return ensemble_answers(
            self.name, self.start, self.duration, self.layout, self.figure, self.currency, self.columns
        )


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

    @property
    def currency(self) -> str:
        return _currency(self.scenario_yaml)


View = RunView | EnsembleView | ComparisonView


STOCK_COLUMNS = ("time_d", "holder", "kind", "interceptor", "level")
EVENT_COLUMNS = ("time_d", "event", "holder", "interceptor", "n", "reason", "route", "threat")
BAND_COLUMNS = ("time_d", "holder", "kind", "interceptor", "p5", "p25", "median", "p75", "p95")
HOLDER_KINDS = ("site", "stockpile", "producer", "transit")


def _time(path: Path, line: int, text: str, end: float) -> float:
    """A time in days within the run (written to six decimals)."""
    time = fc.number(path, line, "time_d", text)
    if not -1e-6 <= time <= end + 1e-6:
        raise fc.tampered(path, f"line {line}: time_d {time:g} is outside the run (0 to {end:g} days)")
    return time


def read_run(folder: Path) -> RunView:
    """A single run's folder, every file checked (:mod:`.folder_check`)."""
    path = folder / "summary.json"
    summary = fc.check(path, fc.read_json(path), fc.RUN)
    end = float(summary["duration_days"])
    grouped: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
    kinds: dict[str, str] = {}
    path = folder / "stock.csv"
    for line, col, r in fc.Table(path, STOCK_COLUMNS).rows():
        holder, itype, kind = uncsv(r[col["holder"]]), uncsv(r[col["interceptor"]]), r[col["kind"]]
        if kind not in HOLDER_KINDS:
            raise fc.tampered(path, f"line {line}: kind should be one of {', '.join(HOLDER_KINDS)}")
        if kinds.setdefault(holder, kind) != kind:
            raise fc.tampered(path, f"line {line}: {holder} is a {kinds[holder]} on earlier lines")
        t, lev = grouped.setdefault((holder, itype), ([], []))
        time = _time(path, line, r[col["time_d"]], end)
        if t and time < t[-1]:
            raise fc.tampered(path, f"line {line}: time_d goes back in time")
        t.append(time)
        lev.append(fc.count(path, line, "level", r[col["level"]]))
    if not grouped:
        raise fc.tampered(path, "no stock series in it")
    for name, entry in [*summary["sites"].items(), *summary["stockpiles_and_producers"].items()]:
        for itype in entry["by_interceptor"]:
            if (name, itype) not in grouped:
                raise fc.tampered(path, f"no series of {itype} at {name}, which summary.json lists")
    series = {k: (np.array(t, dtype=float), np.array(lev, dtype=np.int64)) for k, (t, lev) in grouped.items()}
    path = folder / "events.csv"
    times: list[float] = []
    ns: list[int] = []
    names = ("event", "holder", "interceptor", "reason", "route", "threat")
    text: dict[str, list[str]] = {name: [] for name in names}
    tids: list[int] = []
    for line, col, r in fc.Table(path, EVENT_COLUMNS).rows():
        times.append(_time(path, line, r[col["time_d"]], end))
        ns.append(fc.count(path, line, "n", r[col["n"]], 0))
        if "threat_id" in col:
            tids.append(fc.count(path, line, "threat_id", r[col["threat_id"]], -1))
        for name, values in text.items():
            values.append(uncsv(r[col[name]]))
    events: dict[str, np.ndarray] = {
        "time_d": np.array(times, dtype=float),
        "n": np.array(ns, dtype=np.int64),
    }
    for name, values in text.items():
        events[name] = np.array(values, dtype=object)
    if tids:  # the leakers' paths through the layers need each threat's id
        events["threat_id"] = np.array(tids, dtype=np.int64)
    return RunView(
        folder, summary, series, kinds, events, read_markers(folder / "markers.csv"), _scenario_text(folder)
    )


def read_ensemble(folder: Path, label: str = "") -> EnsembleView:
    """An ensemble's folder, every file checked (reps.csv a row at a time, never held whole)."""
    path = folder / "summary.json"
    summary = fc.check(path, fc.read_json(path), fc.ENSEMBLE)
    end = float(summary["duration_days"])
    path = folder / "reps.csv"
    reps = fc.Table(path, ("replication",))
    columns = [uncsv(c) for c in reps.header()[1:]]
    count = 0
    for line, _, r in reps.rows():
        fc.count(path, line, "replication", r[0])
        fc.numbers(path, line, r[1:])
        count += 1
    if count == 0:
        raise fc.tampered(path, "no replications in it")
    path = folder / "bands.csv"
    series: list[tuple[str, str, str]] = []
    times: list[float] = []
    data: dict[tuple[str, str, str], list[list[float]]] = {}
    empty: dict[tuple[str, str, str], list[float]] = {}
    for line, col, r in fc.Table(path, BAND_COLUMNS).rows():
        key = (uncsv(r[col["holder"]]), r[col["kind"]], uncsv(r[col["interceptor"]]))
        if key not in data:
            series.append(key)
            data[key] = []
            empty[key] = []
        time = _time(path, line, r[col["time_d"]], end)
        if len(series) == 1:
            if times and time <= times[-1]:
                raise fc.tampered(path, f"line {line}: time_d goes back in time")
            times.append(time)
        elif len(data[key]) >= len(times) or time != times[len(data[key])]:
            raise fc.tampered(path, f"line {line}: {key[0]} is not on the grid of {series[0][0]}")
        data[key].append([fc.number(path, line, q, r[col[q]]) for q in BAND_COLUMNS[4:]])
        p_empty = fc.number(path, line, "p_empty", r[col["p_empty"]]) if "p_empty" in col else math.nan
        empty[key].append(p_empty)
    if not times or times[0] != 0 or abs(times[-1] - end) > 1e-5:
        at = f"ends on day {times[-1]:g}" if times else "holds no grid"
        raise fc.tampered(path, f"{at} where the ensemble ran {end:g} days")
    for key in series:
        if len(data[key]) != len(times):
            where = f"{key[0]}: {len(data[key])} grid times where the first series has {len(times)}"
            raise fc.tampered(path, where)
    bands = np.array([data[k] for k in series], dtype=float).transpose(2, 0, 1)
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
    """A sweep's or comparison's folder: compare.json and every variant's ensemble, checked."""
    path = folder / "compare.json"
    summary = fc.check(path, fc.read_json(path), fc.COMPARISON)
    try:
        subs = sorted(p for p in (folder / "variants").iterdir() if p.is_dir())
    except FileNotFoundError:
        raise fc.tampered(folder / "variants", "missing") from None
    except OSError as exc:
        raise TamperedFolder(f"{folder / 'variants'}: cannot read it: {exc.strerror or exc}") from None
    if not subs:
        raise fc.tampered(folder / "variants", "no variant in it")
    labels = summary["variants"]
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
        "threat_id": np.array([-1 if r[4] in (None, "") else r[4] for r in rows], dtype=np.int64),
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
