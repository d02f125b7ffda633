"""A discovery's plots: the PRIM trade-off curve, the futures over the box's keys, the ranking.

``tradeoff``: every box on the peeling trajectory, coverage against density, coloured by how
many keys it restricts, the chosen box ringed.  ``box_scatter``: the futures over each pair of
the keys the chosen box restricts (the two highest-ranked keys when it restricts fewer), those
of interest in orange, the box dashed.  ``ranking``: how much each key matters, with intervals.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..analysis.discovery import show_value
from .plotkit import GREY, KILL, LEAK, color, lit, title

INTEREST = LEAK
OTHER = KILL


def draw(result: Any) -> dict[str, Figure]:
    out = {"ranking": plot_ranking(result)}
    if result.boxes:
        out["tradeoff"] = plot_tradeoff(result)
        out["box_scatter"] = plot_box_scatter(result)
    return out


def _what(result: Any) -> str:
    if result.condition is not None:
        return f"futures where {result.condition.text}"
    return f"futures with {result.figure} above its median"


def plot_tradeoff(result: Any) -> Figure:
    box = result.boxes[0]
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.add_subplot()
    cov = np.array([s["coverage"] for s in box.trajectory])
    den = np.array([s["density"] for s in box.trajectory])
    dims = np.array([s["restricted"] for s in box.trajectory])
    ax.plot(cov, den, color=GREY, lw=0.8, zorder=1)
    for k, n in enumerate(sorted(set(dims.tolist()))):
        m = dims == n
        ax.scatter(
            cov[m], den[m], s=22, color=color(k), zorder=2, label=f"{n} key{'s' if n != 1 else ''} restricted"
        )
    c = box.chosen
    ax.scatter(
        [cov[c]], [den[c]], s=160, facecolors="none", edgecolors="black", lw=1.5, zorder=3, label="chosen box"
    )
    ax.annotate(
        f"coverage {cov[c]:.0%}\ndensity {den[c]:.0%}",
        (cov[c], den[c]),
        xytext=(10, -28),
        textcoords="offset points",
        fontsize=8,
    )
    ax.set_xlabel("coverage: share of the futures of interest inside the box")
    ax.set_ylabel("density: share of the box's futures of interest")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(max(0.0, den.min() - 0.05), 1.02)
    ax.grid(alpha=0.25)
    ax.legend(fontsize=8, loc="lower left")
    title(fig, f"{lit(result.name)}: PRIM peeling trajectory", lit(_what(result)))
    return fig


def _axis_keys(result: Any) -> list[str]:
    keys = list(result.boxes[0].limits)[:4]
    for s in result.ranking.scores:
        if len(keys) >= 2:
            break
        if s.key not in keys:
            keys.append(s.key)
    return keys


def _x(u: Any, col: np.ndarray) -> Any:
    if u.kind == "date":
        return np.array([np.datetime64(dt.date.fromordinal(int(v)), "D") for v in col])
    return col


def plot_box_scatter(result: Any) -> Figure:
    box = result.boxes[0]
    by_key = {u.key: (j, u) for j, u in enumerate(result.uncertainties)}
    keys = _axis_keys(result)
    pairs = list(itertools.combinations(keys, 2)) or [(keys[0], keys[0])]
    cols = min(3, len(pairs))
    rows = -(-len(pairs) // cols)
    fig = Figure(figsize=(max(6.4, 4.6 * cols), 1.2 + 3.9 * rows), layout="constrained")
    interest = np.asarray(result.interest, dtype=bool)
    for k, (a, b) in enumerate(pairs):
        ax = fig.add_subplot(rows, cols, k + 1)
        (ja, ua), (jb, ub) = by_key[a], by_key[b]
        xa, xb = result.x[:, ja], result.x[:, jb]
        # a categorical key's futures spread a little around its value, the same way every time
        if ua.categorical:
            xa = xa + ((np.arange(len(xa)) * 0.618034) % 1 - 0.5) * 0.3
        if ub.categorical:
            xb = xb + ((np.arange(len(xb)) * 0.754878) % 1 - 0.5) * 0.3
        ax.scatter(
            _x(ua, xa[~interest]) if not ua.categorical else xa[~interest],
            _x(ub, xb[~interest]) if not ub.categorical else xb[~interest],
            s=6,
            color=OTHER,
            alpha=0.35,
            lw=0,
            label="other futures",
        )
        ax.scatter(
            _x(ua, xa[interest]) if not ua.categorical else xa[interest],
            _x(ub, xb[interest]) if not ub.categorical else xb[interest],
            s=6,
            color=INTEREST,
            alpha=0.7,
            lw=0,
            label="futures of interest",
        )
        _box_lines(ax, box.limits.get(a), ua, "x")
        _box_lines(ax, box.limits.get(b), ub, "y")
        for u, set_label, set_ticks in (
            (ua, ax.set_xlabel, ax.set_xticks),
            (ub, ax.set_ylabel, ax.set_yticks),
        ):
            set_label(lit(u.label), fontsize=8)
            if u.categorical:
                set_ticks(range(len(u.choices)), [lit(show_value(c)) for c in u.choices])
        ax.tick_params(labelsize=7)
        if ua.kind == "date":
            from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

            loc = AutoDateLocator(maxticks=6)
            ax.xaxis.set_major_locator(loc)
            ax.xaxis.set_major_formatter(ConciseDateFormatter(loc))
        if k == 0:
            ax.legend(fontsize=7, loc="upper right", markerscale=2)
    title(
        fig,
        f"{lit(result.name)}: futures and the box",
        f"dashed: the box's limits\norange: {lit(_what(result))}",
    )
    return fig


def _box_lines(ax: Any, r: dict[str, Any] | None, u: Any, axis: str) -> None:
    if r is None:
        return
    line = ax.axvline if axis == "x" else ax.axhline
    if u.categorical:  # the values kept: a dashed band around each
        for k, c in enumerate(u.choices):
            if show_value(c) in r["values"]:
                line(k - 0.3, color="black", ls="--", lw=1.2)
                line(k + 0.3, color="black", ls="--", lw=1.2)
        return
    for end in ("low_value", "high_value"):
        if r.get(end) is not None:
            v = r[end]
            at = np.datetime64(dt.date.fromordinal(int(v)), "D") if u.kind == "date" else v
            line(at, color="black", ls="--", lw=1.2)


def plot_ranking(result: Any) -> Figure:
    ranking = result.ranking
    scores = ranking.scores
    fig = Figure(figsize=(7.0, 1.6 + 0.45 * max(len(scores), 1)), layout="constrained")
    ax = fig.add_subplot()
    if not scores:
        ax.text(0.5, 0.5, lit(ranking.note), ha="center", va="center")
        ax.set_axis_off()
    else:
        ypos = np.arange(len(scores))[::-1]
        sobol = scores[0].low is not None
        if sobol:
            st = np.array([s.score for s in scores])
            err = np.array([[s.score - s.low, s.high - s.score] for s in scores]).T
            s1 = np.array([s.first for s in scores])
            err1 = np.array([[s.first - s.first_low, s.first_high - s.first] for s in scores]).T
            ax.barh(ypos + 0.2, st, 0.38, xerr=err, color=color(0), label="total order (ST)", capsize=3)
            ax.barh(ypos - 0.2, s1, 0.38, xerr=err1, color=color(1), label="first order (S1)", capsize=3)
            ax.set_xlabel("Sobol index: share of the outcome's variance (95% interval)")
            ax.legend(fontsize=8, loc="lower right")
        else:
            ax.barh(ypos, [s.score for s in scores], 0.6, color=color(0))
            ax.set_xlabel("distance between the two groups' values (0: none, 1: apart)")
            ax.set_xlim(0, 1)
        ax.set_yticks(ypos, [lit(s.key) for s in scores], fontsize=8)
        ax.axvline(0, color=GREY, lw=0.8)
        ax.grid(alpha=0.25, axis="x")
    method = "Sobol indices" if scores and scores[0].low is not None else "regional sensitivity"
    title(fig, f"{lit(result.name)}: which uncertainty matters most?", f"{method}; {lit(_what(result))}")
    return fig
