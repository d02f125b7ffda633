"""The words a scenario chooses between, defined once for every layer.

Each choice a scenario makes by name (how a layer shares threats, how a stockpile allocates,
what a route event does, a duration's distribution, ...) is a :class:`~enum.StrEnum` here, whose
members' values are their names in lower case (``Share.FIRST_ABLE`` is ``first_able``): the
schema accepts exactly its values (YAML reads the same words), the plan carries its members and
the engine dispatches on them with ``match`` ending in ``assert_never``, so a member without a
branch is a type error.  This module imports nothing of defsim: every layer may import it.

Reorder policies, layer-sharing rules and allocation policies are open: the built-in ones are the
members of :class:`ResupplyPolicy`, :class:`Share` and :class:`AllocationPolicy`, and
``defsim.engine.policies.register``, ``defsim.engine.sharing.register`` and
``defsim.engine.allocation.register`` add a name to :func:`resupply_policies`,
:func:`share_rules` and :func:`allocation_policies` (the schema and the generated reference
then list it too).
"""

from __future__ import annotations

from enum import StrEnum

#: A random duration's distribution.
Dist = StrEnum("Dist", "FIXED EXPONENTIAL UNIFORM TRIANGULAR")

#: The built-in layer-sharing rules: which site of a layer meets a threat aimed at an asset
#: (``share:``).
Share = StrEnum("Share", "FIRST_ABLE LEAST_LOADED MOST_ROUNDS")

#: The built-in allocation policies: who gets a stockpile's rounds at an allocation (``allocate:
#: policy:``).
AllocationPolicy = StrEnum("AllocationPolicy", "LOWEST_STOCK_FIRST PROPORTIONAL_TO_USE PRIORITY")

#: What a base-stock reorder answers: each round fired, or each round a threat asks for.
Trigger = StrEnum("Trigger", "SHOT DEMAND")

#: What a route event does to its route.
RouteAction = StrEnum("RouteAction", "PAUSE RESUME CANCEL DELAY")

#: The built-in reorder policies of a site: the words of ``resupply: policy:``.
ResupplyPolicy = StrEnum("ResupplyPolicy", "BASE_STOCK REORDER_POINT")

#: How a route came to be (outputs name routes' kinds with these words; ACTION: opened by a user
#: process).
RouteKind = StrEnum(
    "RouteKind", "SHIPMENT FLOW BACKFILL PRODUCTION ALLOCATION CROSS_LEVEL RESUPPLY DELIVERY ACTION"
)

#: What holds rounds.
HolderKind = StrEnum("HolderKind", "SITE STOCKPILE PRODUCER")

#: How many threats of one type a raid occurrence brings.
SizeKind = StrEnum("SizeKind", "POISSON UNIFORM FIXED")

_EXTRA_POLICIES: list[str] = []
_EXTRA_SHARES: list[str] = []
_EXTRA_ALLOCATIONS: list[str] = []


def _add(extra: list[str], known: list[str], name: str) -> None:
    if name not in known:
        extra.append(name)


def add_resupply_policy(name: str) -> None:
    """Make ``name`` a reorder policy a scenario may name (called by the engine's ``register``)."""
    _add(_EXTRA_POLICIES, resupply_policies(), name)


def resupply_policies() -> list[str]:
    """The reorder policies a scenario may name: the built-in ones, then those registered."""
    return [p.value for p in ResupplyPolicy] + _EXTRA_POLICIES


def add_share_rule(name: str) -> None:
    """Make ``name`` a layer-sharing rule a scenario may name (the engine's ``sharing.register``)."""
    _add(_EXTRA_SHARES, share_rules(), name)


def share_rules() -> list[str]:
    """The layer-sharing rules a scenario may name: the built-in ones, then those registered."""
    return [s.value for s in Share] + _EXTRA_SHARES


def add_allocation_policy(name: str) -> None:
    """Make ``name`` an allocation policy a scenario may name (the engine's ``allocation.register``)."""
    _add(_EXTRA_ALLOCATIONS, allocation_policies(), name)


def allocation_policies() -> list[str]:
    """The allocation policies a scenario may name: the built-in ones, then those registered."""
    return [p.value for p in AllocationPolicy] + _EXTRA_ALLOCATIONS
