"""Results folders: what each kind of result writes, atomically (see :func:`files.result_folder`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from .._version import __version__
from ..analysis import ComparisonAnalysis, EnsembleAnalysis, RunAnalysis
from ..scenario.source import ScenarioSource
from .as_run import write_as_run
from .files import Target, result_folder, write_output
from .formats import write_json
from .markers import run_markers, write_markers
from .tables import write_comparison_table, write_ensemble_tables, write_run_tables


def scenario_yaml(source: ScenarioSource, seed: int, replication: int = 0) -> str:
    """The scenario as run, so that running this file again reproduces the results byte for byte.

    With no overrides the file is kept as written, comments and all (only its ``seed:`` is set
    to the seed used); with overrides the data is written out with them applied (YAML comments
    cannot be kept then), and the overrides are listed at the top.
    """
    head = f"# the scenario as run by defsim {__version__}, seed {seed}"
    rerun = (
        "# `defsim run scenario.yaml"
        + (f" --replication {replication}" if replication else "")
        + "` runs it again"
    )
    data = {**source.data, "seed": seed}
    if source.text is not None and not source.overrides:
        text = _with_seed(source, seed)
        if text is not None:
            return f"{head}\n{rerun}\n{text}"
    listed = "".join(f"#   --set {a}\n" for a in source.overrides)
    note = f"{head}, with these overrides applied:\n{listed}" if listed else f"{head}\n"
    return note + rerun + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _with_seed(source: ScenarioSource, seed: int) -> str | None:
    """The file's own text with its top-level ``seed:`` set (None when that cannot be done safely)."""
    assert source.text is not None
    lines = source.text.splitlines(keepends=True)
    at = source.lines.get(("seed",))
    if at is not None:
        old = lines[at - 1]
        if not old.startswith("seed:"):
            return None
        comment = old[old.index("#") :].rstrip("\n") if "#" in old else ""
        lines[at - 1] = f"seed: {seed}" + (f"  {comment}" if comment else "") + "\n"
    else:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(f"seed: {seed}  # the seed of the run\n")
    text = "".join(lines)
    try:  # the file must still say what was run
        same = yaml.safe_load(text) == {**source.data, "seed": seed}
    except yaml.YAMLError:
        same = False
    return text if same else None


def _scenario(folder: Path, source: ScenarioSource, seed: int, replication: int = 0) -> None:
    """The scenario as run, twice: scenario.yaml to read and run again, scenario.json to read back."""
    write_output(folder / "scenario.yaml", scenario_yaml(source, seed, replication))
    write_as_run(folder / "scenario.json", source, seed)


def _inputs(*sources: ScenarioSource) -> list[Path]:
    """Scenario files a results folder must never replace."""
    return [Path(s.name) for s in sources if Path(s.name).is_file()]


def slug(label: str) -> str:
    """A variant's label as a folder name."""
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", label).strip("_")[:80] or "variant"


def _save_one(
    result: Any, source: ScenarioSource, to: Target, write: Callable[[Path], None], replication: int
) -> Path:
    """A run's or an ensemble's folder: the scenario as run, summary.json with the answers, its
    tables (``write``) and the plots.  The plots and answers are drawn from the result model made
    in memory (:mod:`defsim.analysis.as_written`: the object the folder reads back as, so they
    are what ``defsim plot`` redraws from the files), and the tables are written beside the
    plots' drawing (by a drawing worker when there are several)."""
    with result_folder(to.folder, to.force, _inputs(source)) as tmp:
        _scenario(tmp, source, result.seed, replication)
        view = write_answers(tmp, in_memory(result, tmp))
        if to.plot:
            draw_folder(tmp, to.fmt, view=view, beside=lambda: write(tmp))
        else:
            write(tmp)
        if to.report:
            write_report(tmp, tmp / "report.html", to.command, result.plan, view)
    return Path(to.folder)


def in_memory(result: RunAnalysis | EnsembleAnalysis, folder: Path) -> Any:
    """The result model of ``result`` as its results ``folder`` reads back (the scenario as run
    read from the folder's scenario files, already written), made from the result in memory
    rather than by reading back its tables."""
    import dataclasses

    from ..analysis.as_written import ensemble_view, json_data, run_view
    from .as_run import read_as_run

    as_run = read_as_run(folder, json_data(result.summary))
    view = run_view(result, as_run) if isinstance(result, RunAnalysis) else ensemble_view(result, as_run)
    return dataclasses.replace(view, folder=folder)


def save_run(result: RunAnalysis, source: ScenarioSource, to: Target) -> Path:
    """summary.json, stock.csv, events.csv, markers.csv, scenario.yaml, scenario.json, the plots."""

    def tables(tmp: Path) -> None:
        write_run_tables(result, tmp)
        write_markers(tmp / "markers.csv", run_markers(result))

    return _save_one(result, source, to, tables, result.record.replication)


def save_ensemble(ens: EnsembleAnalysis, source: ScenarioSource, to: Target) -> Path:
    """summary.json, reps.csv, bands.csv, p_dry.csv, scenario.yaml, scenario.json, fan.png, p_dry.png."""
    return _save_one(ens, source, to, lambda tmp: write_ensemble_tables(ens, tmp), 0)


def write_answers(folder: Path, view: Any = None) -> Any:
    """The answers of a run or ensemble folder, declared in :mod:`defsim.analysis.answers`: as
    data under summary.json's ``answers`` (the structured facts and their sentences) and, one per
    line, in answers.txt (what the CLI prints first).  Both come from one call, so they agree.
    ``view``: the folder's result model (:func:`in_memory`), else it is read from the folder;
    the view returned holds the summary as now written."""
    import dataclasses

    from ..analysis.answers import ensemble_answers_data, run_answers_data
    from .folder import EnsembleView, RunView, read

    if view is None:
        view = read(folder)
    if isinstance(view, EnsembleView):
        data = ensemble_answers_data(view.answers)
    elif isinstance(view, RunView):
        data = run_answers_data(view.answers)
    else:
        return view
    summary = {**view.summary, "answers": data}
    write_json(folder / "summary.json", summary)
    write_output(folder / "answers.txt", "\n".join(data["lines"]) + "\n")
    return dataclasses.replace(view, summary=summary)


def draw_folder(
    folder: Path,
    fmt: str = "png",
    dpi: int = 110,
    progress: Any = None,
    view: Any = None,
    beside: Callable[[], None] | None = None,
) -> list[Path]:
    """Every plot of a results folder, drawn from its files (what ``defsim plot`` does), or
    from ``view``, the folder's result model; ``progress`` (a function of a line of text) hears
    of each plot as it is drawn; ``beside``: other work for the folder done while the plots are
    drawn (see :func:`defsim.io.drawing.draw_jobs`)."""
    from .drawing import draw_jobs
    from .folder import ComparisonView, EnsembleView, read
    from .plots import run_plots
    from .plots_ensemble import comparison_plots_named, ensemble_plots

    if view is None:
        if progress:
            progress(f"reading {folder}")
        view = read(folder)
    named: list[tuple[str, Callable[[], Any]]]
    if isinstance(view, ComparisonView):
        named = comparison_plots_named(view)
    elif isinstance(view, EnsembleView):
        named = ensemble_plots(view)
    else:
        named = run_plots(view)
    jobs = [(folder / f"{name}.{fmt}", draw) for name, draw in named]
    return draw_jobs(jobs, dpi, progress=progress, beside=beside)


def write_report(folder: Path, path: Path, command: str = "", plan: Any = None, view: Any = None) -> Path:
    from .report import write_report as write

    return write(folder, path, command, lambda as_run: plan, view)


def plot_comparison(cmp: ComparisonAnalysis, folder: Path | None = None, as_runs: Any = None) -> list[Any]:
    """The comparison's plots (saved into ``folder`` if given), drawn from it in memory."""
    from ..analysis.as_written import comparison_view
    from .plots_ensemble import comparison_plots

    return comparison_plots(comparison_view(cmp, as_runs), folder)


def save_comparison(
    cmp: ComparisonAnalysis,
    to: Target,
    protect: list[Path] | None = None,
    sources: list[ScenarioSource] | None = None,
) -> Path:
    """compare.csv, compare.json, overlay plots, and each variant's ensemble files."""
    from .folder import comparison_with

    with result_folder(to.folder, to.force, protect or ()) as tmp:
        summary = cmp.summary
        write_comparison_table(summary["table"], tmp / "compare.csv")
        write_json(tmp / "compare.json", summary)
        variants, subs = [], []
        for k, ens in enumerate(cmp.ensembles):
            sub = tmp / "variants" / f"{k + 1:02d}-{slug(ens.label)}"
            sub.mkdir(parents=True)
            if sources and k < len(sources):
                _scenario(sub, sources[k], ens.seed)
            variants.append(write_answers(sub, in_memory(ens, sub)))
            subs.append(sub)
        if sources:
            _scenario(tmp, sources[0], cmp.ensembles[0].seed)

        def tables() -> None:
            for ens, sub in zip(cmp.ensembles, subs, strict=True):
                write_ensemble_tables(ens, sub)

        # the plots and the report share one view, made of the variants' models
        view = comparison_with(tmp, variants) if to.plot or to.report else None
        if to.plot:
            draw_folder(tmp, to.fmt, view=view, beside=tables)
        else:
            tables()
        if to.report:
            write_report(tmp, tmp / "report.html", to.command, cmp.ensembles[0].plan, view)
    return Path(to.folder)
