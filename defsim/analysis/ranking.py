"""Which uncertain keys matter: Sobol indices over a Saltelli design (``SALib``), or else
regional sensitivity (Kolmogorov-Smirnov distance, total-variation distance for a categorical
key) between the futures that meet the condition and those that do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .uncertainty import Uncertainty


def salib_problem(d: int) -> dict[str, Any]:
    return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


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
            salib_problem(len(uncertainties)),
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
