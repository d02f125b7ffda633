"""What the parts of one run share: the clock, the recorder, the random streams and the ledger.

A part receives a :class:`RunState` (or the piece of it it uses), never the whole simulation:
a site counts its threats in the :class:`Ledger`, records through the recorder and draws from
its own streams; the stock series each holder and route writes are numbered by :class:`Series`.
"""

from __future__ import annotations

from typing import final

import numpy as np

from .clock import Clock
from .recorder import Recorder
from .records import REASONS
from .streams import Streams


@final
class Ledger:
    """Threats per type: arrived, engaged, killed and leaked (by reason).

    Sites hold the lists themselves and add to them on the hot path; everything else uses the
    methods.  A threat is counted once: arrived where it was aimed, engaged if any layer
    engaged it, then killed or leaked once.
    """

    __slots__ = ("arrived", "engaged", "killed", "leaked")

    def __init__(self, n_types: int) -> None:
        self.arrived = [0] * n_types
        self.engaged = [0] * n_types
        self.killed = [0] * n_types
        self.leaked = [[0] * n_types for _ in REASONS]

    def arrive(self, tt: int) -> None:
        self.arrived[tt] += 1

    def leak(self, reason: int, tt: int) -> None:
        self.leaked[reason][tt] += 1

    def counts(self, twice: list[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """arrived, engaged, killed and leaked as arrays; ``twice``: per type, threats still in an
        engagement at the end that an earlier layer engaged too (counted engaged once)."""
        engaged = np.array(self.engaged) - np.array(twice, dtype=np.int64)
        return np.array(self.arrived), engaged, np.array(self.killed), np.array(self.leaked)


@final
class Series:
    """The stock series of a run: (holder or route, interceptor type, kind), level and ready
    rounds at time 0.  A holder or route asks for its series once and writes to it by number."""

    __slots__ = ("initial", "initial_ready", "names")

    def __init__(self) -> None:
        self.names: list[tuple[str, str, str]] = []
        self.initial: list[int] = []
        self.initial_ready: list[int] = []

    def add(self, name: str, interceptor: str, kind: str, level: int = 0, ready: int = 0) -> int:
        self.names.append((name, interceptor, kind))
        self.initial.append(level)
        self.initial_ready.append(ready)
        return len(self.names) - 1


@final
class RunState:
    """The run's clock, recorder, random streams, threat ledger and stock series."""

    __slots__ = ("clock", "ledger", "recorder", "series", "streams")

    def __init__(self, clock: Clock, recorder: Recorder, streams: Streams, n_types: int) -> None:
        self.clock = clock
        self.recorder = recorder
        self.streams = streams
        self.ledger = Ledger(n_types)
        self.series = Series()
