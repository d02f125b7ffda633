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
    end = sc.duration
    itype = {n: i for i, n in enumerate(interceptors)}
    names = list(sc.sites) + list(sc.stockpiles) + list(sc.producers)
    hidx = {n: i for i, n in enumerate(names)}
    types: dict[int, set[int]] = {i: set() for i in range(len(names))}
    holders: list[HolderPlan] = []
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
    for n in names:
        h = hidx[n]
        if n in sc.sites:
            kind, init, cap = HolderKind.SITE, sc.sites[n].stock, {}
        elif n in sc.stockpiles:
            kind, init, cap = HolderKind.STOCKPILE, sc.stockpiles[n].stock, sc.stockpiles[n].capacity
        else:
            kind, init, cap = HolderKind.PRODUCER, sc.producers[n].stock, {}
        order = [itype[t] for t in sc.sites[n].interceptors] if kind == HolderKind.SITE else sorted(types[h])
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

    routes: list[RoutePlan] = []
    used: set[str] = set()

    def add(name: str, **kw: Any) -> RoutePlan:
        unique, k = name, 1
        while unique in used:
            k += 1
            unique = f"{name} #{k}"
        used.add(unique)
        r = RoutePlan(index=len(routes), name=unique, **kw)
        if not r.source:
            r.source = "outside" if r.src == OUTSIDE else names[r.src]
        routes.append(r)
        return r

    def holder(name: str) -> int:
        return OUTSIDE if name == "outside" else hidx[name]

    # explicit transfers first, so their given names are kept as written
    by_name: dict[str, RoutePlan] = {}
    pending_backfill: list[tuple[RoutePlan, str]] = []
    for tr in sc.transfers:
        kw = dict(
            src=holder(tr.source),
            dst=hidx[tr.to],
            itype=itype[tr.interceptor],
            lead=_lead(tr.lead_time),
            not_before=offset(tr.not_before, start, 0.0),
            floor=tr.floor,
            loss=tr.loss,
            enabled=tr.enabled,
        )
        until = offset(tr.until, start, end)
        if tr.quantity is not None:
            t0 = offset(tr.at, start, 0.0)
            r = add(
                tr.route,
                kind=RouteKind.SHIPMENT,
                schedule=Every(t0, tr.every, until, end),
                quantity=tr.quantity,
                **kw,
            )
        elif tr.rate is not None:
            t0 = offset(tr.at, start, 0.0)
            step = tr.batch / tr.rate if tr.rate > 0 else None
            flow = Every(t0 + step, step, until, end) if step is not None else None
            r = add(tr.route, kind=RouteKind.FLOW, schedule=flow, quantity=tr.batch, **kw)
        else:
            r = add(tr.route, kind=RouteKind.BACKFILL, fraction=tr.fraction, **kw)
            pending_backfill.append((r, tr.backfill or ""))
        by_name[tr.route] = r
    for d in sc.deliveries:
        t0 = offset(d.at, start, 0.0)
        until = offset(d.until, start, end)
        add(
            f"{d.source} -> {d.to}",
            kind=RouteKind.DELIVERY,
            source=d.source,
            src=OUTSIDE,
            dst=hidx[d.to],
            itype=itype[d.interceptor],
            schedule=Every(t0, d.every, until, end),
            quantity=d.quantity,
        )
    producers: list[ProducerPlan] = []
    for n, pr in sc.producers.items():
        b = offset(pr.start, start, 0.0)
        if pr.ramp is not None:
            points = [(offset(p.at, start, 0.0), p.rate) for p in pr.ramp]
        else:
            points = [(b, pr.rate or 0.0)]
        output = Production(tuple(points), pr.interpolate, b, end, pr.cap, pr.batch)
        route = OUTSIDE
        if pr.to is not None:
            route = add(
                f"{n} -> {pr.to}",
                kind=RouteKind.PRODUCTION,
                src=hidx[n],
                dst=hidx[pr.to],
                itype=itype[pr.interceptor],
                lead=_lead(pr.lead_time),
                not_before=offset(pr.not_before, start, 0.0),
            ).index
            by_name.setdefault(routes[route].name, routes[route])
        producers.append(ProducerPlan(hidx[n], itype[pr.interceptor], output, route, pr.batch))
    for r, watched in pending_backfill:
        r.backfill_of = by_name[watched].index
    allocations: list[AllocationPlan] = []
    rules = [
        (n, a, isinstance(sp.allocate, list)) for n, sp in sc.stockpiles.items() for _, a in sp.allocations()
    ]
    for n, a, several in rules:
        it = itype[a.interceptor]
        rs = [
            add(
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
        t0 = offset(a.first, start, 0.0)
        allocations.append(
            AllocationPlan(
                hidx[n],
                it,
                [hidx[to] for to in a.to],
                rs,
                a.policy,
                Every(t0, a.every, end, end),
                a.quantity,
                a.up_to,
                a.floor,
            )
        )
    cross: list[CrossLevelPlan] = []
    for cl in sc.cross_levelling:
        it = itype[cl.interceptor]
        sidx = [hidx[s] for s in cl.sites]
        rmap = {}
        for x in sidx:
            for y in sidx:
                if x != y:
                    rmap[(x, y)] = add(
                        f"cross-level {names[x]} -> {names[y]}",
                        kind=RouteKind.CROSS_LEVEL,
                        src=x,
                        dst=y,
                        itype=it,
                        lead=_lead(cl.lead_time),
                    ).index
        cross.append(CrossLevelPlan(sidx, it, Every(cl.every, cl.every, end, end), cl.threshold, rmap))
    resupply: list[ResupplyPlan] = []
    for n, s in sc.sites.items():
        for rp in s.resupply:
            it = itype[rp.interceptor]
            r = add(
                f"{rp.source} -> {n} (reorder)",
                kind=RouteKind.RESUPPLY,
                src=holder(rp.source),
                dst=hidx[n],
                itype=it,
                lead=_lead(rp.lead_time),
            )
            resupply.append(
                ResupplyPlan(
                    hidx[n],
                    it,
                    rp.policy,
                    rp.level,
                    rp.level - 1 if rp.reorder_at is None else rp.reorder_at,
                    rp.trigger,
                    r.index,
                )
            )
    events = [
        RouteEventPlan(
            offset(e.at, start, 0.0), by_name[e.route].index, e.action, e.by or 0.0, e.waiting == "drop"
        )
        for e in sc.route_events
    ]
    return NetworkPlan(holders, routes, producers, allocations, cross, resupply, events)
