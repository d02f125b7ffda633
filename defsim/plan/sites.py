"""Sites compiled: interceptor slots, launchers, doctrine, engage priorities, reserves, kill probabilities."""

from __future__ import annotations

import numpy as np

from ..scenario.schema import ScenarioSpec
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
        rations = []
        for ration in sorted(st.rationing, key=lambda r: r.below):  # the most severe (lowest) first
            allowed = [
                ration.engage is None or any(_matches(e, tn, tc) for e in ration.engage)
                for tn, tc in zip(tnames, tclass, strict=True)
            ]
            rations.append(
                RationPlan(
                    st.interceptors.index(ration.interceptor), ration.below, ration.shots or 0, allowed
                )
            )
        tti = [t.time_to_impact for t in sc.threats.values()]
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
                engagement=duration(st.engagement_time),
                shots=st.doctrine.shots,
                opportunities=st.doctrine.opportunities,
                assess_live=ka.p_live_judged_alive if ka else 1.0,
                assess_dead=ka.p_dead_judged_alive if ka else 0.0,
                rank=rank,
                choices=choices,
                window=tti if st.window is None else [st.window] * len(tnames),
                rationing=rations,
                layered=bool(st.covers),
                layer=st.layer,
            )
        )
    return sites


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
