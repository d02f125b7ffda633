"""Supply policies: rules that move stock, each one class behind one small protocol.

A policy is wired once (:meth:`Policy.attach`): it subscribes to the (holder, interceptor
type) levels it watches and schedules any timed work.  From then on the holder publishes its
level changes to the subscribers of that type only: ``on_level(holder, itype, level, change)``
with the level after the change and the signed change (negative: rounds left, positive: rounds
arrived).  A site publishes after each shot and each receipt; a stockpile or producer after
each put and take; a route, to its own subscribers, after each delivery (the receiver's level).

A subscription may carry a ``below`` level: a site then skips the call (cheaply, on the hot
path) while it holds more than that after a shot.

A new replenishment policy is one class in one file: subclass :class:`Rule`, decorate it with
``@register("name")``, and a site's ``resupply`` entry whose ``policy`` is that name gets it
(see :func:`resupply_policy`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from ...plan import ResupplyPlan

if TYPE_CHECKING:
    from ..supply import Network


class Holder(Protocol):
    """What a policy may ask of a site, stockpile or producer."""

    index: int

    def level(self, it: int) -> int: ...

    def room(self, it: int) -> float: ...

    def fired_of(self, it: int) -> int: ...

    def subscribe(self, it: int, policy: Policy, below: float = math.inf) -> None: ...


class Policy(Protocol):
    """The protocol every supply policy follows."""

    def attach(self, net: Network) -> None:
        """Subscribe to the levels watched and schedule timed work (called once, in plan order)."""

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        """A subscribed level changed by ``change`` to ``level``."""


class Rule:
    """Convenience base: a policy that ignores level changes unless it overrides ``on_level``."""

    def attach(self, net: Network) -> None:  # pragma: no cover - every rule overrides it
        raise NotImplementedError

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        return None


#: a site's reorder policies by the name a scenario gives them (``resupply: policy:``)
RESUPPLY: dict[str, Callable[[ResupplyPlan], Policy]] = {}

R = TypeVar("R")


def register(name: str) -> Callable[[type[R]], type[R]]:
    """Class decorator: make the class the reorder policy called ``name``."""

    def add(cls: type[R]) -> type[R]:
        RESUPPLY[name] = cls  # type: ignore[assignment]
        return cls

    return add


def resupply_policy(plan: ResupplyPlan) -> Policy:
    """The reorder policy a site's ``resupply`` entry names."""
    try:
        make = RESUPPLY[plan.policy]
    except KeyError:
        raise ValueError(
            f"unknown reorder policy {plan.policy!r}; one of: {', '.join(sorted(RESUPPLY))}"
        ) from None
    return make(plan)


# the built-in policies register themselves on import
from .allocator import Allocator  # noqa: E402
from .backfill import Backfill  # noqa: E402
from .backorders import Backorders  # noqa: E402
from .base_stock import BaseStock  # noqa: E402
from .cross_leveller import CrossLeveller  # noqa: E402
from .producer import Producer  # noqa: E402
from .reorder_point import ReorderPoint  # noqa: E402

__all__ = [
    "RESUPPLY",
    "Allocator",
    "Backfill",
    "Backorders",
    "BaseStock",
    "CrossLeveller",
    "Holder",
    "Policy",
    "Producer",
    "ReorderPoint",
    "Rule",
    "register",
    "resupply_policy",
]
