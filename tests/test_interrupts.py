"""Interrupts and failures: Ctrl-C and SIGTERM stop an ensemble at once and leave nothing behind;
a failing replication says which; an internal error says it is one; work too big is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import defsim
from defsim import api
from defsim.analysis import default_workers
from defsim.cli import main
from tests.conftest import SCENARIOS, one_site
from tests.test_bad_input import BASE

TEXTBOOK = SCENARIOS / "textbook.yaml"
BOUND = 15.0  # seconds: a bound against hanging (the note gives the time measured), not a speed test


def _foreground_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead but not yet reaped: its state in /proc says so
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_stops_an_ensemble_and_every_worker_at_once(tmp_path, signum, code):
    out = tmp_path / "never"
    cmd = [sys.executable, "-m", "defsim", "run", str(TEXTBOOK), "--reps", "20000", "--workers", "2"]
    proc = subprocess.Popen(
        [*cmd, "--out", str(out), "--no-plot"],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
        # a shell's background job starts with Ctrl-C ignored, and Python keeps that: give the
        # child the default disposition a terminal's foreground job has
        preexec_fn=_foreground_signals,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()  # the first progress line: the workers are computing
    assert "replications" in line, line
    workers = _children(proc.pid)
    assert workers, "no worker processes"
    t0 = time.perf_counter()
    # Ctrl-C goes to the whole group (workers included); SIGTERM to the main process
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    rest = proc.stderr.read()
    proc.wait(timeout=BOUND)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == code, rest
    assert "interrupted after" in rest and "of 20000 replications" in rest, rest
    assert "Traceback" not in rest
    assert elapsed < BOUND
    deadline = time.perf_counter() + 5
    while any(_alive(w) for w in workers) and time.perf_counter() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "a worker outlived the interrupt"
    assert not out.exists() and not list(tmp_path.glob(".never*"))


def explode(env, world):
    """Module-level (sent to workers): every replication fails after day 2."""
    yield env.timeout(2)
    raise KeyError(0)


def test_a_failing_replication_stops_the_run_and_says_which():
    sc = defsim.scenario.from_dict(one_site())
    with pytest.raises(api.ReplicationFailed) as info:
        defsim.run(sc, reps=40, workers=2, processes=[explode])
    exc = info.value
    assert 0 <= exc.index < 40 and exc.seed == sc.seed
    assert "KeyError: 0" in str(exc) and f"replication {exc.index}" in str(exc)
    alone = defsim.run(sc, seed=exc.seed, replication=1)  # the replication runs alone, without the process
    assert alone.summary["replication"] == 1


def test_the_cli_names_the_failed_replication_and_how_to_rerun_it(tmp_path, monkeypatch):
    def failing(*_a, **_k):
        raise api.ReplicationFailed(17, 2023, "KeyError: 0")

    monkeypatch.setattr(api, "ensemble", failing)
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["run", str(path), "--reps", "50"])
    assert r.exit_code == 1, r.output
    assert "replication 17 (seed 2023) failed: KeyError: 0" in r.output
    assert f"defsim run {path} --seed 2023 --replication 17" in r.output
    assert "internal error" in r.output and "Traceback" not in r.output


def test_an_internal_error_says_it_is_one(tmp_path, monkeypatch):
    def broken(*_a, **_k):
        raise KeyError(0)

    monkeypatch.setattr(api, "run", broken)
    monkeypatch.delenv("DEFSIM_DEBUG", raising=False)
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1, r.output
    assert "internal error: KeyError: 0" in r.output and "not a problem with your scenario" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "o").exists()


def test_replication_runs_one_replication_of_an_ensemble_exactly(tmp_path):
    ens = defsim.run(defsim.load(TEXTBOOK), reps=4, workers=1)
    one = defsim.run(defsim.load(TEXTBOOK), replication=3)
    assert one.summary["totals"]["killed"] == ens.figure("totals.killed")[3]


def test_an_unreachable_scheduler_fails_within_its_timeout(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    t0 = time.perf_counter()
    r = CliRunner().invoke(
        main,
        ["run", str(path), "--reps", "4", "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "1"],
    )
    assert r.exit_code == 1, r.output
    assert "did not answer within 1 s" in r.output and "Traceback" not in r.output
    assert time.perf_counter() - t0 < BOUND


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--set", "duration=100y", "--set", "attacks.0.stream.rate=1e4/d"], "--allow-work 147"),
        (["--reps", "10000000"], "replications in all"),
        (
            ["--set", "duration=1y", "--reps", "100", "--grid", "1s"],
            "grid points the ensemble statistics hold",
        ),
    ],
)
def test_work_too_big_is_refused_before_it_starts(tmp_path, args, needle):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    t0 = time.perf_counter()
    r = CliRunner().invoke(main, ["run", str(path), *args, "--out", str(tmp_path / "o")])
    assert r.exit_code == 2, r.output
    assert "too much work for this machine" in r.output and needle in r.output, r.output
    assert time.perf_counter() - t0 < BOUND and not (tmp_path / "o").exists()


def test_precision_on_a_figure_that_never_has_a_value_stops_with_a_message(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(path),
            "--set",
            "interceptors.I.pk=0",
            "--reps",
            "10",
            "--precision",
            "0.01",
            "--metric",
            "cost.cost_exchange_ratio",
            "--workers",
            "1",
        ],
    )
    assert r.exit_code == 2, r.output
    assert "has no value in any of 10 replications" in r.output


def test_workers_are_capped_at_the_cores_unless_asked():
    cores = default_workers()
    assert api.workers_for(200) == cores
    assert api.workers_for(None) == cores
    assert api.workers_for(1) == 1
    assert api.workers_for(200, allow_work=3) == min(200, 3 * cores)


def test_a_64000_variant_sweep_is_refused_before_validating_a_single_one(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    values = ",".join(str(k) for k in range(1, 41))
    t0 = time.perf_counter()
    r = CliRunner().invoke(
        main,
        [
            "sweep",
            str(path),
            "--vary",
            f"sites.S.fire_channels={values}",
            "--vary",
            f"sites.S.stock.I={values}",
            "--vary",
            f"deliveries.0.quantity={values}",
            "--reps",
            "2",
        ],
    )
    assert r.exit_code == 2, r.output
    assert "variants in the sweep: about 64,000" in r.output, r.output
    assert time.perf_counter() - t0 < BOUND


def test_sigterm_while_saving_leaves_no_folder_hidden_or_not(tmp_path, monkeypatch):
    import defsim.io.save as save

    def stopped(*_a, **_k):
        raise api.Interrupted(signal.SIGTERM)

    monkeypatch.setattr(save, "write_run_tables", stopped)
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "o")])
    assert r.exit_code == 143, r.output
    assert "interrupted" in r.output and "wrote nothing" in r.output
    assert not (tmp_path / "o").exists() and not list(tmp_path.glob(".o*"))
