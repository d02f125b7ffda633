"""Layered defence of an asset: a threat aimed at it meets its layers in order, upper tier first.

Each layer of an asset is an *entry*: the layer's site when it has one, or a
:class:`SharedLayer` that picks one of its sites by the asset's sharing rule.  A site that
does not kill a threat aimed at an asset (missed, saturated, out of stock, not engaged,
rationed) hands it straight to the next layer's entry instead of recording a leak; after the
last layer it leaks through :meth:`Asset.leak`, with that layer's reason, and deals its damage.

The hand-over is on the hot path, so it carries no per-threat state beyond one flag (whether
some layer already engaged the threat, so that it is counted engaged once): each site knows,
per asset it covers, where a survivor goes next, and keeps its own kill and pass counters.
The run's record adds them up per layer at the end (see ``Simulation._layer_record``).  A
threat is counted once: arrived at the asset, engaged if any layer engaged it, then killed
or leaked once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..plan import AssetPlan
from .records import REASONS

if TYPE_CHECKING:
    from .simulation import Simulation
    from .site import Site


class SharedLayer:
    """A layer of several sites: each threat meets one of them, chosen by the sharing rule."""

    def __init__(self, sites: list[Site], share: str):
        self.sites = sites
        self.share = share

    def choose(self, tt: int) -> Site:
        sites = self.sites
        if self.share == "first_able":
            for s in sites:
                if s.free and s._pick(tt) is not None:
                    return s
            return sites[0]
        if self.share == "least_loaded":
            return max(sites, key=lambda s: s.free - s.n_waiting)  # max keeps the first of equals
        return max(sites, key=lambda s: sum(s.ready[c[0]] + s.magazine[c[0]] for c in s.choices[tt]))

    def enter(self, tid: int, tt: int) -> None:
        self.choose(tt).enter(tid, tt)


class Asset:
    """One defended asset during one run: its layers and what leakers did to it."""

    def __init__(self, sim: Simulation, plan: AssetPlan, nt: int):
        self.sim = sim
        self.index = plan.index
        self.layers: list[list[Site]] = [[sim.sites[i] for i in layer] for layer in plan.layers]
        # what a threat meets in each layer: the site itself, or the sharing rule among several
        self.entries: list[Any] = [
            sites[0] if len(sites) == 1 else SharedLayer(sites, plan.share) for sites in self.layers
        ]
        for k, sites in enumerate(self.layers):
            after = self.entries[k + 1] if k + 1 < len(self.entries) else None
            for s in sites:
                s.cover(self, after)
        self.damage_of = plan.damage
        self.damage: list[float] = [0.0] * nt
        self.leaks: list[tuple[float, int, float]] = []
        # arrivals: a first layer of one site takes them itself (its arrival is exactly this one)
        first = self.entries[0] if self.entries else None
        self.handler: Any = first.arrive if first is not None and len(self.layers[0]) == 1 else self.arrive

    def arrive(self, tid: int, tt: int) -> None:
        """A threat aimed at the asset arrives: it meets one site of the first layer."""
        sim = self.sim
        sim.arrived[tt] += 1
        if not self.layers:  # an asset no site covers: every threat leaks
            if sim.recorder.detailed:
                sim.recorder.arrival(sim.clock.now, sim.sites[0].index, tid, tt)
            self.leak(tid, tt, int(REASONS.index("not_engaged")), -1)
            return
        site = self.entries[0].choose(tt)
        if sim.recorder.detailed:
            sim.recorder.arrival(sim.clock.now, site.index, tid, tt)
        site.enter(tid, tt)

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
