"""``fan.png``: how much stock, with what spread?  Median, 50% and 90% bands per (holder, type)
across an ensemble's replications (on a long run over bins of a few days, so a daily saw-tooth
does not fill the panel).  Also the panel helpers the other ensemble plots share.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from ..analysis.answers import short_date, type_key
from ..analysis.statistics import time_stats
from ..analysis.views import EnsembleView
from .layout import Grid
from .plotkit import bin_days, color, lit, outside_legend, style, time_axis, x_of


def _panels(ens: EnsembleView) -> tuple[list[tuple[str, str]], list[str]]:
    holders = list(dict.fromkeys((h, k) for h, k, _ in ens.series if k != "producer"))
    types = list(dict.fromkeys(i for h, k, i in ens.series if k != "producer"))
    return holders, types


def _where(holder: str, kind: str) -> str:
    return holder if kind == "site" else f"{holder} ({kind})"


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


def _pooled(ens: EnsembleView) -> dict[tuple[str, str, str], int]:
    """(holder, kind, interceptor) -> rounds per bin, for the series whose bands were pooled."""
    out = {}
    for p in ens.summary.get("pooled_bands") or []:
        if isinstance(p, dict) and isinstance(p.get("bin_rounds"), int) and p["bin_rounds"] > 1:
            out[(str(p.get("holder")), str(p.get("kind")), str(p.get("interceptor")))] = p["bin_rounds"]
    return out


def _ran_out(ens: EnsembleView, holder: str, kind: str, itype: str) -> str:
    """How often and when (the median date) a holder ran out of a type."""
    odds = time_stats(ens.figure(type_key(holder, kind, itype)))
    return f"ran out in {100 * odds['p_happened']:.0f}% of runs" + (
        f", median {short_date(odds['median'], ens.start)}" if odds["median"] is not None else ""
    )


#: more panels than this, of more than one type: one column per type instead (backfill's ten)
BUSY_FAN = 6


def plot_fan(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """Median stock with 50% and 90% bands, one panel per (holder, type); a panel whose bands
    were pooled (a wide range of levels) says in how many rounds per bin."""
    start, end = ens.start, ens.duration
    pooled = _pooled(ens)
    holders, types = _panels(ens)
    if len(types) > 1 and sum((h, k, i) in ens.series for h, k in holders for i in types) > BUSY_FAN:
        return plot_fan_by_type(ens, path)
    grid = Grid.new(4.6)
    shared = None
    # one column when each holder holds one type (layered sites): no diagonal of empty cells
    one_each = all(sum((h, k, i) in ens.series for i in types) <= 1 for h, k in holders)
    cells = [
        (r, 0 if one_each else c, holder, kind, itype)
        for r, (holder, kind) in enumerate(holders)
        for c, itype in enumerate(types)
        if (holder, kind, itype) in ens.series
    ]
    last = {c: max(r for r, cc, *_ in cells if cc == c) for _, c, *_ in cells}
    for r, c, holder, kind, itype in cells:
        ax = grid.add(r, c, 1.6, sharex=shared)
        shared = shared or ax
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
        state = _ran_out(ens, holder, kind, itype)
        ax.set_title(f"{lit(_where(holder, kind))}: {lit(itype)} — {state}", fontsize=8.5, loc="left")
        w = pooled.get((holder, kind, itype))
        if w:
            ax.text(
                0.01,
                0.03,
                f"percentiles pooled in {w}-round bins (within {w / 2:g} rounds; mean exact)",
                transform=ax.transAxes,
                fontsize=7,
                color="0.3",
            )
        ax.set_ylim(bottom=0)
        ax.set_ylabel("rounds")
        ax.grid(alpha=0.25)
        time_axis(ax, start, end, label=r == last[c], width_in=grid.width)
        outside_legend(ax)
    grid.title(f"{ens.name}: how much stock, with what spread?", f"{ens.reps} replications, seed {ens.seed}")
    return grid.done(path)


def plot_fan_by_type(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """Many holders of several types, readable at a glance: a column per interceptor type, the
    sites' median stock on one panel and the stockpiles' on another (their scales differ), one
    line per holder with its 25-75% band, each named with how often and when it ran out."""
    start, end = ens.start, ens.duration
    holders, types = _panels(ens)
    pooled = _pooled(ens)
    grid = Grid.new(5.2)
    shared = None
    groups = [("sites", [hk for hk in holders if hk[1] == "site"])]
    groups.append(("stockpiles", [hk for hk in holders if hk[1] != "site"]))
    for c, itype in enumerate(types):
        rows = [
            (r, name, [hk for hk in mine if (*hk, itype) in ens.series])
            for r, (name, mine) in enumerate(groups)
        ]
        rows = [row for row in rows if row[2]]
        for r, name, mine in rows:
            ax = grid.add(r, c, 2.2, sharex=shared)
            shared = shared or ax
            per = ""
            bands = len(mine) <= 2  # more bands than two hide each other: medians alone
            for j, (holder, kind) in enumerate(mine):
                xs, b, per = _binned(ens, ens.series.index((holder, kind, itype)))
                xb = x_of(xs, start)
                if bands:
                    ax.fill_between(xb, b[1], b[3], color=color(j), alpha=0.18, lw=0, step="post")
                label = f"{holder}: {_ran_out(ens, holder, kind, itype)}"
                ax.step(xb, b[2], where="post", color=color(j), ls=style(j), lw=1.5, label=lit(label))
            widest = max((pooled.get((h, k, itype), 0) for h, k in mine), default=0)
            if widest:
                note = f"percentiles pooled in bins of up to {widest} rounds"
                ax.text(0.01, 0.03, note, transform=ax.transAxes, fontsize=7, color="0.3")
            what = "median of runs" + (f" ({per} mean)" if per else "") + (", shaded 25-75%" if bands else "")
            ax.set_title(f"{lit(itype)} at the {name}: {what}", fontsize=9, loc="left")
            ax.set_ylim(bottom=0)
            ax.set_ylabel("rounds")
            ax.grid(alpha=0.25)
            time_axis(ax, start, end, label=r == rows[-1][0], width_in=grid.width)
            outside_legend(ax)
    grid.title(
        f"{ens.name}: how much stock, with what spread?",
        f"{ens.reps} replications, seed {ens.seed}; one column per interceptor type",
    )
    return grid.done(path)
