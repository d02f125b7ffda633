"""First messages a new user meets: each says what happened and what to do, in plain words."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import defsim
from defsim.analysis.answers import Odds, days, odds_text, plural
from defsim.cli import main
from defsim.scenario import ScenarioError
from tests.conftest import SCENARIOS

TEXTBOOK = (SCENARIOS / "textbook.yaml").read_text()


def validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    r = CliRunner().invoke(main, ["validate", str(path)])
    return r.exit_code, r.output


def test_a_probability_may_be_a_percentage_and_a_bad_one_says_what_is_expected(tmp_path):
    assert "pk: 0.7 " in TEXTBOOK and "reliability: 1.0" in TEXTBOOK
    # (textbook's pk has a slider in the explorer, which needs a number: percentages elsewhere)
    code, out = validate(tmp_path, TEXTBOOK.replace("reliability: 1.0", "reliability: 95%"))
    assert code == 0, out
    path = tmp_path / "s.yaml"
    assert defsim.load(str(path)).spec.interceptors["interceptor"].reliability == 0.95
    spec = defsim.load(str(SCENARIOS / "textbook.yaml"), ["interceptors.interceptor.pk=70%"]).spec
    assert spec.interceptors["interceptor"].pk == {"default": 0.7}
    code, out = validate(tmp_path, TEXTBOOK.replace("pk: 0.7 ", "pk: high "))
    assert code == 2 and "valid dictionary" not in out
    assert "s.yaml:24: interceptors.interceptor.pk: expected a probability" in out and "such as 70%" in out
    code, out = validate(tmp_path, TEXTBOOK.replace("reliability: 1.0", "reliability: 150%"))
    assert code == 2 and "reliability: input should be less than or equal to 1 (got '150%')" in out


def test_an_error_in_a_shipped_scenario_names_it_as_shipped_not_by_its_install_path():
    r = CliRunner().invoke(main, ["run", "textbook", "--set", "seed=abc", "--no-plot"])
    assert r.exit_code == 2
    assert str(SCENARIOS) not in r.output and "site-packages" not in r.output
    assert r.output.startswith("error: textbook.yaml is not a valid scenario (the shipped scenario:")
    assert "textbook.yaml: seed: input should be a valid integer" in r.output
    with pytest.raises(ScenarioError) as info:
        defsim.load("textbook", ["seed=abc"])
    assert str(SCENARIOS) not in str(info.value)


def test_a_misspelt_required_key_is_one_problem_with_the_did_you_mean(tmp_path):
    code, out = validate(tmp_path, TEXTBOOK.replace("\nduration:", "\ndurration:"))
    assert code == 2
    problems = out.splitlines()[1:]
    lines = TEXTBOOK.splitlines()
    line = 1 + lines.index(next(x for x in lines if x.startswith("duration:")))
    assert problems == [
        f"  {tmp_path / 's.yaml'}:{line}: durration: unknown key 'durration'; did you mean "
        "'duration'? ('duration' is required and missing)"
    ]


def test_counts_and_lengths_read_as_english():
    assert plural(1, "threat") == "1 threat" and plural(2, "threat") == "2 threats"
    assert plural(1290, "threat") == "1,290 threats"
    assert days(913.125) == "913.1 days" and days(40) == "40 days" and days(1) == "1 day"
    r = CliRunner().invoke(main, ["validate", "textbook"])
    assert "(1 site, 1 interceptor type, 1 threat type, 1 attack, 40 days)" in r.output
    r = CliRunner().invoke(main, ["validate", "backfill"])
    assert "913.1 days" in r.output and "913.125" not in r.output
    rare = Odds("LR", p_dry=0.03, median=None, p5=None, p95=None, reps=100)
    assert "never to" not in odds_text(rare, None) and "not by the end" in odds_text(rare, None)
    late = Odds("LR", p_dry=0.5, median=30.0, p5=10.0, p95=None, reps=100)
    assert odds_text(late, None).endswith("5-95%: from day 10.0 to after the end")


def test_help_has_no_stray_colon_and_run_help_names_every_file_a_run_writes(tmp_path):
    help_text = CliRunner().invoke(main, ["run", "--help"]).output
    assert "seed:)" not in help_text
    for scenario, extra in (("textbook", []), ("textbook", ["--reps", "3", "--workers", "1"])):
        out = tmp_path / f"r{len(extra)}"
        r = CliRunner().invoke(main, ["run", scenario, "--out", str(out), "-q", "--report", *extra])
        assert r.exit_code == 0, r.output
        for f in (f for f in out.iterdir() if not f.name.startswith(".")):  # not its marker
            assert f.name in help_text, f.name
    assert "supply.png" in help_text  # written where there are stockpiles or producers


def test_to_frame_without_pandas_says_how_to_install_it(monkeypatch):
    ens = defsim.ensemble("textbook", reps=2, workers=1)
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match=r'pip install "\.\[pandas\]"'):
        ens.to_frame()
