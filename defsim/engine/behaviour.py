"""How a site's shot at a threat resolves: the seam for threat behaviour, one object per threat type.

A shot of ``n`` rounds, each of kill probability ``p``, kills the threat when the threat's own
draw ``x`` (see streams.py) is below the salvo's kill probability ``1 - (1 - p)^n``; after each
engagement cycle the site looks (kill assessment) and judges the threat alive or not.  That is
:class:`PlainShot`, today's behaviour for every threat type, which the site inlines on its hot
path.  A threat type whose shots resolve otherwise gets its own :class:`Shot` object, chosen
from the plan by :func:`shots_of`: :class:`Manoeuvring` (scenario key ``manoeuvre:``) loses a
stated fraction of every round's kill probability in the last layer defending its target.

A new behaviour is one class here with what it needs in the plan's :class:`~defsim.plan.ShotPlan`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ..plan import Plan


class Shot(Protocol):
    """How a shot at a threat of one type resolves."""

    def kills(self, x: float, p: float, n: int, last_layer: bool) -> bool:
        """Whether ``n`` rounds of kill probability ``p`` kill the threat whose draw is ``x``;
        ``last_layer``: the site is the last layer defending the threat's target."""

    def seen_alive(self, dead: bool, live: float, dead_p: float, draw: Callable[[], float]) -> bool:
        """Whether the site's look after a cycle judges the threat alive (it may shoot again):
        ``live`` and ``dead_p`` are the site's P(judged alive) of a live and of a dead threat,
        ``draw()`` the threat's assessment draw, asked only when needed."""


class PlainShot:
    """Today's behaviour: the salvo's kill probability, the site's kill assessment."""

    def kills(self, x: float, p: float, n: int, last_layer: bool) -> bool:
        return x < p if n == 1 else x < 1.0 - (1.0 - p) ** n

    def seen_alive(self, dead: bool, live: float, dead_p: float, draw: Callable[[], float]) -> bool:
        if dead:
            return dead_p > 0 and draw() < dead_p
        return live >= 1 or draw() < live


class Manoeuvring(PlainShot):
    """A threat that manoeuvres at the end of its flight: in the last layer defending its target,
    every round's kill probability is ``p * (1 - drop)``."""

    def __init__(self, drop: float) -> None:
        self.drop = drop

    def kills(self, x: float, p: float, n: int, last_layer: bool) -> bool:
        if last_layer:
            p *= 1.0 - self.drop
        return x < p if n == 1 else x < 1.0 - (1.0 - p) ** n


def shots_of(plan: Plan) -> list[Shot | None]:
    """Per threat type, its :class:`Shot`; None where it is a :class:`PlainShot` (inlined)."""
    out: list[Shot | None] = [None] * len(plan.threats)
    for tt, sp in enumerate(plan.shots):
        if sp.last_layer_pk_drop > 0:
            out[tt] = Manoeuvring(sp.last_layer_pk_drop)
    return out
