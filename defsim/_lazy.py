"""Names of a package imported on first use: `defsim --version` and `defsim list` never pay for
numpy, matplotlib or pydantic. Standard library only (the packages' ``__init__`` use it)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def attribute(package: str, where: dict[str, str], namespace: dict[str, Any], name: str) -> Any:
    """``name`` of ``package``, imported from the module ``where`` says (relative to the package
    or absolute) and kept in the package's ``namespace``, so the next use costs nothing."""
    if name not in where:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(import_module(where[name], package), name)
    namespace[name] = value
    return value


def getter(package: str, namespace: dict[str, Any], modules: dict[str, str]) -> Callable[[str], Any]:
    """A package's module ``__getattr__``: ``modules`` maps each module (relative to the package,
    or absolute) to the names it defines, separated by spaces."""
    where = {name: module for module, names in modules.items() for name in names.split()}

    def __getattr__(name: str) -> Any:
        return attribute(package, where, namespace, name)

    return __getattr__
