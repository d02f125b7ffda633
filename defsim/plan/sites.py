"""Sites compiled: interceptor slots, launchers, doctrine, engage priorities, reserves, kill probabilities."""

from __future__ import annotations

import numpy as np

from ..scenario.schema import ScenarioSpec, Site
from .model import AssetPlan, RationPlan, SitePlan
from .timing import duration


def _matches(entry: str, threat: str, threat_class: str) -> bool:
    return entry in (threat, threat_class)


def build_sites(sc: ScenarioSpec) -> list[SitePlan]:
    """One plan per site, in the order of the file."""
    inames = list(sc.interceptors)
    tnames = list(sc.threats)
    tclass: list[str] = [t.threat_class for t in sc.threats.values()]
    # effective kill probability p[i, t] = reliability * pk
    p = np.zeros((len(inames), len(tnames)))
    for i, it in enumerate(sc.interceptors.values()):
        for t, (tn, tc) in enumerate(zip(tnames, tclass, strict=True)):
            pk = it.pk.get(tn, it.pk.get(tc, it.pk.get("default", 0.0)))
            p[i, t] = it.reliability * pk
    threats = list(zip(tnames, tclass, strict=True))
    tti = [t.time_to_impact for t in sc.threats.values()]
    sites: list[SitePlan] = []
    for s_idx, (name, st) in enumerate(sc.sites.items()):
        types = [inames.index(t) for t in st.interceptors]
        init = [st.stock.get(tname, 0) for tname in st.interceptors]
        launchers = [st.launchers.get(tname) for tname in st.interceptors]
        rank: list[int | None] = []
        for tn, tc in threats:
            if st.engage is None:
                rank.append(0)
            else:
                hits = [k for k, e in enumerate(st.engage) if _matches(e, tn, tc)]
                rank.append(hits[0] if hits else None)
        ka = st.doctrine.kill_assessment
        sites.append(
            SitePlan(
                name=name,
                index=s_idx,
                types=types,
                initial=init,
                # without launchers every round is ready: no capacity, no reloads
                capacity=[float("inf") if la is None else float(la.count * la.rounds) for la in launchers],
                reload_rounds=[0 if la is None else la.rounds for la in launchers],
                reload_time=[0.0 if la is None else la.reload_time for la in launchers],
                fire_channels=st.fire_channels,
                engagement=duration(st.engagement_time),
                shots=st.doctrine.shots,
                opportunities=st.doctrine.opportunities,
                assess_live=ka.p_live_judged_alive if ka else 1.0,
                assess_dead=ka.p_dead_judged_alive if ka else 0.0,
                rank=rank,
                choices=[_choices(st, types, inames, p[:, t], tn, tc) for t, (tn, tc) in enumerate(threats)],
                window=tti if st.window is None else [st.window] * len(tnames),
                rationing=_rations(st, threats),
                layered=bool(st.covers),
                layer=st.layer,
            )
        )
    return sites


def _choices(
    st: Site, types: list[int], inames: list[str], p: np.ndarray, tn: str, tc: str
) -> list[tuple[int, float, int]]:
    """The site's usable rounds against one threat type: (slot, effective p, rounds kept back)."""
    opts = []
    for slot, i in enumerate(types):
        if p[i] <= 0:
            continue
        keep = 0
        for rule in st.reserve:
            if rule.interceptor == inames[i] and not any(_matches(e, tn, tc) for e in rule.for_threats):
                keep = max(keep, rule.keep)
        opts.append((slot, float(p[i]), keep))
    return opts


def _rations(st: Site, threats: list[tuple[str, str]]) -> list[RationPlan]:
    """The site's rationing rules, the most severe (lowest ``below``) first."""
    rations = []
    for ration in sorted(st.rationing, key=lambda r: r.below):
        allowed = [
            ration.engage is None or any(_matches(e, tn, tc) for e in ration.engage) for tn, tc in threats
        ]
        slot = st.interceptors.index(ration.interceptor)
        rations.append(RationPlan(slot, ration.below, ration.shots or 0, allowed))
    return rations


def build_assets(sc: ScenarioSpec) -> list[AssetPlan]:
    """One plan per asset, its layers in increasing ``layer:`` (sites in the order of the file)."""
    snames = list(sc.sites)
    out = []
    for a_idx, (name, asset) in enumerate(sc.assets.items()):
        numbers = sorted({st.layer for st in sc.sites.values() if name in st.covers})
        layers = [
            [snames.index(s) for s, st in sc.sites.items() if name in st.covers and st.layer == n]
            for n in numbers
        ]
        damage = [t.damage + t.damage_share * asset.value for t in sc.threats.values()]
        out.append(AssetPlan(name, a_idx, asset.value, asset.share, layers, numbers, damage))
    return out
