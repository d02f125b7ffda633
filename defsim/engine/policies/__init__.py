"""Supply policies: the parts of the supply network that decide when rounds move, one class each.

A policy (a :class:`SupplyPolicy`) is wired once (``attach``): it subscribes to the (holder,
interceptor type) levels it watches and schedules any timed work.  From then on the holder
publishes its level changes to the subscribers of that type only: ``on_level(holder, itype,
level, change)`` with the level after the change and the signed change (negative: rounds left,
positive: rounds arrived).  A site publishes after each shot and each receipt; a stockpile or
producer after each put and take; a route, to its own subscribers, after each delivery (the
receiver's level).

A subscription may carry a ``below`` level: a site then skips the call (cheaply, on the hot
path) while it holds more than that after a shot.

A new reorder policy is one class in one file: subclass :class:`ReorderPolicy` and decorate it
with ``@register("name")`` (the :data:`REORDER` registry).  Registering adds the name to the
scenario's vocabulary (``defsim.vocab.resupply_policies``), so the schema accepts it, ``defsim
schema`` and the generated reference list it, and a site's ``resupply`` entry whose ``policy``
is that name gets it (see :func:`reorder_policy`; tests/test_policies.py registers one defined
in the test and runs it from YAML).  A policy shipped with defsim also gets its word as a member
of ``defsim.vocab.ResupplyPolicy`` (the words of ``resupply: policy:``), and its module is
imported below.  Policies never see the simulation: :class:`SupplyNetwork` is what they are
given (policies/base.py).
"""

from __future__ import annotations

# the built-in policies register themselves on import
from .allocator import Allocator
from .backfill import Backfill
from .backorders import Backorders
from .base import (
    REORDER,
    Claimant,
    Holder,
    LevelWatcher,
    OrderQueue,
    ReorderPolicy,
    Shipper,
    SupplyNetwork,
    SupplyPolicy,
    register,
    reorder_policy,
)
from .base_stock import BaseStock
from .cross_leveller import CrossLeveller
from .producer import Producer
from .reorder_point import ReorderPoint

__all__ = [
    "REORDER",
    "Allocator",
    "Backfill",
    "Backorders",
    "BaseStock",
    "Claimant",
    "CrossLeveller",
    "Holder",
    "LevelWatcher",
    "OrderQueue",
    "Producer",
    "ReorderPoint",
    "ReorderPolicy",
    "Shipper",
    "SupplyNetwork",
    "SupplyPolicy",
    "register",
    "reorder_policy",
]
