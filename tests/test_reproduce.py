"""The saved scenario.yaml records what was run: running it again gives the same files, byte for byte."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from defsim.cli import main
from tests.conftest import SCENARIOS

FILES = ("summary.json", "stock.csv", "events.csv")


def _run(*args: str) -> None:
    r = CliRunner().invoke(main, ["run", *args, "--no-plot", "--quiet"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("name", ["textbook", "nightly_raids", "multi_site", "backfill"])
@pytest.mark.parametrize("extra", [(), ("--set", "duration=40d")], ids=["as written", "with an override"])
def test_running_the_saved_scenario_reproduces_the_run(tmp_path, name, extra):
    source = SCENARIOS / f"{name}.yaml"
    _run(str(source), "--seed", "11", *extra, "--out", str(tmp_path / "first"))
    _run(str(tmp_path / "first" / "scenario.yaml"), "--out", str(tmp_path / "again"))
    for f in FILES:
        assert (tmp_path / "first" / f).read_bytes() == (tmp_path / "again" / f).read_bytes(), f
    saved = (tmp_path / "first" / "scenario.yaml").read_text()
    assert "seed 11" in saved.splitlines()[0]
    if not extra:  # kept as written: every comment of the original is still there
        comments = [ln for ln in source.read_text().splitlines() if ln.lstrip().startswith("#")]
        assert comments and all(c in saved for c in comments)
    else:
        assert "--set duration=40d" in saved


def test_an_ensemble_records_its_seed(tmp_path):
    source = SCENARIOS / "textbook.yaml"
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(source),
            "--reps",
            "5",
            "--seed",
            "3",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "e"),
            "-q",
        ],
    )
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        main,
        [
            "run",
            str(tmp_path / "e" / "scenario.yaml"),
            "--reps",
            "5",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "f"),
            "-q",
            "--no-plot",
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "e" / "reps.csv").read_bytes() == (tmp_path / "f" / "reps.csv").read_bytes()
