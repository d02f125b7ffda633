"""``deliveries.png``: what each route delivered, when and how much (a dot per delivery, its size
the rounds), and what was lost in transit; political decisions (route openings on approval,
pauses, resumptions, cancellations, delays) on a labelled strip above, with lines through.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ..analysis.views import RunView
from .layout import Grid
from .markers import DECISION
from .plotkit import LEAK, color, draw_markers, lit, outside_legend, strip_height, time_axis, x_of


def plot_deliveries(view: RunView, path: str | Path | None = None) -> Figure | None:
    """A timeline of deliveries (and losses) per route; None when nothing moved."""
    start, end = view.start, view.duration
    routes = [(name, r) for name, r in view.summary.get("routes", {}).items() if r.get("shipped")]
    if not routes:
        return None
    types = list(dict.fromkeys(i for _, i in view.series))
    decisions = [m for m in view.markers if m.kind == DECISION]
    width_in = 6.4
    grid = Grid.new(width_in)
    strip_h = strip_height(decisions, width_in, end)
    strip = grid.add(0, 0, strip_h) if decisions else None
    ax = grid.add(1, 0, 0.42 * len(routes) + 0.3, sharex=strip)
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
        ]
    )
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(len(routes) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.25)
    delivered = {r["interceptor"] for _, r in routes}
    for k, itype in enumerate(types):  # the colours of stock.png; only what the routes carried
        if itype in delivered:
            ax.scatter([], [], color=color(k), label=lit(itype))
    if len(lost):
        ax.scatter([], [], marker="x", color=LEAK, label="lost in transit")
    outside_legend(ax, title="dot size: rounds", title_fontsize=7)
    time_axis(ax, start, end, width_in=grid.width)
    draw_markers(strip, decisions, start, end, width_in, [ax])
    grid.title(f"{view.name}: what did each route deliver, and when?", f"largest delivery: {biggest} rounds")
    return grid.done(path)
