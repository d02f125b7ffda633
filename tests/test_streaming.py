"""Ensembles aggregate as they go: the streaming statistics give what whole arrays gave, in
memory that does not grow with replications, whatever the order replications arrive in."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import numpy as np
import pytest

from defsim.analysis import streaming
from defsim.analysis.ensemble import EnsembleAnalysis, make_grid
from defsim.analysis.execution import Collected, Replication, chunks
from defsim.analysis.statistics import figure_stats, figure_stats_streamed, time_stats, time_stats_streamed
from defsim.analysis.streaming import (
    BLOCK,
    MAX_DISTINCT,
    RELATIVE_ERROR,
    GridCrossings,
    LevelHistogram,
    Moments,
    ValueCounts,
    linear_percentiles,
)
from defsim.plan.compiler import build
from defsim.scenario import from_dict
from tests.conftest import SCENARIOS

from .conftest import one_site


def _counted(x: np.ndarray, pieces: int = 3) -> ValueCounts:
    vc = ValueCounts()
    for part in np.array_split(x, pieces):
        vc = vc.merged(part)
    return vc


def _moments(x: np.ndarray) -> Moments:
    m = Moments(1)
    for k in range(0, len(x), BLOCK):
        m.add_block(x[k : k + BLOCK, None])
    return m


@pytest.mark.parametrize("n", [1, 2, 3, 7, 200, 1023, 1024, 1025, 3000])
def test_percentiles_and_moments_are_numpys(n: int) -> None:
    rng = np.random.default_rng(n)
    for x in (rng.integers(0, 30, n).astype(float), rng.random(n), np.round(rng.random(n), 2)):
        if len(np.unique(x)) > MAX_DISTINCT:
            continue
        want = np.percentile(x, [5, 25, 50, 75, 95])
        got = linear_percentiles(_counted(x), [5, 25, 50, 75, 95])
        assert got.tolist() == want.tolist()  # bit for bit
        a, b = figure_stats(x, (0.0, 1.0)), figure_stats_streamed(_moments(x), 0, _counted(x), (0.0, 1.0))
        if n <= BLOCK:
            assert a == b  # one block: the very numbers numpy gives
        else:  # blocks merged by Chan's update: the same up to rounding
            for k in ("mean", "se", "median", "p5", "p95"):
                assert b[k] == pytest.approx(a[k], rel=1e-12, abs=1e-15), k


@pytest.mark.parametrize("n", [1, 5, 200, 2000])
def test_time_stats_with_days_that_never_come(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.random(n) * 40
    x[rng.random(n) < 0.4] = math.nan  # never
    finite = x[np.isfinite(x)]
    m = _moments(x)
    got = time_stats_streamed(n, m, 0, _counted(finite))
    want = time_stats(x)
    if n <= BLOCK:
        assert got == want
    else:
        assert {k: v for k, v in got.items() if k != "mean_when_happened"} == {
            k: v for k, v in want.items() if k != "mean_when_happened"
        }
        assert got["mean_when_happened"] == pytest.approx(want["mean_when_happened"], rel=1e-12)
    empty = time_stats_streamed(n, Moments(1), None, None)
    assert empty == time_stats(np.full(n, math.nan))


def test_quantiles_of_many_distinct_values_are_binned_within_the_stated_error() -> None:
    rng = np.random.default_rng(3)
    x = rng.lognormal(2.0, 1.0, 50_000)
    x[:500] = 0.0  # zero has a bin of its own
    vc = _counted(x, 40)
    assert vc.binned and len(vc.keys) < MAX_DISTINCT * 2
    exact = np.sort(x)
    ranks = np.array([0, 1, 499, 500, 2500, 25_000, 47_500, 49_999])
    got = vc.order_stats(ranks)
    assert np.all(np.abs(got - exact[ranks]) <= RELATIVE_ERROR * np.abs(exact[ranks]) + 1e-300)
    want = np.percentile(x, [5, 50, 95])
    assert np.allclose(linear_percentiles(vc, [5, 50, 95]), want, rtol=RELATIVE_ERROR, atol=0)
    # the order values come in changes nothing
    again = _counted(rng.permutation(x), 7)
    assert again.binned and np.array_equal(again.keys, vc.keys) and np.array_equal(again.counts, vc.counts)


def test_stock_histogram_gives_numpys_bands_mean_and_p_empty() -> None:
    rng = np.random.default_rng(5)
    levels = rng.integers(-0, 60, (777, 3, 11)).astype(np.int32)
    levels[:, 2, :] = rng.integers(1000, 1100, (777, 11))  # a depot far from the sites' levels
    hist = LevelHistogram(3, 11)
    for part in np.array_split(levels[rng.permutation(777)], 9):  # any order, any chunks
        hist.add(part)
    q = (5, 25, 50, 75, 95)
    assert np.array_equal(hist.percentiles(q), np.percentile(levels, q, axis=0))
    assert np.array_equal(hist.mean(), levels.mean(axis=0))
    assert np.array_equal(hist.p_empty(), (levels <= 0).mean(axis=0))


def test_a_wide_stock_range_is_pooled_within_half_a_bin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "MAX_CELLS", 400)
    rng = np.random.default_rng(6)
    levels = rng.integers(0, 5000, (300, 1, 4)).astype(np.int32)
    hist = LevelHistogram(1, 4)
    for part in np.array_split(levels, 5):
        hist.add(part)
    w = hist.width[0]
    assert w > 1 and hist.nbytes < 400 * 8 + 1000
    got, want = hist.percentiles((5, 50, 95)), np.percentile(levels, (5, 50, 95), axis=0)
    assert np.all(np.abs(got - want) <= w / 2)
    assert np.array_equal(hist.mean(), levels.mean(axis=0))  # the mean stays exact


def test_grid_crossings_are_the_share_of_days_come() -> None:
    grid = make_grid(10.0, 1.0)
    days = np.array([0.0, 0.5, 3.0, 3.0, 9.99, math.nan, 10.0, math.nan])
    c = GridCrossings(grid)
    c.add(days[:3])
    c.add(days[3:])
    filled = np.where(np.isfinite(days), days, np.inf)
    assert np.array_equal(c.p(), (filled[:, None] <= grid[None, :]).mean(axis=0))


def _fake(i: int, rng: np.random.Generator, new_key: bool = False) -> Replication:
    row = {"a": float(rng.integers(0, 9)), "b": float(1 + rng.random())}
    if new_key and i % 3 == 0:
        row["late"] = float(i)
    return Replication(i, row, rng.integers(0, 40, (2, 6)).astype(np.int32))


def test_the_order_replications_arrive_in_changes_nothing() -> None:
    rng = np.random.default_rng(8)
    reps = [_fake(i, rng, new_key=i > 1500) for i in range(2500)]
    grid = np.arange(6.0)
    in_order = Collected(grid)
    for part in chunks(range(2500), 3):
        in_order.add([reps[i] for i in part])
    shuffled = Collected(grid)
    parts = list(chunks(range(2500), 8))
    order = rng.permutation(len(parts))
    for k in order:
        shuffled.add([reps[i] for i in parts[k]])
    (ma, ca, ga), (mb, cb, gb) = in_order.state(), shuffled.state()
    assert in_order.columns == shuffled.columns == ["a", "b", "late"]
    assert np.array_equal(ma.mean, mb.mean) and np.array_equal(ma.m2, mb.m2)
    assert all(np.array_equal(x.counts, y.counts) for x, y in zip(ca, cb, strict=True))
    assert all(np.array_equal(x.first, y.first) for x, y in zip(ga, gb, strict=True))
    rows = np.concatenate(list(shuffled.blocks()))
    assert rows.shape == (2500, 3)
    want = np.array([[r.row.get(k, math.nan) for k in ("a", "b", "late")] for r in reps])
    assert np.array_equal(rows, want, equal_nan=True)  # reps.csv's rows, in replication order
    # a column that first appears late: the replications before it never had the day
    assert ga[2].n == 2500
    clone = pickle.loads(pickle.dumps(shuffled))
    assert np.array_equal(np.concatenate(list(clone.blocks())), rows, equal_nan=True)


def test_retained_state_does_not_grow_with_replications() -> None:
    """The main process's ensemble state after 6,000 and 30,000 replications: the same size (both
    past MAX_DISTINCT replications, so the continuous figure is binned in both)."""
    grid = np.arange(6.0)
    sizes = {}
    for n in (6_000, 30_000):
        rng = np.random.default_rng(1)
        c = Collected(grid)
        for part in chunks(range(n), 2):
            c.add([_fake(i, rng) for i in part])
        c.state()
        sizes[n] = c.nbytes
    assert sizes[6_000] == sizes[30_000] < 100_000


def test_a_real_ensembles_state_is_the_same_size_after_100_and_1000_replications() -> None:
    sc = from_dict(one_site(stock={"I": 300}) | {"duration": "2d"})
    plan = build(sc.spec)
    grid = make_grid(plan.duration, 0.5)
    from defsim.analysis.execution import execute

    held = {}
    for n in (100, 1000):
        c = execute(plan, 1, range(n), grid)
        ens = EnsembleAnalysis(plan, 1, grid, c)
        ens.summary, ens.bands()
        assert c.levels is not None
        counts = sum(v.nbytes for v in c.counts)
        assert counts <= len(c.columns) * MAX_DISTINCT * 16  # value counts are capped
        held[n] = c.nbytes - counts  # all else: fixed by the figures and the grid
    assert held[100] == held[1000]


def test_a_pooled_band_where_every_replication_holds_the_same_level_is_that_level(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pooled into wide bins, a percentile was its bin's centre: 95.5 where every replication held
    120.  Kept within the lowest and highest level seen, it is 120."""
    monkeypatch.setattr(streaming, "MAX_CELLS", 400)
    rng = np.random.default_rng(7)
    levels = rng.integers(0, 5000, (300, 1, 4)).astype(np.int32)
    levels[:, 0, 1] = 120  # the same in every replication at one grid point
    hist = LevelHistogram(1, 4)
    for part in np.array_split(levels, 5):
        hist.add(part)
    assert hist.width[0] >= 16  # pooled, 120 is not a bin centre
    got = hist.percentiles((5, 25, 50, 75, 95))
    assert np.all(got[:, 0, 1] == 120)
    want = np.percentile(levels, (5, 25, 50, 75, 95), axis=0)
    assert np.all(np.abs(got - want) <= hist.width[0] / 2)


def test_pooled_bands_are_said_in_summary_bands_csv_and_the_fan_chart(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import csv
    import json

    from matplotlib.figure import Figure

    import defsim
    from defsim.io import plot_fan
    from defsim.io.folder import read

    monkeypatch.setattr(streaming, "MAX_CELLS", 2000)
    sc = defsim.load(SCENARIOS / "textbook.yaml")
    ens = defsim.run(sc, reps=8, workers=1, grid="1h")
    ens.save(tmp_path / "o", plot=False)
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    pooled = summary["pooled_bands"]
    assert pooled and pooled[0]["holder"] == "Battery" and pooled[0]["bin_rounds"] > 1
    with (tmp_path / "o" / "bands.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["bin_rounds"] for r in rows} == {str(pooled[0]["bin_rounds"])}
    start = rows[0]  # time 0: every replication holds its full stock
    assert start["median"] == start["p5"] == start["p95"] == "120"
    drawn: list[str] = []
    real = Figure.savefig

    def keep(fig: Figure, *a: object, **k: object) -> None:
        drawn.extend(t.get_text() for ax in fig.axes for t in ax.texts)
        real(fig, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Figure, "savefig", keep)
    plot_fan.plot_fan(read(tmp_path / "o"), tmp_path / "fan.png")  # type: ignore[arg-type]
    assert any(f"pooled in {pooled[0]['bin_rounds']}-round bins" in t for t in drawn), drawn


def test_exact_bands_say_so() -> None:
    import defsim

    ens = defsim.run(defsim.load(SCENARIOS / "textbook.yaml"), reps=4, workers=1)
    assert ens.summary["pooled_bands"] == []
