"""Layered defence of an asset: a threat aimed at it meets its layers in order, upper tier first.

A layer is one site, or several that share the threats by the asset's rule (:func:`choose`).
A site that does not kill a threat aimed at an asset (missed, saturated, out of stock, not
engaged, rationed) hands it straight to one site of the next layer instead of recording a
leak; after the last layer it leaks through :meth:`Asset.leak`, with that layer's reason, and
deals its damage.

The hand-over is on the hot path, so it carries no per-threat state beyond one mark (whether
some layer already engaged the threat, so that it is counted engaged once; kept in
``Simulation.asset_of``): each site knows, per asset it covers, the sites of the next layer,
and counts what it passes on.  Kills per layer are not counted as they happen: the run's
record works them out at the end (see ``Simulation._layer_record``), so a kill in the upper
tier costs no more than in a single layer.  A threat is counted once: arrived at the asset,
engaged if any layer engaged it, then killed or leaked once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from ..plan import AssetPlan
from .records import REASONS

if TYPE_CHECKING:
    from .simulation import Simulation
    from .site import Site

# sharing rules as ints: the hand-over compares them per threat
FIRST_ABLE: Final = 0
LEAST_LOADED: Final = 1
MOST_ROUNDS: Final = 2
SHARE_RULES: Final = {"first_able": FIRST_ABLE, "least_loaded": LEAST_LOADED, "most_rounds": MOST_ROUNDS}


def choose(sites: list[Site], share: int, tt: int) -> Site:
    """The site of a layer that meets a threat of type ``tt``, by the sharing rule.

    first_able: the first site (in the file's order) with a free fire channel and a round it
    may fire at the threat, else the first site; least_loaded: the most free channels less
    waiting threats; most_rounds: the most rounds it may fire at the threat.  Ties go to the
    site listed first.
    """
    if share == FIRST_ABLE:
        for s in sites:
            if s.free and s._pick(tt) is not None:
                return s
        return sites[0]
    best = sites[0]
    top = -(2**62)
    for s in sites:
        if share == LEAST_LOADED:
            score = s.free - s.n_waiting
        else:
            score = 0
            for c in s.choices[tt]:
                score += s.ready[c[0]] + s.magazine[c[0]]
        if score > top:
            best, top = s, score
    return best


class Asset:
    """One defended asset during one run: its layers and what leakers did to it."""

    def __init__(self, sim: Simulation, plan: AssetPlan, nt: int):
        self.sim = sim
        self.index = plan.index
        self.layers: list[list[Site]] = [[sim.sites[i] for i in layer] for layer in plan.layers]
        self.share = SHARE_RULES[plan.share]
        for k, sites in enumerate(self.layers):
            after = self.layers[k + 1] if k + 1 < len(self.layers) else []
            for s in sites:
                s.cover(self, k, after)
        self.first: list[Site] = self.layers[0] if self.layers else []
        self.damage_of = plan.damage
        self.damage: list[float] = [0.0] * nt
        self.leaks: list[tuple[float, int, float]] = []
        # arrivals: a first layer of one site takes them itself (its arrival is exactly this one)
        self.handler: Callable[[int, int], None] = (
            self.first[0].arrive if len(self.first) == 1 else self.arrive
        )

    def arrive(self, tid: int, tt: int) -> None:
        """A threat aimed at the asset arrives: it meets one site of the first layer."""
        sim = self.sim
        sim.arrived[tt] += 1
        if not self.first:  # an asset no site covers: every threat leaks
            if sim.recorder.detailed:
                sim.recorder.arrival(sim.clock.now, sim.sites[0].index, tid, tt)
            self.leak(tid, tt, int(REASONS.index("not_engaged")), -1)
            return
        site = choose(self.first, self.share, tt)
        if sim.recorder.detailed:
            sim.recorder.arrival(sim.clock.now, site.index, tid, tt)
        site.enter(tid, tt)  # not offer(): the arrival was recorded at the chosen site first

    def leak(self, tid: int, tt: int, reason: int, site: int) -> None:
        """The threat survived every layer (the last one at ``site``, for ``reason``)."""
        sim = self.sim
        sim.leaked[reason][tt] += 1
        d = self.damage_of[tt]
        self.damage[tt] += d
        now = sim.clock.now
        self.leaks.append((now, self.index, d))
        if sim.recorder.detailed:
            sim.recorder.leak(now, site, tid, tt, reason)
