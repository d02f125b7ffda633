"""A classroom session: set-ups, the runs made from them, and their comparisons.

Everything the page does that is not drawing it lives here, as plain functions of plain data,
so it is tested without a browser or Streamlit.  A :class:`Setup` is a scenario (shipped, by
name, or uploaded, by its bytes), the ``--set`` lines of the controls moved off the file's
values, a seed and a number of replications.  Runs go through defsim's public API
(``defsim.load``/``loads``, ``defsim.run``, ``defsim.ensemble``, ``defsim.sweep``) in this
process on one worker: the page never starts processes of its own.  Every run of a session is
kept with its set-up; runs on the same seed and replications are paired replication by
replication (common random numbers), so their differences are the set-ups', not noise.  The
answers in words (:mod:`.answers`) and the take-aways (:mod:`.takeaway`) are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import _lazy
from .. import scenario as _scenario
from ..plan.size import DEFAULT_LIMITS, WorkTooBig, check, estimate
from ..scenario import InputError, Scenario, ScenarioError
from ..scenario import shipped as _shipped
from .knobs import Control, controls
from .takeaway import result_rows, results_csv, results_xlsx, scenario_yaml

if TYPE_CHECKING:
    from .answers import answers as answers
    from .answers import comparison_rows as comparison_rows
    from .answers import comparison_sentence as comparison_sentence
    from .answers import figures_table as figures_table
    from .answers import headline as headline
    from .answers import odds as odds

#: the answers in words, imported with the first result (they import the analysis layer and the
#: engine, which the first page does not need)
__getattr__ = _lazy.getter(
    __name__,
    globals(),
    {"defsim.explore.answers": "answers comparison_rows comparison_sentence figures_table headline odds"},
)

#: the page refuses an ensemble beyond this many threats in all (threats per run x replications):
#: a shared classroom server must answer everyone, and the CLI is there for bigger work
PAGE_THREATS = 5e6
#: above this many threats in all, the page warns that the answer will take more than seconds
QUICK_THREATS = 3e5
MAX_REPS = 1000
#: the shipped scenario the page opens on
DEFAULT = "textbook"
UPLOAD = "upload"


class Refused(Exception):
    """A request the page will not run: the message says why, in the CLI's words where it has them."""


@dataclass(frozen=True)
class Source:
    """Where a scenario comes from: a shipped name, or an uploaded file's name and bytes."""

    name: str
    data: bytes | None = None

    @property
    def shipped(self) -> bool:
        return self.data is None

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data or self.name.encode()).hexdigest()[:12]

    def load(self, overrides: Sequence[str] = ()) -> Scenario:
        """The scenario with ``overrides`` (``key=value``), by the CLI's loader (ScenarioError if bad).

        Loaded once per set-up and server: a scenario is never changed once loaded, and the same
        bytes with the same lines load to the same scenario."""
        if self.data is None and self.name not in {s.name for s in catalogue()}:
            raise Refused(f"no shipped scenario named {self.name!r}")
        return _load(self.name, self.data, tuple(overrides))


@functools.lru_cache(maxsize=1)
def _catalogue() -> tuple[_shipped.Shipped, ...]:
    return tuple(_shipped.catalogue())


def catalogue() -> list[_shipped.Shipped]:
    """The shipped scenarios (as ``defsim list``), read once: they do not change while serving."""
    return list(_catalogue())


@functools.lru_cache(maxsize=32)
def _load(name: str, data: bytes | None, overrides: tuple[str, ...]) -> Scenario:
    if data is None:
        return _scenario.load(name, list(overrides))
    return _scenario.load_bytes(data, name, list(overrides))


@functools.lru_cache(maxsize=32)
def _figure_keys(name: str, data: bytes | None, overrides: tuple[str, ...]) -> tuple[str, ...]:
    from .. import api

    return tuple(f.key for f in api.figures(_load(name, data, overrides)))


def figure_keys(source: Source, sets: Sequence[str]) -> list[str]:
    """Every figure the set-up's scenario reports (as ``defsim figures`` lists them)."""
    source.load(sets)  # the same checks and messages as a run
    return list(_figure_keys(source.name, source.data, tuple(sets)))


@dataclass(frozen=True)
class Setup:
    """What a run is made from: the scenario, the controls' values (as --set lines), seed, reps."""

    source: Source
    sets: tuple[str, ...]
    seed: int
    reps: int

    def command(self) -> str:
        """The CLI command that makes the same run."""
        import shlex

        name = self.source.name if self.source.shipped else f"{self.source.name}"
        parts = ["defsim", "run", name, "--seed", str(self.seed)]
        if self.reps > 1:
            parts += ["--reps", str(self.reps)]
        for s in self.sets:
            parts += ["--set", s]
        return shlex.join(parts)


def settings(base: Sequence[Control], values: dict[str, Any]) -> tuple[str, ...]:
    """The --set lines of the controls whose value differs from the file's, in control order."""
    out = []
    for c in base:
        if c.key in values and not c.same(values[c.key], c.value):
            out.append(c.assignment(values[c.key]))
    return tuple(out)


def values_of(base: Sequence[Control], sets: Sequence[str]) -> dict[str, Any]:
    """Every control's value given --set lines (a shared link): the file's value where not set.

    A line naming no control, or a value the control cannot hold, is an InputError."""
    by_key = {c.key: c for c in base}
    out = {c.key: c.value for c in base}
    for line in sets:
        key, eq, text = line.partition("=")
        if not eq or key.strip() not in by_key:
            raise InputError(f"{line!r} sets no control of this scenario")
        out[key.strip()] = by_key[key.strip()].parse(text)
    return out


def check_work(scenario: Scenario, reps: int) -> str | None:
    """Refuse (Refused) work beyond the CLI's bounds or the page's; a warning if it is slow."""
    if not 1 <= reps <= MAX_REPS:
        raise Refused(f"replications: between 1 and {MAX_REPS} on this page (the CLI runs more)")
    try:
        check(estimate(scenario.spec), reps=reps, limits=DEFAULT_LIMITS)
    except WorkTooBig as exc:
        raise Refused(f"too much work for this machine: {exc}") from None
    threats = estimate(scenario.spec).threats * reps
    if threats > PAGE_THREATS:
        raise Refused(
            f"too much work for this page: about {threats:,.0f} threats in all "
            f"({reps} replications); the page runs at most {PAGE_THREATS:,.0f}. "
            "Use fewer replications, or run it with the CLI: defsim run SCENARIO --reps N"
        )
    if threats > QUICK_THREATS:
        return (
            f"about {threats:,.0f} threats in all: this takes more than a few seconds "
            "(fewer replications answer faster)"
        )
    return None


@dataclass
class Run:
    """One run of the session: its set-up, its result, how long it took."""

    number: int
    setup: Setup
    result: Any  # api.EnsembleResult, or api.RunResult for a single run
    seconds: float
    label: str = ""
    #: what the page made of it once (answers, tables, charts), shown again on every rerun
    views: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def title(self) -> str:
        what = ", ".join(self.setup.sets) or "as the file"
        return self.label or f"run {self.number}: {what}"


def execute(setup: Setup, progress: Callable[[int], None] | None = None, number: int = 0) -> Run:
    """Run a set-up in this process: one run with its exact stock (reps 1), or an ensemble."""
    from .. import api

    scenario = setup.source.load(setup.sets)
    check_work(scenario, setup.reps)
    t0 = time.perf_counter()
    if setup.reps == 1:
        result: Any = api.run(scenario, seed=setup.seed)
        if progress is not None:
            progress(1)
    else:
        result = api.ensemble(scenario, reps=setup.reps, seed=setup.seed, workers=1, progress=progress)
    return Run(number, setup, result, time.perf_counter() - t0)


# --- comparisons, paired by replication -------------------------------------------------------


def pairable(runs: Sequence[Run]) -> bool:
    """Runs already paired replication by replication: ensembles of one seed and one size."""
    return (
        len(runs) >= 2
        and all(r.setup.reps > 1 for r in runs)
        and len({(r.setup.seed, r.setup.reps) for r in runs}) == 1
    )


def differing(runs: Sequence[Run]) -> dict[str, list[str]]:
    """The controls (keys) set differently between runs, with each run's value ('file' if unset)."""
    per = [dict(s.partition("=")[::2] for s in r.setup.sets) for r in runs]
    keys = sorted({k for p in per for k in p})
    out = {}
    for k in keys:
        vals = [p.get(k, "(the file's)") for p in per]
        if len(set(vals)) > 1:
            out[k] = vals
    if len({r.setup.source.digest for r in runs}) > 1:
        out["scenario"] = [r.setup.source.name for r in runs]
    return out


def compare(runs: Sequence[Run], figures: Sequence[str] = (), progress: Any = None) -> Any:
    """The comparison of two or more runs of the session, paired by replication.

    Ensembles of one seed and size are compared as they are (defsim ran them on the same random
    numbers); otherwise they are run again on the first run's seed and the largest size."""
    from .. import api

    if len(runs) < 2:
        raise Refused("choose two or more runs to compare")
    labels = [r.title for r in runs]
    if len(set(labels)) < len(labels):
        labels = [f"{lab} (#{r.number})" for lab, r in zip(labels, runs, strict=True)]
    if pairable(runs):
        for r, lab in zip(runs, labels, strict=True):
            r.result.label = lab  # the table and plots name each run by its title
        return api.ComparisonResult([r.result for r in runs], figures)
    seed, reps = runs[0].setup.seed, max(2, *(r.setup.reps for r in runs))
    scenarios = [r.setup.source.load(r.setup.sets) for r in runs]
    for sc in scenarios:
        check_work(sc, reps * len(runs))
    return api.compare(
        scenarios, reps=reps, seed=seed, figures=figures, labels=labels, workers=1, progress=progress
    )


def sweep(
    source: Source,
    sets: Sequence[str],
    key: str,
    values: Sequence[str],
    labels: Sequence[str],
    seed: int,
    reps: int,
    figures: Sequence[str] = (),
    progress: Any = None,
) -> Any:
    """A preset or a shared comparison: ``key`` takes each of ``values`` (as --vary would)."""
    from .. import api
    from ..scenario.overrides import parse_value

    base = source.load(sets)
    check_work(base, reps * len(values))
    return api.sweep(
        base,
        {key: [parse_value(v) for v in values]},
        reps=reps,
        seed=seed,
        figures=figures,
        labels=list(labels),
        workers=1,
        progress=progress,
    )


@dataclass
class Session:
    """The runs of one browser session, numbered from 1 (kept while the page is open)."""

    runs: list[Run] = field(default_factory=list)
    limit: int = 30

    def add(self, run: Run) -> Run:
        run.number = (self.runs[-1].number + 1) if self.runs else 1
        self.runs.append(run)
        del self.runs[: max(0, len(self.runs) - self.limit)]  # a long lesson keeps its last runs
        return run

    def get(self, numbers: Sequence[int]) -> list[Run]:
        by = {r.number: r for r in self.runs}
        return [by[n] for n in numbers if n in by]


#: what the page says when defsim itself fails: the user's scenario is not at fault
INTERNAL = (
    "internal error: this is a bug in defsim, not a problem with your scenario; please report it "
    "to defsim's developers with the scenario file and this page's settings (Share and download)"
)


def user_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the user's to fix (the CLI's exit status 2), not a fault of defsim's.

    Only defsim's own user errors count: a scenario that cannot be used, a request out of range
    (InputError, of which WorkTooBig and UnknownFigure are kinds) and what the page refuses.  A
    bare ValueError from inside the engine is a bug, as on the command line."""
    return isinstance(exc, ScenarioError | InputError | Refused)


def describe_error(exc: BaseException) -> str:
    """The message a user sees: the CLI's own words for their errors, an internal error otherwise."""
    if isinstance(exc, ScenarioError):
        return exc.format()
    if isinstance(exc, WorkTooBig):
        return f"error: too much work for this machine: {exc}"
    if user_error(exc):
        return f"error: {exc}"
    return f"{INTERNAL}. {type(exc).__name__}: {exc}"


def today() -> dt.date:
    return dt.date.today()


__all__ = [
    "UPLOAD",
    "Refused",
    "Run",
    "Session",
    "Setup",
    "Source",
    "answers",
    "catalogue",
    "check_work",
    "compare",
    "comparison_rows",
    "comparison_sentence",
    "controls",
    "describe_error",
    "differing",
    "execute",
    "figure_keys",
    "figures_table",
    "headline",
    "odds",
    "result_rows",
    "results_csv",
    "results_xlsx",
    "scenario_yaml",
    "settings",
    "sweep",
    "user_error",
    "values_of",
]
