"""The waiting queue as it was before issue 12, for the before/after benchmark only.

One deque per priority level, rescanned from the front on every free channel: serving is
quadratic in the threats waiting when few launchers are loaded.  Swapped in for
:class:`defsim.engine.site.Site` by benchmarks/run.py; never used by defsim itself.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from defsim.engine.site import NO_STOCK, NOT_ENGAGED, SATURATED, SERVED, WAITING, Site


class QuadraticQueueSite(Site):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.waiting = [deque() for _ in self.waiting]  # type: ignore[misc]

    def arrive(self, tid: int, tt: int) -> None:
        self.sim.arrived[tt] += 1
        if self.detailed:
            self.rec.arrival(self.clock.now, self.index, tid, tt)
        if not self.engaged_types[tt]:
            self._leak(tid, tt, NOT_ENGAGED)
            return
        if self.demand_hooks:
            for hook in self.demand_hooks:
                hook(self.shots)
        if self.free:
            c = self._pick(tt)
            if c is not None:
                self.free -= 1
                self.sim.engaged[tt] += 1
                self._fire(tid, tt, c, [tid, tt, False, self.opportunities - 1, False])
                return
        tti = self.sim.time_to_impact[tt]
        if tti > 0:
            entry = [tid, tt, WAITING]
            self.waiting[self.rank[tt] or 0].append(entry)  # type: ignore[attr-defined]
            self.n_waiting += 1
            self.later(tti, self._deadline_cb, entry)
        else:
            self._leak(tid, tt, SATURATED if self._holds_usable(tt) else NO_STOCK)

    def _serve(self) -> None:
        while self.free and self.n_waiting:
            for dq in self.waiting:
                while dq and dq[0][2] != WAITING:  # type: ignore[index]
                    dq.popleft()  # type: ignore[attr-defined]
                chosen = None
                for entry in dq:
                    if entry[2] == WAITING:  # type: ignore[index]
                        c = self._pick(entry[1])  # type: ignore[index]
                        if c is not None:
                            chosen = (entry, c)
                            break
                if chosen is not None:
                    break
            else:
                return
            entry, c = chosen
            entry[2] = SERVED
            dq.remove(entry)  # type: ignore[attr-defined]
            self.n_waiting -= 1
            self.free -= 1
            tid, tt = entry[0], entry[1]
            self.sim.engaged[tt] += 1
            self._fire(tid, tt, c, [tid, tt, False, self.opportunities - 1, False])
