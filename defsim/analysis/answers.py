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
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .metrics import Kind
from .statistics import time_stats

#: (holder, kind, interceptor types) of each site and stockpile, in output order
Layout = Sequence[tuple[str, str, Sequence[str]]]

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


# --- formatting ---------------------------------------------------------------------------


def when(day: float | None, start: dt.datetime | None, year: bool = True) -> str:
    """A day after the start as '12 Jan 2024 (day 11)', or 'day 11.2' without a calendar."""
    if day is None or not math.isfinite(day):
        return "never"
    if start is None:
        return f"day {day:.1f}"
    date = start + dt.timedelta(days=float(day))
    text = f"{date.day} {date:%b}" + (f" {date:%Y}" if year else "")
    return f"{text} (day {math.floor(day)})"


def short_date(day: float | None, start: dt.datetime | None) -> str:
    """A day as '12 Jan 2024', or 'day 11.2' without a calendar ('never' for None)."""
    if day is None or not math.isfinite(day):
        return "never"
    if start is None:
        return f"day {day:.1f}"
    date = start + dt.timedelta(days=float(day))
    return f"{date.day} {date:%b %Y}"


def compact(value: float) -> str:
    """A large amount short: 6.1bn, 806m, 4.0k, 950."""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            amount = f"{scaled:.0f}{suffix}" if abs(scaled) >= 100 else f"{scaled:.1f}{suffix}"
            break
    else:
        amount = f"{value:.0f}"
    return amount


def money(value: float | None, currency: str = "USD") -> str:
    """An amount as money: $6.1bn, $806m, $4.0k, $950 (other currencies: '6.1bn CHF')."""
    if value is None or not math.isfinite(value):
        return "-"
    amount = compact(value)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def count(value: float | None) -> str:
    """A count as a count: 11,290 (never 1.129e+04); a mean keeps one decimal."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def plural(n: float, word: str, many: str | None = None) -> str:
    """'1 threat', '2 threats', '1,290 threats' ('many' for an irregular plural)."""
    return f"{count(n)} {word if n == 1 else (many or word + 's')}"


def days(d: float) -> str:
    """A length of time in days as read: '40 days', '1 day', '913.1 days' (never '913.125 days')."""
    return plural(d, "day") if float(d).is_integer() else f"{d:,.1f} days"


def percent(p: float) -> str:
    return f"{100 * p:.0f}%"


VALUE_UNITS = "value units"  # damage and asset values: money or points, never a currency


def show(
    kind: Kind, value: float | None, start: dt.datetime | None = None, currency: str = "USD", unit: str = ""
) -> str:
    """A value as a reader wants it: counts as counts, money as money, days as dates.

    Damage is of the money kind (bounded below by 0, summed) but in the assets' own value units,
    so it is shown as a plain number, never with the currency.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "never" if kind is Kind.DAY else "-"
    if kind is Kind.COUNT:
        return count(value)
    if kind is Kind.MONEY and unit == VALUE_UNITS:
        # the assets' own units (points or money): short, without a currency
        return compact(value) if abs(value) >= 100 else f"{value:.1f}"
    if kind is Kind.MONEY:
        return money(value, currency)
    if kind is Kind.DAY:
        return short_date(value, start)
    if kind is Kind.DURATION:
        return f"{value:,.1f} days"
    if kind is Kind.SHARE:
        return f"{100 * value:.1f}%"
    return f"{value:.2f}"


def signed(kind: Kind, value: float, currency: str = "USD", unit: str = "") -> str:
    """A difference in the figure's own unit: '+15.7 pp' for a share (percentage points, never
    a fraction), '+8.8 days', '-$12m', '+1.3bn value units' for damage, '+4.0 rounds' for a count."""
    sign = "+" if value >= 0 else "-"
    if kind is Kind.MONEY and unit == VALUE_UNITS:
        return f"{sign}{show(kind, abs(value), None, currency, unit)} {VALUE_UNITS}"
    if kind is Kind.SHARE:
        return f"{100 * value:+.1f} pp"
    if kind in (Kind.DURATION, Kind.DAY):
        return f"{value:+,.1f} days"
    if kind is Kind.MONEY:
        return sign + money(abs(value), currency)
    if kind is Kind.RATIO:
        return f"{value:+.2f}"
    return f"{value:+,.1f}" + (f" {unit}" if unit else "")  # a count: '+4.0 rounds'


def difference(
    kind: Kind,
    diff: float,
    low: float | None,
    high: float | None,
    currency: str = "USD",
    unit: str = "",
    sep: str = " ",
) -> str:
    """A paired difference and its 95% interval in the figure's unit: 'Δ +8.8 days [+8.5, +9.1]'
    (the unit once, after the mean; ``sep`` between the two, e.g. a line break in a table)."""
    text = f"Δ {signed(kind, diff, currency, unit)}"
    if low is not None and high is not None:
        suffix = {Kind.SHARE: " pp", Kind.DURATION: " days", Kind.DAY: " days"}.get(kind, "")
        if (kind is Kind.MONEY and unit == VALUE_UNITS) or (kind is Kind.COUNT and unit):
            suffix = f" {unit}"
        lo, hi = (signed(kind, x, currency, unit).removesuffix(suffix) for x in (low, high))
        text += f"{sep}[{lo}, {hi}]"
    return text


#: why a threat got through, in words (the reasons of events.csv and leaked_by_reason)
REASON_WORDS = {
    "no_stock": "for lack of rounds",
    "saturated": "with every fire channel busy",
    "missed": "after being missed",
    "not_engaged": "without being engaged",
    "rationed": "held back by rationing",
}


def figure_label(meaning: str, key: str = "") -> str:
    """A figure's plain-English label, as tables show it (terminal and report alike): its
    meaning without the registry's notes on nulls and absent entries; a day that may never come
    stands for two rows, '... (share of runs)' and '... (median)'."""
    text = re.sub(r"\s*\((null|absent|see )[^)]*\)", "", meaning).split(": ")[0]
    text = re.sub(
        r"leaked for reason (\w+)", lambda m: "got through " + REASON_WORDS.get(m.group(1), m.group(0)), text
    )
    if key.endswith(".p_happened"):
        text += " (share of runs)"
    elif key.endswith(".median"):
        text += " (median)"
    return text


# --- one run ------------------------------------------------------------------------------


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
class Cost:
    spent: float
    defeated: float
    ratio: float | None
    currency: str

    def line(self) -> str:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        return (
            f"Interceptors fired cost {money(self.spent, self.currency)}; the threats they killed cost "
            f"{money(self.defeated, self.currency)} (cost-exchange ratio {ratio}; {self.currency})."
        )


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
    summary: Mapping[str, Any], paths: Mapping[str, Mapping[LeakPath, int]], start: dt.datetime | None
) -> list[str]:
    """A layered run in words: per threat type, how its leakers got through the layers; each
    site's rationing; the damage at each asset, in value units."""
    lines = []
    for th in [x for x in summary["threats"] if x in paths]:
        by_path, t = paths[th], summary["threats"][th]
        ranked = sorted(by_path.items(), key=lambda x: -x[1])
        how = "; ".join(f"{n:,} {path_text(p)}" for p, n in ranked[:3])
        rest = sum(n for _, n in ranked[3:])
        if rest:
            how += f"; {rest:,} by other paths"
        lines.append(
            f"{th}: {t['leaked']:,} of {plural(t['arrived'], 'threat')} got through every layer "
            f"({t['engaged']:,} engaged): {how}."
        )
    for site, entry in summary["sites"].items():
        for itype, day in (entry.get("rationing_from_day") or {}).items():
            if day is None:
                lines.append(f"{site}: never rationed its {itype} rounds.")
                continue
            held = sum(
                layer["passed_by_reason"].get("rationed", 0)
                for a in summary.get("assets", {}).values()
                for layer in a["layers"].values()
                if site in layer["sites"]
            )
            lines.append(
                f"{site}: rationed its {itype} rounds from {when(day, start)}; "
                f"{plural(held, 'threat')} it held back went on to the next layer or got through."
            )
    assets = summary.get("assets", {})
    if assets:
        parts = []
        for name, a in assets.items():
            value = a["damage"] + a["value_protected"]
            parts.append(
                f"{name} {show(Kind.MONEY, a['damage'], unit=VALUE_UNITS)} of "
                f"{show(Kind.MONEY, value, unit=VALUE_UNITS)} ({plural(a['leaked'], 'leaker')})"
            )
        lines.append(f"Damage ({VALUE_UNITS}): " + "; ".join(parts) + ".")
    return lines


def _entry(summary: Mapping[str, Any], name: str, kind: str) -> Mapping[str, Any]:
    return summary["sites" if kind == "site" else "stockpiles_and_producers"][name]


def layout_of(summary: Mapping[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(holder, kind, types) of every site and stockpile of a run's summary (producers left out)."""
    out = [(name, "site", list(e["by_interceptor"])) for name, e in summary["sites"].items()]
    for name, e in summary["stockpiles_and_producers"].items():
        if e["kind"] != "producer":
            out.append((name, e["kind"], list(e["by_interceptor"])))
    return out


def start_of(summary: Mapping[str, Any]) -> dt.datetime | None:
    return dt.datetime.fromisoformat(summary["start"]) if summary.get("start") else None


def run_answers(
    summary: Mapping[str, Any],
    no_stock_times: Mapping[str, Sequence[float]] | None = None,
    currency: str = "USD",
    paths: Mapping[str, Mapping[LeakPath, int]] | None = None,
) -> RunAnswers:
    """The answers of one run from its summary (``summary.json``) and, if known, the times at
    which threats leaked for lack of rounds at each site and the leakers' paths through the
    layers (:func:`leak_paths`; both from the event log)."""
    holders = []
    for name, kind, itypes in layout_of(summary):
        entry = _entry(summary, name, kind)
        types = [
            TypeAnswer(
                t,
                entry["by_interceptor"][t]["first_stockout_day"],
                float(entry["by_interceptor"][t]["days_empty"]),
                int(entry["by_interceptor"][t]["final_stock"]),
            )
            for t in itypes
        ]
        all_day = entry["first_stockout_day"]
        leaks = before = None
        if no_stock_times is not None and kind == "site":
            times = np.asarray(no_stock_times.get(name, ()), dtype=float)
            leaks = len(times)
            before = int((times < all_day).sum()) if all_day is not None else leaks
        holders.append(HolderAnswer(name, kind, types, all_day, leaks, before))
    c = summary["cost"]
    cost = Cost(c["interceptor_cost_spent"], c["threat_cost_defeated"], c["cost_exchange_ratio"], currency)
    totals = {k: int(v) for k, v in summary["totals"].items() if isinstance(v, int | float)}
    layered = _layered_lines(summary, paths or {}, start_of(summary)) if summary.get("assets") else []
    return RunAnswers(summary["scenario"], start_of(summary), holders, cost, totals, layered)


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


# --- ensembles ----------------------------------------------------------------------------


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


def prefix(name: str, kind: str) -> str:
    return f"{'sites' if kind == 'site' else 'stockpiles_and_producers'}.{name}"


def type_key(name: str, kind: str, interceptor: str, what: str = "first_stockout_day") -> str:
    """The registry key of one type's figure at one holder."""
    return f"{prefix(name, kind)}.by_interceptor.{interceptor}.{what}"


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


# --- as data (summary.json's "answers") -----------------------------------------------------


def _num(x: float | None) -> float | None:
    """A number for strict JSON: None for never, NaN or infinity."""
    return None if x is None or not math.isfinite(x) else float(x)


def _iso(day: float | None, start: dt.datetime | None) -> str | None:
    """A day after the start as an ISO date ('2024-01-12'), None without a calendar or for never."""
    if start is None or _num(day) is None:
        return None
    assert day is not None
    return (start + dt.timedelta(days=float(day))).date().isoformat()


def _cost_data(c: Cost | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "interceptor_cost_spent": _num(c.spent),
        "threat_cost_defeated": _num(c.defeated),
        "cost_exchange_ratio": _num(c.ratio),
        "currency": c.currency,
        "sentence": c.line(),
    }


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
                "all_types_day": _num(h.all_types_day),
                "all_types_date": _iso(h.all_types_day, a.start),
                "no_stock_leaks": h.no_stock_leaks,
                "no_stock_leaks_before_all": h.no_stock_leaks_before_all,
                "types": [
                    {
                        "interceptor": t.interceptor,
                        "first_stockout_day": _num(t.first_stockout_day),
                        "first_stockout_date": _iso(t.first_stockout_day, a.start),
                        "days_empty": _num(t.days_empty),
                        "final_stock": t.final_stock,
                    }
                    for t in h.types
                ],
            }
        )
    return {"kind": "run", "lines": run_lines(a), "holders": holders, "cost": _cost_data(a.cost)}


def _odds_data(o: Odds, start: dt.datetime | None) -> dict[str, Any]:
    return {
        "interceptor": o.interceptor,
        "p_dry": _num(o.p_dry),
        "median_day": _num(o.median),
        "median_date": _iso(o.median, start),
        "p5_day": _num(o.p5),
        "p95_day": _num(o.p95),
        "replications": o.reps,
        "mean_days_empty": _num(o.days_empty),
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
        "cost": _cost_data(a.cost),
    }
