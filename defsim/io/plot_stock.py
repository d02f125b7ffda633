"""``stock.png`` and ``supply.png``: how many rounds does each holder hold, per interceptor type,
and when was it out?  One panel per (holder, type), so a busy short-range saw-tooth (drawn as
a min-max band over bins) never hides the long-range line; spans with none left shaded;
deliveries of that type marked along the top; rounds shipped to the holder and not yet
delivered (in transit, on routes with lead times) as a dotted line; a timeline strip above marks
raids and decisions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import blended_transform_factory

from ..analysis.answers import short_date
from ..analysis.views import RunView
from .layout import Grid
from .plotkit import (
    EMPTY,
    GREY,
    LEAK,
    band,
    bin_days,
    busy,
    color,
    draw_markers,
    lit,
    outside_legend,
    shade_spans,
    strip_height,
    style,
    time_axis,
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


def in_transit(view: RunView, holder: str, itype: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(times, rounds) shipped to ``holder`` of ``itype`` and not yet delivered or lost, from
    events.csv (None when nothing is ever in transit to it: no routes, or no lead times)."""
    names = [
        n
        for n, r in view.summary.get("routes", {}).items()
        if r.get("to") == holder and r.get("interceptor") == itype
    ]
    if not names:
        return None
    ev = view.events
    on_route = np.isin(ev["route"], names)
    sign = np.where(ev["event"] == "shipped", 1, 0) - np.isin(ev["event"], ["delivery", "lost"])
    rows = np.flatnonzero(on_route & (sign != 0))
    if not len(rows):
        return None
    order = rows[np.argsort(ev["time_d"][rows], kind="stable")]
    t = ev["time_d"][order]
    level = np.cumsum(sign[order] * ev["n"][order])
    last = np.append(t[1:] != t[:-1], True)  # the level after everything at one time
    t, level = t[last], level[last]
    if level.max() <= 0:
        return None
    return np.insert(t, 0, 0.0), np.insert(level, 0, 0)


def _bin_mean(t: np.ndarray, level: np.ndarray, end: float, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(bin starts, time-weighted mean) of a step series over bins of ``width`` days."""
    edges = np.minimum(np.arange(0.0, end + width, width), end)
    area = np.concatenate([[0.0], np.cumsum(level[:-1] * np.diff(t))])  # integral up to each step
    k = np.clip(np.searchsorted(t, edges, side="right") - 1, 0, None)
    at = area[k] + level[k] * (edges - t[k])
    span = np.maximum(np.diff(edges), 1e-12)
    return edges[:-1], np.diff(at) / span


def _type_order(view: RunView, holders: list[str]) -> list[str]:
    return list(dict.fromkeys(i for h in holders for i in view.types(h)))


def _entry(view: RunView, holder: str) -> dict:
    s = view.summary
    return s["sites"].get(holder) or s["stockpiles_and_producers"].get(holder) or {}


def _mark_deliveries(ax: Axes, view: RunView, holder: str, itype: str) -> None:
    """The deliveries of ``itype`` to ``holder``: a mark each along the top of its panel."""
    rows = view.of("delivery", holder)
    rows = rows[view.events["interceptor"][rows] == itype]
    dt_, dq = view.events["time_d"][rows], view.events["n"][rows]
    if not len(dt_):
        return
    ax.plot(
        x_of(dt_, view.start),
        np.full(len(dt_), 1.0),
        "v",
        color="#009E73",
        ms=4 if len(dt_) < 60 else 2.5,
        transform=blended_transform_factory(ax.transData, ax.transAxes),
        clip_on=False,
        zorder=5,
        label=f"{len(dt_):,} deliveries, {int(dq.sum()):,} rounds ({int(dq.min())}-{int(dq.max())} each)"
        if dq.min() != dq.max()
        else f"{len(dt_):,} deliveries of {int(dq[0])} ({int(dq.sum()):,} rounds)",
    )


RATION = "#CC79A7"  # the Okabe-Ito purple: rationing rules and when they came into force


def rationing_spans(t: np.ndarray, level: np.ndarray, below: float, end: float) -> list[tuple[float, float]]:
    """The spans of time a rule keyed on ``below`` was in force: the site held fewer rounds."""
    return _zero_spans(t, level - below + 1, end)  # fewer than below: level - below + 1 <= 0


def _rule_text(rule: dict) -> str:
    parts = []
    if rule.get("shots"):
        n = int(rule["shots"])
        parts.append(f"{n} round{'s' if n > 1 else ''} per threat")
    if rule.get("engage") is not None:
        engage = [str(e) for e in rule["engage"]]
        parts.append("only " + ", ".join(engage) if engage else "none engaged")
    return "; ".join(parts)


def _mark_rationing(
    ax: Axes, rule: dict, t: np.ndarray, level: np.ndarray, start: Any, end: float, j: int
) -> None:
    """A rule's threshold as a dotted line, and the first time it came into force as a dashed
    one, with how long it held in all."""
    below = float(rule["below"])
    spans = rationing_spans(t, level, below, end)
    ls = (0, (1, 2)) if j == 0 else (0, (1, 4))
    what = f"below {below:g}: {_rule_text(rule)}"
    ax.axhline(below, color=RATION, ls=ls, lw=1.0, alpha=0.8)
    if not spans:
        ax.plot([], [], color=RATION, ls=ls, lw=1.0, label=lit(f"rationing {what} (never)"))
        return
    on = spans[0][0]
    days = sum(b - a for a, b in spans)
    x = x_of([on], start)[0]
    ax.axvline(x, color=RATION, ls="--", lw=1.1, ymax=0.92)
    when = short_date(on, start)
    ax.plot(
        [],
        [],
        color=RATION,
        ls="--",
        lw=1.1,
        label=lit(f"rationing {what}: from {when}, {days:.0f} days in force"),
    )
    ax.annotate(
        lit(f"rationing ({j + 1})"),
        (ax.convert_xunits(x), 0.93),  # a transform takes plain numbers, not dates
        xycoords=blended_transform_factory(ax.transData, ax.transAxes),
        fontsize=6.5,
        color=RATION,
        ha="left",
        va="top",
        xytext=(2, 0),
        textcoords="offset points",
    )


def _panel(view: RunView, ax: Axes, holder: str, itype: str, k: int, label_x: bool, width_in: float) -> None:
    """One (holder, type) panel: stock, in transit, empty spans, deliveries, rationing rules."""
    start, end = view.start, view.duration
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
            x_of(days, start), at_end, where="post", color=color(k), lw=1.2, label=f"at the end of each {per}"
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
    moving = in_transit(view, holder, itype)
    if moving is not None:
        mt, ml = moving
        width = bin_days(end)
        if width > 1:  # a long run: reorders in transit come and go within a bin
            days, mean = _bin_mean(mt, ml, end, width)
            xs, ys, what = x_of(days, start), mean, f"in transit to here (mean per {width} days)"
        else:
            xs, ys, what = np.append(x_of(mt, start), x_end), np.append(ml, ml[-1]), "in transit to here"
        ax.step(xs, ys, where="post", color=GREY, ls=":", lw=1.4, label=what)
    spans = _zero_spans(t, lev, end) if view.kinds[holder] != "producer" else []
    shade_spans(ax, spans, start, facecolors=EMPTY, alpha=0.18, lw=0, label="none left")
    _mark_deliveries(ax, view, holder, itype)
    for j, rule in enumerate(view.rationing(holder, itype) if view.kinds[holder] == "site" else []):
        _mark_rationing(ax, rule, t, lev, start, end, j)
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
    time_axis(ax, start, end, label=label_x, width_in=width_in)
    outside_legend(ax)


#: more (holder, type) panels than this, of more than one type: one panel per type instead
BUSY_PANELS = 4


def plot_stock(view: RunView, holders: list[str], question: str, path: str | Path | None = None) -> Figure:
    """One panel per (holder, type): stock, its empty spans and the deliveries of that type; a
    column per type when a holder carries several, each under its own strip of raids and
    decisions on that column's time axis.  Many panels of several types: :func:`plot_stock_by_type`."""
    start, end = view.start, view.duration
    types = _type_order(view, holders)
    panels = [(h, i) for h in holders for i in types if i in view.types(h)]
    if len(panels) > BUSY_PANELS and len(types) > 1:
        return plot_stock_by_type(view, holders, question, path)
    # a column per type when some holder carries several; one column when each holds one type
    # (layered sites, one type each, would otherwise stand on a diagonal of empty panels)
    one_each = all(len([t for t in types if t in view.types(h)]) <= 1 for h in holders)
    ncol = 1 if one_each else len(types)
    width = 6.4 if ncol == 1 else 4.4
    grid = Grid.new(width)
    cells = [
        (r, 0 if one_each else types.index(i), h, i)
        for r, h in enumerate(holders)
        for i in types
        if i in view.types(h)
    ]
    last_row = {c: max(r for r, cc, _, _ in cells if cc == c) for _, c, _, _ in cells}
    # each column's strip stands right above its first panel (the first holder may lack a type)
    first_row = {c: min(r for r, cc, _, _ in cells if cc == c) for _, c, _, _ in cells}
    strip_h = strip_height(view.markers, width, end)
    strips = [grid.add(first_row[c], c, strip_h, bottom=True) for c in range(ncol)] if strip_h else []
    shared: Axes | None = strips[0] if strips else None
    columns: list[list[Axes]] = [[] for _ in range(ncol)]
    for r, c, holder, itype in cells:
        ax = grid.add(r + 1, c, 1.6, sharex=shared)
        shared = shared or ax
        columns[c].append(ax)
        _panel(view, ax, holder, itype, types.index(itype), label_x=r == last_row[c], width_in=width)
    for c, strip in enumerate(strips):
        draw_markers(strip, view.markers, start, end, width, columns[c])
    grid.title(f"{view.name}: {question}", f"seed {view.seed}; shaded: no rounds of that type")
    return grid.done(path)


def plot_stock_by_type(
    view: RunView, holders: list[str], question: str, path: str | Path | None = None
) -> Figure:
    """Many holders of several types, readable at a glance: a column per interceptor type, each
    with the rounds every holder of it held (one line each, a mean over bins on a long run) and,
    below, one lane per holder shaded where it had none, under a strip of raids and decisions on
    that column's time axis."""
    start, end = view.start, view.duration
    types = _type_order(view, holders)
    width = 5.2
    grid = Grid.new(width)
    strip_h = strip_height(view.markers, width, end)
    shared: Axes | None = None
    w = bin_days(end)
    for c, itype in enumerate(types):
        mine = [h for h in holders if itype in view.types(h)]
        strip = grid.add(0, c, strip_h, sharex=shared) if strip_h else None
        ax = grid.add(1, c, 2.2, sharex=shared or strip)
        shared = shared or strip or ax
        lanes = grid.add(2, c, 0.3 * len(mine) + 0.2, sharex=shared)
        for j, holder in enumerate(mine):
            t, lev = view.series[(holder, itype)]
            if w > 1:
                xs, ys = _bin_mean(t, lev.astype(float), end, w)
            else:
                xs, ys = np.append(t, end), np.append(lev, lev[-1]).astype(float)
            info = _entry(view, holder).get("by_interceptor", {}).get(itype, {})
            ax.step(x_of(xs, start), ys, where="post", color=color(j), ls=style(j), lw=1.5, label=lit(holder))
            spans = _zero_spans(t, lev, end) if view.kinds[holder] != "producer" else []
            verts = [
                [(a, j - 0.34), (a, j + 0.34), (b, j + 0.34), (b, j - 0.34)]
                for a, b in zip(_days_num(spans, 0, start), _days_num(spans, 1, start), strict=True)
            ]
            from matplotlib.collections import PolyCollection

            lanes.add_collection(PolyCollection(verts, facecolors=EMPTY, alpha=0.75, lw=0), autolim=False)
            days = float(info.get("days_empty", 0) or 0)
            first = info.get("first_stockout_day")
            lanes.text(
                1.0,
                j,
                " never ran out" if first is None else f" {days:.0f} days",
                transform=blended_transform_factory(lanes.transAxes, lanes.transData),
                fontsize=8,
                va="center",
                ha="left",
                color=LEAK if first is not None else "black",
            )
        ax.set_title(
            f"{lit(itype)}: rounds held" + (f" ({w}-day mean)" if w > 1 else ""), fontsize=9.5, loc="left"
        )
        ax.set_ylim(bottom=0)
        ax.set_ylabel("rounds")
        ax.grid(alpha=0.25)
        time_axis(ax, start, end, label=False, width_in=width)
        ax.tick_params(labelbottom=False)
        outside_legend(ax)
        lanes.set_ylim(len(mine) - 0.5, -0.5)
        lanes.set_yticks(range(len(mine)))
        lanes.set_yticklabels([lit(h) for h in mine])
        lanes.tick_params(axis="y", labelsize=8)
        lanes.set_title(f"{lit(itype)}: when each had none (days without in all)", fontsize=9.5, loc="left")
        lanes.grid(axis="x", alpha=0.25)
        time_axis(lanes, start, end, width_in=width)
        draw_markers(strip, view.markers, start, end, width, [ax, lanes])
    grid.title(f"{view.name}: {question}", f"seed {view.seed}; one column per interceptor type")
    return grid.done(path)


def _days_num(spans: list[tuple[float, float]], k: int, start: Any) -> list[float]:
    from .plotkit import _xnum

    return _xnum(x_of([s[k] for s in spans], start), start).tolist()
