"""What a change did: a sweep's or comparison's answer in one or two sentences per variant.

Every variant ran the same replication seeds as the first (common random numbers), so the
difference of a figure between them is taken replication by replication ("paired"); its mean
and 95% interval say what the change did and how sure that is.  This module picks, for each
later variant, the few figures that tell its story and says them in words with their unit and
interval: "backfill cut: 33.9 fewer ballistic missiles killed [32.7, 35.1]; Capital goes 105.7
more days without an LR-SAM round [98.0, 113.4]".

**The rule** (:data:`RULE`).  A figure is a candidate when it is an outcome (threats killed or
getting through, days without rounds, when rounds ran out, damage, the cost-exchange ratio;
not inputs such as deliveries on a route) and its 95% interval excludes zero
(|mean| > half-width).  With common random numbers intervals are narrow, so a change of half a
percentage point can be "sure" while telling nothing: candidates are therefore ranked by the
size of the change against what it could be: threats killed or getting through against the
threats that arrived (of that type), days without rounds or a shift of when against the run's
length, damage against the asset's value, a share (of threats, of runs) as it is, the
cost-exchange ratio against itself (a number in [0, 1]), doubled for figures the scenario's
question names (a word such as "dry", "damage", "rationing", "get
through", or a site, threat or interceptor named in it), ties broken by |Δ| / half-width.  The
top figure is said first, then the best of each other family (threats, sites, assets, cost)
scoring at least a quarter of the first's, up to ``per_variant`` figures.  When nothing
qualifies, the sentence says so.

Front ends call :func:`comparison_answers` with a way to read one figure across replications
of variant k (in memory: :meth:`defsim.analysis.ComparisonAnalysis.answer`; from a results
folder: the variants' ``reps.csv`` columns), so the terminal, the report and an explorer say
the same thing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .metrics import Figure, Kind
from .statistics import Z95, paired_difference
from .words import REASON_WORDS, VALUE_UNITS, show

RULE = (
    "Figures whose 95% interval of the paired difference excludes zero, ranked by the size of the "
    "change against what it could be (threats that arrived, the run's length, the asset's value), "
    "doubled for figures the question names; the best of each family, at least a quarter of the first."
)

#: outcome figures a comparison's answer may name: (pattern, family)
_OUTCOMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^threats\.(?P<threat>.+)\.(?P<what>killed|leaked)$"), "threats"),
    (re.compile(r"^totals\.(?P<what>killed|leaked|leaked_share)$"), "threats"),
    (re.compile(r"^totals\.leaked_by_reason\.(?P<reason>\w+)$"), "threats"),
    (
        re.compile(
            r"^sites\.(?P<site>.+?)\.by_interceptor\.(?P<itype>.+)\.(?P<what>days_empty|first_stockout_day)$"
        ),
        "sites",
    ),
    (re.compile(r"^sites\.(?P<site>.+)\.(?P<what>days_empty|first_stockout_day)$"), "sites"),
    (re.compile(r"^sites\.(?P<site>.+)\.rationing_from_day\.(?P<itype>.+)$"), "sites"),
    (re.compile(r"^assets\.(?P<asset>[^.]+)\.(?P<what>damage|leaked)$"), "assets"),
    (re.compile(r"^cost\.cost_exchange_ratio$"), "cost"),
]

#: words of a question and the figures they name
_QUESTION_WORDS: list[tuple[str, str]] = [
    (r"\bdry\b|run(s)? out|stockout|empty|last\b|without", r"days_empty|first_stockout_day"),
    (r"get(s)? through|leak|penetrat", r"leaked"),
    (r"\bkill|\bsave|intercept", r"killed"),
    (r"damage", r"damage"),
    (r"ration", r"rationing_from_day|leaked_by_reason\.rationed"),
    (r"\bcost", r"cost_exchange_ratio"),
]


@dataclass(frozen=True)
class Effect:
    """One figure's paired difference (variant minus the first), said in words."""

    key: str
    #: the figure's kind; a DAY figure is compared by the share of runs in which it came
    #: (``unit`` "pp") or, when it came in every run of both, by how many days earlier or later
    kind: Kind
    unit: str
    mean: float
    low: float
    high: float
    #: the words, e.g. "33.9 fewer ballistic missiles killed [32.7, 35.1]"
    text: str
    #: the size of the change against what it could be (see the module's docstring), in [0, 1]
    relative: float
    #: |mean| / 95% half-width
    strength: float
    named: bool
    family: str

    @property
    def score(self) -> float:
        return self.relative * (2.0 if self.named else 1.0)


@dataclass(frozen=True)
class VariantAnswer:
    """What one variant did, compared with the first."""

    label: str
    effects: list[Effect]
    sentence: str


@dataclass(frozen=True)
class ComparisonAnswers:
    """A comparison's answer: the question, the first variant (the baseline) and, per later
    variant, its sentence and the effects it names; ``lines`` is what reports print first."""

    question: str
    baseline: str
    reps: int
    variants: list[VariantAnswer] = field(default_factory=list)
    rule: str = RULE

    @property
    def lines(self) -> list[str]:
        return [v.sentence for v in self.variants]

    def data(self) -> dict[str, Any]:
        """As strict-JSON data (compare.json's ``answer``)."""
        return {
            "question": self.question,
            "baseline": self.baseline,
            "replications": self.reps,
            "rule": self.rule,
            "lines": self.lines,
            "variants": [
                {
                    "label": v.label,
                    "sentence": v.sentence,
                    "effects": [
                        {
                            "figure": x.key,
                            "unit": x.unit,
                            "difference": x.mean,
                            "ci95_low": x.low,
                            "ci95_high": x.high,
                            "text": x.text,
                        }
                        for x in v.effects
                    ],
                }
                for v in self.variants
            ],
        }


# --- words ------------------------------------------------------------------------------------


def _plural(name: str) -> str:
    name = name.replace("_", " ")
    return name if name.endswith("s") else f"{name}s"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" or re.match(r"^[AEFHILMNORSX](-|[A-Z]|$)", word) else "a"


def amount(kind: Kind, unit: str, value: float, currency: str = "USD") -> str:
    """A size of change (>= 0) in its unit: '33.9', '105.7 days', '0.5 pp', '$12m', '1.3bn value units'."""
    if unit == "pp":
        return f"{value:,.1f} pp"
    if kind is Kind.DURATION or unit in ("days", "day"):
        return f"{value:,.1f} days"
    if kind is Kind.MONEY:  # as every answer shows money; value units named
        text = show(kind, value, None, currency, unit)
        return f"{text} {VALUE_UNITS}" if unit == VALUE_UNITS else text
    if kind is Kind.SHARE:
        return f"{100 * value:,.1f} pp"
    return f"{value:.2f}" if kind is Kind.RATIO else f"{value:,.1f}"


def _bare(kind: Kind, unit: str, value: float, currency: str) -> str:
    # an interval's ends without the unit repeated (the unit follows the mean)
    text = amount(kind, unit, value, currency)
    for suffix in (" pp", " days", f" {VALUE_UNITS}"):
        text = text.removesuffix(suffix)
    return text


def _words(m: re.Match[str], key: str, up: bool, n: str) -> str:
    """The phrase of one figure's change of size ``n`` (with unit) in direction ``up``."""
    g = m.groupdict()
    mf = "more" if up else "fewer"
    what = g.get("what")
    if key.startswith("threats."):
        who = _plural(g["threat"])
        return f"{n} {mf} {who} killed" if what == "killed" else f"{n} {mf} {who} got through"
    if key == "totals.leaked_share":
        return f"the share of threats getting through {'rises' if up else 'falls'} by {n}"
    if key.startswith("totals.leaked_by_reason."):
        return f"{n} {mf} threats got through {REASON_WORDS.get(g['reason'], 'for reason ' + g['reason'])}"
    if key.startswith("totals."):
        return f"{n} {mf} threats killed" if what == "killed" else f"{n} {mf} threats got through"
    if key.startswith("sites.") and "rationing_from_day" in key:
        return f"rationing of {g['itype']} at {g['site']} starts {n} {'later' if up else 'earlier'}"
    if key.startswith("sites."):
        site, itype = g["site"], g.get("itype")
        none = f"without {_article(itype)} {itype} round" if itype else "without any round"
        if what == "days_empty":
            return f"{site} goes {n.removesuffix(' days')} {'more' if up else 'fewer'} days {none}"
        out = f"runs out of {itype} rounds" if itype else "runs out of rounds of every type"
        if n.endswith("pp"):
            return f"{site} {out} in {n} {'more' if up else 'fewer'} of the runs"
        return f"{site} {out} {n} {'later' if up else 'earlier'}"
    if key.startswith("assets."):
        if what == "damage":
            return f"damage at {g['asset']} {'rises' if up else 'falls'} by {n}"
        return f"{n} {mf} threats reach {g['asset']}"
    return f"the cost-exchange ratio {'rises' if up else 'falls'} by {n}"


def _names_in(question: str, names: Iterable[str]) -> list[str]:
    q = question.lower()
    return [x for x in names if x and x.lower().replace("_", " ") in q.replace("_", " ")]


def _named(question: str, key: str, m: re.Match[str]) -> bool:
    q = question.lower()
    for words, keys in _QUESTION_WORDS:
        if re.search(words, q) and re.search(keys, key):
            return True
    return any(
        _names_in(question, [v for v in m.groupdict().values() if v and v not in ("killed", "leaked")])
    )


# --- the rule -----------------------------------------------------------------------------------


def _effect(
    key: str,
    fig: Figure,
    m: re.Match[str],
    family: str,
    a: np.ndarray,
    b: np.ndarray,
    question: str,
    currency: str,
    scale: float | None,
) -> Effect | None:
    """``scale``: what the change is measured against (None: the figure's own size)."""
    kind, unit = fig.kind, fig.unit
    if kind is Kind.DAY:
        came_a, came_b = np.isfinite(a), np.isfinite(b)
        d = paired_difference(came_a.astype(float), came_b.astype(float))
        if d is not None and d[1] > 0 and abs(d[0]) > Z95 * d[1]:
            unit = "pp"
            mean, half = 100 * d[0], 100 * Z95 * d[1]
            relative = abs(d[0])  # a change of share: already relative
        elif came_a.all() and came_b.all():
            d = paired_difference(a, b)
            if d is None:
                return None
            unit, mean, half = "days", d[0], Z95 * d[1]
            relative = abs(mean) / (scale or max(float(np.mean(a)), float(np.mean(b)), 1e-9))
        else:
            return None
    else:
        d = paired_difference(a, b)
        if d is None:
            return None
        mean, half = d[0], Z95 * d[1]
        own = max(abs(float(np.nanmean(a))), abs(float(np.nanmean(b))), 1e-12)
        relative = abs(mean) / (1.0 if kind is Kind.SHARE else scale or own)
        if kind is Kind.SHARE:
            unit, mean, half = "pp", 100 * mean, 100 * half
    if not (abs(mean) > half) or mean == 0:
        return None
    low, high = mean - half, mean + half
    if unit == "pp":  # a difference of two shares lies within +-100 pp; the normal interval may not
        low, high = max(low, -100.0), min(high, 100.0)
    up = mean > 0
    size = amount(kind, unit, abs(mean), currency)
    ends = sorted((abs(low), abs(high)))
    text = (
        _words(m, key, up, size)
        + f" [{_bare(kind, unit, ends[0], currency)}, {_bare(kind, unit, ends[1], currency)}]"
    )
    strength = abs(mean) / half if half > 0 else math.inf
    return Effect(
        key, kind, unit, mean, low, high, text, min(relative, 1.0), strength, _named(question, key, m), family
    )


def _choose(effects: list[Effect], per_variant: int) -> list[Effect]:
    ranked = sorted(effects, key=lambda x: (-x.score, -x.strength, x.key))
    chosen: list[Effect] = []
    for x in ranked:
        if len(chosen) >= per_variant or (chosen and x.score < 0.25 * chosen[0].score):
            break  # beyond the first, only figures of a size comparable to it
        if chosen and any(c.family == x.family for c in chosen):
            continue
        chosen.append(x)
    return chosen


def _scale_key(key: str, m: re.Match[str]) -> str | None:
    """The figure a change of ``key`` is measured against: threats by those that arrived (of the
    type), damage by the asset's value (what was protected plus the damage); None: days by the
    run's length, the ratio by itself."""
    g = m.groupdict()
    if key.startswith("threats."):
        return f"threats.{g['threat']}.arrived"
    if key.startswith("assets.") and g.get("what") == "damage":
        return f"assets.{g['asset']}.value_protected"
    if key.startswith(("totals.", "assets.")) and key != "totals.leaked_share":
        return "totals.arrived"
    return None


def comparison_answers(
    question: str,
    labels: Sequence[str],
    catalogue: Mapping[str, Figure],
    figure: Callable[[int, str], np.ndarray],
    columns: Iterable[str],
    currency: str = "USD",
    per_variant: int = 3,
) -> ComparisonAnswers:
    """The answer of a comparison: per later variant, a sentence naming the figures that changed
    most (see :data:`RULE` and this module's docstring), each with its unit and 95% interval.

    ``labels``: the variants' names, the first being the baseline. ``catalogue``: the figures the
    scenario reports (``REGISTRY.catalogue(plan)``), for their kind, unit and meaning.
    ``figure(k, key)``: figure ``key`` across the replications of variant ``k``, in replication
    order (NaN: none; for a day, never). ``columns``: the figure keys the variants hold.
    ``currency``: of cost figures.  ``per_variant``: at most this many figures per sentence.
    """
    keys = [c for c in columns if c in catalogue]
    candidates: list[tuple[str, re.Match[str], str]] = []
    for key in keys:
        for pattern, family in _OUTCOMES:
            m = pattern.match(key)
            if m:
                candidates.append((key, m, family))
                break
    base = labels[0] if labels else ""
    durations = [
        f.bounds[1] for f in catalogue.values() if f.kind is Kind.DURATION and math.isfinite(f.bounds[1])
    ]
    duration = max(durations) if durations else None
    present = set(keys)

    def mean(k: int, key: str) -> float:
        x = figure(k, key)
        x = x[np.isfinite(x)]
        return float(x.mean()) if len(x) else 0.0

    reps = 0
    out = []
    for k in range(1, len(labels)):
        effects = []
        for key, m, family in candidates:
            a, b = figure(0, key), figure(k, key)
            reps = len(a)
            if len(a) != len(b):
                continue
            by = _scale_key(key, m)
            scale: float | None = None
            if by is not None and by in present:
                scale = max(mean(0, by), mean(k, by))
                if key.endswith(".damage"):
                    scale += max(mean(0, key), mean(k, key))
            elif by is None and catalogue[key].kind in (Kind.DURATION, Kind.DAY):
                scale = duration
            x = _effect(key, catalogue[key], m, family, a, b, question, currency, scale or None)
            if x is not None:
                effects.append(x)
        chosen = _choose(effects, per_variant)
        if chosen:
            sentence = f"{labels[k]} vs {base}: " + "; ".join(x.text for x in chosen) + "."
        else:
            sentence = (
                f"{labels[k]} vs {base}: no outcome differs beyond the noise of {reps:,} paired replications."
            )
        out.append(VariantAnswer(labels[k], chosen, sentence))
    return ComparisonAnswers(question, base, reps, out)
