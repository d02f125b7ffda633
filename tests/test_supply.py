"""The supply network against theory (docs/background.md, theory 3-4) and its own rules (backfill, routes)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from defsim.analysis import theory
from defsim.engine.records import EventKind, LeakReason
from defsim.plan.timing import production_times
from tests.conftest import one_site, run_data
from tests.test_theory import batch_means

Z = 4.0
LEADS = {"fixed": "1d", "exponential": {"dist": "exponential", "mean": "1d"}}


def palm_site(base_stock: int, lead: str, backorders: bool) -> dict:
    """Poisson demand 20/day for one round each, base stock S, one-for-one resupply after lead time 1 day."""
    data = one_site(
        stock={"I": base_stock},
        fire_channels=1000,
        engagement_time="1s",
        resupply=[
            {
                "interceptor": "I",
                "policy": "base_stock",
                "level": base_stock,
                "from": "outside",
                "lead_time": LEADS[lead],
                "trigger": "demand" if backorders else "shot",
            }
        ],
    )
    data["duration"] = "1500d"
    data["attacks"] = [{"stream": {"rate": "20/d", "threats": "T"}}]
    # backorders: an unmet demand waits (for days) for the next round; lost sales: it leaks at once
    data["threats"]["T"]["time_to_impact"] = "1000d" if backorders else 0
    return data


@pytest.mark.slow
@pytest.mark.parametrize("lead", ["fixed", "exponential"])
@pytest.mark.parametrize("base_stock", [15, 20, 25])
def test_palm_fill_rate_with_backorders(base_stock, lead):
    result = run_data(palm_site(base_stock, lead, backorders=True), seed=21)
    ev = result.record.events
    arr = ev.of(EventKind.ARRIVAL)
    shots = ev.of(EventKind.SHOT)
    first_shot = np.full(result.record.arrivals, np.inf)
    np.minimum.at(first_shot, shots.threat_id, shots.time)
    met_at_once = (np.abs(first_shot[arr.threat_id] - arr.time) < 1e-9).astype(float)
    share, se = batch_means(arr.time, met_at_once, 1500.0)
    want = theory.base_stock_fill_rate(base_stock, 20.0, 1.0)
    assert abs(share - want) < Z * se, (share, want, se)


@pytest.mark.slow
@pytest.mark.parametrize("lead", ["fixed", "exponential"])
@pytest.mark.parametrize("base_stock", [15, 20, 25])
def test_palm_lost_share_with_lost_sales(base_stock, lead):
    result = run_data(palm_site(base_stock, lead, backorders=False), seed=22)
    ev = result.record.events
    arr = ev.of(EventKind.ARRIVAL)
    lost_ids = ev.threat_id[(ev.kind == EventKind.LEAK) & (ev.reason == LeakReason.NO_STOCK)]
    lost = np.zeros(result.record.arrivals)
    lost[lost_ids] = 1.0
    share, se = batch_means(arr.time, lost[arr.threat_id], 1500.0)
    want = theory.erlang_b(base_stock, 20.0)
    assert abs(share - want) < Z * se, (share, want, se)


def test_palm_reference_values():
    assert theory.base_stock_fill_rate(20, 20, 1) == pytest.approx(0.4703, abs=6e-5)
    assert theory.base_stock_backorders(25, 20, 1) == pytest.approx(0.3308, abs=6e-5)
    assert theory.erlang_b(15, 20) == pytest.approx(0.3300, abs=6e-5)


def test_two_hop_time_to_empty():
    """producer (2/day) -> stockpile (3 d) -> site (2 d): resupply of 2/day after 5 days."""
    data = one_site(stock={"I": 120}, doctrine={"mode": "salvo", "shots": 1})
    data["duration"] = "40d"
    data["attacks"] = [{"raid": {"every": "3h", "size": {"T": 1}, "first": "3h"}}]  # 8 rounds a day
    data["producers"] = {"factory": {"interceptor": "I", "rate": "2/d", "to": "depot", "lead_time": "3d"}}
    data["stockpiles"] = {"depot": {}}
    data["transfers"] = [
        {
            "name": "forward",
            "from": "depot",
            "to": "S",
            "interceptor": "I",
            "backfill": "factory -> depot",
            "lead_time": "2d",
        }
    ]
    result = run_data(data)
    first = result.summary["sites"]["S"]["first_stockout_day"]
    want = theory.time_to_empty(120, 8, 2, lead_time=5)
    assert abs(first - want) <= 0.5, (first, want)
    routes = result.summary["routes"]
    assert routes["forward"]["delivered"] > 0
    assert result.summary["stockpiles_and_producers"]["depot"]["final_stock"] == 0


@pytest.mark.parametrize("fraction, per_delivery", [(1.0, 10), (0.5, 3), (0.3, 7)])
def test_backfill_releases_exactly_the_fraction(fraction, per_delivery):
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["stockpiles"] = {"B": {"stock": {"I": 2}}}
    data["transfers"] = [
        {
            "name": "A to B",
            "from": "outside",
            "to": "B",
            "interceptor": "I",
            "at": "1d",
            "every": "2d",
            "quantity": per_delivery,
            "lead_time": "1d",
        },
        {
            "name": "B to C",
            "from": "B",
            "to": "S",
            "interceptor": "I",
            "backfill": "A to B",
            "fraction": fraction,
            "lead_time": "3d",
        },
    ]
    result = run_data(data)
    routes = result.summary["routes"]
    delivered = routes["A to B"]["delivered"]
    assert delivered > 0
    assert routes["B to C"]["shipped"] == math.floor(fraction * delivered + 1e-9)
    assert routes["B to C"]["not_shipped"] == 0
    # each release follows a delivery to B at the same instant and never exceeds what B holds
    ev = result.record.events
    ab, bc = 0, 1
    deliveries = ev.time[(ev.kind == EventKind.DELIVERY) & (ev.route == ab)]
    releases = ev.time[(ev.kind == EventKind.SHIPPED) & (ev.route == bc)]
    assert set(releases).issubset(set(deliveries))
    _, level = result.stock.series("B", "I")
    assert (level >= 0).all()
    assert level[-1] == 2 + delivered - routes["B to C"]["shipped"]


def test_backfill_never_releases_below_the_floor():
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["stockpiles"] = {"B": {}}
    data["transfers"] = [
        {"name": "A to B", "from": "outside", "to": "B", "interceptor": "I", "at": "1d", "quantity": 10},
        {"name": "B to C", "from": "B", "to": "S", "interceptor": "I", "backfill": "A to B", "floor": 6},
    ]
    result = run_data(data)
    routes = result.summary["routes"]
    assert routes["B to C"]["shipped"] == 4
    assert routes["B to C"]["not_shipped"] == 6
    assert result.summary["stockpiles_and_producers"]["B"]["final_stock"] == 6


def test_route_events_pause_resume_cancel_delay_and_approval():
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["transfers"] = [
        {
            "name": "r",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "0d",
            "every": "1d",
            "quantity": 1,
            "lead_time": "2d",
            "not_before": "3d",
        },
    ]
    data["route_events"] = [
        {"at": "5.5d", "route": "r", "action": "pause"},
        {"at": "8.5d", "route": "r", "action": "resume"},
        {"at": "9.5d", "route": "r", "action": "delay", "by": "4d"},
        {"at": "12.5d", "route": "r", "action": "cancel"},
    ]
    result = run_data(data)
    ev = result.record.events
    shipped = ev.of(EventKind.SHIPPED)
    # days 0-2 wait for approval and leave together on day 3; 6-8 wait for the resume at 8.5
    assert shipped.time[0] == pytest.approx(3.0)
    assert shipped.n[np.isclose(shipped.time, 3.0)].sum() == 4
    assert shipped.n[np.isclose(shipped.time, 8.5)].sum() == 3
    assert not ((shipped.time > 5.5) & (shipped.time < 8.5)).any()
    assert shipped.time.max() < 12.5  # nothing after the cancel
    delivered = ev.of(EventKind.DELIVERY)
    # what was in transit at 9.5 (left at 8.5 and 9) arrives 4 days late
    assert np.isclose(delivered.time, 8.5 + 2 + 4).any()
    r = result.summary["routes"]["r"]
    assert r["shipped"] == r["delivered"] + r["in_transit_at_end"]


def test_loss_in_transit_is_recorded():
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["transfers"] = [
        {
            "name": "r",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "0d",
            "every": "1h",
            "quantity": 1,
            "loss": 0.25,
        }
    ]
    result = run_data(data)
    r = result.summary["routes"]["r"]
    n = r["shipped"]
    assert r["lost"] + r["delivered"] + r["in_transit_at_end"] == n
    assert abs(r["lost"] / n - 0.25) < Z * math.sqrt(0.25 * 0.75 / n)


def test_attacker_stock_caps_raids():
    data = one_site()
    data["attacks"] = [{"raid": {"every": "1d", "size": {"T": 10}}}]
    data["attacker"] = {"stock": {"T": 50}, "production": {"T": "2/d"}}
    result = run_data(data)  # 20 days: 200 planned, at most 50 + 2 * 19 launched
    a = result.summary["attacker"]["T"]
    assert a["planned"] == 200
    assert a["launched"] == result.summary["threats"]["T"]["arrived"]
    assert a["launched"] == 50 + 38
    assert a["not_launched_for_lack_of_stock"] == 200 - 88


def test_production_ramp_step_and_linear():
    step = production_times([(0.0, 1.0), (10.0, 3.0)], "step", 0.0, 20.0, None)
    assert len(step) == 10 + 30
    linear = production_times([(0.0, 1.0), (10.0, 3.0)], "linear", 0.0, 10.0, None)
    assert len(linear) == 20  # the area under a ramp from 1 to 3 over 10 days
    capped = production_times([(0.0, 5.0)], "step", 2.0, 20.0, 7)
    assert len(capped) == 7 and capped[0] == pytest.approx(2.2)


@pytest.mark.parametrize(
    "policy, expected", [("lowest_stock_first", {"S": 30, "S2": 10}), ("priority", {"S": 20, "S2": 20})]
)
def test_allocation_policies(policy, expected):
    data = one_site(stock={"I": 0})
    data["sites"]["S2"] = dict(data["sites"]["S"], stock={"I": 20})
    data["attacks"] = []
    data["stockpiles"] = {
        "depot": {
            "stock": {"I": 40},
            "allocate": {
                "to": ["S", "S2"],
                "interceptor": "I",
                "policy": policy,
                "every": "100d",
                "up_to": 40,
            },
        }
    }
    # lowest first: S (0) gets 20 to draw level, then they share the rest: 30/10 -> levels 30/30
    if policy == "priority":
        data["stockpiles"]["depot"]["allocate"]["up_to"] = 20
        expected = {"S": 20, "S2": 0}
    result = run_data(data)
    got = {k: v["delivered"] for k, v in result.summary["routes"].items()}
    assert got == {f"depot -> {k}": v for k, v in expected.items()}


def test_allocation_proportional_to_recent_use():
    """S fires three times as much as S2 between allocations, so it gets about three quarters."""
    data = one_site(stock={"I": 1000}, doctrine={"mode": "salvo", "shots": 1})
    data["sites"]["S2"] = dict(data["sites"]["S"])
    data["duration"] = "10d"
    data["attacks"] = [{"raid": {"every": "1h", "size": {"T": 4}, "targets": {"S": 3, "S2": 1}}}]
    data["stockpiles"] = {
        "depot": {
            "stock": {"I": 400},
            "allocate": {
                "to": ["S", "S2"],
                "interceptor": "I",
                "policy": "proportional_to_use",
                "every": "5d",
                "first": "5d",
                "quantity": 100,
            },
        }
    }
    result = run_data(data, seed=3)
    got = {k: v["delivered"] for k, v in result.summary["routes"].items()}
    shots = {s: result.summary["sites"][s]["shots"] for s in ("S", "S2")}
    assert got["depot -> S"] + got["depot -> S2"] == 100  # one allocation (day 5) within the run
    share = got["depot -> S"] / 100
    fired_share = shots["S"] / (shots["S"] + shots["S2"])
    assert abs(share - fired_share) < 0.05, (share, fired_share)


def test_political_decisions_are_visible_in_events_and_summary():
    """Every route event and approval date is an event row and an entry of the summary."""
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["start"] = "2024-01-01"
    data["transfers"] = [
        {
            "name": "r",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "0d",
            "every": "1d",
            "quantity": 1,
            "lead_time": "2d",
            "not_before": "3d",
        },
    ]
    data["route_events"] = [
        {"at": "5.5d", "route": "r", "action": "pause"},
        {"at": "8.5d", "route": "r", "action": "resume"},
        {"at": "9.5d", "route": "r", "action": "delay", "by": "4d"},
        {"at": "12.5d", "route": "r", "action": "cancel"},
    ]
    result = run_data(data)
    ev = result.record.events
    kinds = [EventKind.APPROVED, EventKind.PAUSED, EventKind.RESUMED, EventKind.DELAYED, EventKind.CANCELLED]
    got = ev.of(*kinds)
    assert got.kind.tolist() == [int(k) for k in kinds]
    assert got.time.tolist() == pytest.approx([3.0, 5.5, 8.5, 9.5, 12.5])
    assert got.n.tolist()[:3] == [3, 0, 3]  # approval: 3 waiting leave; resume: 3 held back leave
    rows = [
        r for r in result.event_rows() if r[2] in ("approved", "paused", "resumed", "delayed", "cancelled")
    ]
    assert [r[2] for r in rows] == ["approved", "paused", "resumed", "delayed", "cancelled"]
    assert all(r[-1] == "r" for r in rows)
    log = result.summary["decisions"]["log"]
    assert [d["action"] for d in log] == ["approve", "pause", "resume", "delay", "cancel"]
    assert log[0]["date"] == "2024-01-04 00:00" and log[3]["by_days"] == 4.0 and log[1]["waiting"] == "keep"


@pytest.mark.parametrize("waiting, shipped_at_resume", [("keep", 3), ("drop", 0)])
def test_a_pause_keeps_or_drops_what_waits(waiting, shipped_at_resume):
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["transfers"] = [
        {
            "name": "r",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "0d",
            "every": "1d",
            "quantity": 1,
        },
    ]
    data["route_events"] = [
        {"at": "5.5d", "route": "r", "action": "pause", "waiting": waiting},
        {"at": "8.5d", "route": "r", "action": "resume"},
    ]
    result = run_data(data)
    shipped = result.record.events.of(EventKind.SHIPPED)
    assert shipped.n[np.isclose(shipped.time, 8.5)].sum() == shipped_at_resume
    r = result.summary["routes"]["r"]
    assert r["not_shipped"] == (3 if waiting == "drop" else 0)


@pytest.mark.parametrize("seed", range(1, 11))
def test_a_delay_reaches_every_shipment_in_transit_when_equal_shipments_overtake(seed):
    """Shipments of one round every 6 h with a random lead time overtake each other.  A delay at
    day 10.1 (with the route paused then, so nothing leaves after it) must push back exactly the
    shipments still on the way: none arrives between day 10.1 and day 15.1, and each arrives by
    day 10.1 + 5 + its longest possible lead.  Shipments compared by value once removed an equal
    twin on arrival, so the delay shifted one that had arrived and missed one in transit."""
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["duration"] = "40d"
    data["transfers"] = [
        {
            "name": "r",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "0d",
            "every": "6h",
            "quantity": 1,
            "lead_time": {"dist": "uniform", "low": "1d", "high": "3d"},
        },
    ]
    data["route_events"] = [
        {"at": "10.1d", "route": "r", "action": "pause"},
        {"at": "10.1d", "route": "r", "action": "delay", "by": "5d"},
    ]
    result = run_data(data, seed=seed)
    ev = result.record.events
    assert ev is not None
    shipped = ev.of(EventKind.SHIPPED)
    delivered = ev.of(EventKind.DELIVERY)
    before = int(shipped.n[shipped.time < 10.1].sum())
    arrived_by_10 = int(delivered.n[delivered.time <= 10.1].sum())
    in_transit_at_10 = before - arrived_by_10
    assert in_transit_at_10 > 4  # the case overtakes: several shipments on the way at once
    assert int(shipped.n[shipped.time >= 10.1].sum()) == 0
    late = delivered.time > 10.1
    assert not ((delivered.time > 10.1) & (delivered.time < 15.1)).any()
    assert int(delivered.n[late].sum()) == in_transit_at_10
    assert delivered.time.max() <= 10.1 + 5 + 3
    r = result.summary["routes"]["r"]
    assert r["delivered"] == before and r["in_transit_at_end"] == 0
