"""The public result types: analysis results that know their scenario and can plot and save."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from ..analysis import ComparisonAnalysis, EnsembleAnalysis, RunAnalysis
from ..analysis.answers import plural
from ..analysis.as_written import comparison_view, ensemble_view, run_view
from ..analysis.views import ComparisonView, EnsembleView, RunView, answer_lines
from ..engine import RunRecord
from ..io import save_comparison, save_ensemble, save_run
from ..io.as_run import AsRun, of_result
from ..io.files import Target
from ..plan import Plan
from ..scenario import Scenario


class Saves:
    """What every result's ``save`` takes: the folder, and how (see :class:`defsim.io.files.Target`)."""

    def save(
        self,
        folder: str | Path,
        force: bool = False,
        plot: bool = True,
        fmt: str = "png",
        report: bool = False,
        command: str = "",
    ) -> Path:
        """Write the results folder atomically (its files: see the class); ``force`` replaces a
        results folder defsim wrote; ``plot``: draw the plots (as ``fmt``); ``report``: also
        report.html; ``command``: the command line the report says reproduces it."""
        return self._write(Target(Path(folder), force, plot, fmt, report, command))

    def _write(self, to: Target) -> Path:
        raise NotImplementedError


class Viewed(Saves):
    """A run or an ensemble of one scenario: the result model its results folder reads back as,
    made in memory (``view``), and the answers in words drawn from it."""

    scenario: Scenario
    plan: Plan
    seed: int

    @property
    def as_run(self) -> AsRun:
        """The scenario as run (what scenario.json holds) and its plan."""
        return of_result(self.scenario.source, self.seed, self.plan)

    @cached_property
    def view(self) -> Any:
        """The result model (:mod:`defsim.analysis.views`), made from this result in memory: the
        object its results folder reads back as; what plots and answers are drawn from."""
        return self._model(self.as_run)

    def _model(self, as_run: AsRun) -> Any:
        raise NotImplementedError

    @property
    def answers(self) -> list[str]:
        """The answers in words: per site and type, when it ran out (of an ensemble: P(it ran
        dry) and when, median and 5-95%); what it cost."""
        return answer_lines(self.view)


class RunResult(Viewed, RunAnalysis):
    """One run of a scenario: ``summary``, ``stock`` series, the event log, ``plot()``, ``save()``."""

    def __init__(self, record: RunRecord, scenario: Scenario):
        super().__init__(record)
        self.scenario = scenario

    def __repr__(self) -> str:
        t = self.summary["totals"]
        return (
            f"<RunResult {self.plan.name!r} seed {self.seed}: {plural(t['arrived'], 'threat')}, "
            f"{t['killed']} killed, {t['leaked']} leaked>"
        )

    def _model(self, as_run: AsRun) -> RunView:
        return run_view(self, as_run)

    def plot(self, path: str | Path | None = None) -> Any:
        """Each site's stock per interceptor type; saved to ``path`` if given; the matplotlib Figure."""
        from ..io.plots import plot_stock

        view = self.view
        return plot_stock(view, view.holders("site"), "how many rounds does each site hold, per type?", path)

    def _write(self, to: Target) -> Path:
        return save_run(self, self.scenario.source, to)


class EnsembleResult(Viewed, EnsembleAnalysis):
    """Replications of one scenario: figures with intervals, stock bands, P(ran dry by day d)."""

    def __init__(self, scenario: Scenario, plan: Plan, seed: int, grid: Any, reps: Any, label: str | None):
        super().__init__(plan, seed, grid, reps, label)
        self.scenario = scenario

    def __repr__(self) -> str:
        head = f"<EnsembleResult {self.label!r}: {self.reps} replications of seed {self.seed}"
        stats = self.statistics("totals.leaked_share") if "totals.leaked_share" in self.columns else None
        if stats is None:
            return head + ">"
        ci = stats["ci95"] or [None, None]
        interval = f" [{ci[0]:.3g}, {ci[1]:.3g}]" if ci[0] is not None else ""
        return f"{head}, leaked share {stats['mean']:.3g}{interval}>"

    def _model(self, as_run: AsRun) -> EnsembleView:
        return ensemble_view(self, as_run)

    def plot(self, path: str | Path | None = None) -> Any:
        """Fan chart of every holder's stock per type; saved to ``path`` if given."""
        from ..io.plots_ensemble import plot_fan

        return plot_fan(self.view, path)

    def _write(self, to: Target) -> Path:
        return save_ensemble(self, self.scenario.source, to)


class ComparisonResult(Saves, ComparisonAnalysis):
    """Ensembles of several variants with the same seeds: ``summary`` (the table, as compare.json),
    ``to_frame()``, paired differences, ``plot()`` overlays and ``save()``."""

    ensembles: list[EnsembleResult]  # type: ignore[assignment]

    def __repr__(self) -> str:
        labels = ", ".join(repr(x) for x in self.labels)
        n = len(self.ensembles)
        return f"<ComparisonResult of {n} variants ({labels}), {self.ensembles[0].reps} reps>"

    @cached_property
    def view(self) -> ComparisonView:
        """The result model (:mod:`defsim.analysis.views`), made from this comparison in memory:
        the object its results folder reads back as; what ``plot()`` draws from."""
        return comparison_view(self, [e.as_run for e in self.ensembles])

    def plot(self, folder: str | Path | None = None) -> list[Any]:
        """Overlaid median stock and P(ran dry) of every variant (saved into ``folder`` if given)."""
        from ..io.plots_ensemble import comparison_plots

        return comparison_plots(self.view, Path(folder) if folder is not None else None)

    def _write(self, to: Target) -> Path:
        inputs = [Path(e.scenario.source.name) for e in self.ensembles]
        sources = [e.scenario.source for e in self.ensembles]
        return save_comparison(self, to, [p for p in inputs if p.is_file()], sources)
