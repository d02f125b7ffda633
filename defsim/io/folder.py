"""A results folder read back from its files as the result model, every file checked.

Plots, answers and the HTML report are drawn from the result model
(:mod:`defsim.analysis.views`): the same classes whether a result was just produced
(:mod:`defsim.analysis.as_written` makes them from its arrays) or read back here, so a results
folder can be redrawn (``defsim plot``) or reported (``defsim report``) without running again.
A folder is a single run (``stock.csv``), an ensemble (``reps.csv``) or a comparison
(``compare.json``); whatever a file holds that it should not is a :class:`TamperedFolder`.
"""

from __future__ import annotations

import dataclasses
import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.views import ComparisonView, EnsembleView, RunView, View
from . import folder_check as fc
from .as_run import read_as_run
from .folder_check import NotAResultsFolder, TamperedFolder
from .formats import uncsv
from .markers import read_markers

__all__ = ["ComparisonView", "EnsembleView", "NotAResultsFolder", "RunView", "TamperedFolder", "View", "read"]

STOCK_COLUMNS = ("time_d", "holder", "kind", "interceptor", "level")
EVENT_COLUMNS = ("time_d", "event", "holder", "interceptor", "n", "reason", "route", "threat")
BAND_COLUMNS = ("time_d", "holder", "kind", "interceptor", "p5", "p25", "median", "p75", "p95")
HOLDER_KINDS = ("site", "stockpile", "producer", "transit")
Series = dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]


def _time(path: Path, line: int, text: str, end: float) -> float:
    """A time in days within the run (written to six decimals)."""
    time = fc.number(path, line, "time_d", text)
    if not -1e-6 <= time <= end + 1e-6:
        raise fc.tampered(path, f"line {line}: time_d {time:g} is outside the run (0 to {end:g} days)")
    return time


def _stock(table: fc.Table, summary: dict[str, Any]) -> tuple[Series, dict[str, str]]:
    """stock.csv: every (holder, type) series and each holder's kind."""
    path, end = table.path, float(summary["duration_days"])
    grouped: dict[tuple[str, str], tuple[list[float], list[int]]] = {}
    kinds: dict[str, str] = {}
    for line, col, r in table.rows():
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
    return series, kinds


def _events(table: fc.Table, end: float) -> dict[str, np.ndarray]:
    """events.csv, a column per field (threat_id when the file has it)."""
    path = table.path
    times: list[float] = []
    ns: list[int] = []
    text: dict[str, list[str]] = {
        n: [] for n in ("event", "holder", "interceptor", "reason", "route", "threat")
    }
    tids: list[int] = []
    for line, col, r in table.rows():
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
    return events


def _bands(
    table: fc.Table, end: float
) -> tuple[np.ndarray, list[tuple[str, str, str]], np.ndarray, np.ndarray]:
    """bands.csv: the grid, the series, their percentiles (5, series, grid) and P(empty)."""
    path = table.path
    series: list[tuple[str, str, str]] = []
    times: list[float] = []
    data: dict[tuple[str, str, str], list[list[float]]] = {}
    empty: dict[tuple[str, str, str], list[float]] = {}
    for line, col, r in table.rows():
        key = (uncsv(r[col["holder"]]), r[col["kind"]], uncsv(r[col["interceptor"]]))
        if key not in data:
            series.append(key)
            data[key], empty[key] = [], []
        time = _time(path, line, r[col["time_d"]], end)
        if len(series) == 1:
            if times and time <= times[-1]:
                raise fc.tampered(path, f"line {line}: time_d goes back in time")
            times.append(time)
        elif len(data[key]) >= len(times) or time != times[len(data[key])]:
            raise fc.tampered(path, f"line {line}: {key[0]} is not on the grid of {series[0][0]}")
        data[key].append([fc.number(path, line, q, r[col[q]]) for q in BAND_COLUMNS[4:]])
        empty[key].append(
            fc.number(path, line, "p_empty", r[col["p_empty"]]) if "p_empty" in col else math.nan
        )
    if not times or times[0] != 0 or abs(times[-1] - end) > 1e-5:
        at = f"ends on day {times[-1]:g}" if times else "holds no grid"
        raise fc.tampered(path, f"{at} where the ensemble ran {end:g} days")
    for key in series:
        if len(data[key]) != len(times):
            raise fc.tampered(
                path, f"{key[0]}: {len(data[key])} grid times where the first series has {len(times)}"
            )
    bands = np.array([data[k] for k in series], dtype=float).transpose(2, 0, 1)
    p_empty = np.array([empty[k] for k in series], dtype=float).reshape(len(series), len(times))
    return np.array(times), series, bands, p_empty


def read_run(folder: Path) -> RunView:
    """A single run's folder, every file checked (:mod:`.folder_check`)."""
    path = folder / "summary.json"
    summary = fc.check(path, fc.read_json(path), fc.RUN)
    series, kinds = _stock(fc.Table(folder / "stock.csv", STOCK_COLUMNS), summary)
    events = _events(fc.Table(folder / "events.csv", EVENT_COLUMNS), float(summary["duration_days"]))
    markers = read_markers(folder / "markers.csv")
    return RunView(folder, summary, series, kinds, events, markers, read_as_run(folder, summary))


@dataclass(frozen=True)
class RepsFile:
    """reps.csv as an ensemble's figures per replication: read a column at a time, when a figure
    is asked for (every cell's characters were checked when the folder was read)."""

    path: Path
    columns: list[str]
    count: int

    def rows(self) -> Iterator[list[float]]:
        path = self.path
        for line, _, r in fc.Table(path, ("replication",)).rows():
            yield [fc.number(path, line, "a figure", x, math.nan) for x in r[1:]]

    def figure(self, key: str) -> np.ndarray:
        j = self.columns.index(key) + 1
        out = array("d")
        path = self.path
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
        return values


def _reps_count(path: Path) -> tuple[list[str], int]:
    """reps.csv's figure columns and rows, every cell checked a row at a time (never held whole)."""
    reps = fc.Table(path, ("replication",))
    columns = [uncsv(c) for c in reps.header()[1:]]
    count = 0
    for line, _, r in reps.rows():
        fc.count(path, line, "replication", r[0])
        fc.numbers(path, line, r[1:])
        count += 1
    if count == 0:
        raise fc.tampered(path, "no replications in it")
    return columns, count


def read_ensemble(folder: Path, label: str = "") -> EnsembleView:
    """An ensemble's folder, every file checked (reps.csv a row at a time, never held whole)."""
    path = folder / "summary.json"
    summary = fc.check(path, fc.read_json(path), fc.ENSEMBLE)
    columns, count = _reps_count(folder / "reps.csv")
    grid, series, bands, p_empty = _bands(
        fc.Table(folder / "bands.csv", BAND_COLUMNS), float(summary["duration_days"])
    )
    label = label or str(summary.get("label") or summary["scenario"])
    as_run = read_as_run(folder, summary)
    source = RepsFile(folder / "reps.csv", columns, count)
    return EnsembleView(folder, summary, columns, grid, series, bands, p_empty, as_run, label, count, source)


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
    return _comparison(folder, summary, variants)


def comparison_with(folder: Path, variants: list[EnsembleView]) -> ComparisonView:
    """A comparison's folder whose variants' folders were just read (by whoever wrote them):
    compare.json is read and checked, the variants are not read again."""
    path = folder / "compare.json"
    summary = fc.check(path, fc.read_json(path), fc.COMPARISON)
    labels = summary["variants"]
    in_order = sorted(variants, key=lambda v: v.folder)  # the order read_comparison lists them in
    named = [
        dataclasses.replace(v, label=labels[k] if k < len(labels) else v.folder.name)
        for k, v in enumerate(in_order)
    ]
    return _comparison(folder, summary, named)


def _comparison(folder: Path, summary: dict[str, Any], variants: list[EnsembleView]) -> ComparisonView:
    as_run = read_as_run(folder)
    if not as_run.data and not as_run.text and variants:
        as_run = variants[0].as_run
    return ComparisonView(folder, summary, variants, as_run)


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
