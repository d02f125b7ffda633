"""The supply network of one run: its holders and routes, and the policies that move stock.

:class:`Network` builds the stockpiles and producers (sites are built by the run and handed
in), one :class:`~defsim.engine.supply.Route` per route of the plan, and wires scheduled
shipments, route events and the supply policies in plan order.  Policies see it only through
the narrow ``policies.SupplyNetwork`` protocol it implements; it keeps the network's piece of
the run record (deliveries, production, the routes' figures).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..plan import OUTSIDE, NetworkPlan, RouteEventPlan, RoutePlan
from ..vocab import HolderKind
from .clock import Call, Clock
from .policies import (
    Allocator,
    Backfill,
    Backorders,
    CrossLeveller,
    Producer,
    SupplyPolicy,
    reorder_policy,
)
from .records import EventKind
from .site import Site
from .state import RunState
from .supply import Route, Store

APPROVED = int(EventKind.APPROVED)


class Network:
    """The holders and routes of a run; wires scheduled shipments, route events and the supply
    policies, in plan order.  Policies see it through ``policies.SupplyNetwork``."""

    def __init__(self, state: RunState, plan: NetworkPlan, sites: list[Site], interceptors: list[str]):
        self.state = state
        self._clock = state.clock
        self.recorder = state.recorder
        self.plan = plan
        self.interceptors = interceptors
        self.holder_names = [h.name for h in plan.holders]
        #: rounds on their way to each holder, by type
        self.pipeline: list[dict[int, int]] = [{} for _ in plan.holders]
        self.deliveries: list[tuple[float, int, int]] = []
        self.made: dict[int, int] = {}  # rounds produced per holder
        self._holders: list[Site | Store] = []
        for h in plan.holders:
            if h.kind == HolderKind.SITE:
                self._holders.append(sites[h.index])
            else:
                self._holders.append(
                    Store(
                        state, h.name, h.kind, h.index, h.types, interceptors, h.initial, h.capacity,
                        self.pipeline[h.index],
                    )
                )  # fmt: skip
        self._routes: list[Route] = [self._route(r) for r in plan.routes]
        self._backorders: dict[tuple[int, int], Backorders] = {}
        clock = self._clock
        # the order of wiring is the order of SimPy's ties at equal times: kept as the plan's
        self.policies: list[SupplyPolicy] = [Backfill(r) for r in self._routes if r.plan.backfill_of >= 0]
        for p in self.policies:
            p.attach(self)
        for r in self._routes:
            if r.plan.schedule is not None:
                clock.every(r.plan.schedule, self._scheduled, (r, r.plan.quantity))
            if r.plan.not_before > 0:
                clock.later(r.plan.not_before, self._flush, r)
        for e in plan.events:
            clock.later(e.time, self._route_event, e)
        timed: list[SupplyPolicy] = []
        timed.extend(Producer(p) for p in plan.producers)
        timed.extend(Allocator(a) for a in plan.allocations)
        timed.extend(CrossLeveller(c) for c in plan.cross_levels)
        timed.extend(reorder_policy(rp) for rp in plan.resupply)
        for p in timed:
            p.attach(self)
        self.policies.extend(timed)

    def _route(self, plan: RoutePlan) -> Route:
        src = None if plan.src == OUTSIDE else self._holders[plan.src]
        return Route(
            self.state, plan, src, self._holders[plan.dst], self.pipeline[plan.dst], self.deliveries,
            self.interceptors[plan.itype],
        )  # fmt: skip

    def open_route(self, plan: RoutePlan) -> Route:
        """A route opened during the run (a user process's action), numbered ``plan.index``."""
        assert plan.index == len(self._routes), "routes are numbered in the order they open"
        route = self._route(plan)
        self._routes.append(route)
        return route

    # --- what policies see (policies.SupplyNetwork) ---------------------------------------

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def holders(self) -> list[Site | Store]:
        return self._holders

    @property
    def routes(self) -> list[Route]:
        return self._routes

    def on_order(self, holder: int) -> dict[int, int]:
        return self.pipeline[holder]

    def produced(self, holder: int, itype: int, n: int) -> None:
        self.made[holder] = self.made.get(holder, 0) + n
        self.recorder.produced(self._clock.now, holder, itype, n)

    def backorders(self, holder: int, itype: int) -> Backorders:
        """The queue of orders ``holder`` could not fill of ``itype`` (one per holder and type)."""
        key = (holder, itype)
        queue = self._backorders.get(key)
        if queue is None:
            queue = self._backorders[key] = Backorders(self._holders[holder], itype)
            queue.attach(self)
        return queue

    def on_demand(self, site: int, hook: Callable[[int], None]) -> None:
        """Call ``hook(rounds asked for)`` at each threat's arrival at ``site``."""
        holder = self._holders[site]
        if not isinstance(holder, Site):
            raise TypeError(f"{self.holder_names[site]} is not a site: no threats arrive there")
        holder.add_demand_hook(hook)

    # --- the network's piece of the run record --------------------------------------------

    def route_records(self) -> list[dict[str, Any]]:
        return [r.record(self.holder_names, self.interceptors) for r in self._routes]

    def produced_record(self) -> dict[str, int]:
        return {self.holder_names[h]: n for h, n in self.made.items()}

    # --- timed work -------------------------------------------------------------------------

    def _scheduled(self, ev: Call) -> None:
        route, q = ev.value
        route.ship(q)

    def _flush(self, ev: Call) -> None:
        route = ev.value
        rec = self.recorder
        rec.route_decision(APPROVED, self._clock.now, route.plan.dst, route.it, route.pending, route.index)
        route.flush()

    def _route_event(self, ev: Call) -> None:
        e: RouteEventPlan = ev.value
        self._routes[e.route].event(e.action, e.by, e.drop)
