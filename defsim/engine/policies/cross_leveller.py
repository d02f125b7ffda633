"""Cross-levelling: at set times, half the gap moves from the fullest site to the emptiest when
the gap exceeds a threshold."""

from __future__ import annotations

from ...plan import CrossLevelPlan
from ..clock import Call
from .base import SupplyNetwork, SupplyPolicy


class CrossLeveller(SupplyPolicy):
    def __init__(self, plan: CrossLevelPlan):
        self.plan = plan

    def attach(self, net: SupplyNetwork) -> None:
        self.net = net
        net.clock.every(self.plan.times, self._level)

    def _level(self, _ev: Call) -> None:
        c, holders = self.plan, self.net.holders
        levels = [(holders[h].level(c.itype), h) for h in c.sites]
        lo, hi = min(levels), max(levels)
        if hi[0] - lo[0] > c.threshold:
            self.net.routes[c.routes[(hi[1], lo[1])]].ship((hi[0] - lo[0]) // 2)
