"""Times that recur, kept as schedules rather than lists: a plan stays small however long the run.

A shipment every day for a century, a flow of thousands a day, a producer's every round: the
plan holds the schedule (:class:`Every`, :class:`Production`) and the engine asks for the next
time when the last one has come.  Each schedule gives exactly the times a list would have held.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Every:
    """``first``, ``first + step``, ... while before ``end`` and not after ``until``; with no
    ``step``, ``first`` alone (when it is before ``end``)."""

    first: float
    step: float | None
    until: float
    end: float

    def __iter__(self) -> Iterator[float]:
        if self.step is None:
            if self.first < self.end:
                yield self.first
            return
        t, stop = self.first, min(self.until, self.end)
        while t < self.end and t <= stop:
            yield t
            t += self.step  # accumulated as a list of them was: the same floats


def production_times(
    points: list[tuple[float, float]], interpolate: str, begin: float, end: float, cap: int | None
) -> Iterator[float]:
    """Times when each round is finished: unit k when the integral of the rate from ``begin`` reaches k.

    ``points`` are (time, rate per day); the rate holds (step) or is interpolated (linear)
    between them, and the last rate holds to the end.
    """
    pts = sorted(points)
    if pts[0][0] > begin:
        pts.insert(0, (begin, 0.0 if interpolate == "step" else pts[0][1]))
    made = 0
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
            yield a + x
            made += 1
            if cap is not None and made >= cap:
                return
            k += 1
        done += area


@dataclass(frozen=True)
class Production:
    """A producer's output: (time, rounds) of each lot, rounds finished at the same time together."""

    points: tuple[tuple[float, float], ...]
    interpolate: str
    begin: float
    end: float
    cap: int | None
    batch: int = 1  # a lot is finished when its last round is (no last partial lot)

    def rounds(self) -> Iterator[float]:
        return production_times(list(self.points), self.interpolate, self.begin, self.end, self.cap)

    def lots(self) -> Iterator[tuple[float, int]]:
        times = self.rounds()
        if self.batch > 1:
            times = (t for k, t in enumerate(times, 1) if k % self.batch == 0)
        size = self.batch
        pending: float | None = None
        n = 0
        for t in times:
            if t == pending:
                n += size
                continue
            if pending is not None:
                yield pending, n
            pending, n = t, size
        if pending is not None:
            yield pending, n
