"""Scenario discovery and global sensitivity over sampled futures (``defsim discover``).

A *future* is the scenario with each uncertain key set to a sampled value.  The samples are a
Latin hypercube (``scipy.stats.qmc``) or, when sensitivity is asked, Saltelli's extension of a
scrambled Sobol sequence (``SALib``); a categorical key takes the value whose share of [0, 1)
holds the sample.  Replication ``r`` of every future uses the ensemble's seeds
(``SeedSequence(seed).spawn(N)[r]``): the futures differ only by their inputs (common random
numbers), so an input with no effect changes no outcome at all.

The answers:

- **PRIM** (Friedman and Fisher 1999, the ``prim`` package): a box of input ranges in which the
  condition (``--when``) holds far more often than overall.  The peeling trajectory trades
  *coverage* (the share of all futures meeting the condition that are in the box) against
  *density* (the share of the futures in the box that meet it); the chosen box maximises
  coverage x lift, the lift being how far the density rises from the overall share towards 1
  (``(density - share) / (1 - share)``): a loose box barely denser than everything scores
  near 0 however much it covers.  Each restriction gets a *quasi-p-value* (Bryant and Lempert 2010): a
  one-sided binomial test of whether the box's density could come from the box without that
  restriction; above 0.05 the restriction could be dropped.
- **Sobol indices** (Saltelli 2010 estimators, ``SALib.analyze.sobol``), first order S1 and
  total order ST with bootstrap 95% intervals, when the samples were drawn for it.
- Otherwise **regional sensitivity analysis**: the Kolmogorov-Smirnov distance between the
  values of a key in the futures that meet the condition and in those that do not (for a
  continuous outcome, above and below its median); for a categorical key the total-variation
  distance between the two groups' shares of each value.

A figure that is a day which may never come (a first stockout) counts as later than any day
when it never comes (``< 200`` is false, ``> 200`` true); as a continuous outcome it is censored
at the end of the run.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..scenario.errors import InputError

#: entropy added to the seed for the sampling design, so it draws from other streams than the runs
DESIGN_TAG = 0x64697363
#: quasi-p-values above this: the restriction could be dropped
QP_MATTERS = 0.05
OPERATORS = ("<=", ">=", "<", ">")


class DiscoveryError(InputError):
    """A range, a choice or a condition that cannot be used: the message says what was expected."""


# --- the uncertain keys ------------------------------------------------------------------------


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain key of the scenario and the values it may take.

    ``kind``: ``number`` (a float), ``count`` (an integer), ``quantity`` (a number written with a
    unit, e.g. ``30/yr`` or ``21d``), ``date`` (a
    calendar day) or ``choice`` (one of ``choices``, categorical).
    """

    key: str
    kind: str
    lo: float = 0.0
    hi: float = 0.0
    unit: str = ""
    integer: bool = False
    choices: tuple[Any, ...] = ()
    text: str = ""  # as the user wrote it, for messages

    @property
    def categorical(self) -> bool:
        return self.kind == "choice"

    def value(self, u: float) -> Any:
        """The value written into the scenario for a sample ``u`` in [0, 1)."""
        if self.kind == "choice":
            k = len(self.choices)
            return self.choices[min(int(u * k), k - 1)]
        if self.integer or self.kind == "date":
            x: float = min(self.lo + math.floor(u * (self.hi - self.lo + 1)), self.hi)
        else:
            x = float(f"{self.lo + u * (self.hi - self.lo):.6g}")
        if self.kind == "date":
            return dt.date.fromordinal(int(x))
        if self.kind == "quantity":
            return f"{int(x) if self.integer else x:g}{self.unit}"
        return int(x) if self.integer else x

    def column(self, value: Any) -> Any:
        """The value as a column of the samples table: a number (a date as its ISO text, a choice as text)."""
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "quantity":
            return float(str(value)[: len(str(value)) - len(self.unit)])
        if self.kind == "choice":
            return show_value(value)
        return value

    def numeric(self, value: Any) -> float:
        """The value on this key's axis (a date as its day number): what PRIM peels."""
        if self.kind == "date":
            return float(value.toordinal())
        return float(self.column(value))

    def show(self, x: float) -> str:
        """A number on this key's axis as the user writes it (a day number as a date)."""
        if self.kind == "date":
            return dt.date.fromordinal(round(x)).isoformat()
        if self.integer:
            return f"{round(x)}{self.unit}"
        return f"{x:.4g}{self.unit}"

    @property
    def label(self) -> str:
        return f"{self.key} [{self.unit}]" if self.kind == "quantity" else self.key

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind}
        if self.kind == "choice":
            out["choices"] = [show_value(c) for c in self.choices]
        else:
            out["low"], out["high"] = self.show(self.lo), self.show(self.hi)
            if self.unit:
                out["unit"] = self.unit
            out["integer"] = self.integer or self.kind == "date"
        return out


def show_value(v: Any) -> str:
    """A value as it is written in YAML (true, not True)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    return str(v)


_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s.+-].*?)\s*$")


def _number(v: Any) -> Any:
    # YAML reads 1e6 (no dot) as text: a number all the same
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def make_range(key: str, lo: Any, hi: Any, text: str) -> Uncertainty:
    """An uncertainty from the two ends of ``--range KEY=LO..HI``, already read as YAML values."""

    def refuse(why: str) -> DiscoveryError:
        return DiscoveryError(f"--range {text}: {why}")

    lo, hi = _number(lo), _number(hi)
    if isinstance(lo, bool) or isinstance(hi, bool):
        raise refuse("true/false is not a range; use --choice KEY=true,false")
    if isinstance(lo, dt.datetime) or isinstance(hi, dt.datetime):
        raise refuse("a range of dates is written with days only, e.g. 2025-06-01..2026-06-01")
    if isinstance(lo, dt.date) and isinstance(hi, dt.date):
        a, b, kind, unit, integer = float(lo.toordinal()), float(hi.toordinal()), "date", "", True
    elif isinstance(lo, int | float) and isinstance(hi, int | float):
        integer = isinstance(lo, int) and isinstance(hi, int)
        a, b, kind, unit = float(lo), float(hi), "count" if integer else "number", ""
    elif isinstance(lo, str) and isinstance(hi, str):
        ma, mb = _QUANTITY.match(lo), _QUANTITY.match(hi)
        if not ma or not mb:
            raise refuse(
                "expected numbers (0.5..0.9), counts (20..60), dates (2025-06-01..2026-06-01) "
                "or numbers with one unit (30/yr..90/yr, 10d..40d)"
            )
        if ma.group(2) != mb.group(2):
            raise refuse(f"both ends need the same unit ({ma.group(2)!r} and {mb.group(2)!r})")
        unit = ma.group(2)
        # continuous: a rate or a duration need not be whole
        a, b, kind, integer = float(ma.group(1)), float(mb.group(1)), "quantity", False
    else:
        raise refuse("both ends must be of one kind: numbers, dates, or numbers with one unit")
    if not a < b:
        raise refuse("the low end must be below the high end")
    return Uncertainty(key, kind, a, b, unit, integer, text=text)


def make_choice(key: str, values: list[Any], text: str) -> Uncertainty:
    """An uncertainty from ``--choice KEY=a,b,c`` (values already read as YAML values)."""
    shown = [show_value(v) for v in values]
    if len(values) < 2:
        raise DiscoveryError(f"--choice {text}: give at least two values, separated by commas")
    if len(set(shown)) != len(shown):
        raise DiscoveryError(f"--choice {text}: a value is given twice")
    return Uncertainty(key, "choice", choices=tuple(values), text=text)


# --- the sampling design ---------------------------------------------------------------------


def design_rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, DESIGN_TAG]))


def latin_hypercube(n: int, d: int, seed: int) -> np.ndarray:
    """``n`` points of a Latin hypercube in [0, 1)^d."""
    from scipy.stats import qmc

    return np.asarray(qmc.LatinHypercube(d=d, rng=design_rng(seed)).random(n))


def sobol_base(samples: int, d: int) -> int:
    """The Sobol base N (a power of two) whose Saltelli design of N x (d + 2) runs fits ``samples``."""
    n = 1
    while 2 * n * (d + 2) <= samples:
        n *= 2
    return n


#: the smallest Sobol base that gives usable intervals
MIN_SOBOL_BASE = 16


def saltelli(base: int, d: int, seed: int) -> np.ndarray:
    """Saltelli's design for first and total order indices: ``base * (d + 2)`` points in [0, 1)^d."""
    import warnings

    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on sample sizes: ours are powers of two
        return np.asarray(sobol.sample(_problem(d), base, calc_second_order=False, scramble=True, seed=seed))


def _problem(d: int) -> dict[str, Any]:
    return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


# --- the outcome -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """``FIGURE OP VALUE``: the futures of interest (``value`` on the figure's own scale)."""

    figure: str
    op: str
    value: float
    text: str

    def met(self, x: np.ndarray, day: bool) -> np.ndarray:
        """Which values meet it; a day that never came (NaN) is later than any (``day``)."""
        x = np.asarray(x, dtype=float)
        x = np.where(np.isnan(x), math.inf if day else math.nan, x)
        with np.errstate(invalid="ignore"):
            out = {"<": x < self.value, "<=": x <= self.value, ">": x > self.value, ">=": x >= self.value}
        return np.asarray(out[self.op], dtype=bool)


def split_condition(text: str) -> tuple[str, str, str]:
    """``"sites.Capital.first_stockout_day < 200"`` -> (figure, op, value text)."""
    for op in OPERATORS:  # two-character operators first
        if op in text:
            figure, _, value = text.partition(op)
            if figure.strip() and value.strip():
                return figure.strip(), op, value.strip()
    raise DiscoveryError(
        f"--when {text!r}: expected FIGURE < VALUE (or <=, >, >=), e.g. "
        '"sites.Capital.first_stockout_day < 200"'
    )


# --- the answers -------------------------------------------------------------------------------


@dataclass
class Box:
    """A PRIM box: its peeling trajectory and the step chosen, with that step's restrictions."""

    trajectory: list[dict[str, Any]]  # coverage, density, mass, restricted: per step
    chosen: int
    limits: dict[str, dict[str, Any]]  # restricted keys of the chosen step: low/high or values, qp

    @property
    def stats(self) -> dict[str, Any]:
        return self.trajectory[self.chosen]

    def to_json(self) -> dict[str, Any]:
        return {
            "chosen": self.chosen,
            "coverage": self.stats["coverage"],
            "density": self.stats["density"],
            "mass": self.stats["mass"],
            "restrictions": self.limits,
            "peeling_trajectory": self.trajectory,
        }


def _restrictions(
    lims: Any, init: Any, uncertainties: list[Uncertainty], qp: dict[str, float] | None
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for j, u in enumerate(uncertainties):
        name = f"x{j}"
        if u.categorical:
            kept, every = set(lims[name][0]), set(init[name][0])
            if kept == every:
                continue
            entry: dict[str, Any] = {"values": [c for c in (show_value(c) for c in u.choices) if c in kept]}
        else:
            lo, hi = float(lims[name][0]), float(lims[name][1])
            at_lo, at_hi = lo <= float(init[name][0]), hi >= float(init[name][1])
            if at_lo and at_hi:
                continue
            entry = {
                "low": None if at_lo else u.show(lo),
                "high": None if at_hi else u.show(hi),
                "low_value": None if at_lo else lo,
                "high_value": None if at_hi else hi,
            }
        if qp is not None:
            entry["quasi_p"] = float(qp.get(name, math.nan))
        out[u.key] = entry
    return out


def prim_boxes(
    x: np.ndarray, y: np.ndarray, uncertainties: list[Uncertainty], max_boxes: int = 2
) -> list[Box]:
    """PRIM boxes for the futures ``y`` (bool) over the inputs ``x`` (samples x keys, numeric;
    categorical keys hold the index of their value)."""
    import logging
    import warnings

    import pandas as pd
    from prim import Prim

    if y.sum() == 0 or y.all():
        return []
    cols: dict[str, Any] = {}
    for j, u in enumerate(uncertainties):
        if u.categorical:
            cols[f"x{j}"] = np.array([show_value(u.choices[int(i)]) for i in x[:, j]], dtype=object)
        elif u.integer or u.kind == "date":
            cols[f"x{j}"] = x[:, j].astype(np.int64)
        else:
            cols[f"x{j}"] = x[:, j].astype(float)
    frame = pd.DataFrame(cols)
    boxes: list[Box] = []
    logging.getLogger("prim").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' notes on the package's idioms
        prim = Prim(frame, np.asarray(y, dtype=bool), peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
        init = prim._box_init
        overall = float(np.mean(y))
        for _ in range(max_boxes):
            box = prim.find_box()
            if box is None:
                break
            traj = box.peeling_trajectory
            steps: list[dict[str, Any]] = []
            for i in range(len(traj)):
                row = traj.iloc[i]
                steps.append(
                    {
                        "coverage": float(row["coverage"]),
                        "density": float(row["density"]),
                        "mass": float(row["mass"]),
                        "restricted": int(row["res dim"]),
                        "restrictions": _restrictions(box._box_lims[i], init, uncertainties, None),
                    }
                )
            base = steps[0]["density"]  # the share among the futures this box starts from
            score = [s["coverage"] * (s["density"] - base) / (1 - base) for s in steps]
            chosen = int(np.argmax(score))
            box.select(chosen)
            if steps[chosen]["density"] <= overall or steps[chosen]["restricted"] == 0:
                break  # no box better than everything: nothing more to find
            qp = {k: float(v) for k, v in box._calculate_quasi_p(chosen).items()}
            boxes.append(Box(steps, chosen, _restrictions(box._box_lims[chosen], init, uncertainties, qp)))
            if steps[chosen]["coverage"] < 0.1:
                break
    return boxes


@dataclass
class Score:
    """How much one uncertainty matters: Sobol indices, or a regional sensitivity distance."""

    key: str
    score: float  # what the ranking sorts by: ST, or the distance
    low: float | None = None  # its 95% interval (Sobol)
    high: float | None = None
    first: float | None = None  # S1 and its interval (Sobol)
    first_low: float | None = None
    first_high: float | None = None
    p_value: float | None = None  # the two-sample test's (regional sensitivity)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass
class Ranking:
    method: str
    scores: list[Score] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "note": self.note, "scores": [s.to_json() for s in self.scores]}


SOBOL = "Sobol indices (Saltelli 2010 estimators, SALib), 95% bootstrap intervals"
RSA = "regional sensitivity: Kolmogorov-Smirnov distance (total-variation distance for a categorical key)"


def sobol_ranking(y: np.ndarray, uncertainties: list[Uncertainty], seed: int) -> Ranking:
    """First and total order Sobol indices of ``y`` over a :func:`saltelli` design."""
    import warnings

    from SALib.analyze import sobol

    if np.nanvar(y) == 0:
        return Ranking(SOBOL, note="the outcome is the same in every future: nothing to rank")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        r = sobol.analyze(
            _problem(len(uncertainties)),
            np.asarray(y, dtype=float),
            calc_second_order=False,
            num_resamples=200,
            conf_level=0.95,
            seed=seed,
        )
    scores = []
    for j, u in enumerate(uncertainties):
        st, stc, s1, s1c = (float(r[k][j]) for k in ("ST", "ST_conf", "S1", "S1_conf"))
        scores.append(Score(u.key, st, st - stc, st + stc, s1, s1 - s1c, s1 + s1c))
    return Ranking(SOBOL, sorted(scores, key=lambda s: -s.score))


def rsa_ranking(x: np.ndarray, groups: np.ndarray, uncertainties: list[Uncertainty], note: str) -> Ranking:
    """Regional sensitivity: how differently each key is distributed in the two groups of futures."""
    from scipy import stats

    if groups.all() or not groups.any():
        return Ranking(RSA, note="every future is in one group: nothing to rank")
    scores = []
    for j, u in enumerate(uncertainties):
        a, b = x[groups, j], x[~groups, j]
        if u.categorical:
            k = len(u.choices)
            ca = np.bincount(a.astype(int), minlength=k)
            cb = np.bincount(b.astype(int), minlength=k)
            dist = 0.5 * float(np.abs(ca / ca.sum() - cb / cb.sum()).sum())
            table = np.array([ca, cb])
            table = table[:, table.sum(axis=0) > 0]
            p = float(stats.chi2_contingency(table)[1]) if table.shape[1] > 1 else 1.0
        else:
            res = stats.ks_2samp(a, b)
            dist, p = float(res.statistic), float(res.pvalue)
        scores.append(Score(u.key, dist, p_value=p))
    return Ranking(RSA, sorted(scores, key=lambda s: -s.score), note)


# --- in words ---------------------------------------------------------------------------------


def percent(x: float) -> str:
    return f"{100 * x:.0f}%"


def box_words(box: Box, uncertainties: list[Uncertainty]) -> list[str]:
    """The chosen box as sentences: its restrictions, coverage, density, and which matter."""
    by_key = {u.key: u for u in uncertainties}
    parts = []
    for key, r in box.limits.items():
        u = by_key[key]
        if u.categorical:
            parts.append(f"{key} is {' or '.join(r['values'])}")
        elif r["low"] is not None and r["high"] is not None:
            parts.append(f"{key} between {r['low']} and {r['high']}")
        elif r["low"] is not None:
            parts.append(f"{key} at least {r['low']}")
        else:
            parts.append(f"{key} at most {r['high']}")
    s = box.stats
    lines = [
        "the box: " + "; ".join(parts),
        f"  {percent(s['density'])} of the futures in the box meet the condition (density); the box holds "
        f"{percent(s['coverage'])} of all futures that do (coverage) and {percent(s['mass'])} of all futures",
    ]
    matter = [k for k, r in box.limits.items() if r["quasi_p"] <= QP_MATTERS]
    loose = [k for k, r in box.limits.items() if r["quasi_p"] > QP_MATTERS]
    if matter:
        lines.append(
            "  restrictions that matter (quasi-p <= 0.05): "
            + ", ".join(f"{k} (p={box.limits[k]['quasi_p']:.2g})" for k in matter)
        )
    if loose:
        lines.append(
            "  restrictions that could be dropped (quasi-p > 0.05): "
            + ", ".join(f"{k} (p={box.limits[k]['quasi_p']:.2g})" for k in loose)
        )
    return lines


def ranking_words(ranking: Ranking) -> list[str]:
    if not ranking.scores:
        return [f"ranking: {ranking.note}"]
    out = [f"what matters most ({ranking.method}):"]
    for s in ranking.scores:
        if s.low is not None and s.first is not None:
            out.append(
                f"  {s.key}: total {s.score:.2f} [{s.low:.2f}, {s.high:.2f}], "
                f"first order {s.first:.2f} [{s.first_low:.2f}, {s.first_high:.2f}]"
            )
        else:
            out.append(f"  {s.key}: {s.score:.2f} (p={s.p_value:.2g})")
    return out
