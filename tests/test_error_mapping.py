"""Whose fault: a fault inside defsim is an internal error (exit 1, with how to report it); only a
problem with what the user gave is ``error:`` and exit status 2.

A ``ValueError`` raised inside the engine used to be caught with every other ``ValueError`` and
printed as ``error: ...``, exit 2, as if the scenario were wrong (a shipment removed twice read
``error: list.remove(x): x not in list``).  User errors are now one type, ``InputError``.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import defsim
from defsim.cli import main
from defsim.engine import simulation
from defsim.scenario import InputError
from tests.test_bad_input import BASE


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE)
    return path


@pytest.fixture
def broken_engine(monkeypatch):
    """The engine raises a ValueError of its own, as a bug in it would."""

    def generate(*args, **kwargs):
        raise ValueError("list.remove(x): x not in list")

    monkeypatch.setattr(simulation, "generate", generate)
    monkeypatch.delenv("DEFSIM_DEBUG", raising=False)  # which would show the traceback instead


@pytest.mark.parametrize(
    "extra", [[], ["--reps", "2", "--workers", "1"]], ids=["one run", "ensemble in process"]
)
def test_a_value_error_from_the_engine_is_an_internal_error(tmp_path, scenario, broken_engine, extra):
    out = tmp_path / "results"
    r = CliRunner().invoke(main, ["run", str(scenario), "--out", str(out), "-q", *extra])
    assert r.exit_code == 1, r.output
    assert "ValueError: list.remove(x): x not in list" in r.output, r.output
    assert "not a problem with your scenario" in r.output, r.output  # with how to report it
    assert "please report it" in r.output, r.output
    assert not r.output.startswith("error: list.remove"), r.output
    assert not out.exists()


def test_a_sweep_whose_engine_fails_is_an_internal_error(tmp_path, scenario, broken_engine):
    args = ["sweep", str(scenario), "--vary", "sites.S.fire_channels=1,2", "--reps", "2", "--workers", "1"]
    r = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "o"), "-q"])
    assert r.exit_code == 1, r.output
    assert "internal error" in r.output, r.output


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--reps", "2", "--grid", "5 parsecs"], "error: grid: unknown unit 'parsecs'"),
        (["--reps", "2", "--metric", "totals.leakd"], "unknown metric 'totals.leakd'"),
        (["--reps", "2", "--scheduler", "nonsense://x:1"], "is not a Dask scheduler address"),
        (["--allow-work", "nan"], "'nan' is not a finite number"),
        (["--allow-work", "inf"], "'inf' is not a finite number"),
        (["--reps", "2", "--precision", "nan"], "'nan' is not a finite number"),
    ],
)
def test_what_the_user_asked_wrongly_is_still_a_user_error(tmp_path, scenario, args, needle):
    r = CliRunner().invoke(main, ["run", str(scenario), "--out", str(tmp_path / "o"), "-q", *args])
    assert r.exit_code == 2, r.output
    assert needle in r.output, r.output
    assert "internal error" not in r.output


@pytest.mark.parametrize(
    "call",
    [
        lambda sc: defsim.ensemble(sc, reps=0),
        lambda sc: defsim.ensemble(sc, reps=2, grid="-1d"),
        lambda sc: defsim.compare([sc], reps=2),
        lambda sc: defsim.sweep(sc, {"sites.Battery.fire_channels": [1, 2]}, reps=2, labels=["one"]),
        lambda sc: defsim.run(sc, allow_work=float("nan")),
        lambda sc: defsim.ensemble(sc, reps=2, metric="nope"),
    ],
    ids=["no reps", "negative grid", "one scenario", "labels", "nan factor", "unknown metric"],
)
def test_the_api_refuses_bad_arguments_with_input_error(call):
    """InputError is a ValueError, so callers that caught ValueError still catch it."""
    assert defsim.InputError is InputError and issubclass(InputError, ValueError)
    with pytest.raises(InputError):
        call(defsim.load("textbook"))
