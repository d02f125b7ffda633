"""Supply policies: rules that move stock, each one class behind one small protocol.

A policy is wired once (:meth:`Policy.attach`): it subscribes to the (holder, interceptor
type) levels it watches and schedules any timed work.  From then on the holder publishes its
level changes to the subscribers of that type only: ``on_level(holder, itype, level, change)``
with the level after the change and the signed change (negative: rounds left, positive: rounds
arrived).  A site publishes after each shot and each receipt; a stockpile or producer after
each put and take; a route, to its own subscribers, after each delivery (the receiver's level).

A subscription may carry a ``below`` level: a site then skips the call (cheaply, on the hot
path) while it holds more than that after a shot.

A new reorder policy is one class in one file: subclass :class:`Rule` and decorate it with
``@register("name")``.  Registering adds the name to the scenario's vocabulary
(``defsim.vocab.resupply_policies``), so the schema accepts it, ``defsim schema`` and the
generated reference list it, and a site's ``resupply`` entry whose ``policy`` is that name gets
it (see :func:`resupply_policy`; tests/test_policies.py registers one defined in the test and
runs it from YAML).  A policy shipped with defsim also gets its word as a member of
``defsim.vocab.ResupplyPolicy``, and its module is imported below.  Policies never see the
simulation: :class:`SupplyNetwork` is what they are given (policies/base.py).
"""

from __future__ import annotations

# the built-in policies register themselves on import
from .allocator import Allocator
from .backfill import Backfill
from .backorders import Backorders
from .base import (
    RESUPPLY,
    Claimant,
    Holder,
    OrderQueue,
    Policy,
    Rule,
    Shipper,
    SupplyNetwork,
    register,
    resupply_policy,
)
from .base_stock import BaseStock
from .cross_leveller import CrossLeveller
from .producer import Producer
from .reorder_point import ReorderPoint

__all__ = [
    "RESUPPLY",
    "Allocator",
    "Backfill",
    "Backorders",
    "BaseStock",
    "Claimant",
    "CrossLeveller",
    "Holder",
    "OrderQueue",
    "Policy",
    "Producer",
    "ReorderPoint",
    "Rule",
    "Shipper",
    "SupplyNetwork",
    "register",
    "resupply_policy",
]
