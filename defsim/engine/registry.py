"""Open choices of the engine: classes registered under the name a scenario gives them.

Reorder policies (policies/base.py), layer-sharing rules (sharing/base.py) and allocation
policies (allocation/base.py) each keep a :class:`Registry` of name -> class; registering a class
also adds its name to the scenario's vocabulary (defsim.vocab), so the schema accepts it and the
generated reference lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, cast

R = TypeVar("R")
T = TypeVar("T")


class Registry(Generic[T]):
    """The classes of one open choice (reorder policies, sharing rules, allocation policies) by the
    name a scenario gives them; each use of a name makes a new instance."""

    def __init__(self, what: str, add_word: Callable[[str], None]) -> None:
        self.what, self.add_word = what, add_word
        self.table: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[type[R]], type[R]]:
        """Class decorator: make the class the choice called ``name``."""

        def add(cls: type[R]) -> type[R]:
            self.table[name] = cast("Callable[..., T]", cls)  # typing cannot say R makes a T
            self.add_word(name)  # a scenario may name it from now on
            return cls

        return add

    def make(self, name: str, *args: Any) -> T:
        """A new instance of the class called ``name``, given ``args`` (a reorder policy: its
        plan); a ValueError naming what is registered if there is none."""
        try:
            cls = self.table[name]
        except KeyError:
            known = ", ".join(sorted(self.table))
            raise ValueError(f"unknown {self.what} {name!r}; one of: {known}") from None
        return cls(*args)
