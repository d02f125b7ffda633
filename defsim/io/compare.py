"""Comparing ensembles that were already run: results folders side by side, paired if they can be.

Two ensembles are paired (replication i of one against replication i of the other) only when
they ran the same seed and the same number of replications: replication i always uses
``SeedSequence(seed).spawn(N)[i]``.  Otherwise :class:`CannotCompare` says why.  The comparison
is written as ``defsim compare`` writes one (compare.csv, compare.json, variants/, plots), from
the folders' files: nothing is run again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..analysis import ComparisonAnalysis, EnsembleAnalysis
from ..analysis.ensemble import Collected, Replication
from ..analysis.streaming import BLOCK
from ..plan import Plan
from ..scenario.errors import InputError
from .as_run import AsRun
from .files import Target, copy_output, result_folder
from .folder import EnsembleView, NotAResultsFolder, read
from .formats import write_json
from .save import draw_folder, slug, write_report
from .tables import write_comparison_table

VARIANT_FILES = ("summary.json", "reps.csv", "bands.csv", "p_dry.csv", "scenario.yaml", "scenario.json")


class CannotCompare(InputError):
    """Results that cannot be compared pairwise; the message says why."""


def load_ensembles(folders: Sequence[str | Path]) -> list[EnsembleView]:
    """The ensembles in ``folders``, checked to be comparable replication by replication."""
    views = []
    for f in folders:
        try:
            v = read(f)
        except (NotAResultsFolder, OSError) as exc:
            raise CannotCompare(str(exc)) from None
        if not isinstance(v, EnsembleView):
            what = "a single run" if hasattr(v, "series") and not hasattr(v, "bands") else "a comparison"
            raise CannotCompare(
                f"{f}: is {what}, not an ensemble: compare needs ensembles (run with --reps N)"
            )
        if not v.as_run.data:
            raise CannotCompare(f"{f}: has no scenario.json or scenario.yaml, so its figures cannot be named")
        views.append(v)
    first = views[0]
    for f, v in zip(folders[1:], views[1:], strict=True):
        if v.seed != first.seed:
            raise CannotCompare(
                f"{folders[0]} ran seed {first.seed} and {f} seed {v.seed}: replications are paired only "
                f"when they share the seed; run again with --seed {first.seed}"
            )
        if v.reps != first.reps:
            raise CannotCompare(
                f"{folders[0]} has {first.reps} replications and {f} {v.reps}: replications are paired only "
                f"when their numbers match; run again with --reps {first.reps}"
            )
    return views


def _analysis(view: EnsembleView, label: str, plan_of: Callable[[AsRun], Plan]) -> EnsembleAnalysis:
    """An ensemble analysis of a folder's figures (no stock levels: they are in bands.csv)."""
    try:
        plan = plan_of(view.as_run)
    except ValueError as exc:  # edited, or from another version: say which folder
        name = "scenario.json" if (view.folder / "scenario.json").is_file() else "scenario.yaml"
        raise CannotCompare(f"{view.folder / name}: {exc}") from None
    n_series = sum(len(h.types) for h in plan.network.holders)
    empty = np.zeros((n_series, len(view.grid)), dtype=np.int32)
    collected = Collected(view.grid)
    batch: list[Replication] = []
    for i, row in enumerate(view.rows()):  # folded in as read: reps.csv is never held whole
        batch.append(
            Replication(i, {k: x for k, x in zip(view.columns, row, strict=True) if not math.isnan(x)}, empty)
        )
        if len(batch) == BLOCK:
            collected.add(batch)
            batch = []
    collected.add(batch)
    return EnsembleAnalysis(plan, view.seed, view.grid, collected, label)


def compare_folders(
    folders: Sequence[str | Path],
    to: Target,
    labels: Sequence[str] | None = None,
    figures: Sequence[str] = (),
    plan_of: Callable[[AsRun], Plan] | None = None,
) -> ComparisonAnalysis:
    """Compare the ensembles in ``folders`` (paired) into the results folder ``out``.
    ``plan_of`` builds the plan of a folder's scenario as run (the api layer's: it needs the schema)."""
    if plan_of is None:
        raise ValueError("compare_folders needs plan_of (defsim.api.compare_results gives it)")
    views = load_ensembles(folders)
    names = list(labels) if labels else [str(f) for f in folders]
    cmp = ComparisonAnalysis(
        [_analysis(v, lab, plan_of) for v, lab in zip(views, names, strict=True)],
        figures,
        views[0].meta.get("question", ""),
        views[0].currency,
    )
    with result_folder(to.folder, to.force, [Path(f) for f in folders]) as tmp:  # never onto an input
        summary = cmp.summary
        write_comparison_table(summary["table"], tmp / "compare.csv")
        write_json(tmp / "compare.json", summary)
        for k, (v, label) in enumerate(zip(views, names, strict=True)):
            sub = tmp / "variants" / f"{k + 1:02d}-{slug(label)}"
            sub.mkdir(parents=True)
            for name in VARIANT_FILES:
                if (v.folder / name).is_file():
                    copy_output(v.folder / name, sub / name)
        for name in ("scenario.yaml", "scenario.json"):
            if (views[0].folder / name).is_file():
                copy_output(views[0].folder / name, tmp / name)
        if to.plot:
            draw_folder(tmp, to.fmt)
        if to.report:
            write_report(tmp, tmp / "report.html", to.command, cmp.ensembles[0].plan)
    return cmp
