"""Names the commands use, imported when a command first uses them.

Every command registers itself when ``defsim`` starts, so whatever a command module imports at
its top, every command pays for: numpy, pydantic and rich would make ``defsim --version`` and
``defsim list`` take most of a second.  A module or function from here is the real one as soon
as it is used (type checkers see the real imports).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any


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


# The names the commands share, each the real one on first use.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from .. import api
    from .tables import print_comparison, print_ensemble, print_summary
else:
    api = LazyModule("defsim.api")
    Console = lazy("rich.console", "Console")
    escape = lazy("rich.markup", "escape")
    Table = lazy("rich.table", "Table")
    print_comparison = lazy("defsim.cli.tables", "print_comparison")
    print_ensemble = lazy("defsim.cli.tables", "print_ensemble")
    print_summary = lazy("defsim.cli.tables", "print_summary")

__all__ = [
    "Console",
    "LazyModule",
    "Table",
    "api",
    "escape",
    "lazy",
    "print_comparison",
    "print_ensemble",
    "print_summary",
]
