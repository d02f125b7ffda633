"""Backfill: when a watched route delivers n rounds to our sender, pass on n x fraction."""

from __future__ import annotations

from .base import Holder, Shipper, SupplyNetwork, SupplyPolicy


class Backfill(SupplyPolicy):
    def __init__(self, route: Shipper):
        self.route = route
        self.carry = 0.0  # fractions of a round not yet passed on

    def attach(self, net: SupplyNetwork) -> None:
        net.routes[self.route.plan.backfill_of].subscribe(self)

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        self.carry += change * self.route.plan.fraction
        whole = int(self.carry + 1e-9)
        self.carry -= whole
        if whole:
            self.route.ship(whole)
