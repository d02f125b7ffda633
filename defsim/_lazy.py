"""Names of a package imported on first use: `defsim --version` and `defsim list` never pay for
numpy, matplotlib or pydantic. Standard library only (the packages' ``__init__`` use it).

A package either gives the table itself (:func:`getter`) or keeps its names in a stub
``__init__.pyi`` beside its ``__init__.py`` (:func:`from_stub`, as Scientific Python's SPEC 1
lazy loading does): the stub's imports are what type checkers read and, read here, where each
name is imported from at run time, so the names are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
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


def from_stub(package: str, init: str, namespace: dict[str, Any]) -> tuple[Callable[[str], Any], list[str]]:
    """A package's ``__getattr__`` and ``__all__`` from the stub beside its ``__init__`` file
    (``init``): each ``from .module import a, b`` of the stub, and the stub's ``__all__``."""
    import ast  # only here: the packages that give their table need not import it

    tree = ast.parse(Path(init).with_suffix(".pyi").read_text(encoding="utf-8"))
    modules: dict[str, str] = {}
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            modules["." * node.level + (node.module or "")] = " ".join(a.name for a in node.names)
        elif isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["__all__"]:
            names = ast.literal_eval(node.value)
    return getter(package, namespace, modules), names
