"""The recorder: one typed method per event kind, and the stock levels after every change.

Sites, routes and stores report what happens through these methods and nothing else.  The
recorder writes columnar data cheaply during the run (a kind code per event and the event's
fields appended to a flat list per kind) and builds the named numpy columns of an
:class:`~defsim.engine.records.EventLog` once, at the end.  A :class:`NullRecorder` keeps the
stock levels (the stock series and every summary figure need them) and drops the events, for
ensembles.
"""

from __future__ import annotations

from array import array
from typing import Final

import numpy as np

from .records import EVENT_COLUMNS, EventKind, EventLog, StockLog

_ARRIVAL: Final = 0
_SHOT: Final = 1
_KILL: Final = 2
_LEAK: Final = 3
_DELIVERY: Final = 4
_RELOAD: Final = 5
_PRODUCED: Final = 6
_SHIPPED: Final = 7
_LOST: Final = 8

#: the integer columns each kind writes, in the order its method appends them; times go to
#: one list of floats (ints and floats kept apart convert to numpy several times faster).
#: An arrival's time and site are its threat's, drawn up front, and a threat event's threat
#: type is its threat id's: those columns are filled from the arrivals at the end.
LAYOUT: dict[EventKind, tuple[str, ...]] = {
    EventKind.ARRIVAL: ("threat_id",),
    EventKind.SHOT: ("holder", "threat_id", "interceptor", "n"),
    EventKind.KILL: ("holder", "threat_id"),
    EventKind.LEAK: ("holder", "threat_id", "reason"),
    EventKind.DELIVERY: ("holder", "interceptor", "n", "route"),
    EventKind.RELOAD: ("holder", "interceptor", "n"),
    EventKind.PRODUCED: ("holder", "interceptor", "n"),
    EventKind.SHIPPED: ("holder", "interceptor", "n", "route"),
    EventKind.LOST: ("holder", "interceptor", "n", "route"),
}
assert all(int(k) == code for code, k in enumerate(LAYOUT))


class Recorder:
    """Records every event and every stock level change of one run.

    ``arrival_time``, ``arrival_site`` and ``threat_of`` are the arrivals drawn up front, by
    threat id: an arrival is recorded by its id alone, and a threat's type is its id's.
    """

    #: whether event methods record anything (the hot path skips calling them when not)
    detailed: bool = True

    def __init__(self, arrival_time: np.ndarray, arrival_site: np.ndarray, threat_of: np.ndarray) -> None:
        self._arrival_time = arrival_time
        self._arrival_site = arrival_site
        self._threat_of = threat_of
        self._kinds = array("b")
        self._times: list[float] = []  # of every event but arrivals, in order
        self._data: list[list[int]] = [[] for _ in EventKind]
        self._level_times: list[float] = []
        self._levels: list[int] = []
        # bound once: an event costs an append of its kind, of its time and an extend
        self._kind = self._kinds.append
        self._time = self._times.append
        self._arrived = self._data[_ARRIVAL].append
        self._shot = self._data[_SHOT].extend
        self._kill = self._data[_KILL].extend
        self._leak = self._data[_LEAK].extend
        self._level_time = self._level_times.append
        self._level = self._levels.extend

    # --- threats --------------------------------------------------------------------------

    def arrival(self, threat_id: int) -> None:
        """Threat ``threat_id`` arrived (at the time and site drawn for it)."""
        self._kind(_ARRIVAL)
        self._arrived(threat_id)

    def shot(self, time: float, site: int, threat_id: int, interceptor: int, n: int) -> None:
        self._kind(_SHOT)
        self._time(time)
        self._shot((site, threat_id, interceptor, n))

    def kill(self, time: float, site: int, threat_id: int) -> None:
        self._kind(_KILL)
        self._time(time)
        self._kill((site, threat_id))

    def leak(self, time: float, site: int, threat_id: int, reason: int) -> None:
        self._kind(_LEAK)
        self._time(time)
        self._leak((site, threat_id, reason))

    # --- rounds ---------------------------------------------------------------------------

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_DELIVERY)
        self._time(time)
        self._data[_DELIVERY].extend((holder, interceptor, n, route))

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        self._kind(_RELOAD)
        self._time(time)
        self._data[_RELOAD].extend((site, interceptor, n))

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        self._kind(_PRODUCED)
        self._time(time)
        self._data[_PRODUCED].extend((holder, interceptor, n))

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_SHIPPED)
        self._time(time)
        self._data[_SHIPPED].extend((holder, interceptor, n, route))

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_LOST)
        self._time(time)
        self._data[_LOST].extend((holder, interceptor, n, route))

    def stock(self, time: float, series: int, level: int, ready: int) -> None:
        """Series ``series`` holds ``level`` rounds from ``time`` on, ``ready`` of them on launchers."""
        self._level_time(time)
        self._level((series, level, ready))

    # --- the columns, built once ----------------------------------------------------------

    def stock_log(self) -> StockLog:
        time = np.fromiter(self._level_times, np.float64, len(self._level_times))
        ints = np.fromiter(self._levels, np.int64, len(self._levels)).reshape(-1, 3)
        return StockLog(time, ints[:, 0].copy(), ints[:, 1].copy(), ints[:, 2].copy())

    def event_log(self) -> EventLog | None:
        kinds = np.frombuffer(self._kinds, dtype=np.int8)
        n = len(kinds)
        time = np.empty(n)
        time[kinds != _ARRIVAL] = np.fromiter(self._times, np.float64, len(self._times))
        cols = {c: np.full(n, -1, dtype=np.int64) for c in EVENT_COLUMNS[2:]}
        cols["n"][:] = 1  # threat events concern one threat
        for kind, fields in LAYOUT.items():
            rows = np.flatnonzero(kinds == kind)
            if len(rows) == 0:
                continue
            data = self._data[kind]
            block = np.fromiter(data, np.int64, len(data)).reshape(len(rows), len(fields))
            for j, name in enumerate(fields):
                cols[name][rows] = block[:, j]
            if kind == EventKind.ARRIVAL:
                ids = block[:, 0]
                time[rows] = self._arrival_time[ids]
                cols["holder"][rows] = self._arrival_site[ids]
        tid = cols["threat_id"]
        of_threat = tid >= 0
        cols["threat"][of_threat] = self._threat_of[tid[of_threat]]
        return EventLog(time=time, kind=kinds.astype(np.int64), **cols)


class NullRecorder(Recorder):
    """Keeps stock levels, drops events: what ensembles need."""

    detailed: bool = False

    def arrival(self, threat_id: int) -> None:
        pass

    def shot(self, time: float, site: int, threat_id: int, interceptor: int, n: int) -> None:
        pass

    def kill(self, time: float, site: int, threat_id: int) -> None:
        pass

    def leak(self, time: float, site: int, threat_id: int, reason: int) -> None:
        pass

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        pass

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        pass

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def event_log(self) -> EventLog | None:
        return None
