"""Attacks at run time: when threats arrive, of which type, at which site.

Arrivals do not depend on what the defence does, so every attack is drawn up front, as
numpy arrays, and merged into one time-ordered stream; the engine then walks that stream
without a process per threat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

import numpy as np

from ..plan import Plan, RaidPlan, SizePlan, StreamPlan, WavePlan
from ..vocab import SizeKind


@dataclass
class Arrivals:
    time: np.ndarray  # days, sorted
    threat: np.ndarray  # threat type index
    site: np.ndarray  # site index
    raids: list[tuple[float, int, str]]  # (time, size, label) of each wave and raid occurrence
    planned: np.ndarray  # per threat type: drawn by the attacks

    def __len__(self) -> int:
        return len(self.time)


def _targets(weights: list[float] | None, n_sites: int, n: int, rng: np.random.Generator) -> np.ndarray:
    w = np.ones(n_sites) if weights is None else np.array(weights, dtype=float)
    if np.count_nonzero(w) == 1:
        return np.full(n, int(np.flatnonzero(w)[0]), dtype=np.int32)
    return rng.choice(len(w), size=n, p=w / w.sum()).astype(np.int32)


def _size(spec: SizePlan, n: int, rng: np.random.Generator) -> np.ndarray:
    match spec.kind:
        case SizeKind.POISSON:
            return rng.poisson(spec.a, n)
        case SizeKind.UNIFORM:
            return rng.integers(int(spec.a), int(spec.b) + 1, n)
        case SizeKind.FIXED:
            return np.full(n, int(spec.a))
        case _:
            assert_never(spec.kind)


def generate(plan: Plan, attack_rng: np.random.Generator, target_rng: np.random.Generator) -> Arrivals:
    n_sites = len(plan.sites)
    end = plan.duration
    times: list[np.ndarray] = []
    types: list[np.ndarray] = []
    where: list[np.ndarray] = []
    raids: list[tuple[float, int, str]] = []

    def add(t: np.ndarray, tt: np.ndarray, targets: list[float] | None) -> None:
        keep = t < end
        t, tt = t[keep], tt[keep]
        times.append(t)
        types.append(tt.astype(np.int32))
        where.append(_targets(targets, n_sites, len(t), target_rng))

    for atk in plan.attacks:
        if isinstance(atk, WavePlan):
            t0 = atk.at
            total = sum(n for _, n in atk.counts)
            tt = np.repeat([c[0] for c in atk.counts], [c[1] for c in atk.counts])
            spread = atk.spread
            t = t0 + (attack_rng.uniform(0.0, spread, total) if spread > 0 else np.zeros(total))
            if t0 < end:
                raids.append((t0, total, atk.label))
            add(t, tt, atk.targets)
        elif isinstance(atk, RaidPlan):
            first, until = atk.first, atk.until
            occ = np.arange(first, until, atk.every) if first < until else np.zeros(0)
            sizes = (
                np.stack([_size(spec, len(occ), attack_rng) for spec in atk.sizes], axis=1)
                if len(occ)
                else np.zeros((0, len(atk.sizes)), dtype=int)
            )
            tids = np.array([spec.threat for spec in atk.sizes])
            per_occ = sizes.sum(axis=1)
            t = np.repeat(occ, per_occ)
            tt = np.concatenate([np.repeat(tids, row) for row in sizes]) if len(occ) else np.zeros(0, int)
            if atk.spread > 0:
                t = t + attack_rng.uniform(0.0, atk.spread, len(t))
            raids.extend((float(o), int(n), atk.label) for o, n in zip(occ, per_occ, strict=True))
            add(t, tt, atk.targets)
        elif isinstance(atk, StreamPlan):
            b, u = atk.begin, atk.until
            n = attack_rng.poisson(atk.rate * max(u - b, 0.0))
            t = np.sort(attack_rng.uniform(b, u, n))
            w = np.array(atk.weights, dtype=float)
            if len(atk.threats) == 1:
                tt = np.full(n, atk.threats[0])
            else:
                tt = np.array(atk.threats)[attack_rng.choice(len(atk.threats), n, p=w / w.sum())]
            add(t, tt, atk.targets)
    planned = np.zeros(len(plan.threats), dtype=np.int64)
    if not times:
        empty = np.zeros(0)
        return Arrivals(empty, empty.astype(np.int32), empty.astype(np.int32), [], planned)
    t_all = np.concatenate(times)
    order = np.argsort(t_all, kind="stable")
    t_all, tt_all, s_all = t_all[order], np.concatenate(types)[order], np.concatenate(where)[order]
    planned = np.bincount(tt_all, minlength=len(plan.threats))
    if plan.attacker:
        keep = apply_attacker_caps(t_all, tt_all, plan.attacker)
        t_all, tt_all, s_all = t_all[keep], tt_all[keep], s_all[keep]
    return Arrivals(t_all, tt_all, s_all, sorted(raids), planned)


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
