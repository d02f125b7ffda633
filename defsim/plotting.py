"""Plots that read results (never the engine): stock-depletion curves of one run.

Uses matplotlib's object API (``Figure``), so no GUI backend is needed or changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from .engine.site import ARRIVAL, KILL, LEAK

if TYPE_CHECKING:
    from .results import RunResult

LEAK_COLOR = "#c0392b"
KILL_COLOR = "#2e86c1"
EMPTY_COLOR = "#f5b7b1"


def _x(times: np.ndarray | list[float], start: dt.datetime | None) -> Any:
    t = np.asarray(times, dtype=float)
    if start is None:
        return t
    return np.datetime64(start, "s") + (t * 86400).astype("timedelta64[s]")


def _step_xy(t: np.ndarray, level: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    return np.append(t, end), np.append(level, level[-1] if len(level) else 0)


def _zero_spans(t: np.ndarray, level: np.ndarray, end: float) -> list[tuple[float, float]]:
    spans = []
    edges = np.append(t, end)
    for k in np.flatnonzero(level <= 0):
        a, b = edges[k], edges[k + 1]
        if spans and abs(spans[-1][1] - a) < 1e-12:
            spans[-1] = (spans[-1][0], b)
        elif b > a:
            spans.append((a, b))
    return spans


def big_raids(raids: list[tuple[float, int, str]], most: int = 6) -> list[tuple[float, int, str]]:
    """The raids worth marking: the largest few, and only those well above the typical size."""
    if not raids:
        return []
    sizes = np.array([r[1] for r in raids])
    threshold = max(np.median(sizes) * 2, 1) if len(raids) > 3 else 0
    big = [r for r in raids if r[1] >= threshold]
    return sorted(sorted(big, key=lambda r: -r[1])[:most])


def plot_run(result: RunResult, path: str | Path | None = None) -> Figure:
    plan = result.plan
    start, end = plan.start, plan.duration
    st = result.stock
    sites = plan.sites
    events = result.record.events
    has_top = events is not None and len(events) > 0
    n = len(sites) + (1 if has_top else 0)
    fig = Figure(figsize=(10, 1.2 + 2.0 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(f"{result.scenario.name} — interceptor stock (seed {result.seed})", fontsize=12)
    marks = big_raids(result.record.raids)

    if has_top:
        ax = axes[0]
        assert events is not None
        days = int(np.ceil(end))
        bins = np.arange(days + 1)
        kills = np.histogram(events[events[:, 1] == KILL, 0], bins)[0]
        leaks = np.histogram(events[events[:, 1] == LEAK, 0], bins)[0]
        arrivals = np.histogram(events[events[:, 1] == ARRIVAL, 0], bins)[0]
        x = _x(bins[:-1], start)
        width = 0.9 if start is None else np.timedelta64(int(0.9 * 86400), "s")
        ax.bar(x, kills, width=width, align="edge", color=KILL_COLOR, label="killed")
        ax.bar(x, leaks, width=width, align="edge", bottom=kills, color=LEAK_COLOR, label="leaked")
        ax.set_ylabel("threats / day")
        ax.set_title(
            f"{int(arrivals.sum())} threats arrived, {int(kills.sum())} killed, {int(leaks.sum())} leaked",
            fontsize=9,
            loc="left",
        )
        ax.legend(loc="upper right", fontsize=8, frameon=False)

    for k, sp in enumerate(sites):
        ax = axes[k + (1 if has_top else 0)]
        for itype in sp.types:
            iname = plan.interceptors[itype]
            t, lev = st.series(sp.name, iname)
            xs, ys = _step_xy(t, lev, end)
            ax.step(_x(xs, start), ys, where="post", lw=1.6, label=iname, color=f"C{itype}")
        t, total = st.holder_total(sp.name)
        for a, b in _zero_spans(t, total, end):
            ax.axvspan(_x([a], start)[0], _x([b], start)[0], color=EMPTY_COLOR, alpha=0.7, lw=0)
        first = result.summary["sites"][sp.name]["first_stockout_day"]
        title = sp.name
        if first is not None:
            when = result.date(first) or f"day {first:.1f}"
            title += f" — empty from {when}" + (" (shaded: no rounds)" if k == 0 else "")
        ax.set_title(title, fontsize=9, loc="left", color=LEAK_COLOR if first is not None else "black")
        dtimes = [d[0] for d in result.record.deliveries if d[1] == sp.name]
        if dtimes:
            ymax = max(1, ax.get_ylim()[1])
            ax.plot(
                _x(dtimes, start),
                np.full(len(dtimes), 0.02 * ymax),
                "^",
                color="#27ae60",
                ms=6,
                label="delivery",
                clip_on=False,
                zorder=5,
            )
        ax.set_ylabel("rounds")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=8, frameon=False, ncol=3)

    for t0, size, label in marks:
        for ax in axes:
            ax.axvline(_x([t0], start)[0], color="#7f8c8d", ls="--", lw=0.8)
        axes[0].annotate(
            f"{label}: {size}",
            (_x([t0], start)[0], 1.0),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            rotation=90,
            va="top",
            ha="right",
            color="#555",
        )
    axes[-1].set_xlabel("date" if start is not None else "day")
    axes[-1].set_xlim(_x([0.0], start)[0], _x([end], start)[0])
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
