"""Plots of a sweep or comparison, every variant visible and the difference itself.

* ``stock_compare.png``: median stock per variant, each its own colour and line style (the first
  drawn widest, so a later variant on top never hides it).
* ``p_dry_compare.png`` / ``p_empty_compare.png``: P(type ran out by day d), and the share of
  runs holding none of a type on each day, per variant.
* ``diff_compare.png``: each variant minus the first, paired by replication, with 95% intervals,
  for days without each type at each site and threats leaked.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..analysis.answers import type_key
from ..analysis.statistics import Z95, paired_difference
from ..analysis.views import ComparisonView
from .layout import Grid
from .plot_fan import _bin_mean, _panels, _where
from .plotkit import color, lit, outside_legend, share_axis, style, time_axis, x_of


def _variant_style(k: int) -> dict:
    # the first variant widest and underneath: a later one drawn on top never hides it
    return {"color": color(k), "ls": style(k), "lw": max(3.0 - 0.7 * k, 1.1), "zorder": 3 + k}


def plot_compare_stock(cmp: ComparisonView, path: str | Path | None = None) -> Figure:
    """Median stock of every variant, per (holder, type)."""
    first = cmp.variants[0]
    start, end = first.start, first.duration
    holders, types = _panels(first)
    grid = Grid.new(4.0)
    shared = None
    last = {
        c: max(r for r, (h, k) in enumerate(holders) if (h, k, i) in first.series)
        for c, i in enumerate(types)
    }
    handles: list = []
    for r, (holder, kind) in enumerate(holders):
        for c, itype in enumerate(types):
            key = (holder, kind, itype)
            if key not in first.series:
                continue
            ax = grid.add(r, c, 1.6, sharex=shared)
            shared = shared or ax
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
            time_axis(ax, start, end, label=r == last[c], width_in=grid.width)
            if len(ax.get_lines()) > len(handles):
                handles = ax.get_lines()
    grid.fig_legend(handles, [h.get_label() for h in handles], fontsize=8, title="variant")
    grid.title(
        f"{first.name}: median stock per variant", f"{first.reps} replications per variant, same seeds"
    )
    return grid.done(path)


def plot_compare_p_dry(cmp: ComparisonView, path: str | Path | None = None, empty: bool = False) -> Figure:
    """P(each type ran out by day d) for every variant, one panel per (holder, type); ``empty``:
    the share of runs holding none of it on day d (which resupply can end)."""
    first = cmp.variants[0]
    start, end = first.start, first.duration
    keys = [(h, k, i) for h, k, i in first.series if k != "producer"]
    cols = min(2, len(keys))
    grid = Grid.new(3.8)
    shared = None
    axes = []
    for j, (holder, kind, itype) in enumerate(keys):
        ax = grid.add(j // cols, j % cols, 1.9, sharex=shared)
        shared = shared or ax
        axes.append(ax)
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
        share_axis(ax, start, end, j + cols >= len(keys), grid.width)  # "date" under each column once
    handles, labels = axes[0].get_legend_handles_labels()
    grid.fig_legend(handles, labels, fontsize=8, title="variant")
    grid.title(
        f"{first.name}: "
        + (
            "on each day, how often is each type gone?"
            if empty
            else "how likely has each type run out by each day?"
        )
        + " (per variant)",
        f"{first.reps} replications per variant, same seeds",
    )
    return grid.done(path)


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
    nv = len(cmp.variants) - 1
    grid = Grid.new(5.4)
    axes = [grid.add(j, 0, 0.3 + 0.32 * max(len(g[1]), 1) * max(1, nv)) for j, g in enumerate(groups)]
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
        ax.set_yticklabels([lit(g[1]) for g in group])
        ax.tick_params(axis="y", labelsize=8)
        ax.set_ylim(len(group) - 0.5, -0.5)
        ax.set_xlabel(f"{what}: variant minus {lit(first.label)} (mean, 95% interval)")
        ax.grid(axis="x", alpha=0.25)
        outside_legend(ax, title="variant", title_fontsize=7)
    grid.title(
        f"{first.name}: how does each variant differ from {first.label}?",
        f"paired by replication ({first.reps} per variant, same seeds)",
    )
    return grid.done(path)
