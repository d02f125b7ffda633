"""Reorder point (s, S): when a site's rounds held plus on order fall to s, order up to S.

An order the sender cannot fill is not owed: the site queues at the sender (backorders.py), and
when its turn comes after the sender receives stock, orders what the position then calls for.
"""

from __future__ import annotations

from ...plan import OUTSIDE, ResupplyPlan
from ...vocab import ResupplyPolicy
from ..clock import Call
from .base import Holder, OrderQueue, ReorderPolicy, SupplyNetwork, register


@register(ResupplyPolicy.REORDER_POINT)
class ReorderPoint(ReorderPolicy):
    def __init__(self, plan: ResupplyPlan):
        super().__init__(plan)
        self.hungry = False  # the last order was not filled: look again when the sender receives stock
        self.queued = False  # waiting in the sender's queue of unfilled orders
        self.backorders: OrderQueue | None = None

    def attach(self, net: SupplyNetwork) -> None:
        rp = self.plan
        self.site = net.holders[rp.site]
        self.route = net.routes[rp.route]
        self.pipe = net.on_order(rp.site)
        # held + on order can only be at or below s when held is: the site skips the call otherwise
        self.site.subscribe(rp.itype, self, below=rp.reorder_at)
        if self.route.plan.src != OUTSIDE:
            self.backorders = net.backorders(self.route.plan.src, rp.itype)
        net.clock.later(0.0, self._start, 0)

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
        if self.hungry and not self.queued and self.backorders is not None:
            self.queued = True
            self.backorders.owe(self, 1)

    def serve_owed(self, q: int) -> int:
        """Our turn at the sender: look again; stay in the queue while still short."""
        if self.hungry:
            self.check()
        if self.hungry:
            return q
        self.queued = False
        return 0

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if change < 0:
            self.check()
