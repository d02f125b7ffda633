"""The explorer's answers in words: the headline sentence per site, defsim's answer lines, the
headline figures with their intervals, and a comparison's table and sentence.

Plain functions of defsim's results (an ``EnsembleResult``, a ``RunResult`` or a
``ComparisonResult``), tested without a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..analysis.answers import ensemble_answers, ensemble_lines, show, when
from ..analysis.metrics import Kind


def _layout(result: Any) -> list[tuple[str, str, list[str]]]:
    plan = result.plan
    return [
        (h.name, h.kind, [plan.interceptors[t] for t in h.types])
        for h in plan.network.holders
        if h.kind != "producer"
    ]


def odds(result: Any) -> Any:
    """An ensemble's structured answers (per holder and type: P(ran dry), median, 5-95%)."""
    plan = result.plan
    currency = result.scenario.spec.currency
    return ensemble_answers(plan.name, plan.start, plan.duration, _layout(result), result.figure, currency)


def _day(x: float, start: dt.datetime | None) -> str:
    """A day as a student reads it: 'day 18' (no calendar) or '12 Jan 2024 (day 11)'."""
    return f"day {round(x)}" if start is None else when(x, start)


def _site_word(name: str, sites: int) -> str:
    # the textbook's one site reads "the battery"; several sites read by name
    return "the battery" if sites == 1 and name.lower() == "battery" else name


def headline(result: Any) -> list[str]:
    """The answer first, one sentence per site: "the battery runs dry around day 20 ...".

    For an ensemble: the median first day without rounds of any type, its 5-95% range and in
    how many runs it came; for one run: the day it came."""
    start = result.plan.start
    out = []
    if hasattr(result, "collected"):
        a = odds(result)
        sites = [h for h in a.holders if h.kind == "site"]
        for h in sites:
            o = h.all_types
            who = _site_word(h.holder, len(sites))
            if o.p_dry == 0:
                out.append(f"{who} never runs dry in {o.reps} runs.")
                continue
            if o.median is None:  # dry in fewer than half the runs: no median day to speak of
                out.append(
                    f"{who} runs dry in only {100 * o.p_dry:.0f}% of {o.reps} runs "
                    f"(the earliest 5% by {_day(o.p5, start)})."
                )
                continue
            late = "not by the end" if o.p95 is None else _day(o.p95, start)
            out.append(
                f"{who} runs dry around {_day(o.median, start)} (5-95%: {_day(o.p5, start)} to {late}; "
                f"in {100 * o.p_dry:.0f}% of {o.reps} runs)."
            )
    else:
        sites = [(n, e) for n, e in result.summary["sites"].items()]
        for name, entry in sites:
            who = _site_word(name, len(sites))
            day = entry["first_stockout_day"]
            out.append(
                f"{who} runs dry on {_day(day, start)}." if day is not None else f"{who} never runs dry."
            )
    return [s[0].upper() + s[1:] for s in out]


def answers(result: Any) -> list[str]:
    """defsim's answers in words, as the CLI prints them."""
    if hasattr(result, "collected"):
        return ensemble_lines(odds(result))
    return list(result.answers)


def figures_table(result: Any) -> list[dict[str, Any]]:
    """The headline figures of an ensemble with their 95% intervals, as rows."""
    start = result.plan.start
    currency = result.scenario.spec.currency
    rows = []
    for line in result.headline():
        fig, stats = line.figure, line.stats
        if line.key.endswith(".p_happened"):
            p, ci = stats["mean"], stats.get("ci95") or [None, None]
            value = f"{100 * p:.0f}%"
            interval = f"{100 * ci[0]:.0f}% to {100 * ci[1]:.0f}%" if ci[0] is not None else ""
            meaning = f"P(it happened): {fig.meaning}"
        elif line.key.endswith(".median"):
            value = show(fig.kind, stats["median"], start, currency, fig.unit)
            interval, meaning = "", f"median: {fig.meaning}"
        else:
            ci = stats.get("ci95") or [None, None]
            value = show(fig.kind, stats.get("mean"), start, currency, fig.unit)
            lo, hi = (show(fig.kind, x, start, currency, fig.unit) for x in ci)
            interval = f"{lo} to {hi}" if ci[0] is not None else ""
            meaning = fig.meaning
        rows.append({"figure": line.key, "mean": value, "95% interval": interval, "meaning": meaning})
    return rows


def _diff_rows(cmp: Any) -> list[dict[str, Any]]:
    return [r for r in cmp.table() if r["diff_vs_first"] is not None]


def comparison_rows(cmp: Any) -> list[dict[str, Any]]:
    """The comparison table: per figure and variant, mean and interval, paired difference."""
    first = cmp.ensembles[0]
    start, currency = first.plan.start, first.scenario.spec.currency
    out = []
    for row in cmp.table():
        key = row["figure"]
        base_key = key.rsplit(".", 1)[0] if key.endswith((".p_happened", ".median")) else key
        try:
            fig = first.catalogue_figure(base_key)
        except Exception:
            continue

        def fmt(x: Any, fig: Any = fig, key: str = key) -> str:
            if x is None:
                return ""
            if key.endswith(".p_happened"):
                return f"{100 * x:.0f}%"
            return show(fig.kind, x, start, currency, fig.unit)

        value = fmt(row["median"]) if key.endswith(".median") else fmt(row["mean"])
        ci = f"{fmt(row['ci95_low'])} to {fmt(row['ci95_high'])}" if row["ci95_low"] is not None else ""
        diff = ""
        if row["diff_vs_first"] is not None:
            d = row["diff_vs_first"]
            diff = f"{d:+,.2f} [{row['diff_ci95_low']:+,.2f}, {row['diff_ci95_high']:+,.2f}]"
        out.append(
            {
                "variant": row["variant"],
                "figure": key,
                "value": value,
                "95% interval": ci,
                "difference from the first, paired": diff,
            }
        )
    return out


def _significant(row: dict[str, Any]) -> bool:
    lo, hi = row["diff_ci95_low"], row["diff_ci95_high"]
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def comparison_sentence(cmp: Any) -> str:
    """The comparison's answer in words, from the paired differences and their intervals.

    It names, for each variant against the first, the figures whose 95% interval of the paired
    difference leaves zero, largest relative change first, and says when nothing does."""
    first = cmp.ensembles[0]
    start, currency = first.plan.start, first.scenario.spec.currency
    rows = _diff_rows(cmp)
    parts = []
    base = {r["figure"]: r for r in cmp.table() if r["variant"] == cmp.labels[0]}

    def size(r: dict[str, Any]) -> float:
        # relative change: a day more of 600 weighs less than one more leak of 3
        b = base.get(r["figure"], {}).get("mean")
        return abs(r["diff_vs_first"]) / abs(b) if b else abs(r["diff_vs_first"])

    for label in cmp.labels[1:]:
        mine = [r for r in rows if r["variant"] == label and _significant(r)]
        mine.sort(key=size, reverse=True)
        if not mine:
            parts.append(
                f"{label!s} against {cmp.labels[0]!s}: no headline figure differs beyond the noise "
                f"of {first.reps} paired runs"
            )
            continue
        said = []
        for r in mine[:3]:
            fig = first.catalogue_figure(r["figure"])
            d = r["diff_vs_first"]
            counted = fig.kind is Kind.COUNT
            word = ("more" if d > 0 else "fewer") if counted else ("more" if d > 0 else "less")
            said.append(
                f"{fig.meaning.split(' (')[0]}: {_amount(fig, abs(d), start, currency)} {word} "
                f"(95% interval {_amount(fig, r['diff_ci95_low'], start, currency, True)} to "
                f"{_amount(fig, r['diff_ci95_high'], start, currency, True)})"
            )
        parts.append(f"{label!s} against {cmp.labels[0]!s}: " + "; ".join(said))
    return (
        "; ".join(parts) + f". Paired by replication: {first.reps} runs on seed {first.seed}, "
        "the same random numbers for every variant."
    )


def _amount(fig: Any, x: float, start: Any, currency: str, signed: bool = False) -> str:
    if fig.kind is Kind.SHARE:
        text = f"{100 * abs(x):.1f} points"
    elif fig.kind in (Kind.DAY, Kind.DURATION):
        text = f"{abs(x):,.1f} days"
    elif fig.kind is Kind.COUNT:
        text = f"{abs(x):,.1f}"
    else:
        text = show(fig.kind, abs(x), start, currency, fig.unit)
    if signed:
        return ("-" if x < 0 else "+") + text
    return text
