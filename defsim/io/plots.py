"""Plots of one run, each answering one question, drawn from the results folder's files.

* ``stock.png``: how many rounds does each site hold, per interceptor type, and when was it
  out?  One panel per (site, type), so a busy short-range saw-tooth (drawn as a daily min-max
  band) never hides the long-range line; deliveries of that type marked along the top.
* ``supply.png``: the same for stockpiles and producers (when the scenario has any).
* ``threats.png``: what arrived each day, what was killed, and what leaked for lack of rounds.
* ``deliveries.png``: what each route delivered, when, and how much.

A timeline strip above the time plots marks raids and decisions (:mod:`defsim.io.markers`).
Uses matplotlib's object API (``Figure``): no GUI backend is needed or changed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ..analysis.answers import short_date
from .folder import RunView
from .plotkit import (
    EMPTY,
    KILL,
    LEAK,
    band,
    bin_days,
    busy,
    color,
    draw_markers,
    lit,
    outside_legend,
    save,
    strip_height,
    time_axis,
    title,
    x_of,
)


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


def _type_order(view: RunView, holders: list[str]) -> list[str]:
    return list(dict.fromkeys(i for h in holders for i in view.types(h)))


def _entry(view: RunView, holder: str) -> dict:
    s = view.summary
    return s["sites"].get(holder) or s["stockpiles_and_producers"].get(holder) or {}


def _deliveries(view: RunView, holder: str, itype: str) -> tuple[np.ndarray, np.ndarray]:
    rows = view.of("delivery", holder)
    rows = rows[view.events["interceptor"][rows] == itype]
    return view.events["time_d"][rows], view.events["n"][rows]


def plot_stock(view: RunView, holders: list[str], question: str, path: str | Path | None = None) -> Figure:
    """One panel per (holder, type): stock, its empty spans and the deliveries of that type."""
    start, end = view.start, view.duration
    types = _type_order(view, holders)
    ncol = len(types)
    strip_h = strip_height(view.markers)
    fig = Figure(figsize=(6.2 * ncol, 1.3 + strip_h + 1.75 * len(holders)), layout="constrained")
    grid = fig.add_gridspec(len(holders) + 1, ncol, height_ratios=[strip_h, *([1.75] * len(holders))])
    strip = fig.add_subplot(grid[0, :])
    axes = []
    for r, holder in enumerate(holders):
        for c, itype in enumerate(types):
            ax = fig.add_subplot(grid[r + 1, c], sharex=strip)
            axes.append(ax)
            if itype not in view.types(holder):
                ax.set_visible(False)
                continue
            k = types.index(itype)
            t, lev = view.series[(holder, itype)]
            x_end = x_of([end], start)[0]
            if busy(t, end):
                days, lo, hi, at_end = band(t, lev, end)
                per = "day" if bin_days(end) == 1 else f"{bin_days(end)} days"
                ax.fill_between(
                    x_of(days, start),
                    lo,
                    hi,
                    step="post",
                    color=color(k),
                    alpha=0.3,
                    lw=0,
                    label=f"min to max per {per}",
                )
                ax.step(
                    x_of(days, start),
                    at_end,
                    where="post",
                    color=color(k),
                    lw=1.2,
                    label=f"at the end of each {per}",
                )
            else:
                ax.step(
                    np.append(x_of(t, start), x_end),
                    np.append(lev, lev[-1]),
                    where="post",
                    color=color(k),
                    lw=1.6,
                    label="rounds held",
                )
            spans = _zero_spans(t, lev, end) if view.kinds[holder] != "producer" else []
            for j, (a, b) in enumerate(spans):
                ax.axvspan(
                    x_of([a], start)[0],
                    x_of([b], start)[0],
                    color=EMPTY,
                    alpha=0.18,
                    lw=0,
                    label="none left" if j == 0 else None,
                )
            dt_, dq = _deliveries(view, holder, itype)
            if len(dt_):
                top = blended_transform_factory(ax.transData, ax.transAxes)
                ax.plot(
                    x_of(dt_, start),
                    np.full(len(dt_), 1.0),
                    "v",
                    color="#009E73",
                    ms=4 if len(dt_) < 60 else 2.5,
                    transform=top,
                    clip_on=False,
                    zorder=5,
                    label=f"{len(dt_):,} deliveries, {int(dq.sum()):,} rounds "
                    f"({int(dq.min())}-{int(dq.max())} each)"
                    if dq.min() != dq.max()
                    else f"{len(dt_):,} deliveries of {int(dq[0])} ({int(dq.sum()):,} rounds)",
                )
            info = _entry(view, holder).get("by_interceptor", {}).get(itype, {})
            first = info.get("first_stockout_day")
            kind = view.kinds[holder]
            head = holder if kind == "site" else f"{holder} ({kind})"
            if kind == "producer":
                state = "stock waiting to ship"
            elif first is None:
                state = "never ran out"
            else:
                state = f"out from {short_date(first, start)}, {info.get('days_empty', 0):.0f} days empty"
            ax.set_title(
                f"{lit(head)}: {lit(itype)} — {state}",
                fontsize=8.5,
                loc="left",
                color=LEAK if first is not None and kind != "producer" else "black",
            )
            ax.set_ylim(bottom=0)
            ax.set_ylabel("rounds")
            ax.grid(alpha=0.25)
            time_axis(ax, start, end, label=r == len(holders) - 1)
            outside_legend(ax)
    draw_markers(strip, view.markers, start, end, lines_on=[a for a in axes if a.get_visible()])
    time_axis(strip, start, end, label=False)
    strip.tick_params(labelbottom=False)
    title(fig, f"{view.name}: {question}", f"seed {view.seed}; shaded: no rounds of that type")
    save(fig, path)
    return fig


def plot_threats(view: RunView, path: str | Path | None = None) -> Figure | None:
    """Threats per day: killed, leaked for lack of rounds, leaked otherwise."""
    ev = view.events
    if not len(ev["time_d"]):
        return None
    start, end = view.start, view.duration
    strip_h = strip_height(view.markers)
    fig = Figure(figsize=(10, 1.5 + strip_h + 2.6), layout="constrained")
    strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[strip_h, 2.6])
    step = 7 if end > 180 else 1  # weeks on a long run: daily bars would be hairlines
    bins = np.arange(0, int(np.ceil(end)) + step, step)
    t, kind, reason = ev["time_d"], ev["event"], ev["reason"]
    kills = np.histogram(t[kind == "kill"], bins)[0]
    no_stock = np.histogram(t[(kind == "leak") & (reason == "no_stock")], bins)[0]
    other = np.histogram(t[(kind == "leak") & (reason != "no_stock")], bins)[0]
    x = x_of(bins[:-1], start)
    width = float(step) if start is None else np.timedelta64(86400 * step, "s")
    ax.bar(x, kills, width=width, align="edge", color=KILL, label="killed", lw=0)
    ax.bar(
        x,
        no_stock,
        width=width,
        align="edge",
        bottom=kills,
        color=LEAK,
        label="leaked: no rounds left",
        lw=0,
        hatch="////",
        edgecolor="white",
    )
    ax.bar(
        x,
        other,
        width=width,
        align="edge",
        bottom=kills + no_stock,
        color="#E69F00",
        label="leaked: other reasons",
        lw=0,
    )
    ax.set_ylabel("threats per day" if step == 1 else "threats per week")
    ax.grid(axis="y", alpha=0.25)
    outside_legend(ax)
    tot = view.summary["totals"]
    ax.set_title(
        f"{tot['arrived']:,} arrived, {tot['killed']:,} killed, {tot['leaked']:,} leaked "
        f"({tot['leaked_by_reason'].get('no_stock', 0):,} for lack of rounds)",
        fontsize=9,
        loc="left",
    )
    time_axis(ax, start, end)
    draw_markers(strip, view.markers, start, end, lines_on=[ax])
    strip.tick_params(labelbottom=False)
    title(fig, f"{view.name}: what got through, and why?", f"seed {view.seed}")
    save(fig, path)
    return fig


def plot_deliveries(view: RunView, path: str | Path | None = None) -> Figure | None:
    """A timeline of deliveries (and losses) per route; None when nothing moved."""
    start, end = view.start, view.duration
    routes = [(name, r) for name, r in view.summary.get("routes", {}).items() if r.get("shipped")]
    if not routes:
        return None
    types = list(dict.fromkeys(i for _, i in view.series))
    fig = Figure(figsize=(10, 1.6 + 0.42 * len(routes)), layout="constrained")
    ax = fig.subplots()
    ev = view.events
    dl = view.of("delivery")
    lost = view.of("lost")
    biggest = max([int(ev["n"][dl].max()) if len(dl) else 1, 1])
    for y, (name, r) in enumerate(routes):
        rows = dl[ev["route"][dl] == name]
        k = types.index(r["interceptor"]) if r["interceptor"] in types else y
        if len(rows):
            ax.scatter(
                x_of(ev["time_d"][rows], start),
                [y] * len(rows),
                s=10 + 110 * ev["n"][rows] / biggest,
                color=color(k),
                alpha=0.8,
                lw=0,
            )
        lrows = lost[ev["route"][lost] == name]
        if len(lrows):
            ax.scatter(x_of(ev["time_d"][lrows], start), [y] * len(lrows), marker="x", color=LEAK, s=40)
    ax.set_yticks(range(len(routes)))
    ax.set_yticklabels(
        [
            lit(
                f"{n} ({r['interceptor']}): {r['delivered']:,} delivered"
                + (f", {r['lost']:,} lost" if r["lost"] else "")
            )
            for n, r in routes
        ],
        fontsize=8,
    )
    ax.set_ylim(len(routes) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.25)
    for k, itype in enumerate(types):
        ax.scatter([], [], color=color(k), label=lit(itype))
    ax.scatter([], [], marker="x", color=LEAK, label="lost in transit")
    outside_legend(ax, title="dot size: rounds", title_fontsize=7)
    time_axis(ax, start, end)
    title(fig, f"{view.name}: what did each route deliver, and when?", f"largest delivery: {biggest} rounds")
    save(fig, path)
    return fig


def plot_run_folder(view: RunView, folder: Path, fmt: str = "png", dpi: int = 110) -> list[Path]:
    """Every figure of one run into ``folder``; the paths written."""
    out = []
    sites = view.holders("site")
    others = [h for h in view.kinds if view.kinds[h] in ("stockpile", "producer")]
    jobs = [
        ("stock", lambda p: plot_stock(view, sites, "how many rounds does each site hold, per type?", p)),
        (
            "supply",
            lambda p: (
                plot_stock(view, others, "what do the stockpiles and producers hold?", p) if others else None
            ),
        ),
        ("threats", lambda p: plot_threats(view, p)),
        ("deliveries", lambda p: plot_deliveries(view, p)),
    ]
    for name, draw in jobs:
        path = folder / f"{name}.{fmt}"
        fig = draw(None)
        if fig is not None:
            save(fig, path, dpi)
            out.append(path)
    return out
