"""Plots of ensembles and what-ifs, per interceptor type, drawn from the results folder's files.

Each plot has its module: :mod:`.plot_fan` (``fan.png``), :mod:`.plot_p_dry` (``p_dry.png``)
and :mod:`.plot_compare` (``stock_compare.png``, ``p_dry_compare.png``, ``p_empty_compare.png``,
``diff_compare.png``).  This module draws a whole folder's plots.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from matplotlib.figure import Figure

from ..analysis.views import ComparisonView, EnsembleView
from .plot_compare import differences, plot_compare_diff, plot_compare_p_dry, plot_compare_stock
from .plot_fan import plot_fan
from .plot_p_dry import plot_p_dry
from .plotkit import save

__all__ = [
    "COMPARISON_PLOTS",
    "comparison_plots",
    "comparison_plots_named",
    "differences",
    "ensemble_plots",
    "plot_compare_diff",
    "plot_compare_p_dry",
    "plot_compare_stock",
    "plot_fan",
    "plot_p_dry",
]


def ensemble_plots(ens: EnsembleView) -> list[tuple[str, Callable[[], Figure]]]:
    """(name, draw) of every plot of an ensemble, in the folder's order."""
    return [("fan", lambda: plot_fan(ens)), ("p_dry", lambda: plot_p_dry(ens))]


COMPARISON_PLOTS = (
    ("stock_compare", plot_compare_stock),
    ("p_dry_compare", plot_compare_p_dry),
    ("p_empty_compare", lambda cmp, path=None: plot_compare_p_dry(cmp, path, empty=True)),
    ("diff_compare", plot_compare_diff),
)


def _drawn(cmp: ComparisonView, name: str) -> bool:
    return not (name == "diff_compare" and len(cmp.variants) < 2)


def comparison_plots(
    cmp: ComparisonView, folder: Path | None = None, fmt: str = "png", dpi: int = 110
) -> list:
    figs = []
    for name, draw in COMPARISON_PLOTS:
        if not _drawn(cmp, name):
            continue
        fig = draw(cmp)
        if folder is not None:
            save(fig, folder / f"{name}.{fmt}", dpi)
        figs.append(fig)
    return figs


def comparison_plots_named(cmp: ComparisonView) -> list[tuple[str, Callable[[], Figure]]]:
    """(name, draw) of every plot of a comparison, in the folder's order."""
    return [(name, partial(draw, cmp)) for name, draw in COMPARISON_PLOTS if _drawn(cmp, name)]
