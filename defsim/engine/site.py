"""A defended site: fire channels, ready rounds on launchers, a magazine, and a doctrine.

The hot path of the simulator.  A threat that can be engaged at once never becomes a SimPy
process: its arrival is a callback that takes a fire channel, spends rounds and schedules the
end of the engagement cycle.  Only a threat that has to wait (time_to_impact > 0 and no free
channel or loaded launcher) is queued, with one timeout for its deadline.
"""

from __future__ import annotations

from collections import deque
from typing import Final

from ..plan import SitePlan
from .behaviour import Shot
from .clock import Call
from .engagement import EXPIRED, SERVED, WAITING, Engagement, Tally, Waiting
from .layers import Asset, ThreatMarks
from .records import REASONS, LeakReason
from .rounds import SiteRounds
from .sharing import HandOver
from .state import RunState
from .streams import duration_buffer

# leak reasons as plain ints: the hot path indexes counters with them
NO_STOCK: Final = int(LeakReason.NO_STOCK)
SATURATED: Final = int(LeakReason.SATURATED)
NOT_ENGAGED: Final = int(LeakReason.NOT_ENGAGED)
MISSED: Final = int(LeakReason.MISSED)
RATIONED: Final = int(LeakReason.RATIONED)
N_REASONS: Final = len(REASONS)


class Site(SiteRounds):
    """One site during one run: fire channels and engagements, waiting threats, the layered
    hand-over; its rounds (launchers, magazine, reloads, rationing) are :class:`SiteRounds`."""

    def __init__(
        self,
        state: RunState,
        plan: SitePlan,
        interceptors: list[str],
        marks: ThreatMarks,
        outcomes: list[Shot | None],
    ):
        super().__init__(state, plan, interceptors)
        ledger = state.ledger
        self.arrived, self.engaged, self.killed, self.leaked = (
            ledger.arrived, ledger.engaged, ledger.killed, ledger.leaked
        )  # fmt: skip
        self.free = plan.fire_channels
        self.rank = plan.rank
        self.window = plan.window  # per threat type: how long it may wait here
        # layered defence (layers.py): a threat aimed at an asset goes on to the next layer instead
        # of leaking.  Per threat id, the asset it is aimed at (-1: none) and whether some layer
        # engaged it, read when a threat leaves a site alive (and on a kill below the upper tier)
        self.layered = plan.layered
        self.asset_of = marks.asset
        self.engaged_before = marks.engaged
        self.n_assets = n_assets = marks.n_assets
        # a layered site's engagements in progress, one per busy fire channel (the others None)
        self.channels: list[Engagement | None] = [None] * plan.fire_channels if plan.layered else []
        self.idle = list(range(plan.fire_channels)) if plan.layered else []  # channels not busy
        self.below_top = False  # in a layer under another of some asset it covers
        # per asset covered (by asset index): the asset, its layer here, the sites of its next
        # layer (none: survivors leak); what this site passed on, by (asset, reason, type)
        self.assets: list[Asset | None] = [None] * n_assets
        self.layer_of: list[int] = [-1] * n_assets
        self.next_for: list[list[Site]] = [[] for _ in range(n_assets)]
        self.hand_for: list[HandOver | None] = [None] * n_assets  # None: offer in turn
        self.n_types = nt = len(plan.window)
        self.passes: list[Tally] = [Tally() for _ in range(n_assets * N_REASONS * nt)]
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
        self.engaged_types = [r is not None and bool(c) for r, c in zip(plan.rank, plan.choices, strict=True)]
        # engagement durations: the site's own stream
        streams = state.streams
        self.hold = duration_buffer(lambda: streams.stream("engagement", plan.name), plan.engagement)
        # a threat's luck is its own in each layer: draws by (threat, layer, opportunity)
        self.shot_draws = streams.threat_draws("shots", plan.layer)
        self.first_shot = self.shot_draws.row(0)  # draws of every threat's first opportunity
        self.assess_draws = streams.threat_draws("assessment", plan.layer)
        # per threat type, how a shot resolves (behaviour.py): None is the plain shot, inlined
        self.outcomes = outcomes
        self.shaped = any(o is not None for o in outcomes)
        # bound once: the hot path appends these as callbacks
        self._cycle_end_cb = self._cycle_end
        self._deadline_cb = self._deadline

    # --- arrivals -------------------------------------------------------------------------

    def arrive(self, tid: int, tt: int) -> None:
        """A threat aimed at this site arrives (or one aimed at an asset whose first layer it is)."""
        self.arrived[tt] += 1
        if self.detailed:
            self.rec.arrival(self.clock.now, self.index, tid, tt)
        self.enter(tid, tt)

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
        """A threat meets this site: engaged at once, queued, or let through (counted arrived)."""
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
            ch = self.idle.pop()
            eng.channel = ch
            self.channels[ch] = eng
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
            self.channels[eng.channel] = None
            self.idle.append(eng.channel)
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
        self.hand_for[a] = asset.hand_over
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
            if reason == NOT_ENGAGED and self.engaged_before[tid]:
                # missed above and not engaged here: it got through because it was missed (a
                # threat counted engaged never leaks as "not engaged")
                reason = MISSED
            asset.leak(tid, tt, reason, self.index)
            return
        if self.detailed:
            self.rec.passed(self.clock.now, self.index, tid, tt, reason)
        if k == 1:
            after[0].enter(tid, tt)
        elif (hand := self.hand_for[a]) is not None:
            hand(after, tid, tt)  # the asset's sharing rule's
        else:  # a sharing rule that offers in turn (first_able): natively, on the hot path
            for site in after:
                if site.offer(tid, tt):
                    return
            after[0].enter(tid, tt)

    def passed_of(self, a: int) -> list[list[int]]:
        """What this site passed on of asset ``a``'s threats, by reason and threat type."""
        nt, base = self.n_types, a * N_REASONS * self.n_types
        return [[t.n for t in self.passes[base + r * nt : base + (r + 1) * nt]] for r in range(N_REASONS)]

    def in_flight(self, out: list[list[int]], twice: list[int]) -> None:
        """Add the threats aimed at assets that this site holds (in an engagement or waiting),
        by asset and type, to ``out``: what is neither killed nor passed on when the run stops.
        Those it is engaging that an earlier layer engaged too are counted engaged twice until
        the engagement ends: add them, by type, to ``twice``."""
        for eng in self.channels:
            if eng is None:
                continue
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

    def _rounds_came(self) -> None:
        if self.n_waiting and self.free:
            self._serve()
