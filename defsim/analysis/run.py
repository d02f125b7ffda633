"""Results of one run: the summary, the stock time series, the event log, and saving them.

Everything here reads a :class:`~defsim.engine.RunRecord`; derived figures (stockout times,
costs) are computed when first asked for, not during the run.  Saving and plotting are the
io layer's (:mod:`defsim.io`).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import numpy as np

from ..engine import RunRecord
from ..engine.records import EVENT_COLUMNS as ENGINE_EVENT_COLUMNS
from ..engine.records import EVENT_KINDS, REASONS
from . import figures
from .optional import needs_pandas

STOCK_COLUMNS = ("time_d", "date", "holder", "kind", "interceptor", "level", "ready")
EVENT_COLUMNS = (
    "time_d",
    "date",
    "event",
    "holder",
    "threat_id",
    "threat",
    "interceptor",
    "n",
    "reason",
    "route",
)


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


class RunAnalysis:
    """One run of a plan: what happened, with the plan and seed that made it."""

    def __init__(self, record: RunRecord):
        self.record = record
        self.plan = record.plan
        self.seed = record.seed

    @cached_property
    def stock(self) -> StockSeries:
        return StockSeries(self.record)

    def date(self, t: float) -> str | None:
        start = self.plan.start
        if start is None:
            return None
        return (start + dt.timedelta(days=float(t))).strftime("%Y-%m-%d %H:%M")

    @cached_property
    def summary(self) -> dict[str, Any]:
        """Every figure of the run at its key (see :mod:`defsim.analysis.figures`), as summary.json."""
        return figures.summary(self)

    # --- tables -----------------------------------------------------------------------------

    def stock_rows(self) -> list[tuple]:
        st = self.stock
        keys = st.keys
        return [
            (t, self.date(t), keys[i][0], keys[i][2], keys[i][1], lev, rdy)
            for t, i, lev, rdy in zip(
                st.time.tolist(), st.series_id.tolist(), st.level.tolist(), st.ready.tolist(), strict=True
            )
        ]

    def event_rows(self) -> list[tuple]:
        ev = self.record.events
        if ev is None:
            return []
        plan = self.plan
        holders, threats, ints = plan.holder_names, plan.threats, plan.interceptors
        routes = [r["name"] for r in self.record.routes]
        out = []
        columns = [getattr(ev, c).tolist() for c in ENGINE_EVENT_COLUMNS]
        for t, kind, h, tid, tt, it, n, reason, route in zip(*columns, strict=True):
            out.append(
                (
                    t,
                    self.date(t),
                    EVENT_KINDS[kind],
                    holders[h] if h >= 0 else "outside",
                    tid if tid >= 0 else "",
                    threats[tt] if tt >= 0 else "",
                    ints[it] if it >= 0 else "",
                    n,
                    REASONS[reason] if reason >= 0 else "",
                    routes[route] if route >= 0 else "",
                )
            )
        return out

    def to_frame(self, what: str = "stock") -> Any:
        """The stock series (or ``"events"``) as a pandas DataFrame (needs pandas)."""
        pd = needs_pandas()

        rows = self.stock_rows() if what == "stock" else self.event_rows()
        cols = STOCK_COLUMNS if what == "stock" else EVENT_COLUMNS
        return pd.DataFrame(rows, columns=list(cols))
