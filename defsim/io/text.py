"""User strings as a figure may show them: literally, and drawable by any font and format.

Kept apart from :mod:`defsim.io.plotkit` so the layout of panels (:mod:`defsim.io.layout`),
which measures these texts, and the drawing helpers both build on it without a circle.
"""

from __future__ import annotations

import unicodedata


def drawable(text: str) -> str:
    """Text as a figure may hold it: control, format (bidi) and unassigned characters become
    U+FFFD, so an SVG stays well-formed XML and no font is asked for an escape character."""
    return "".join(
        "\ufffd" if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn") else ch for ch in text
    )


def lit(text: object) -> str:
    """A user string shown literally: ``$`` escaped so matplotlib never reads mathtext, and
    :func:`drawable` (tick labels are made when drawn, after :func:`save` looks at the texts)."""
    return drawable(str(text).replace("\\", "\\\\").replace("$", r"\$"))
