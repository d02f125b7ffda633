"""Times the plan resolves once: offsets from time 0, schedules, production times, lead times."""

from __future__ import annotations

import datetime as dt
import math

from ..scenario.schema import TimeDistribution


def offset(tp: float | dt.datetime | None, start: dt.datetime | None, default: float) -> float:
    """Days from time 0 of a time point (days, or a date once ``start`` is known)."""
    if tp is None:
        return default
    if isinstance(tp, dt.datetime):
        assert start is not None  # checked when the scenario was loaded
        return (tp - start).total_seconds() / 86400.0
    return float(tp)


def lead(td: TimeDistribution | None) -> dict[str, float] | None:
    if td is None:
        return None
    return {k: v for k, v in td.model_dump().items() if v is not None}


def times(first: float, every: float, until: float, end: float) -> list[float]:
    out = []
    t = first
    stop = min(until, end)
    while t < end and t <= stop:
        out.append(t)
        t += every
    return out


def production_times(
    points: list[tuple[float, float]], interpolate: str, begin: float, end: float, cap: int | None
) -> list[float]:
    """Times when each round is finished: unit k when the integral of the rate from ``begin`` reaches k.

    ``points`` are (time, rate per day); the rate holds (step) or is interpolated (linear)
    between them, and the last rate holds to the end.
    """
    pts = sorted(points)
    if pts[0][0] > begin:
        pts.insert(0, (begin, 0.0 if interpolate == "step" else pts[0][1]))
    out: list[float] = []
    done = 0.0  # integral so far
    k = 1
    segments = [(pts[i][0], pts[i + 1][0], pts[i][1], pts[i + 1][1]) for i in range(len(pts) - 1)]
    segments.append((pts[-1][0], end, pts[-1][1], pts[-1][1]))
    for t0, t1, r0, r1 in segments:
        a, b = max(t0, begin), min(t1, end)
        if b <= a:
            continue
        if interpolate == "step" or t1 == t0:
            ra = rb = r0
        else:
            ra = r0 + (r1 - r0) * (a - t0) / (t1 - t0)
            rb = r0 + (r1 - r0) * (b - t0) / (t1 - t0)
        g = (rb - ra) / (b - a)
        area = (ra + rb) / 2 * (b - a)
        while k - done <= area + 1e-12:
            need = k - done
            # solve ra x + g x^2 / 2 = need for the time x into this segment
            x = need / ra if abs(g) < 1e-15 else (-ra + math.sqrt(max(ra * ra + 2 * g * need, 0.0))) / g
            out.append(a + x)
            if cap is not None and len(out) >= cap:
                return out
            k += 1
        done += area
    return out
