"""The supply network at run time: stockpiles and producers, routes, and the processes that move stock.

A route ships rounds from a holder (or from outside the scenario) to another after a lead
time; shipments in transit are visible, can be lost (interdiction) or delayed, and a route can
be paused, resumed or cancelled.  Backfill links, producers, allocations, cross-levelling and
a site's reorder policy all ship through routes, so every round's path is recorded the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, final

from ..plan import OUTSIDE, RouteEventPlan, RoutePlan
from .clock import Call
from .policies import Allocator, Backfill, Backorders, CrossLeveller, Policy, Producer, resupply_policy
from .records import EventKind
from .site import Site
from .streams import duration_buffer, uniform_buffer

CANCELLED, DELAYED, APPROVED = int(EventKind.CANCELLED), int(EventKind.DELAYED), int(EventKind.APPROVED)

if TYPE_CHECKING:
    from .simulation import Simulation

#: a subscriber's ``on_level(holder, itype, level, change)``
LevelCall = Callable[[Any, int, int, int], None]


@final
class Shipment:
    """Rounds on their way along a route.  Compared by identity, never by value: two shipments
    of the same size are still two shipments, and a delay must reach the ones in transit."""

    __slots__ = ("delay", "lost", "n")

    def __init__(self, n: int, lost: bool) -> None:
        self.n = n
        self.lost = lost
        self.delay = 0.0  # added by a route's delay event while in transit, served on arrival


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
        self.watchers: dict[int, list[LevelCall]] = {}

    def level(self, it: int) -> int:
        return self.levels.get(it, 0)

    def room(self, it: int) -> float:
        cap = self.capacity.get(it)
        if cap is None:
            return math.inf
        return cap - self.levels.get(it, 0) - self.sim.pipeline[self.index].get(it, 0)

    def fired_of(self, it: int) -> int:
        return 0

    def subscribe(self, it: int, policy: Policy, below: float = math.inf) -> None:
        """Tell ``policy`` of every change of this holder's level of ``it``."""
        self.watchers.setdefault(it, []).append(policy.on_level)

    def take(self, it: int, n: int) -> None:
        self.levels[it] -= n
        self._record(it)
        self._publish(it, -n)

    def put(self, it: int, n: int) -> None:
        self.levels[it] = self.levels.get(it, 0) + n
        self._record(it)
        self._publish(it, n)

    def _publish(self, it: int, change: int) -> None:
        watchers = self.watchers.get(it)
        if watchers:
            level = self.levels[it]
            for on_level in watchers:
                on_level(self, it, level, change)

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
        self.dropping = False  # paused with waiting: drop
        # insertion-ordered, keyed by identity: removal is O(1) and never takes an equal twin
        self.in_transit: dict[Shipment, None] = {}
        self.watchers: list[LevelCall] = []  # told of each delivery: the receiver's new level
        self.shipped = self.delivered = self.lost = self.short = 0
        self.owes = False  # base-stock reorders set this: what the sender cannot fill now stays owed
        self.owed = 0
        self.backorders: Any = None  # the sender's queue of owed orders (policies/backorders.py)
        self._arrive_cb = self._arrive
        self.transit_level = 0

    def blocked(self) -> bool:
        return self.state != "active" or self.sim.clock.now < self.plan.not_before

    def ship(self, q: int) -> int:
        """Send up to q rounds now; return how many were sent."""
        if q <= 0:
            return 0
        if self.state == "cancelled":
            self.short += q
            return 0
        if self.blocked():
            if self.dropping:  # paused with waiting: drop: nothing waits to leave
                self.short += q
            else:
                self.pending += q
            return 0
        n = self._send(q)
        if n < q:
            if self.owes:
                self.owed += q - n
                if self.backorders is not None:
                    self.backorders.owe(self, q - n)
            else:
                self.short += q - n
        return n

    def serve_owed(self, q: int) -> int:
        """The sender received stock: send up to q owed rounds; return how many are still owed."""
        if self.blocked():
            return q
        n = self._send(q)
        self.owed -= n
        return q - n

    def _send(self, q: int) -> int:
        sim = self.sim
        avail = math.inf if self.src is None else self.src.level(self.it) - self.floor
        n = int(min(q, avail, self.dst.room(self.it)))
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
            lead = lead.pop() if lead else lead.refill()
        shipment = Shipment(n, lost)
        self.in_transit[shipment] = None
        sim.recorder.shipped(sim.clock.now, self.plan.src, self.it, n, self.index)
        sim.clock.later(lead, self._arrive_cb, shipment)
        return n

    def _transit(self, delta: int) -> None:
        self.transit_level += delta
        self.sim.recorder.stock(self.sim.clock.now, self.series, self.transit_level, self.transit_level)

    def _arrive(self, ev: Call) -> None:
        shipment: Shipment = ev.value
        sim = self.sim
        if shipment.delay > 0:  # delayed while in transit
            delay, shipment.delay = shipment.delay, 0.0
            sim.clock.later(delay, self._arrive_cb, shipment)
            return
        n, lost = shipment.n, shipment.lost
        del self.in_transit[shipment]
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
        if self.watchers:
            level = self.dst.level(self.it)
            for on_level in self.watchers:
                on_level(self.dst, self.it, level, n)

    def subscribe(self, policy: Policy) -> None:
        """Tell ``policy`` of each delivery this route makes."""
        self.watchers.append(policy.on_level)

    def flush(self) -> None:
        if self.pending and not self.blocked():
            q, self.pending = self.pending, 0
            self.ship(q)

    def event(self, action: str, by: float, drop: bool = False) -> None:
        """A route event of the scenario, recorded in the event log whether or not it changes
        anything (a pause of a paused route is still a decision someone took)."""
        rec, now, dst = self.sim.recorder, self.sim.clock.now, self.plan.dst
        if action == "pause":
            if self.state == "active":
                self.state = "paused"
                self.dropping = drop
            dropped = 0
            if drop:
                dropped, self.pending = self.pending, 0
                self.short += dropped
            rec.paused(now, dst, self.it, dropped, self.index)
        elif action == "resume":
            held = self.pending
            if self.state == "paused":
                self.state = "active"
                self.dropping = False
                self.flush()
            rec.resumed(now, dst, self.it, held, self.index)
        elif action == "cancel":
            self.state = "cancelled"
            dropped = self.pending
            self.short += self.pending
            self.pending = 0
            rec.route_decision(CANCELLED, now, dst, self.it, dropped, self.index)
        elif action == "delay":
            for shipment in self.in_transit:
                shipment.delay += by
            rec.route_decision(DELAYED, now, dst, self.it, self.transit_level, self.index)


class Network:
    """Wires scheduled shipments, route events and the supply policies, in plan order."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.clock = sim.clock
        self.holders = sim.holders
        self.routes = sim.routes
        self._backorders: dict[tuple[int, int], Backorders] = {}
        plan = sim.plan.network
        # the order of wiring is the order of SimPy's ties at equal times: kept as the plan's
        self.policies: list[Policy] = [Backfill(r) for r in self.routes if r.plan.backfill_of >= 0]
        for p in self.policies:
            p.attach(self)
        for r in self.routes:
            if r.plan.schedule is not None:
                sim.clock.every(r.plan.schedule, self._scheduled, (r, r.plan.quantity))
            if r.plan.not_before > 0:
                sim.clock.later(r.plan.not_before, self._flush, r)
        for e in plan.events:
            sim.clock.later(e.time, self._route_event, e)
        timed: list[Policy] = []
        timed.extend(Producer(p) for p in plan.producers)
        timed.extend(Allocator(a) for a in plan.allocations)
        timed.extend(CrossLeveller(c) for c in plan.cross_levels)
        timed.extend(resupply_policy(rp) for rp in plan.resupply)
        for p in timed:
            p.attach(self)
        self.policies.extend(timed)

    def backorders(self, holder: int, itype: int) -> Backorders:
        """The queue of orders ``holder`` could not fill of ``itype`` (one per holder and type)."""
        key = (holder, itype)
        queue = self._backorders.get(key)
        if queue is None:
            queue = self._backorders[key] = Backorders(self.holders[holder], itype)
            queue.attach(self)
        return queue

    def on_demand(self, site: int, hook: Callable[[int], None]) -> None:
        """Call ``hook(rounds asked for)`` at each threat's arrival at ``site``."""
        holder = self.holders[site]
        assert isinstance(holder, Site)
        holder.add_demand_hook(hook)

    def _scheduled(self, ev: Call) -> None:
        route, q = ev.value
        route.ship(q)

    def _flush(self, ev: Call) -> None:
        route = ev.value
        rec = self.sim.recorder
        rec.route_decision(APPROVED, self.clock.now, route.plan.dst, route.it, route.pending, route.index)
        route.flush()

    def _route_event(self, ev: Call) -> None:
        e: RouteEventPlan = ev.value
        self.routes[e.route].event(e.action, e.by, e.drop)
