"""Attacks: when threats arrive, of which type, at which site.

Arrivals do not depend on what the defence does, so every attack is drawn up front, as
numpy arrays, and merged into one time-ordered stream; the engine then walks that stream
without a process per threat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..schema import Attack, RaidSize
from .network import apply_attacker_caps
from .plan import Plan, offset


@dataclass
class Arrivals:
    time: np.ndarray  # days, sorted
    threat: np.ndarray  # threat type index
    site: np.ndarray  # site index
    raids: list[tuple[float, int, str]]  # (time, size, label) of each wave and raid occurrence
    planned: np.ndarray  # per threat type: drawn by the attacks
    launched: np.ndarray  # per threat type: launched, within the attacker's stock

    def __len__(self) -> int:
        return len(self.time)


def _targets(
    weights: dict[str, float] | None, sites: list[str], n: int, rng: np.random.Generator
) -> np.ndarray:
    if weights is None:
        w = np.ones(len(sites))
    else:
        w = np.array([weights.get(s, 0.0) for s in sites], dtype=float)
    if np.count_nonzero(w) == 1:
        return np.full(n, int(np.flatnonzero(w)[0]), dtype=np.int32)
    return rng.choice(len(sites), size=n, p=w / w.sum()).astype(np.int32)


def _size(spec: RaidSize, n: int, rng: np.random.Generator) -> np.ndarray:
    if spec.poisson is not None:
        return rng.poisson(spec.poisson, n)
    if spec.uniform is not None:
        return rng.integers(spec.uniform[0], spec.uniform[1] + 1, n)
    return np.full(n, spec.fixed or 0)


def generate(plan: Plan, attack_rng: np.random.Generator, target_rng: np.random.Generator) -> Arrivals:
    sites = plan.site_names
    tindex = {t: i for i, t in enumerate(plan.threats)}
    start = plan.start
    end = plan.duration
    start_frac = 0.0
    if start is not None:
        start_frac = (start.hour * 3600 + start.minute * 60 + start.second) / 86400.0
    times: list[np.ndarray] = []
    types: list[np.ndarray] = []
    where: list[np.ndarray] = []
    raids: list[tuple[float, int, str]] = []

    def add(t: np.ndarray, tt: np.ndarray, targets: dict[str, float] | None) -> None:
        keep = t < end
        t, tt = t[keep], tt[keep]
        times.append(t)
        types.append(tt.astype(np.int32))
        where.append(_targets(targets, sites, len(t), target_rng))

    atk: Attack
    for k, atk in enumerate(plan.scenario.attacks):
        if atk.wave is not None:
            w = atk.wave
            t0 = offset(w.at, start, 0.0)
            counts = [(tindex[name], n) for name, n in w.threats.items()]
            total = sum(n for _, n in counts)
            tt = np.repeat([c[0] for c in counts], [c[1] for c in counts])
            t = t0 + (attack_rng.uniform(0.0, w.spread, total) if w.spread > 0 else np.zeros(total))
            if t0 < end:
                raids.append((t0, total, w.label or f"wave {k + 1}"))
            add(t, tt, w.targets)
        elif atk.raid is not None:
            r = atk.raid
            first = offset(r.first, start, 0.0)
            if r.at is not None:
                first += (r.at - (start_frac + first)) % 1.0
            until = min(offset(r.until, start, end), end)
            occ = np.arange(first, until, r.every) if first < until else np.zeros(0)
            sizes = (
                np.stack([_size(spec, len(occ), attack_rng) for spec in r.size.values()], axis=1)
                if len(occ)
                else np.zeros((0, len(r.size)), dtype=int)
            )
            tids = np.array([tindex[name] for name in r.size])
            per_occ = sizes.sum(axis=1)
            t = np.repeat(occ, per_occ)
            tt = np.concatenate([np.repeat(tids, row) for row in sizes]) if len(occ) else np.zeros(0, int)
            if r.spread > 0:
                t = t + attack_rng.uniform(0.0, r.spread, len(t))
            raids.extend((float(o), int(n), f"raid {k + 1}") for o, n in zip(occ, per_occ, strict=True))
            add(t, tt, r.targets)
        elif atk.stream is not None:
            s = atk.stream
            b = offset(s.begin, start, 0.0)
            u = min(offset(s.until, start, end), end)
            n = attack_rng.poisson(s.rate * max(u - b, 0.0))
            t = np.sort(attack_rng.uniform(b, u, n))
            names = list(s.threats)
            wt = np.array([s.threats[x] for x in names], dtype=float)
            if len(names) == 1:
                tt = np.full(n, tindex[names[0]])
            else:
                tt = np.array([tindex[x] for x in names])[attack_rng.choice(len(names), n, p=wt / wt.sum())]
            add(t, tt, s.targets)
    planned = np.zeros(len(plan.threats), dtype=np.int64)
    if not times:
        empty = np.zeros(0)
        return Arrivals(empty, empty.astype(np.int32), empty.astype(np.int32), [], planned, planned.copy())
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    t_all, tt_all, s_all = t_all[order], np.concatenate(types)[order], np.concatenate(where)[order]
    planned = np.bincount(tt_all, minlength=len(plan.threats))
    if plan.attacker:
        keep = apply_attacker_caps(t_all, tt_all, plan.attacker)
        t_all, tt_all, s_all = t_all[keep], tt_all[keep], s_all[keep]
    launched = np.bincount(tt_all, minlength=len(plan.threats))
    return Arrivals(t_all, tt_all, s_all, sorted(raids), planned, launched)
