"""Layered defence of an asset: a threat aimed at it meets its layers in order, upper tier first.

A layer is one site, or several that share the threats by the asset's rule (sharing/).
A site that does not kill a threat aimed at an asset (missed, saturated, out of stock, not
engaged, rationed) hands it straight to one site of the next layer instead of recording a
leak; after the last layer it leaks through :meth:`Asset.leak`, with that layer's reason, and
deals its damage.

The hand-over is on the hot path, so it carries no per-threat state beyond
:class:`ThreatMarks` (the asset a threat is aimed at, and whether some layer already engaged
it, so that it is counted engaged once): each site knows, per asset it covers, the sites of the
next layer, and counts what it passes on.  Kills per layer are not counted as they happen:
:func:`layer_record` works them out at the end, so a kill in the upper tier costs no more than
in a single layer.  A threat is counted once: arrived at the asset, engaged if any layer
engaged it, then killed or leaked once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final, final

import numpy as np

from ..plan import AssetPlan
from .records import REASONS, LayerRecord, LeakReason
from .sharing import HandOver, LayerSite, hand_over_of, share_rule
from .state import RunState

NOT_ENGAGED: Final = int(LeakReason.NOT_ENGAGED)


@final
class ThreatMarks:
    """Per threat id: ``asset``, the asset it is aimed at (-1: a site), and ``engaged``, whether
    a layer has engaged it and passed it on (a later layer's engagement is then not counted)."""

    __slots__ = ("asset", "engaged", "n_assets")

    def __init__(self, asset: list[int], n_assets: int) -> None:
        self.asset = asset
        self.engaged = [False] * len(asset)
        self.n_assets = n_assets


class Asset:
    """One defended asset during one run: its layers and what leakers did to it.

    The sites of its layers are wired to it (``Site.cover``) by whoever builds the run."""

    def __init__(self, state: RunState, plan: AssetPlan, layers: Sequence[Sequence[LayerSite]], nt: int):
        self.ledger = state.ledger
        self.recorder = state.recorder
        self.clock = state.clock
        self.index = plan.index
        self.layers = layers
        self.rule = share_rule(plan.share)  # which site of a layer meets a threat (sharing/)
        self.hand_over: HandOver | None = hand_over_of(self.rule)  # None: sites offer in turn
        self.first: Sequence[LayerSite] = layers[0] if layers else []
        self.damage_of = plan.damage
        self.nt = nt
        # each leak's time and threat type; the damage they dealt is added up at the end (leaks)
        self.leak_times: list[float] = []
        self.leak_types: list[int] = []
        # arrivals: a first layer of one site takes them itself (its arrival is exactly this one)
        self.handler: Callable[[int, int], None] = (
            self.first[0].arrive if len(self.first) == 1 else self.arrive
        )

    def arrive(self, tid: int, tt: int) -> None:
        """A threat aimed at the asset arrives: it meets one site of the first layer."""
        self.ledger.arrive(tt)
        rec = self.recorder
        if not self.first:  # an asset no site covers: every threat leaks
            if rec.detailed:
                rec.arrival(self.clock.now, 0, tid, tt)
            self.leak(tid, tt, NOT_ENGAGED, -1)
            return
        site = self.rule.choose(self.first, tt)
        if rec.detailed:
            rec.arrival(self.clock.now, site.index, tid, tt)
        site.enter(tid, tt)  # not offer(): the arrival was recorded at the chosen site first

    def leak(self, tid: int, tt: int, reason: int, site: int) -> None:
        """The threat survived every layer (the last one at ``site``, for ``reason``)."""
        self.ledger.leak(reason, tt)
        now = self.clock.now
        self.leak_times.append(now)
        self.leak_types.append(tt)
        if self.recorder.detailed:
            self.recorder.leak(now, site, tid, tt, reason)

    def leaks(self) -> tuple[list[float], list[tuple[float, int, float]]]:
        """Per threat type the damage leakers dealt, and each leak's (time, asset, damage).

        The damage is added in the order of the leaks, as if added as each happened: the
        same sums to the last bit."""
        damage = [0.0] * self.nt
        out = []
        for now, tt in zip(self.leak_times, self.leak_types, strict=True):
            d = self.damage_of[tt]
            damage[tt] += d
            out.append((now, self.index, d))
        return damage, out


def layer_record(
    assets: list[Asset], sites: Sequence[LayerSite], target: np.ndarray, threat: np.ndarray, nt: int
) -> tuple[LayerRecord, list[int]]:
    """What the assets' layers saw, and per type the threats counted engaged twice at the end.

    Each site counted what it passed on, per asset; a layer's passes are its sites' sum.  Every
    threat that met a layer was killed there, passed on, or is still held by one of its sites
    when the run stops: kills are what is left.
    """
    depth = max((len(a.layers) for a in assets), default=0)
    na, n_sites = len(assets), len(sites)
    entered = np.zeros((na, depth, nt), dtype=np.int64)
    killed = np.zeros((na, depth, nt), dtype=np.int64)
    passed = np.zeros((na, depth, len(REASONS), nt), dtype=np.int64)
    held = np.zeros((na, depth, nt), dtype=np.int64)
    twice = [0] * nt
    damage, leaks = zip(*(a.leaks() for a in assets), strict=True) if assets else ((), ())
    held_by: dict[int, list[list[int]]] = {}  # per site (asked once): by asset and type
    for a in assets:
        i = a.index
        for k, layer in enumerate(a.layers):
            for s in layer:
                out = held_by.get(s.index)
                if out is None:
                    out = held_by[s.index] = [[0] * nt for _ in range(na)]
                    s.in_flight(out, twice)
                held[i, k] += out[i]
                passed[i, k] += s.passed_of(i)
        if not a.layers:
            continue
        # every threat aimed at the asset met its first layer; survivors the next
        mine = target == n_sites + i
        entered[i, 0] = np.bincount(threat[mine], minlength=nt)
        entered[i, 1:] = passed[i, :-1].sum(axis=1)
        killed[i] = entered[i] - passed[i].sum(axis=1) - held[i]
    record = LayerRecord(
        target=target.copy(),
        entered=entered,
        killed=killed,
        passed=passed,
        damage=np.array(damage),
        leaks=sorted(leak for mine in leaks for leak in mine),
    )
    return record, twice
