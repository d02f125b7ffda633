"""What a supply policy sees of the run: narrow protocols of holders, routes and the network.

A policy never receives the simulation: :class:`SupplyNetwork` (which ``supply.Network``
implements) gives it the holders, the routes, the clock, rounds on order and the queues of
unfilled orders; :class:`Holder` and :class:`Shipper` what it may ask of a holder and a route.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from ...plan import ResupplyPlan, RoutePlan
from ...vocab import add_resupply_policy
from ..clock import Clock
from ..registry import lookup, register_in


class Policy(Protocol):
    """The protocol every supply policy follows."""

    def attach(self, net: SupplyNetwork) -> None:
        """Subscribe to the levels watched and schedule timed work (called once, in plan order)."""

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        """A subscribed level changed by ``change`` to ``level``."""


class Holder(Protocol):
    """What a policy may ask of a site, stockpile or producer."""

    @property
    def index(self) -> int: ...

    def level(self, it: int) -> int: ...

    def room(self, it: int) -> float: ...

    def fired_of(self, it: int) -> int: ...

    def put(self, it: int, n: int) -> None: ...

    def subscribe(self, it: int, policy: Policy, below: float = math.inf) -> None: ...


class Claimant(Protocol):
    def serve_owed(self, q: int) -> int:
        """Take up to ``q`` owed rounds from the sender now; return what is still owed."""


class OrderQueue(Protocol):
    """A holder's unfilled orders of one type (policies/backorders.py)."""

    def owe(self, claimant: Claimant, n: int) -> None: ...


class Shipper(Protocol):
    """What a policy may ask of a route."""

    plan: RoutePlan
    owes: bool  # what the sender cannot fill now stays owed (base-stock reorders)
    backorders: OrderQueue | None

    def ship(self, q: int) -> int: ...

    def serve_owed(self, q: int) -> int: ...

    def subscribe(self, policy: Policy) -> None: ...


class SupplyNetwork(Protocol):
    """The network as policies see it."""

    @property
    def clock(self) -> Clock: ...

    @property
    def holders(self) -> Sequence[Holder]: ...

    @property
    def routes(self) -> Sequence[Shipper]: ...

    def on_order(self, holder: int) -> dict[int, int]:
        """Rounds on their way to ``holder``, by interceptor type (a live view)."""

    def backorders(self, holder: int, itype: int) -> OrderQueue:
        """The queue of orders ``holder`` could not fill of ``itype``."""

    def on_demand(self, site: int, hook: Callable[[int], None]) -> None:
        """Call ``hook(rounds asked for)`` at each threat's arrival at ``site``."""

    def produced(self, holder: int, itype: int, n: int) -> None:
        """Record ``n`` rounds made at ``holder``."""


class Rule:
    """Convenience base: a policy that ignores level changes unless it overrides ``on_level``."""

    def attach(self, net: SupplyNetwork) -> None:  # pragma: no cover - every rule overrides it
        raise NotImplementedError

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        return None


#: a site's reorder policies by the name a scenario gives them (``resupply: policy:``)
RESUPPLY: dict[str, Callable[[ResupplyPlan], Policy]] = {}

R = TypeVar("R")


def register(name: str) -> Callable[[type[R]], type[R]]:
    """Class decorator: make the class the reorder policy called ``name``."""
    return register_in(RESUPPLY, add_resupply_policy, name)  # a scenario may name it from now on


def resupply_policy(plan: ResupplyPlan) -> Policy:
    """The reorder policy a site's ``resupply`` entry names."""
    return lookup(RESUPPLY, plan.policy, "reorder policy")(plan)
