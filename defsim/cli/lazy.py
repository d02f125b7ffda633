"""Names the commands use, imported when a command first uses them.

Every command registers itself when ``defsim`` starts, so whatever a command module imports at
its top, every command pays for: numpy, pydantic and rich would make ``defsim --version`` and
``defsim list`` take most of a second.  A module or function from here is the real one as soon
as it is used (type checkers see the real imports).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any


class LazyModule:
    """A module imported on first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(import_module(self._name), attr)


def lazy(module: str, name: str) -> Any:
    """A function or class of ``module``, imported when first called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call
