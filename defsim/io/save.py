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
    """A run's or an ensemble's folder: summary.json, its tables (``write``), the scenario as run,
    the answers, and the plots drawn from those files (as ``defsim plot`` redraws them)."""
    with result_folder(to.folder, to.force, _inputs(source)) as tmp:
        write_json(tmp / "summary.json", result.summary)
        write(tmp)
        _scenario(tmp, source, result.seed, replication)
        view = write_answers(tmp)
        if to.plot:
            draw_folder(tmp, to.fmt, view=view)
        if to.report:
            write_report(tmp, tmp / "report.html", to.command, result.plan, view)
    return Path(to.folder)


def save_run(result: RunAnalysis, source: ScenarioSource, to: Target) -> Path:
    """summary.json, stock.csv, events.csv, markers.csv, scenario.yaml, scenario.json, the plots."""

    def tables(tmp: Path) -> None:
        write_run_tables(result, tmp)
        write_markers(tmp / "markers.csv", run_markers(result))

    return _save_one(result, source, to, tables, result.record.replication)


def save_ensemble(ens: EnsembleAnalysis, source: ScenarioSource, to: Target) -> Path:
    """summary.json, reps.csv, bands.csv, p_dry.csv, scenario.yaml, scenario.json, fan.png, p_dry.png."""
    return _save_one(ens, source, to, lambda tmp: write_ensemble_tables(ens, tmp), 0)


def write_answers(folder: Path) -> Any:
    """The answers of a run or ensemble folder, declared in :mod:`defsim.analysis.answers`: as
    data under summary.json's ``answers`` (the structured facts and their sentences) and, one per
    line, in answers.txt (what the CLI prints first).  Both come from one call, so they agree."""
    import dataclasses

    from ..analysis.answers import ensemble_answers_data, run_answers_data
    from .folder import EnsembleView, RunView, read

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
    return dataclasses.replace(view, summary=summary)  # the folder as now written: read once


def draw_folder(
    folder: Path, fmt: str = "png", dpi: int = 110, progress: Any = None, view: Any = None
) -> list[Path]:
    """Every plot of a results folder, drawn from its files (what ``defsim plot`` does), or
    from ``view``, the folder as just read; ``progress`` (a function of a line of text) hears of
    each plot as it is drawn."""
    from .folder import ComparisonView, EnsembleView, read
    from .plots import plot_run_folder
    from .plots_ensemble import plot_comparison_folder, plot_ensemble_folder

    if view is None:
        if progress:
            progress(f"reading {folder}")
        view = read(folder)
    if isinstance(view, ComparisonView):
        return plot_comparison_folder(view, folder, fmt, dpi, progress)
    if isinstance(view, EnsembleView):
        return plot_ensemble_folder(view, folder, fmt, dpi, progress)
    return plot_run_folder(view, folder, fmt, dpi, progress)


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
        variants = []
        for k, ens in enumerate(cmp.ensembles):
            sub = tmp / "variants" / f"{k + 1:02d}-{slug(ens.label)}"
            sub.mkdir(parents=True)
            write_json(sub / "summary.json", ens.summary)
            write_ensemble_tables(ens, sub)
            if sources and k < len(sources):
                _scenario(sub, sources[k], ens.seed)
            variants.append(write_answers(sub))  # each variant's folder as written, read once
        if sources:
            _scenario(tmp, sources[0], cmp.ensembles[0].seed)
        # the plots and the report share one view, made of the variants just read
        view = comparison_with(tmp, variants) if to.plot or to.report else None
        if to.plot:
            draw_folder(tmp, to.fmt, view=view)
        if to.report:
            write_report(tmp, tmp / "report.html", to.command, cmp.ensembles[0].plan, view)
    return Path(to.folder)
