"""Units in scenario files: durations, rates and points in time.

The engine's clock runs in **days** (floats).  Scenario files write durations and rates with
units so a reader never has to guess: ``45m``, ``6h``, ``3d``, ``2w``; ``20/h``, ``2/d``,
``10/month``, ``500/yr``.  A plain number is a duration in days or a rate per day.
A point in time is either a duration after the scenario start or, when the scenario has a
``start:`` date, a calendar date or date-time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable

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

#: the longest duration (days) and the fastest rate (per day) a scenario may give: far beyond any
#: real campaign, and small enough that every count, time and date stays exact and in range
MAX_DAYS = 100 * 365.25
MAX_RATE = 1e6
#: the shortest period of anything that recurs (raids, deliveries, shipments, allocations,
#: cross-levelling): one second.  Shorter ones only multiply events (a century at 1s is already
#: 3e9, which the work bound refuses), and at 1e-300 days the clock could not advance at all.
MIN_PERIOD = 1 / 86400
#: the largest integer converted as it is: beyond it, no float holds it (1.8e308 overflows)
_FLOAT_INT = 10**300
#: calendar dates a scenario may use
MIN_YEAR, MAX_YEAR = 1900, 2200

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_DURATION_RE = re.compile(rf"^\s*({_NUMBER})\s*([a-zA-Z]+)\s*$")
_RATE_RE = re.compile(rf"^\s*({_NUMBER})\s*/\s*({_NUMBER})?\s*([a-zA-Z]+)\s*$")
_DURATION_HINT = "a duration such as 30s, 45m, 6h, 3d or 2w (a plain number means days)"
_RATE_HINT = "a rate such as 20/h, 2/d, 10/month or 500/yr (a plain number means per day)"


def show(value: object) -> str:
    """A value as the user wrote it (dates as dates, not Python reprs), shortened."""
    text = value.isoformat() if isinstance(value, dt.datetime | dt.date) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unit(name: str, hint: str, text: str) -> float:
    key = name.lower()
    if key not in DURATION_UNITS and key.endswith("s") and key[:-1] in DURATION_UNITS:
        key = key[:-1]  # "days", "weeks", "hours"
    if key not in DURATION_UNITS:
        raise ValueError(f"unknown unit {name!r} in {text!r}: expected {hint}")
    return DURATION_UNITS[key]


def as_float(value: int | float) -> float:
    """A YAML number as a float, bounded before conversion: an integer too long for a float
    (309 digits or more) becomes an infinity of its sign, which every caller's bound refuses
    with its own message, instead of raising OverflowError."""
    if isinstance(value, int) and abs(value) > _FLOAT_INT:
        return math.inf if value > 0 else -math.inf
    return float(value)


def show_number(value: object) -> str:
    """A number as the user wrote it; a very long integer by its count of digits."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        return f"a number of {len(str(abs(value)))} digits"
    return show(value)


def _with_unit(
    value: object, hint: str, pattern: re.Pattern[str], read: Callable[[re.Match[str]], float]
) -> float:
    """A number written plain, or as ``pattern`` (``read`` gives its number); not NaN."""
    if isinstance(value, bool):
        raise ValueError(f"expected {hint}, got {show(value)}")
    if isinstance(value, int | float):
        x = as_float(value)
    elif isinstance(value, str):
        m = pattern.match(value)
        if m:
            x = read(m)
        else:
            try:
                x = float(value)
            except ValueError:
                raise ValueError(f"expected {hint}, got {show(value)}") from None
    else:
        raise ValueError(f"expected {hint}, got {show(value)}")
    if x != x:
        raise ValueError(f"expected {hint}, got {show(value)}")
    return x


def parse_duration(value: object) -> float:
    """Return a duration in days; raise ValueError naming what was expected."""
    text = str(value)
    days = _with_unit(
        value,
        _DURATION_HINT,
        _DURATION_RE,
        lambda m: float(m.group(1)) * _unit(m.group(2), _DURATION_HINT, text),
    )
    if days < 0:
        raise ValueError(f"a duration cannot be negative, got {show_number(value)}")
    if days > MAX_DAYS:
        raise ValueError(f"a duration of at most 100 years is supported, got {show_number(value)}")
    return days


def parse_period(value: object) -> float:
    """A period between recurring events, in days: a duration of at least :data:`MIN_PERIOD`."""
    days = parse_duration(value)
    if days < MIN_PERIOD:
        raise ValueError(
            f"a period of at least 1 second (1s) is supported, got {show_number(value)}: "
            "every occurrence is an event the run must process"
        )
    return days


PROBABILITY_HINT = "a probability: a number from 0 to 1 such as 0.7, or a percentage such as 70%"
_PERCENT_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*%\s*$")


def parse_probability(value: object) -> float:
    """A probability as a number (0.7) or a percentage ("70%"); the range is checked after."""
    if isinstance(value, bool):
        raise ValueError(f"expected {PROBABILITY_HINT}, got {show(value)}")
    if isinstance(value, int | float):
        if isinstance(value, int) and abs(value) > 10**300:  # no float holds it
            raise ValueError(f"expected a number from 0 to 1, got {show_number(value)}")
        return float(value)
    if isinstance(value, str):
        m = _PERCENT_RE.match(value)
        if m:
            return float(m.group(1)) / 100
        try:
            return float(value)
        except ValueError:
            pass
    raise ValueError(f"expected {PROBABILITY_HINT}, got {show(value)}")


def parse_rate(value: object) -> float:
    """Return a rate per day; raise ValueError naming what was expected."""
    text = str(value)

    def per_day(m: re.Match[str]) -> float:
        per = float(m.group(2)) if m.group(2) else 1.0
        if per <= 0:
            raise ValueError(f"a rate needs a period longer than zero, got {show(value)}")
        return float(m.group(1)) / (per * _unit(m.group(3), _RATE_HINT, text))

    rate = _with_unit(value, _RATE_HINT, _RATE_RE, per_day)
    if rate < 0:
        raise ValueError(f"a rate cannot be negative, got {show_number(value)}")
    if rate > MAX_RATE:
        raise ValueError(f"a rate of at most {MAX_RATE:,.0f} per day is supported, got {show_number(value)}")
    return rate


def check_date(value: dt.datetime | dt.date) -> dt.datetime:
    """A calendar date as a naive date-time within the supported years; raise ValueError."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        raise ValueError(f"give dates without a time zone (the scenario's clock has none), got {show(value)}")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"dates from {MIN_YEAR} to {MAX_YEAR} are supported, got {show(value)}")
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def parse_time_point(value: object) -> float | dt.datetime:
    """A time after the start (days) or a calendar date-time, resolved later against ``start``."""
    if isinstance(value, dt.date):
        return check_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_duration(value)  # its own message says what is wrong with the number
    if isinstance(value, str):
        text = value.strip()
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            try:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"not a valid date or date-time: {show(value)}") from None
            return check_date(parsed)
    try:
        return parse_duration(value)
    except ValueError:
        raise ValueError(
            f"expected a time after the start ({_DURATION_HINT}) or a date such as 2024-01-15, "
            f"got {show(value)}"
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
    raise ValueError(f'expected a time of day such as "02:00", got {show(value)}')
