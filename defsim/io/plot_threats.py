"""``threats.png``: what arrived each day (or week), what was killed, and what leaked for lack of
rounds or otherwise; a timeline strip above marks raids and decisions.  When the scenario's
leakers deal damage (``assets:``), a panel below gives the damage dealt over time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..analysis.answers import VALUE_UNITS, compact
from ..analysis.views import RunView
from .layout import Grid
from .plotkit import KILL, LEAK, draw_markers, lit, outside_legend, strip_height, time_axis, x_of


def damage_over_time(view: RunView) -> tuple[np.ndarray, np.ndarray] | None:
    """(times, damage dealt by then) from the leaks in events.csv and summary.json's damage by
    threat type, each leaker of a type counted at its type's mean damage (exact when every
    leaker of a type deals the same, e.g. one asset or no ``damage_share``; the total always
    is).  None when the scenario's leakers deal no damage."""
    by_threat = (view.summary.get("damage") or {}).get("by_threat") or {}
    if not any(v for v in by_threat.values()):
        return None
    ev = view.events
    rows = view.of("leak")
    rows = rows[np.argsort(ev["time_d"][rows], kind="stable")]
    kinds = ev["threat"][rows]
    each = np.zeros(len(rows))
    for threat, total in by_threat.items():
        mine = kinds == threat
        if total and mine.any():
            each[mine] = float(total) / int(mine.sum())
    keep = each > 0
    if not keep.any():
        return None
    return np.insert(ev["time_d"][rows][keep], 0, 0.0), np.insert(np.cumsum(each[keep]), 0, 0.0)


def _stack(ax: Axes, x: Any, low: np.ndarray, high: np.ndarray, **kw: Any) -> None:
    """A stacked bar series on contiguous bins as one filled step shape (not a patch per bar)."""
    ax.fill_between(x, np.append(low, low[-1]), np.append(high, high[-1]), step="post", lw=0, **kw)


def value_axis(ax: Axes, top: float, unit: str) -> None:
    """A y axis of large amounts read as 1.3bn, 500m (no 1e9 offset), its unit in its label;
    the ticks computed once."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator

    top = max(float(top), 1.0) * 1.05
    ticks = [v for v in MaxNLocator(5).tick_values(0.0, top) if 0 <= v <= top]
    ax.set_ylim(0, top)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FixedFormatter([compact(v) for v in ticks]))
    ax.set_ylabel(f"damage\n({unit})")


def plot_threats(view: RunView, path: str | Path | None = None) -> Figure | None:
    """Threats per day: killed, leaked for lack of rounds, leaked otherwise."""
    ev = view.events
    if not len(ev["time_d"]):
        return None
    start, end = view.start, view.duration
    width_in = 7.4
    strip_h = strip_height(view.markers, width_in, end)
    harm = damage_over_time(view)
    grid = Grid.new(width_in)
    strip = grid.add(0, 0, strip_h) if strip_h else None
    ax = grid.add(1, 0, 2.6, sharex=strip)
    dax = grid.add(2, 0, 1.8, sharex=ax) if harm is not None else None
    step = 7 if end > 180 else 1  # weeks on a long run: daily bars would be hairlines
    bins = np.arange(0, int(np.ceil(end)) + step, step)
    t, kind, reason = ev["time_d"], ev["event"], ev["reason"]
    kills = np.histogram(t[kind == "kill"], bins)[0]
    no_stock = np.histogram(t[(kind == "leak") & (reason == "no_stock")], bins)[0]
    other = np.histogram(t[(kind == "leak") & (reason != "no_stock")], bins)[0]
    x = x_of(bins, start)
    zero = np.zeros(len(kills))
    _stack(ax, x, zero, kills, color=KILL, label="killed")
    _stack(
        ax,
        x,
        kills,
        kills + no_stock,
        facecolor=LEAK,
        label="leaked: no rounds left",
        hatch="////",
        edgecolor="white",
    )
    _stack(ax, x, kills + no_stock, kills + no_stock + other, color="#E69F00", label="leaked: other reasons")
    ax.set_ylim(0, max(float((kills + no_stock + other).max()), 1.0) * 1.05)
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
    time_axis(ax, start, end, label=harm is None, width_in=grid.width)
    lines_on = [ax]
    if harm is not None and dax is not None:
        ht, hv = harm
        dax.step(
            np.append(x_of(ht, start), x_of([end], start)[0]),
            np.append(hv, hv[-1]),
            where="post",
            color=LEAK,
            lw=1.6,
            label="damage dealt so far",
        )
        value_axis(dax, float(hv[-1]), VALUE_UNITS)
        dax.grid(alpha=0.25)
        assets = view.summary.get("assets") or {}
        per = ", ".join(f"{lit(a)} {compact(e['damage'])}" for a, e in assets.items() if e.get("damage"))
        dax.set_title(
            f"damage by leakers: {compact(hv[-1])} {VALUE_UNITS} in all ({per})", fontsize=9, loc="left"
        )
        outside_legend(dax)
        time_axis(dax, start, end, width_in=grid.width)
        lines_on.append(dax)
    draw_markers(strip, view.markers, start, end, width_in, lines_on)
    grid.title(f"{view.name}: what got through, and why?", f"seed {view.seed}")
    return grid.done(path)
