"""Sizing work before it starts: how many threats, scheduled events and grid values a request means.

The estimate reads the validated specification (nothing is built or drawn) and takes expected
values: a raid's mean size, a stream's rate times its length.  Everything that recurs (raids,
deliveries, shipments and standing flows, allocations, cross-levelling checks, a producer's
rounds) adds its number of occurrences, duration / period, to one count of scheduled events,
since each is work and memory whatever it carries (a raid of no threats is still listed).
:func:`check` compares it with bounds sized from measured memory for the machine this project
is tested on (2 cores, 24 GB) and refuses with a message that says how much was asked and how
to raise the bounds (``scaled``, the CLI's ``--allow-work``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from ..scenario.errors import InputError
from ..scenario.schema import ScenarioSpec
from .timing import offset

#: Memory measured per unit of work (``python benchmarks/work_memory.py``, 6 December 2026, pure
#: engine, peak RSS of the whole command without plots, as the slope between two sizes):
#: a threat in one run with its event log and results folder, 1.67 KB; a scheduled event
#: (a delivery, with its stock change, log rows and route record), 2.60 KB (a raid occurrence
#: alone, 0.23 KB); a grid value of an ensemble (one stock series at one grid point, its
#: statistics and bands), 1.48 KB.  The bounds keep each kind under about 4 GB, and all three
#: at their bounds together under about 12 GB: half of the 24 GB machine this project runs
#: on, the rest for the system, the workers' own copies and whatever else is running.
BYTES_PER_THREAT = 1670
BYTES_PER_EVENT = 2600
BYTES_PER_GRID_VALUE = 1480


@dataclass(frozen=True)
class Limits:
    """Upper bounds per request; ``scaled(k)`` multiplies each by k."""

    threats_per_run: float = 2.5e6  # x 1.67 KB: 4.2 GB for one run with its event log
    # occurrences of whatever recurs (raids, deliveries, shipments, flows, allocations,
    # cross-levelling checks, rounds made): x 2.6 KB, 3.9 GB
    events_per_run: float = 1.5e6
    # variants x stock series x grid points: an ensemble's statistics hold a level histogram per
    # cell and each worker one replication's levels per cell, however many replications run
    grid_values: float = 2.5e6  # x 1.48 KB: 3.7 GB
    replications: float = 1e6  # replications in all, over every variant
    variants: float = 10_000

    def scaled(self, k: float) -> Limits:
        if not (math.isfinite(k) and k >= 1.0):  # nan would turn every bound off, inf lift them
            raise InputError(f"allow_work must be a finite factor of at least 1, got {k!r}")
        return Limits(*(getattr(self, f) * k for f in self.__dataclass_fields__))


DEFAULT_LIMITS = Limits()


class WorkTooBig(InputError):
    """A request beyond the bounds: the message says how big and how to raise them."""


@dataclass(frozen=True)
class Work:
    """Expected size of one replication of a scenario."""

    threats: float
    events: float  # occurrences of everything that recurs, each an event the run processes
    holder_series: int  # stock series an ensemble keeps on its grid
    #: the schedule with the most events: its key path in the scenario and what recurs
    largest: tuple[str, str] = ("", "")


def _span(first: float, until: float, end: float) -> float:
    return max(min(until, end) - first, 0.0)


def occurrences(first: float, every: float | None, until: float, end: float) -> float:
    """How many times something first at ``first``, then every ``every`` days (None: once),
    happens before ``end`` and not after ``until``: what :class:`~.schedules.Every` yields."""
    if first >= end or first > until:
        return 0.0
    if every is None:
        return 1.0
    # before ``end`` (strictly) and not after ``until``
    return float(min(math.floor((until - first) / every) + 1, math.ceil((end - first) / every)))


def estimate(spec: ScenarioSpec) -> Work:
    """The expected threats and scheduled events of one replication."""
    start: dt.datetime | None = spec.start_datetime
    end = spec.duration
    threats = 0.0
    counts: list[tuple[float, str, str]] = []  # (events, key path, what) of each recurring schedule
    for i, atk in enumerate(spec.attacks):
        if atk.wave is not None:
            if offset(atk.wave.at, start, 0.0) < end:
                threats += sum(atk.wave.threats.values())
        elif atk.raid is not None:
            r = atk.raid
            span = _span(offset(r.first, start, 0.0), offset(r.until, start, end), end)
            raids = float(math.ceil(span / r.every))
            # a raid of no threats is still drawn, listed and marked: it counts as an event
            counts.append((raids, f"attacks.{i}.raid", "raids"))
            threats += raids * sum(s.mean for s in r.size.values())
        elif atk.stream is not None:
            st = atk.stream
            threats += st.rate * _span(offset(st.begin, start, 0.0), offset(st.until, start, end), end)
    for i, d in enumerate(spec.deliveries):
        n = occurrences(offset(d.at, start, 0.0), d.every, offset(d.until, start, end), end)
        counts.append((n, f"deliveries.{i}", "deliveries"))
    for name, pr in spec.producers.items():
        top = max([pt.rate for pt in pr.ramp] if pr.ramp else [pr.rate or 0.0])
        rounds = top * _span(offset(pr.start, start, 0.0), end, end)
        made = min(rounds, pr.cap) if pr.cap is not None else rounds
        counts.append((made, f"producers.{name}", "rounds made"))
    for i, tr in enumerate(spec.transfers):
        until = offset(tr.until, start, end)
        if tr.rate is not None:
            n = tr.rate * _span(offset(tr.at, start, 0.0), until, end) / tr.batch
            counts.append((n, f"transfers.{i}", "shipments of its flow"))
        elif tr.quantity is not None:
            n = occurrences(offset(tr.at, start, 0.0), tr.every, until, end)
            counts.append((n, f"transfers.{i}", "shipments"))
    for name, sp in spec.stockpiles.items():
        for where, a in sp.allocations():
            n = occurrences(offset(a.first, start, 0.0), a.every, end, end) * len(a.to)
            path = ".".join(map(str, (f"stockpiles.{name}.allocate", *where)))
            counts.append((n, path, "allocations (times recipients)"))
    for i, cl in enumerate(spec.cross_levelling):
        n = occurrences(cl.every, cl.every, end, end)
        counts.append((n, f"cross_levelling.{i}", "checks"))
    series = sum(len(s.interceptors) for s in spec.sites.values())
    series += sum(max(len(set(sp.stock) | set(sp.capacity)), 1) for sp in spec.stockpiles.values())
    series += len(spec.producers)
    events = sum(c[0] for c in counts)
    most = max(counts, default=(0.0, "", ""))
    return Work(threats=threats, events=events, holder_series=series, largest=(most[1], most[2]))


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if x < 1e7 else f"{x:.2g}"


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:,.0f} {unit}" if n >= 10 * size else f"{n / size:.1f} {unit}"
    return f"{n / 1e3:.0f} KB"


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

    def refuse(what: str, amount: float, bound: float, per: float = 0.0, detail: str = "") -> None:
        factor = math.ceil(amount / bound)
        memory = f" (about {_bytes(amount * per)} of memory)" if per else ""
        raise WorkTooBig(
            f"{what}: about {_fmt(amount)}{memory}{detail}, more than the {_fmt(bound)} this machine "
            f"is sized for; shorten the scenario or ask for less, or raise the bound with {flag} {factor}"
        )

    if work.threats > limits.threats_per_run:
        refuse("threats in one run", work.threats, limits.threats_per_run, BYTES_PER_THREAT)
    if work.events > limits.events_per_run:
        path, what = work.largest
        refuse(
            "scheduled events in one run (raids, deliveries, shipments, allocations, checks, rounds made)",
            work.events,
            limits.events_per_run,
            BYTES_PER_EVENT,
            f", most of them {what} of {path}" if path else "",
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
            BYTES_PER_GRID_VALUE,
        )
