"""What every command prints through, without a terminal library (``defsim --version`` and
``defsim list`` load none): a user's string made safe for a terminal, and the width to print at."""

from __future__ import annotations

import os
import sys

#: the width with no terminal and no $COLUMNS
WIDTH = 80
#: --width, when given: the tables' width in columns whatever the output is
_WIDTH: list[int] = []


def plain(value: object) -> str:
    """A user's string as it may reach a terminal: no control characters (escape sequences could
    recolour or rewrite the screen)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))


def set_width(width: int | None) -> None:
    """The width tables and answers are printed at (``--width``); None: see :func:`width`."""
    _WIDTH[:] = [width] if width else []


def width() -> int:
    """The width to print at: --width; else the terminal's; else, when the output is a pipe or a
    file, $COLUMNS, or the width of the terminal the command runs in (``defsim run x | less``),
    or 80 with no terminal at all."""
    if _WIDTH:
        return _WIDTH[0]
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= 40:
        return int(columns)
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            if stream is not None and stream.isatty():
                return max(40, os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            continue
    return WIDTH
