"""Optional dependencies, imported when first needed, with a message saying how to install them."""

from __future__ import annotations

from typing import Any


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra that installs it."""


def needs_pandas() -> Any:
    """The pandas module, or :class:`MissingExtra` saying how to install it."""
    try:
        import pandas
    except ModuleNotFoundError:
        raise MissingExtra(
            'to_frame() needs pandas, which is not installed: from a clone of defsim, pip install ".[pandas]"'
            " (or pip install pandas)"
        ) from None
    return pandas
