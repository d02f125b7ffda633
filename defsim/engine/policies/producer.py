"""A producer's output: rounds made at the plan's times, kept or shipped on along a route."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan import OUTSIDE, ProducerPlan
from ..clock import Call
from . import Rule

if TYPE_CHECKING:
    from ..supply import Network


class Producer(Rule):
    def __init__(self, plan: ProducerPlan):
        self.plan = plan
        self.i = 0  # next production time

    def attach(self, net: Network) -> None:
        p = self.plan
        if not p.times:
            return
        self.net = net
        self.holder = net.holders[p.holder]
        self.route = net.routes[p.route] if p.route != OUTSIDE else None
        net.clock.later(p.times[0], self._make)

    def _make(self, _ev: Call) -> None:
        p, sim = self.plan, self.net.sim
        i, times = self.i, p.times
        t = times[i]
        n = 0
        while i < len(times) and times[i] == t:  # rounds due at the same time come as one batch
            n += 1
            i += 1
        self.i = i
        sim.produced[p.holder] = sim.produced.get(p.holder, 0) + n
        sim.recorder.produced(sim.clock.now, p.holder, p.itype, n)
        self.holder.put(p.itype, n)
        if self.route is not None:
            self.route.ship(n)
        if i < len(times):
            sim.clock.later(times[i] - sim.clock.now, self._make)
