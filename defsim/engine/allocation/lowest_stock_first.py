"""lowest_stock_first: one round at a time to the recipient holding least, counting rounds on
the way (ties: the recipient listed first)."""

from __future__ import annotations

import heapq

from ...vocab import AllocationPolicy
from .base import Allocation, register


@register(AllocationPolicy.LOWEST_STOCK_FIRST)
class LowestStockFirst:
    def give(self, a: Allocation, avail: int, have: list[int], need: list[float]) -> list[int]:
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
