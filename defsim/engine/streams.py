"""Random streams: one independent numpy generator per purpose, drawn in batches.

Replication ``i`` of an ensemble with seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` (that is
``SeedSequence(S, spawn_key=(i,))``, whatever N is); a single run is replication 0.  Each
purpose (attack sizes, targeting, engagement times, shot outcomes, ...) gets its own child.

Draws belong to the entity they decide (synchronised common random numbers), so that two
variants of a scenario give the same threat the same luck even after they diverge:

- a threat's shot and kill-assessment draws are indexed by (opportunity, threat id): one
  array per engagement opportunity, drawn up front (threat ids do not depend on the defence);
- engagement durations come from one stream per site, lead times and losses from streams per
  route, each keyed by the site's or route's name (:func:`key`), so adding or disabling a
  route elsewhere never shifts them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import assert_never

import numpy as np

from ..plan import DurationPlan
from ..vocab import Dist

#: stable ids: never renumber, only append (renumbering would change every result)
PURPOSES = {
    "attacks": 0,
    "targets": 1,
    "engagement": 2,
    "shots": 3,
    "assessment": 4,
    "supply": 5,  # no longer drawn (a stream shared by all routes); kept so ids never move
    "route_lead": 6,
    "route_loss": 7,
    "layer_shots": 8,  # by (layer, opportunity): layers after the first
    "layer_assessment": 9,
}

BATCH = 4096


def replication_seed(seed: int, rep: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(rep,))


def key(name: str) -> int:
    """A stable integer for a site's or route's name (Python's ``hash`` varies between runs)."""
    return zlib.crc32(name.encode("utf-8"))


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
        x: float = self.pop()
        return x


def uniform_buffer(rng: np.random.Generator) -> BufferList:
    return BufferList(rng.random)


class ThreatDraws:
    """Uniform draws by (opportunity, threat id): threat ``t``'s draw at its ``k``-th
    engagement opportunity is ``row(k)[t]``, whatever happened before.

    Row ``k`` comes from its own child stream, drawn whole the first time it is needed, so
    the draws of a threat depend neither on the event order nor on how many opportunities a
    doctrine allows.
    """

    def __init__(self, root: np.random.SeedSequence, purpose: str, threats: int, *sub: int):
        self._root = root
        self._purpose = purpose
        self._threats = threats
        self._sub = sub  # e.g. the layer of a layered defence
        self.rows: list[list[float]] = []

    def row(self, k: int) -> list[float]:
        while len(self.rows) <= k:
            rng = generator(self._root, self._purpose, *self._sub, len(self.rows))
            self.rows.append(rng.random(self._threats).tolist())
        return self.rows[k]


def duration_buffer(rng: Callable[[], np.random.Generator], d: DurationPlan) -> BufferList | float:
    """A buffer of random durations (days), or a plain float when the duration is fixed.

    ``rng`` makes the generator, only when the duration is random.
    """
    if d.dist == Dist.FIXED:
        return d.value
    if d.dist == Dist.TRIANGULAR and d.low == d.high:
        return d.low
    return _random_durations(rng(), d)


def _random_durations(rng: np.random.Generator, d: DurationPlan) -> BufferList:
    match d.dist:
        case Dist.EXPONENTIAL:
            mean = d.mean
            return BufferList(lambda n: rng.exponential(mean, n))
        case Dist.UNIFORM:
            lo, hi = d.low, d.high
            return BufferList(lambda n: rng.uniform(lo, hi, n))
        case Dist.TRIANGULAR:
            lo, mode, hi = d.low, d.mode, d.high
            return BufferList(lambda n: rng.triangular(lo, mode, hi, n))
        case Dist.FIXED:
            value = d.value
            return BufferList(lambda n: np.full(n, value))
        case _:
            assert_never(d.dist)


class Streams:
    """The random streams of one replication, each handed to the part whose draws it makes."""

    def __init__(self, root: np.random.SeedSequence, threats: int):
        self.root = root
        self.threats = threats
        self._draws: dict[tuple[str, int], ThreatDraws] = {}

    def generator(self, purpose: str) -> np.random.Generator:
        """The run-wide stream of ``purpose`` (attack sizes and times, targets)."""
        return generator(self.root, purpose)

    def stream(self, purpose: str, name: str) -> np.random.Generator:
        """The stream of ``purpose`` that belongs to the site or route called ``name``."""
        return generator(self.root, purpose, key(name))

    def threat_draws(self, purpose: str, layer: int) -> ThreatDraws:
        """Shot (``"shots"``) or assessment (``"assessment"``) draws of layer ``layer``: a
        threat's luck is its own in each layer (layer 1: those of a single layer)."""
        k = (purpose, layer)
        draws = self._draws.get(k)
        if draws is None:
            if layer == 1:
                draws = ThreatDraws(self.root, purpose, self.threats)
            else:
                draws = ThreatDraws(self.root, f"layer_{purpose}", self.threats, layer)
            self._draws[k] = draws
        return draws
