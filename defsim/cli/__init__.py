"""The ``defsim`` command: a thin layer over the Python API.

Each command lives in its own module and registers itself on :data:`main` (defined in
:mod:`.group`); importing them here is what makes them part of the command.
"""

from __future__ import annotations

import sys

from . import check, discover, explore, folders, kit, run, variants  # noqa: F401  (register the commands)
from .group import UserError, main

__all__ = ["UserError", "main"]

if __name__ == "__main__":
    main(sys.argv[1:])
