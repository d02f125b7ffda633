"""Results folders: redraw, report and compare what was already run, without running it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import scenario as _scenario
from ..io.as_run import AsRun
from ..io.files import Target
from ..plan import Plan
from ..plan.compiler import build


def plan_of(as_run: AsRun) -> Plan | None:
    """The plan of a results folder's scenario as run (None if it is missing or no longer valid)."""
    if as_run.plan is not None:
        return as_run.plan
    if not as_run.data:
        return None
    try:
        return build(_scenario.from_dict(as_run.data, "scenario.json").spec)
    except (_scenario.ScenarioError, ValueError):
        return None


def _plan_required(as_run: AsRun) -> Plan:
    plan = plan_of(as_run)
    if plan is None:
        raise _scenario.InputError(
            "it no longer validates (edited, or another version): its figures cannot be named"
        )
    return plan


def plot(folder: str | Path, fmt: str = "png", dpi: int = 110, progress: Any = None) -> list[Path]:
    """Redraw every plot of a results folder from its files (nothing is run); the files written.
    ``progress``, a function of a line of text, hears what is being read and drawn."""
    from ..io.files import unmarked_plots
    from ..io.save import draw_folder

    unmarked_plots(Path(folder))
    return draw_folder(Path(folder), fmt, dpi, progress)


def report(folder: str | Path, output: str | Path | None = None, command: str = "") -> Path:
    """One self-contained HTML page of a results folder (default: ``folder/report.html``)."""
    from ..io.report import write_report

    return write_report(folder, output, command, plan_of)


def compare_results(
    folders: Sequence[str | Path],
    out: str | Path,
    labels: Sequence[str] | None = None,
    figures: Sequence[str] = (),
    force: bool = False,
    plot: bool = True,
    fmt: str = "png",
    report: bool = False,
    command: str = "",
) -> Any:
    """Compare ensembles already run (results folders), paired by replication: they must share
    the seed and the number of replications (else :class:`defsim.io.compare.CannotCompare`)."""
    from ..io.compare import compare_folders

    to = Target(Path(out), force, plot, fmt, report, command)
    return compare_folders(folders, to, labels, figures, plan_of=_plan_required)
