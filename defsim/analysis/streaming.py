"""Ensemble statistics kept as replications arrive, in memory that does not grow with them.

An ensemble of ten million replications must not hold ten million rows.  What its outputs need
is kept instead, per figure and per stock series on the grid:

- **mean and standard error** (:class:`Moments`): replications are taken in blocks of
  :data:`BLOCK` in replication order (block k is replications ``k*BLOCK .. (k+1)*BLOCK-1``,
  whatever the workers or chunks); each block's mean and sum of squared deviations are
  computed as numpy computes ``mean()`` and ``std(ddof=1)``, and blocks are merged in order
  with Chan's update (the pairwise form of Welford's).  An ensemble of at most BLOCK
  replications therefore gives the very numbers an array of every value gave; a longer one
  differs only by rounding in the last bits of a float.
- **quantiles** (:class:`ValueCounts`): every distinct value with how often it came, which is
  exact and order-independent; counts, costs and most shares take few distinct values.  A
  figure whose distinct values pass :data:`MAX_DISTINCT` (a continuous day, say, in a long
  ensemble) is binned from then on into relative-width bins (``x`` in
  ``(gamma^(i-1), gamma^i]``, ``gamma = (1 + a) / (1 - a)``, ``a =`` :data:`RELATIVE_ERROR`):
  every order statistic is then reported as its bin's centre, within a relative ``a`` (0.1%)
  of the exact one.  Binning depends only on the values, so the result does not depend on
  the order in which they came.
- **stock on the grid** (:class:`LevelHistogram`): stock levels are whole rounds, so a
  histogram of levels per (series, grid point) gives the exact percentiles, mean and
  P(empty).  Its width is the range of levels seen; if series x grid points x range pass
  :data:`MAX_CELLS`, levels are pooled into bins of 2, 4, 8 ... rounds (a percentile is then
  the bin's centre, within half a bin); the mean and P(empty) stay exact.
- **P(a day has come by each grid time)** (:class:`GridCrossings`): a count per grid point.

Percentiles are read off these as numpy reads them off a sorted array (its ``linear`` and
``inverted_cdf`` methods), so the same values give the same quantiles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: replications per block of the mean and standard error (fixed: results never depend on chunks)
BLOCK = 1024
#: distinct values kept exactly per figure before they are binned
MAX_DISTINCT = 4096
#: relative error of a binned quantile
RELATIVE_ERROR = 1e-3
#: histogram cells (series x grid points x levels) before levels are pooled
MAX_CELLS = 1 << 23

_GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
_LOG_GAMMA = math.log(_GAMMA)
_OFFSET = 1 << 21  # bin indices of every finite float lie within +-_OFFSET


# --- percentiles as numpy computes them ------------------------------------------------------


def percentile_positions(n: int, percentiles: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """numpy's ``linear`` method: the ranks below and above each percentile, and the weight."""
    q = np.true_divide(np.asarray(percentiles, dtype=float), 100)
    virtual = (n - 1) * q
    below = np.floor(virtual)
    above = below + 1
    top = virtual >= n - 1
    below[top] = n - 1
    above[top] = n - 1
    low = virtual < 0
    below[low] = 0
    above[low] = 0
    gamma = virtual - np.floor(virtual)
    return below.astype(np.int64), above.astype(np.int64), gamma


def lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's interpolation between neighbouring order statistics (exactly its rounding)."""
    diff = b - a
    out = np.add(a, diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=t >= 0.5)
    return out


def inverted_cdf_ranks(n: int, percentiles: Sequence[float]) -> np.ndarray:
    """numpy's ``inverted_cdf`` method: the rank each percentile takes."""
    q = np.true_divide(np.asarray(percentiles, dtype=float), 100)
    index = n * q - 1
    below = np.floor(index)
    ranks = np.where(index - below == 0, below, below + 1).astype(np.int64)
    ranks[ranks < 0] = 0
    return ranks


# --- mean and standard error ----------------------------------------------------------------


class Moments:
    """Count, mean and sum of squared deviations of the finite values of many columns."""

    def __init__(self, width: int = 0) -> None:
        self.n = np.zeros(width, dtype=np.int64)
        self.mean = np.zeros(width)
        self.m2 = np.zeros(width)

    def widen(self, width: int) -> None:
        extra = width - len(self.n)
        if extra > 0:
            self.n = np.concatenate([self.n, np.zeros(extra, dtype=np.int64)])
            self.mean = np.concatenate([self.mean, np.zeros(extra)])
            self.m2 = np.concatenate([self.m2, np.zeros(extra)])

    def copy(self) -> Moments:
        out = Moments()
        out.n, out.mean, out.m2 = self.n.copy(), self.mean.copy(), self.m2.copy()
        return out

    def add_block(self, block: np.ndarray) -> None:
        """Merge a block of rows (replications x columns, NaN: no value), in replication order."""
        self.widen(block.shape[1])
        for j in range(block.shape[1]):
            col = block[:, j]
            x = col[np.isfinite(col)]  # a contiguous copy, as the statistics of one figure took it
            nb = len(x)
            if nb == 0:
                continue
            mb = x.mean()
            d = x - mb
            m2b = float(np.multiply(d, d).sum())
            na = int(self.n[j])
            if na == 0:
                self.n[j], self.mean[j], self.m2[j] = nb, mb, m2b
                continue
            n = na + nb
            delta = mb - self.mean[j]
            self.mean[j] = self.mean[j] + delta * nb / n
            self.m2[j] = self.m2[j] + m2b + delta * delta * na * nb / n
            self.n[j] = n

    def se(self, j: int) -> float:
        """Standard error of the mean of column ``j`` (NaN with fewer than two values)."""
        n = int(self.n[j])
        return math.sqrt(self.m2[j] / (n - 1)) / math.sqrt(n) if n > 1 else math.nan

    def std(self, j: int) -> float:
        n = int(self.n[j])
        return math.sqrt(self.m2[j] / (n - 1)) if n > 1 else math.nan


# --- quantiles ------------------------------------------------------------------------------


def _bin(x: np.ndarray) -> np.ndarray:
    """Relative-width bin keys, ordered as the values: 0 for zero, +-(index + offset) otherwise."""
    keys = np.zeros(len(x), dtype=np.int64)
    nz = x != 0
    with np.errstate(divide="ignore"):
        idx = np.ceil(np.log(np.abs(x[nz])) / _LOG_GAMMA).astype(np.int64) + _OFFSET
    keys[nz] = np.where(x[nz] > 0, idx, -idx)
    return keys


def _centre(keys: np.ndarray) -> np.ndarray:
    """A bin's value: the centre of ``(gamma^(i-1), gamma^i]``, within RELATIVE_ERROR of any member."""
    idx = np.abs(keys) - _OFFSET
    value = 2 * np.exp(idx * _LOG_GAMMA) / (_GAMMA + 1)
    return np.where(keys == 0, 0.0, np.where(keys > 0, value, -value))


class ValueCounts:
    """The finite values of one figure as (distinct value, count), sorted; binned beyond MAX_DISTINCT."""

    def __init__(self) -> None:
        self.keys: np.ndarray = np.zeros(0)
        self.counts: np.ndarray = np.zeros(0, dtype=np.int64)
        self.binned = False

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.counts.nbytes)

    def merged(self, values: np.ndarray) -> ValueCounts:
        """A copy with ``values`` (finite) added; the order values come in never matters."""
        out = ValueCounts()
        out.binned = self.binned
        keys, counts = self.keys, self.counts
        new = values if not self.binned else _bin(values)
        allkeys = np.concatenate([keys, new])
        allcounts = np.concatenate([counts, np.ones(len(new), dtype=np.int64)])
        uniq, inverse = np.unique(allkeys, return_inverse=True)
        out.keys, out.counts = (
            uniq,
            np.bincount(inverse, weights=allcounts, minlength=len(uniq)).astype(np.int64),
        )
        if not out.binned and len(out.keys) > MAX_DISTINCT:
            binned = _bin(out.keys)
            uniq, inverse = np.unique(binned, return_inverse=True)
            out.keys = uniq
            out.counts = np.bincount(inverse, weights=out.counts, minlength=len(uniq)).astype(np.int64)
            out.binned = True
        return out

    def order_stats(self, ranks: np.ndarray) -> np.ndarray:
        """The values at 0-based ``ranks`` of the sorted values."""
        cum = np.cumsum(self.counts)
        at = np.searchsorted(cum, np.asarray(ranks) + 1, side="left")
        keys = self.keys[at]
        return _centre(keys) if self.binned else keys.astype(float)


def linear_percentiles(vc: ValueCounts, percentiles: Sequence[float]) -> np.ndarray:
    """``np.percentile(values, percentiles)`` of the values counted in ``vc``."""
    below, above, gamma = percentile_positions(vc.n, percentiles)
    return lerp(vc.order_stats(below), vc.order_stats(above), gamma)


# --- stock on the grid ----------------------------------------------------------------------


class LevelHistogram:
    """Per stock series: counts of each level at each grid point, with exact sums and P(empty).

    A series whose levels range too wide is pooled into bins of ``width`` rounds; a percentile
    is then its bin's centre, kept within the lowest and highest level seen at that grid point
    (so a point where every replication holds the same level gives that level, pooled or not).
    """

    def __init__(self, series: int, points: int) -> None:
        self.series, self.points = series, points
        self.n = 0
        self.width = [1] * series  # rounds per bin: 1 (exact) unless the range is too wide
        self.low = [0] * series  # the first bin (level // width) of each series
        self.counts = [np.zeros((points, 0), dtype=np.int64) for _ in range(series)]
        self.total = np.zeros((series, points), dtype=np.int64)  # sum of levels: the exact mean
        self.empty = np.zeros((series, points), dtype=np.int64)  # replications holding none
        self.lowest = np.full((series, points), np.iinfo(np.int32).max, dtype=np.int32)
        self.highest = np.full((series, points), np.iinfo(np.int32).min, dtype=np.int32)

    @property
    def nbytes(self) -> int:
        held = self.total.nbytes + self.empty.nbytes + self.lowest.nbytes + self.highest.nbytes
        return int(sum(c.nbytes for c in self.counts) + held)

    def _cells(self) -> int:
        return sum(c.size for c in self.counts)

    def _pool(self, s: int) -> None:
        """Double series ``s``'s bin width (merge neighbouring bins)."""
        c = self.counts[s]
        lo = self.low[s]
        bins = np.arange(lo, lo + c.shape[1]) // 2
        new_lo = int(bins[0]) if len(bins) else lo // 2
        out = np.zeros((self.points, int(bins[-1]) - new_lo + 1 if len(bins) else 0), dtype=np.int64)
        for k, b in enumerate((bins - new_lo).tolist()):
            out[:, b] += c[:, k]
        self.counts[s], self.low[s], self.width[s] = out, new_lo, self.width[s] * 2

    def add(self, levels: np.ndarray) -> None:
        """Count a chunk of replications' levels: (replications, series, grid points)."""
        if levels.shape[0] == 0:
            return
        self.n += levels.shape[0]
        self.total += levels.sum(axis=0, dtype=np.int64)
        self.empty += (levels <= 0).sum(axis=0)
        np.minimum(self.lowest, levels.min(axis=0).astype(np.int32), out=self.lowest)
        np.maximum(self.highest, levels.max(axis=0).astype(np.int32), out=self.highest)
        for s in range(self.series):
            x = levels[:, s, :].astype(np.int64)
            while True:
                b = x // self.width[s]
                lo, hi = int(b.min()), int(b.max())
                c = self.counts[s]
                have = c.shape[1]
                new_lo = min(lo, self.low[s]) if have else lo
                new_hi = max(hi, self.low[s] + have - 1) if have else hi
                size = new_hi - new_lo + 1
                if self._cells() - c.size + size * self.points <= MAX_CELLS or size <= 2:
                    break
                self._pool(s)
            if new_lo != self.low[s] or size != have:
                grown = np.zeros((self.points, size), dtype=np.int64)
                if have:
                    grown[:, self.low[s] - new_lo : self.low[s] - new_lo + have] = c
                self.counts[s], self.low[s] = grown, new_lo
            flat = (np.arange(self.points)[None, :] * size + (b - new_lo)).ravel()
            self.counts[s] += np.bincount(flat, minlength=self.points * size).reshape(self.points, size)

    def _order_stats(self, s: int, ranks: np.ndarray) -> np.ndarray:
        """(len(ranks), points): the level at each rank of series ``s`` at each grid point."""
        cum = np.cumsum(self.counts[s], axis=1)  # (points, bins)
        at = np.stack([(cum <= r).sum(axis=1) for r in ranks.tolist()])
        w = self.width[s]
        value = (self.low[s] + at) * w
        if w == 1:
            return value.astype(float)
        centre = value + (w - 1) / 2
        return np.clip(centre, self.lowest[s], self.highest[s]).astype(float)

    def percentiles(self, percentiles: Sequence[float]) -> np.ndarray:
        """(len(percentiles), series, points), as ``np.percentile(levels, percentiles, axis=0)``."""
        out = np.zeros((len(percentiles), self.series, self.points))
        if self.n == 0:
            return out
        below, above, gamma = percentile_positions(self.n, percentiles)
        for s in range(self.series):
            a, b = self._order_stats(s, below), self._order_stats(s, above)
            out[:, s, :] = lerp(a, b, gamma[:, None])
        return out

    def mean(self) -> np.ndarray:
        return self.total / self.n if self.n else np.zeros_like(self.total, dtype=float)

    def p_empty(self) -> np.ndarray:
        return self.empty / self.n if self.n else np.zeros_like(self.empty, dtype=float)


class GridCrossings:
    """How many replications' day (e.g. a first stockout) had come by each grid time."""

    def __init__(self, grid: np.ndarray) -> None:
        self.grid = grid
        self.first = np.zeros(len(grid) + 1, dtype=np.int64)  # by the first grid index reached
        self.n = 0

    def add(self, days: np.ndarray) -> None:
        self.n += len(days)
        d = np.where(np.isfinite(days), days, np.inf)
        self.first += np.bincount(np.searchsorted(self.grid, d, side="left"), minlength=len(self.grid) + 1)

    def p(self) -> np.ndarray:
        """P(the day has come by each grid time)."""
        return np.cumsum(self.first[:-1]) / self.n if self.n else np.zeros(len(self.grid))
