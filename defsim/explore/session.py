"""A classroom session: set-ups, the runs made from them, comparisons and the answers in words.

Everything the page does that is not drawing it lives here, as plain functions of plain data,
so it is tested without a browser or Streamlit.  A :class:`Setup` is a scenario (shipped, by
name, or uploaded, by its bytes), the ``--set`` lines of the controls moved off the file's
values, a seed and a number of replications.  Runs go through defsim's public API
(``defsim.load``/``loads``, ``defsim.run``, ``defsim.ensemble``, ``defsim.sweep``) in this
process on one worker: the page never starts processes of its own.  Every run of a session is
kept with its set-up; runs on the same seed and replications are paired replication by
replication (common random numbers), so their differences are the set-ups', not noise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import api
from ..analysis.answers import ensemble_answers, ensemble_lines, when
from ..analysis.metrics import Kind
from ..plan.size import DEFAULT_LIMITS, estimate
from ..scenario import InputError, Scenario, ScenarioError
from .knobs import Control, controls

#: the page refuses an ensemble beyond this many threats in all (threats per run x replications):
#: a shared classroom server must answer everyone, and the CLI is there for bigger work
PAGE_THREATS = 5e6
#: above this many threats in all, the page warns that the answer will take more than seconds
QUICK_THREATS = 3e5
MAX_REPS = 1000
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
        """The scenario with ``overrides`` (``key=value``), by the CLI's loader (ScenarioError if bad)."""
        if self.data is None:
            if self.name not in {s.name for s in api.scenarios()}:
                raise Refused(f"no shipped scenario named {self.name!r}")
            return api.load(self.name, list(overrides))
        return api.loads(self.data, self.name, list(overrides))


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
        from ..plan.size import check

        check(estimate(scenario.spec), reps=reps, limits=DEFAULT_LIMITS)
    except api.WorkTooBig as exc:
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

    @property
    def title(self) -> str:
        what = ", ".join(self.setup.sets) or "as the file"
        return self.label or f"run {self.number}: {what}"


def execute(setup: Setup, progress: Callable[[int], None] | None = None, number: int = 0) -> Run:
    """Run a set-up in this process: one run with its exact stock (reps 1), or an ensemble."""
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


# --- answers ---------------------------------------------------------------------------------


def _layout(result: Any) -> list[tuple[str, str, list[str]]]:
    plan = result.plan
    return [
        (h.name, h.kind, [plan.interceptors[t] for t in h.types])
        for h in plan.network.holders
        if h.kind != "producer"
    ]


def odds(result: Any) -> Any:
    """An ensemble's structured answers (per holder and type: P(ran dry), median, 5-95%)."""
    plan = result.plan
    currency = result.scenario.spec.currency
    return ensemble_answers(plan.name, plan.start, plan.duration, _layout(result), result.figure, currency)


def _day(x: float, start: dt.datetime | None) -> str:
    """A day as a student reads it: 'day 18' (no calendar) or '12 Jan 2024 (day 11)'."""
    return f"day {round(x)}" if start is None else when(x, start)


def _site_word(name: str, sites: int) -> str:
    # the textbook's one site reads "the battery"; several sites read by name
    return "the battery" if sites == 1 and name.lower() == "battery" else name


def headline(result: Any) -> list[str]:
    """The answer first, one sentence per site: "the battery runs dry around day 20 ...".

    For an ensemble: the median first day without rounds of any type, its 5-95% range and in
    how many runs it came; for one run: the day it came."""
    start = result.plan.start
    out = []
    if hasattr(result, "collected"):
        a = odds(result)
        sites = [h for h in a.holders if h.kind == "site"]
        for h in sites:
            o = h.all_types
            who = _site_word(h.holder, len(sites))
            if o.p_dry == 0:
                out.append(f"{who} never runs dry in {o.reps} runs.")
                continue
            if o.median is None:  # dry in fewer than half the runs: no median day to speak of
                out.append(
                    f"{who} runs dry in only {100 * o.p_dry:.0f}% of {o.reps} runs "
                    f"(the earliest 5% by {_day(o.p5, start)})."
                )
                continue
            late = "not by the end" if o.p95 is None else _day(o.p95, start)
            out.append(
                f"{who} runs dry around {_day(o.median, start)} (5-95%: {_day(o.p5, start)} to {late}; "
                f"in {100 * o.p_dry:.0f}% of {o.reps} runs)."
            )
    else:
        sites = [(n, e) for n, e in result.summary["sites"].items()]
        for name, entry in sites:
            who = _site_word(name, len(sites))
            day = entry["first_stockout_day"]
            out.append(
                f"{who} runs dry on {_day(day, start)}." if day is not None else f"{who} never runs dry."
            )
    return [s[0].upper() + s[1:] for s in out]


def answers(result: Any) -> list[str]:
    """defsim's answers in words, as the CLI prints them."""
    if hasattr(result, "collected"):
        return ensemble_lines(odds(result))
    return list(result.answers)


def figures_table(result: Any) -> list[dict[str, Any]]:
    """The headline figures of an ensemble with their 95% intervals, as rows."""
    from ..analysis.answers import show

    start = result.plan.start
    currency = result.scenario.spec.currency
    rows = []
    for line in result.headline():
        fig, stats = line.figure, line.stats
        if line.key.endswith(".p_happened"):
            p, ci = stats["mean"], stats.get("ci95") or [None, None]
            value = f"{100 * p:.0f}%"
            interval = f"{100 * ci[0]:.0f}% to {100 * ci[1]:.0f}%" if ci[0] is not None else ""
            meaning = f"P(it happened): {fig.meaning}"
        elif line.key.endswith(".median"):
            value = show(fig.kind, stats["median"], start, currency, fig.unit)
            interval, meaning = "", f"median: {fig.meaning}"
        else:
            ci = stats.get("ci95") or [None, None]
            value = show(fig.kind, stats.get("mean"), start, currency, fig.unit)
            lo, hi = (show(fig.kind, x, start, currency, fig.unit) for x in ci)
            interval = f"{lo} to {hi}" if ci[0] is not None else ""
            meaning = fig.meaning
        rows.append({"figure": line.key, "mean": value, "95% interval": interval, "meaning": meaning})
    return rows


# --- comparisons -----------------------------------------------------------------------------


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


def _diff_rows(cmp: Any) -> list[dict[str, Any]]:
    return [r for r in cmp.table() if r["diff_vs_first"] is not None]


def comparison_rows(cmp: Any) -> list[dict[str, Any]]:
    """The comparison table: per figure and variant, mean and interval, paired difference."""
    from ..analysis.answers import show

    first = cmp.ensembles[0]
    start, currency = first.plan.start, first.scenario.spec.currency
    out = []
    for row in cmp.table():
        key = row["figure"]
        base_key = key.rsplit(".", 1)[0] if key.endswith((".p_happened", ".median")) else key
        try:
            fig = first.catalogue_figure(base_key)
        except Exception:
            continue

        def fmt(x: Any, fig: Any = fig, key: str = key) -> str:
            if x is None:
                return ""
            if key.endswith(".p_happened"):
                return f"{100 * x:.0f}%"
            return show(fig.kind, x, start, currency, fig.unit)

        value = fmt(row["median"]) if key.endswith(".median") else fmt(row["mean"])
        ci = f"{fmt(row['ci95_low'])} to {fmt(row['ci95_high'])}" if row["ci95_low"] is not None else ""
        diff = ""
        if row["diff_vs_first"] is not None:
            d = row["diff_vs_first"]
            diff = f"{d:+,.2f} [{row['diff_ci95_low']:+,.2f}, {row['diff_ci95_high']:+,.2f}]"
        out.append(
            {
                "variant": row["variant"],
                "figure": key,
                "value": value,
                "95% interval": ci,
                "difference from the first, paired": diff,
            }
        )
    return out


def _significant(row: dict[str, Any]) -> bool:
    lo, hi = row["diff_ci95_low"], row["diff_ci95_high"]
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def comparison_sentence(cmp: Any) -> str:
    """The comparison's answer in words, from the paired differences and their intervals.

    It names, for each variant against the first, the figures whose 95% interval of the paired
    difference leaves zero, largest relative change first, and says when nothing does."""
    first = cmp.ensembles[0]
    start, currency = first.plan.start, first.scenario.spec.currency
    rows = _diff_rows(cmp)
    parts = []
    base = {r["figure"]: r for r in cmp.table() if r["variant"] == cmp.labels[0]}

    def size(r: dict[str, Any]) -> float:
        # relative change: a day more of 600 weighs less than one more leak of 3
        b = base.get(r["figure"], {}).get("mean")
        return abs(r["diff_vs_first"]) / abs(b) if b else abs(r["diff_vs_first"])

    for label in cmp.labels[1:]:
        mine = [r for r in rows if r["variant"] == label and _significant(r)]
        mine.sort(key=size, reverse=True)
        if not mine:
            parts.append(
                f"{label!s} against {cmp.labels[0]!s}: no headline figure differs beyond the noise "
                f"of {first.reps} paired runs"
            )
            continue
        said = []
        for r in mine[:3]:
            fig = first.catalogue_figure(r["figure"])
            d = r["diff_vs_first"]
            counted = fig.kind is Kind.COUNT
            word = ("more" if d > 0 else "fewer") if counted else ("more" if d > 0 else "less")
            said.append(
                f"{fig.meaning.split(' (')[0]}: {_amount(fig, abs(d), start, currency)} {word} "
                f"(95% interval {_amount(fig, r['diff_ci95_low'], start, currency, True)} to "
                f"{_amount(fig, r['diff_ci95_high'], start, currency, True)})"
            )
        parts.append(f"{label!s} against {cmp.labels[0]!s}: " + "; ".join(said))
    return (
        "; ".join(parts) + f". Paired by replication: {first.reps} runs on seed {first.seed}, "
        "the same random numbers for every variant."
    )


def _amount(fig: Any, x: float, start: Any, currency: str, signed: bool = False) -> str:
    from ..analysis.answers import show

    if fig.kind is Kind.SHARE:
        text = f"{100 * abs(x):.1f} points"
    elif fig.kind in (Kind.DAY, Kind.DURATION):
        text = f"{abs(x):,.1f} days"
    elif fig.kind is Kind.COUNT:
        text = f"{abs(x):,.1f}"
    else:
        text = show(fig.kind, abs(x), start, currency, fig.unit)
    if signed:
        return ("-" if x < 0 else "+") + text
    return text


# --- taking it away ----------------------------------------------------------------------------


def scenario_yaml(setup: Setup) -> str:
    """The scenario as run, as YAML that loads to the same scenario; its --set lines as comments."""
    scenario = setup.source.load(setup.sets)
    head = [
        f"# {setup.source.name}, as run in defsim explore",
        f"# the same run: {setup.command()}",
    ]
    head += [f"# --set {s}" for s in setup.sets] or ["# (no --set: the file as it ships)"]
    body = yaml.safe_dump(scenario.source.data, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + body


def _cell(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def result_rows(run: Run) -> tuple[list[str], list[list[Any]]]:
    """A run's results as a table: one row per replication and figure column (an ensemble), or
    one row per change of stock (a single run)."""
    r = run.result
    if hasattr(r, "collected"):
        cols = ["replication", *r.columns]
        rows = [[i, *map(_cell, map(float, row))] for i, row in enumerate(r.values.tolist())]
        return cols, rows
    cols = ["time_d", "date", "holder", "kind", "interceptor", "level", "ready"]
    return cols, [list(row) for row in r.stock_rows()]


def _safe(x: Any) -> Any:
    """A spreadsheet cell that is never a formula (=, +, -, @ start one)."""
    if isinstance(x, str) and x[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + x
    return x


def results_csv(run: Run) -> str:
    import csv
    import io

    cols, rows = result_rows(run)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow(["" if v is None else _safe(v) for v in row])
    return buf.getvalue()


def results_xlsx(runs: Sequence[Run]) -> bytes:
    """An Excel workbook: a sheet per run (its table) and one of the set-ups."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "runs"
    info.append(["run", "scenario", "seed", "replications", "set", "command", "seconds"])
    for run in runs:
        s = run.setup
        info.append(
            [
                _safe(run.title),
                _safe(s.source.name),
                s.seed,
                s.reps,
                _safe("; ".join(s.sets)),
                _safe(s.command()),
                round(run.seconds, 3),
            ]
        )
    for run in runs:
        ws = wb.create_sheet(f"run {run.number}"[:31])
        cols, rows = result_rows(run)
        ws.append(cols)
        for row in rows:
            ws.append([_safe(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


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
    if isinstance(exc, api.WorkTooBig):
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
    "check_work",
    "compare",
    "comparison_rows",
    "comparison_sentence",
    "controls",
    "describe_error",
    "differing",
    "execute",
    "figures_table",
    "headline",
    "results_csv",
    "results_xlsx",
    "scenario_yaml",
    "settings",
    "sweep",
    "user_error",
    "values_of",
]
