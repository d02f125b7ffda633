"""The uncertain keys of a scenario discovery (``--range`` and ``--choice``): what values each
may take, and how a sample in [0, 1) becomes the value written into a future's scenario."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from typing import Any

from ..scenario.errors import InputError
from ..scenario.overrides import show_value


class DiscoveryError(InputError):
    """A range, a choice or a condition that cannot be used: the message says what was expected."""


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain key of the scenario and the values it may take.

    ``kind``: ``number`` (a float), ``count`` (an integer), ``quantity`` (a number written with a
    unit, e.g. ``30/yr`` or ``21d``), ``date`` (a
    calendar day) or ``choice`` (one of ``choices``, categorical).
    """

    key: str
    kind: str
    lo: float = 0.0
    hi: float = 0.0
    unit: str = ""
    integer: bool = False
    choices: tuple[Any, ...] = ()
    text: str = ""  # as the user wrote it, for messages

    @property
    def categorical(self) -> bool:
        return self.kind == "choice"

    def value(self, u: float) -> Any:
        """The value written into the scenario for a sample ``u`` in [0, 1)."""
        if self.kind == "choice":
            k = len(self.choices)
            return self.choices[min(int(u * k), k - 1)]
        if self.integer or self.kind == "date":
            x: float = min(self.lo + math.floor(u * (self.hi - self.lo + 1)), self.hi)
        else:
            x = float(f"{self.lo + u * (self.hi - self.lo):.6g}")
        if self.kind == "date":
            return dt.date.fromordinal(int(x))
        if self.kind == "quantity":
            return f"{int(x) if self.integer else x:g}{self.unit}"
        return int(x) if self.integer else x

    def column(self, value: Any) -> Any:
        """The value as a column of the samples table: a number (a date as its ISO text, a choice as text)."""
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "quantity":
            return float(str(value)[: len(str(value)) - len(self.unit)])
        if self.kind == "choice":
            return show_value(value)
        return value

    def numeric(self, value: Any) -> float:
        """The value on this key's axis (a date as its day number): what PRIM peels."""
        if self.kind == "date":
            return float(value.toordinal())
        return float(self.column(value))

    def show(self, x: float) -> str:
        """A number on this key's axis as the user writes it (a day number as a date)."""
        if self.kind == "date":
            return dt.date.fromordinal(round(x)).isoformat()
        if self.integer:
            return f"{round(x)}{self.unit}"
        return f"{x:.4g}{self.unit}"

    @property
    def label(self) -> str:
        return f"{self.key} [{self.unit}]" if self.kind == "quantity" else self.key

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"key": self.key, "kind": self.kind}
        if self.kind == "choice":
            out["choices"] = [show_value(c) for c in self.choices]
        else:
            out["low"], out["high"] = self.show(self.lo), self.show(self.hi)
            if self.unit:
                out["unit"] = self.unit
            out["integer"] = self.integer or self.kind == "date"
        return out


_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s.+-].*?)\s*$")


def _number(v: Any) -> Any:
    # YAML reads 1e6 (no dot) as text: a number all the same
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return v
    return v


def make_range(key: str, lo: Any, hi: Any, text: str) -> Uncertainty:
    """An uncertainty from the two ends of ``--range KEY=LO..HI``, already read as YAML values."""

    def refuse(why: str) -> DiscoveryError:
        return DiscoveryError(f"--range {text}: {why}")

    lo, hi = _number(lo), _number(hi)
    if isinstance(lo, bool) or isinstance(hi, bool):
        raise refuse("true/false is not a range; use --choice KEY=true,false")
    if isinstance(lo, dt.datetime) or isinstance(hi, dt.datetime):
        raise refuse("a range of dates is written with days only, e.g. 2025-06-01..2026-06-01")
    if isinstance(lo, dt.date) and isinstance(hi, dt.date):
        a, b, kind, unit, integer = float(lo.toordinal()), float(hi.toordinal()), "date", "", True
    elif isinstance(lo, int | float) and isinstance(hi, int | float):
        integer = isinstance(lo, int) and isinstance(hi, int)
        a, b, kind, unit = float(lo), float(hi), "count" if integer else "number", ""
    elif isinstance(lo, str) and isinstance(hi, str):
        ma, mb = _QUANTITY.match(lo), _QUANTITY.match(hi)
        if not ma or not mb:
            raise refuse(
                "expected numbers (0.5..0.9), counts (20..60), dates (2025-06-01..2026-06-01) "
                "or numbers with one unit (30/yr..90/yr, 10d..40d)"
            )
        if ma.group(2) != mb.group(2):
            raise refuse(f"both ends need the same unit ({ma.group(2)!r} and {mb.group(2)!r})")
        unit = ma.group(2)
        # continuous: a rate or a duration need not be whole
        a, b, kind, integer = float(ma.group(1)), float(mb.group(1)), "quantity", False
    else:
        raise refuse("both ends must be of one kind: numbers, dates, or numbers with one unit")
    if not a < b:
        raise refuse("the low end must be below the high end")
    return Uncertainty(key, kind, a, b, unit, integer, text=text)


def make_choice(key: str, values: list[Any], text: str) -> Uncertainty:
    """An uncertainty from ``--choice KEY=a,b,c`` (values already read as YAML values)."""
    shown = [show_value(v) for v in values]
    if len(values) < 2:
        raise DiscoveryError(f"--choice {text}: give at least two values, separated by commas")
    if len(set(shown)) != len(shown):
        raise DiscoveryError(f"--choice {text}: a value is given twice")
    return Uncertainty(key, "choice", choices=tuple(values), text=text)
