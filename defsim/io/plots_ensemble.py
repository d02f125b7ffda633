"""Plots of ensembles and what-ifs, per interceptor type, drawn from the results folder's files.

Each figure has its module: :mod:`.plot_fan` (``fan.png``), :mod:`.plot_p_dry` (``p_dry.png``)
and :mod:`.plot_compare` (``stock_compare.png``, ``p_dry_compare.png``, ``p_empty_compare.png``,
``diff_compare.png``).  This module draws a whole folder's figures.
"""

from __future__ import annotations

from pathlib import Path

from .folder import ComparisonView, EnsembleView
from .plot_compare import differences, plot_compare_diff, plot_compare_p_dry, plot_compare_stock
from .plot_fan import plot_fan
from .plot_p_dry import plot_p_dry
from .plotkit import save

__all__ = [
    "COMPARISON_FIGURES",
    "comparison_figures",
    "differences",
    "plot_compare_diff",
    "plot_compare_p_dry",
    "plot_compare_stock",
    "plot_comparison_folder",
    "plot_ensemble_folder",
    "plot_fan",
    "plot_p_dry",
]


def plot_ensemble_folder(ens: EnsembleView, folder: Path, fmt: str = "png", dpi: int = 110) -> list[Path]:
    out = []
    for name, draw in (("fan", plot_fan), ("p_dry", plot_p_dry)):
        path = folder / f"{name}.{fmt}"
        save(draw(ens), path, dpi)
        out.append(path)
    return out


COMPARISON_FIGURES = (
    ("stock_compare", plot_compare_stock),
    ("p_dry_compare", plot_compare_p_dry),
    ("p_empty_compare", lambda cmp, path=None: plot_compare_p_dry(cmp, path, empty=True)),
    ("diff_compare", plot_compare_diff),
)


def comparison_figures(
    cmp: ComparisonView, folder: Path | None = None, fmt: str = "png", dpi: int = 110
) -> list:
    figs = []
    for name, draw in COMPARISON_FIGURES:
        if name == "diff_compare" and len(cmp.variants) < 2:
            continue
        fig = draw(cmp)
        if folder is not None:
            save(fig, folder / f"{name}.{fmt}", dpi)
        figs.append(fig)
    return figs


def plot_comparison_folder(cmp: ComparisonView, folder: Path, fmt: str = "png", dpi: int = 110) -> list[Path]:
    comparison_figures(cmp, folder, fmt, dpi)
    return [folder / f"{n}.{fmt}" for n, _ in COMPARISON_FIGURES if (folder / f"{n}.{fmt}").exists()]
