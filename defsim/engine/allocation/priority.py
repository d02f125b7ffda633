"""priority: fill the recipients in the file's order, each as far as it may take."""

from __future__ import annotations

from ...vocab import AllocationPolicy
from .base import Allocation, register


@register(AllocationPolicy.PRIORITY)
class Priority:
    def give(self, a: Allocation, avail: int, have: list[int], need: list[float]) -> list[int]:
        give = [0] * len(need)
        for k in range(len(give)):
            give[k] = int(min(need[k], avail - sum(give)))
        return give
