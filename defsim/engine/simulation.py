"""One run: wire sites, arrivals and deliveries into a SimPy environment, run, collect.

Phases as in desmod: the plan (built from the scenario) is wired into live objects, the
environment runs to the scenario's end, and the raw records are collected into a
:class:`RunRecord` that carries its plan and seed.  No file IO and no plotting here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import Timeout

from . import streams
from .attacks import Arrivals, generate
from .plan import REASONS, Plan
from .site import ARRIVAL, DELIVERY, Site


@dataclass
class RunRecord:
    """Everything one run recorded, as arrays; derived figures are computed by readers."""

    plan: Plan
    seed: int
    replication: int
    series: list[tuple[str, str]]  # (holder, interceptor type) per series id
    initial: np.ndarray  # level per series at time 0
    stock: np.ndarray  # rows (time, series id, level, ready), time-ordered
    events: np.ndarray | None  # rows (time, kind, site, threat id, threat type, interceptor, n, reason)
    arrivals: int
    arrived: np.ndarray  # per threat type
    engaged: np.ndarray
    killed: np.ndarray
    leaked: np.ndarray  # (reason, threat type)
    shots: np.ndarray  # (site, interceptor type)
    raids: list[tuple[float, int, str]]
    deliveries: list[tuple[float, str, str, int, str]]  # (time, site, type, qty, source)


class Simulation:
    def __init__(self, plan: Plan, seed: int = 0, replication: int = 0, record_events: bool = True):
        self.plan = plan
        self.seed = seed
        self.replication = replication
        root = streams.replication_seed(seed, replication)
        self.env = simpy.Environment()
        self.engagement_rng = streams.generator(root, "engagement")
        self.shot_u = streams.uniform_buffer(streams.generator(root, "shots"))
        self.assess_u = streams.uniform_buffer(streams.generator(root, "assessment"))
        self.arrivals: Arrivals = generate(
            plan, streams.generator(root, "attacks"), streams.generator(root, "targets")
        )
        nt = len(plan.threats)
        self.time_to_impact = plan.time_to_impact.tolist()
        self.arrived = [0] * nt
        self.engaged = [0] * nt
        self.killed = [0] * nt
        self.leaked = [[0] * nt for _ in REASONS]
        self._stock: list[tuple[float, int, int, int]] = []
        self.stock_append = self._stock.append
        self._events: list[tuple] | None = [] if record_events else None
        self.log = self._events.append if self._events is not None else None
        self.series: list[tuple[str, str]] = []
        self.sites: list[Site] = []
        initial: list[int] = []
        for sp in plan.sites:
            ids = []
            for itype, n0 in zip(sp.types, sp.initial, strict=True):
                ids.append(len(self.series))
                self.series.append((sp.name, plan.interceptors[itype]))
                initial.append(n0)
            self.sites.append(Site(self, sp, ids))
        self.initial = np.array(initial, dtype=np.int64)
        self._delivered: list[tuple[float, str, str, int, str]] = []

    # --- arrivals: one pending timeout at a time, ties handled in one callback -----------

    def _start_arrivals(self) -> None:
        a = self.arrivals
        self._times = a.time.tolist()
        self._types = a.threat.tolist()
        self._where = a.site.tolist()
        self._next = 0
        if self._times:
            Timeout(self.env, self._times[0]).callbacks.append(self._arrive)

    def _arrive(self, ev: Timeout) -> None:
        i = self._next
        times, types, where, sites = self._times, self._types, self._where, self.sites
        arrived, log = self.arrived, self.log
        n = len(times)
        t = times[i]
        while True:
            tt = types[i]
            s = where[i]
            arrived[tt] += 1
            if log is not None:
                log((t, ARRIVAL, s, i, tt, -1, 1, -1))
            sites[s].arrive(i, tt)
            i += 1
            if i >= n or times[i] != t:
                break
        self._next = i
        if i < n:
            Timeout(self.env, times[i] - self.env._now).callbacks.append(self._arrive)

    # --- deliveries -----------------------------------------------------------------------

    def _start_deliveries(self) -> None:
        for d in self.plan.deliveries:
            Timeout(self.env, d.time, d).callbacks.append(self._deliver)

    def _deliver(self, ev: Timeout) -> None:
        d = ev._value
        site = self.sites[d.site]
        site.receive(d.slot, d.quantity)
        self._delivered.append(
            (
                self.env._now,
                self.plan.sites[d.site].name,
                self.plan.interceptors[d.itype],
                d.quantity,
                d.source,
            )
        )
        if self.log is not None:
            self.log((self.env._now, DELIVERY, d.site, -1, -1, d.itype, d.quantity, -1))

    # --- run and collect ------------------------------------------------------------------

    def run(self) -> RunRecord:
        self._start_deliveries()
        self._start_arrivals()
        self.env.run(until=self.plan.duration)
        return self.collect()

    def collect(self) -> RunRecord:
        stock = np.array(self._stock, dtype=np.float64).reshape(-1, 4)
        events = None
        if self._events is not None:
            events = np.array(self._events, dtype=np.float64).reshape(-1, 8)
        shots = np.zeros((len(self.sites), len(self.plan.interceptors)), dtype=np.int64)
        for s in self.sites:
            for slot, itype in enumerate(s.itype):
                shots[s.index, itype] += s.shots_fired[slot]
        return RunRecord(
            plan=self.plan,
            seed=self.seed,
            replication=self.replication,
            series=self.series,
            initial=self.initial,
            stock=stock,
            events=events,
            arrivals=len(self.arrivals),
            arrived=np.array(self.arrived),
            engaged=np.array(self.engaged),
            killed=np.array(self.killed),
            leaked=np.array(self.leaked),
            shots=shots,
            raids=self.arrivals.raids,
            deliveries=self._delivered,
        )


def simulate(plan: Plan, seed: int = 0, replication: int = 0, record_events: bool = True) -> RunRecord:
    """Run one replication of a built plan."""
    return Simulation(plan, seed, replication, record_events).run()
