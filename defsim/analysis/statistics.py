"""Statistics of one figure across replications: which statistic depends on the figure's kind.

A figure that is a number in every replication (a count, a share, a duration, money, a ratio)
gets a mean with its standard error and 95% interval, clipped to the figure's bounds: a share's
interval never leaves [0, 1], a duration's never goes below 0.  A day that may never come (a
first stockout) gets the probability that it came, and percentiles of when ("never" counts as
later than the end).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .streaming import Moments, ValueCounts, inverted_cdf_ranks, linear_percentiles

Z95 = 1.959963984540054
Bounds = tuple[float, float]
UNBOUNDED: Bounds = (-math.inf, math.inf)


def _num(x: float) -> float | None:
    return None if not math.isfinite(x) else float(x)


def interval(mean: float, se: float, bounds: Bounds = UNBOUNDED) -> list[float | None] | None:
    """The 95% normal interval ``mean ± 1.96 se``, clipped to ``bounds``; None without a finite se."""
    if not math.isfinite(se):
        return None
    lo, hi = bounds
    return [_num(min(max(mean - Z95 * se, lo), hi)), _num(max(min(mean + Z95 * se, hi), lo))]


def figure_stats(values: np.ndarray, bounds: Bounds = UNBOUNDED) -> dict[str, Any]:
    """Mean with standard error and 95% interval (within ``bounds``), median, 5th/95th percentiles."""
    n = len(values)
    se = float(values.std(ddof=1) / math.sqrt(n)) if n > 1 else math.nan
    return _stats(float(values.mean()), se, np.percentile(values, [5, 50, 95]), n, bounds)


def _stats(mean: float, se: float, percentiles: Any, n: int, bounds: Bounds) -> dict[str, Any]:
    """A figure's statistics as summary.json lists them."""
    p5, p50, p95 = percentiles
    return {
        "mean": mean,
        "se": _num(se),
        "ci95": interval(mean, se, bounds),
        "median": float(p50),
        "p5": float(p5),
        "p95": float(p95),
        "n": n,
    }


def time_stats(values: np.ndarray) -> dict[str, Any]:
    """A time that may never happen (NaN): how often it happened, and when (never = after the end)."""
    happened = np.isfinite(values)
    p = float(happened.mean())
    filled = np.where(happened, values, np.inf)
    # inverted_cdf picks observed values: "never" (inf) stays inf instead of inf - inf
    p5, p50, p95 = (
        np.percentile(filled, [5, 50, 95], method="inverted_cdf") if len(filled) else (math.inf,) * 3
    )
    return {
        "p_happened": p,
        "se_p": math.sqrt(p * (1 - p) / len(values)) if len(values) else None,
        "median": _num(p50),
        "p5": _num(p5),
        "p95": _num(p95),
        "mean_when_happened": float(values[happened].mean()) if happened.any() else None,
        "n": len(values),
    }


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float] | None:
    """Mean and standard error of ``b - a``, paired by replication (replications where both are numbers)."""
    d = b - a
    d = d[np.isfinite(d)]
    if len(d) < 2:
        return None
    return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))


# --- the same statistics from streaming accumulators (defsim/analysis/streaming.py) ----------


def figure_stats_streamed(
    moments: Moments, j: int, counts: ValueCounts, bounds: Bounds = UNBOUNDED
) -> dict[str, Any]:
    """:func:`figure_stats` of column ``j`` from its moments and value counts (at most BLOCK
    replications: the same numbers)."""
    percentiles = linear_percentiles(counts, [5, 50, 95]).tolist()
    return _stats(float(moments.mean[j]), moments.se(j), percentiles, int(moments.n[j]), bounds)


def time_stats_streamed(
    reps: int, moments: Moments, j: int | None, counts: ValueCounts | None
) -> dict[str, Any]:
    """:func:`time_stats` of ``reps`` replications of which the finite ones are counted in
    column ``j`` (None: it never happened)."""
    happened = int(moments.n[j]) if j is not None else 0
    p = happened / reps if reps else math.nan
    if reps:
        ranks = inverted_cdf_ranks(reps, [5, 50, 95])
        at = np.full(3, math.inf)
        if counts is not None and happened:
            seen = ranks < happened
            at[seen] = counts.order_stats(ranks[seen])
        p5, p50, p95 = at.tolist()
    else:
        p5 = p50 = p95 = math.inf
    return {
        "p_happened": p,
        "se_p": math.sqrt(p * (1 - p) / reps) if reps else None,
        "median": _num(p50),
        "p5": _num(p5),
        "p95": _num(p95),
        "mean_when_happened": float(moments.mean[j]) if j is not None and happened else None,
        "n": reps,
    }
