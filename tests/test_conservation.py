"""Conservation of rounds, per holder and over the whole network, at every instant.

Per site and type: initial + delivered = fired + held. Over the network:
initial + produced + delivered from outside = held + in transit + fired + lost.
"""

from __future__ import annotations

import numpy as np
import pytest

import defsim
from defsim.api import RunResult
from defsim.engine.records import EventKind
from tests.conftest import SCENARIOS, run_data
from tests.network_cases import busy_network

SHOT, DELIVERY, PRODUCED, SHIPPED, LOST = (
    EventKind.SHOT,
    EventKind.DELIVERY,
    EventKind.PRODUCED,
    EventKind.SHIPPED,
    EventKind.LOST,
)


def expected_flows(result: RunResult, sid: int) -> np.ndarray:
    """The change each event makes to series ``sid``, in the order the events happened."""
    rec = result.record
    ev = rec.events
    assert ev is not None
    holder, iname, kind = rec.series[sid]
    it = rec.plan.interceptors.index(iname)
    if kind == "transit":
        r = [x["name"] for x in rec.routes].index(holder)
        mine = ev.select((ev.route == r) & np.isin(ev.kind, [SHIPPED, DELIVERY, LOST]))
        return np.where(mine.kind == SHIPPED, mine.n, -mine.n)
    h = rec.plan.holder_names.index(holder)
    flows = np.isin(ev.kind, [SHOT, SHIPPED, DELIVERY, PRODUCED])
    mine = ev.select((ev.holder == h) & (ev.interceptor == it) & flows)
    return np.where(np.isin(mine.kind, [SHOT, SHIPPED]), -mine.n, mine.n)


def check_series(result: RunResult) -> int:
    rec = result.record
    checked = 0
    for sid in range(len(rec.series)):
        mine = rec.stock.series == sid
        level = np.concatenate([[rec.initial[sid]], rec.stock.level[mine]])
        ready = rec.stock.ready[mine]
        assert (level >= 0).all(), rec.series[sid]
        assert (ready >= 0).all() and (ready <= level[1:]).all()
        changes = np.diff(level)
        changed = changes != 0  # reloads move rounds onto launchers: level unchanged
        flows = expected_flows(result, sid)
        # every change of stock is a shot, shipment, delivery or production, in order
        assert changes[changed].tolist() == flows.tolist(), rec.series[sid]
        assert (rec.initial[sid] + np.cumsum(flows)).tolist() == level[1:][changed].tolist()
        checked += len(flows)
    return checked


def check_network_balance(result: RunResult) -> None:
    """initial + produced + from outside == held + in transit + fired + lost, after every event time."""
    rec = result.record
    ev = rec.events
    assert ev is not None
    st = result.stock
    times = np.unique(ev.time)
    held = np.zeros(len(times))
    for sid in range(len(rec.series)):
        m = st.series_id == sid
        t, lev = st.time[m], st.level[m]
        idx = np.searchsorted(t, times, side="right") - 1
        held += lev[idx]
    order = np.searchsorted(times, ev.time)

    def cum(mask: np.ndarray) -> np.ndarray:
        return np.cumsum(np.bincount(order[mask], weights=ev.n[mask], minlength=len(times)))

    produced = cum(ev.kind == PRODUCED)
    outside = cum((ev.kind == SHIPPED) & (ev.holder < 0))
    fired = cum(ev.kind == SHOT)
    lost = cum(ev.kind == LOST)
    initial = rec.initial.sum()
    assert np.array_equal(initial + produced + outside, held + fired + lost)


SHIPPED_SCENARIOS = sorted((SCENARIOS).glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED_SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_conserve_rounds(path):
    result = defsim.run(defsim.load(path), seed=2)
    assert check_series(result) > 50
    check_network_balance(result)


def test_busy_network_conserves_rounds():
    """Losses, delays, pauses, backfill, allocation, cross-levelling, reorder policies at once."""
    result = run_data(busy_network(), seed=9)
    routes = {r["name"]: r for r in result.record.routes}
    assert sum(r["lost"] for r in routes.values()) > 0
    # what each route reports in transit at the end is its transit series' last level, and some
    # rounds are still on the way in this network
    st = result.stock
    transit = {h: int(st.series(h, i)[1][-1]) for h, i, kind in st.keys if kind == "transit"}
    assert {name: r["in_transit_at_end"] for name, r in routes.items()} == transit
    assert sum(transit.values()) > 0
    assert check_series(result) > 200
    check_network_balance(result)


def test_every_threat_is_accounted_for():
    result = defsim.run(defsim.load(SCENARIOS / "multi_site.yaml"), seed=4)
    for name, t in result.summary["threats"].items():
        assert t["arrived"] == t["killed"] + t["leaked"] + t["unresolved_at_end"], name
        assert t["leaked"] == sum(t["leaked_by_reason"].values())
        assert t["engaged"] <= t["arrived"]
        assert t["killed"] <= t["engaged"]
