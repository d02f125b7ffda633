"""Plots of ensembles and what-ifs, per interceptor type, drawn from the results folder's files.

* ``fan.png``: how much stock, with what spread?  Median, 50% and 90% bands per (holder, type).
* ``p_dry.png``: how likely is each type to have run out by day d?  One line per type, and one
  for "no rounds of any type", per holder.
* ``stock_compare.png``: median stock per variant, each its own colour and line style (the first
  drawn widest, so a later variant on top never hides it).
* ``p_dry_compare.png``: P(type ran out by day d) per variant.
* ``diff_compare.png``: the difference itself: each variant minus the first, paired by
  replication, with 95% intervals, for days without each type at each site and threats leaked.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..analysis.answers import prefix, short_date, type_key
from ..analysis.statistics import Z95, paired_difference, time_stats
from .folder import ComparisonView, EnsembleView
from .plotkit import bin_days, color, lit, outside_legend, save, style, time_axis, title, x_of


def _panels(ens: EnsembleView) -> tuple[list[tuple[str, str]], list[str]]:
    holders = list(dict.fromkeys((h, k) for h, k, _ in ens.series if k != "producer"))
    types = list(dict.fromkeys(i for h, k, i in ens.series if k != "producer"))
    return holders, types


def _where(holder: str, kind: str) -> str:
    return holder if kind == "site" else f"{holder} ({kind})"


def _grid(fig: Figure, rows: int, cols: int, share: bool = True) -> np.ndarray:
    return fig.subplots(rows, cols, sharex=share, squeeze=False)


def _bin_mean(grid: np.ndarray, y: np.ndarray, duration: float) -> tuple[np.ndarray, np.ndarray, str]:
    """A curve's mean over bins of a few days on a long run ("" when not binned)."""
    width = bin_days(duration)
    if width == 1 or len(grid) < 2:
        return grid, y, ""
    k = np.floor(grid / width).astype(int)
    n = int(k.max()) + 1
    mean = np.bincount(k, np.nan_to_num(y), n) / np.maximum(np.bincount(k, None, n), 1)
    return np.arange(n) * float(width), mean, f" ({width}-day mean)"


def _binned(ens: EnsembleView, s: int) -> tuple[np.ndarray, np.ndarray, str]:
    """A series' bands on bins of a few days for a long run (outer bands: the widest in the bin,
    the median: its mean), so a daily saw-tooth does not fill the panel; "" when not binned."""
    width = bin_days(ens.duration)
    grid, b = ens.grid, ens.bands[:, s, :]
    if width == 1 or len(grid) < 2:
        return grid, b, ""
    k = np.floor(grid / width).astype(int)
    n = int(k.max()) + 1
    out = np.zeros((5, n))
    for q, how in enumerate((np.minimum, np.minimum, None, np.maximum, np.maximum)):
        if how is None:
            out[q] = np.bincount(k, b[q], n) / np.maximum(np.bincount(k, None, n), 1)
        else:
            out[q] = b[q][np.searchsorted(k, np.arange(n))]
            how.at(out[q], k, b[q])
    return np.arange(n) * float(width), out, f"{width}-day"


def plot_fan(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """Median stock with 50% and 90% bands, one panel per (holder, type)."""
    start, end = ens.start, ens.duration
    holders, types = _panels(ens)
    fig = Figure(figsize=(6.2 * len(types), 1.4 + 1.8 * len(holders)), layout="constrained")
    axes = _grid(fig, len(holders), len(types))
    for r, (holder, kind) in enumerate(holders):
        for c, itype in enumerate(types):
            ax = axes[r, c]
            if (holder, kind, itype) not in ens.series:
                ax.set_visible(False)
                continue
            s = ens.series.index((holder, kind, itype))
            col = color(types.index(itype))
            xs, b, per = _binned(ens, s)
            xb = x_of(xs, start)
            ax.fill_between(xb, b[0], b[4], color=col, alpha=0.15, lw=0, step="post", label="5-95% of runs")
            ax.fill_between(xb, b[1], b[3], color=col, alpha=0.35, lw=0, step="post", label="25-75% of runs")
            ax.step(
                xb,
                b[2],
                where="post",
                color=col,
                lw=1.6,
                ls=style(types.index(itype)),
                label="median" + (f" ({per} mean)" if per else ""),
            )
            odds = time_stats(ens.figure(type_key(holder, kind, itype)))
            state = f"ran out in {100 * odds['p_happened']:.0f}% of runs" + (
                f", median {short_date(odds['median'], start)}" if odds["median"] is not None else ""
            )
            ax.set_title(f"{lit(_where(holder, kind))}: {lit(itype)} — {state}", fontsize=8.5, loc="left")
            ax.set_ylim(bottom=0)
            ax.set_ylabel("rounds")
            ax.grid(alpha=0.25)
            time_axis(ax, start, end, label=r == len(holders) - 1)
            outside_legend(ax)
    title(fig, f"{ens.name}: how much stock, with what spread?", f"{ens.reps} replications, seed {ens.seed}")
    save(fig, path)
    return fig


def plot_p_dry(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """P(each type has run out by day d), per holder; and P(no rounds of any type)."""
    start, end = ens.start, ens.duration
    holders, types = _panels(ens)
    cols = min(2, len(holders))
    rows = math.ceil(len(holders) / cols)
    fig = Figure(figsize=(4.6 * cols + 2.2, 1.4 + 2.3 * rows), layout="constrained")
    axes = _grid(fig, rows, cols, share=False).ravel()
    x = x_of(ens.grid, start)
    for ax, (holder, kind) in zip(axes, holders, strict=False):
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
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("share of runs")
        ax.grid(alpha=0.25)
        time_axis(ax, start, end)
        outside_legend(ax)
    for ax in axes[len(holders) :]:
        ax.set_visible(False)
    title(
        fig,
        f"{ens.name}: how likely has each type run out by each day?",
        f"{ens.reps} replications, seed {ens.seed}",
    )
    save(fig, path)
    return fig


def plot_ensemble_folder(ens: EnsembleView, folder: Path, fmt: str = "png", dpi: int = 110) -> list[Path]:
    out = []
    for name, draw in (("fan", plot_fan), ("p_dry", plot_p_dry)):
        path = folder / f"{name}.{fmt}"
        save(draw(ens), path, dpi)
        out.append(path)
    return out


# --- comparisons --------------------------------------------------------------------------


def _variant_style(k: int) -> dict:
    # the first variant widest and underneath: a later one drawn on top never hides it
    return {"color": color(k), "ls": style(k), "lw": max(3.0 - 0.7 * k, 1.1), "zorder": 3 + k}


def plot_compare_stock(cmp: ComparisonView, path: str | Path | None = None) -> Figure:
    """Median stock of every variant, per (holder, type)."""
    first = cmp.variants[0]
    start, end = first.start, first.duration
    holders, types = _panels(first)
    fig = Figure(figsize=(4.4 * len(types) + 2.6, 1.6 + 1.8 * len(holders)), layout="constrained")
    axes = _grid(fig, len(holders), len(types))
    for r, (holder, kind) in enumerate(holders):
        for c, itype in enumerate(types):
            ax = axes[r, c]
            key = (holder, kind, itype)
            if key not in first.series:
                ax.set_visible(False)
                continue
            for k, ens in enumerate(cmp.variants):
                if key not in ens.series:
                    continue
                s = ens.series.index(key)
                gx, med, per = _bin_mean(ens.grid, ens.bands[2, s], end)
                ax.step(x_of(gx, start), med, where="post", label=lit(ens.label), **_variant_style(k))
            ax.set_title(f"{lit(_where(holder, kind))}: {lit(itype)}", fontsize=8.5, loc="left")
            ax.set_ylim(bottom=0)
            ax.set_ylabel("median rounds" + (f"\n{per.strip(' ()')}" if per else ""))
            ax.grid(alpha=0.25)
            time_axis(ax, start, end, label=r == len(holders) - 1)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False, title="variant")
    title(
        fig, f"{first.name}: median stock per variant", f"{first.reps} replications per variant, same seeds"
    )
    save(fig, path)
    return fig


def plot_compare_p_dry(cmp: ComparisonView, path: str | Path | None = None, empty: bool = False) -> Figure:
    """P(each type ran out by day d) for every variant, one panel per (holder, type); ``empty``:
    the share of runs holding none of it on day d (which resupply can end)."""
    first = cmp.variants[0]
    start, end = first.start, first.duration
    keys = [(h, k, i) for h, k, i in first.series if k != "producer"]
    cols = min(2, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig = Figure(figsize=(4.6 * cols + 2.6, 1.6 + 2.0 * rows), layout="constrained")
    axes = _grid(fig, rows, cols, share=False).ravel()
    for ax, (holder, kind, itype) in zip(axes, keys, strict=False):
        for k, ens in enumerate(cmp.variants):
            key = (holder, kind, itype)
            if not empty:
                curve = ens.p_dry(type_key(holder, kind, itype))
            elif key in ens.series:
                curve = ens.p_empty[ens.series.index(key)]
            else:
                curve = np.full(len(ens.grid), np.nan)
            gx, curve, per = _bin_mean(ens.grid, curve, end) if empty else (ens.grid, curve, "")
            ax.step(x_of(gx, start), curve, where="post", label=lit(ens.label), **_variant_style(k))
        what = "none held that day" + per if empty else "ran out by then"
        ax.set_title(f"{lit(_where(holder, kind))}: {lit(itype)} {what}", fontsize=8.5, loc="left")
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("share of runs")
        ax.grid(alpha=0.25)
        time_axis(ax, start, end)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right upper", fontsize=8, frameon=False, title="variant")
    title(
        fig,
        f"{first.name}: "
        + (
            "on each day, how often is each type gone?"
            if empty
            else "how likely has each type run out by each day?"
        )
        + " (per variant)",
        f"{first.reps} replications per variant, same seeds",
    )
    save(fig, path)
    return fig


def differences(cmp: ComparisonView) -> list[tuple[str, str, list[tuple[float, float] | None]]]:
    """(figure key, label, per later variant: (mean, 95% half-width) of it minus the first, paired)."""
    first = cmp.variants[0]
    keys = [("totals.leaked", "threats leaked (all sites)")]
    for holder, kind, itype in first.series:
        if kind == "site":
            keys.append((type_key(holder, kind, itype, "days_empty"), f"{holder}: days without {itype}"))
    out = []
    for key, label in keys:
        diffs: list[tuple[float, float] | None] = []
        for ens in cmp.variants[1:]:
            d = paired_difference(first.figure(key), ens.figure(key)) if ens.reps == first.reps else None
            diffs.append(None if d is None else (d[0], Z95 * d[1]))
        out.append((key, label, diffs))
    return out


def plot_compare_diff(cmp: ComparisonView, path: str | Path | None = None) -> Figure:
    """Each later variant minus the first, paired by replication, with 95% intervals."""
    first = cmp.variants[0]
    rows = differences(cmp)
    groups = [
        ("threats leaked", [r for r in rows if r[0] == "totals.leaked"]),
        ("days without each type (sites)", [r for r in rows if r[0] != "totals.leaked"]),
    ]
    fig = Figure(figsize=(10, 1.8 + 0.32 * len(rows) * max(1, len(cmp.variants) - 1)), layout="constrained")
    axes = fig.subplots(2, 1, height_ratios=[max(len(g[1]), 1) for g in groups], squeeze=False)[:, 0]
    nv = len(cmp.variants) - 1
    for ax, (what, group) in zip(axes, groups, strict=True):
        for j, (_, _label, diffs) in enumerate(group):
            for k, d in enumerate(diffs):
                y = j + (k - (nv - 1) / 2) * 0.25
                if d is None:
                    continue
                ax.errorbar(
                    d[0],
                    y,
                    xerr=d[1],
                    fmt="os^D"[k % 4],
                    color=color(k + 1),
                    capsize=3,
                    ms=5,
                    label=lit(cmp.variants[k + 1].label) if j == 0 else None,
                )
                ax.annotate(
                    f"{d[0]:+,.1f}",
                    (d[0], y),
                    xytext=(0, 7),
                    textcoords="offset points",
                    fontsize=7,
                    ha="center",
                    color=color(k + 1),
                )
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(range(len(group)))
        ax.set_yticklabels([lit(g[1]) for g in group], fontsize=8)
        ax.set_ylim(len(group) - 0.5, -0.5)
        ax.set_xlabel(f"{what}: variant minus {lit(first.label)} (mean, 95% interval)")
        ax.grid(axis="x", alpha=0.25)
        outside_legend(ax, title="variant", title_fontsize=7)
    title(
        fig,
        f"{first.name}: how does each variant differ from {first.label}?",
        f"paired by replication ({first.reps} per variant, same seeds)",
    )
    save(fig, path)
    return fig


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
