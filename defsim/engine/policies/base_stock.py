"""Base stock (one-for-one): every round a site fires, or every round an arriving threat asks
for, is reordered at once; what the sender cannot fill now stays owed until it receives stock."""

from __future__ import annotations

from typing import assert_never

from ...plan import OUTSIDE
from ...vocab import ResupplyPolicy, Trigger
from .base import Holder, ReorderPolicy, SupplyNetwork, register


@register(ResupplyPolicy.BASE_STOCK)
class BaseStock(ReorderPolicy):
    def attach(self, net: SupplyNetwork) -> None:
        rp = self.plan
        self.site = net.holders[rp.site]
        self.route = route = net.routes[rp.route]
        route.owes = True
        if route.plan.src != OUTSIDE:
            route.backorders = net.backorders(route.plan.src, rp.itype)
        match rp.trigger:
            case Trigger.SHOT:
                self.site.subscribe(rp.itype, self)
            case Trigger.DEMAND:
                net.on_demand(rp.site, self.on_demand)
            case _:
                assert_never(rp.trigger)

    def on_demand(self, n: int) -> None:
        self.route.ship(n)

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if change < 0:  # rounds fired
            self.route.ship(-change)
