"""The build phase of the supply network: holders, routes and the processes that use them.

Holders are numbered sites first (so a site's holder index is its site index), then
stockpiles, then producers.  Every way rounds move becomes a route: one-off and periodic
shipments, standing flows, backfill links, a producer's output, allocations from a stockpile,
cross-levelling between sites, a site's reorder policy, and the simple ``deliveries:``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..schema import Scenario, TimeDistribution
from .plan import offset

OUTSIDE = -1


@dataclass
class HolderPlan:
    name: str
    kind: str  # site, stockpile, producer
    index: int
    types: list[int]
    initial: dict[int, int]
    capacity: dict[int, float]


@dataclass
class RoutePlan:
    index: int
    name: str
    kind: str  # shipment, flow, backfill, production, allocation, cross_level, resupply, delivery
    src: int  # holder index, or OUTSIDE
    dst: int
    itype: int
    lead: dict[str, float] | None = None
    not_before: float = 0.0
    floor: int = 0
    loss: float = 0.0
    schedule: list[tuple[float, int]] = field(default_factory=list)  # (time, quantity)
    backfill_of: int = -1
    fraction: float = 1.0
    enabled: bool = True
    source: str = ""  # label for "deliveries by source": the sender, or a delivery's source


@dataclass
class ProducerPlan:
    holder: int
    itype: int
    times: list[float]
    route: int  # OUTSIDE when output stays at the producer
    batch: int = 1  # rounds shipped together to ``route``


@dataclass
class AllocationPlan:
    holder: int
    itype: int
    recipients: list[int]
    routes: list[int]
    policy: str
    times: list[float]
    quantity: int | None
    up_to: int | None
    floor: int


@dataclass
class CrossLevelPlan:
    sites: list[int]
    itype: int
    times: list[float]
    threshold: int
    routes: dict[tuple[int, int], int]


@dataclass
class ResupplyPlan:
    site: int
    itype: int
    policy: str
    level: int
    reorder_at: int
    trigger: str
    route: int


@dataclass
class RouteEventPlan:
    time: float
    route: int
    action: str
    by: float


@dataclass
class NetworkPlan:
    holders: list[HolderPlan]
    routes: list[RoutePlan]
    producers: list[ProducerPlan]
    allocations: list[AllocationPlan]
    cross_levels: list[CrossLevelPlan]
    resupply: list[ResupplyPlan]
    events: list[RouteEventPlan]


def _lead(td: TimeDistribution | None) -> dict[str, float] | None:
    if td is None:
        return None
    return {k: v for k, v in td.model_dump().items() if v is not None}


def _times(first: float, every: float, until: float, end: float) -> list[float]:
    out = []
    t = first
    stop = min(until, end)
    while t < end and t <= stop:
        out.append(t)
        t += every
    return out


def production_times(
    points: list[tuple[float, float]], interpolate: str, begin: float, end: float, cap: int | None
) -> list[float]:
    """Times when each round is finished: unit k when the integral of the rate from ``begin`` reaches k.

    ``points`` are (time, rate per day); the rate holds (step) or is interpolated (linear)
    between them, and the last rate holds to the end.
    """
    pts = sorted(points)
    if pts[0][0] > begin:
        pts.insert(0, (begin, 0.0 if interpolate == "step" else pts[0][1]))
    out: list[float] = []
    done = 0.0  # integral so far
    k = 1
    segments = [(pts[i][0], pts[i + 1][0], pts[i][1], pts[i + 1][1]) for i in range(len(pts) - 1)]
    segments.append((pts[-1][0], end, pts[-1][1], pts[-1][1]))
    for t0, t1, r0, r1 in segments:
        a, b = max(t0, begin), min(t1, end)
        if b <= a:
            continue
        if interpolate == "step" or t1 == t0:
            ra = rb = r0
        else:
            ra = r0 + (r1 - r0) * (a - t0) / (t1 - t0)
            rb = r0 + (r1 - r0) * (b - t0) / (t1 - t0)
        g = (rb - ra) / (b - a)
        area = (ra + rb) / 2 * (b - a)
        while k - done <= area + 1e-12:
            need = k - done
            # solve ra x + g x^2 / 2 = need for the time x into this segment
            x = need / ra if abs(g) < 1e-15 else (-ra + math.sqrt(max(ra * ra + 2 * g * need, 0.0))) / g
            out.append(a + x)
            if cap is not None and len(out) >= cap:
                return out
            k += 1
        done += area
    return out


def build_network(
    sc: Scenario, interceptors: list[str], threats: list[str], start: dt.datetime | None
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
        if sp.allocate:
            types[hidx[n]].add(itype[sp.allocate.interceptor])
    for n, pr in sc.producers.items():
        types[hidx[n]] |= {itype[pr.interceptor]} | {itype[t] for t in pr.stock}
    for tr in sc.transfers:
        for end_name in (tr.source, tr.to):
            if end_name in hidx:
                types[hidx[end_name]].add(itype[tr.interceptor])
    for d in sc.deliveries:
        types[hidx[d.to]].add(itype[d.interceptor])
    for n in names:
        h = hidx[n]
        if n in sc.sites:
            kind, init, cap = "site", sc.sites[n].stock, {}
        elif n in sc.stockpiles:
            kind, init, cap = "stockpile", sc.stockpiles[n].stock, sc.stockpiles[n].capacity
        else:
            kind, init, cap = "producer", sc.producers[n].stock, {}
        order = [itype[t] for t in sc.sites[n].interceptors] if kind == "site" else sorted(types[h])
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
            times = _times(t0, tr.every, until, end) if tr.every else ([t0] if t0 < end else [])
            r = add(tr.route, kind="shipment", schedule=[(t, tr.quantity) for t in times], **kw)
        elif tr.rate is not None:
            t0 = offset(tr.at, start, 0.0)
            times = _times(t0 + tr.batch / tr.rate, tr.batch / tr.rate, until, end) if tr.rate > 0 else []
            r = add(tr.route, kind="flow", schedule=[(t, tr.batch) for t in times], **kw)
        else:
            r = add(tr.route, kind="backfill", fraction=tr.fraction, **kw)
            pending_backfill.append((r, tr.backfill or ""))
        by_name[tr.route] = r
    for d in sc.deliveries:
        t0 = offset(d.at, start, 0.0)
        until = offset(d.until, start, end)
        times = _times(t0, d.every, until, end) if d.every else ([t0] if t0 < end else [])
        add(
            f"{d.source} -> {d.to}",
            kind="delivery",
            source=d.source,
            src=OUTSIDE,
            dst=hidx[d.to],
            itype=itype[d.interceptor],
            schedule=[(t, d.quantity) for t in times],
        )
    producers: list[ProducerPlan] = []
    for n, pr in sc.producers.items():
        b = offset(pr.start, start, 0.0)
        if pr.ramp is not None:
            points = [(offset(p.at, start, 0.0), p.rate) for p in pr.ramp]
        else:
            points = [(b, pr.rate or 0.0)]
        times = production_times(points, pr.interpolate, b, end, pr.cap)
        if pr.batch > 1:
            # a lot is finished when its last round is: one event per lot, not per round
            lots = times[pr.batch - 1 :: pr.batch]
            times = [t for t in lots for _ in range(pr.batch)]
        route = OUTSIDE
        if pr.to is not None:
            route = add(
                f"{n} -> {pr.to}",
                kind="production",
                src=hidx[n],
                dst=hidx[pr.to],
                itype=itype[pr.interceptor],
                lead=_lead(pr.lead_time),
                not_before=offset(pr.not_before, start, 0.0),
            ).index
            by_name.setdefault(routes[route].name, routes[route])
        producers.append(ProducerPlan(hidx[n], itype[pr.interceptor], times, route, pr.batch))
    for r, watched in pending_backfill:
        r.backfill_of = by_name[watched].index
    allocations: list[AllocationPlan] = []
    for n, sp in sc.stockpiles.items():
        a = sp.allocate
        if a is None:
            continue
        it = itype[a.interceptor]
        rs = [
            add(
                f"{n} -> {to}",
                kind="allocation",
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
                _times(t0, a.every, end, end),
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
                        kind="cross_level",
                        src=x,
                        dst=y,
                        itype=it,
                        lead=_lead(cl.lead_time),
                    ).index
        cross.append(CrossLevelPlan(sidx, it, _times(cl.every, cl.every, end, end), cl.threshold, rmap))
    resupply: list[ResupplyPlan] = []
    for n, s in sc.sites.items():
        for rp in s.resupply:
            it = itype[rp.interceptor]
            r = add(
                f"{rp.source} -> {n} (reorder)",
                kind="resupply",
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
        RouteEventPlan(offset(e.at, start, 0.0), by_name[e.route].index, e.action, e.by or 0.0)
        for e in sc.route_events
    ]
    return NetworkPlan(holders, routes, producers, allocations, cross, resupply, events)


def backfill_cycle(sc: Scenario) -> list[str] | None:
    """A loop of backfill links (each waits on the next), or None."""
    watch = {tr.route: tr.backfill for tr in sc.transfers if tr.backfill}
    for startname in watch:
        seen = [startname]
        cur = watch.get(startname)
        while cur is not None:
            if cur in seen:
                return seen[seen.index(cur) :] + [cur]
            seen.append(cur)
            cur = watch.get(cur)
    return None


def attacker_caps(sc: Scenario, threats: list[str]) -> dict[int, tuple[int, float]]:
    """Per threat type index: (stock at start, production per day) where the attacker is limited."""
    a = sc.attacker
    if a is None:
        return {}
    out = {}
    for name in set(a.stock) | set(a.production):
        out[threats.index(name)] = (a.stock.get(name, 0), a.production.get(name, 0.0))
    return out


def apply_attacker_caps(
    time: np.ndarray, threat: np.ndarray, caps: dict[int, tuple[int, float]]
) -> np.ndarray:
    """Mask of arrivals that can be launched: the k-th of a type needs stock + rate * t >= k."""
    keep = np.ones(len(time), dtype=bool)
    for tt, (stock0, rate) in caps.items():
        idx = np.flatnonzero(threat == tt)
        if not len(idx):
            continue
        available = stock0 + np.floor(rate * time[idx] + 1e-9)
        launched = 0
        for j, i in enumerate(idx):  # greedy in time order: launch while something is available
            if launched < available[j]:
                launched += 1
            else:
                keep[i] = False
    return keep
