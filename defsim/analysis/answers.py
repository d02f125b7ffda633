"""Answers in words: when each site's interceptor types ran out, per type, and what it cost.

The reader's first question is "when does the battery run dry?", and the honest answer is per
interceptor type: a site may be out of short-range rounds weeks before its last long-range round
goes, and threats leak for lack of rounds all that time.  This module turns a run's summary (or
an ensemble's replications) into structured answers; :func:`run_lines` and
:func:`ensemble_lines` say them in plain words.  "No rounds of any type" stays its own answer,
named as such.  Everything here reads figures by their registry keys, so it works the same on
results in memory and on a results folder read back from disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .metrics import Kind
from .odds import (
    EnsembleAnswers,
    HolderOdds,
    Odds,
    ensemble_answers,
    ensemble_answers_data,
    ensemble_lines,
    odds_text,
)
from .summary_figures import RunFigures, start_of
from .words import (
    REASON_WORDS,
    VALUE_UNITS,
    Cost,
    Layout,
    as_number,
    compact,
    cost_data,
    count,
    days,
    difference,
    figure_label,
    iso_date,
    money,
    percent,
    plural,
    prefix,
    short_date,
    show,
    signed,
    type_key,
    when,
)

__all__ = [
    "REASON_WORDS",
    "VALUE_UNITS",
    "Cost",
    "EnsembleAnswers",
    "HolderAnswer",
    "HolderOdds",
    "Layout",
    "Odds",
    "RunAnswers",
    "TypeAnswer",
    "compact",
    "count",
    "days",
    "difference",
    "ensemble_answers",
    "ensemble_answers_data",
    "ensemble_lines",
    "figure_label",
    "holder_line",
    "layout_of",
    "leak_paths",
    "money",
    "odds_text",
    "percent",
    "plural",
    "prefix",
    "run_answers",
    "run_answers_data",
    "run_lines",
    "short_date",
    "show",
    "signed",
    "start_of",
    "type_key",
    "when",
]


@dataclass(frozen=True)
class TypeAnswer:
    """One interceptor type at one holder in one run."""

    interceptor: str
    first_stockout_day: float | None
    days_empty: float
    final_stock: int


@dataclass(frozen=True)
class HolderAnswer:
    """When a site (or stockpile) ran out of each type, of every type, and what leaked meanwhile."""

    holder: str
    kind: str
    types: list[TypeAnswer]
    #: no rounds of any type ("no rounds at all"), named as such
    all_types_day: float | None
    #: threats that leaked at this site for lack of rounds (no_stock), in all and before all_types_day
    no_stock_leaks: int | None = None
    no_stock_leaks_before_all: int | None = None


@dataclass(frozen=True)
class RunAnswers:
    scenario: str
    start: dt.datetime | None
    holders: list[HolderAnswer]
    cost: Cost
    totals: dict[str, int] = field(default_factory=dict)
    #: layered defence: what got through each layer and why, rationing, damage (one line each)
    layered: list[str] = field(default_factory=list)


#: a leaker's path through an asset's layers: ((site, what happened there), ...), upper tier first
LeakPath = tuple[tuple[str, str], ...]

_AT_LAYER = {
    "missed": "missed by {site}",
    "not_engaged": "not engaged by {site}",
    "saturated": "{site} had no free fire channel",
    "no_stock": "{site} had no round for it",
    "rationed": "held back by {site}'s rationing",
}


def leak_paths(
    threat_id: np.ndarray, event: np.ndarray, holder: np.ndarray, reason: np.ndarray, threat: np.ndarray
) -> dict[str, dict[LeakPath, int]]:
    """Per threat type, how many leakers took each path through the layers, from a run's event
    log: each layer it passed ("passed" rows), then the last one (the "leak" row; a leaker the
    last layer never shot at was not engaged there, whatever the leak row's overall reason)."""
    leaked = {int(t) for t, e in zip(threat_id.tolist(), event.tolist(), strict=True) if e == "leak"}
    steps: dict[int, list[tuple[str, str]]] = {}
    shot: set[tuple[int, str]] = set()
    last: dict[int, tuple[str, str, str]] = {}
    for t, e, h, r, th in zip(
        threat_id.tolist(), event.tolist(), holder.tolist(), reason.tolist(), threat.tolist(), strict=True
    ):
        t = int(t)
        if t not in leaked:
            continue
        if e == "passed":
            steps.setdefault(t, []).append((str(h), str(r)))
        elif e == "shot":
            shot.add((t, str(h)))
        elif e == "leak":
            last[t] = (str(h), str(r), str(th))
    out: dict[str, dict[LeakPath, int]] = {}
    for t, (h, r, th) in last.items():
        if not steps.get(t):
            continue  # not layered: its reason is the leak row's
        final = r if (t, h) in shot or r != "missed" else "not_engaged"
        path = (*steps[t], (h, final))
        out.setdefault(th, {})
        out[th][path] = out[th].get(path, 0) + 1
    return out


def path_text(path: LeakPath) -> str:
    """'missed by Long_range, then not engaged by Guns'."""
    return ", then ".join(_AT_LAYER.get(r, f"{r} at {{site}}").format(site=s) for s, r in path)


def _layered_lines(
    run: RunFigures, paths: Mapping[str, Mapping[LeakPath, int]], start: dt.datetime | None
) -> list[str]:
    """A layered run in words: per threat type, how its leakers got through the layers; each
    site's rationing; the damage at each asset, in value units."""
    lines = []
    for th, t in run.threats.items():
        if th not in paths:
            continue
        ranked = sorted(paths[th].items(), key=lambda x: -x[1])
        how = "; ".join(f"{n:,} {path_text(p)}" for p, n in ranked[:3])
        rest = sum(n for _, n in ranked[3:])
        if rest:
            how += f"; {rest:,} by other paths"
        lines.append(
            f"{th}: {t.leaked:,} of {plural(t.arrived, 'threat')} got through every layer "
            f"({t.engaged or 0:,} engaged): {how}."
        )
    assets = run.assets
    for site in (h for h in run.holders() if h.kind == "site"):
        for itype, day in site.rationing_from_day.items():
            if day is None:
                lines.append(f"{site.name}: never rationed its {itype} rounds.")
                continue
            held = sum(n for a in assets.values() for sites, n in a.rationed_at if site.name in sites)
            lines.append(
                f"{site.name}: rationed its {itype} rounds from {when(day, start)}; "
                f"{plural(held, 'threat')} it held back went on to the next layer or got through."
            )
    parts = [
        f"{name} {show(Kind.MONEY, a.damage, unit=VALUE_UNITS)} of "
        f"{show(Kind.MONEY, a.damage + a.value_protected, unit=VALUE_UNITS)} ({plural(a.leaked, 'leaker')})"
        for name, a in assets.items()
    ]
    if parts:
        lines.append(f"Damage ({VALUE_UNITS}): " + "; ".join(parts) + ".")
    return lines


def layout_of(summary: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(holder, kind, types) of every site and stockpile of a run's summary (producers left out)."""
    return [(h.name, h.kind, list(h.types)) for h in RunFigures(summary).holders()]


def run_answers(
    summary: Mapping[str, Any],
    no_stock_times: Mapping[str, Sequence[float]] | None = None,
    currency: str = "USD",
    paths: Mapping[str, Mapping[LeakPath, int]] | None = None,
) -> RunAnswers:
    """The answers of one run from its summary (``summary.json``) and, if known, the times at
    which threats leaked for lack of rounds at each site and the leakers' paths through the
    layers (:func:`leak_paths`; both from the event log)."""
    run = RunFigures(summary)
    holders = []
    for h in run.holders():
        types = [TypeAnswer(t, s.first_stockout_day, s.days_empty, s.final_stock) for t, s in h.types.items()]
        all_day = h.every.first_stockout_day
        leaks = before = None
        if no_stock_times is not None and h.kind == "site":
            times = np.asarray(no_stock_times.get(h.name, ()), dtype=float)
            leaks = len(times)
            before = int((times < all_day).sum()) if all_day is not None else leaks
        holders.append(HolderAnswer(h.name, h.kind, types, all_day, leaks, before))
    cost = Cost(*run.cost, currency)
    start = start_of(summary)
    layered = _layered_lines(run, paths or {}, start) if run.assets else []
    return RunAnswers(summary["scenario"], start, holders, cost, run.total_counts(), layered)


def holder_line(a: HolderAnswer, start: dt.datetime | None) -> str:
    """'Battery: short_range rounds ran out on 12 Jan 2024 (day 11); long_range on 20 Feb (day
    50); no rounds of any type from 22 Feb (day 52); 291 threats leaked for lack of rounds before then.'"""
    where = a.holder if a.kind == "site" else f"{a.holder} ({a.kind})"
    ran = sorted(
        (t for t in a.types if t.first_stockout_day is not None), key=lambda t: t.first_stockout_day or 0.0
    )
    kept = [t for t in a.types if t.first_stockout_day is None]
    parts = []
    year = None
    for k, t in enumerate(ran):
        d = t.first_stockout_day
        assert d is not None
        this_year = (start + dt.timedelta(days=d)).year if start else None
        text = when(d, start, year=this_year != year)
        year = this_year
        parts.append(f"{t.interceptor} rounds ran out on {text}" if k == 0 else f"{t.interceptor} on {text}")
    for t in kept:
        parts.append(f"{t.interceptor} rounds never ran out ({t.final_stock:,} left at the end)")
    if a.all_types_day is not None and len(a.types) > 1:
        this_year = (start + dt.timedelta(days=a.all_types_day)).year if start else None
        parts.append(f"no rounds of any type from {when(a.all_types_day, start, year=this_year != year)}")
    if a.no_stock_leaks:
        if a.all_types_day is not None and len(a.types) > 1 and a.no_stock_leaks_before_all:
            parts.append(
                f"{plural(a.no_stock_leaks_before_all, 'threat')} leaked for lack of rounds before then "
                f"({a.no_stock_leaks:,} in all)"
            )
        elif a.all_types_day is not None and len(a.types) > 1:
            parts.append(f"{plural(a.no_stock_leaks, 'threat')} leaked for lack of rounds, all after that")
        else:
            parts.append(f"{plural(a.no_stock_leaks, 'threat')} leaked for lack of rounds")
    return f"{where}: " + "; ".join(parts) + "."


def run_lines(a: RunAnswers) -> list[str]:
    """The answers of one run in words: one line per site (and per stockpile that ran dry), the cost."""
    lines = [
        holder_line(h, a.start)
        for h in a.holders
        if h.kind == "site" or any(t.first_stockout_day is not None for t in h.types)
    ]
    return [*lines, *a.layered, a.cost.line()]


def run_answers_data(a: RunAnswers) -> dict[str, Any]:
    """A run's answers as summary.json's ``answers``: the structured facts, each holder's sentence,
    and ``lines`` (what the CLI prints first and answers.txt holds): one source for all three."""
    holders = []
    for h in a.holders:
        holders.append(
            {
                "holder": h.holder,
                "kind": h.kind,
                "sentence": holder_line(h, a.start),
                "all_types_day": as_number(h.all_types_day),
                "all_types_date": iso_date(h.all_types_day, a.start),
                "no_stock_leaks": h.no_stock_leaks,
                "no_stock_leaks_before_all": h.no_stock_leaks_before_all,
                "types": [
                    {
                        "interceptor": t.interceptor,
                        "first_stockout_day": as_number(t.first_stockout_day),
                        "first_stockout_date": iso_date(t.first_stockout_day, a.start),
                        "days_empty": as_number(t.days_empty),
                        "final_stock": t.final_stock,
                    }
                    for t in h.types
                ],
            }
        )
    return {"kind": "run", "lines": run_lines(a), "holders": holders, "cost": cost_data(a.cost)}
