"""What ships inside the package: the scenarios runnable by name and the templates of ``defsim new``."""

from __future__ import annotations

from ..scenario import shipped
from ..scenario import templates as _templates


def scenarios() -> list[shipped.Shipped]:
    """The shipped scenarios (``defsim list``): name, file, title and question, by name."""
    return shipped.catalogue()


def templates() -> list[_templates.Template]:
    """The starting scenarios ``defsim new`` writes (``defsim list --templates``), by name."""
    return _templates.catalogue()
