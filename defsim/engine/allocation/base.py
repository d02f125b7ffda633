"""What an allocation rule sees of an allocation, and the registry of rules by name.

An allocation rule decides how the rounds a stockpile hands out at one allocation are shared
among its recipients.  It is one class with :meth:`Allocates.give`; ``@register("name")``
makes the class the rule a scenario's allocation names with ``policy: name``: the schema
accepts the name, and ``defsim schema`` and the generated reference list it.  Each allocation
gets its own instance, so a rule may remember what it saw at the allocation before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from ...vocab import add_allocation_policy
from ..registry import lookup, register_in


class Allocation(Protocol):
    """What an allocation rule may ask of the allocation it shares."""

    recipients: list[int]  # the holders fed, in the file's order

    def fired(self, h: int) -> int:
        """Rounds of the allocated type holder ``h`` has fired so far."""


class Allocates(Protocol):
    """How an allocation shares its rounds among its recipients."""

    def give(self, a: Allocation, avail: int, have: list[int], need: list[float]) -> list[int]:
        """Rounds for each recipient, out of ``avail``: ``have`` is what each holds or has on
        order, ``need`` the most each may take (``inf``: no limit)."""


#: the allocation rules by the name a scenario gives them (``allocate: policy:``)
ALLOCATION: dict[str, Callable[[], Allocates]] = {}

R = TypeVar("R")


def register(name: str) -> Callable[[type[R]], type[R]]:
    """Class decorator: make the class the allocation rule called ``name``."""
    return register_in(ALLOCATION, add_allocation_policy, name)  # a scenario may name it from now on


def allocation_rule(name: str) -> Allocates:
    """A new instance of the allocation rule an allocation names."""
    return lookup(ALLOCATION, name, "allocation policy")()
