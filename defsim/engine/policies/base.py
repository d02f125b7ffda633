"""Supply policies, and what they see of the run: protocols of holders, routes and the network.

A supply policy (:class:`SupplyPolicy`) is a part of the supply network that decides when rounds
move: a producer's output, an allocation, cross-levelling, backfill, a site's reorder policy.  It
is wired once (``attach``) and then reacts to the run's events: the times it scheduled and the
level changes it subscribed to.  A site's reorder policies (:class:`ReorderPolicy`) are the open
ones, registered by the name a scenario's ``resupply: policy:`` gives them (:data:`REORDER`).

A policy never receives the simulation: :class:`SupplyNetwork` (which ``network.Network``
implements) gives it the holders, the routes, the clock, rounds on order and the queues of
unfilled orders; :class:`Holder` and :class:`Shipper` what it may ask of a holder and a route.
Whatever subscribes to a holder's or a route's levels is a :class:`LevelWatcher`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Protocol

from ...plan import ResupplyPlan, RoutePlan
from ...vocab import add_resupply_policy
from ..clock import Clock
from ..registry import Registry


class LevelWatcher(Protocol):
    """What a holder or a route tells of its level changes (``Holder.subscribe``)."""

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        """A subscribed level changed by ``change`` (negative: rounds left) to ``level``."""


class Holder(Protocol):
    """What a policy may ask of a site, stockpile or producer."""

    @property
    def index(self) -> int: ...

    def level(self, it: int) -> int: ...

    def room(self, it: int) -> float: ...

    def fired_of(self, it: int) -> int: ...

    def put(self, it: int, n: int) -> None: ...

    def subscribe(self, it: int, watcher: LevelWatcher, below: float = math.inf) -> None: ...


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

    def subscribe(self, watcher: LevelWatcher) -> None: ...


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


class SupplyPolicy:
    """A part of the supply network that decides when rounds move: wired once by :meth:`attach`,
    then told of the level changes it subscribed to (ignored unless it overrides ``on_level``)."""

    def attach(self, net: SupplyNetwork) -> None:  # pragma: no cover - every policy overrides it
        """Subscribe to the levels watched and schedule timed work (called once, in plan order)."""
        raise NotImplementedError

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        """A subscribed level changed by ``change`` to ``level``."""
        return None


class ReorderPolicy(SupplyPolicy):
    """A site's reorder policy: what its ``resupply`` entry (``plan``) orders, and when.  A subclass
    registered with ``@register("name")`` is the policy a scenario names with ``policy: name``."""

    def __init__(self, plan: ResupplyPlan):
        self.plan = plan


#: a site's reorder policies by the name a scenario gives them (``resupply: policy:``)
REORDER: Registry[ReorderPolicy] = Registry("reorder policy", add_resupply_policy)
#: class decorator: make the class the reorder policy called ``name``
register = REORDER.register


def reorder_policy(plan: ResupplyPlan) -> ReorderPolicy:
    """A new instance of the reorder policy a site's ``resupply`` entry names."""
    return REORDER.make(plan.policy, plan)
