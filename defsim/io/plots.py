"""Plots of one run, each answering one question, drawn from the results folder's files.

Each plot has its module: :mod:`.plot_stock` (``stock.png``, ``supply.png``),
:mod:`.plot_threats` (``threats.png``) and :mod:`.plot_deliveries` (``deliveries.png``); the
pieces they share are in :mod:`.plotkit`.  This module draws a whole folder's plots, each in
its own process when there are several cores (:mod:`.drawing`, through
:func:`defsim.io.save.draw_folder`).  Uses
matplotlib's object API (``Figure``): no GUI backend is needed or changed.
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from ..analysis.views import RunView
from .plot_deliveries import plot_deliveries
from .plot_stock import plot_stock
from .plot_threats import plot_threats

__all__ = ["plot_deliveries", "plot_stock", "plot_threats", "run_plots"]


SUPPLY = "what do the stockpiles and producers hold?"


def run_plots(view: RunView) -> list[tuple[str, Callable[[], Figure | None]]]:
    """(name, draw) of every plot of one run, in the folder's order (None: nothing to draw)."""
    sites = view.holders("site")
    others = [h for h in view.kinds if view.kinds[h] in ("stockpile", "producer")]
    return [
        ("stock", lambda: plot_stock(view, sites, "how many rounds does each site hold, per type?")),
        (
            "supply",
            lambda: (
                plot_stock(view, others, "what do the stockpiles and producers hold?") if others else None
            ),
        ),
        ("threats", lambda: plot_threats(view)),
        ("deliveries", lambda: plot_deliveries(view)),
    ]
