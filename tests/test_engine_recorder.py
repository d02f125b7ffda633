"""The recorder gives back exactly what it was told, in order, whichever way it stored an event.

Threat events are packed into one int each when their figures fit (their time only stored when
it is not the threat's arrival time), and take a full record otherwise; the columns read back
must not depend on which.
"""

from __future__ import annotations

import numpy as np

from defsim.engine.recorder import Recorder
from defsim.engine.records import EVENT_COLUMNS, EventKind


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
    got = list(zip(*(getattr(log, c).tolist() for c in EVENT_COLUMNS), strict=True))
    assert got == [tuple(int(x) if i else x for i, x in enumerate(row)) for row in told]
    assert log.time.dtype == np.float64 and all(getattr(log, c).dtype == np.int64 for c in EVENT_COLUMNS[1:])

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
