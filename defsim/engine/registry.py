"""Open choices of the engine: classes registered under the name a scenario gives them.

Reorder policies (policies/base.py), layer-sharing rules (sharing/base.py) and allocation policies
(allocation/base.py) each keep a table of name -> class; registering a class also adds its name
to the scenario's vocabulary (defsim.vocab), so the schema accepts it and the generated reference
lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

R = TypeVar("R")
T = TypeVar("T")


def register_in(
    table: dict[str, Any], add_word: Callable[[str], None], name: str
) -> Callable[[type[R]], type[R]]:
    """Class decorator: put the class in ``table`` under ``name`` and make ``name`` a word."""

    def add(cls: type[R]) -> type[R]:
        table[name] = cls
        add_word(name)
        return cls

    return add


def lookup(table: Mapping[str, T], name: str, what: str) -> T:
    """``table[name]``, or a ValueError naming what is registered."""
    try:
        return table[name]
    except KeyError:
        raise ValueError(f"unknown {what} {name!r}; one of: {', '.join(sorted(table))}") from None


class Registry(Generic[T]):
    """The classes of one open choice (sharing rules, allocation policies) by the name a scenario
    gives them; each use of a name makes a new instance."""

    def __init__(self, what: str, add_word: Callable[[str], None]) -> None:
        self.what, self.add_word = what, add_word
        self.table: dict[str, Callable[[], T]] = {}

    def register(self, name: str) -> Callable[[type[R]], type[R]]:
        """Class decorator: make the class the choice called ``name``."""
        return register_in(self.table, self.add_word, name)  # a scenario may name it from now on

    def make(self, name: str) -> T:
        """A new instance of the class called ``name``."""
        return lookup(self.table, name, self.what)()
