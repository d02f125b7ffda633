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
from .folder import EnsembleView
from .layout import Grid
from .plotkit import bin_days, color, lit, new_figure, outside_legend, save, style, time_axis, x_of


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


def plot_fan(ens: EnsembleView, path: str | Path | None = None) -> Figure:
    """Median stock with 50% and 90% bands, one panel per (holder, type); a panel whose bands
    were pooled (a wide range of levels) says in how many rounds per bin."""
    start, end = ens.start, ens.duration
    pooled = _pooled(ens)
    holders, types = _panels(ens)
    fig = new_figure()
    grid = Grid(fig, 4.6)
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
        odds = time_stats(ens.figure(type_key(holder, kind, itype)))
        state = f"ran out in {100 * odds['p_happened']:.0f}% of runs" + (
            f", median {short_date(odds['median'], start)}" if odds["median"] is not None else ""
        )
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
    grid.finish()
    save(fig, path)
    return fig
