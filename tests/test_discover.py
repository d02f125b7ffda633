"""``defsim discover``: known answers, determinism on any workers, resume, refusals.

tests/known_box.yaml is built so that the condition ``first_stockout_day < 20`` holds exactly in
the box ``stock <= 60`` and ``wave time < 20 d`` (its header derives it from the depletion
arithmetic: a wave of 60 one-shot engagements empties a stock of S0 at the wave's time exactly
when S0 <= 60), whatever the other two keys (kill probability, price of a round) are.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import defsim
from defsim.analysis.discovery import make_choice
from defsim.analysis.execution import check_worker_versions
from defsim.cli import main

from .conftest import ROOT

pytest.importorskip("prim")
pytest.importorskip("SALib")

KNOWN = str(ROOT / "tests" / "known_box.yaml")
STOCK, WAVE = "sites.Battery.stock.round", "attacks.0.wave.at"
PK, COST = "interceptors.round.pk", "interceptors.round.unit_cost"
RANGES = [f"{STOCK}=20..100", f"{WAVE}=0d..40d", f"{PK}=0.3..0.95", f"{COST}=1.0e6..8.0e6"]
WHEN = "sites.Battery.first_stockout_day < 20"
#: the true box, and how far PRIM's edges may lie from it: PRIM peels 5% of the box's futures at
#: a time, so an edge lands within one peel of the truth: 5% of the true box's extent (40 rounds,
#: 20 days) is 2 rounds and 1 day; one more round for the stock's whole steps
TRUE_STOCK_HIGH, STOCK_TOL = 60, 3
TRUE_WAVE_HIGH, WAVE_TOL = 20.0, 1.0


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "discovery.json"  # it records the command
    }


def test_prim_finds_the_known_box_and_leaves_the_other_keys_alone():
    r = defsim.discover(KNOWN, RANGES, when=WHEN, samples=600, workers=1)
    assert r.boxes, "no box found"
    box = r.boxes[0]
    assert set(box.limits) == {STOCK, WAVE}  # pk and price not restricted
    stock, wave = box.limits[STOCK], box.limits[WAVE]
    assert stock["low_value"] is None and wave["low_value"] is None  # only upper edges
    assert abs(stock["high_value"] - TRUE_STOCK_HIGH) <= STOCK_TOL
    assert abs(wave["high_value"] - TRUE_WAVE_HIGH) <= WAVE_TOL
    assert box.stats["density"] >= 0.9 and box.stats["coverage"] >= 0.9
    assert stock["quasi_p"] < 0.05 and wave["quasi_p"] < 0.05
    # the regional-sensitivity ranking puts the two keys that matter first
    assert {s.key for s in r.ranking.scores[:2]} == {STOCK, WAVE}
    words = "\n".join(r.answers())
    assert "the box:" in words and STOCK in words and "coverage" in words


def test_a_key_with_no_effect_has_a_total_sobol_index_whose_interval_holds_zero():
    r = defsim.discover(KNOWN, RANGES, when=WHEN, samples=16 * 6, sensitivity=True, workers=1)
    assert len(r.values) == 16 * 6  # N (keys + 2) with N = 16
    scores = {s.key: s for s in r.ranking.scores}
    for key in (PK, COST):
        assert scores[key].low <= 0.0 <= scores[key].high
    for key in (STOCK, WAVE):
        assert scores[key].low > 0.0  # they matter: the interval stays clear of zero


def _run_cli(tmp_path: Path, out: str, *extra: str) -> tuple[int, str]:
    args = ["discover", KNOWN, *[a for r in RANGES for a in ("--range", r)], "--when", WHEN]
    args += ["--samples", "100", "--out", str(tmp_path / out), *extra]
    res = CliRunner().invoke(main, args, env={"COLUMNS": "100", "NO_COLOR": "1"})
    return res.exit_code, res.output


def test_the_cli_prints_the_box_in_words_and_writes_every_file(tmp_path):
    code, output = _run_cli(tmp_path, "d", "--workers", "1", "--report", "--set", "name=<script>x</script>")
    assert code == 0, output
    page = (tmp_path / "d" / "report.html").read_text()
    assert "<script>x" not in page and "&lt;script&gt;x" in page  # user strings escaped
    assert output.index("meet the condition") < output.index("the box:") < output.index("results written")
    names = {p.name for p in (tmp_path / "d").rglob("*")}
    for want in (
        "samples.csv",
        "boxes.json",
        "ranking.json",
        "tradeoff.png",
        "box_scatter.png",
        "ranking.png",
        "report.html",
        "experiments.csv",
        "outcomes.json",
        "scenario.yaml",
    ):
        assert want in names
    boxes = json.loads((tmp_path / "d" / "boxes.json").read_text())  # strict JSON
    assert boxes["boxes"][0]["peeling_trajectory"][0]["coverage"] == 1.0
    assert not (tmp_path / "d.partial").exists()  # the checkpoint goes once the folder is whole
    again = CliRunner().invoke(main, ["report", str(tmp_path / "d")])
    assert again.exit_code == 2 and "holds a discovery" in again.output  # said, not a traceback


def test_one_worker_two_workers_same_files(tmp_path):
    assert _run_cli(tmp_path, "one", "--workers", "1")[0] == 0
    assert _run_cli(tmp_path, "two", "--workers", "2")[0] == 0
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_files(tmp_path):
    distributed = pytest.importorskip("distributed")
    assert _run_cli(tmp_path, "local", "--workers", "1")[0] == 0
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
    ) as cluster:
        code, output = _run_cli(tmp_path, "dask", "--scheduler", cluster.scheduler_address)
    assert code == 0, output
    assert _files(tmp_path / "local") == _files(tmp_path / "dask")


@pytest.mark.slow
def test_a_worker_with_another_defsim_version_is_refused_before_any_work(tmp_path):
    distributed = pytest.importorskip("distributed")

    class _OtherVersion(distributed.WorkerPlugin):
        """Makes its worker run 'another defsim version' (sent by value: defined here)."""

        name = "other-defsim"

        def setup(self, worker: object) -> None:
            import defsim._version

            defsim._version.__version__ = "0.0.0-other"

    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True
        ) as cluster,
        distributed.Client(cluster.scheduler_address) as client,
    ):
        client.register_plugin(_OtherVersion())
        code, output = _run_cli(tmp_path, "x", "--scheduler", cluster.scheduler_address)
    assert code == 1
    assert "another defsim version" in output and "0.0.0-other" in output and "nothing was run" in output
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "x.partial" / "done.jsonl").exists()  # no future ran


def test_version_check_names_the_workers_that_differ():
    check_worker_versions({"tcp://a:1": defsim.__version__}, "tcp://s:8786")  # the same: fine
    with pytest.raises(defsim.api.WorkerVersionMismatch, match=r"tcp://b:2 runs defsim 9\.9"):
        check_worker_versions({"tcp://a:1": defsim.__version__, "tcp://b:2": "9.9"}, "tcp://s:8786")


class _StopAfter:
    """A progress callback that interrupts the discovery after some futures, like Ctrl-C."""

    def __init__(self, after: int):
        self.after, self.done, self.calls = after, 0, []

    def __call__(self, n: int) -> None:
        self.calls.append(n)
        self.done += n
        if self.done >= self.after:
            raise KeyboardInterrupt


@pytest.mark.parametrize("workers", [1, 2])
def test_resume_after_an_interrupt_gives_the_same_files(tmp_path, workers):
    kw = {"when": WHEN, "samples": 120, "workers": workers}
    defsim.discover(KNOWN, RANGES, **kw).save(tmp_path / "whole")
    ck = tmp_path / "run.partial"
    with pytest.raises(KeyboardInterrupt):
        defsim.discover(KNOWN, RANGES, checkpoint=ck, progress=_StopAfter(40), **kw)
    lines = (ck / "done.jsonl").read_text().splitlines()
    kept = sum(len(json.loads(line)) for line in lines)
    assert 40 <= kept < 120
    # a crash in the middle of a write leaves a torn last line: it is dropped and rerun
    with (ck / "done.jsonl").open("a") as f:
        f.write("[[199, [1.0")
    with pytest.raises(Exception, match="--resume"):
        defsim.discover(KNOWN, RANGES, checkpoint=ck, **kw)  # not without --resume
    with pytest.raises(Exception, match="samples differ"):
        defsim.discover(KNOWN, RANGES, checkpoint=ck, resume=True, **{**kw, "samples": 121})
    ran = _StopAfter(10**9)
    resumed = defsim.discover(KNOWN, RANGES, checkpoint=ck, resume=True, progress=ran, **kw)
    assert ran.calls[0] == kept  # the kept futures count as done at once (the torn line's are not) ...
    assert sum(ran.calls[1:]) == 120 - kept  # ... and only the others were run
    resumed.save(tmp_path / "resumed")
    assert _files(tmp_path / "whole") == _files(tmp_path / "resumed")
    assert not ck.exists()


def test_interrupted_cli_says_how_to_resume_and_resume_finishes(tmp_path, monkeypatch):

    import defsim.api.discovery as d

    real = d.run_parts

    def stop_after_first(*args, **kw):
        for k, part in enumerate(real(*args, **kw)):
            if k == 1:
                raise KeyboardInterrupt
            yield part

    monkeypatch.setattr(d, "run_parts", stop_after_first)
    code, output = _run_cli(tmp_path, "c", "--workers", "1")
    assert code == 130
    assert "--resume" in output and "c.partial" in output
    assert not (tmp_path / "c").exists()
    monkeypatch.setattr(d, "run_parts", real)
    code, output = _run_cli(tmp_path, "c", "--workers", "1", "--resume")
    assert code == 0, output
    assert _run_cli(tmp_path, "fresh", "--workers", "1")[0] == 0
    assert _files(tmp_path / "c") == _files(tmp_path / "fresh")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--range", "sites.Batery.stock.round=20..100"], "did you mean 'Battery'"),
        (["--range", f"{STOCK}=100..20"], "low end must be below"),
        (["--range", f"{WAVE}=1d..40w"], "same unit"),
        (["--range", f"{STOCK}=20"], "expected KEY=LOW..HIGH"),
        (["--range", f"{PK}=0.3..1.5"], "pk"),
        (["--choice", "sites.Battery.doctrine.mode=salvo"], "at least two values"),
        (["--range", f"{STOCK}=20..100", "--when", "sites.Battery.first_stockout_dy < 20"], "did you mean"),
        (
            ["--range", f"{STOCK}=20..100", "--when", "sites.Battery.first_stockout_day ~ 20"],
            "expected FIGURE",
        ),
        (["--range", f"{STOCK}=20..100", "--sensitivity", "--samples", "10"], "needs --samples of at least"),
    ],
)
def test_bad_ranges_keys_and_conditions_are_one_message_and_exit_2(tmp_path, args, message):
    full = ["discover", KNOWN, *args, "--out", str(tmp_path / "x")]
    if "--when" not in args:
        full += ["--when", WHEN]
    res = CliRunner().invoke(main, full, env={"COLUMNS": "100"})
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "x.partial").exists()


def test_too_much_work_is_refused_before_it_starts(tmp_path):
    res = CliRunner().invoke(
        main,
        [
            "discover",
            KNOWN,
            "--range",
            f"{STOCK}=20..100",
            "--when",
            WHEN,
            "--samples",
            "400000",
            "--reps",
            "3",
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert res.exit_code == 2
    assert "too much work" in res.output and "--allow-work" in res.output
    assert not (tmp_path / "x.partial").exists()


def test_the_ema_workbench_shape(tmp_path):
    r = defsim.discover(
        KNOWN,
        RANGES[:2],
        choices=["sites.Battery.doctrine.mode=salvo,shoot_look_shoot"],
        when=WHEN,
        samples=40,
        reps=2,
        workers=1,
    )
    r.save(tmp_path / "d", plot=False)
    import csv

    rows = list(csv.DictReader((tmp_path / "d" / "ema" / "experiments.csv").open()))
    outcomes = json.loads((tmp_path / "d" / "ema" / "outcomes.json").read_text())
    assert len(rows) == 40 and set(rows[0]) == {
        STOCK,
        WAVE,
        "sites.Battery.doctrine.mode",
        "scenario",
        "policy",
        "model",
    }
    y = outcomes["sites.Battery.first_stockout_day"]
    assert len(y) == 40 and all(len(v) == 2 for v in y)  # futures x replications
    frame = r.to_frame()
    assert len(frame) == 40 and list(frame.columns)[:2] == [STOCK, f"{WAVE} [d]"]
    assert list(frame["of_interest"]) == list(r.interest)


def test_a_continuous_outcome_ranks_the_keys_that_move_it():
    # the first stockout is the wave's time when the stock is at most 60, else never (censored
    # at the end of the run): only those two keys move it
    r = defsim.discover(KNOWN, RANGES, outcome="sites.Battery.first_stockout_day", samples=100, workers=1)
    assert not r.boxes  # a box needs a condition
    assert {s.key for s in r.ranking.scores[:2]} == {STOCK, WAVE}
    assert all(s.p_value > 0.01 for s in r.ranking.scores[2:])


def test_the_ema_archive_is_what_ema_workbench_load_results_reads(tmp_path):
    import tarfile

    r = defsim.discover(
        KNOWN,
        RANGES[:2],
        choices=["sites.Battery.doctrine.mode=salvo,shoot_look_shoot"],
        when=WHEN,
        samples=200,
        workers=1,
    )
    r.save(tmp_path / "d", plot=False)
    archive = tmp_path / "d" / "ema" / "results.tar.gz"
    figure = "sites.Battery.first_stockout_day"
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(["experiments.csv", f"{figure}.cls", "metadata.json"])
        assert all(m.mtime == 0 for m in tar.getmembers())  # the same bytes on every run
        meta = json.loads(tar.extractfile("metadata.json").read())
    assert meta["outcomes"] == [["ScalarOutcome", figure, f"{figure}.cls"]]
    assert meta["experiments"][STOCK] == "int64" and meta["experiments"][WAVE] == "float64"
    ema = pytest.importorskip("ema_workbench")  # optional: not in the test extra (heavy)
    experiments, outcomes = ema.load_results(str(archive))
    assert list(experiments[STOCK]) == [v[0] for v in r.values]
    assert str(experiments["sites.Battery.doctrine.mode"].dtype) == "category"
    y = outcomes[figure]
    assert y.shape == (200,) and ((y < 20) == r.interest).all()  # NaN (never) is not < 20
    from ema_workbench.analysis import prim

    x = experiments.drop(columns=["scenario", "policy", "model"]).astype({STOCK: float})
    box = prim.Prim(x, r.interest, threshold=0.8).find_box()
    assert abs(box.box_lims[-1].loc[1, STOCK] - TRUE_STOCK_HIGH) <= STOCK_TOL + 1


def test_a_lost_worker_stops_the_discovery_and_resume_finishes_it(tmp_path):
    """A worker process killed mid-run (as by the out-of-memory killer): the run stops at once
    instead of waiting for its chunk forever; --resume then gives the uninterrupted files."""
    import multiprocessing
    import os
    import signal

    kw = {"when": WHEN, "samples": 120, "workers": 2}
    defsim.discover(KNOWN, RANGES, **kw).save(tmp_path / "whole")

    class KillOne:
        killed = False

        def __call__(self, n: int) -> None:
            if not self.killed:
                self.killed = True
                os.kill(multiprocessing.active_children()[0].pid, signal.SIGKILL)

    ck = tmp_path / "run.partial"
    with pytest.raises(defsim.api.WorkerLost, match="killed by signal"):
        defsim.discover(KNOWN, RANGES, checkpoint=ck, progress=KillOne(), **kw)
    resumed = defsim.discover(KNOWN, RANGES, checkpoint=ck, resume=True, **kw)
    resumed.save(tmp_path / "resumed")
    assert _files(tmp_path / "whole") == _files(tmp_path / "resumed")


def test_a_choice_of_mappings_is_shown_as_yaml_as_variants_are():
    """A --choice value that is a mapping or a list reads as the user wrote it, in the samples
    and boxes as in a sweep's variant labels (it was Python's repr: {'mode': 'salvo'})."""
    u = make_choice("sites.A.doctrine", [{"mode": "salvo", "shots": 2}, {"mode": "sls"}, ["a", True]], "x")
    assert u.describe()["choices"] == ["{mode: salvo, shots: 2}", "{mode: sls}", "[a, true]"]
    assert u.column(u.value(0.0)) == "{mode: salvo, shots: 2}"
