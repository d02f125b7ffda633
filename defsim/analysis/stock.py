"""A run's stock levels as step functions: exact at every change, per holder and interceptor
type, and the stockout statistics read from them."""

from __future__ import annotations

import numpy as np

from ..engine import RunRecord


def step_stats(t: np.ndarray, level: np.ndarray, end: float) -> tuple[float | None, float]:
    """For a step function (level ``level[k]`` from ``t[k]`` on): first time at 0, time at 0."""
    if len(t) == 0:
        return None, 0.0
    zero = level <= 0
    if not zero.any():
        return None, 0.0
    widths = np.diff(np.append(t, end))
    return float(t[np.argmax(zero)]), float(widths[zero].sum())


class StockSeries:
    """Stock levels exact at every change, per holder and interceptor type (numpy arrays)."""

    def __init__(self, record: RunRecord):
        n0 = len(record.series)
        log = record.stock
        self.time = np.concatenate([np.zeros(n0), log.time])
        self.series_id = np.concatenate([np.arange(n0), log.series])
        self.level = np.concatenate([record.initial, log.level])
        self.ready = np.concatenate([record.initial_ready, log.ready])
        self.keys = record.series
        self.end = record.plan.duration
        # rows of each series in time order: one stable sort instead of a mask per series
        self._order = np.argsort(self.series_id, kind="stable")
        self._bounds = np.searchsorted(self.series_id[self._order], np.arange(n0 + 1))
        self._index = {(h, i): k for k, (h, i, _) in enumerate(self.keys)}

    @property
    def holders(self) -> list[str]:
        """Holders (sites, stockpiles, producers) and routes (in transit), in output order."""
        return list(dict.fromkeys(h for h, _, _ in self.keys))

    def kind(self, holder: str) -> str:
        return next(k for h, _, k in self.keys if h == holder)

    def types(self, holder: str) -> list[str]:
        return [i for h, i, _ in self.keys if h == holder]

    def _rows(self, sid: int) -> np.ndarray:
        return self._order[self._bounds[sid] : self._bounds[sid + 1]]

    def series(self, holder: str, interceptor: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, levels) of one holder (or route in transit) and type; each level holds from its time on."""
        rows = self._rows(self._index[(holder, interceptor)])
        return self.time[rows], self.level[rows]

    def holder_total(self, holder: str) -> tuple[np.ndarray, np.ndarray]:
        """(times, total level over all types) of one holder."""
        sids = [k for k, (h, _, _) in enumerate(self.keys) if h == holder]
        if len(sids) == 1:
            rows = self._rows(sids[0])
            return self.time[rows], self.level[rows]
        rows = np.concatenate([self._rows(k) for k in sids])
        deltas = np.concatenate([np.diff(self.level[self._rows(k)], prepend=0) for k in sids])
        order = np.argsort(rows, kind="stable")  # back to the order things happened
        return self.time[rows[order]], np.cumsum(deltas[order])
