"""Ensembles: identical whatever the workers, correct against theory, bounded memory, clear errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

import defsim
from defsim.analysis import theory
from defsim.analysis.ensemble import execute, make_grid, run_chunk
from defsim.cli import main
from defsim.engine import simulate
from defsim.plan.compiler import build
from defsim.scenario import from_dict
from tests.conftest import SCENARIOS, one_site, with_top

NIGHTLY = SCENARIOS / "nightly_raids.yaml"


def _files(folder):
    return {f: (folder / f).read_bytes() for f in ("reps.csv", "summary.json", "bands.csv", "p_dry.csv")}


def test_same_results_with_1_and_2_workers(tmp_path):
    sc = defsim.load(NIGHTLY)
    a = defsim.run(sc, reps=12, workers=1)
    b = defsim.run(sc, reps=12, workers=2)
    a.save(tmp_path / "a", plot=False)
    b.save(tmp_path / "b", plot=False)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_replication_i_is_the_same_in_any_ensemble():
    """Replication i depends on (seed, i) only: not on N, not on the chunking."""
    sc = defsim.load(NIGHTLY)
    small = defsim.run(sc, reps=3, workers=1)
    large = defsim.run(sc, reps=7, workers=2)
    assert np.array_equal(small.values, large.values[:3])
    # and a single run is replication 0
    single = defsim.run(sc)
    assert single.summary["totals"]["killed"] == small.figure("totals.killed")[0]


@pytest.mark.slow
def test_same_results_on_a_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    sc = defsim.load(NIGHTLY)
    local = defsim.run(sc, reps=8, workers=1)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        remote = defsim.run(sc, reps=8, scheduler=cluster.scheduler_address)
    local.save(tmp_path / "local", plot=False)
    remote.save(tmp_path / "dask", plot=False)
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")


def erlang_scenario():
    # c = 4 channels, a = 3: Erlang B = 0.2061; 30 days at 100 threats/day per replication
    data = with_top(
        one_site(fire_channels=4, engagement_time={"dist": "exponential", "mean": 3 / 100}), duration="30d"
    )
    data["attacks"] = [{"stream": {"rate": "100/d", "threats": "T"}}]
    return from_dict(data)


@pytest.mark.slow
def test_ensemble_mean_matches_erlang_b_and_interval_shrinks():
    sc = erlang_scenario()
    want = theory.erlang_b(4, 3.0)
    widths = {}
    for n in (50, 200):
        ens = defsim.run(sc, reps=n, workers=2, seed=4)
        stats = ens.summary["figures"]["totals.leaked_by_reason.saturated"]
        arrived = ens.figure("totals.arrived")
        share = ens.figure("totals.leaked_by_reason.saturated") / arrived
        mean, se = share.mean(), share.std(ddof=1) / math.sqrt(n)
        # the formula lies within the ensemble's 4-standard-error interval
        assert abs(mean - want) < 4 * se, (mean, want, se)
        assert stats["ci95"][0] < stats["mean"] < stats["ci95"][1]
        widths[n] = ens.half_width("totals.leaked_by_reason.saturated")
    # 4x the replications: about half the interval (1/sqrt(N)), within sampling noise
    ratio = widths[200] / widths[50]
    assert 0.35 < ratio < 0.65, ratio


def test_replications_keep_no_event_log_and_only_the_grid():
    sc = defsim.load(NIGHTLY)
    grid = make_grid(sc.duration, 1.0)
    reps = run_chunk(build(sc.spec), 1, [0, 1], grid)
    for r in reps:
        assert not hasattr(r, "events")
        assert r.levels.shape == (2, len(grid))  # two holder series x grid points, whatever the events
        assert r.levels.dtype == np.int32
    assert simulate(build(sc.spec), 1, 0, record_events=False).events is None


def test_progress_is_reported_in_replications():
    sc = defsim.load(NIGHTLY)
    seen = []
    execute(build(sc.spec), 1, list(range(5)), make_grid(sc.duration, 1.0), 1, None, seen.append)
    assert sum(seen) == 5


def test_ensemble_files_and_summary(tmp_path):
    out = tmp_path / "ens"
    r = CliRunner().invoke(main, ["run", str(NIGHTLY), "--reps", "10", "--workers", "1", "--out", str(out)])
    assert r.exit_code == 0, r.output
    for f in ("summary.json", "reps.csv", "bands.csv", "p_dry.csv", "fan.png", "p_dry.png", "scenario.yaml"):
        assert (out / f).stat().st_size > 0, f
    s = json.loads((out / "summary.json").read_text())
    assert s["replications"] == 10
    leaked = s["figures"]["totals.leaked"]
    assert leaked["p5"] <= leaked["median"] <= leaked["p95"] and leaked["se"] > 0
    assert 0 <= s["first_stockout"]["Battery"]["p_happened"] <= 1
    lines = (out / "reps.csv").read_text().splitlines()
    assert len(lines) == 11 and lines[0].startswith("replication,")
    p_dry = [ln.split(",") for ln in (out / "p_dry.csv").read_text().splitlines()[1:]]
    curve = [float(row[-1]) for row in p_dry]
    assert curve == sorted(curve)  # P(dry by day d) never falls


def test_precision_target_adds_replications(tmp_path):
    out = tmp_path / "p"
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(SCENARIOS / "textbook.yaml"),
            "--reps",
            "10",
            "--precision",
            "0.02",
            "--workers",
            "1",
            "--out",
            str(out),
            "--no-plot",
        ],
    )
    assert r.exit_code == 0, r.output
    s = json.loads((out / "summary.json").read_text())
    assert s["replications"] > 10 and s["replications"] % 10 == 0
    assert "replications to reach a 95% half-width" in r.output


def test_to_frame():
    pytest.importorskip("pandas")
    frame = defsim.run(defsim.load(NIGHTLY), reps=3, workers=1).to_frame()
    assert list(frame["replication"]) == [0, 1, 2]
    assert "totals.killed" in frame.columns


def test_sweep_and_compare(tmp_path):
    textbook = SCENARIOS / "textbook.yaml"
    out = tmp_path / "sweep"
    r = CliRunner().invoke(
        main,
        [
            "sweep",
            str(textbook),
            "--vary",
            "sites.Battery.doctrine.shots=1,2",
            "--vary",
            "sites.Battery.fire_channels=2,4",
            "--reps",
            "6",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    table = json.loads((out / "compare.json").read_text())
    assert len(table["variants"]) == 4
    assert (out / "stock_compare.png").exists() and (out / "p_dry_compare.png").exists()
    assert len(list((out / "variants").iterdir())) == 4
    # common random numbers: the same threats arrive in every variant
    arrived = {row["variant"]: row["mean"] for row in table["table"] if row["figure"] == "totals.arrived"}
    assert len(set(arrived.values())) == 1
    out2 = tmp_path / "compare"
    r = CliRunner().invoke(
        main,
        [
            "compare",
            str(textbook),
            str(NIGHTLY),
            "--reps",
            "4",
            "--workers",
            "1",
            "--out",
            str(out2),
            "--no-plot",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "compare.csv" in {p.name for p in out2.iterdir()}


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--vary", "sites.Battery.fire_chanels=1,2"], "did you mean 'fire_channels'"),
        (["--vary", "sites.Battery.fire_channels=1,lots"], "sites.Battery.fire_channels"),
        (["--vary", "sites.Nowhere.fire_channels=1,2"], "no such key in the scenario"),
        (["--vary", "nonsense"], "expected path.to.key=v1,v2"),
        (["--vary", "sites.Battery.fire_channels=1", "--set", "duration=-3d"], "duration"),
    ],
)
def test_bad_vary_and_set_are_clear_errors(tmp_path, args, needle):
    r = CliRunner().invoke(
        main,
        [
            "sweep",
            str(SCENARIOS / "textbook.yaml"),
            "--reps",
            "2",
            "--out",
            str(tmp_path / "o"),
            *args,
        ],
    )
    assert r.exit_code == 2, r.output
    assert needle in r.output, r.output
    assert "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_bad_set_on_ensemble_run_and_metric(tmp_path):
    textbook = str(SCENARIOS / "textbook.yaml")
    r = CliRunner().invoke(
        main, ["run", textbook, "--reps", "2", "--set", "sites.Battery.stock.interceptor=-1"]
    )
    assert r.exit_code == 2 and "sites.Battery.stock.interceptor" in r.output
    r = CliRunner().invoke(
        main,
        [
            "run",
            textbook,
            "--reps",
            "2",
            "--precision",
            "0.1",
            "--metric",
            "nope",
            "--out",
            str(tmp_path / "m"),
            "--workers",
            "1",
        ],
    )
    assert r.exit_code == 2 and "unknown metric 'nope'" in r.output
