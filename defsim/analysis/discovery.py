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

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..scenario.overrides import show_value
from .ranking import RSA, SOBOL, Ranking, Score, ranking_words, rsa_ranking, salib_problem, sobol_ranking
from .uncertainty import DiscoveryError, Uncertainty, make_choice, make_range

__all__ = [
    "DESIGN_TAG",
    "MIN_SOBOL_BASE",
    "OPERATORS",
    "QP_MATTERS",
    "RSA",
    "SOBOL",
    "Box",
    "Condition",
    "DiscoveryError",
    "Ranking",
    "Score",
    "Uncertainty",
    "box_words",
    "design_rng",
    "latin_hypercube",
    "make_choice",
    "make_range",
    "percent",
    "prim_boxes",
    "ranking_words",
    "rsa_ranking",
    "saltelli",
    "show_value",
    "sobol_base",
    "sobol_ranking",
    "split_condition",
]

#: entropy added to the seed for the sampling design, so it draws from other streams than the runs
DESIGN_TAG = 0x64697363
#: quasi-p-values above this: the restriction could be dropped
QP_MATTERS = 0.05
OPERATORS = ("<=", ">=", "<", ">")


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
        return np.asarray(
            sobol.sample(salib_problem(d), base, calc_second_order=False, scramble=True, seed=seed)
        )


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
