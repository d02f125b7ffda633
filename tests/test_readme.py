"""README.md's two commands stay true: CI runs exactly the test command README gives."""

from __future__ import annotations

from tests.conftest import ROOT, SCENARIOS

INSTALL_AND_RUN = "python3 -m venv .venv && . .venv/bin/activate && pip install . && defsim run nightly_raids"
TEST = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest'


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert INSTALL_AND_RUN in readme
    assert TEST in readme


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TEST in ci


def test_readme_scenario_exists():
    assert (SCENARIOS / "nightly_raids.yaml").exists()
