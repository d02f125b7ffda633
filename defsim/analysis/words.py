"""Answers' words: dates, counts, money and shares as a reader reads them, and the pieces the
answers of a run (:mod:`.answers`) and of an ensemble (:mod:`.odds`) share: the cost, the keys of
a holder's figures, numbers and dates as strict JSON holds them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .metrics import Kind

#: (holder, kind, interceptor types) of each site and stockpile, in output order
Layout = Sequence[tuple[str, str, Sequence[str]]]

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


# --- formatting ---------------------------------------------------------------------------


def when(day: float | None, start: dt.datetime | None, year: bool = True) -> str:
    """A day after the start as '12 Jan 2024 (day 11)', or 'day 11.2' without a calendar."""
    if day is None or not math.isfinite(day):
        return "never"
    if start is None:
        return f"day {day:.1f}"
    date = start + dt.timedelta(days=float(day))
    text = f"{date.day} {date:%b}" + (f" {date:%Y}" if year else "")
    return f"{text} (day {math.floor(day)})"


def short_date(day: float | None, start: dt.datetime | None) -> str:
    """A day as '12 Jan 2024', or 'day 11.2' without a calendar ('never' for None)."""
    if day is None or not math.isfinite(day):
        return "never"
    if start is None:
        return f"day {day:.1f}"
    date = start + dt.timedelta(days=float(day))
    return f"{date.day} {date:%b %Y}"


def compact(value: float) -> str:
    """A large amount short: 6.1bn, 806m, 4.0k, 950."""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            amount = f"{scaled:.0f}{suffix}" if abs(scaled) >= 100 else f"{scaled:.1f}{suffix}"
            break
    else:
        amount = f"{value:.0f}"
    return amount


def money(value: float | None, currency: str = "USD") -> str:
    """An amount as money: $6.1bn, $806m, $4.0k, $950 (other currencies: '6.1bn CHF')."""
    if value is None or not math.isfinite(value):
        return "-"
    amount = compact(value)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def count(value: float | None) -> str:
    """A count as a count: 11,290 (never 1.129e+04); a mean keeps one decimal."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def plural(n: float, word: str, many: str | None = None) -> str:
    """'1 threat', '2 threats', '1,290 threats' ('many' for an irregular plural)."""
    return f"{count(n)} {word if n == 1 else (many or word + 's')}"


def days(d: float) -> str:
    """A length of time in days as read: '40 days', '1 day', '913.1 days' (never '913.125 days')."""
    return plural(d, "day") if float(d).is_integer() else f"{d:,.1f} days"


def percent(p: float) -> str:
    return f"{100 * p:.0f}%"


VALUE_UNITS = "value units"  # damage and asset values: money or points, never a currency


def show(
    kind: Kind, value: float | None, start: dt.datetime | None = None, currency: str = "USD", unit: str = ""
) -> str:
    """A value as a reader wants it: counts as counts, money as money, days as dates.

    Damage is of the money kind (bounded below by 0, summed) but in the assets' own value units,
    so it is shown as a plain number, never with the currency.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "never" if kind is Kind.DAY else "-"
    if kind is Kind.COUNT:
        return count(value)
    if kind is Kind.MONEY and unit == VALUE_UNITS:
        # the assets' own units (points or money): short, without a currency
        return compact(value) if abs(value) >= 100 else f"{value:.1f}"
    if kind is Kind.MONEY:
        return money(value, currency)
    if kind is Kind.DAY:
        return short_date(value, start)
    if kind is Kind.DURATION:
        return f"{value:,.1f} days"
    if kind is Kind.SHARE:
        return f"{100 * value:.1f}%"
    return f"{value:.2f}"


def signed(kind: Kind, value: float, currency: str = "USD", unit: str = "") -> str:
    """A difference in the figure's own unit: '+15.7 pp' for a share (percentage points, never
    a fraction), '+8.8 days', '-$12m', '+1.3bn value units' for damage, '+4.0 rounds' for a count."""
    sign = "+" if value >= 0 else "-"
    if kind is Kind.MONEY and unit == VALUE_UNITS:
        return f"{sign}{show(kind, abs(value), None, currency, unit)} {VALUE_UNITS}"
    if kind is Kind.SHARE:
        return f"{100 * value:+.1f} pp"
    if kind in (Kind.DURATION, Kind.DAY):
        return f"{value:+,.1f} days"
    if kind is Kind.MONEY:
        return sign + money(abs(value), currency)
    if kind is Kind.RATIO:
        return f"{value:+.2f}"
    return f"{value:+,.1f}" + (f" {unit}" if unit else "")  # a count: '+4.0 rounds'


def difference(
    kind: Kind,
    diff: float,
    low: float | None,
    high: float | None,
    currency: str = "USD",
    unit: str = "",
    sep: str = " ",
) -> str:
    """A paired difference and its 95% interval in the figure's unit: 'Δ +8.8 days [+8.5, +9.1]'
    (the unit once, after the mean; ``sep`` between the two, e.g. a line break in a table)."""
    text = f"Δ {signed(kind, diff, currency, unit)}"
    if low is not None and high is not None:
        suffix = {Kind.SHARE: " pp", Kind.DURATION: " days", Kind.DAY: " days"}.get(kind, "")
        if (kind is Kind.MONEY and unit == VALUE_UNITS) or (kind is Kind.COUNT and unit):
            suffix = f" {unit}"
        lo, hi = (signed(kind, x, currency, unit).removesuffix(suffix) for x in (low, high))
        text += f"{sep}[{lo}, {hi}]"
    return text


#: why a threat got through, in words (the reasons of events.csv and leaked_by_reason)
REASON_WORDS = {
    "no_stock": "for lack of rounds",
    "saturated": "with every fire channel busy",
    "missed": "after being missed",
    "not_engaged": "without being engaged",
    "rationed": "held back by rationing",
}


def figure_label(meaning: str, key: str = "") -> str:
    """A figure's plain-English label, as tables show it (terminal and report alike): its
    meaning without the registry's notes on nulls and absent entries; a day that may never come
    stands for two rows, '... (share of runs)' and '... (median)'."""
    text = re.sub(r"\s*\((null|absent|see )[^)]*\)", "", meaning).split(": ")[0]
    text = re.sub(
        r"leaked for reason (\w+)", lambda m: "got through " + REASON_WORDS.get(m.group(1), m.group(0)), text
    )
    if key.endswith(".p_happened"):
        text += " (share of runs)"
    elif key.endswith(".median"):
        text += " (median)"
    return text


@dataclass(frozen=True)
class Cost:
    spent: float
    defeated: float
    ratio: float | None
    currency: str

    def line(self) -> str:
        ratio = "-" if self.ratio is None else f"{self.ratio:.2f}"
        return (
            f"Interceptors fired cost {money(self.spent, self.currency)}; the threats they killed cost "
            f"{money(self.defeated, self.currency)} (cost-exchange ratio {ratio}; {self.currency})."
        )


def prefix(name: str, kind: str) -> str:
    return f"{'sites' if kind == 'site' else 'stockpiles_and_producers'}.{name}"


def type_key(name: str, kind: str, interceptor: str, what: str = "first_stockout_day") -> str:
    """The registry key of one type's figure at one holder."""
    return f"{prefix(name, kind)}.by_interceptor.{interceptor}.{what}"


def as_number(x: float | None) -> float | None:
    """A number for strict JSON: None for never, NaN or infinity."""
    return None if x is None or not math.isfinite(x) else float(x)


def iso_date(day: float | None, start: dt.datetime | None) -> str | None:
    """A day after the start as an ISO date ('2024-01-12'), None without a calendar or for never."""
    if start is None or as_number(day) is None:
        return None
    assert day is not None
    return (start + dt.timedelta(days=float(day))).date().isoformat()


def cost_data(c: Cost | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "interceptor_cost_spent": as_number(c.spent),
        "threat_cost_defeated": as_number(c.defeated),
        "cost_exchange_ratio": as_number(c.ratio),
        "currency": c.currency,
        "sentence": c.line(),
    }
