"""The supply network at run time: stockpiles and producers, routes, and the processes that move stock.

A route ships rounds from a holder (or from outside the scenario) to another after a lead
time; shipments in transit are visible, can be lost (interdiction) or delayed, and a route can
be paused, resumed or cancelled.  Backfill links, producers, allocations, cross-levelling and
a site's reorder policy all ship through routes, so every round's path is recorded the same way.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Any

from ..plan import (
    OUTSIDE,
    AllocationPlan,
    CrossLevelPlan,
    ProducerPlan,
    ResupplyPlan,
    RouteEventPlan,
    RoutePlan,
)
from .clock import Call
from .site import Site
from .streams import duration_buffer, uniform_buffer

if TYPE_CHECKING:
    from .simulation import Simulation


class Store:
    """A stockpile or a producer: a level per interceptor type, and an optional capacity."""

    def __init__(
        self,
        sim: Simulation,
        index: int,
        initial: dict[int, int],
        capacity: dict[int, float],
        series: dict[int, int],
    ):
        self.sim = sim
        self.index = index
        self.levels = {it: initial.get(it, 0) for it in series}
        self.capacity = capacity
        self.series = series
        self.shots_since: dict[int, int] = {}

    def level(self, it: int) -> int:
        return self.levels.get(it, 0)

    def room(self, it: int) -> float:
        cap = self.capacity.get(it)
        if cap is None:
            return math.inf
        return cap - self.levels.get(it, 0) - self.sim.pipeline[self.index].get(it, 0)

    def take(self, it: int, n: int) -> None:
        self.levels[it] -= n
        self._record(it)

    def put(self, it: int, n: int) -> None:
        self.levels[it] = self.levels.get(it, 0) + n
        self._record(it)
        for cb in self.sim.on_receive.get(self.index, ()):
            cb(it)

    def _record(self, it: int) -> None:
        lev = self.levels[it]
        self.sim.recorder.stock(self.sim.clock.now, self.series[it], lev, lev)


class Route:
    """One way rounds move: a sender, a receiver, a type, a lead time and the route's state."""

    def __init__(self, sim: Simulation, plan: RoutePlan, transit_series: int):
        self.sim = sim
        self.plan = plan
        self.index = plan.index
        self.src = None if plan.src == OUTSIDE else sim.holders[plan.src]
        self.dst = sim.holders[plan.dst]
        self.it = plan.itype
        # lead times and losses: the route's own streams, keyed by its name
        lead = plan.lead
        self.lead: Any = duration_buffer(lambda: sim.stream("route_lead", plan.name), **lead) if lead else 0.0  # type: ignore[arg-type]
        self.loss_u = uniform_buffer(sim.stream("route_loss", plan.name)) if plan.loss > 0 else None
        self.floor = plan.floor
        self.loss = plan.loss
        self.series = transit_series
        self.state = "active" if plan.enabled else "cancelled"
        self.pending = 0  # held back by a pause or an approval date
        self.in_transit: list[list] = []
        self.backfills: list[Route] = []
        self.carry = 0.0
        self.shipped = self.delivered = self.lost = self.short = 0
        self.owes = False  # base-stock reorders set this: what the sender cannot fill now stays owed
        self.owed = 0
        self._arrive_cb = self._arrive
        self.transit_level = 0

    def blocked(self) -> bool:
        return self.state != "active" or self.sim.clock.now < self.plan.not_before

    def ship(self, q: int) -> int:
        """Send up to q rounds now; return how many left."""
        if q <= 0:
            return 0
        if self.state == "cancelled":
            self.short += q
            return 0
        if self.blocked():
            self.pending += q
            return 0
        sim = self.sim
        avail = math.inf if self.src is None else self.src.level(self.it) - self.floor
        n = int(min(q, avail, self.dst.room(self.it)))
        if self.owes:
            self.owed += q - max(n, 0)
        elif n < q:
            self.short += q - max(n, 0)
        if n <= 0:
            return 0
        if self.src is not None:
            self.src.take(self.it, n)
        self.shipped += n
        pipe = sim.pipeline[self.plan.dst]
        pipe[self.it] = pipe.get(self.it, 0) + n
        self._transit(n)
        u = self.loss_u
        lost = u is not None and (u.pop() if u else u.refill()) < self.loss
        lead = self.lead
        if lead.__class__ is not float:
            lead = lead.pop() if lead else lead.refill()  # type: ignore[union-attr]
        shipment = [n, lost, 0.0]
        self.in_transit.append(shipment)
        sim.recorder.shipped(sim.clock.now, self.plan.src, self.it, n, self.index)
        sim.clock.later(lead, self._arrive_cb, shipment)
        return n

    def _transit(self, delta: int) -> None:
        self.transit_level += delta
        self.sim.recorder.stock(self.sim.clock.now, self.series, self.transit_level, self.transit_level)

    def _arrive(self, ev: Call) -> None:
        shipment = ev.value
        sim = self.sim
        if shipment[2] > 0:  # delayed while in transit
            delay, shipment[2] = shipment[2], 0.0
            sim.clock.later(delay, self._arrive_cb, shipment)
            return
        n, lost = shipment[0], shipment[1]
        self.in_transit.remove(shipment)
        self._transit(-n)
        pipe = sim.pipeline[self.plan.dst]
        pipe[self.it] -= n
        now = sim.clock.now
        if lost:
            self.lost += n
            sim.recorder.lost(now, self.plan.dst, self.it, n, self.index)
            return
        self.delivered += n
        sim.delivered.append((now, self.index, n))
        # recorded before the stock changes: a delivery can set off shots
        sim.recorder.delivery(now, self.plan.dst, self.it, n, self.index)
        self.dst.put(self.it, n)
        for b in self.backfills:
            b.release(n)

    def release(self, n: int) -> None:
        """Backfill: the watched route delivered n to our sender; pass on n * fraction."""
        self.carry += n * self.plan.fraction
        whole = int(self.carry + 1e-9)
        self.carry -= whole
        if whole:
            self.ship(whole)

    def retry(self, _it: int = -1) -> None:
        """The sender received stock: ship what is still owed."""
        if self.owed and not self.blocked():
            q, self.owed = self.owed, 0
            self.ship(q)

    def flush(self) -> None:
        if self.pending and not self.blocked():
            q, self.pending = self.pending, 0
            self.ship(q)

    def event(self, action: str, by: float) -> None:
        if action == "pause" and self.state == "active":
            self.state = "paused"
        elif action == "resume" and self.state == "paused":
            self.state = "active"
            self.flush()
        elif action == "cancel":
            self.state = "cancelled"
            self.short += self.pending
            self.pending = 0
        elif action == "delay":
            for shipment in self.in_transit:
                shipment[2] += by


class Network:
    """Wires producers, scheduled shipments, allocations, cross-levelling and reorder policies."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        plan = sim.plan.network
        self.routes = sim.routes
        for r in self.routes:
            if r.plan.backfill_of >= 0:
                self.routes[r.plan.backfill_of].backfills.append(r)
        for r in self.routes:
            for t, q in r.plan.schedule:
                sim.clock.later(t, self._scheduled, (r, q))
            if r.plan.not_before > 0:
                sim.clock.later(r.plan.not_before, lambda ev: ev.value.flush(), r)
        for e in plan.events:
            sim.clock.later(e.time, self._route_event, e)
        for p in plan.producers:
            self._start_producer(p)
        for a in plan.allocations:
            for t in a.times:
                sim.clock.later(t, self._allocate, a)
        for c in plan.cross_levels:
            for t in c.times:
                sim.clock.later(t, self._cross_level, c)
        for rp in plan.resupply:
            self._wire_resupply(rp)

    # --- scheduled shipments and events ---------------------------------------------------

    def _scheduled(self, ev: Call) -> None:
        route, q = ev.value
        route.ship(q)

    def _route_event(self, ev: Call) -> None:
        e: RouteEventPlan = ev.value
        self.routes[e.route].event(e.action, e.by)

    # --- producers ------------------------------------------------------------------------

    def _start_producer(self, p: ProducerPlan) -> None:
        if not p.times:
            return
        state = {"i": 0}
        holder = self.sim.holders[p.holder]
        route = self.routes[p.route] if p.route != OUTSIDE else None
        sim = self.sim

        def make(ev: Call) -> None:
            i, times = state["i"], p.times
            t = times[i]
            n = 0
            while i < len(times) and times[i] == t:
                n += 1
                i += 1
            state["i"] = i
            sim.produced[p.holder] = sim.produced.get(p.holder, 0) + n
            sim.recorder.produced(sim.clock.now, p.holder, p.itype, n)
            holder.put(p.itype, n)
            if route is not None:
                route.ship(n)
            if i < len(times):
                sim.clock.later(times[i] - sim.clock.now, make)

        sim.clock.later(p.times[0], make)

    # --- allocation from a stockpile ------------------------------------------------------

    def _allocate(self, ev: Call) -> None:
        a: AllocationPlan = ev.value
        sim = self.sim
        src = sim.holders[a.holder]
        avail = src.level(a.itype) - a.floor
        if a.quantity is not None:
            avail = min(avail, a.quantity)
        if avail <= 0:
            return
        have = [sim.holders[h].level(a.itype) + sim.pipeline[h].get(a.itype, 0) for h in a.recipients]
        need = [max(a.up_to - x, 0) if a.up_to is not None else math.inf for x in have]
        give = [0] * len(a.recipients)
        if a.policy == "priority":
            for k in range(len(give)):
                give[k] = int(min(need[k], avail - sum(give)))
        elif a.policy == "lowest_stock_first":
            heap = [(have[k], k) for k in range(len(have)) if need[k] > 0]
            heapq.heapify(heap)
            left = avail
            while left > 0 and heap:
                x, k = heapq.heappop(heap)
                give[k] += 1
                left -= 1
                if give[k] < need[k]:
                    heapq.heappush(heap, (x + 1, k))
        else:  # proportional_to_use: shots fired since the last allocation
            use = []
            for h in a.recipients:
                holder = sim.holders[h]
                fired = holder.fired_of(a.itype) if isinstance(holder, Site) else 0
                use.append(fired - src.shots_since.get(h, 0))  # type: ignore[union-attr]
                src.shots_since[h] = fired  # type: ignore[union-attr]
            total = sum(use)
            weights = [u / total for u in use] if total > 0 else [1 / len(use)] * len(use)
            shares = [min(w * avail, need[k]) for k, w in enumerate(weights)]
            give = [int(s) for s in shares]
            rest = int(min(avail, sum(min(n, avail) for n in need))) - sum(give)
            order = sorted(range(len(give)), key=lambda k: -(shares[k] - give[k]))
            for k in order:
                if rest <= 0:
                    break
                if give[k] < need[k]:
                    give[k] += 1
                    rest -= 1
        for k, n in enumerate(give):
            if n > 0:
                self.routes[a.routes[k]].ship(n)

    # --- cross-levelling between sites ----------------------------------------------------

    def _cross_level(self, ev: Call) -> None:
        c: CrossLevelPlan = ev.value
        sim = self.sim
        levels = [(sim.holders[h].level(c.itype), h) for h in c.sites]
        lo, hi = min(levels), max(levels)
        if hi[0] - lo[0] > c.threshold:
            self.routes[c.routes[(hi[1], lo[1])]].ship((hi[0] - lo[0]) // 2)

    # --- a site's own reorder policy ------------------------------------------------------

    def _wire_resupply(self, rp: ResupplyPlan) -> None:
        sim = self.sim
        site: Site = sim.holders[rp.site]  # type: ignore[assignment]
        route = self.routes[rp.route]
        slot = site.slot_of[rp.itype]
        listeners = sim.on_receive.setdefault(route.plan.src, []) if route.plan.src != OUTSIDE else []
        if rp.policy == "base_stock":
            route.owes = True
            listeners.append(lambda it: route.retry() if it == rp.itype and route.owed else None)
            if rp.trigger == "shot":
                site.add_shot_hook(slot, route.ship)
            else:
                site.add_demand_hook(route.ship)
            return
        pipe = sim.pipeline[rp.site]
        hungry = [False]  # the last order was not filled: look again when the sender receives stock

        ready, stock, it = site.ready, site.stock, rp.itype

        def check(_n: int) -> None:
            position = ready[slot] + stock[slot] + pipe.get(it, 0)
            if position <= rp.reorder_at:
                want = rp.level - position
                hungry[0] = route.ship(want) < want
            else:
                hungry[0] = False

        # held + on order can only be at or below s when held is: skip the check otherwise
        site.add_shot_hook(slot, check, below=rp.reorder_at)
        listeners.append(lambda it: check(0) if hungry[0] and it == rp.itype else None)
        sim.clock.later(0.0, lambda ev: check(0), 0)
