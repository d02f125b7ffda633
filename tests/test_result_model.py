"""One result model: a result in memory is drawn and answered from the same views its results
folder reads back as, without writing anything; the folder says what it ran in scenario.json."""

from __future__ import annotations

import builtins
import json
import os
import sys
import tempfile

import pytest

import defsim
import defsim.io.formats
from defsim.io import files
from defsim.io.folder import read
from defsim.io.plotkit import figure_bytes

_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


@pytest.fixture
def no_writes(monkeypatch, tmp_path):
    """Every way defsim or a library could write a file, recorded; the temporary folder emptied."""
    empty = tmp_path / "tmp"
    empty.mkdir()
    monkeypatch.setenv("TMPDIR", str(empty))
    monkeypatch.setattr(tempfile, "tempdir", str(empty))
    wrote: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, mode="r", *args, **kwargs):
        if any(c in mode for c in "wax+"):
            wrote.append(f"open {file} {mode}")
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path, flags, *args, **kwargs):
        if flags & _WRITE:
            wrote.append(f"os.open {path}")
        return real_os_open(path, flags, *args, **kwargs)

    def refuse(*args, **kwargs):
        wrote.append(f"write_output {args[:1]}")
        raise AssertionError("nothing may be written")

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    writer = files.write_output
    for name, module in list(sys.modules.items()):  # the one writing layer, wherever it is imported
        if name.startswith("defsim.io") and getattr(module, "write_output", None) is writer:
            monkeypatch.setattr(module, "write_output", refuse)
    yield wrote
    assert not any(empty.iterdir()), list(empty.iterdir())


def test_an_ensemble_of_1000_is_plotted_and_answered_without_writing_anything(no_writes, tmp_path):
    ens = defsim.run("textbook", seed=3, reps=1000, workers=1, record_events=False)
    assert ens.reps == 1000
    import matplotlib.figure  # noqa: F401  (imported before watching: its own caches are not ours)

    no_writes.clear()
    fig = ens.plot()
    lines = ens.answers
    assert fig.axes and lines
    assert no_writes == []
    with pytest.raises(AssertionError, match="nothing may be written"):  # the spies see a save
        ens.save(tmp_path / "saved", plot=False)
    assert no_writes


def test_a_run_is_plotted_and_answered_without_writing_anything(no_writes):
    run = defsim.run("layered", seed=5)
    import matplotlib.figure  # noqa: F401

    no_writes.clear()
    assert run.plot().axes and run.answers
    assert no_writes == []


def test_what_memory_draws_is_what_the_folder_draws(tmp_path):
    """The same bytes: the in-memory view is the folder's, through the same readers."""
    ens = defsim.run("layered", seed=2, reps=40, workers=1)
    ens.save(tmp_path / "ens")
    assert figure_bytes(ens.plot(), ".png") == (tmp_path / "ens" / "fan.png").read_bytes()
    saved = json.loads((tmp_path / "ens" / "summary.json").read_text())
    assert ens.answers == saved["answers"]["lines"]
    run = defsim.run("layered", seed=2)
    run.save(tmp_path / "run")
    assert figure_bytes(run.plot(), ".png") == (tmp_path / "run" / "stock.png").read_bytes()
    assert run.answers == (tmp_path / "run" / "answers.txt").read_text().splitlines()


def test_the_folder_reads_back_the_scenario_as_run_as_the_result_holds_it(tmp_path):
    ens = defsim.run("layered", seed=9, reps=5, workers=1)
    ens.save(tmp_path / "ens", plot=False)
    view = read(tmp_path / "ens")
    assert view.as_run.data == ens.as_run.data and view.as_run.data["seed"] == 9
    assert view.currency == ens.scenario.spec.currency
    assert view.meta["question"] == ens.scenario.spec.question
    rules = view.as_run.rationing("Long_range", "long_range")
    assert rules and rules == ens.view.as_run.rationing("Long_range", "long_range")
    from defsim.api.folders import plan_of

    assert repr(plan_of(view.as_run)) == repr(ens.plan)


def test_a_comparison_is_drawn_in_memory_as_its_folder_draws_it(tmp_path, no_writes):
    cmp = defsim.compare(["textbook", "textbook"], reps=20, seed=4, labels=["a", "b"], workers=1)
    import matplotlib.figure  # noqa: F401

    no_writes.clear()
    figs = cmp.plot()
    assert figs and no_writes == []
