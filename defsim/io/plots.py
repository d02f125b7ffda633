"""Plots that read results (never the engine): stock-depletion curves of one run.

Uses matplotlib's object API (``Figure``), so no GUI backend is needed or changed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from ..engine.records import EventKind

if TYPE_CHECKING:
    from ..analysis import RunAnalysis

LEAK_COLOR = "#c0392b"
KILL_COLOR = "#2e86c1"
EMPTY_COLOR = "#f5b7b1"


def _x(times: np.ndarray | list[float], start: dt.datetime | None) -> Any:
    t = np.asarray(times, dtype=float)
    if start is None:
        return t
    return np.datetime64(start, "s") + (t * 86400).astype("timedelta64[s]")


def time_axis(fig: Figure, start: dt.datetime | None) -> None:
    """Concise calendar ticks on every axis of a figure when the scenario has a start date."""
    if start is None:
        return
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    for ax in fig.axes:
        locator = AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _step_xy(t: np.ndarray, level: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    return np.append(t, end), np.append(level, level[-1] if len(level) else 0)


def _zero_spans(t: np.ndarray, level: np.ndarray, end: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    edges = np.append(t, end)
    for k in np.flatnonzero(level <= 0):
        a, b = edges[k], edges[k + 1]
        if spans and abs(spans[-1][1] - a) < 1e-12:
            spans[-1] = (spans[-1][0], b)
        elif b > a:
            spans.append((a, b))
    return spans


def sum_steps(series: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The sum of step functions (each level holds from its time on)."""
    if not series:
        return np.zeros(0), np.zeros(0)
    t = np.unique(np.concatenate([s[0] for s in series]))
    total = np.zeros(len(t))
    for ts, lev in series:
        idx = np.searchsorted(ts, t, side="right") - 1
        total += np.where(idx >= 0, lev[np.clip(idx, 0, None)], 0)
    return t, total


def plot_deliveries(result: RunAnalysis, path: str | Path | None = None) -> Figure | None:
    """A timeline of deliveries (and losses) per route; None when nothing moved."""
    plan = result.plan
    start = plan.start
    routes = result.record.routes
    active = [k for k, r in enumerate(routes) if r["shipped"]]
    if not active:
        return None
    fig = Figure(figsize=(10, 1.4 + 0.45 * len(active)), layout="constrained")
    ax = fig.subplots()
    by_route: dict[int, list[tuple[float, int]]] = {}
    for t, k, q in result.record.deliveries:
        by_route.setdefault(k, []).append((t, q))
    lost: dict[int, list[tuple[float, int]]] = {}
    ev = result.record.events
    if ev is not None:
        gone = ev.of(EventKind.LOST)
        for t, route, n in zip(gone.time.tolist(), gone.route.tolist(), gone.n.tolist(), strict=True):
            lost.setdefault(route, []).append((t, n))
    biggest = max([q for v in by_route.values() for _, q in v] + [1])
    for y, k in enumerate(active):
        r = routes[k]
        color = f"C{plan.interceptors.index(r['interceptor'])}"
        pts = by_route.get(k, [])
        if pts:
            ax.scatter(
                _x([p[0] for p in pts], start),
                [y] * len(pts),
                s=[12 + 120 * p[1] / biggest for p in pts],
                color=color,
                alpha=0.8,
                lw=0,
            )
        if lost.get(k):
            ax.scatter(
                _x([p[0] for p in lost[k]], start), [y] * len(lost[k]), marker="x", color=LEAK_COLOR, s=40
            )
    ax.set_yticks(range(len(active)))
    ax.set_yticklabels(
        [
            f"{routes[k]['name']} ({routes[k]['interceptor']}): {routes[k]['delivered']}"
            + (f", lost {routes[k]['lost']}" if routes[k]["lost"] else "")
            for k in active
        ],
        fontsize=8,
    )
    ax.invert_yaxis()
    ax.set_xlim(_x([0.0], start)[0], _x([plan.duration], start)[0])
    ax.set_xlabel("date" if start is not None else "day")
    ax.set_title(
        f"{result.plan.name} — deliveries by route (dot size: rounds; x: lost in transit)",
        fontsize=10,
        loc="left",
    )
    ax.grid(axis="x", alpha=0.3)
    time_axis(fig, start)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def big_raids(raids: list[tuple[float, int, str]], most: int = 6) -> list[tuple[float, int, str]]:
    """The raids worth marking: the largest few, and only those well above the typical size."""
    if not raids:
        return []
    sizes = np.array([r[1] for r in raids])
    threshold = max(np.median(sizes) * 2, 1) if len(raids) > 3 else 0
    big = [r for r in raids if r[1] >= threshold]
    return sorted(sorted(big, key=lambda r: -r[1])[:most])


def plot_run(result: RunAnalysis, path: str | Path | None = None) -> Figure:
    plan = result.plan
    start, end = plan.start, plan.duration
    st = result.stock
    summary = result.summary
    holders = plan.network.holders
    events = result.record.events
    has_top = events is not None and len(events) > 0
    n = len(holders) + (1 if has_top else 0)
    fig = Figure(figsize=(10, 1.2 + 2.0 * n), layout="constrained")
    axes = fig.subplots(n, 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(f"{result.plan.name} — interceptor stock (seed {result.seed})", fontsize=12)
    marks = big_raids(result.record.raids)

    if has_top:
        ax = axes[0]
        assert events is not None
        days = int(np.ceil(end))
        bins = np.arange(days + 1)
        kills = np.histogram(events.time[events.kind == EventKind.KILL], bins)[0]
        leaks = np.histogram(events.time[events.kind == EventKind.LEAK], bins)[0]
        arrivals = np.histogram(events.time[events.kind == EventKind.ARRIVAL], bins)[0]
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

    routes = result.record.routes
    for k, h in enumerate(holders):
        ax = axes[k + (1 if has_top else 0)]
        for iname in st.types(h.name):
            itype = plan.interceptors.index(iname)
            t, lev = st.series(h.name, iname)
            xs, ys = _step_xy(t, lev, end)
            ax.step(_x(xs, start), ys, where="post", lw=1.6, label=iname, color=f"C{itype}")
            inbound = [
                st.series(r["name"], iname)
                for r in routes
                if r["to"] == h.name and r["interceptor"] == iname and r["shipped"]
            ]
            tt, pipe = sum_steps(inbound)
            if len(pipe) and pipe.max() > 0:
                xs, ys = _step_xy(tt, pipe, end)
                ax.step(
                    _x(xs, start),
                    ys,
                    where="post",
                    lw=1.0,
                    ls="--",
                    color=f"C{itype}",
                    label=f"{iname} in transit here",
                )
        if h.kind == "producer" and events is not None:
            made = events.select((events.kind == EventKind.PRODUCED) & (events.holder == h.index))
            if len(made):
                xs, ys = _step_xy(np.append(0.0, made.time), np.append(0, np.cumsum(made.n)), end)
                ax.step(_x(xs, start), ys, where="post", lw=1.2, color="#555", label="produced to date")
        t, total = st.holder_total(h.name)
        for a, b in _zero_spans(t, total, end) if h.kind != "producer" else []:
            ax.axvspan(_x([a], start)[0], _x([b], start)[0], color=EMPTY_COLOR, alpha=0.7, lw=0)
        entry = summary["sites"].get(h.name) or summary["stockpiles_and_producers"].get(h.name)
        first = entry["first_stockout_day"]
        title = h.name if h.kind == "site" else f"{h.name} ({h.kind})"
        if first is not None and h.kind != "producer":
            when = result.date(first) or f"day {first:.1f}"
            title += f" — empty from {when}" + (" (shaded: no rounds)" if k == 0 else "")
        bad = first is not None and h.kind != "producer"
        ax.set_title(title, fontsize=9, loc="left", color=LEAK_COLOR if bad else "black")
        dtimes = [d[0] for d in result.record.deliveries if routes[d[1]]["to"] == h.name]
        if dtimes:
            ymax = max(1, ax.get_ylim()[1])
            ax.plot(
                _x(dtimes, start),
                np.full(len(dtimes), 0.02 * ymax),
                "^",
                color="#27ae60",
                ms=5 if len(dtimes) < 60 else 3,
                label="delivery",
                clip_on=False,
                zorder=5,
            )
        ax.set_ylabel("rounds")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=7, frameon=False, ncol=3)

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
    time_axis(fig, start)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
