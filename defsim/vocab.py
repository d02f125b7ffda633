"""The words a scenario chooses between, defined once for every layer.

Each choice a scenario makes by name (how a layer shares threats, how a stockpile allocates,
what a route event does, a duration's distribution, ...) is a :class:`~enum.StrEnum` here: the
schema accepts exactly its values (YAML reads the same words), the plan carries its members and
the engine dispatches on them with ``match`` ending in ``assert_never``, so a member without a
branch is a type error.  This module imports nothing of defsim: every layer may import it.

Reorder policies and layer-sharing rules are open: the built-in ones are the members of
:class:`ResupplyPolicy` and :class:`Share`, and ``defsim.engine.policies.register`` and
``defsim.engine.sharing.register`` add a name to :func:`resupply_policies` and
:func:`share_rules` (the schema and the generated reference then list it too).
"""

from __future__ import annotations

from enum import StrEnum


class Dist(StrEnum):
    """A random duration's distribution."""

    FIXED = "fixed"
    EXPONENTIAL = "exponential"
    UNIFORM = "uniform"
    TRIANGULAR = "triangular"


class Share(StrEnum):
    """The built-in rules by which the sites of one layer share the threats aimed at an asset."""

    FIRST_ABLE = "first_able"
    LEAST_LOADED = "least_loaded"
    MOST_ROUNDS = "most_rounds"


class AllocationPolicy(StrEnum):
    """Who gets a stockpile's rounds at an allocation (``allocate: policy:``)."""

    LOWEST_STOCK_FIRST = "lowest_stock_first"
    PROPORTIONAL_TO_USE = "proportional_to_use"
    PRIORITY = "priority"


#: the old name of :class:`AllocationPolicy` (kept for code that imports it; "rule" is a site's
#: reserve or rationing rule)
AllocationRule = AllocationPolicy


class Trigger(StrEnum):
    """What a base-stock reorder answers: each round fired, or each round a threat asks for."""

    SHOT = "shot"
    DEMAND = "demand"


class RouteAction(StrEnum):
    """What a route event does to its route."""

    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    DELAY = "delay"


class ResupplyPolicy(StrEnum):
    """The built-in reorder policies of a site (``resupply: policy:``)."""

    BASE_STOCK = "base_stock"
    REORDER_POINT = "reorder_point"


class RouteKind(StrEnum):
    """How a route came to be (outputs name routes' kinds with these words)."""

    SHIPMENT = "shipment"
    FLOW = "flow"
    BACKFILL = "backfill"
    PRODUCTION = "production"
    ALLOCATION = "allocation"
    CROSS_LEVEL = "cross_level"
    RESUPPLY = "resupply"
    DELIVERY = "delivery"
    ACTION = "action"  # opened by a user process


class HolderKind(StrEnum):
    """What holds rounds."""

    SITE = "site"
    STOCKPILE = "stockpile"
    PRODUCER = "producer"


class SizeKind(StrEnum):
    """How many threats of one type a raid occurrence brings."""

    POISSON = "poisson"
    UNIFORM = "uniform"
    FIXED = "fixed"


_EXTRA_POLICIES: list[str] = []
_EXTRA_SHARES: list[str] = []


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
