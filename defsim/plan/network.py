"""The supply network compiled: holders, routes, and the processes that use them.

Holders are numbered sites first (so a site's holder index is its site index), then
stockpiles, then producers.  Every way rounds move becomes a route: one-off and periodic
shipments, standing flows, backfill links, a producer's output, allocations from a stockpile,
cross-levelling between sites, a site's reorder policy, and the simple ``deliveries:``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..scenario.schema import ScenarioSpec
from ..vocab import HolderKind, RouteKind
from .model import (
    OUTSIDE,
    AllocationPlan,
    CrossLevelPlan,
    HolderPlan,
    NetworkPlan,
    ProducerPlan,
    ResupplyPlan,
    RouteEventPlan,
    RoutePlan,
)
from .schedules import Every, Production
from .timing import lead as _lead
from .timing import offset


def build_network(
    sc: ScenarioSpec, interceptors: list[str], threats: list[str], start: dt.datetime | None
) -> NetworkPlan:
    """The supply network of a scenario; routes are numbered in the order they are made here."""
    c = _Network(sc, interceptors, start)
    holders = c.holders()
    # explicit transfers first, so their given names are kept as written
    pending_backfill = c.transfers()
    c.deliveries()
    producers = c.producers()
    for r, watched in pending_backfill:
        r.backfill_of = c.by_name[watched].index
    allocations = c.allocations()
    cross = c.cross_levels()
    resupply = c.resupply()
    events = [
        RouteEventPlan(
            offset(e.at, start, 0.0), c.by_name[e.route].index, e.action, e.by or 0.0, e.waiting == "drop"
        )
        for e in sc.route_events
    ]
    return NetworkPlan(holders, c.routes, producers, allocations, cross, resupply, events)


class _Network:
    """What the compiler of one network keeps: the scenario, names to indices, the routes so far."""

    def __init__(self, sc: ScenarioSpec, interceptors: list[str], start: dt.datetime | None):
        self.sc = sc
        self.start = start
        self.end = sc.duration
        self.itype = {n: i for i, n in enumerate(interceptors)}
        self.names = list(sc.sites) + list(sc.stockpiles) + list(sc.producers)
        self.hidx = {n: i for i, n in enumerate(self.names)}
        self.routes: list[RoutePlan] = []
        self.used: set[str] = set()
        self.by_name: dict[str, RoutePlan] = {}

    def at(self, tp: float | dt.datetime | None, default: float = 0.0) -> float:
        return offset(tp, self.start, default)

    def add(self, name: str, **kw: Any) -> RoutePlan:
        """A new route, its name made unique (``name #2``, ...)."""
        unique, k = name, 1
        while unique in self.used:
            k += 1
            unique = f"{name} #{k}"
        self.used.add(unique)
        r = RoutePlan(index=len(self.routes), name=unique, **kw)
        if not r.source:
            r.source = "outside" if r.src == OUTSIDE else self.names[r.src]
        self.routes.append(r)
        return r

    def holder(self, name: str) -> int:
        return OUTSIDE if name == "outside" else self.hidx[name]

    def held_types(self) -> dict[int, set[int]]:
        """Per holder, the interceptor types it may hold: its own, and what reaches it."""
        sc, itype, hidx = self.sc, self.itype, self.hidx
        types: dict[int, set[int]] = {i: set() for i in range(len(self.names))}
        for n, s in sc.sites.items():
            types[hidx[n]] = {itype[t] for t in s.interceptors}
        for n, sp in sc.stockpiles.items():
            types[hidx[n]] |= {itype[t] for t in sp.stock} | {itype[t] for t in sp.capacity}
            for _, a in sp.allocations():
                types[hidx[n]].add(itype[a.interceptor])
        for n, pr in sc.producers.items():
            types[hidx[n]] |= {itype[pr.interceptor]} | {itype[t] for t in pr.stock}
            if pr.to is not None and pr.to not in sc.sites:  # a receiving stockpile holds what it receives
                types[hidx[pr.to]].add(itype[pr.interceptor])
        for sp in sc.stockpiles.values():
            for _, a in sp.allocations():
                for to in a.to:
                    if to not in sc.sites:
                        types[hidx[to]].add(itype[a.interceptor])
        for tr in sc.transfers:
            for end_name in (tr.source, tr.to):
                if end_name in hidx:
                    types[hidx[end_name]].add(itype[tr.interceptor])
        for d in sc.deliveries:
            types[hidx[d.to]].add(itype[d.interceptor])
        return types

    def holders(self) -> list[HolderPlan]:
        sc, itype = self.sc, self.itype
        types = self.held_types()
        holders: list[HolderPlan] = []
        for n in self.names:
            h = self.hidx[n]
            if n in sc.sites:
                kind, init, cap = HolderKind.SITE, sc.sites[n].stock, {}
            elif n in sc.stockpiles:
                kind, init, cap = HolderKind.STOCKPILE, sc.stockpiles[n].stock, sc.stockpiles[n].capacity
            else:
                kind, init, cap = HolderKind.PRODUCER, sc.producers[n].stock, {}
            order = (
                [itype[t] for t in sc.sites[n].interceptors] if kind == HolderKind.SITE else sorted(types[h])
            )
            holders.append(
                HolderPlan(
                    n,
                    kind,
                    h,
                    order,
                    {itype[t]: q for t, q in init.items()},
                    {itype[t]: float(c) for t, c in cap.items()},
                )
            )
        return holders

    def transfers(self) -> list[tuple[RoutePlan, str]]:
        """The scenario's transfers as routes; backfill links with the route each one watches."""
        end, pending_backfill = self.end, []
        for tr in self.sc.transfers:
            kw = dict(
                src=self.holder(tr.source),
                dst=self.hidx[tr.to],
                itype=self.itype[tr.interceptor],
                lead=_lead(tr.lead_time),
                not_before=self.at(tr.not_before),
                floor=tr.floor,
                loss=tr.loss,
                enabled=tr.enabled,
            )
            until = self.at(tr.until, end)
            if tr.quantity is not None:
                t0 = self.at(tr.at)
                schedule = Every(t0, tr.every, until, end)
                r = self.add(tr.route, kind=RouteKind.SHIPMENT, schedule=schedule, quantity=tr.quantity, **kw)
            elif tr.rate is not None:
                t0 = self.at(tr.at)
                step = tr.batch / tr.rate if tr.rate > 0 else None
                flow = Every(t0 + step, step, until, end) if step is not None else None
                r = self.add(tr.route, kind=RouteKind.FLOW, schedule=flow, quantity=tr.batch, **kw)
            else:
                r = self.add(tr.route, kind=RouteKind.BACKFILL, fraction=tr.fraction, **kw)
                pending_backfill.append((r, tr.backfill or ""))
            self.by_name[tr.route] = r
        return pending_backfill

    def deliveries(self) -> None:
        for d in self.sc.deliveries:
            self.add(
                f"{d.source} -> {d.to}",
                kind=RouteKind.DELIVERY,
                source=d.source,
                src=OUTSIDE,
                dst=self.hidx[d.to],
                itype=self.itype[d.interceptor],
                schedule=Every(self.at(d.at), d.every, self.at(d.until, self.end), self.end),
                quantity=d.quantity,
            )

    def producers(self) -> list[ProducerPlan]:
        producers: list[ProducerPlan] = []
        hidx, itype = self.hidx, self.itype
        for n, pr in self.sc.producers.items():
            b = self.at(pr.start)
            if pr.ramp is not None:
                points = [(self.at(p.at), p.rate) for p in pr.ramp]
            else:
                points = [(b, pr.rate or 0.0)]
            output = Production(tuple(points), pr.interpolate, b, self.end, pr.cap, pr.batch)
            route = OUTSIDE
            if pr.to is not None:
                route = self.add(
                    f"{n} -> {pr.to}",
                    kind=RouteKind.PRODUCTION,
                    src=hidx[n],
                    dst=hidx[pr.to],
                    itype=itype[pr.interceptor],
                    lead=_lead(pr.lead_time),
                    not_before=self.at(pr.not_before),
                ).index
                self.by_name.setdefault(self.routes[route].name, self.routes[route])
            producers.append(ProducerPlan(hidx[n], itype[pr.interceptor], output, route, pr.batch))
        return producers

    def allocations(self) -> list[AllocationPlan]:
        allocations: list[AllocationPlan] = []
        hidx, end = self.hidx, self.end
        rules = [
            (n, a, isinstance(sp.allocate, list))
            for n, sp in self.sc.stockpiles.items()
            for _, a in sp.allocations()
        ]
        for n, a, several in rules:
            it = self.itype[a.interceptor]
            rs = [
                self.add(
                    # a rule of a list names its type: two rules may feed one site with two types
                    f"{n} -> {to} ({a.interceptor})" if several else f"{n} -> {to}",
                    kind=RouteKind.ALLOCATION,
                    src=hidx[n],
                    dst=hidx[to],
                    itype=it,
                    lead=_lead(a.lead_time),
                ).index
                for to in a.to
            ]
            allocations.append(
                AllocationPlan(
                    hidx[n],
                    it,
                    [hidx[to] for to in a.to],
                    rs,
                    a.policy,
                    Every(self.at(a.first), a.every, end, end),
                    a.quantity,
                    a.up_to,
                    a.floor,
                )
            )
        return allocations

    def cross_levels(self) -> list[CrossLevelPlan]:
        cross: list[CrossLevelPlan] = []
        end, names = self.end, self.names
        for cl in self.sc.cross_levelling:
            it = self.itype[cl.interceptor]
            sidx = [self.hidx[s] for s in cl.sites]
            rmap = {}
            for x in sidx:
                for y in sidx:
                    if x != y:
                        rmap[(x, y)] = self.add(
                            f"cross-level {names[x]} -> {names[y]}",
                            kind=RouteKind.CROSS_LEVEL,
                            src=x,
                            dst=y,
                            itype=it,
                            lead=_lead(cl.lead_time),
                        ).index
            cross.append(CrossLevelPlan(sidx, it, Every(cl.every, cl.every, end, end), cl.threshold, rmap))
        return cross

    def resupply(self) -> list[ResupplyPlan]:
        resupply: list[ResupplyPlan] = []
        hidx = self.hidx
        for n, s in self.sc.sites.items():
            for rp in s.resupply:
                it = self.itype[rp.interceptor]
                r = self.add(
                    f"{rp.source} -> {n} (reorder)",
                    kind=RouteKind.RESUPPLY,
                    src=self.holder(rp.source),
                    dst=hidx[n],
                    itype=it,
                    lead=_lead(rp.lead_time),
                )
                reorder_at = rp.level - 1 if rp.reorder_at is None else rp.reorder_at
                resupply.append(
                    ResupplyPlan(hidx[n], it, rp.policy, rp.level, reorder_at, rp.trigger, r.index)
                )
        return resupply
