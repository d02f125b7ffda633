"""The metrics registry: every figure a run reports, declared once, and how declarations expand.

A :class:`Metric` is a key pattern (``sites.{site}.days_empty``), a :class:`Kind`, a unit, a
one-line meaning and a reader (a function of one run's facts and the pattern's parameters).
A :class:`Field` is a descriptive entry of the summary that is not a figure (a name, a date);
a :class:`Group` makes a container exist even when empty.  A :class:`Registry` holds the entries
in summary order and expands them for a plan: into the concrete figures a scenario can report
(:meth:`Registry.catalogue`), a run's ``summary.json`` (:meth:`Registry.summary`) and one
replication's row of ``reps.csv`` (:meth:`Registry.row`).  The declarations themselves are in
:mod:`defsim.analysis.figures`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .._delegate import Delegate
from ..plan import Plan
from ..scenario.errors import InputError
from .statistics import Bounds

Params = dict[str, str]
#: the values a pattern's parameter takes: f(plan, facts of a run or None, earlier parameters).
#: Given a run, a domain may leave out (never add) values the run has no figure for.
Domain = Callable[[Plan, Any, Params], Sequence[str]]
Reader = Callable[[Any, Params], Any]


def per_run(domain: Domain) -> Domain:
    """Mark a domain whose values (or their order) depend on the run, not on the plan alone."""
    domain.per_run = True  # type: ignore[attr-defined]
    return domain


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: a reader's answer when this run has no such entry (e.g. a route that delivered nothing)
ABSENT: Any = _Absent()


class Kind(StrEnum):
    """What a figure measures; the kind decides its bounds, its statistic and how it is shown."""

    COUNT = "count"  # threats, rounds: a whole number >= 0
    SHARE = "share"  # a fraction in [0, 1]
    DURATION = "duration"  # days, in [0, the run's duration]
    DAY = "day"  # a time in days after the start that may never come (null: never)
    MONEY = "money"  # cost units >= 0
    RATIO = "ratio"  # a quotient >= 0, null when undefined

    def bounds(self, duration: float) -> Bounds:
        if self is Kind.SHARE:
            return (0.0, 1.0)
        if self in (Kind.DURATION, Kind.DAY):
            return (0.0, duration)
        return (0.0, math.inf)

    def show(self, value: float | None) -> str:
        """A value as the CLI tables show it."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "-"
        if self is Kind.COUNT:
            return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
        if self is Kind.MONEY:
            return f"{value:,.0f}"
        if self in (Kind.DURATION, Kind.DAY):
            return f"{value:.1f}"
        return f"{value:.2f}" if self is Kind.RATIO else f"{value:.3g}"


_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One entry of a run's summary: a key pattern and how to read it."""

    key: str
    meaning: str
    read: Reader
    #: parameter domains that differ from the registry's defaults for this entry
    domains: Mapping[str, Domain] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        return self.key.split(".")

    @property
    def params(self) -> list[str]:
        return [m.group(1) for s in self.segments if (m := _PLACEHOLDER.match(s))]

    def describe(self, params: Params | None = None) -> str:
        """The meaning, with the parameters filled in (or shown as ``<site>``)."""
        return self.meaning.format(**(params or {p: f"<{p}>" for p in self.params}))


@dataclass(frozen=True, kw_only=True)
class Field(Entry):
    """A descriptive entry that is not a figure (a name, a date, a state)."""


@dataclass(frozen=True, kw_only=True)
class Group(Entry):
    """A container that is written even when it holds nothing (its reader gives ``{}`` or None)."""


@dataclass(frozen=True, kw_only=True)
class Metric(Entry):
    """A reported figure."""

    kind: Kind
    unit: str
    #: False: a figure of ensembles only (reps.csv, statistics), not in a single run's summary.json
    summary: bool = True
    #: shown in ensemble and comparison tables: always, never, or where f(plan, params) holds
    headline: bool | Callable[[Plan, Params], bool] = False

    def in_headline(self, plan: Plan, params: Params) -> bool:
        return self.headline(plan, params) if callable(self.headline) else self.headline


@dataclass(frozen=True)
class Figure:
    """One concrete figure of a scenario: a metric with its parameters filled in."""

    key: str
    metric: Metric
    params: Params
    bounds: Bounds

    kind = Delegate[Kind]("metric")
    unit = Delegate[str]("metric")

    @property
    def meaning(self) -> str:
        return self.metric.describe(self.params)

    def __repr__(self) -> str:
        return f"<Figure {self.key!r}: {self.kind.value}, {self.unit}>"


class UnknownFigure(InputError):
    """A figure key the scenario does not report; the message names the closest keys."""

    def __init__(self, key: str, known: Sequence[str], what: str = "figure", hint: str = ""):
        self.key = key
        self.suggestions = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
        message = f"unknown {what} {key!r}"
        if self.suggestions:
            message += f"; did you mean {self.suggestions[0]!r}?"
        super().__init__(message + (f" ({hint})" if hint else ""))


class Registry:
    """Entries in summary order, with default domains for their parameters."""

    def __init__(self, entries: Sequence[Entry], defaults: Mapping[str, Domain]):
        self.entries = list(entries)
        self.defaults = dict(defaults)
        self.metrics = [e for e in self.entries if isinstance(e, Metric)]
        self._last: tuple[Plan, dict[str, Figure]] | None = None  # one plan at a time, by identity
        self._paths: tuple[Plan, list[list[tuple[tuple[str, ...], Params]]]] | None = None
        keys = [e.key for e in self.entries]
        if len(set(keys)) != len(keys):
            raise ValueError("a key pattern is declared twice")
        for e in self.entries:
            for p in e.params:
                if p not in e.domains and p not in self.defaults:
                    raise ValueError(f"{e.key}: no domain for {{{p}}}")
        # entries whose paths depend on the run are expanded again for every run
        self._per_run = [
            any(getattr(self._domain(e, p), "per_run", False) for p in e.params) for e in self.entries
        ]

    def expand(self, entry: Entry, plan: Plan, facts: Any = None) -> Iterator[tuple[tuple[str, ...], Params]]:
        """Every concrete path of ``entry`` (for a run's ``facts``, or all the plan allows)."""
        segments = entry.segments

        def walk(i: int, path: tuple[str, ...], params: Params) -> Iterator[tuple[tuple[str, ...], Params]]:
            if i == len(segments):
                yield path, params
                return
            m = _PLACEHOLDER.match(segments[i])
            if m is None:
                yield from walk(i + 1, (*path, segments[i]), params)
                return
            name = m.group(1)
            domain = self._domain(entry, name)
            for value in domain(plan, facts, params):
                yield from walk(i + 1, (*path, value), {**params, name: value})

        return walk(0, (), {})

    def _domain(self, entry: Entry, name: str) -> Domain:
        return entry.domains.get(name) or self.defaults[name]

    def paths(self, plan: Plan, facts: Any) -> Iterator[tuple[Entry, tuple[str, ...], Params]]:
        """Every entry's concrete paths for a run, in summary order; what depends on the plan
        alone is expanded once per plan."""
        if self._paths is None or self._paths[0] is not plan:
            self._paths = (plan, [list(self.expand(e, plan, facts)) for e in self.entries])
            fresh = True
        else:
            fresh = False
        for entry, runs, cached in zip(self.entries, self._per_run, self._paths[1], strict=True):
            for path, params in self.expand(entry, plan, facts) if runs and not fresh else cached:
                yield entry, path, params

    def catalogue(self, plan: Plan) -> dict[str, Figure]:
        """Every figure this plan can report, keyed by its dotted key, in summary order (do not
        change the dict: the last plan's is kept, as a worker reads one plan's replications)."""
        if self._last is not None and self._last[0] is plan:
            return self._last[1]
        out = {}
        for m in self.metrics:
            bounds = m.kind.bounds(plan.duration)
            for path, params in self.expand(m, plan):
                key = ".".join(path)
                out[key] = Figure(key, m, params, bounds)
        self._last = (plan, out)
        return out

    def lookup(self, plan: Plan, key: str, what: str = "figure", hint: str = "") -> Figure:
        """The figure ``key`` of this plan, or :class:`UnknownFigure` naming the closest keys."""
        figures = self.catalogue(plan)
        if key in figures:
            return figures[key]
        found = self.of_run(plan, key)
        if found is None:
            raise UnknownFigure(key, list(figures), what, hint)
        return found

    def of_run(self, plan: Plan, key: str) -> Figure | None:
        """A figure of something a run made itself (e.g. a route a user's process opened): a key
        that is not in the plan's catalogue but matches a pattern whose paths depend on the run."""
        for entry, runs in zip(self.entries, self._per_run, strict=True):
            if not runs or not isinstance(entry, Metric):
                continue
            parts = []
            names = []
            for seg in entry.segments:
                m = _PLACEHOLDER.match(seg)
                if m is None:
                    parts.append(re.escape(seg))
                else:
                    names.append(m.group(1))
                    parts.append("(.+)")
            hit = re.fullmatch(r"\.".join(parts), key)
            if hit is not None:
                params = dict(zip(names, hit.groups(), strict=True))
                return Figure(key, entry, params, entry.kind.bounds(plan.duration))
        return None

    def headline(self, plan: Plan) -> list[Figure]:
        """The figures ensemble and comparison tables show, in summary order."""
        return [f for f in self.catalogue(plan).values() if f.metric.in_headline(plan, f.params)]

    def summary(self, facts: Any) -> dict[str, Any]:
        """A run's summary: every entry at its path (figures of ensembles only are left out)."""
        out: dict[str, Any] = {}
        for entry, path, params in self.paths(facts.plan, facts):
            if isinstance(entry, Metric) and not entry.summary:
                continue
            value = entry.read(facts, params)
            if value is ABSENT:
                continue
            node = out
            for seg in path[:-1]:
                node = node.setdefault(seg, {})
            if isinstance(entry, Group):
                node.setdefault(path[-1], value)
            else:
                node[path[-1]] = value
        return out

    def row(self, facts: Any) -> dict[str, float]:
        """One replication's figures by dotted key (NaN: never, or undefined).

        Every figure the plan allows is asked for (readers answer ABSENT for what this run has
        not): the same keys as the summary's, without expanding the patterns again; then the
        figures of what the run made itself (a route a user's process opened)."""
        out: dict[str, float] = {}
        catalogue = self.catalogue(facts.plan)
        for key, fig in catalogue.items():
            value = fig.metric.read(facts, fig.params)
            if value is not ABSENT:
                out[key] = math.nan if value is None else float(value)
        for entry, runs in zip(self.entries, self._per_run, strict=True):
            if not runs or not isinstance(entry, Metric):
                continue
            for path, params in self.expand(entry, facts.plan, facts):
                key = ".".join(path)
                if key not in catalogue:
                    value = entry.read(facts, params)
                    if value is not ABSENT:
                        out[key] = math.nan if value is None else float(value)
        return out
