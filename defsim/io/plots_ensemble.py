"""Plots of ensembles and what-ifs: fan charts, P(ran dry by day d), variant overlays."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from .plots import _x, time_axis

if TYPE_CHECKING:
    from ..analysis import EnsembleAnalysis

SAMPLE_PATHS = 4


def _panels(ens: EnsembleAnalysis) -> list[tuple[str, str, list[int]]]:
    """(holder, kind, series rows) for each holder that holds anything."""
    out = []
    for name, kind in ens.holders:
        rows = [k for k, (h, _, _) in enumerate(ens.series) if h == name]
        if rows:
            out.append((name, kind, rows))
    return out


def plot_fan(ens: EnsembleAnalysis, path: str | Path | None = None) -> Figure:
    """Median stock with 50% and 90% bands and a few sample paths, per holder and type."""
    start = ens.plan.start
    panels = _panels(ens)
    fig = Figure(figsize=(10, 1.0 + 2.0 * len(panels)), layout="constrained")
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(f"{ens.plan.name} — stock over {ens.reps} replications (seed {ens.seed})", fontsize=12)
    bands = ens.bands()
    x = _x(ens.grid, start)
    for ax, (name, kind, rows) in zip(axes, panels, strict=True):
        for r in rows:
            itype = ens.series[r][1]
            color = f"C{ens.plan.interceptors.index(itype)}"
            ax.fill_between(
                x, bands[0, r], bands[4, r], color=color, alpha=0.15, lw=0, label=f"{itype} 90% band"
            )
            ax.fill_between(x, bands[1, r], bands[3, r], color=color, alpha=0.3, lw=0, label="50% band")
            for k in range(min(SAMPLE_PATHS, ens.reps)):
                ax.plot(x, ens.levels[k, r], color=color, lw=0.5, alpha=0.6)
            ax.plot(x, bands[2, r], color=color, lw=1.8, label=f"{itype} median")
        stats = ens.summary["first_stockout"].get(name)
        title = name if kind == "site" else f"{name} ({kind})"
        if stats is not None:
            title += f" — P(ran dry) = {stats['p_happened']:.2f}"
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_ylabel("rounds")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize=7, frameon=False, ncol=3)
    axes[-1].set_xlabel("date" if start is not None else "day")
    time_axis(fig, start)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def plot_p_dry(ensembles: list[EnsembleAnalysis], path: str | Path | None = None) -> Figure:
    """P(a holder has run dry by day d), one panel per holder, one line per variant."""
    first = ensembles[0]
    start = first.plan.start
    names = [n for n, k in first.holders if k != "producer"]
    cols = min(3, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig = Figure(figsize=(4.2 * cols, 1.2 + 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    title = "probability of having run dry by each day"
    fig.suptitle(f"{first.plan.name} — {title} ({first.reps} replications)", fontsize=11)
    for k, ens in enumerate(ensembles):
        curves = ens.p_dry()
        for ax, name in zip(axes, names, strict=False):
            if name in curves:
                ax.step(
                    _x(ens.grid, start),
                    curves[name],
                    where="post",
                    color=f"C{k}",
                    lw=1.6,
                    label=ens.label if len(ensembles) > 1 else None,
                )
    for ax, name in zip(axes, names, strict=False):
        ax.set_title(name, fontsize=9, loc="left")
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    if len(ensembles) > 1:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", fontsize=8, frameon=False, ncol=2)
    axes[0].set_ylabel("P(ran dry)")
    time_axis(fig, start)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig


def plot_compare_stock(ensembles: list[EnsembleAnalysis], path: str | Path | None = None) -> Figure:
    """Median stock with its 50% band per holder and interceptor type, one colour per variant."""
    first = ensembles[0]
    start = first.plan.start
    series = first.series
    cols = 2 if len(series) > 4 else 1
    rows = int(np.ceil(len(series) / cols))
    fig = Figure(figsize=(6 * cols, 1.4 + 1.9 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, sharex=True, squeeze=False).ravel()
    fig.suptitle(
        f"{first.plan.name} — median stock and 50% band per variant ({first.reps} replications)",
        fontsize=11,
    )
    for k, ens in enumerate(ensembles):
        x = _x(ens.grid, start)
        for ax, key in zip(axes, series, strict=False):
            if key not in ens.series:
                continue
            r = ens.series.index(key)
            p25, p50, p75 = np.percentile(ens.levels[:, r, :], [25, 50, 75], axis=0)
            ax.fill_between(x, p25, p75, color=f"C{k}", alpha=0.2, lw=0)
            ax.plot(x, p50, color=f"C{k}", lw=1.4, label=ens.label)
    for ax, (name, itype, kind) in zip(axes, series, strict=False):
        where = name if kind == "site" else f"{name} ({kind})"
        ax.set_title(f"{where}: {itype}", fontsize=9, loc="left")
        ax.set_ylim(bottom=0)
    for ax in axes[len(series) :]:
        ax.set_visible(False)
    for ax in axes[::cols]:
        ax.set_ylabel("rounds")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", fontsize=8, frameon=False, ncol=2)
    time_axis(fig, start)
    if path is not None:
        fig.savefig(path, dpi=110)
    return fig
