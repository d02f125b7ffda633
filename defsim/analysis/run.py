"""Results of one run: the summary, the stock time series, the event log, and saving them.

Everything here reads a :class:`~defsim.engine.RunRecord`; derived figures (stockout times,
costs) are computed when first asked for, not during the run.  Saving and plotting are the
io layer's (:mod:`defsim.io`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from ..engine import RunRecord
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


def _named(names: Sequence[str], index: Any, none: str = "") -> np.ndarray:
    """Each index's name (a negative index: ``none``), as an array of text."""
    table = np.array([*(str(n) for n in names), none], dtype=object)
    index = np.asarray(index, dtype=np.intp)  # an event log's indices are 8 or 32 bits
    return table[np.where(index >= 0, index, len(names))]


#: microseconds in a day, as ``datetime.timedelta`` counts them
_US_PER_DAY = 86_400_000_000
#: years strftime writes with four digits, as numpy does
_YEAR_1000, _YEAR_10000 = np.datetime64("1000-01-01T00:00", "m"), np.datetime64("10000-01-01T00:00", "m")


def dates(start: dt.datetime | None, times: Sequence[float] | np.ndarray) -> list[str | None]:
    """``(start + timedelta(days=t)).strftime("%Y-%m-%d %H:%M")`` of each time (None without a
    start), a whole column at once.  ``timedelta(days=t)`` keeps the whole days exactly and rounds
    the fraction's microseconds half to even (``numpy.rint`` of the same product), so the minutes
    are the same; a start with a time zone, or a year outside 1000-9999, goes the slow way."""
    t = np.asarray(times, dtype=float)
    if start is None:
        return [None] * len(t)
    slow = start.tzinfo is not None or not len(t) or not (np.isfinite(t).all() and abs(t).max() < 1e6)
    if not slow:
        frac, whole = np.modf(t)
        us = whole.astype(np.int64) * _US_PER_DAY + np.rint(frac * float(_US_PER_DAY)).astype(np.int64)
        minutes = (np.datetime64(start, "us") + us.astype("timedelta64[us]")).astype("datetime64[m]")
        slow = minutes.min() < _YEAR_1000 or minutes.max() >= _YEAR_10000
    if slow:
        return [(start + dt.timedelta(days=float(x))).strftime("%Y-%m-%d %H:%M") for x in t.tolist()]
    return [d.replace("T", " ") for d in np.datetime_as_string(minutes, unit="m").tolist()]


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

    def dates(self, times: Sequence[float] | np.ndarray) -> list[str | None]:
        """:meth:`date` of each time, to the character (a table's column of dates at once)."""
        return dates(self.plan.start, times)

    @cached_property
    def summary(self) -> dict[str, Any]:
        """Every figure of the run at its key (see :mod:`defsim.analysis.figures`), as summary.json."""
        return figures.summary(self)

    # --- tables -----------------------------------------------------------------------------

    def stock_rows(self) -> list[tuple]:
        st = self.stock
        keys = st.keys
        return [
            (t, date, keys[i][0], keys[i][2], keys[i][1], lev, rdy)
            for t, date, i, lev, rdy in zip(
                st.time.tolist(),
                self.dates(st.time),
                st.series_id.tolist(),
                st.level.tolist(),
                st.ready.tolist(),
                strict=True,
            )
        ]

    def event_columns(self) -> dict[str, np.ndarray] | None:
        """The event log a column per field, every index turned into its name (``""`` where none
        applies, ``"outside"`` for a holder outside the network; threat_id -1); None without one."""
        ev = self.record.events
        if ev is None:
            return None
        plan = self.plan
        routes = [r["name"] for r in self.record.routes]
        return {
            "time": np.asarray(ev.time, dtype=float),
            "event": _named(EVENT_KINDS, ev.kind),
            "holder": _named(plan.holder_names, ev.holder, "outside"),
            "threat_id": np.where(np.asarray(ev.threat_id) >= 0, ev.threat_id, -1).astype(np.int64),
            "threat": _named(plan.threats, ev.threat),
            "interceptor": _named(plan.interceptors, ev.interceptor),
            "n": np.asarray(ev.n, dtype=np.int64),
            "reason": _named(REASONS, ev.reason),
            "route": _named(routes, ev.route),
        }

    def event_rows(self) -> list[tuple]:
        cols = self.event_columns()
        if cols is None:
            return []
        return [
            (t, date, kind, holder, tid if tid >= 0 else "", *rest)
            for date, (t, kind, holder, tid, *rest) in zip(
                self.dates(cols["time"]), zip(*(cols[c].tolist() for c in cols), strict=True), strict=True
            )
        ]

    def to_frame(self, what: str = "stock") -> Any:
        """The stock series (or ``"events"``) as a pandas DataFrame (needs pandas)."""
        pd = needs_pandas()

        rows = self.stock_rows() if what == "stock" else self.event_rows()
        cols = STOCK_COLUMNS if what == "stock" else EVENT_COLUMNS
        return pd.DataFrame(rows, columns=list(cols))
