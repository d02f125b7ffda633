"""One result model: a result in memory is, field by field, the object its results folder reads
back as (made from its arrays, not from its files' text), drawn and answered to the byte as the
folder is, without writing anything; the folder says what it ran in scenario.json."""

from __future__ import annotations

import builtins
import dataclasses
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

import defsim
import defsim.io.formats
from defsim.analysis.views import ComparisonView, EnsembleView, RunView
from defsim.io import files
from defsim.io.folder import read
from defsim.io.plotkit import figure_bytes
from defsim.io.plots import run_plots
from defsim.io.plots_ensemble import COMPARISON_PLOTS, ensemble_plots
from defsim.scenario import shipped

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


# -- the object made in memory is the object read back from the folder, field by field ---------

#: what differs between a result in memory and its folder by design: where it is, how its
#: figures per replication are read (compared column by column below), the answers summary.json
#: carries (compared with the answers made in memory)
NOT_COMPARED = {"folder", "source", "_figures", "variants", "as_run"}


def assert_same(a, b, where: str = "") -> None:
    """Equal to the bit, type for type: arrays by kind, shape and value (NaN equals NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray), where
        assert a.shape == b.shape and (a.dtype.kind == b.dtype.kind or a.size == 0), (where, a.dtype, b.dtype)
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), where
    elif isinstance(a, dict):
        assert type(b) is dict and list(a) == list(b), (where, list(a), list(b))
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{k}]")
    elif dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    else:
        assert type(a) is type(b), (where, type(a), type(b))
        assert a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)), (where, a, b)


def assert_same_model(memory, folder) -> None:
    """Every field of the result model, the summary as summary.json holds it before the answers
    are added (the answers are compared as made in memory)."""
    assert type(memory) is type(folder)
    for f in dataclasses.fields(memory):
        if f.name in NOT_COMPARED:
            continue
        mine, theirs = getattr(memory, f.name), getattr(folder, f.name)
        if f.name == "summary" and "answers" in theirs:
            theirs = {k: v for k, v in theirs.items() if k != "answers"}
        assert_same(mine, theirs, f.name)
    assert memory.as_run.data == folder.as_run.data
    if isinstance(memory, EnsembleView):
        assert memory.columns and memory.count == folder.count
        for key in memory.columns:
            assert_same(memory.figure(key), folder.figure(key), key)
        assert_same(list(memory.rows()), list(folder.rows()), "rows")
    if isinstance(memory, ComparisonView):
        assert len(memory.variants) == len(folder.variants)
        for m, f in zip(memory.variants, folder.variants, strict=True):
            assert_same_model(m, f)


def png(fig) -> bytes:
    return figure_bytes(fig, ".png") if fig is not None else b""


def folder_png(folder: Path, name: str) -> bytes:
    path = folder / f"{name}.png"
    return path.read_bytes() if path.is_file() else b""


@pytest.mark.parametrize("name", shipped.names())
def test_every_shipped_run_in_memory_is_the_model_its_folder_reads_back(name, tmp_path):
    run = defsim.run(name, seed=11)
    run.save(tmp_path / "run")
    memory, folder = run.view, read(tmp_path / "run")
    assert isinstance(memory, RunView) and len(memory.events["time_d"]) > 0 and memory.series
    assert_same_model(memory, folder)
    assert run.answers == folder.summary["answers"]["lines"]
    for plot, draw in run_plots(memory):  # every plot of the folder, drawn from memory: the same bytes
        assert png(draw()) == folder_png(tmp_path / "run", plot), plot


@pytest.mark.parametrize("name", shipped.names())
def test_every_shipped_ensemble_in_memory_is_the_model_its_folder_reads_back(name, tmp_path):
    ens = defsim.run(name, seed=12, reps=6, workers=1)
    ens.save(tmp_path / "ens")
    memory, folder = ens.view, read(tmp_path / "ens")
    assert isinstance(memory, EnsembleView) and memory.bands.size and memory.grid.size
    assert_same_model(memory, folder)
    assert ens.answers == folder.summary["answers"]["lines"]
    for plot, draw in ensemble_plots(memory):
        assert png(draw()) == folder_png(tmp_path / "ens", plot), plot


def test_a_run_without_its_event_log_is_the_model_its_folder_reads_back(tmp_path):
    run = defsim.run("textbook", seed=3, record_events=False)
    run.save(tmp_path / "run", plot=False)
    assert len(run.view.events["event"]) == 0
    assert_same_model(run.view, read(tmp_path / "run"))


def test_a_sweep_in_memory_is_the_model_its_folder_reads_back(tmp_path):
    cmp = defsim.sweep("backfill", vary={"transfers.0.enabled": [True, False]}, reps=6, seed=5, workers=1)
    cmp.save(tmp_path / "sweep")
    memory = cmp.view
    folder = read(tmp_path / "sweep")
    assert isinstance(folder, ComparisonView) and len(folder.variants) == 2
    assert_same_model(memory, folder)
    names = [n for n, _ in COMPARISON_PLOTS]
    figs = cmp.plot()
    assert len(figs) == len(names)
    for name, fig in zip(names, figs, strict=True):
        assert png(fig) == folder_png(tmp_path / "sweep", name), name


def test_the_model_reads_back_rounded_as_the_files_hold_it():
    """A time of 1/3 day is held as the files write it (six decimals), not to the last bit; a
    band as bands.csv writes it (six significant digits), at powers of ten and a hair off them."""
    from defsim.analysis.as_written import _days, _sig6

    t = np.array([1 / 3, 2.0000004999, 0.1234565, 7.0])
    assert _days(t).tolist() == [float(f"{x:.6f}") for x in t.tolist()]
    powers = [10.0**k for k in range(-8, 10)]
    rng = np.random.default_rng(1)
    values = [0.0, 1 / 3, 123456.5, 999999.7, 1234567.0, 12.25, 1e-7 / 3, 99999.95, *powers]
    values += np.nextafter(powers, 0).tolist() + np.nextafter(powers, np.inf).tolist()
    values += (10.0 ** rng.uniform(-8, 9, 5000)).tolist() + (rng.integers(0, 10**7, 5000) / 4).tolist()
    assert [_sig6(x) for x in values] == [float(f"{x:g}") for x in values]
