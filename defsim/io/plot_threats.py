"""``threats.png``: what arrived each day (or week), what was killed, and what leaked for lack of
rounds or otherwise; a timeline strip above marks raids and decisions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .folder import RunView
from .plotkit import (
    KILL,
    LEAK,
    draw_markers,
    outside_legend,
    save,
    strip_height,
    time_axis,
    title,
    x_of,
)


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
