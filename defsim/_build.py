"""Which engine this installation runs: compiled by mypyc (see setup.py) or pure Python.

Imports nothing of defsim but the engine module it inspects, so it stays valid wherever the
engine's modules move.
"""

from __future__ import annotations

COMPILED = "compiled by mypyc"
PURE = "pure Python"


def engine_kind() -> str:
    """``"compiled by mypyc"`` if the engine's hot modules are extension modules, else ``"pure Python"``."""
    from .engine import site

    return PURE if site.__file__ is None or site.__file__.endswith((".py", ".pyc")) else COMPILED
