"""The recorder gives back exactly what it was told, in order, whichever way it stored an event.

Threat events are packed into one int each when their figures fit (their time only stored when
it is not the threat's arrival time), and take a full record otherwise; an arrival is held back
and carried by the next event when that is the same threat's at the same holder.  The columns
read back must not depend on any of this.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from defsim.engine import recorder as recorder_module
from defsim.engine.recorder import Recorder
from defsim.engine.records import EVENT_COLUMNS, EventKind

Row = tuple[float, int, int, int, int, int, int, int, int]


def tell(rec: Recorder, told: list[Row]) -> list[Row]:
    """Tell ``rec`` these events in order; give back what its event log reads."""
    for t, kind, h, tid, tt, it, n, reason, route in told:
        match kind:
            case EventKind.ARRIVAL:
                rec.arrival(t, h, tid, tt)
            case EventKind.SHOT:
                rec.shot(t, h, tid, tt, it, n)
            case EventKind.KILL:
                rec.kill(t, h, tid, tt)
            case EventKind.LEAK:
                rec.leak(t, h, tid, tt, reason)
            case EventKind.PASSED:
                rec.passed(t, h, tid, tt, reason)
            case EventKind.DELIVERY:
                rec.delivery(t, h, it, n, route)
    log = rec.event_log()
    assert log is not None
    return list(zip(*(getattr(log, c).tolist() for c in EVENT_COLUMNS), strict=True))


def test_events_and_levels_read_back_as_told_on_both_paths():
    arrival = [0.5, 1.25, 2.0, 3.0]
    rec = Recorder(arrival)
    told = [
        (0.5, EventKind.ARRIVAL, 0, 0, 0, -1, 1, -1, -1),
        (0.5, EventKind.SHOT, 0, 0, 0, 2, 1, -1, -1),  # at its arrival time: no time stored
        (0.7, EventKind.KILL, 0, 0, 0, -1, 1, -1, -1),
        (1.0, EventKind.DELIVERY, 3, -1, -1, 1, 5_000_000_000, -1, 7),  # always a full record
        (1.25, EventKind.ARRIVAL, 5000, 1, 70, -1, 1, -1, -1),  # holder and type too big: full
        (1.25, EventKind.SHOT, 1, 1, 2, 1, 200, -1, -1),  # a salvo too big to pack
        (1.5, EventKind.PASSED, 1, 1, 2, -1, 1, 3, -1),
        (2.0, EventKind.LEAK, -1, 2, 1, -1, 1, 2, -1),  # an asset's leak, no site
        (3.0, EventKind.ARRIVAL, 2, 3, 62, -1, 1, -1, -1),
        (3.5, EventKind.LEAK, 254, 3, 254, -1, 1, 4, -1),  # the largest holder and type that pack
        (3.6, EventKind.SHOT, 254, 3, 254, 254, 255, -1, -1),  # and the largest salvo
        (3.7, EventKind.SHOT, 255, 3, 2, 1, 256, -1, -1),  # one more: a full record
    ]
    got = tell(rec, told)
    log = rec.event_log()
    assert log is not None
    assert got == [tuple(int(x) if i else x for i, x in enumerate(row)) for row in told]
    # each column in its full record's type, whichever way its events were stored
    assert all(getattr(log, c).dtype == recorder_module.EVENT_RECORD[c] for c in EVENT_COLUMNS)

    levels = [
        (0.0, 0, 10, 4),
        (0.1, 4095, 2**25 - 1, 2**25 - 1),
        (0.2, 4096, 3, 1),
        (0.3, 1, 2**40, 2**30),
        (0.4, 2, 0, 0),
    ]
    for row in levels:
        rec.stock(*row)
    st = rec.stock_log()
    assert (
        list(zip(st.time.tolist(), st.series.tolist(), st.level.tolist(), st.ready.tolist(), strict=True))
        == levels
    )


BIG = recorder_module._TID_MAX  # the first threat id a code cannot hold
TIDS = [*range(6), BIG - 1, BIG, BIG + 5]


@pytest.fixture(scope="module")
def arrivals() -> tuple[list[float], np.ndarray]:
    """Arrival times by threat id, ids past what a code holds included (built once: 4M ids)."""
    at = np.zeros(BIG + 6)
    at[TIDS] = [0.5 + 1.25 * k for k in range(len(TIDS))]
    return at.tolist(), at


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("chunk", [recorder_module._CHUNK, 1, 3])
def test_held_back_arrivals_read_back_in_their_place(
    seed: int, chunk: int, arrivals: tuple[list[float], np.ndarray]
) -> None:
    """Random runs of events where an arrival is followed by its own threat's event at the same
    holder (carried), at another holder, by another threat's event, by a full record, by
    another arrival, or by nothing (the end); threat ids past what a code holds among them.  The
    codes and times are moved to arrays a chunk at a time: small chunks put every boundary at
    every place in the sequence."""
    rng = random.Random(seed)
    tids = TIDS
    arrival = {tid: arrivals[1][tid] for tid in tids}
    told: list[Row] = []
    for _ in range(rng.randrange(1, 30)):
        tid, h, tt = rng.choice(tids), rng.choice([0, 1, 254, 300]), rng.choice([0, 3])
        # an arrival at its time, or (rarely) at another: then it is stored as told
        t = arrival[tid] if rng.random() < 0.9 else arrival[tid] + 1.0
        told.append((t, EventKind.ARRIVAL, h, tid, tt, -1, 1, -1, -1))
        nxt = rng.randrange(6)
        same = arrival[tid] if rng.random() < 0.7 else arrival[tid] + 0.5
        if nxt == 0:
            salvo = rng.choice([1, 2, 300])  # 300: too big to pack
            tt2 = tt if rng.random() < 0.8 else 3 - tt  # another type told: not carried
            told.append((same, EventKind.SHOT, h, tid, tt2, rng.choice([0, 2]), salvo, -1, -1))
        elif nxt == 1:
            told.append((same, EventKind.LEAK, h, tid, tt, -1, 1, rng.choice([0, 2]), -1))
        elif nxt == 2:
            told.append((same, EventKind.PASSED, (h + 1) % 3, tid, tt, -1, 1, 1, -1))  # another holder
        elif nxt == 3:
            other = rng.choice([x for x in tids if x != tid])
            told.append((arrival[other], EventKind.KILL, h, other, tt, -1, 1, -1, -1))
        elif nxt == 4:
            told.append((same, EventKind.DELIVERY, h, -1, -1, 1, 40, -1, 2))
        # nxt == 5: the next arrival, or the end of the run
    got = tell(Recorder(*arrivals, chunk=chunk), told)
    assert got == [tuple(int(x) if i else x for i, x in enumerate(row)) for row in told]
