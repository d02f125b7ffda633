"""The metrics registry: every figure declared once, within its bounds, with statistics by kind."""

from __future__ import annotations

import math

import numpy as np
import pytest

import defsim
from defsim.analysis.figures import REGISTRY, row
from defsim.analysis.metrics import Kind, Metric, UnknownFigure
from defsim.analysis.statistics import figure_stats
from defsim.plan.compiler import build

SHIPPED = ["textbook", "nightly_raids", "multi_site", "backfill"]


def _leaves(d: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_leaves(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


@pytest.mark.parametrize("name", SHIPPED)
def test_every_figure_of_a_run_is_declared_and_within_its_bounds(name):
    result = defsim.run(name)  # shipped scenarios load by name
    figures = REGISTRY.catalogue(result.plan)
    values = row(result)
    assert values and set(values) <= set(figures)
    for key, v in values.items():
        fig = figures[key]
        lo, hi = fig.bounds
        if math.isnan(v):
            assert fig.kind in (Kind.DAY, Kind.RATIO, Kind.SHARE), key  # "never" or undefined
            continue
        assert lo <= v <= hi, (key, v, fig.bounds)
        if fig.kind is Kind.COUNT:
            assert v == int(v), key
    # every number in summary.json is a declared figure; every other leaf is a declared field
    leaves = _leaves(result.summary)
    numbers = {k for k, v in leaves.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    fields = {"seed", "replication", "duration_days"}
    assert numbers - fields <= set(figures)
    summary_figures = {k for k in values if figures[k].metric.summary}
    assert summary_figures <= set(leaves)


def test_the_registry_declares_each_pattern_once_with_a_kind_unit_and_meaning():
    patterns = [m.key for m in REGISTRY.metrics]
    assert len(patterns) == len(set(patterns))
    for m in REGISTRY.metrics:
        assert isinstance(m, Metric) and m.kind in Kind and m.unit and m.meaning
        assert "\n" not in m.meaning


def test_kinds_have_the_bounds_of_what_they_measure():
    assert Kind.SHARE.bounds(30.0) == (0.0, 1.0)
    assert Kind.DURATION.bounds(30.0) == (0.0, 30.0) == Kind.DAY.bounds(30.0)
    assert Kind.COUNT.bounds(30.0) == (0.0, math.inf) == Kind.MONEY.bounds(30.0)


def test_concrete_keys_follow_the_plan():
    plan = build(defsim.load("backfill").spec)
    figures = REGISTRY.catalogue(plan)
    assert figures["sites.Capital.by_interceptor.LR-SAM.days_empty"].kind is Kind.DURATION
    assert figures["stockpiles_and_producers.Licensee.produced"].unit == "rounds"
    assert "stockpiles_and_producers.Front stockpile.produced" not in figures  # producers only
    assert figures["totals.leaked_share"].bounds == (0.0, 1.0)
    assert "Capital" in figures["sites.Capital.days_empty"].meaning  # meanings name their parameters
    assert figures["attacker.ballistic missile.planned"].kind is Kind.COUNT


def test_unknown_keys_are_refused_with_the_closest_ones():
    plan = build(defsim.load("textbook").spec)
    with pytest.raises(UnknownFigure) as err:
        REGISTRY.lookup(plan, "sites.Batery.days_empty")
    assert err.value.suggestions[0] == "sites.Battery.days_empty"
    assert "did you mean 'sites.Battery.days_empty'" in str(err.value)
    with pytest.raises(UnknownFigure) as err:
        REGISTRY.lookup(plan, "nonsense", what="metric")
    assert err.value.suggestions == [] and str(err.value) == "unknown metric 'nonsense'"


# --- statistics by kind, intervals within bounds -------------------------------------------------


def test_a_zero_heavy_durations_interval_never_goes_below_zero():
    values = np.array([0.0] * 38 + [0.4, 0.9])  # mean 0.0325, se about 0.024: naive low end < 0
    naive = figure_stats(values)
    assert naive["ci95"][0] < 0
    clipped = figure_stats(values, Kind.DURATION.bounds(30.0))
    assert clipped["ci95"][0] == 0.0 and clipped["ci95"][1] == naive["ci95"][1]
    assert clipped["mean"] == naive["mean"] and clipped["se"] == naive["se"]


def test_a_shares_interval_never_leaves_zero_one():
    high = figure_stats(np.array([1.0] * 9 + [0.5]), Kind.SHARE.bounds(10.0))
    low = figure_stats(np.array([0.0] * 9 + [0.5]), Kind.SHARE.bounds(10.0))
    assert high["ci95"][1] == 1.0 and 0 < high["ci95"][0] < 1
    assert low["ci95"][0] == 0.0 and 0 < low["ci95"][1] < 1


def test_every_ensemble_interval_lies_within_its_figures_bounds():
    ens = defsim.run("multi_site", reps=20, workers=1)
    s = ens.summary
    clipped = 0
    for key, stats in s["figures"].items():
        fig = ens.catalogue[key]
        if fig.kind is Kind.DAY:
            assert set(stats) >= {"p_happened", "se_p", "median"}, key  # chosen by kind, not by name
            continue
        if stats is None or stats["ci95"] is None:
            continue
        lo, hi = fig.bounds
        assert lo <= stats["ci95"][0] <= stats["mean"] <= stats["ci95"][1] <= hi, (key, stats)
        naive_low = stats["mean"] - 1.959963984540054 * stats["se"]
        clipped += naive_low < lo
    assert clipped > 0  # this ensemble has figures whose naive interval would leave the bounds


def test_comparison_rows_are_keys_and_shares_stay_within_zero_one():
    sc = defsim.load("textbook")
    cmp = defsim.sweep(sc, {"sites.Battery.doctrine.shots": [1, 2]}, reps=6, workers=1)
    rows = cmp.table()
    keys = {r["figure"] for r in rows}
    assert "sites.Battery.first_stockout_day.p_happened" in keys
    assert "sites.Battery.first_stockout_day.median" in keys
    assert not any(":" in k for k in keys)  # no display labels as keys
    for r in rows:
        if r["figure"].endswith("p_happened") or r["figure"] == "totals.leaked_share":
            assert 0.0 <= r["ci95_low"] <= r["mean"] <= r["ci95_high"] <= 1.0, r


def test_a_new_figure_is_one_declaration():
    """Declared once, a figure appears in the summary, the replication row, the catalogue and
    the ensemble statistics with the bounds of its kind."""
    from defsim.analysis.facts import Facts
    from defsim.analysis.figures import DOMAINS, ENTRIES
    from defsim.analysis.metrics import Registry

    extra = Metric(
        key="sites.{site}.killed_per_shot",
        kind=Kind.RATIO,
        unit="threats per round",
        meaning="threats {site} killed per round fired",
        read=lambda f, p: f.total("killed") / max(1, int(f.record.shots.sum())),
    )
    registry = Registry([*ENTRIES, extra], DOMAINS)
    result = defsim.run("textbook")
    want = result.summary["totals"]["killed"] / result.summary["sites"]["Battery"]["shots"]
    facts = Facts(result)
    assert registry.summary(facts)["sites"]["Battery"]["killed_per_shot"] == pytest.approx(want)
    assert registry.row(facts)["sites.Battery.killed_per_shot"] == pytest.approx(want)
    fig = registry.catalogue(result.plan)["sites.Battery.killed_per_shot"]
    assert fig.bounds == (0.0, math.inf) and fig.meaning == "threats Battery killed per round fired"
    # and the shipped registry's summary is the same with or without it, but for the new key
    shipped = registry.summary(facts)
    del shipped["sites"]["Battery"]["killed_per_shot"]
    assert shipped == result.summary


def test_an_ensembles_figures_are_looked_up_by_key():
    ens = defsim.ensemble("textbook", reps=3, workers=1)
    assert len(ens.figure("totals.killed")) == 3
    with pytest.raises(UnknownFigure, match=r"did you mean 'totals\.killed'"):
        ens.figure("totals.kiled")
    assert ens.statistics("sites.Battery.days_empty")["ci95"][0] >= 0.0
    assert set(ens.statistics("sites.Battery.first_stockout_day")) >= {"p_happened", "median"}
