"""Base stock (one-for-one): every round a site fires, or every round an arriving threat asks
for, is reordered at once; what the sender cannot fill now stays owed until it receives stock."""

from __future__ import annotations

from ...plan import OUTSIDE, ResupplyPlan
from .base import Holder, Rule, SupplyNetwork, register


@register("base_stock")
class BaseStock(Rule):
    def __init__(self, plan: ResupplyPlan):
        self.plan = plan

    def attach(self, net: SupplyNetwork) -> None:
        rp = self.plan
        self.site = net.holders[rp.site]
        self.route = route = net.routes[rp.route]
        route.owes = True
        if route.plan.src != OUTSIDE:
            route.backorders = net.backorders(route.plan.src, rp.itype)
        if rp.trigger == "shot":
            self.site.subscribe(rp.itype, self)
        else:
            net.on_demand(rp.site, self.on_demand)

    def on_demand(self, n: int) -> None:
        self.route.ship(n)

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if change < 0:  # rounds fired
            self.route.ship(-change)
