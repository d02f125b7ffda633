"""Which engine this installation runs: compiled by mypyc (see setup.py) or pure Python.

Imports nothing of defsim: it looks for the engine's files as Python's import would (an
extension module next to a .py file is the one imported), so ``defsim --version`` need not load
the engine and numpy.
"""

from __future__ import annotations

COMPILED = "compiled by mypyc"
PURE = "pure Python"


def engine_kind() -> str:
    """``"compiled by mypyc"`` if the engine's hot modules are extension modules, else ``"pure Python"``."""
    from importlib.machinery import EXTENSION_SUFFIXES
    from pathlib import Path

    engine = Path(__file__).resolve().parent / "engine"
    return COMPILED if any((engine / f"site{suffix}").is_file() for suffix in EXTENSION_SUFFIXES) else PURE
