"""What an allocation policy sees of an allocation, and the registry of policies by name.

An allocation policy decides how the rounds a stockpile hands out at one allocation are shared
among its recipients.  It is one class with :meth:`Allocates.give`; ``@register("name")``
makes the class the policy a scenario's allocation names with ``policy: name``: the schema
accepts the name, and ``defsim schema`` and the generated reference list it.  Each allocation
gets its own instance, so a policy may remember what it saw at the allocation before.
"""

from __future__ import annotations

from typing import Protocol

from ...vocab import add_allocation_policy
from ..registry import Registry


class Allocation(Protocol):
    """What an allocation policy may ask of the allocation it shares."""

    recipients: list[int]  # the holders fed, in the file's order

    def fired(self, h: int) -> int:
        """Rounds of the allocated type holder ``h`` has fired so far."""


class Allocates(Protocol):
    """How an allocation shares its rounds among its recipients."""

    def give(self, a: Allocation, avail: int, have: list[int], need: list[float]) -> list[int]:
        """Rounds for each recipient, out of ``avail``: ``have`` is what each holds or has on
        order, ``need`` the most each may take (``inf``: no limit)."""


#: the allocation policies by the name a scenario gives them (``allocate: policy:``)
ALLOCATION: Registry[Allocates] = Registry("allocation policy", add_allocation_policy)
#: class decorator: make the class the allocation policy called ``name``
register = ALLOCATION.register
#: a new instance of the allocation policy an allocation names
allocation_policy = ALLOCATION.make
