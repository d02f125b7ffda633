"""A result in memory as the result model (:mod:`.views`): made from the result's own arrays,
each value held as its results folder's files hold it, so that the object equals, field by
field, the one :func:`defsim.io.folder.read` reads back from the folder the result writes.

How the files hold values, and so how they are held here:

- summary.json: strict JSON: every float exactly, a non-finite one as null (None), tuples as lists;
- times (stock.csv, events.csv, markers.csv, bands.csv): to six decimals of a day.  CPython's
  ``round(t, 6)`` is correctly rounded, so it equals the number ``f"{t:.6f}"`` writes (numpy's
  ``np.round`` is not, and may differ in the last bit);
- bands.csv: percentiles to six significant digits (``%g``), P(empty) to four decimals;
- reps.csv, compare.json: every figure exactly (nothing to do).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .as_run import AsRun
from .comparison import ComparisonAnalysis
from .ensemble import EnsembleAnalysis
from .markers import Marker, run_markers
from .run import RunAnalysis
from .views import ComparisonView, EnsembleView, RunView

__all__ = ["comparison_view", "ensemble_view", "json_data", "run_view"]

#: the event log's text columns, as the result model holds them
TEXT_COLUMNS = ("event", "holder", "interceptor", "reason", "route", "threat")


def _key(key: Any) -> str:
    """A mapping key as a JSON object's key."""
    if isinstance(key, str):
        return str.__str__(key)
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    if isinstance(key, int):
        return int.__repr__(key)
    if isinstance(key, float):
        return float.__repr__(key)
    raise TypeError(f"a key of type {type(key).__name__} is not JSON")


def json_data(value: Any) -> Any:
    """``value`` as strict JSON holds it once read back: a non-finite float is None, a tuple a
    list, a key text; a subclass of str, int or float (an enum) its plain value."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {_key(k): json_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_data(v) for v in value]
    raise TypeError(f"{type(value).__name__} is not JSON data")


def _days(t: Any) -> np.ndarray:
    """Times as the files hold them: each ``round(t, 6)`` (correctly rounded, as ``%.6f``)."""
    return np.array([round(x, 6) for x in np.asarray(t, dtype=float).tolist()], dtype=float)


def _sig6(x: float) -> float:
    """``x`` to six significant digits, as ``%g`` writes it.  ``round`` rounds correctly at any
    digit, as the formatting does; where ``log10`` is a hair off at a power of ten, both
    precisions round to that power."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, 5 - math.floor(math.log10(abs(x))))


def _events(result: RunAnalysis) -> dict[str, np.ndarray]:
    """The event log a column per field, as events.csv holds it (threat_id when there are rows)."""
    cols = result.event_columns()
    if cols is None or len(cols["time"]) == 0:
        empty = np.array([], dtype=object)
        out = {"time_d": np.zeros(0), "n": np.zeros(0, dtype=np.int64)}
        return out | {
            k: empty.copy() for k in ("event", "holder", "interceptor", "reason", "route", "threat")
        }
    order = ("n", "event", "holder", "interceptor", "reason", "route", "threat", "threat_id")
    return {"time_d": _days(cols["time"])} | {k: cols[k] for k in order}  # the folder reader's order


def run_view(result: RunAnalysis, as_run: AsRun | None = None) -> RunView:
    """A run in memory as the result model: what its folder's files hold."""
    stock = result.stock
    series: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    kinds: dict[str, str] = {}
    for holder, itype, kind in stock.keys:
        t, level = stock.series(holder, itype)
        series[(str(holder), str(itype))] = (_days(t), np.asarray(level, dtype=np.int64))
        kinds.setdefault(str(holder), str(kind))
    markers = [Marker(round(m.time, 6), m.label, m.kind, m.size) for m in run_markers(result)]
    summary = json_data(result.summary)
    return RunView(Path("."), summary, series, kinds, _events(result), markers, as_run or AsRun())


def ensemble_view(ens: EnsembleAnalysis, as_run: AsRun | None = None) -> EnsembleView:
    """An ensemble in memory as the result model: its bands as bands.csv rounds them, its
    figures per replication read from the ensemble (reps.csv holds them exactly)."""
    bands = np.vectorize(_sig6, otypes=[float])(ens.bands())
    p_empty = np.vectorize(lambda p: round(p, 4), otypes=[float])(ens.p_empty())
    return EnsembleView(
        Path("."),
        json_data(ens.summary),
        list(ens.columns),
        _days(ens.grid),
        [(str(holder), str(kind), str(itype)) for holder, itype, kind in ens.series],
        bands.reshape(5, len(ens.series), len(ens.grid)),
        p_empty.reshape(len(ens.series), len(ens.grid)),
        as_run or AsRun(),
        ens.label,
        ens.reps,
        ens,
    )


def comparison_view(cmp: ComparisonAnalysis, as_runs: Sequence[AsRun] | None = None) -> ComparisonView:
    """A comparison in memory as the result model: each variant's ensemble as :func:`ensemble_view`."""
    runs = list(as_runs) if as_runs else [AsRun() for _ in cmp.ensembles]
    variants = [ensemble_view(e, a) for e, a in zip(cmp.ensembles, runs, strict=True)]
    return ComparisonView(Path("."), json_data(cmp.summary), variants, runs[0])
