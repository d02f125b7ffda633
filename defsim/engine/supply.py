"""The supply network at run time: stockpiles and producers, routes, and the processes that move stock.

A route ships rounds from a holder (or from outside the scenario) to another after a lead
time; shipments in transit are visible, can be lost (interdiction) or delayed, and a route can
be paused, resumed or cancelled.  Backfill links, producers, allocations, cross-levelling and
a site's reorder policy all ship through routes, so every round's path is recorded the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, assert_never, final

from ..plan import RoutePlan
from ..vocab import HolderKind, RouteAction
from .clock import Call
from .policies import (
    Holder,
    LevelWatcher,
    OrderQueue,
)
from .records import EventKind
from .site import Site
from .state import RunState
from .streams import duration_buffer, uniform_buffer

CANCELLED, DELAYED = int(EventKind.CANCELLED), int(EventKind.DELAYED)

#: a subscriber's ``on_level(holder, itype, level, change)``
LevelCall = Callable[[Holder, int, int, int], None]


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
        state: RunState,
        name: str,
        kind: HolderKind,
        index: int,
        types: list[int],
        interceptors: list[str],
        initial: dict[int, int],
        capacity: dict[int, float],
        on_order: dict[int, int],
    ):
        self.recorder = state.recorder
        self.clock = state.clock
        self.index = index
        self.levels = {it: initial.get(it, 0) for it in types}
        self.capacity = capacity
        self.on_order = on_order  # rounds on their way here, by type
        add = state.series.add
        lev = self.levels
        self.series = {it: add(name, interceptors[it], kind.value, lev[it], lev[it]) for it in types}
        self.watchers: dict[int, list[LevelCall]] = {}

    def level(self, it: int) -> int:
        return self.levels.get(it, 0)

    def room(self, it: int) -> float:
        cap = self.capacity.get(it)
        if cap is None:
            return math.inf
        return cap - self.levels.get(it, 0) - self.on_order.get(it, 0)

    def fired_of(self, it: int) -> int:
        return 0

    def subscribe(self, it: int, watcher: LevelWatcher, below: float = math.inf) -> None:
        """Tell ``watcher`` of every change of this holder's level of ``it``."""
        self.watchers.setdefault(it, []).append(watcher.on_level)

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
        self.recorder.stock(self.clock.now, self.series[it], lev, lev)


class Route:
    """One way rounds move: a sender, a receiver, a type, a lead time and the route's state."""

    def __init__(
        self,
        state: RunState,
        plan: RoutePlan,
        src: Site | Store | None,
        dst: Site | Store,
        on_order: dict[int, int],
        deliveries: list[tuple[float, int, int]],
        interceptor: str,
    ):
        self.clock = state.clock
        self.recorder = state.recorder
        self.plan = plan
        self.index = plan.index
        self.src = src
        self.dst = dst
        self.on_order = on_order  # the receiver's rounds on their way
        self.deliveries = deliveries  # the network's record of every delivery
        self.it = plan.itype
        # lead times and losses: the route's own streams, keyed by its name
        lead, streams = plan.lead, state.streams
        self.lead: Any = (
            duration_buffer(lambda: streams.stream("route_lead", plan.name), lead) if lead else 0.0
        )
        self.loss_u = uniform_buffer(streams.stream("route_loss", plan.name)) if plan.loss > 0 else None
        self.floor = plan.floor
        self.loss = plan.loss
        self.series = state.series.add(plan.name, interceptor, "transit")
        self.state = "active" if plan.enabled else "cancelled"
        self.pending = 0  # held back by a pause or an approval date
        self.dropping = False  # paused with waiting: drop
        # insertion-ordered, keyed by identity: removal is O(1) and never takes an equal twin
        self.in_transit: dict[Shipment, None] = {}
        self.watchers: list[LevelCall] = []  # told of each delivery: the receiver's new level
        self.shipped = self.delivered = self.lost = self.short = 0
        self.owes = False  # base-stock reorders set this: what the sender cannot fill now stays owed
        self.owed = 0
        self.backorders: OrderQueue | None = None  # the sender's queue of owed orders
        self._arrive_cb = self._arrive
        self.transit_level = 0

    def blocked(self) -> bool:
        return self.state != "active" or self.clock.now < self.plan.not_before

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
        avail = math.inf if self.src is None else self.src.level(self.it) - self.floor
        n = int(min(q, avail, self.dst.room(self.it)))
        if n <= 0:
            return 0
        if self.src is not None:
            self.src.take(self.it, n)
        self.shipped += n
        pipe = self.on_order
        pipe[self.it] = pipe.get(self.it, 0) + n
        self._transit(n)
        u = self.loss_u
        lost = u is not None and (u.pop() if u else u.refill()) < self.loss
        lead = self.lead
        if lead.__class__ is not float:
            lead = lead.pop() if lead else lead.refill()
        shipment = Shipment(n, lost)
        self.in_transit[shipment] = None
        self.recorder.shipped(self.clock.now, self.plan.src, self.it, n, self.index)
        self.clock.later(lead, self._arrive_cb, shipment)
        return n

    def _transit(self, delta: int) -> None:
        self.transit_level += delta
        self.recorder.stock(self.clock.now, self.series, self.transit_level, self.transit_level)

    def _arrive(self, ev: Call) -> None:
        shipment: Shipment = ev.value
        if shipment.delay > 0:  # delayed while in transit
            delay, shipment.delay = shipment.delay, 0.0
            self.clock.later(delay, self._arrive_cb, shipment)
            return
        n, lost = shipment.n, shipment.lost
        del self.in_transit[shipment]
        self._transit(-n)
        self.on_order[self.it] -= n
        now = self.clock.now
        if lost:
            self.lost += n
            self.recorder.lost(now, self.plan.dst, self.it, n, self.index)
            return
        self.delivered += n
        self.deliveries.append((now, self.index, n))
        # recorded before the stock changes: a delivery can set off shots
        self.recorder.delivery(now, self.plan.dst, self.it, n, self.index)
        self.dst.put(self.it, n)
        if self.watchers:
            level = self.dst.level(self.it)
            for on_level in self.watchers:
                on_level(self.dst, self.it, level, n)

    def subscribe(self, watcher: LevelWatcher) -> None:
        """Tell ``watcher`` of each delivery this route makes."""
        self.watchers.append(watcher.on_level)

    def flush(self) -> None:
        if self.pending and not self.blocked():
            q, self.pending = self.pending, 0
            self.ship(q)

    def event(self, action: RouteAction, by: float, drop: bool = False) -> None:
        """A route event of the scenario, recorded in the event log whether or not it changes
        anything (a pause of a paused route is still a decision someone took)."""
        rec, now, dst = self.recorder, self.clock.now, self.plan.dst
        if action == RouteAction.PAUSE:
            if self.state == "active":
                self.state = "paused"
                self.dropping = drop
            dropped = 0
            if drop:
                dropped, self.pending = self.pending, 0
                self.short += dropped
            rec.paused(now, dst, self.it, dropped, self.index)
        elif action == RouteAction.RESUME:
            held = self.pending
            if self.state == "paused":
                self.state = "active"
                self.dropping = False
                self.flush()
            rec.resumed(now, dst, self.it, held, self.index)
        elif action == RouteAction.CANCEL:
            self.state = "cancelled"
            dropped = self.pending
            self.short += self.pending
            self.pending = 0
            rec.route_decision(CANCELLED, now, dst, self.it, dropped, self.index)
        elif action == RouteAction.DELAY:
            for shipment in self.in_transit:
                shipment.delay += by
            rec.route_decision(DELAYED, now, dst, self.it, self.transit_level, self.index)
        else:
            assert_never(action)

    def record(self, holder_names: list[str], interceptors: list[str]) -> dict[str, Any]:
        """The route's piece of the run record."""
        p = self.plan
        return {
            "name": p.name,
            "kind": p.kind.value,
            "source": p.source,
            "from": "outside" if p.src < 0 else holder_names[p.src],
            "to": holder_names[p.dst],
            "interceptor": interceptors[p.itype],
            "shipped": self.shipped,
            "delivered": self.delivered,
            "lost": self.lost,
            "in_transit_at_end": self.transit_level,
            "not_shipped": self.short + self.pending + self.owed,
            "state_at_end": self.state,
        }
