"""The tables of a run are written a column at a time (dates at once with numpy, each distinct name
guarded once): every cell must be the character-for-character cell of the row-by-row way."""

from __future__ import annotations

import datetime as dt
import enum

import numpy as np
import pytest

from defsim.analysis.run import dates
from defsim.io.tables import _column, _fmt


def one_by_one(start: dt.datetime, times: np.ndarray) -> list[str]:
    return [(start + dt.timedelta(days=float(t))).strftime("%Y-%m-%d %H:%M") for t in times.tolist()]


def tricky_times(rng: np.random.Generator) -> np.ndarray:
    """Random times, and times a hair either side of every minute and half microsecond of a week,
    where rounding to the microsecond decides the minute."""
    minutes = np.arange(0, 7, 1 / 1440)
    half_us = 0.5 / 86_400e6
    return np.concatenate(
        [
            rng.uniform(0, 1200, 20_000),
            minutes,
            np.nextafter(minutes, np.inf),
            np.nextafter(minutes[1:], -np.inf),
            minutes + half_us,
            minutes[1:] - half_us,
            np.arange(0, 2, 1 / 86_400),
        ]
    )


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2023, 1, 1),
        dt.datetime(2024, 2, 28, 23, 59, 59, 999_999),
        dt.datetime(1999, 12, 31, 22, 30, 0, 500_000),
        dt.datetime(2024, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))),  # the slow way
        dt.datetime(999, 6, 1),  # strftime's year of three digits: the slow way
        dt.datetime(9999, 12, 1),  # runs past the year 9999: the slow way
    ],
)
def test_a_column_of_dates_is_each_times_own_date(start):
    times = tricky_times(np.random.default_rng(7))
    if start.year == 9999:
        times = times[times < 30]  # datetime itself stops at the end of 9999
    assert dates(start, times) == one_by_one(start, times)


def test_no_start_and_no_times():
    assert dates(None, np.array([0.0, 1.5])) == [None, None]
    assert dates(dt.datetime(2024, 1, 1), np.array([])) == []


class Name(enum.StrEnum):
    A = "=A"


@pytest.mark.parametrize(
    "values",
    [
        (0.1, 2.0, 1e-7, 123456.123456789),
        (1, -2, 10**20),
        ("Site", "=SUM(A1)", "'quoted", "-1", "+x", "@me", "\tTab", "Site", ""),
        (1, "", 3),  # a threat_id column: an id or nothing
        (True, 1, 1.0),  # equal values of different types stay apart
        (np.float64(0.5), 0.5),
        (Name.A, "=A"),
        (None, "x"),
        (),
    ],
)
def test_a_column_is_written_cell_by_cell_as_before(values):
    assert list(_column(values)) == [_fmt(v) for v in values]
