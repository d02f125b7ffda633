"""A producer's output: rounds made at the plan's times, kept or shipped on along a route."""

from __future__ import annotations

from collections.abc import Iterator

from ...plan import OUTSIDE, ProducerPlan
from ..clock import Call
from .base import SupplyNetwork, SupplyPolicy


class Producer(SupplyPolicy):
    """Makes lots at the times the plan's schedule gives, one lot ahead: no list of every round."""

    def __init__(self, plan: ProducerPlan):
        self.plan = plan
        self.lots: Iterator[tuple[float, int]] = iter(())
        self.n = 0  # rounds in the lot due next

    def attach(self, net: SupplyNetwork) -> None:
        p = self.plan
        self.lots = p.output.lots()
        first = next(self.lots, None)
        if first is None:
            return
        self.net = net
        self.holder = net.holders[p.holder]
        self.route = net.routes[p.route] if p.route != OUTSIDE else None
        self.n = first[1]
        net.clock.later(first[0], self._make)

    def _make(self, _ev: Call) -> None:
        p, net = self.plan, self.net
        n = self.n  # rounds due at the same time come as one lot
        net.produced(p.holder, p.itype, n)
        self.holder.put(p.itype, n)
        if self.route is not None:
            self.route.ship(n)
        nxt = next(self.lots, None)
        if nxt is not None:
            self.n = nxt[1]
            net.clock.later(nxt[0] - net.clock.now, self._make)
