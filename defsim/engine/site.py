"""A defended site: fire channels, ready rounds on launchers, a magazine, and a doctrine.

The hot path of the simulator.  A threat that can be engaged at once never becomes a SimPy
process: its arrival is a callback that takes a fire channel, spends rounds and schedules the
end of the engagement cycle.  Only a threat that has to wait (time_to_impact > 0 and no free
channel or loaded launcher) is queued, with one timeout for its deadline.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Final, final

from ..plan import RationPlan, SitePlan
from .behaviour import Shot
from .clock import Call
from .layers import FIRST_ABLE, Asset, ThreatMarks, choose
from .policies.base import Policy
from .records import REASONS, LeakReason
from .state import RunState
from .streams import duration_buffer

# waiting-entry states
WAITING: Final = 0
SERVED: Final = 1
EXPIRED: Final = 2

# leak reasons as plain ints: the hot path indexes counters with them
NO_STOCK: Final = int(LeakReason.NO_STOCK)
SATURATED: Final = int(LeakReason.SATURATED)
NOT_ENGAGED: Final = int(LeakReason.NOT_ENGAGED)
MISSED: Final = int(LeakReason.MISSED)
RATIONED: Final = int(LeakReason.RATIONED)
N_REASONS: Final = len(REASONS)


@final
class Tally:
    """A count held by reference: adding to it allocates nothing (an int item of a list is
    replaced by a new object at each change once it passes 256)."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0


@final
class Engagement:
    """One threat engaged by one fire channel, from its first shot to the channel's release."""

    __slots__ = ("dead", "left", "newly", "tid", "tt")

    def __init__(self, tid: int, tt: int, left: int) -> None:
        self.tid = tid
        self.tt = tt
        self.dead = False  # killed (the site may not know it yet)
        self.left = left  # engagement opportunities after the current one
        self.newly = False  # killed in the current cycle: counted when the cycle ends


@final
class Waiting:
    """A threat waiting at the site for a fire channel or a round, until its window closes."""

    __slots__ = ("order", "state", "tid", "tt")

    def __init__(self, tid: int, tt: int, order: int) -> None:
        self.tid = tid
        self.tt = tt
        self.state = WAITING  # then SERVED or EXPIRED
        self.order = order  # arrival order among the site's waiting threats


class Site:
    """State and behaviour of one site during one run."""

    def __init__(
        self,
        state: RunState,
        plan: SitePlan,
        interceptors: list[str],
        marks: ThreatMarks,
        outcomes: list[Shot | None],
    ):
        self.clock = state.clock
        self.later = state.clock.later
        ledger = state.ledger
        self.arrived = ledger.arrived
        self.engaged = ledger.engaged
        self.killed = ledger.killed
        self.leaked = ledger.leaked
        self.index = plan.index
        self.itype = plan.types
        self.free = plan.fire_channels
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
        self.rec = state.recorder
        self.detailed = state.recorder.detailed  # event methods are skipped, not called, when False
        self.rank = plan.rank
        self.choices = plan.choices
        self.window = plan.window  # per threat type: how long it may wait here
        # layered defence (see layers.py): a threat aimed at an asset goes on to the next layer
        # instead of leaking.  Per threat id, the asset it is aimed at (-1: none) and whether
        # some layer engaged it, read only when a threat leaves a site alive (and on a kill at a
        # site below the upper tier)
        self.layered = plan.layered
        self.asset_of = marks.asset
        self.engaged_before = marks.engaged
        self.n_assets = n_assets = marks.n_assets
        self.engaging: dict[Engagement, None] = {}  # a layered site's engagements in progress
        self.below_top = False  # in a layer under another of some asset it covers
        # per asset covered (by asset index): the asset, its layer here, the sites of its next
        # layer (none: survivors leak); what this site passed on, by (asset, reason, type)
        self.assets: list[Asset | None] = [None] * n_assets
        self.layer_of: list[int] = [-1] * n_assets
        self.next_for: list[list[Site]] = [[] for _ in range(n_assets)]
        self.share_for: list[int] = [0] * n_assets
        self.n_types = nt = len(plan.window)
        self.passes: list[Tally] = [Tally() for _ in range(n_assets * N_REASONS * nt)]
        # rationing: per slot, the rules (most severe first); choices are narrowed as stock falls
        self.rationing = bool(plan.rationing)
        self.base_choices = plan.choices
        self.rules: list[list[RationPlan]] = [
            [r for r in plan.rationing if r.slot == k] for k in range(len(plan.types))
        ]
        self.active: list[tuple[RationPlan, ...]] = [() for _ in plan.types]
        self.ration_shots = [0] * len(plan.types)
        self.shots = plan.shots
        self.opportunities = plan.opportunities
        self.assess_live = plan.assess_live
        self.assess_dead = plan.assess_dead
        levels = max((r for r in plan.rank if r is not None), default=0) + 1
        # waiting threats per (priority level, threat type), each deque oldest first: whether a
        # waiting threat can be served depends on its type only, so serving looks at the front
        # of each type's deque once instead of rescanning the whole queue (linear in threats)
        self.waiting: list[dict[int, deque[Waiting]]] = [{} for _ in range(levels)]
        self.n_waiting = 0
        self.n_queued = 0  # arrival order of waiting threats
        self.slot_of = {it: k for k, it in enumerate(plan.types)}
        # policies subscribed to each slot's level (see policies/__init__.py), called only when
        # the rounds held after a change are at or below the slot's threshold (a reorder point)
        self.watchers: list[list[Callable[[Site, int, int, int], None]]] = [[] for _ in plan.types]
        self.threshold: list[float] = [-1.0] * len(plan.types)
        self.engaged_types = [r is not None and bool(c) for r, c in zip(plan.rank, plan.choices, strict=True)]
        self.demand_hooks: list[Callable[[int], None]] = []
        # engagement durations: the site's own stream
        streams = state.streams
        self.hold = duration_buffer(lambda: streams.stream("engagement", plan.name), plan.engagement)
        # a threat's luck is its own in each layer: draws by (threat, layer, opportunity)
        self.shot_draws = streams.threat_draws("shots", plan.layer)
        self.first_shot = self.shot_draws.row(0)  # draws of every threat's first opportunity
        self.assess_draws = streams.threat_draws("assessment", plan.layer)
        self.shots_fired = [0] * len(plan.types)
        # per threat type, how a shot resolves (behaviour.py): None is the plain shot, inlined
        self.outcomes = outcomes
        self.shaped = any(o is not None for o in outcomes)
        # bound once: the hot path appends these as callbacks
        self._cycle_end_cb = self._cycle_end
        self._deadline_cb = self._deadline
        self._reload_cb = self._reload_done
        for slot in range(len(plan.types)):  # a site may start below a rationing rule
            if self.rules[slot]:
                self._ration(slot)

    # --- arrivals -------------------------------------------------------------------------

    def arrive(self, tid: int, tt: int) -> None:
        self.arrived[tt] += 1
        if self.detailed:
            self.rec.arrival(self.clock.now, self.index, tid, tt)
        if not self.engaged_types[tt]:
            self._leak(tid, tt, NOT_ENGAGED)
            return
        if self.rationing and not self.choices[tt]:
            self._leak(tid, tt, RATIONED)
            return
        if self.demand_hooks:
            for hook in self.demand_hooks:
                hook(self.shots)
        if self.free:
            ready = self.ready
            for c in self.choices[tt]:  # pick(), inlined on the hot path
                r = ready[c[0]]
                if r > 0 and (c[2] == 0 or r + self.magazine[c[0]] > c[2]):
                    self._engage(tid, tt, c)
                    return
        self._wait_or_leak(tid, tt)

    def _wait_or_leak(self, tid: int, tt: int) -> None:
        """No channel or round now: wait in the queue for the threat's window, or leak at once."""
        tti = self.window[tt]
        if tti > 0:
            entry = Waiting(tid, tt, self.n_queued)
            self.n_queued += 1
            level = self.waiting[self.rank[tt] or 0]
            dq = level.get(tt)
            if dq is None:
                dq = level[tt] = deque()
            dq.append(entry)
            self.n_waiting += 1
            self.later(tti, self._deadline_cb, entry)
        else:
            self._leak(tid, tt, SATURATED if self._holds_usable(tt) else NO_STOCK)

    def enter(self, tid: int, tt: int) -> None:
        """A threat aimed at an asset meets this site's layer (the asset counted its arrival)."""
        if not self.engaged_types[tt]:
            self._leak(tid, tt, NOT_ENGAGED)
            return
        if self.rationing and not self.choices[tt]:
            self._leak(tid, tt, RATIONED)
            return
        if self.demand_hooks:
            for hook in self.demand_hooks:
                hook(self.shots)
        if self.free:
            ready = self.ready
            for c in self.choices[tt]:  # pick(), inlined on the hot path
                r = ready[c[0]]
                if r > 0 and (c[2] == 0 or r + self.magazine[c[0]] > c[2]):
                    self._engage(tid, tt, c)
                    return
        self._wait_or_leak(tid, tt)

    def offer(self, tid: int, tt: int) -> bool:
        """Engage a threat aimed at an asset at once if a fire channel is free and a round may be
        fired at it, and say so; else do nothing (the first_able rule asks each site in turn).

        Exactly :meth:`enter` at a site that is able, without picking the round twice."""
        if not self.free:
            return False
        ready = self.ready
        for c in self.choices[tt]:
            r = ready[c[0]]
            if r > 0 and (c[2] == 0 or r + self.magazine[c[0]] > c[2]):
                if not self.engaged_types[tt] or self.demand_hooks:
                    self.enter(tid, tt)  # the rare cases, as enter has them
                else:
                    self._engage(tid, tt, c)
                return True
        return False

    def pick(self, tt: int) -> tuple[int, float, int] | None:
        """The preferred usable interceptor with a ready round, honouring reserves."""
        ready = self.ready
        for c in self.choices[tt]:
            r = ready[c[0]]
            if r > 0 and (c[2] == 0 or r + self.magazine[c[0]] > c[2]):
                return c
        return None

    def _holds_usable(self, tt: int) -> bool:
        """Whether the site holds any round it may fire at this threat (loaded or not)."""
        return any(self.ready[slot] + self.magazine[slot] > keep for slot, _, keep in self.choices[tt])

    # --- engagement -----------------------------------------------------------------------

    def _engage(self, tid: int, tt: int, c: tuple[int, float, int]) -> None:
        """A free fire channel engages the threat with the round ``c``."""
        self.free -= 1
        self.engaged[tt] += 1
        eng = Engagement(tid, tt, self.opportunities - 1)
        if self.layered:
            self.engaging[eng] = None
        self._fire(tid, tt, c, eng)

    def _fire(self, tid: int, tt: int, c: tuple[int, float, int], eng: Engagement) -> None:
        # the hottest function of the simulator: locals on purpose
        slot, p, keep = c
        ready = self.ready
        magazine = self.magazine[slot]
        r = ready[slot]
        n = self.shots
        if self.rationing and self.ration_shots[slot] and self.ration_shots[slot] < n:
            n = self.ration_shots[slot]
        if keep and r + magazine - keep < n:
            n = r + magazine - keep
        if n > r:
            n = r  # a partial salvo: the last rounds on the launchers
        r -= n
        ready[slot] = r
        self.shots_fired[slot] += n
        now = self.clock.now
        rec = self.rec
        rec.stock(now, self.series[slot], r + magazine, r)
        if self.rationing:
            self._ration(slot)
        if self.detailed:
            rec.shot(now, self.index, tid, tt, self.itype[slot], n)
        if magazine and r < self.cap[slot] and not self.reloading[slot]:
            self._start_reload(slot)
        if r + magazine <= self.threshold[slot]:
            for on_level in self.watchers[slot]:
                on_level(self, self.itype[slot], r + magazine, -n)
        k = self.opportunities - 1 - eng.left  # this engagement's opportunity: 0 first
        x = self.first_shot[tid] if k == 0 else self.shot_draws.row(k)[tid]
        outcome = self.outcomes[tt] if self.shaped else None
        if outcome is None:
            hit = x < p if n == 1 else x < 1.0 - (1.0 - p) ** n
        else:
            hit = outcome.kills(x, p, n, self._last_layer(tid))
        if hit and not eng.dead:
            eng.dead = True
            eng.newly = True  # killed in this cycle: counted when the cycle ends
        hold = self.hold
        if hold.__class__ is not float:
            hold = hold.pop() if hold else hold.refill()  # type: ignore[union-attr]
        self.later(hold, self._cycle_end_cb, eng)

    def _cycle_end(self, ev: Call) -> None:
        eng: Engagement = ev.value
        tid, tt, dead, left = eng.tid, eng.tt, eng.dead, eng.left
        if eng.newly:
            eng.newly = False
            self.killed[tt] += 1
            if self.detailed:
                self.rec.kill(self.clock.now, self.index, tid, tt)
            if self.below_top and self.engaged_before[tid]:
                self.engaged[tt] -= 1  # engaged in an earlier layer too: counted once
        if left > 0:
            # look, then maybe shoot again
            k = self.opportunities - 1 - left  # the opportunity that just ended
            outcome = self.outcomes[tt] if self.shaped else None
            if outcome is not None:
                row = self.assess_draws.row
                again = outcome.seen_alive(dead, self.assess_live, self.assess_dead, lambda: row(k)[tid])
            elif dead:
                again = self.assess_dead > 0 and self.assess_draws.row(k)[tid] < self.assess_dead
            else:
                again = self.assess_live >= 1 or self.assess_draws.row(k)[tid] < self.assess_live
            if again:
                c = self.pick(tt)
                if c is not None:
                    eng.left = left - 1
                    self._fire(tid, tt, c, eng)
                    return
        self.free += 1
        if self.layered:
            del self.engaging[eng]
        if not dead:
            self._leak(tid, tt, MISSED)
        if self.n_waiting:
            self._serve()

    # --- waiting threats ------------------------------------------------------------------

    def _serve(self) -> None:
        """Give free channels to waiting threats, highest priority first, then oldest.

        Within a level the oldest waiting threat whose type the site can engage now is served:
        the fronts of the level's per-type deques are compared by arrival order.
        """
        while self.free and self.n_waiting:
            chosen = None
            for level in self.waiting:
                best = None
                for tt, dq in level.items():
                    while dq and dq[0].state != WAITING:
                        dq.popleft()
                    if dq and (best is None or dq[0].order < best[0].order):
                        c = self.pick(tt)
                        if c is not None:
                            best = (dq[0], c, dq)
                if best is not None:
                    chosen = best
                    break
            if chosen is None:
                return  # nobody waiting can be served now
            entry, c, dq = chosen
            entry.state = SERVED
            dq.popleft()
            self.n_waiting -= 1
            self._engage(entry.tid, entry.tt, c)

    def _deadline(self, ev: Call) -> None:
        entry: Waiting = ev.value
        if entry.state != WAITING:
            return
        entry.state = EXPIRED
        self.n_waiting -= 1
        tt = entry.tt
        if self.rationing and not self.choices[tt]:
            self._leak(entry.tid, tt, RATIONED)
            return
        self._leak(entry.tid, tt, SATURATED if self._holds_usable(tt) else NO_STOCK)

    def _leak(self, tid: int, tt: int, reason: int) -> None:
        if self.layered:
            a = self.asset_of[tid]
            if a >= 0:
                self._pass(a, tid, tt, reason)
                return
        self.leaked[reason][tt] += 1
        if self.detailed:
            self.rec.leak(self.clock.now, self.index, tid, tt, reason)

    # --- layered defence ------------------------------------------------------------------

    def cover(self, asset: Asset, layer: int, after: list[Site]) -> None:
        """This site is in layer ``layer`` (0: the upper tier) of ``asset``; its survivors
        meet one of ``after`` (none: they leak)."""
        a = asset.index
        self.assets[a] = asset
        self.layer_of[a] = layer
        self.next_for[a] = after
        self.share_for[a] = asset.share
        if layer > 0:
            self.below_top = True

    def _last_layer(self, tid: int) -> bool:
        """Whether this site is the last layer defending the threat's target: the last layer of
        the asset it is aimed at, or the site itself when it is aimed at a site."""
        if self.layered:
            a = self.asset_of[tid]
            if a >= 0:
                return not self.next_for[a]
        return True

    def _pass(self, a: int, tid: int, tt: int, reason: int) -> None:
        """A threat aimed at asset ``a`` survived this layer: on to the next one, or a leak."""
        self.passes[(a * N_REASONS + reason) * self.n_types + tt].n += 1
        if reason == MISSED:  # engaged here (only an engagement ends in a miss)
            if self.engaged_before[tid]:
                self.engaged[tt] -= 1  # engaged in an earlier layer too: counted once
            else:
                self.engaged_before[tid] = True
        after = self.next_for[a]
        k = len(after)
        if k == 0:
            asset = self.assets[a]
            assert asset is not None
            asset.leak(tid, tt, reason, self.index)
            return
        if self.detailed:
            self.rec.passed(self.clock.now, self.index, tid, tt, reason)
        if k == 1:
            after[0].enter(tid, tt)
        elif self.share_for[a] == FIRST_ABLE:
            for site in after:
                if site.offer(tid, tt):
                    return
            after[0].enter(tid, tt)
        else:
            choose(after, self.share_for[a], tt).enter(tid, tt)

    def passed_of(self, a: int) -> list[list[int]]:
        """What this site passed on of asset ``a``'s threats, by reason and threat type."""
        nt, base = self.n_types, a * N_REASONS * self.n_types
        return [[t.n for t in self.passes[base + r * nt : base + (r + 1) * nt]] for r in range(N_REASONS)]

    def in_flight(self, out: list[list[int]], twice: list[int]) -> None:
        """Add the threats aimed at assets that this site holds (in an engagement or waiting),
        by asset and type, to ``out``: what is neither killed nor passed on when the run stops.
        Those it is engaging that an earlier layer engaged too are counted engaged twice until
        the engagement ends: add them, by type, to ``twice``."""
        for eng in self.engaging:
            a = self.asset_of[eng.tid]
            if a >= 0:
                out[a][eng.tt] += 1
                if self.engaged_before[eng.tid]:
                    twice[eng.tt] += 1
        for level in self.waiting:
            for dq in level.values():
                for entry in dq:
                    a = self.asset_of[entry.tid]
                    if entry.state == WAITING and a >= 0:
                        out[a][entry.tt] += 1

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
        if self.n_waiting and self.free:
            self._serve()

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
        if self.n_waiting and self.free:
            self._serve()
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

    def subscribe(self, it: int, policy: Policy, below: float = math.inf) -> None:
        """Tell ``policy`` of each shot or receipt of ``it`` that leaves at most ``below`` rounds held.

        Rounds taken away by the network (cross-levelling) are not published: a site's reorder
        policies react to what it fires.
        """
        slot = self.slot_of[it]
        self.watchers[slot].append(policy.on_level)
        self.threshold[slot] = max(self.threshold[slot], below)

    def add_demand_hook(self, hook: Callable[[int], None]) -> None:
        self.demand_hooks.append(hook)

    def _record(self, slot: int) -> None:
        ready = self.ready[slot]
        self.rec.stock(self.clock.now, self.series[slot], ready + self.magazine[slot], ready)
