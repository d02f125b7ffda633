"""``threats.png``: what arrived each day (or week), what was killed, and what leaked for lack of
rounds or otherwise; a timeline strip above marks raids and decisions.  When the scenario's
leakers deal damage (``assets:``), a panel below gives the damage dealt over time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..analysis.answers import count
from .folder import RunView
from .plotkit import (
    KILL,
    LEAK,
    draw_markers,
    lit,
    outside_legend,
    save,
    strip_height,
    time_axis,
    title,
    x_of,
)


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


def plot_threats(view: RunView, path: str | Path | None = None) -> Figure | None:
    """Threats per day: killed, leaked for lack of rounds, leaked otherwise."""
    ev = view.events
    if not len(ev["time_d"]):
        return None
    start, end = view.start, view.duration
    strip_h = strip_height(view.markers)
    harm = damage_over_time(view)
    if harm is None:
        fig = Figure(figsize=(10, 1.5 + strip_h + 2.6), layout="constrained")
        strip, ax = fig.subplots(2, 1, sharex=True, height_ratios=[strip_h, 2.6])
    else:
        fig = Figure(figsize=(10, 1.5 + strip_h + 2.6 + 1.8), layout="constrained")
        strip, ax, dax = fig.subplots(3, 1, sharex=True, height_ratios=[strip_h, 2.6, 1.8])
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
    time_axis(ax, start, end, label=harm is None)
    lines_on = [ax]
    if harm is not None:
        ht, hv = harm
        dax.step(
            np.append(x_of(ht, start), x_of([end], start)[0]),
            np.append(hv, hv[-1]),
            where="post",
            color=LEAK,
            lw=1.6,
            label="damage dealt so far",
        )
        dax.set_ylim(bottom=0)
        dax.set_ylabel("damage")
        dax.grid(alpha=0.25)
        assets = view.summary.get("assets") or {}
        per = ", ".join(f"{lit(a)} {count(e.get('damage'))}" for a, e in assets.items() if e.get("damage"))
        dax.set_title(f"damage by leakers: {count(hv[-1])} in all ({per})", fontsize=9, loc="left")
        outside_legend(dax)
        time_axis(dax, start, end)
        lines_on.append(dax)
    draw_markers(strip, view.markers, start, end, lines_on=lines_on)
    strip.tick_params(labelbottom=False)
    title(fig, f"{view.name}: what got through, and why?", f"seed {view.seed}")
    save(fig, path)
    return fig
