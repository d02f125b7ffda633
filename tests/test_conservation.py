"""Conservation of rounds, per holder and over the whole network, at every instant.

Per site and type: initial + delivered = fired + held. Over the network:
initial + produced + delivered from outside = held + in transit + fired + lost.
"""

from __future__ import annotations

import numpy as np
import pytest

import defsim
from defsim.api import RunResult
from defsim.engine.records import DELIVERY, LOST, PRODUCED, SHIPPED, SHOT
from tests.conftest import ROOT, run_data
from tests.network_cases import busy_network


def expected_flows(result: RunResult, sid: int) -> np.ndarray:
    """The change each event makes to series ``sid``, in the order the events happened."""
    rec = result.record
    ev = rec.events
    assert ev is not None
    holder, iname, kind = rec.series[sid]
    it = rec.plan.interceptors.index(iname)
    if kind == "transit":
        r = [x["name"] for x in rec.routes].index(holder)
        mine = ev[(ev[:, 8] == r) & np.isin(ev[:, 1], [SHIPPED, DELIVERY, LOST])]
        return np.where(mine[:, 1] == SHIPPED, mine[:, 6], -mine[:, 6])
    h = rec.plan.holder_names.index(holder)
    mine = ev[(ev[:, 2] == h) & (ev[:, 5] == it) & np.isin(ev[:, 1], [SHOT, SHIPPED, DELIVERY, PRODUCED])]
    return np.where(np.isin(mine[:, 1], [SHOT, SHIPPED]), -mine[:, 6], mine[:, 6])


def check_series(result: RunResult) -> int:
    rec = result.record
    checked = 0
    for sid in range(len(rec.series)):
        rows = rec.stock[rec.stock[:, 1] == sid]
        level = np.concatenate([[rec.initial[sid]], rows[:, 2]])
        assert (level >= 0).all(), rec.series[sid]
        assert (rows[:, 3] >= 0).all() and (rows[:, 3] <= rows[:, 2]).all()
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
    times = np.unique(ev[:, 0])
    held = np.zeros(len(times))
    for sid in range(len(rec.series)):
        m = st.series_id == sid
        t, lev = st.time[m], st.level[m]
        idx = np.searchsorted(t, times, side="right") - 1
        held += lev[idx]
    order = np.searchsorted(times, ev[:, 0])

    def cum(mask: np.ndarray) -> np.ndarray:
        return np.cumsum(np.bincount(order[mask], weights=ev[mask, 6], minlength=len(times)))

    produced = cum(ev[:, 1] == PRODUCED)
    outside = cum((ev[:, 1] == SHIPPED) & (ev[:, 2] < 0))
    fired = cum(ev[:, 1] == SHOT)
    lost = cum(ev[:, 1] == LOST)
    initial = rec.initial.sum()
    assert np.array_equal(initial + produced + outside, held + fired + lost)


SHIPPED_SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


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
    assert sum(r["in_transit_at_end"] for r in routes.values()) >= 0
    assert check_series(result) > 200
    check_network_balance(result)


def test_every_threat_is_accounted_for():
    result = defsim.run(defsim.load(ROOT / "scenarios" / "multi_site.yaml"), seed=4)
    for name, t in result.summary["threats"].items():
        assert t["arrived"] == t["killed"] + t["leaked"] + t["unresolved_at_end"], name
        assert t["leaked"] == sum(t["leaked_by_reason"].values())
        assert t["engaged"] <= t["arrived"]
        assert t["killed"] <= t["engaged"]
