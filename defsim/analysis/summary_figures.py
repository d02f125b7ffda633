"""A run's summary (``summary.json``) read through typed accessors: the threats' tallies, every
holder's stock, the cost and the assets' damage.  The summary's shape is spelled here once; the
answers (:mod:`.answers`) and the report read these values, never its keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tally:
    """Threats of one type (or of all): how many arrived, were killed, leaked, for lack of rounds."""

    arrived: int
    killed: int
    leaked: int
    no_stock: int
    #: engaged at least once (a type's tally; None for the totals)
    engaged: int | None = None


@dataclass(frozen=True)
class Stock:
    """One holder's stock of one type (or of every type): fired, left, when it first ran out."""

    final_stock: int
    first_stockout_day: float | None
    days_empty: float
    #: rounds fired (None: a stockpile fires none)
    shots: int | None = None


@dataclass(frozen=True)
class Holder:
    name: str
    kind: str
    #: no rounds of any type
    every: Stock
    types: dict[str, Stock]
    #: per type, the day its rationing came into force (None: never)
    rationing_from_day: dict[str, float | None]


@dataclass(frozen=True)
class Asset:
    damage: float
    value_protected: float
    leaked: int
    #: per layer, its sites and how many threats passed it held back by rationing
    rationed_at: list[tuple[list[str], int]]


@dataclass(frozen=True)
class FigureStats:
    """One figure's statistics across an ensemble's replications (summary.json's ``figures``)."""

    mean: float | None
    median: float | None
    p5: float | None
    p95: float | None
    ci95: tuple[float | None, float | None]
    #: of a day that may never come: the share of runs in which it came
    p_happened: float | None


def figure_stats(summary: Mapping[str, Any]) -> dict[str, FigureStats]:
    """Every figure an ensemble's summary has statistics of (none: no replication had a value)."""
    out = {}
    for key, st in (summary.get("figures") or {}).items():
        if st is not None:
            lo, hi = st.get("ci95") or (None, None)
            out[key] = FigureStats(
                st.get("mean"), st["median"], st["p5"], st["p95"], (lo, hi), st.get("p_happened")
            )
    return out


@dataclass(frozen=True)
class TableRow:
    """One row of a comparison's table (compare.json's ``table``): a variant's figure, and its
    difference from the first variant's, paired by replication, with the 95% interval."""

    variant: str
    figure: str
    mean: float | None
    median: float | None
    ci95: tuple[float | None, float | None]
    #: (difference, its 95% interval's ends), or None (the first variant, or not paired)
    diff: tuple[float, float | None, float | None] | None


def comparison_rows(summary: Mapping[str, Any]) -> list[TableRow]:
    out = []
    for r in summary.get("table") or []:
        d = r.get("diff_vs_first")
        diff = (d, r["diff_ci95_low"], r["diff_ci95_high"]) if d is not None else None
        ci = (r["ci95_low"], r["ci95_high"])
        out.append(TableRow(r["variant"], r["figure"], r["mean"], r["median"], ci, diff))
    return out


def _stock(entry: Mapping[str, Any]) -> Stock:
    shots = entry.get("shots")
    return Stock(
        int(entry["final_stock"]),
        entry["first_stockout_day"],
        float(entry["days_empty"]),
        int(shots) if shots is not None else None,
    )


def _tally(t: Mapping[str, Any]) -> Tally:
    engaged = t.get("engaged")
    return Tally(
        int(t["arrived"]),
        int(t["killed"]),
        int(t["leaked"]),
        int(t["leaked_by_reason"].get("no_stock", 0)),
        int(engaged) if engaged is not None else None,
    )


def _rationed(layer: Mapping[str, Any]) -> tuple[list[str], int]:
    return list(layer["sites"]), int(layer["passed_by_reason"].get("rationed", 0))


class RunFigures:
    """The figures of one run's summary, typed."""

    def __init__(self, summary: Mapping[str, Any]):
        self.summary = summary

    @property
    def threats(self) -> dict[str, Tally]:
        return {name: _tally(t) for name, t in self.summary["threats"].items()}

    @property
    def totals(self) -> Tally:
        return _tally(self.summary["totals"])

    def total_counts(self) -> dict[str, int]:
        """Every whole-number total (arrived, killed, leaked, ...), by name."""
        return {k: int(v) for k, v in self.summary["totals"].items() if isinstance(v, int | float)}

    def holders(self, producers: bool = False) -> list[Holder]:
        """Every site, then every stockpile (and producer, if asked), in output order."""
        entries = [(name, "site", e) for name, e in self.summary["sites"].items()]
        entries += [(name, e["kind"], e) for name, e in self.summary["stockpiles_and_producers"].items()]
        return [
            Holder(
                name,
                kind,
                _stock(e),
                {t: _stock(x) for t, x in e["by_interceptor"].items()},
                dict(e.get("rationing_from_day") or {}),
            )
            for name, kind, e in entries
            if producers or kind != "producer"
        ]

    @property
    def cost(self) -> tuple[float, float, float | None]:
        """(interceptors fired, threats killed, their ratio; None when nothing was fired)."""
        c = self.summary["cost"]
        return c["interceptor_cost_spent"], c["threat_cost_defeated"], c["cost_exchange_ratio"]

    @property
    def assets(self) -> dict[str, Asset]:
        return {
            name: Asset(
                float(a["damage"]),
                float(a["value_protected"]),
                int(a["leaked"]),
                [
                    (list(x["sites"]), int(x["passed_by_reason"].get("rationed", 0)))
                    for x in a["layers"].values()
                ],
            )
            for name, a in (self.summary.get("assets") or {}).items()
        }


def start_of(summary: Mapping[str, Any]) -> dt.datetime | None:
    return dt.datetime.fromisoformat(summary["start"]) if summary.get("start") else None
