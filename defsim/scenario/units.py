"""Units in scenario files: durations, rates and points in time.

The engine's clock runs in **days** (floats).  Scenario files write durations and rates with
units so a reader never has to guess: ``45m``, ``6h``, ``3d``, ``2w``; ``20/h``, ``2/d``,
``10/month``, ``500/yr``.  A plain number is a duration in days or a rate per day.
A point in time is either a duration after the scenario start or, when the scenario has a
``start:`` date, a calendar date or date-time.
"""

from __future__ import annotations

import datetime as dt
import re

#: length of each duration unit in days
DURATION_UNITS: dict[str, float] = {
    "s": 1 / 86400,
    "sec": 1 / 86400,
    "m": 1 / 1440,
    "min": 1 / 1440,
    "h": 1 / 24,
    "hr": 1 / 24,
    "d": 1.0,
    "day": 1.0,
    "w": 7.0,
    "wk": 7.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "mo": 365.25 / 12,
    "y": 365.25,
    "yr": 365.25,
    "year": 365.25,
}

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]+)\s*$")
_RATE_RE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})?\s*([a-zA-Z]+)\s*$")
_DURATION_HINT = "a duration such as 30s, 45m, 6h, 3d or 2w (a plain number means days)"
_RATE_HINT = "a rate such as 20/h, 2/d, 10/month or 500/yr (a plain number means per day)"


def _unit(name: str, hint: str, text: str) -> float:
    key = name.lower()
    if key not in DURATION_UNITS and key.endswith("s") and key[:-1] in DURATION_UNITS:
        key = key[:-1]  # "days", "weeks", "hours"
    if key not in DURATION_UNITS:
        raise ValueError(f"unknown unit {name!r} in {text!r}: expected {hint}")
    return DURATION_UNITS[key]


def parse_duration(value: object) -> float:
    """Return a duration in days; raise ValueError naming what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected {_DURATION_HINT}, got {value!r}")
    if isinstance(value, int | float):
        days = float(value)
    elif isinstance(value, str):
        m = _DURATION_RE.match(value)
        if m:
            days = float(m.group(1)) * _unit(m.group(2), _DURATION_HINT, value)
        else:
            try:
                days = float(value)
            except ValueError:
                raise ValueError(f"expected {_DURATION_HINT}, got {value!r}") from None
    else:
        raise ValueError(f"expected {_DURATION_HINT}, got {value!r}")
    if days < 0 or days != days:
        raise ValueError(f"a duration cannot be negative, got {value!r}")
    return days


def parse_rate(value: object) -> float:
    """Return a rate per day; raise ValueError naming what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected {_RATE_HINT}, got {value!r}")
    if isinstance(value, int | float):
        rate = float(value)
    elif isinstance(value, str):
        m = _RATE_RE.match(value)
        if m:
            per = float(m.group(2)) if m.group(2) else 1.0
            rate = float(m.group(1)) / (per * _unit(m.group(3), _RATE_HINT, value))
        else:
            try:
                rate = float(value)
            except ValueError:
                raise ValueError(f"expected {_RATE_HINT}, got {value!r}") from None
    else:
        raise ValueError(f"expected {_RATE_HINT}, got {value!r}")
    if rate < 0 or rate != rate:
        raise ValueError(f"a rate cannot be negative, got {value!r}")
    return rate


def parse_time_point(value: object) -> float | dt.datetime:
    """A time after the start (days) or a calendar date-time, resolved later against ``start``."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            try:
                return dt.datetime.fromisoformat(text.replace("Z", ""))
            except ValueError:
                raise ValueError(f"not a valid date or date-time: {value!r}") from None
    try:
        return parse_duration(value)
    except ValueError:
        raise ValueError(
            f"expected a time after the start ({_DURATION_HINT}) or a date such as 2024-01-15, got {value!r}"
        ) from None


def parse_time_of_day(value: object) -> float:
    """``"02:00"`` -> fraction of a day."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 86400:
        # YAML 1.1 reads an unquoted 02:00 as the sexagesimal number 120 (minutes)
        return (value / 60.0) / 24.0 if value < 1440 else value / 86400.0
    if isinstance(value, str):
        m = re.match(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$", value)
        if m:
            h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
            if h < 24 and mi < 60 and s < 60:
                return (h * 3600 + mi * 60 + s) / 86400.0
    raise ValueError(f'expected a time of day such as "02:00", got {value!r}')
