"""Attacks compiled: waves, recurring raids and Poisson streams with every time resolved to days."""

from __future__ import annotations

import datetime as dt

from ..scenario.schema import RaidSize, ScenarioSpec
from ..vocab import SizeKind
from .model import AttackPlan, RaidPlan, SizePlan, StreamPlan, WavePlan
from .timing import offset


def _weights(targets: dict[str, float] | None, sites: list[str], assets: list[str]) -> list[float] | None:
    """Weights over the sites, then the assets (when there are any): by default every asset alike."""
    if not assets:
        return None if targets is None else [float(targets.get(s, 0.0)) for s in sites]
    if targets is None:
        return [0.0] * len(sites) + [1.0] * len(assets)
    return [float(targets.get(s, 0.0)) for s in (*sites, *assets)]


def _size(threat: int, spec: RaidSize) -> SizePlan:
    if spec.poisson is not None:
        return SizePlan(threat, SizeKind.POISSON, float(spec.poisson))
    if spec.uniform is not None:
        return SizePlan(threat, SizeKind.UNIFORM, spec.uniform[0], spec.uniform[1])
    return SizePlan(threat, SizeKind.FIXED, spec.fixed or 0)


def build_attacks(sc: ScenarioSpec, sites: list[str], start: dt.datetime | None) -> list[AttackPlan]:
    """Every attack in the order of the file (the order the engine draws them in)."""
    tindex = {t: i for i, t in enumerate(sc.threats)}
    end = sc.duration
    start_frac = 0.0
    if start is not None:
        start_frac = (start.hour * 3600 + start.minute * 60 + start.second) / 86400.0
    out: list[AttackPlan] = []
    assets = list(sc.assets)
    for k, atk in enumerate(sc.attacks):
        what = atk.wave or atk.raid or atk.stream
        if what is None:
            continue  # the schema allows no such attack (exactly one kind each)
        # what every kind of attack has: its place, its targets, its label (default: kind and place)
        targets, label = _weights(what.targets, sites, assets), what.label or f"{atk.kind} {k + 1}"
        if atk.wave is not None:
            w = atk.wave
            counts = [(tindex[name], n) for name, n in w.threats.items()]
            out.append(WavePlan(k, offset(w.at, start, 0.0), counts, w.spread, targets, label))
        elif atk.raid is not None:
            r = atk.raid
            first = offset(r.first, start, 0.0)
            if r.at is not None:  # the first occurrence at that time of day, on or after ``first``
                first += (r.at - (start_frac + first)) % 1.0
            until = min(offset(r.until, start, end), end)
            sizes = [_size(tindex[name], spec) for name, spec in r.size.items()]
            out.append(RaidPlan(k, first, until, r.every, sizes, r.spread, targets, label))
        elif atk.stream is not None:
            s = atk.stream
            begin = offset(s.begin, start, 0.0)
            until = max(min(offset(s.until, start, end), end), begin)  # from after the end: none
            weights = [float(v) for v in s.threats.values()]
            out.append(
                StreamPlan(k, begin, until, s.rate, [tindex[x] for x in s.threats], weights, targets, label)
            )
    return out


def attacker_caps(sc: ScenarioSpec, threats: list[str]) -> dict[int, tuple[int, float]]:
    """Per threat type index: (stock at start, production per day) where the attacker is limited."""
    a = sc.attacker
    if a is None:
        return {}
    names = sorted(set(a.stock) | set(a.production), key=threats.index)
    return {threats.index(n): (a.stock.get(n, 0), a.production.get(n, 0.0)) for n in names}
