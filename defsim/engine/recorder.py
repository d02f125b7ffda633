"""The recorder: one typed method per event kind, and the stock levels after every change.

Sites, routes and stores report what happens through these methods and nothing else.  A
threat event (arrival, shot, kill, leak, passed: nearly all of them) is packed into one int on
a list, with its time on another only when it is not the threat's arrival time (a shot or leak
at arrival stores none); that costs the hot path an append or two, and the named numpy columns
of an :class:`~defsim.engine.records.EventLog` are decoded from byte views of those ints once at
the end.  An arrival is held back until the next event: when that is the same threat's at the
same holder (engaged or let through at once: most threats), one int carries both.  Other
events, and figures too big to pack, take one fixed-size binary record (:data:`EVENT_RECORD`)
on a buffer, marked -1 in the list.  Stock level changes are packed as such records too.  A
:class:`NullRecorder` keeps the stock levels (the stock series and every summary figure need
them) and drops the events, for ensembles.
"""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Final

import numpy as np

from .records import EVENT_COLUMNS, EventLog, StockLog

if TYPE_CHECKING:
    # a machine integer under mypyc (the codes are packed without a tagged int's checks); a
    # plain int otherwise, and nothing is imported at run time
    from mypy_extensions import i64

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


#: a threat event (arrival, shot, kill, leak, passed) packed into one int, a byte per field so
#: that the columns are read back as byte views: byte 0 holds whether the time is stored (bit 0;
#: else it is the threat's arrival time), the kind (bits 1-4) and reason + 1 (bits 5-7), bytes
#: 1-4 holder + 1, interceptor + 1, n and threat type + 1, bit 40 whether the threat's arrival at
#: the same holder comes just before (and is not an int of its own), bits 41-62 the threat id.
#: An event with a figure that does not fit takes the slow path: a full record (code -1).
_KIND_AT: Final = 1
_REASON_AT: Final = 5
_HOLDER_AT: Final = 8
_ITYPE_AT: Final = 16
_N_AT: Final = 24
_THREAT_AT: Final = 32
_AFTER_ARRIVAL: Final = 1 << 40
_TID_AT: Final = 41
_BYTE: Final = 255  # the largest figure a byte holds
_TID_MAX: Final = 1 << (63 - _TID_AT)  # the code stays a non-negative int64
_FULL: Final = -1
_CHUNK: Final = 4096  # codes (and times) moved to an array at a time
#: the fields an arrival shares with the event it comes just before (carried only when all three
#: are the same): threat id, type, holder
_ARRIVAL_OF: Final = ~((1 << _TID_AT) - 1) | _BYTE << _THREAT_AT | _BYTE << _HOLDER_AT
#: an arrival's own fields: its kind, n = 1 (interceptor and reason: none, time: the arrival's)
_ARRIVAL_CODE: Final = _ARRIVAL << _KIND_AT | 1 << _N_AT


class Recorder:
    """Records every event and every stock level change of one run.

    ``arrival_time`` is each threat's arrival time, by threat id (``arrival_array`` the same as
    an array, if the caller has one): a threat event at that time stores no time of its own.
    """

    #: whether event methods record anything (the hot path skips calling them when not)
    detailed: bool = True

    def __init__(
        self, arrival_time: list[float], arrival_array: np.ndarray | None = None, chunk: int = _CHUNK
    ) -> None:
        self._at = arrival_time
        self._at_array = arrival_array
        # threat events, one int each (and their time when it is not the arrival's), moved to an
        # array a chunk at a time: the ints are freed while still in the cache, and the next
        # chunk's reuse their memory (kept to the end, a run's ints would fill fresh pages)
        self._chunk = chunk
        self._codes: list[int] = []
        self._times: list[float] = []
        self._code_chunks: list[np.ndarray] = []
        self._time_chunks: list[np.ndarray] = []
        # events that take a full record (everything but threat events): code -1 in _codes
        self._events = bytearray()
        self._levels = bytearray()
        # bound once: an event costs one pack and one extend
        self._put = self._events.extend
        self._pack = _EVENT.pack
        self._put_level = self._levels.extend
        self._pack_level = _STOCK.pack
        # the arrival held back (threat id, -1: none), its holder and its threat type
        self._held: i64 = -1
        self._held_at: i64 = -1
        self._held_tt: i64 = -1

    def _threat_event(
        self, kind: i64, time: float, site: i64, tid: i64, tt: i64, itype: i64, n: i64, reason: i64
    ) -> None:
        if site < _BYTE and itype < _BYTE and tt < _BYTE and 0 <= n <= _BYTE and tid < _TID_MAX:
            code: i64 = (
                kind << _KIND_AT
                | (reason + 1) << _REASON_AT
                | (site + 1) << _HOLDER_AT
                | (itype + 1) << _ITYPE_AT
                | n << _N_AT
                | (tt + 1) << _THREAT_AT
                | tid << _TID_AT
            )
            if self._held >= 0:
                if self._held == tid and self._held_at == site and self._held_tt == tt:
                    code |= _AFTER_ARRIVAL
                    self._held = -1
                else:
                    self._release()
            if time != self._at[tid]:
                self._times.append(time)
                if len(self._times) >= self._chunk:
                    self._time_chunks.append(np.array(self._times, dtype=np.float64))
                    self._times.clear()
                code |= 1
            self._code(code)
        else:
            self._full(time, kind, site, tid, tt, itype, n, reason, -1)

    def _full(
        self,
        time: float,
        kind: int,
        holder: int,
        tid: int,
        tt: int,
        itype: int,
        n: int,
        reason: int,
        route: int,
    ) -> None:
        if not self.detailed:
            return
        if self._held >= 0:
            self._release()
        self._code(_FULL)
        self._put(self._pack(time, kind, holder, tid, tt, itype, n, reason, route))

    def _code(self, code: i64) -> None:
        self._codes.append(code)
        if len(self._codes) >= self._chunk:
            self._code_chunks.append(np.array(self._codes, dtype=np.int64))
            self._codes.clear()

    def _release(self) -> None:
        """The held-back arrival becomes an int of its own."""
        self._code(
            _ARRIVAL_CODE
            | (self._held_at + 1) << _HOLDER_AT
            | (self._held_tt + 1) << _THREAT_AT
            | self._held << _TID_AT
        )
        self._held = -1

    # --- threats --------------------------------------------------------------------------

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        if self._held >= 0:
            self._release()
        if 0 <= threat_id < _TID_MAX and site < _BYTE and threat < _BYTE and time == self._at[threat_id]:
            self._held = threat_id
            self._held_at = site
            self._held_tt = threat
        else:
            self._threat_event(_ARRIVAL, time, site, threat_id, threat, -1, 1, -1)

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        self._threat_event(_SHOT, time, site, threat_id, threat, interceptor, n, -1)

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._threat_event(_KILL, time, site, threat_id, threat, -1, 1, -1)

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        self._threat_event(_LEAK, time, site, threat_id, threat, -1, 1, reason)

    def passed(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        """A threat survived ``site``'s layer for ``reason`` and goes on to the next layer."""
        self._threat_event(_PASSED, time, site, threat_id, threat, -1, 1, reason)

    # --- rounds ---------------------------------------------------------------------------

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._full(time, _DELIVERY, holder, -1, -1, interceptor, n, -1, route)

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        self._full(time, _RELOAD, site, -1, -1, interceptor, n, -1, -1)

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        self._full(time, _PRODUCED, holder, -1, -1, interceptor, n, -1, -1)

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._full(time, _SHIPPED, holder, -1, -1, interceptor, n, -1, route)

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._full(time, _LOST, holder, -1, -1, interceptor, n, -1, route)

    # --- actions of user processes -------------------------------------------------------

    def paused(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process paused ``route`` (to ``holder``); ``n`` is 0."""
        self._full(time, _PAUSED, holder, -1, -1, interceptor, n, -1, route)

    def resumed(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process resumed ``route``; ``n`` rounds it held back leave now."""
        self._full(time, _RESUMED, holder, -1, -1, interceptor, n, -1, route)

    def doctrine(self, time: float, site: int, shots: int) -> None:
        """A process set ``site``'s salvo to ``shots`` rounds."""
        self._full(time, _DOCTRINE, site, -1, -1, -1, shots, -1, -1)

    def route_decision(
        self, kind: int, time: float, holder: int, interceptor: int, n: int, route: int
    ) -> None:
        """A route was cancelled (``n`` rounds dropped), delayed (``n`` rounds in transit) or
        approved (``n`` rounds held back leave now)."""
        self._full(time, kind, holder, -1, -1, interceptor, n, -1, route)

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
        if self._held >= 0:
            self._release()
        codes = np.concatenate([*self._code_chunks, np.array(self._codes, dtype=np.int64)])
        full = np.flatnonzero(codes < 0)  # their columns come from the full records
        codes[full] = 0
        after = codes & _AFTER_ARRIVAL != 0
        carried = np.flatnonzero(after)
        if len(carried):  # each held-back arrival goes just before the event that carried it
            codes &= ~_AFTER_ARRIVAL
            arrivals = codes[carried] & _ARRIVAL_OF | _ARRIVAL_CODE
            codes = np.repeat(codes, after.view(np.uint8) + 1)
            codes[carried + np.arange(len(carried))] = arrivals
            full += np.searchsorted(carried, full)
        byte = codes.view(np.uint8).reshape(-1, 8)  # little-endian: byte k is bits 8k to 8k+7
        flags = byte[:, 0]
        tid = codes >> _TID_AT
        # each column in its full record's type (EVENT_RECORD)
        cols = {
            "kind": np.bitwise_and(flags >> _KIND_AT, 15, dtype=np.int8),
            "holder": np.subtract(byte[:, _HOLDER_AT // 8], 1, dtype=np.int32),
            "threat_id": tid.astype(np.int32),
            "threat": np.subtract(byte[:, _THREAT_AT // 8], 1, dtype=np.int32),
            "interceptor": np.subtract(byte[:, _ITYPE_AT // 8], 1, dtype=np.int32),
            "n": byte[:, _N_AT // 8].astype(np.int64),
            "reason": np.subtract(flags >> _REASON_AT, 1, dtype=np.int8),
            "route": np.full(len(codes), -1, dtype=np.int32),
        }
        at = np.asarray(self._at if self._at_array is None else self._at_array, dtype=np.float64)
        time = at[tid] if len(at) else np.zeros(len(codes))
        time[(flags & 1).view(bool)] = np.concatenate(
            [*self._time_chunks, np.array(self._times, dtype=np.float64)]
        )
        if len(full):
            rows = np.frombuffer(self._events, dtype=EVENT_RECORD)
            time[full] = rows["time"]
            for name, col in cols.items():
                col[full] = rows[name]
        return EventLog(time=time, **cols)


class NullRecorder(Recorder):
    """Keeps stock levels, drops events: what ensembles need."""

    detailed: bool = False

    def event_log(self) -> EventLog | None:
        return None
