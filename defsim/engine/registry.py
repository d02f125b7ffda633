"""Open choices of the engine: classes registered under the name a scenario gives them.

Reorder policies (policies/base.py), layer-sharing rules (sharing/base.py) and allocation rules
(allocation/base.py) each keep a table of name -> class; registering a class also adds its name
to the scenario's vocabulary (defsim.vocab), so the schema accepts it and the generated reference
lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

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
