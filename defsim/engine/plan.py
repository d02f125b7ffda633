"""The build phase: a validated scenario compiled into plain indices and numbers.

The engine never looks at the schema: names become indices, units are already days, dates
become offsets from the start, kill probabilities become one effective probability per
(interceptor, threat) pair with reliability folded in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..schema import Scenario

if TYPE_CHECKING:
    from .network import NetworkPlan

REASONS = ("no_stock", "saturated", "not_engaged", "missed")


def offset(tp: float | dt.datetime | None, start: dt.datetime | None, default: float) -> float:
    if tp is None:
        return default
    if isinstance(tp, dt.datetime):
        assert start is not None  # checked when the scenario was loaded
        return (tp - start).total_seconds() / 86400.0
    return float(tp)


@dataclass
class SitePlan:
    name: str
    index: int
    types: list[int]  # interceptor type indices, preference order
    initial: list[int]  # rounds at start, per entry of ``types``
    capacity: list[float]  # ready-round capacity per type (inf: every round is ready)
    reload_rounds: list[int]
    reload_time: list[float]
    fire_channels: int
    engagement: dict[str, float]  # dist and its parameters, days
    mean_engagement: float
    shots: int
    opportunities: int
    assess_live: float  # P(live target judged alive)
    assess_dead: float  # P(dead target judged alive)
    rank: list[int | None]  # per threat type: engage priority (0 = highest), None = not engaged
    # per threat type: usable (local type slot, effective p, rounds kept in reserve from it)
    choices: list[list[tuple[int, float, int]]]


@dataclass
class Plan:
    scenario: Scenario
    duration: float
    start: dt.datetime | None
    interceptors: list[str]
    threats: list[str]
    threat_class: list[str]
    interceptor_cost: np.ndarray
    threat_cost: np.ndarray
    time_to_impact: np.ndarray
    sites: list[SitePlan]
    network: NetworkPlan
    attacker: dict[int, tuple[int, float]] = field(default_factory=dict)

    @property
    def site_names(self) -> list[str]:
        return [s.name for s in self.sites]

    @property
    def holder_names(self) -> list[str]:
        return [h.name for h in self.network.holders]


def _matches(entry: str, threat: str, threat_class: str) -> bool:
    return entry in (threat, threat_class)


def build(sc: Scenario) -> Plan:
    from .network import attacker_caps, build_network

    start = sc.start_datetime
    inames = list(sc.interceptors)
    tnames = list(sc.threats)
    tclass: list[str] = [t.threat_class for t in sc.threats.values()]
    # effective kill probability p[i, t] = reliability * pk
    p = np.zeros((len(inames), len(tnames)))
    for i, it in enumerate(sc.interceptors.values()):
        for t, (tn, tc) in enumerate(zip(tnames, tclass, strict=True)):
            pk = it.pk.get(tn, it.pk.get(tc, it.pk.get("default", 0.0)))
            p[i, t] = it.reliability * pk
    sites: list[SitePlan] = []
    for s_idx, (name, st) in enumerate(sc.sites.items()):
        types = [inames.index(t) for t in st.interceptors]
        cap, rr, rt, init = [], [], [], []
        for tname in st.interceptors:
            n0 = st.stock.get(tname, 0)
            init.append(n0)
            lau = st.launchers.get(tname)
            if lau is None:
                cap.append(float("inf"))
                rr.append(0)
                rt.append(0.0)
            else:
                cap.append(float(lau.count * lau.rounds))
                rr.append(lau.rounds)
                rt.append(lau.reload_time)
        rank: list[int | None] = []
        for tn, tc in zip(tnames, tclass, strict=True):
            if st.engage is None:
                rank.append(0)
            else:
                hits = [k for k, e in enumerate(st.engage) if _matches(e, tn, tc)]
                rank.append(hits[0] if hits else None)
        choices: list[list[tuple[int, float, int]]] = []
        for t, (tn, tc) in enumerate(zip(tnames, tclass, strict=True)):
            opts = []
            for slot, i in enumerate(types):
                if p[i, t] <= 0:
                    continue
                keep = 0
                for rule in st.reserve:
                    if rule.interceptor == inames[i] and not any(
                        _matches(e, tn, tc) for e in rule.for_threats
                    ):
                        keep = max(keep, rule.keep)
                opts.append((slot, float(p[i, t]), keep))
            choices.append(opts)
        et = st.engagement_time
        engagement = {k: v for k, v in et.model_dump().items() if v is not None}
        ka = st.doctrine.kill_assessment
        sites.append(
            SitePlan(
                name=name,
                index=s_idx,
                types=types,
                initial=init,
                capacity=cap,
                reload_rounds=rr,
                reload_time=rt,
                fire_channels=st.fire_channels,
                engagement=engagement,
                mean_engagement=et.mean_value,
                shots=st.doctrine.shots,
                opportunities=st.doctrine.opportunities,
                assess_live=ka.p_live_judged_alive if ka else 1.0,
                assess_dead=ka.p_dead_judged_alive if ka else 0.0,
                rank=rank,
                choices=choices,
            )
        )
    return Plan(
        scenario=sc,
        duration=sc.duration,
        start=start,
        interceptors=inames,
        threats=tnames,
        threat_class=tclass,
        interceptor_cost=np.array([i.unit_cost for i in sc.interceptors.values()]),
        threat_cost=np.array([t.unit_cost for t in sc.threats.values()]),
        time_to_impact=np.array([t.time_to_impact for t in sc.threats.values()]),
        sites=sites,
        network=build_network(sc, inames, tnames, start),
        attacker=attacker_caps(sc, tnames),
    )
