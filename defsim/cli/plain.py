"""A user's string made safe for a terminal (its own module: every command needs it, and it
must not load a terminal library to do so)."""

from __future__ import annotations


def plain(value: object) -> str:
    """A user's string as it may reach a terminal: no control characters (escape sequences could
    recolour or rewrite the screen)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))
