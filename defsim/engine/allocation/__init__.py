"""Allocation policies: how a stockpile's allocation shares its rounds among the sites it feeds.

A new policy is one class in one file: give it ``give(a, avail, have, need)`` and decorate it
with ``@register("name")`` (see base.py; tests/test_allocation_register.py registers one defined
in the test and runs it from YAML).  A policy shipped with defsim also gets its word as a member
of ``defsim.vocab.AllocationPolicy``, and its module is imported below.
"""

from __future__ import annotations

# the built-in policies register themselves on import
from .base import ALLOCATION, Allocates, Allocation, allocation_policy, register
from .lowest_stock_first import LowestStockFirst
from .priority import Priority
from .proportional_to_use import ProportionalToUse

__all__ = [
    "ALLOCATION",
    "Allocates",
    "Allocation",
    "LowestStockFirst",
    "Priority",
    "ProportionalToUse",
    "allocation_policy",
    "register",
]
