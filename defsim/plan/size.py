"""Sizing work before it starts: how many threats, events, rounds made and grid values a request means.

The estimate reads the validated specification (nothing is built or drawn) and takes expected
values: a raid's mean size, a stream's rate times its length.  :func:`check` compares it with
bounds sized for the machine this project is tested on (2 cores, 24 GB) and refuses with a
message that says how much was asked and how to raise the bounds (``scale``, the CLI's ``--allow-work``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ..scenario.schema import ScenarioSpec
from .timing import offset


@dataclass(frozen=True)
class Limits:
    """Upper bounds per request; ``scaled(k)`` multiplies each by k."""

    threats_per_run: float = 2e7  # about a minute and a few GB for one run with its event log
    rounds_made_per_run: float = 2e7  # producer output and standing flows: events the run must process
    # variants x stock series x grid points: an ensemble's statistics hold a level histogram per
    # cell and each worker one replication's levels per cell, however many replications run
    grid_values: float = 2e7
    replications: float = 1e6  # replications in all, over every variant
    variants: float = 10_000

    def scaled(self, k: float) -> Limits:
        return Limits(*(getattr(self, f) * k for f in self.__dataclass_fields__))


DEFAULT_LIMITS = Limits()


class WorkTooBig(Exception):
    """A request beyond the bounds: the message says how big and how to raise them."""


@dataclass(frozen=True)
class Work:
    """Expected size of one replication of a scenario."""

    threats: float
    rounds_made: float  # rounds producers make and flows ship, each with its own time in the plan
    holder_series: int  # stock series an ensemble keeps on its grid


def _span(first: float, until: float, end: float) -> float:
    return max(min(until, end) - first, 0.0)


def estimate(spec: ScenarioSpec) -> Work:
    """The expected threats and rounds made of one replication."""
    start: dt.datetime | None = spec.start_datetime
    end = spec.duration
    threats = 0.0
    for atk in spec.attacks:
        if atk.wave is not None:
            if offset(atk.wave.at, start, 0.0) < end:
                threats += sum(atk.wave.threats.values())
        elif atk.raid is not None:
            r = atk.raid
            span = _span(offset(r.first, start, 0.0), offset(r.until, start, end), end)
            threats += math.ceil(span / r.every) * sum(s.mean for s in r.size.values())
        elif atk.stream is not None:
            s = atk.stream
            threats += s.rate * _span(offset(s.begin, start, 0.0), offset(s.until, start, end), end)
    made = 0.0
    for pr in spec.producers.values():
        top = max([pt.rate for pt in pr.ramp] if pr.ramp else [pr.rate or 0.0])
        rounds = top * _span(offset(pr.start, start, 0.0), end, end)
        made += min(rounds, pr.cap) if pr.cap is not None else rounds
    for tr in spec.transfers:
        if tr.rate is not None:
            made += tr.rate * _span(offset(tr.at, start, 0.0), offset(tr.until, start, end), end) / tr.batch
    series = sum(len(s.interceptors) for s in spec.sites.values())
    series += sum(max(len(set(sp.stock) | set(sp.capacity)), 1) for sp in spec.stockpiles.values())
    series += len(spec.producers)
    return Work(threats=threats, rounds_made=made, holder_series=series)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x < 1e7 else f"{x:.2g}"


def check(
    work: Work,
    *,
    reps: int = 1,
    grid_points: int = 0,
    variants: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    flag: str = "--allow-work",
) -> None:
    """Refuse a request beyond ``limits``; raises :class:`WorkTooBig` naming the factor to pass."""

    def refuse(what: str, amount: float, bound: float) -> None:
        factor = math.ceil(amount / bound)
        raise WorkTooBig(
            f"{what}: about {_fmt(amount)}, more than the {_fmt(bound)} this machine is sized for; "
            f"shorten the scenario or ask for less, or raise the bound with {flag} {factor}"
        )

    if work.threats > limits.threats_per_run:
        refuse("threats in one run", work.threats, limits.threats_per_run)
    if work.rounds_made > limits.rounds_made_per_run:
        refuse(
            "rounds made or shipped by standing flows in one run",
            work.rounds_made,
            limits.rounds_made_per_run,
        )
    if variants > limits.variants:
        refuse("variants in the sweep", variants, limits.variants)
    if reps * variants > limits.replications:
        refuse("replications in all", reps * variants, limits.replications)
    # streaming statistics: memory grows with the grid and the variants, not with replications
    values = float(variants) * work.holder_series * grid_points
    if values > limits.grid_values:
        refuse(
            "stock series x grid points the ensemble statistics hold (use a coarser --grid)",
            values,
            limits.grid_values,
        )
