"""Allocation from a stockpile: at set times, share what is above its floor among recipients.

How the rounds are shared is a rule chosen by the plan's word (:func:`rule`): ``priority``
fills in the order of the recipients, ``lowest_stock_first`` gives one round at a time to
whoever holds least (counting rounds on the way), ``proportional_to_use`` shares in proportion
to the rounds each fired since the last allocation.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import assert_never

from ...plan import AllocationPlan
from ...vocab import AllocationRule
from ..clock import Call
from .base import Rule, SupplyNetwork

#: (allocator, rounds available, held + on order per recipient, need per recipient) -> rounds per recipient
Share = Callable[["Allocator", int, list[int], list[float]], list[int]]


def priority(a: Allocator, avail: int, have: list[int], need: list[float]) -> list[int]:
    give = [0] * len(need)
    for k in range(len(give)):
        give[k] = int(min(need[k], avail - sum(give)))
    return give


def lowest_stock_first(a: Allocator, avail: int, have: list[int], need: list[float]) -> list[int]:
    give = [0] * len(need)
    heap = [(have[k], k) for k in range(len(have)) if need[k] > 0]
    heapq.heapify(heap)
    left = avail
    while left > 0 and heap:
        x, k = heapq.heappop(heap)
        give[k] += 1
        left -= 1
        if give[k] < need[k]:
            heapq.heappush(heap, (x + 1, k))
    return give


def proportional_to_use(a: Allocator, avail: int, have: list[int], need: list[float]) -> list[int]:
    use = []
    for h in a.plan.recipients:
        fired = a.net.holders[h].fired_of(a.plan.itype)
        use.append(fired - a.fired_before.get(h, 0))
        a.fired_before[h] = fired
    total = sum(use)
    weights = [u / total for u in use] if total > 0 else [1 / len(use)] * len(use)
    shares = [min(w * avail, need[k]) for k, w in enumerate(weights)]
    give = [int(s) for s in shares]
    rest = int(min(avail, sum(min(n, avail) for n in need))) - sum(give)
    order = sorted(range(len(give)), key=lambda k: -(shares[k] - give[k]))  # largest remainders first
    for k in order:
        if rest <= 0:
            break
        if give[k] < need[k]:
            give[k] += 1
            rest -= 1
    return give


def rule(policy: AllocationRule) -> Share:
    """How an allocation shares its rounds, by the scenario's word."""
    match policy:
        case AllocationRule.PRIORITY:
            return priority
        case AllocationRule.LOWEST_STOCK_FIRST:
            return lowest_stock_first
        case AllocationRule.PROPORTIONAL_TO_USE:
            return proportional_to_use
        case _:
            assert_never(policy)


class Allocator(Rule):
    def __init__(self, plan: AllocationPlan):
        self.plan = plan
        self.share = rule(plan.policy)
        self.fired_before: dict[int, int] = {}  # rounds each recipient had fired at the last allocation

    def attach(self, net: SupplyNetwork) -> None:
        self.net = net
        net.clock.every(self.plan.times, self._allocate)

    def _allocate(self, _ev: Call) -> None:
        a, holders = self.plan, self.net.holders
        avail = holders[a.holder].level(a.itype) - a.floor
        if a.quantity is not None:
            avail = min(avail, a.quantity)
        if avail <= 0:
            return
        have = [holders[h].level(a.itype) + self.net.on_order(h).get(a.itype, 0) for h in a.recipients]
        need = [max(a.up_to - x, 0) if a.up_to is not None else math.inf for x in have]
        for k, n in enumerate(self.share(self, avail, have, need)):
            if n > 0:
                self.net.routes[a.routes[k]].ship(n)
