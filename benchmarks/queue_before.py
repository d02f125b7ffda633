"""The waiting queue as it was before issue 12, for the before/after benchmark only.

One deque per priority level, rescanned from the front on every free channel: serving is
quadratic in the threats waiting when few launchers are loaded.  Swapped in for
:class:`defsim.engine.site.Site` by benchmarks/run.py; never used by defsim itself.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from defsim.engine.site import NO_STOCK, NOT_ENGAGED, SATURATED, SERVED, WAITING, Site, Waiting


class QuadraticQueueSite(Site):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.waiting = [deque() for _ in self.waiting]  # type: ignore[misc]

    def arrive(self, tid: int, tt: int) -> None:
        self.arrived[tt] += 1
        if self.detailed:
            self.rec.arrival(self.clock.now, self.index, tid, tt)
        if not self.engaged_types[tt]:
            self._leak(tid, tt, NOT_ENGAGED)
            return
        if self.demand_hooks:
            for hook in self.demand_hooks:
                hook(self.shots)
        if self.free:
            c = self.pick(tt)
            if c is not None:
                self._engage(tid, tt, c)
                return
        tti = self.window[tt]
        if tti > 0:
            entry = Waiting(tid, tt, 0)
            self.waiting[self.rank[tt] or 0].append(entry)  # type: ignore[attr-defined]
            self.n_waiting += 1
            self.later(tti, self._deadline_cb, entry)
        else:
            self._leak(tid, tt, SATURATED if self._holds_usable(tt) else NO_STOCK)

    def _serve(self) -> None:
        while self.free and self.n_waiting:
            for dq in self.waiting:
                while dq and dq[0].state != WAITING:  # type: ignore[attr-defined]
                    dq.popleft()  # type: ignore[attr-defined]
                chosen = None
                for entry in dq:
                    if entry.state == WAITING:  # type: ignore[attr-defined]
                        c = self.pick(entry.tt)  # type: ignore[attr-defined]
                        if c is not None:
                            chosen = (entry, c)
                            break
                if chosen is not None:
                    break
            else:
                return
            entry, c = chosen
            entry.state = SERVED
            dq.remove(entry)  # type: ignore[attr-defined]
            self.n_waiting -= 1
            self._engage(entry.tid, entry.tt, c)
