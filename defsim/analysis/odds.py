"""Answers of an ensemble: per site and type, P(it ran dry), when (median, 5-95%), in words and as
data (summary.json's ``answers``).  Figures are read by their registry keys, so the same answers
come from an ensemble in memory and from its results folder.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .metrics import Kind
from .statistics import time_stats
from .words import (
    VALUE_UNITS,
    Cost,
    Layout,
    as_number,
    cost_data,
    iso_date,
    percent,
    prefix,
    short_date,
    show,
    type_key,
    when,
)


@dataclass(frozen=True)
class Odds:
    """When one type (or, with interceptor None, every type) first ran out across replications."""

    interceptor: str | None
    p_dry: float
    median: float | None
    p5: float | None
    p95: float | None
    reps: int
    #: mean days holding none (of this type), across replications
    days_empty: float | None = None


@dataclass(frozen=True)
class HolderOdds:
    holder: str
    kind: str
    types: list[Odds]
    all_types: Odds


@dataclass(frozen=True)
class EnsembleAnswers:
    scenario: str
    start: dt.datetime | None
    duration: float
    reps: int
    holders: list[HolderOdds]
    cost: Cost | None = None
    #: layered defence: when rationing began, the damage at each asset (one line each)
    layered: list[str] = field(default_factory=list)


def _mean_interval(x: np.ndarray) -> tuple[float, float, float] | None:
    x = x[np.isfinite(x)]
    if len(x) < 2:
        return None
    m, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))
    return m, max(m - 1.959963984540054 * se, 0.0), m + 1.959963984540054 * se


def _ensemble_layered(
    columns: Sequence[str], figure: Callable[[str], np.ndarray], start: dt.datetime | None
) -> list[str]:
    """When each site's rationing began across runs, and the mean damage at each asset."""
    lines = []
    for key in columns:
        m = re.match(r"^sites\.(.+)\.rationing_from_day\.(.+)$", key)
        if m:
            s = time_stats(figure(key))
            text = f"{m.group(1)}: rationed its {m.group(2)} rounds in {percent(s['p_happened'])} of runs"
            if s["median"] is not None:
                text += f"; median start {when(s['median'], start)}"
            lines.append(text + ".")
    parts = []
    for key in columns:
        m = re.match(r"^assets\.([^.]+)\.damage$", key)
        got = _mean_interval(figure(key)) if m else None
        if m and got is not None:
            a, lo, hi = (show(Kind.MONEY, v, unit=VALUE_UNITS) for v in got)
            parts.append(f"{m.group(1)} {a} [{lo}, {hi}]")
    if parts:
        lines.append(f"Damage ({VALUE_UNITS}), mean over runs [95% interval]: " + "; ".join(parts) + ".")
    return lines


def _odds(interceptor: str | None, values: np.ndarray, empty: np.ndarray) -> Odds:
    s = time_stats(values)
    finite = empty[np.isfinite(empty)]
    mean = float(finite.mean()) if len(finite) else None
    return Odds(interceptor, s["p_happened"], s["median"], s["p5"], s["p95"], int(s["n"]), mean)


def ensemble_answers(
    name: str,
    start: dt.datetime | None,
    duration: float,
    layout: Layout,
    figure: Callable[[str], np.ndarray],
    currency: str = "USD",
    columns: Sequence[str] = (),
) -> EnsembleAnswers:
    """Per holder and type: P(ran dry by the end), median and 5-95% range of the first stockout.
    ``figure(key)`` gives one figure across replications (NaN: never); ``columns``, the figures
    there are, say whether there is rationing or damage to report."""
    holders = []
    reps = 0
    for holder, kind, itypes in layout:
        types = [
            _odds(t, figure(type_key(holder, kind, t)), figure(type_key(holder, kind, t, "days_empty")))
            for t in itypes
        ]
        base = prefix(holder, kind)
        every = _odds(None, figure(f"{base}.first_stockout_day"), figure(f"{base}.days_empty"))
        reps = every.reps
        holders.append(HolderOdds(holder, kind, types, every))
    cost = None
    spent, defeated = figure("cost.interceptor_cost_spent"), figure("cost.threat_cost_defeated")
    if len(spent):
        med_ratio = spent.mean() / defeated.mean() if defeated.mean() > 0 else None
        cost = Cost(float(np.nanmean(spent)), float(np.nanmean(defeated)), med_ratio, currency)
    layered = _ensemble_layered(columns, figure, start)
    return EnsembleAnswers(name, start, duration, reps, holders, cost, layered)


def odds_text(o: Odds, start: dt.datetime | None) -> str:
    """'ran dry in 87% of runs; median 3 Mar 2025 (day 427), 5-95%: 1 Feb 2025 to never'."""
    if o.interceptor is None:
        if o.p_dry == 0:
            return "never without rounds of every type"
        text = f"no rounds of any type at some point in {percent(o.p_dry)} of runs"
    elif o.p_dry == 0:
        return f"{o.interceptor} rounds never ran out in {o.reps} runs"
    else:
        text = f"{o.interceptor} rounds ran out in {percent(o.p_dry)} of runs"
    if o.median is not None:
        text += f", median {when(o.median, start)}"
    else:
        text += ", median: not by the end"
    if o.p5 is None:
        pass  # in 95% of runs or more it never came: no range of when to give
    elif o.p95 is None:
        text += f", 5-95%: from {short_date(o.p5, start)} to after the end"
    else:
        text += f", 5-95%: {short_date(o.p5, start)} to {short_date(o.p95, start)}"
    if o.days_empty is not None:
        text += f"; {o.days_empty:,.0f} days without on average"
    return text


def ensemble_lines(a: EnsembleAnswers) -> list[str]:
    """One line per holder that ever ran dry (every site), per type, then the mean cost."""
    lines = []
    for h in a.holders:
        if h.kind != "site" and h.all_types.p_dry == 0 and all(o.p_dry == 0 for o in h.types):
            continue
        where = h.holder if h.kind == "site" else f"{h.holder} ({h.kind})"
        parts = [odds_text(o, a.start) for o in h.types]
        if len(h.types) > 1:
            parts.append(odds_text(h.all_types, a.start))
        lines.append(f"{where}: " + "; ".join(parts) + ".")
    lines += a.layered
    if a.cost is not None:
        lines.append("On average: " + a.cost.line()[0].lower() + a.cost.line()[1:])
    return lines


def _odds_data(o: Odds, start: dt.datetime | None) -> dict[str, Any]:
    return {
        "interceptor": o.interceptor,
        "p_dry": as_number(o.p_dry),
        "median_day": as_number(o.median),
        "median_date": iso_date(o.median, start),
        "p5_day": as_number(o.p5),
        "p95_day": as_number(o.p95),
        "replications": o.reps,
        "mean_days_empty": as_number(o.days_empty),
        "sentence": odds_text(o, start),
    }


def ensemble_answers_data(a: EnsembleAnswers) -> dict[str, Any]:
    """An ensemble's answers as summary.json's ``answers`` (structured, with the sentences)."""
    holders = [
        {
            "holder": h.holder,
            "kind": h.kind,
            "types": [_odds_data(o, a.start) for o in h.types],
            "all_types": _odds_data(h.all_types, a.start),
        }
        for h in a.holders
    ]
    return {
        "kind": "ensemble",
        "replications": a.reps,
        "lines": ensemble_lines(a),
        "holders": holders,
        "cost": cost_data(a.cost),
    }
