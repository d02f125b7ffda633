"""Layered defence of an asset: a threat aimed at it meets its layers in order, upper tier first.

An :class:`Asset` hands each arriving threat to one site of its first layer (chosen by the
asset's sharing rule).  A site that does not kill the threat (missed, saturated, out of stock,
not engaged, rationed) passes it back here instead of recording a leak; the asset records the
pass (a ``passed`` event with the reason) and hands it to the next layer.  After the last layer
the threat leaks with that layer's reason and deals its damage.  A threat is counted once:
arrived at the asset, engaged if any layer engaged it, then killed or leaked once.

Each threat in the layers has a route ``[asset, layer, engaged here, engaged before]`` in the
simulation's ``passing`` map (the sites read it; a kill removes it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..plan import AssetPlan
from .records import REASONS

if TYPE_CHECKING:
    from .simulation import Simulation
    from .site import Site


class Asset:
    """One defended asset during one run: its layers and what leakers did to it."""

    def __init__(self, sim: Simulation, plan: AssetPlan, nt: int):
        self.sim = sim
        self.index = plan.index
        self.layers: list[list[Site]] = [[sim.sites[i] for i in layer] for layer in plan.layers]
        self.share = plan.share
        self.damage_of = plan.damage
        # plain lists, not numpy: one element is updated per threat, where numpy's scalar indexing
        # costs several times a list's (the run's record stacks them into arrays at the end)
        n = len(self.layers)
        self.entered: list[list[int]] = [[0] * nt for _ in range(n)]
        self.killed_in: list[list[int]] = [[0] * nt for _ in range(n)]
        self.passed_in: list[list[list[int]]] = [[[0] * nt for _ in REASONS] for _ in range(n)]
        self.damage: list[float] = [0.0] * nt
        self.leaks: list[tuple[float, int, float]] = []

    def arrive(self, tid: int, tt: int) -> None:
        sim = self.sim
        sim.arrived[tt] += 1
        site = self._choose(0, tt)
        if sim.recorder.detailed:
            sim.recorder.arrival(sim.clock.now, site.index, tid, tt)
        if not self.layers:  # an asset no site covers: every threat leaks
            self._leak(tid, tt, int(REASONS.index("not_engaged")), -1)
            return
        route: list[Any] = [self, 0, False, False]
        sim.passing[tid] = route
        self.entered[0][tt] += 1
        site.enter(tid, tt)

    def _choose(self, k: int, tt: int) -> Site:
        """The site of layer ``k`` that meets the threat, by the asset's sharing rule."""
        if not self.layers:
            return self.sim.sites[0]
        sites = self.layers[k]
        if len(sites) == 1:
            return sites[0]
        if self.share == "first_able":
            for s in sites:
                if s.free and s._pick(tt) is not None:
                    return s
            return sites[0]
        if self.share == "least_loaded":
            return max(sites, key=lambda s: s.free - s.n_waiting)  # max keeps the first of equals
        return max(sites, key=lambda s: sum(s.ready[c[0]] + s.magazine[c[0]] for c in s.choices[tt]))

    def passed(self, route: list[Any], tid: int, tt: int, reason: int, site: int) -> None:
        """The threat survived layer ``route[1]`` at ``site``: on to the next layer, or a leak."""
        sim = self.sim
        k = route[1]
        self.passed_in[k][reason][tt] += 1
        if route[2]:
            if route[3]:
                sim.engaged[tt] -= 1  # engaged in an earlier layer too: counted once
            route[3] = True
            route[2] = False
        if k + 1 < len(self.layers):
            if sim.recorder.detailed:
                sim.recorder.passed(sim.clock.now, site, tid, tt, reason)
            route[1] = k + 1
            self.entered[k + 1][tt] += 1
            self._choose(k + 1, tt).enter(tid, tt)
            return
        del sim.passing[tid]
        self._leak(tid, tt, reason, site)

    def killed(self, route: list[Any], tt: int) -> None:
        self.killed_in[route[1]][tt] += 1
        if route[3]:
            self.sim.engaged[tt] -= 1  # engaged in an earlier layer too: counted once

    def _leak(self, tid: int, tt: int, reason: int, site: int) -> None:
        sim = self.sim
        sim.leaked[reason][tt] += 1
        d = self.damage_of[tt]
        self.damage[tt] += d
        now = sim.clock.now
        self.leaks.append((now, self.index, d))
        if sim.recorder.detailed:
            sim.recorder.leak(now, site, tid, tt, reason)
