"""Random streams: one independent numpy generator per purpose, drawn in batches.

Replication ``i`` of an ensemble with seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` (that is
``SeedSequence(S, spawn_key=(i,))``, whatever N is); a single run is replication 0.  Each
purpose (attack sizes, targeting, engagement times, shot outcomes, ...) gets its own child so
that changing, say, the supply network never shifts the draws that decide shots: variants of a
scenario then share random numbers and their differences are not noise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import numpy as np

#: stable ids: never renumber, only append (renumbering would change every result)
PURPOSES = {
    "attacks": 0,
    "targets": 1,
    "engagement": 2,
    "shots": 3,
    "assessment": 4,
    "supply": 5,
}

BATCH = 4096


def replication_seed(seed: int, rep: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(rep,))


def generator(root: np.random.SeedSequence, purpose: str, *sub: int) -> np.random.Generator:
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, PURPOSES[purpose], *sub))
    return np.random.Generator(np.random.PCG64(child))


class BufferList(list):  # type: ignore[type-arg]
    """Values drawn a batch at a time and handed out one by one (cheap in the hot path).

    Use as ``x = buf.pop() if buf else buf.refill()``.
    """

    __slots__ = ("_draw",)

    def __init__(self, draw: Callable[[int], np.ndarray]):
        super().__init__()
        self._draw = draw

    def refill(self) -> float:
        self.extend(self._draw(BATCH).tolist())
        return cast(float, self.pop())


def uniform_buffer(rng: np.random.Generator) -> BufferList:
    return BufferList(rng.random)


def duration_buffer(rng: np.random.Generator, dist: str, **params: float) -> BufferList | float:
    """A buffer of random durations (days), or a plain float when the duration is fixed."""
    if dist == "fixed":
        return float(params["value"])
    if dist == "exponential":
        mean = float(params["mean"])
        return BufferList(lambda n: rng.exponential(mean, n))
    if dist == "uniform":
        lo, hi = float(params["low"]), float(params["high"])
        return BufferList(lambda n: rng.uniform(lo, hi, n))
    if dist == "triangular":
        lo, mode, hi = float(params["low"]), float(params["mode"]), float(params["high"])
        if lo == hi:
            return lo
        return BufferList(lambda n: rng.triangular(lo, mode, hi, n))
    raise ValueError(dist)
