"""Allocation from a stockpile: at set times, share what is above its floor among recipients.

How the rounds are shared is the allocation policy the plan names (engine/allocation/: one class
per policy, registered by name): ``priority`` fills in the order of the recipients,
``lowest_stock_first`` gives one round at a time to whoever holds least (counting rounds on the
way), ``proportional_to_use`` shares in proportion to the rounds each fired since the last
allocation.
"""

from __future__ import annotations

import math

from ...plan import AllocationPlan
from ..allocation import allocation_policy
from ..clock import Call
from .base import SupplyNetwork, SupplyPolicy


class Allocator(SupplyPolicy):
    def __init__(self, plan: AllocationPlan):
        self.plan = plan
        self.recipients = plan.recipients  # what the allocation policy sees (allocation.Allocation)
        self.policy = allocation_policy(plan.policy)

    def attach(self, net: SupplyNetwork) -> None:
        self.net = net
        net.clock.every(self.plan.times, self._allocate)

    def fired(self, h: int) -> int:
        """Rounds of the allocated type holder ``h`` has fired so far."""
        return self.net.holders[h].fired_of(self.plan.itype)

    def _allocate(self, _ev: Call) -> None:
        a, holders = self.plan, self.net.holders
        avail = holders[a.holder].level(a.itype) - a.floor
        if a.quantity is not None:
            avail = min(avail, a.quantity)
        if avail <= 0:
            return
        have = [holders[h].level(a.itype) + self.net.on_order(h).get(a.itype, 0) for h in a.recipients]
        need = [max(a.up_to - x, 0) if a.up_to is not None else math.inf for x in have]
        for k, n in enumerate(self.policy.give(self, avail, have, need)):
            if n > 0:
                self.net.routes[a.routes[k]].ship(n)
