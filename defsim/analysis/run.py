"""Results of one run: the summary, the stock time series, the event log, and saving them.

Everything here reads a :class:`~defsim.engine.RunRecord`; derived figures (stockout times,
costs) are computed when first asked for, not during the run.  Saving and plotting are the
io layer's (:mod:`defsim.io`).
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from ..engine import RunRecord
from ..engine.records import EVENT_COLUMNS as ENGINE_EVENT_COLUMNS
from ..engine.records import EVENT_KINDS, REASONS
from . import figures
from .optional import needs_pandas
from .stock import StockSeries

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
