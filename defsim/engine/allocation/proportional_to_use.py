"""proportional_to_use: shares in proportion to the rounds each recipient fired since the last
allocation (equal shares if none fired), the rounds left by rounding down going to the largest
remainders."""

from __future__ import annotations

from ...vocab import AllocationPolicy
from .base import Allocation, register


@register(AllocationPolicy.PROPORTIONAL_TO_USE)
class ProportionalToUse:
    def __init__(self) -> None:
        self.fired_before: dict[int, int] = {}  # rounds each recipient had fired at the last allocation

    def give(self, a: Allocation, avail: int, have: list[int], need: list[float]) -> list[int]:
        use = []
        for h in a.recipients:
            fired = a.fired(h)
            use.append(fired - self.fired_before.get(h, 0))
            self.fired_before[h] = fired
        return in_proportion(use, avail, need)


# a module-level function: mypyc cannot compile a lambda in a method of a decorated class
def in_proportion(use: list[int], avail: int, need: list[float]) -> list[int]:
    """``avail`` rounds shared in proportion to ``use``, each at most its ``need``."""
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
