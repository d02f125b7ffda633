"""Results folders: what each kind of result writes, atomically (see :func:`files.result_folder`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .._version import __version__
from ..analysis import ComparisonAnalysis, EnsembleAnalysis, RunAnalysis
from ..scenario.source import ScenarioSource
from .files import result_folder, write_json
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


def _json(path: Path, data: Any) -> None:
    write_json(path, data)


def _inputs(*sources: ScenarioSource) -> list[Path]:
    """Scenario files a results folder must never replace."""
    return [Path(s.name) for s in sources if Path(s.name).is_file()]


def slug(label: str) -> str:
    """A variant's label as a folder name."""
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", label).strip("_")[:80] or "variant"


def save_run(
    result: RunAnalysis, source: ScenarioSource, folder: str | Path, force: bool, plot: bool
) -> Path:
    """summary.json, stock.csv, events.csv, scenario.yaml, stock.png and deliveries.png."""
    with result_folder(folder, force, _inputs(source)) as tmp:
        _json(tmp / "summary.json", result.summary)
        write_run_tables(result, tmp)
        (tmp / "scenario.yaml").write_text(scenario_yaml(source, result.seed, result.record.replication))
        if plot:
            from .plots import plot_deliveries, plot_run

            plot_run(result, tmp / "stock.png")
            plot_deliveries(result, tmp / "deliveries.png")
    return Path(folder)


def save_ensemble(
    ens: EnsembleAnalysis, source: ScenarioSource, folder: str | Path, force: bool, plot: bool
) -> Path:
    """summary.json, reps.csv, bands.csv, p_dry.csv, scenario.yaml, fan.png, p_dry.png."""
    with result_folder(folder, force, _inputs(source)) as tmp:
        _json(tmp / "summary.json", ens.summary)
        write_ensemble_tables(ens, tmp)
        (tmp / "scenario.yaml").write_text(scenario_yaml(source, ens.seed))
        if plot:
            from .plots_ensemble import plot_fan, plot_p_dry

            plot_fan(ens, tmp / "fan.png")
            plot_p_dry([ens], tmp / "p_dry.png")
    return Path(folder)


def plot_comparison(cmp: ComparisonAnalysis, folder: Path | None = None) -> list[Any]:
    """stock_compare.png and p_dry_compare.png (into ``folder`` if given); the figures."""
    from .plots_ensemble import plot_compare_stock, plot_p_dry

    return [
        plot_compare_stock(cmp.ensembles, folder / "stock_compare.png" if folder else None),
        plot_p_dry(cmp.ensembles, folder / "p_dry_compare.png" if folder else None),
    ]


def save_comparison(
    cmp: ComparisonAnalysis, folder: str | Path, force: bool, plot: bool, protect: list[Path] | None = None
) -> Path:
    """compare.csv, compare.json, overlay plots, and each variant's ensemble files."""
    with result_folder(folder, force, protect or ()) as tmp:
        summary = cmp.summary
        write_comparison_table(summary["table"], tmp / "compare.csv")
        _json(tmp / "compare.json", summary)
        for k, ens in enumerate(cmp.ensembles):
            sub = tmp / "variants" / f"{k + 1:02d}-{slug(ens.label)}"
            sub.mkdir(parents=True)
            _json(sub / "summary.json", ens.summary)
            write_ensemble_tables(ens, sub)
        if plot:
            plot_comparison(cmp, tmp)
    return Path(folder)
