"""Reorder point (s, S): when a site's rounds held plus on order fall to s, order up to S.

An order the sender cannot fill is not owed: the policy looks again when the sender next
receives stock, and orders what the position then calls for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...plan import OUTSIDE, ResupplyPlan
from ..events import Call, later
from . import Holder, Rule, register

if TYPE_CHECKING:
    from ..supply import Network


@register("reorder_point")
class ReorderPoint(Rule):
    def __init__(self, plan: ResupplyPlan):
        self.plan = plan
        self.hungry = False  # the last order was not filled: look again when the sender receives stock

    def attach(self, net: Network) -> None:
        rp = self.plan
        self.site = net.holders[rp.site]
        self.route = net.routes[rp.route]
        self.pipe = net.sim.pipeline[rp.site]
        # held + on order can only be at or below s when held is: the site skips the call otherwise
        self.site.subscribe(rp.itype, self, below=rp.reorder_at)
        if self.route.plan.src != OUTSIDE:
            net.holders[self.route.plan.src].subscribe(rp.itype, self)
        later(net.env, 0.0, self._start, 0)

    def _start(self, _ev: Call) -> None:
        self.check()

    def check(self) -> None:
        rp = self.plan
        position = self.site.level(rp.itype) + self.pipe.get(rp.itype, 0)
        if position <= rp.reorder_at:
            want = rp.level - position
            self.hungry = self.route.ship(want) < want
        else:
            self.hungry = False

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if holder is self.site:
            if change < 0:
                self.check()
        elif change > 0 and self.hungry:
            self.check()
