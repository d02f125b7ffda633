"""The recorder: one typed method per event kind, and the stock levels after every change.

Sites, routes and stores report what happens through these methods and nothing else.  Each
event is packed as one fixed-size binary record (:data:`EVENT_RECORD`) onto a growing buffer,
so the run keeps no Python object per event, and the named numpy columns of an
:class:`~defsim.engine.records.EventLog` are a view of that buffer, copied out once at the
end.  Stock level changes are packed the same way.  A :class:`NullRecorder` keeps the stock
levels (the stock series and every summary figure need them) and drops the events, for
ensembles.
"""

from __future__ import annotations

import struct
from typing import Final

import numpy as np

from .records import EVENT_COLUMNS, EventLog, StockLog

_ARRIVAL: Final = 0
_SHOT: Final = 1
_KILL: Final = 2
_LEAK: Final = 3
_DELIVERY: Final = 4
_RELOAD: Final = 5
_PRODUCED: Final = 6
_SHIPPED: Final = 7
_LOST: Final = 8
_PAUSED: Final = 9
_RESUMED: Final = 10
_DOCTRINE: Final = 11
_PASSED: Final = 12
_CANCELLED: Final = 13
_DELAYED: Final = 14
_APPROVED: Final = 15

#: one event: its columns in EVENT_COLUMNS order, little-endian, no padding (-1: not applicable)
EVENT_RECORD = np.dtype(
    [
        ("time", "<f8"),
        ("kind", "i1"),
        ("holder", "<i4"),
        ("threat_id", "<i4"),
        ("threat", "<i4"),
        ("interceptor", "<i4"),
        ("n", "<i8"),
        ("reason", "i1"),
        ("route", "<i4"),
    ]
)
#: one stock level change
STOCK_RECORD = np.dtype([("time", "<f8"), ("series", "<i4"), ("level", "<i8"), ("ready", "<i8")])

_EVENT = struct.Struct("<dbiiiiqbi")
_STOCK = struct.Struct("<diqq")
assert EVENT_RECORD.names == EVENT_COLUMNS and EVENT_RECORD.itemsize == _EVENT.size
assert STOCK_RECORD.itemsize == _STOCK.size


class Recorder:
    """Records every event and every stock level change of one run."""

    #: whether event methods record anything (the hot path skips calling them when not)
    detailed: bool = True

    def __init__(self) -> None:
        self._events = bytearray()
        self._levels = bytearray()
        # bound once: an event costs one pack and one extend
        self._put = self._events.extend
        self._pack = _EVENT.pack
        self._put_level = self._levels.extend
        self._pack_level = _STOCK.pack

    # --- threats --------------------------------------------------------------------------

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._put(self._pack(time, _ARRIVAL, site, threat_id, threat, -1, 1, -1, -1))

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        self._put(self._pack(time, _SHOT, site, threat_id, threat, interceptor, n, -1, -1))

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._put(self._pack(time, _KILL, site, threat_id, threat, -1, 1, -1, -1))

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        self._put(self._pack(time, _LEAK, site, threat_id, threat, -1, 1, reason, -1))

    def passed(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        """A threat survived ``site``'s layer for ``reason`` and goes on to the next layer."""
        self._put(self._pack(time, _PASSED, site, threat_id, threat, -1, 1, reason, -1))

    # --- rounds ---------------------------------------------------------------------------

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._put(self._pack(time, _DELIVERY, holder, -1, -1, interceptor, n, -1, route))

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        self._put(self._pack(time, _RELOAD, site, -1, -1, interceptor, n, -1, -1))

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        self._put(self._pack(time, _PRODUCED, holder, -1, -1, interceptor, n, -1, -1))

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._put(self._pack(time, _SHIPPED, holder, -1, -1, interceptor, n, -1, route))

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._put(self._pack(time, _LOST, holder, -1, -1, interceptor, n, -1, route))

    # --- actions of user processes -------------------------------------------------------

    def paused(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process paused ``route`` (to ``holder``); ``n`` is 0."""
        self._put(self._pack(time, _PAUSED, holder, -1, -1, interceptor, n, -1, route))

    def resumed(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process resumed ``route``; ``n`` rounds it held back leave now."""
        self._put(self._pack(time, _RESUMED, holder, -1, -1, interceptor, n, -1, route))

    def doctrine(self, time: float, site: int, shots: int) -> None:
        """A process set ``site``'s salvo to ``shots`` rounds."""
        self._put(self._pack(time, _DOCTRINE, site, -1, -1, -1, shots, -1, -1))

    def route_decision(
        self, kind: int, time: float, holder: int, interceptor: int, n: int, route: int
    ) -> None:
        """A route was cancelled (``n`` rounds dropped), delayed (``n`` rounds in transit) or
        approved (``n`` rounds held back leave now)."""
        self._put(self._pack(time, kind, holder, -1, -1, interceptor, n, -1, route))

    def stock(self, time: float, series: int, level: int, ready: int) -> None:
        """Series ``series`` holds ``level`` rounds from ``time`` on, ``ready`` of them on launchers."""
        self._put_level(self._pack_level(time, series, level, ready))

    # --- the columns, copied out once -----------------------------------------------------

    def stock_log(self) -> StockLog:
        rows = np.frombuffer(self._levels, dtype=STOCK_RECORD)
        return StockLog(
            rows["time"].copy(),
            rows["series"].astype(np.int64),
            rows["level"].copy(),
            rows["ready"].copy(),
        )

    def event_log(self) -> EventLog | None:
        rows = np.frombuffer(self._events, dtype=EVENT_RECORD)
        time = rows["time"].copy()
        ints = {c: rows[c].astype(np.int64) for c in EVENT_COLUMNS[1:]}
        return EventLog(time=time, **ints)


class NullRecorder(Recorder):
    """Keeps stock levels, drops events: what ensembles need."""

    detailed: bool = False

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        pass

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        pass

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        pass

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        pass

    def passed(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        pass

    def route_decision(
        self, kind: int, time: float, holder: int, interceptor: int, n: int, route: int
    ) -> None:
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

    def paused(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def resumed(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def doctrine(self, time: float, site: int, shots: int) -> None:
        pass

    def event_log(self) -> EventLog | None:
        return None
