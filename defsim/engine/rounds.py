"""A site's rounds: ready rounds on launchers, the magazine, reloads, rationing, and the holder.

What the supply network and policies ask of a site as a holder of rounds (its level, a put or
take, subscriptions to its level) and what changes its rounds apart from firing (reloads,
deliveries, rationing rules that narrow its choices as its stock falls).  The engagements
themselves are :class:`~defsim.engine.site.Site`'s, which extends this class.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ..plan import RationPlan, SitePlan
from .clock import Call
from .policies.base import LevelWatcher
from .state import RunState


class SiteRounds:
    """The rounds of one site during one run, per slot (an entry of the site's interceptor types)."""

    def __init__(self, state: RunState, plan: SitePlan, interceptors: list[str]):
        self.clock = state.clock
        self.later = state.clock.later
        self.rec = state.recorder
        self.detailed = state.recorder.detailed  # event methods are skipped, not called, when False
        self.index = plan.index
        self.itype = plan.types
        self.cap = plan.capacity
        self.ready = [int(min(n, c)) for n, c in zip(plan.initial, plan.capacity, strict=True)]
        self.magazine = [n - r for n, r in zip(plan.initial, self.ready, strict=True)]
        self.reload_rounds = plan.reload_rounds
        self.reload_time = plan.reload_time
        self.reloading = [False] * len(plan.types)
        self.series = [
            state.series.add(plan.name, interceptors[it], "site", n, r)
            for it, n, r in zip(plan.types, plan.initial, self.ready, strict=True)
        ]
        self.shots_fired = [0] * len(plan.types)
        self.slot_of = {it: k for k, it in enumerate(plan.types)}
        # policies subscribed to each slot's level (see policies/__init__.py), called only when
        # the rounds held after a change are at or below the slot's threshold (a reorder point)
        self.watchers: list[list[Callable[[SiteRounds, int, int, int], None]]] = [[] for _ in plan.types]
        self.threshold: list[float] = [-1.0] * len(plan.types)
        self.demand_hooks: list[Callable[[int], None]] = []
        # per threat type: usable (slot, effective p, rounds kept back), narrowed by rationing
        self.choices = plan.choices
        # rationing: per slot, the rules (most severe first); choices are narrowed as stock falls
        self.rationing = bool(plan.rationing)
        self.base_choices = plan.choices
        self.rules: list[list[RationPlan]] = [
            [r for r in plan.rationing if r.slot == k] for k in range(len(plan.types))
        ]
        self.active: list[tuple[RationPlan, ...]] = [() for _ in plan.types]
        self.ration_shots = [0] * len(plan.types)
        self._reload_cb = self._reload_done  # bound once
        for slot in range(len(plan.types)):  # a site may start below a rationing rule
            if self.rules[slot]:
                self._ration(slot)

    def _rounds_came(self) -> None:
        """Rounds were loaded or received: a site serves its waiting threats (see site.py)."""

    # --- rationing ------------------------------------------------------------------------

    def _ration(self, slot: int) -> None:
        """The rules in force for ``slot`` after its stock changed: every rule whose ``below`` is
        above the rounds held holds at once (the fewest shots, only types every one allows)."""
        held = self.ready[slot] + self.magazine[slot]
        n_on = 0
        for r in self.rules[slot]:  # sorted by below: the rules in force are the last ones
            if held >= r.below:
                n_on += 1
        active = tuple(self.rules[slot][n_on:])
        if active == self.active[slot]:
            return
        self.active[slot] = active
        self.ration_shots[slot] = min((r.shots for r in active if r.shots), default=0)
        self.choices = [
            [c for c in opts if all(r.allowed[t] for r in self.active[c[0]])]
            for t, opts in enumerate(self.base_choices)
        ]

    # --- reloads and deliveries -----------------------------------------------------------

    def _start_reload(self, slot: int) -> None:
        self.reloading[slot] = True
        self.later(self.reload_time[slot], self._reload_cb, slot)

    def _reload_done(self, ev: Call) -> None:
        slot = ev.value
        self.reloading[slot] = False
        n = int(min(self.reload_rounds[slot], self.cap[slot] - self.ready[slot], self.magazine[slot]))
        if n > 0:
            self.ready[slot] += n
            self.magazine[slot] -= n
            self._record(slot)
            self.rec.reload(self.clock.now, self.index, self.itype[slot], n)
        if self.magazine[slot] and self.ready[slot] < self.cap[slot]:
            self._start_reload(slot)
        self._rounds_came()

    def receive(self, slot: int, quantity: int) -> None:
        """Rounds delivered to the site: onto launchers when they have no reload limit."""
        if self.cap[slot] == float("inf"):
            self.ready[slot] += quantity
        else:
            self.magazine[slot] += quantity
        self._record(slot)
        if self.rationing:
            self._ration(slot)
        if not self.reloading[slot] and self.magazine[slot] and self.ready[slot] < self.cap[slot]:
            self._start_reload(slot)
        self._rounds_came()
        level = self.ready[slot] + self.magazine[slot]
        if level <= self.threshold[slot]:
            for on_level in self.watchers[slot]:
                on_level(self, self.itype[slot], level, quantity)

    # --- the holder interface the supply network uses -------------------------------------

    def level(self, it: int) -> int:
        slot = self.slot_of[it]
        return self.ready[slot] + self.magazine[slot]

    def room(self, it: int) -> float:
        return float("inf")

    def fired_of(self, it: int) -> int:
        return self.shots_fired[self.slot_of[it]]

    def put(self, it: int, n: int) -> None:
        self.receive(self.slot_of[it], n)

    def take(self, it: int, n: int) -> None:
        """Rounds leave the site (cross-levelling): from the magazine first, then launchers."""
        slot = self.slot_of[it]
        from_magazine = min(n, self.magazine[slot])
        self.magazine[slot] -= from_magazine
        self.ready[slot] -= n - from_magazine
        self._record(slot)
        if self.rationing:
            self._ration(slot)

    def subscribe(self, it: int, watcher: LevelWatcher, below: float = math.inf) -> None:
        """Tell ``watcher`` of each shot or receipt of ``it`` that leaves at most ``below`` rounds held.

        Rounds taken away by the network (cross-levelling) are not published: a site's reorder
        policies react to what it fires.
        """
        slot = self.slot_of[it]
        self.watchers[slot].append(watcher.on_level)
        self.threshold[slot] = max(self.threshold[slot], below)

    def add_demand_hook(self, hook: Callable[[int], None]) -> None:
        self.demand_hooks.append(hook)

    def _record(self, slot: int) -> None:
        ready = self.ready[slot]
        self.rec.stock(self.clock.now, self.series[slot], ready + self.magazine[slot], ready)
