"""User strings as a plot may show them: literally, drawable by any font and format, and
measured (inches at a size).

Kept apart from :mod:`defsim.io.plotkit` so the layout of panels (:mod:`defsim.io.layout`),
which measures these texts, and the drawing helpers both build on it without a circle.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any


def drawable(text: str) -> str:
    """Text as a plot may hold it: control, format (bidi) and unassigned characters become
    U+FFFD, so an SVG stays well-formed XML and no font is asked for an escape character."""
    return "".join(
        "\ufffd" if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn") else ch for ch in text
    )


def lit(text: object) -> str:
    """A user string shown literally: ``$`` escaped so matplotlib never reads mathtext, and
    :func:`drawable` (tick labels are made when drawn, after :func:`save` looks at the texts)."""
    return drawable(str(text).replace("\\", "\\\\").replace("$", r"\$"))


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)


@lru_cache(maxsize=4096)
def text_size(text: str, size: float) -> tuple[float, float]:
    """(width, height) in inches of a text at ``size`` points (each line measured)."""
    from matplotlib.font_manager import FontProperties

    r = _renderer()
    prop = FontProperties(size=size)
    lines = text.split("\n") or [""]
    w = max(r.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines) / 72
    return w, len(lines) * size * 1.22 / 72
