"""``p_dry.png``: how likely is each interceptor type to have run out by day d?  One line per
type, and one for "no rounds of any type", per holder, across an ensemble's replications.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ..analysis.answers import prefix, type_key
from ..analysis.views import EnsembleView
from .layout import Grid
from .plot_fan import _panels, _where
from .plotkit import color, lit, outside_legend, share_axis, style, x_of


def plot_p_dry(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """P(each type has run out by day d), per holder; and P(no rounds of any type)."""
    start, end = ens.start, ens.duration
    holders, types = _panels(ens)
    cols = min(2, len(holders))
    grid = Grid.new(3.8)
    x = x_of(ens.grid, start)
    shared = None
    for j, (holder, kind) in enumerate(holders):
        ax = grid.add(j // cols, j % cols, 2.0, sharex=shared)
        shared = shared or ax
        mine = [i for h, k, i in ens.series if h == holder]
        for itype in mine:
            k = types.index(itype)
            ax.step(
                x,
                ens.p_dry(type_key(holder, kind, itype)),
                where="post",
                color=color(k),
                ls=style(k),
                lw=1.8,
                label=f"{lit(itype)} ran out",
            )
        if len(mine) > 1:
            ax.step(
                x,
                ens.p_dry(f"{prefix(holder, kind)}.first_stockout_day"),
                where="post",
                color="black",
                ls=(0, (1, 1)),
                lw=1.2,
                label="no rounds of any type",
            )
        ax.set_title(lit(_where(holder, kind)), fontsize=9, loc="left")
        share_axis(ax, start, end, j + cols >= len(holders), grid.width)  # "date" under each column once
        outside_legend(ax)
    grid.title(
        f"{ens.name}: how likely has each type run out by each day?",
        f"{ens.reps} replications, seed {ens.seed}",
    )
    return grid.done(path)
