"""Plots of one run, each answering one question, drawn from the results folder's files.

Each figure has its module: :mod:`.plot_stock` (``stock.png``, ``supply.png``),
:mod:`.plot_threats` (``threats.png``) and :mod:`.plot_deliveries` (``deliveries.png``); the
pieces they share are in :mod:`.plotkit`.  This module draws a whole folder's figures.  Uses
matplotlib's object API (``Figure``): no GUI backend is needed or changed.
"""

from __future__ import annotations

from pathlib import Path

from .folder import RunView
from .plot_deliveries import plot_deliveries
from .plot_stock import plot_stock
from .plot_threats import plot_threats
from .plotkit import save

__all__ = ["plot_deliveries", "plot_run_folder", "plot_stock", "plot_threats"]


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
