"""Fair service of owed rounds: a holder that owes several others serves the oldest order first.

Two identical sites reorder one for one from a depot that receives 5 rounds a day, far less
than they fire.  When owed rounds were served in the order the sites are listed, the first
listed got nearly everything (283 to 7); oldest-first service shares them, whatever the order.
"""

from __future__ import annotations

import math

import numpy as np

from defsim.engine import simulate
from defsim.engine.records import EventKind
from defsim.plan.compiler import build
from defsim.scenario import from_dict

Z = 4.0


def site() -> dict:
    return {
        "interceptors": ["I"],
        "stock": {"I": 20},
        "fire_channels": 4,
        "engagement_time": "1m",
        "resupply": [
            {"interceptor": "I", "policy": "base_stock", "level": 20, "from": "depot", "lead_time": "1d"}
        ],
    }


def two_sites(order: list[str], attacks: list[dict], feed: dict) -> dict:
    return {
        "name": "fair service",
        "provenance": "notional, test",
        "duration": "60d",
        "interceptors": {"I": {"pk": 0.7}},
        "threats": {"T": {"class": "cruise_missile"}},
        "sites": {name: site() for name in order},
        "stockpiles": {"depot": {"stock": {"I": 0}}},
        "transfers": [{"name": "feed", "from": "outside", "to": "depot", "interceptor": "I", **feed}],
        "attacks": attacks,
    }


def delivered(order: list[str], seed: int) -> dict[str, int]:
    data = two_sites(order, [{"stream": {"rate": "20/d", "threats": "T"}}], {"rate": "5/d", "at": "0d"})
    record = simulate(build(from_dict(data).spec), seed, 0, record_events=False)
    return {r["to"]: r["delivered"] for r in record.routes if r["kind"] == "resupply"}


def test_symmetric_sites_get_equal_shares_whatever_their_order_in_the_file():
    shares = {}
    for order in (["A", "B"], ["B", "A"]):
        runs = [delivered(order, seed) for seed in range(1, 31)]
        assert min(r["A"] + r["B"] for r in runs) > 250  # the depot's 5 a day all go out
        shares[order[0]] = np.array([r["A"] / (r["A"] + r["B"]) for r in runs])
    for first, share in shares.items():
        se = share.std(ddof=1) / math.sqrt(len(share))
        assert abs(share.mean() - 0.5) < Z * se, (first, share.mean(), se)
        assert share.mean() > 0.4  # today's first-listed-takes-all gave 0.98
    diff = shares["A"] - shares["B"]
    se = math.sqrt(shares["A"].var(ddof=1) / 30 + shares["B"].var(ddof=1) / 30)
    assert abs(diff.mean()) < Z * se


def test_the_oldest_order_is_served_first():
    # B fires (and is owed) at 1h, A at 2h; the depot then receives one round a day: B is listed
    # second but ordered first, so the first round goes to B, the next to A, and so on.
    attacks = [
        {"wave": {"at": "1h", "threats": {"T": 4}, "targets": "B"}},
        {"wave": {"at": "2h", "threats": {"T": 4}, "targets": "A"}},
    ]
    data = two_sites(["A", "B"], attacks, {"at": "1d", "every": "1d", "quantity": 1})
    data["sites"]["A"]["stock"] = data["sites"]["B"]["stock"] = {"I": 4}
    data["sites"]["A"]["resupply"][0]["level"] = data["sites"]["B"]["resupply"][0]["level"] = 4
    data["duration"] = "20d"
    record = simulate(build(from_dict(data).spec), 1, 0)
    ev = record.events
    names = [r["to"] for r in record.routes]
    to_sites = [names[r] for r in ev.route[ev.kind == EventKind.DELIVERY].tolist() if names[r] != "depot"]
    fired = {s: int(record.shots[k].sum()) for k, s in enumerate(record.plan.site_names)}
    assert fired == {"A": 4, "B": 4}
    # one order per round fired, served in the order the rounds were fired: all of B's, then A's
    assert to_sites[:8] == ["B"] * 4 + ["A"] * 4
