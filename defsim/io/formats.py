"""The formats of results files: CSV cells as a spreadsheet may safely open them, and strict JSON.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are written with a leading apostrophe; JSON is strict (no NaN or
Infinity: a figure that does not exist is ``null``).  Files are written through
:func:`.files.write_output` (atomically, never through a link).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from .files import write_output

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> str:
    """A text CSV field: empty for None; text that would run as a spreadsheet formula is
    neutralised by a leading quote (and text that starts with a quote gets one more)."""
    if value is None:
        return ""
    s = str(value)
    if isinstance(value, str) and s.startswith((*FORMULA_START, "'")):
        return "'" + s  # a leading quote is doubled too, so that reading back is unambiguous
    return s


def uncsv(text: str) -> str:
    """A text field as the user wrote it: :func:`csv_text`'s guard undone."""
    guarded = text.startswith("'") and text[1:2] != "" and text[1:2] in (*FORMULA_START, "'")
    return text[1:] if guarded else text


def csv_number(value: float) -> str:
    """A float in full precision; empty for NaN or infinity (e.g. "never")."""
    return repr(value) if math.isfinite(value) else ""


def _csv_into(text: IO[str], header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    out = csv.writer(text, lineterminator="\n")
    out.writerow([csv_text(h) for h in header])
    out.writerows(rows)


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """Rows of already formatted fields (header included), quoted by the stdlib ``csv`` module."""

    def write(f: IO[bytes]) -> None:
        text = io.TextIOWrapper(f, encoding="utf-8", newline="")
        _csv_into(text, header, rows)
        text.flush()
        text.detach()

    write_output(path, write)


def finite(value: Any) -> Any:
    """``value`` with every non-finite float as None (what strict JSON holds)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def write_json(path: Path, data: Any) -> None:
    """Strict JSON (RFC 8259): a non-finite number is written as null."""
    write_output(path, json.dumps(finite(data), indent=2, allow_nan=False) + "\n")
