"""A comparison's answer in words: which figures it names, with what numbers, units and intervals.

The figures are given replication by replication (synthetic, so the paired difference and its
interval are known in closed form: mean ± 1.96 standard errors of the per-replication differences).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import defsim
from defsim.analysis.effects import comparison_answers
from defsim.analysis.figures import REGISTRY
from defsim.plan.compiler import build
from tests.conftest import SCENARIOS

Z95 = 1.959963984540054
N = 400


@pytest.fixture(scope="module")
def catalogue():
    return REGISTRY.catalogue(build(defsim.load(str(SCENARIOS / "textbook.yaml")).spec))


def answer(catalogue, data: dict[str, tuple[np.ndarray, np.ndarray]], question: str = "", **kw):
    def figure(k: int, key: str) -> np.ndarray:
        if key in data:
            return data[key][k]
        return np.full(N, 5.0)  # every other figure: the same in both variants

    return comparison_answers(question, ["base", "cut"], catalogue, figure, list(catalogue), **kw)


def interval(a: np.ndarray, b: np.ndarray, scale: float = 1.0) -> tuple[float, float, float]:
    d = (b - a) * scale
    mean, se = d.mean(), d.std(ddof=1) / math.sqrt(len(d))
    return mean, mean - Z95 * se, mean + Z95 * se


def test_a_clear_change_is_said_with_its_interval_in_closed_form(catalogue):
    rng = np.random.default_rng(1)
    base = rng.normal(100, 10, N)
    cut = base - 20 + rng.normal(0, 2, N)
    a = answer(catalogue, {"threats.missile.killed": (base, cut)})
    mean, lo, hi = interval(base, cut)
    (v,) = a.variants
    assert [x.key for x in v.effects] == ["threats.missile.killed"]
    assert v.sentence == f"cut vs base: {-mean:.1f} fewer missiles killed [{-hi:.1f}, {-lo:.1f}]."
    assert a.lines == [v.sentence] and a.data()["variants"][0]["effects"][0]["ci95_low"] == pytest.approx(lo)


def test_noise_is_not_named_and_the_sentence_says_so(catalogue):
    e = np.random.default_rng(2).normal(0, 3, N // 2)
    base = np.full(N, 50.0)
    noisy = base + np.concatenate([e, -e])  # mean difference exactly 0
    a = answer(catalogue, {"totals.leaked": (base, noisy)})
    assert a.variants[0].effects == []
    assert a.lines == [f"cut vs base: no outcome differs beyond the noise of {N} paired replications."]


def test_size_relative_to_the_figure_beats_a_tiny_sure_change_and_units_are_kept(catalogue):
    rng = np.random.default_rng(3)
    share = rng.uniform(0.2, 0.3, N)
    days = rng.normal(200, 20, N)
    data = {
        # +0.5 pp on every replication: as sure as can be, and tiny
        "totals.leaked_share": (share, share + 0.005),
        # 60 more days without rounds, give or take: large against the figure
        "sites.Battery.days_empty": (days, days + 60 + rng.normal(0, 15, N)),
    }
    a = answer(catalogue, data)
    texts = [x.text for x in a.variants[0].effects]
    mean, lo, hi = interval(*data["sites.Battery.days_empty"])
    # the tiny sure change is not named next to a large one; alone, it is, in percentage points
    assert texts == [f"Battery goes {mean:.1f} more days without any round [{lo:.1f}, {hi:.1f}]"]
    alone = answer(catalogue, {"totals.leaked_share": data["totals.leaked_share"]})
    assert [x.text for x in alone.variants[0].effects] == [
        "the share of threats getting through rises by 0.5 pp [0.5, 0.5]"
    ]


def test_figures_the_question_names_come_first(catalogue):
    rng = np.random.default_rng(4)
    base = rng.normal(100, 10, N)
    days = rng.normal(100, 10, N)
    data = {
        "threats.missile.killed": (base, base * 0.7),  # 30% fewer
        "sites.Battery.days_empty": (days, days * 1.25),  # 20% more days without
    }
    unnamed = answer(catalogue, data, per_variant=1)
    named = answer(catalogue, data, "On what day does the battery run dry?", per_variant=1)
    assert unnamed.variants[0].effects[0].key == "threats.missile.killed"
    assert named.variants[0].effects[0].key == "sites.Battery.days_empty"


def test_a_day_that_may_never_come_is_compared_by_how_often_it_came(catalogue):
    base = np.where(np.arange(N) < N // 4, 30.0, np.nan)  # ran dry in 25% of runs
    cut = np.where(np.arange(N) < 3 * N // 4, 30.0, np.nan)  # in 75%
    a = answer(catalogue, {"sites.Battery.by_interceptor.interceptor.first_stockout_day": (base, cut)})
    mean, lo, hi = interval(np.isfinite(base).astype(float), np.isfinite(cut).astype(float), 100)
    assert a.variants[0].effects[0].text == (
        f"Battery runs out of interceptor rounds in {mean:.1f} pp more of the runs [{lo:.1f}, {hi:.1f}]"
    )


def test_a_difference_of_shares_never_reaches_past_100_pp(catalogue):
    """Found in a sweep's answer: "99.0 pp more [97.0, 101.0]".  Two shares differ by at most
    100 pp, so the interval stops there (the normal interval around 99.0 pp would not)."""
    base = np.full(N, np.nan)  # never ran dry
    cut = np.where(np.arange(N) < N - 2, 30.0, np.nan)  # ran dry in 99.5% of runs
    a = answer(catalogue, {"sites.Battery.by_interceptor.interceptor.first_stockout_day": (base, cut)})
    mean, lo, hi = interval(np.isfinite(base).astype(float), np.isfinite(cut).astype(float), 100)
    assert hi > 100  # the case: the unclipped interval goes past what a share can do
    (effect,) = a.variants[0].effects
    assert effect.text.endswith(f"{mean:.1f} pp more of the runs [{lo:.1f}, 100.0]")
    assert effect.high == 100.0 and effect.low == pytest.approx(lo)
