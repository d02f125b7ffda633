"""One consistent API: result types, their reprs, labels and progress; the CLI calls the API."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import defsim
import defsim.analysis.ensemble as ensemble_module
from defsim.cli import main
from defsim.io.figures_doc import current
from tests.conftest import ROOT, SCENARIOS

TEXTBOOK = SCENARIOS / "textbook.yaml"
NIGHTLY = SCENARIOS / "nightly_raids.yaml"
SHOTS = {"sites.Battery.doctrine.shots": [1, 2]}
TYPO = "sites.Battery.days_emty"


class Counter:
    """A progress callback that also wants the total."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.done = 0

    def start(self, total: int) -> None:
        self.totals.append(total)

    def __call__(self, n: int) -> None:
        self.done += n


def test_every_result_type_is_exported_with_the_functions():
    for name in (
        "RunResult",
        "EnsembleResult",
        "ComparisonResult",
        "Figure",
        "Kind",
        "UnknownFigure",
        "load",
        "run",
        "ensemble",
        "sweep",
        "compare",
        "figures",
    ):
        assert name in defsim.__all__ and hasattr(defsim, name), name


def test_run_ensemble_and_run_with_reps_agree():
    sc = defsim.load(TEXTBOOK)
    single = defsim.run(sc)
    assert isinstance(single, defsim.RunResult)
    a = defsim.ensemble(sc, reps=4, workers=1)
    b = defsim.run(sc, reps=4, workers=1)  # kept: README uses it
    assert isinstance(a, defsim.EnsembleResult) and isinstance(b, defsim.EnsembleResult)
    assert a.columns == b.columns and np.array_equal(a.values, b.values, equal_nan=True)
    assert a.figure("totals.killed")[0] == single.summary["totals"]["killed"]


def test_reprs_say_what_a_result_is():
    sc = defsim.load(TEXTBOOK)
    assert repr(defsim.run(sc)).startswith("<RunResult 'One battery, textbook case' seed 1: ")
    ens = defsim.ensemble(sc, reps=5, workers=1)
    text = repr(ens)
    assert text.startswith("<EnsembleResult 'One battery, textbook case': 5 replications of seed 1")
    assert "leaked share" in text
    cmp = defsim.sweep(sc, SHOTS, reps=3, workers=1, labels=["one", "two"])
    assert repr(cmp) == "<ComparisonResult of 2 variants ('one', 'two'), 3 reps>"
    fig = defsim.figures(sc)[0]
    assert repr(fig) == "<Figure 'totals.arrived': count, threats>"


def test_sweeps_and_comparisons_share_one_shape(tmp_path):
    pd = pytest.importorskip("pandas")
    sc = defsim.load(TEXTBOOK)
    sweep = defsim.sweep(sc, SHOTS, reps=3, workers=1, labels=["one", "two"])
    cmp = defsim.compare([TEXTBOOK, NIGHTLY], reps=3, workers=1, labels=["textbook", "raids"])
    for result, labels in ((sweep, ["one", "two"]), (cmp, ["textbook", "raids"])):
        assert isinstance(result, defsim.ComparisonResult)
        assert result.labels == labels
        assert result.summary["variants"] == labels and result.summary["replications"] == 3
        frame = result.to_frame()
        assert isinstance(frame, pd.DataFrame) and set(frame["variant"]) == set(labels)
        assert list(frame.columns[:2]) == ["variant", "figure"]
        figs = result.plot()
        assert len(figs) == 4  # stock, P(ran dry), P(none that day), the paired differences
        out = result.save(tmp_path / labels[0], plot=False)
        assert (out / "compare.csv").exists() and (out / "compare.json").exists()
    # without labels: key=value for a sweep, the path given for a comparison
    assert defsim.sweep(sc, SHOTS, reps=2, workers=1).labels == [
        "sites.Battery.doctrine.shots=1",
        "sites.Battery.doctrine.shots=2",
    ]
    with pytest.raises(ValueError, match="3 labels for 2 variants"):
        defsim.sweep(sc, SHOTS, reps=2, workers=1, labels=["a", "b", "c"])


def test_progress_goes_through_the_api_with_its_total():
    sc = defsim.load(TEXTBOOK)
    seen = Counter()
    defsim.sweep(sc, SHOTS, reps=3, workers=1, progress=seen)
    assert seen.totals == [6] and seen.done == 6
    seen = Counter()
    defsim.ensemble(sc, reps=2, workers=1, progress=seen)
    assert seen.totals == [2] and seen.done == 2
    plain: list[int] = []
    defsim.ensemble(sc, reps=2, workers=1, progress=plain.append)  # a plain callable is enough
    assert sum(plain) == 2


def test_unknown_figures_and_metrics_are_refused_before_anything_runs(monkeypatch):
    def no_runs(*args, **kwargs):
        raise AssertionError("a replication ran")

    monkeypatch.setattr("defsim.api.runs.execute", no_runs)
    sc = defsim.load(TEXTBOOK)
    with pytest.raises(defsim.UnknownFigure, match=re.escape("did you mean 'sites.Battery.days_empty'")):
        defsim.sweep(sc, SHOTS, reps=2, figures=["sites.Battery.days_emtpy"])
    with pytest.raises(defsim.UnknownFigure, match=re.escape("unknown metric 'totals.leak_share'")):
        defsim.ensemble(sc, reps=2, precision=0.1, metric="totals.leak_share")
    with pytest.raises(defsim.UnknownFigure):
        defsim.compare([TEXTBOOK, NIGHTLY], reps=2, figures=["sites.Nowhere.days_empty"])


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda sc: defsim.run(sc, worker=1), "worker"),
        (lambda sc: defsim.run(sc, reps=2, scheduler_timeout=1.0), "scheduler_timeout"),
        (lambda sc: defsim.ensemble(sc, reps=2, record_events=False), "record_events"),
        (lambda sc: defsim.sweep(sc, SHOTS, reps=2, metric="totals.killed"), "metric"),
        (lambda sc: defsim.compare([sc, sc], reps=2, precison=0.1), "precison"),
    ],
)
def test_a_keyword_a_function_does_not_take_is_refused_by_name(monkeypatch, call, word):
    # the keywords are declared once (typed dicts): a misspelt one must not pass silently
    monkeypatch.setattr("defsim.api.runs.execute", lambda *a, **k: pytest.fail("a replication ran"))
    monkeypatch.setattr("defsim.api.runs.simulate", lambda *a, **k: pytest.fail("a run ran"))
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{word}'"):
        call(defsim.load(TEXTBOOK))


# --- the CLI ---------------------------------------------------------------------------------------


def test_figures_command_lists_every_key_with_kind_unit_and_meaning():
    r = CliRunner().invoke(main, ["figures", str(TEXTBOOK)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["key", "kind", "unit", "meaning"]
    keys = [ln.split("  ")[0] for ln in lines[1:]]
    assert keys == [f.key for f in defsim.figures(defsim.load(TEXTBOOK))]
    days = next(ln for ln in lines if ln.startswith("sites.Battery.days_empty "))
    assert days.split()[1:3] == ["duration", "days"] and "Battery" in days.split("days", 2)[-1]


@pytest.mark.parametrize(
    "args",
    [
        [
            "sweep",
            str(TEXTBOOK),
            "--vary",
            "sites.Battery.doctrine.shots=1,2",
            "--figure",
            "sites.Battery.days_emty",
        ],
        ["compare", str(TEXTBOOK), str(TEXTBOOK), "--figure", "sites.Battery.days_emty"],
        ["run", str(TEXTBOOK), "--reps", "2", "--precision", "0.1", "--metric", "sites.Battery.days_emty"],
    ],
)
def test_bad_figure_and_metric_are_one_line_with_did_you_mean(tmp_path, monkeypatch, args):
    def no_runs(*a, **k):
        raise AssertionError("a replication ran")

    monkeypatch.setattr("defsim.api.runs.execute", no_runs)
    r = CliRunner().invoke(main, [*args, "--reps", "2", "--out", str(tmp_path / "o"), "--workers", "1"])
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1, r.output
    what = "metric" if "--metric" in args else "figure"
    assert lines[0].startswith(f"error: unknown {what} 'sites.Battery.days_emty'; ")
    assert "did you mean 'sites.Battery.days_empty'?" in lines[0]
    assert "defsim figures" in lines[0] and "Traceback" not in r.output
    assert not (tmp_path / "o").exists()


def test_the_cli_runs_what_ifs_through_the_api(tmp_path, monkeypatch):
    import defsim.api as api

    calls = []
    real = api.compare

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "compare", spy)
    out = tmp_path / "c"
    r = CliRunner().invoke(
        main,
        [
            "compare",
            str(TEXTBOOK),
            str(NIGHTLY),
            "--reps",
            "2",
            "--workers",
            "1",
            "--out",
            str(out),
            "--no-plot",
        ],
    )
    assert r.exit_code == 0, r.output
    assert calls and calls[0]["labels"] == [str(TEXTBOOK), str(NIGHTLY)]
    assert callable(getattr(calls[0]["progress"], "start", None))  # the CLI's bar gets its total from the API
    cli_source = (ROOT / "defsim" / "cli" / "__init__.py").read_text()
    assert (
        "variants(" not in cli_source
        and "execute(" not in cli_source
        and "ComparisonResult(" not in cli_source
    )
    # ensemble internals are not reached around the API either
    assert not hasattr(ensemble_module, "flatten")


def test_outputs_doc_lists_the_registrys_figures():
    """docs/outputs.md's figure table is generated; regenerate it with
    ``python -m defsim.io.figures_doc docs/outputs.md`` when this fails."""
    text = (ROOT / "docs" / "outputs.md").read_text()
    assert current(text) == text
    for f in defsim.figures(defsim.load(SCENARIOS / "backfill.yaml")):
        pattern = f.metric.key.replace("{", "<").replace("}", ">")
        assert f"| `{pattern}` | {f.kind.value} | {f.unit} |" in text
