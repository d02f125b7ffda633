"""Times the plan resolves once: offsets from time 0, schedules, production times, lead times."""

from __future__ import annotations

import datetime as dt

from ..scenario.schema import TimeDistribution
from .model import DurationPlan
from .schedules import production_times as _production_times


def offset(tp: float | dt.datetime | None, start: dt.datetime | None, default: float) -> float:
    """Days from time 0 of a time point (days, or a date once ``start`` is known)."""
    if tp is None:
        return default
    if isinstance(tp, dt.datetime):
        assert start is not None  # checked when the scenario was loaded
        return (tp - start).total_seconds() / 86400.0
    return float(tp)


def duration(td: TimeDistribution) -> DurationPlan:
    """A scenario's random duration, in days."""
    params = {k: float(v) for k, v in td.model_dump(exclude={"dist"}).items() if v is not None}
    return DurationPlan(td.dist, **params)


def lead(td: TimeDistribution | None) -> DurationPlan | None:
    return None if td is None else duration(td)


def production_times(
    points: list[tuple[float, float]], interpolate: str, begin: float, end: float, cap: int | None
) -> list[float]:
    """Every round's finishing time as a list (see :func:`schedules.production_times`)."""
    return list(_production_times(points, interpolate, begin, end, cap))
