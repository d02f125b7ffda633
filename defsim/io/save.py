"""Results folders: what each kind of result writes, atomically (see :func:`files.result_folder`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..analysis import ComparisonAnalysis, EnsembleAnalysis, RunAnalysis
from ..scenario.source import ScenarioSource
from .files import result_folder, write_json
from .tables import write_comparison_table, write_ensemble_tables, write_run_tables


def scenario_yaml(source: ScenarioSource) -> str:
    """The scenario as run (overrides applied), so a result can be run again."""
    note = "# the scenario as run, with any --set overrides applied\n"
    return note + yaml.safe_dump(source.data, sort_keys=False, allow_unicode=True)


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
        (tmp / "scenario.yaml").write_text(scenario_yaml(source))
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
        (tmp / "scenario.yaml").write_text(scenario_yaml(source))
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
