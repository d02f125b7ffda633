"""A file that validates, runs: random valid scenarios run within a bounded time and keep the books.

Hypothesis draws scenarios with every part the format has (sites with doctrines, kill
assessment, reserves, launchers and reorder policies; waves, raids and streams with targets;
stockpiles with allocation, producers with ramps, shipments, flows, backfill, losses, route
events, cross-levelling, the attacker's stock) and each must run without an exception, and:

- rounds are conserved per series at every change, and over the whole network at every instant;
- stock is never negative and never above a stockpile's capacity;
- every threat has at most one fate (killed, or leaked with one reason), and the counts agree;
- shots in the summary are the rounds the event log says were fired;
- the same seed gives the same results.

Examples are derandomised, so CI runs the same ones every time.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defsim.api import RunResult
from defsim.engine import simulate
from defsim.engine.records import EventKind
from defsim.plan.compiler import build
from defsim.scenario import from_dict
from tests.test_conservation import check_network_balance, check_series

EXAMPLES = 150
TIME_BOUND = 20.0  # seconds per run: a bound against running away, not a speed test
INTERCEPTORS = ["I", "J"]
THREATS = {"T1": "ballistic_missile", "T2": "cruise_missile", "T3": "drone"}
CLASSES = sorted(set(THREATS.values()))
ASSETS = ["A1", "A2"]
SHARES = ["first_able", "least_loaded", "most_rounds"]


def durations(lo: float, hi: float) -> st.SearchStrategy[str]:
    return st.floats(lo, hi).map(lambda h: f"{h:.3f}h")


def time_dist() -> st.SearchStrategy[Any]:
    return st.one_of(
        durations(0.05, 2),
        st.builds(lambda m: {"dist": "exponential", "mean": m}, durations(0.05, 2)),
        st.builds(
            lambda a, b: {"dist": "uniform", "low": f"{min(a, b):.3f}h", "high": f"{max(a, b) + 0.01:.3f}h"},
            st.floats(0.01, 2),
            st.floats(0.01, 2),
        ),
        st.builds(
            lambda a, b, c: dict(zip(("low", "mode", "high"), sorted((a, b, c)), strict=True)),
            st.floats(0.01, 2),
            st.floats(0.01, 2),
            st.floats(0.01, 2),
        ).map(lambda d: {"dist": "triangular", **{k: f"{v:.3f}h" for k, v in d.items()}}),
    )


@st.composite
def site(draw: st.DrawFn, name: str, stockpiles: list[str]) -> dict[str, Any]:
    types = draw(st.lists(st.sampled_from(INTERCEPTORS), min_size=1, max_size=2, unique=True))
    s: dict[str, Any] = {
        "interceptors": types,
        "stock": {t: draw(st.integers(0, 60)) for t in types},
        "fire_channels": draw(st.integers(1, 5)),
        "engagement_time": draw(time_dist()),
    }
    mode = draw(st.sampled_from(["salvo", "shoot_look_shoot"]))
    doctrine: dict[str, Any] = {"mode": mode, "shots": draw(st.integers(1, 3))}
    if mode == "shoot_look_shoot":
        doctrine["opportunities"] = draw(st.integers(1, 3))
        if draw(st.booleans()):
            doctrine["kill_assessment"] = {
                "p_live_judged_alive": draw(st.floats(0.5, 1)),
                "p_dead_judged_alive": draw(st.floats(0, 0.5)),
            }
    s["doctrine"] = doctrine
    if draw(st.booleans()):
        s["engage"] = draw(
            st.lists(st.sampled_from([*THREATS, *CLASSES]), min_size=1, max_size=3, unique=True)
        )
    if draw(st.booleans()):
        t = draw(st.sampled_from(types))
        s["reserve"] = [
            {"interceptor": t, "keep": draw(st.integers(1, 10)), "for": [draw(st.sampled_from(CLASSES))]}
        ]
    for t in types:
        if draw(st.booleans()):
            s.setdefault("launchers", {})[t] = {
                "count": draw(st.integers(1, 3)),
                "rounds": draw(st.integers(1, 6)),
                "reload_time": draw(durations(0.1, 6)),
            }
    if draw(st.booleans()):
        t = draw(st.sampled_from(types))
        source = draw(st.sampled_from(["outside", *stockpiles]))
        policy = draw(st.sampled_from(["base_stock", "reorder_point"]))
        level = draw(st.integers(2, 40))
        rp: dict[str, Any] = {"interceptor": t, "policy": policy, "level": level, "from": source}
        if policy == "reorder_point":
            rp["reorder_at"] = draw(st.integers(0, level - 1))
        if draw(st.booleans()):
            rp["lead_time"] = draw(time_dist().filter(lambda x: isinstance(x, dict)))
        s["resupply"] = [rp]
    if draw(st.booleans()):  # rationing: one round below b1, and maybe one class only below b2
        t = draw(st.sampled_from(types))
        b1 = draw(st.integers(2, 40))
        s["rationing"] = [{"interceptor": t, "below": b1, "shots": 1}]
        if draw(st.booleans()):
            s["rationing"].append(
                {
                    "interceptor": t,
                    "below": draw(st.integers(1, b1 - 1)),
                    "engage": [draw(st.sampled_from(CLASSES))],
                }
            )
    return s


@st.composite
def scenario(draw: st.DrawFn) -> dict[str, Any]:
    n_sites = draw(st.integers(1, 3))
    sites = [f"S{k}" for k in range(n_sites)]
    stockpiles = draw(st.lists(st.sampled_from(["D1", "D2"]), max_size=2, unique=True))
    days = draw(st.integers(5, 40))
    data: dict[str, Any] = {
        "name": "property",
        "provenance": "notional, generated by a test",
        "start": "2024-01-01",
        "duration": f"{days}d",
        "seed": draw(st.integers(0, 2**32)),
        "interceptors": {
            i: {
                "pk": {c: draw(st.floats(0, 1)) for c in draw(st.lists(st.sampled_from(CLASSES), max_size=3))}
                | {"default": draw(st.floats(0, 1))},
                "reliability": draw(st.floats(0.5, 1)),
                "unit_cost": draw(st.floats(0, 5e6)),
            }
            for i in INTERCEPTORS
        },
        "threats": {
            t: {
                "class": c,
                "time_to_impact": draw(st.sampled_from(["0", "5m", "30m"])),
                "unit_cost": 1e5,
                "damage": draw(st.sampled_from([0, 1, 2.5])),
            }
            for t, c in THREATS.items()
        },
        "sites": {s: draw(site(s, stockpiles)) for s in sites},
    }
    layered = draw(st.booleans())
    if layered:  # every site covers one or both assets; its layer numbers contiguous from 1
        data["assets"] = {
            a: {"value": draw(st.floats(0, 1e6)), "share": draw(st.sampled_from(SHARES))} for a in ASSETS
        }
        covers = {s: draw(st.lists(st.sampled_from(ASSETS), min_size=1, unique=True)) for s in sites}
        for a in ASSETS:
            if not any(a in c for c in covers.values()):
                del data["assets"][a]  # an asset no site covers is refused
        raw = {s: draw(st.integers(1, 3)) for s in sites}
        for s in sites:
            data["sites"][s]["covers"] = covers[s]
        for a in list(data["assets"]):
            members = [s for s in sites if a in covers[s]]
            ranks = {n: k + 1 for k, n in enumerate(sorted({raw[s] for s in members}))}
            for s in members:
                data["sites"][s]["layer"] = ranks[raw[s]]
        # a site covering both assets needs contiguous layers in both: give it layer 1 in both
        for s in sites:
            if len(covers[s]) > 1:
                data["sites"][s]["layer"] = 1
        for a in list(data["assets"]):
            used = sorted({data["sites"][s]["layer"] for s in sites if a in covers[s]})
            renumber = {n: k + 1 for k, n in enumerate(used)}
            for s in sites:
                if a in covers[s] and len(covers[s]) == 1:
                    data["sites"][s]["layer"] = renumber[data["sites"][s]["layer"]]
            if draw(st.booleans()):
                data["sites"][draw(st.sampled_from(sites))].setdefault("window", "10m")
    names = sorted(data["assets"]) if layered else sites
    targets = st.one_of(
        st.none(),
        st.sampled_from(names),
        st.dictionaries(st.sampled_from(names), st.floats(0.1, 5), min_size=1),
    )

    def with_targets(attack: dict[str, Any]) -> dict[str, Any]:
        tg = draw(targets)
        if tg is not None:
            attack["targets"] = tg
        if draw(st.booleans()):
            attack["label"] = f"attack {len(attacks) + 1}"  # labels are unique
        return attack

    attacks: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["stream", "raid", "wave"]))
        if kind == "stream":
            mix = draw(st.dictionaries(st.sampled_from(list(THREATS)), st.floats(0.1, 3), min_size=1))
            attacks.append(
                {"stream": with_targets({"rate": f"{draw(st.floats(1, 60)):.2f}/d", "threats": mix})}
            )
        elif kind == "raid":
            size = {
                t: draw(st.one_of(st.integers(0, 8), st.builds(lambda m: {"poisson": m}, st.floats(0, 8))))
                for t in draw(st.lists(st.sampled_from(list(THREATS)), min_size=1, max_size=3, unique=True))
            }
            raid: dict[str, Any] = {"every": draw(st.sampled_from(["12h", "1d", "2d"])), "size": size}
            if draw(st.booleans()):
                raid["at"] = draw(st.sampled_from(["02:00", "23:30"]))
                raid["spread"] = "1h"
            attacks.append({"raid": with_targets(raid)})
        else:
            threats = {
                t: draw(st.integers(1, 20))
                for t in draw(st.lists(st.sampled_from(list(THREATS)), min_size=1, unique=True))
            }
            wave = {"at": f"{draw(st.floats(0, days)):.2f}d", "threats": threats, "spread": "2h"}
            attacks.append({"wave": with_targets(wave)})
    data["attacks"] = attacks
    # the supply network
    holders = sites + stockpiles
    if stockpiles:
        data["stockpiles"] = {}
        for d in stockpiles:
            sp: dict[str, Any] = {"stock": {i: draw(st.integers(0, 100)) for i in INTERCEPTORS}}
            if draw(st.booleans()):
                sp["capacity"] = {i: sp["stock"][i] + draw(st.integers(0, 200)) for i in INTERCEPTORS}
                sp["capacity"] = {i: max(c, 1) for i, c in sp["capacity"].items()}
            if draw(st.booleans()):
                it = draw(st.sampled_from(INTERCEPTORS))
                to = [s for s in sites if it in data["sites"][s]["interceptors"]]
                if to:
                    sp["allocate"] = {
                        "to": to,
                        "interceptor": it,
                        "policy": draw(
                            st.sampled_from(["lowest_stock_first", "proportional_to_use", "priority"])
                        ),
                        "every": draw(st.sampled_from(["1d", "3d"])),
                        "floor": draw(st.integers(0, 10)),
                    }
                    if draw(st.booleans()):
                        sp["allocate"]["up_to"] = draw(st.integers(1, 80))
                    other = [i for i in INTERCEPTORS if i != it]
                    to2 = [s for s in sites if other[0] in data["sites"][s]["interceptors"]]
                    if to2 and draw(st.booleans()):  # several rules: a second one for the other type
                        second = {"to": to2, "interceptor": other[0], "every": "2d"}
                        sp["allocate"] = [sp["allocate"], second]
            data["stockpiles"][d] = sp
    transfers: list[dict[str, Any]] = []
    if stockpiles and draw(st.booleans()):
        data["producers"] = {
            "P": {
                "interceptor": "I",
                "ramp": [
                    {"at": "0d", "rate": "30/yr"},
                    {"at": f"{days / 2:.1f}d", "rate": f"{draw(st.integers(30, 2000))}/yr"},
                ],
                "interpolate": draw(st.sampled_from(["step", "linear"])),
                "to": stockpiles[0],
                "batch": draw(st.integers(1, 4)),
            }
        }
        if len(stockpiles) > 1 and draw(st.booleans()):
            transfers.append(
                {
                    "name": "backfill",
                    "from": stockpiles[0],
                    "to": stockpiles[1],
                    "interceptor": "I",
                    "backfill": f"P -> {stockpiles[0]}",
                    "fraction": draw(st.sampled_from([1.0, 0.5])),
                }
            )
    for k in range(draw(st.integers(0, 3))):
        it = draw(st.sampled_from(INTERCEPTORS))
        to = draw(st.sampled_from(holders))
        if to in data["sites"] and it not in data["sites"][to]["interceptors"]:
            continue
        src = draw(st.sampled_from(["outside", *[h for h in stockpiles if h != to]]))
        tr: dict[str, Any] = {"name": f"t{k}", "from": src, "to": to, "interceptor": it}
        if draw(st.booleans()):
            tr |= {
                "quantity": draw(st.integers(1, 20)),
                "at": f"{draw(st.floats(0, days)):.2f}d",
                "every": "2d",
            }
        else:
            tr |= {"rate": f"{draw(st.integers(1, 10))}/d", "batch": draw(st.integers(1, 5))}
        if draw(st.booleans()):
            tr["lead_time"] = draw(time_dist())
        if draw(st.booleans()):
            tr["loss"] = draw(st.floats(0, 0.5))
        transfers.append(tr)
    if transfers:
        data["transfers"] = transfers
        events = []
        for tr in transfers:
            if draw(st.booleans()):
                action = draw(st.sampled_from(["pause", "resume", "cancel", "delay"]))
                ev = {"at": f"{draw(st.floats(0, days)):.2f}d", "route": tr["name"], "action": action}
                if action == "delay":
                    ev["by"] = "1d"
                events.append(ev)
        if events:
            data["route_events"] = events
    if n_sites > 1 and draw(st.booleans()):
        shared = [s for s in sites if "I" in data["sites"][s]["interceptors"]]
        if len(shared) > 1:
            data["cross_levelling"] = [{"sites": shared, "interceptor": "I", "every": "2d", "threshold": 3}]
    if draw(st.booleans()):
        t = draw(st.sampled_from(list(THREATS)))
        data["attacker"] = {
            "stock": {t: draw(st.integers(0, 30))},
            "production": {t: f"{draw(st.integers(0, 5))}/d"},
        }
    return data


def check_run(result: RunResult) -> None:
    rec = result.record
    check_series(result)  # asserts every change of every stock series
    check_network_balance(result)
    ev = rec.events
    assert ev is not None
    # stock within [0, capacity] for every stockpile with one
    for h in result.plan.network.holders:
        for it, cap in h.capacity.items():
            _, level = result.stock.series(h.name, result.plan.interceptors[it])
            assert (level >= 0).all() and (level <= cap).all(), (h.name, it)
    # one fate per threat, with one reason
    fates = ev.select(np.isin(ev.kind, [EventKind.KILL, EventKind.LEAK]))
    ids, counts = np.unique(fates.threat_id, return_counts=True)
    assert (counts == 1).all(), ids[counts > 1]
    t = result.summary["totals"]
    assert t["arrived"] == t["killed"] + t["leaked"] + t["unresolved_at_end"]
    assert t["leaked"] == sum(t["leaked_by_reason"].values())
    assert t["killed"] == int((fates.kind == EventKind.KILL).sum())
    # with assets: each layer meets what the one above passed on; damage is leakers x damage
    s = result.summary
    spec = result.scenario.spec
    for name, a in s.get("assets", {}).items():
        layers = a["layers"]
        for k in range(2, len(layers) + 1):
            assert layers[str(k)]["met"] == layers[str(k - 1)]["passed"], (name, k)
        assert a["leaked"] <= layers["1"]["met"] if layers else True
        assert sum(a["damage_by_threat"].values()) == pytest.approx(a["damage"])
    if s.get("assets"):
        expected = sum(
            v["leaked"] * spec.threats[t].damage for t, v in s["threats"].items()
        )  # damage_share is 0 here: a leaker deals its type's damage
        assert s["damage"]["total"] == pytest.approx(expected)
        assert sum(a["leaked"] for a in s["assets"].values()) == t["leaked"]
    for v in s["threats"].values():
        assert v["engaged"] <= v["arrived"]  # a threat is engaged once, however many layers
    # shots in the summary are the rounds fired in the log
    shots = ev.select(ev.kind == EventKind.SHOT)
    assert sum(s["shots"] for s in result.summary["sites"].values()) == int(shots.n.sum())


SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@pytest.mark.fuzz
@SETTINGS
@given(data=scenario())
def test_random_valid_scenarios_run_and_keep_the_books(data):
    sc = from_dict(data)  # the generator makes valid files: a refusal here is a bug in one or the other
    plan = build(sc.spec)
    t0 = time.perf_counter()
    result = RunResult(simulate(plan, sc.seed, 0, True), sc)
    check_run(result)
    assert time.perf_counter() - t0 < TIME_BOUND
    again = RunResult(simulate(plan, sc.seed, 0, True), sc)
    assert again.summary == result.summary
    assert np.array_equal(again.record.stock.level, result.record.stock.level)


COMPARE = 25  # generated scenarios run by the installed package as well (compiled in CI)

COMPARE_CODE = """
import json, sys
import defsim
from defsim.api import RunResult
from defsim.engine import simulate
from defsim.plan.compiler import build
for path in sys.argv[1:]:
    sc = defsim.load(path)
    r = RunResult(simulate(build(sc.spec), sc.seed, 0, True), sc)
    print(json.dumps(r.summary, sort_keys=True))
"""


@pytest.mark.fuzz
def test_the_installed_engine_agrees_with_the_source_on_generated_scenarios(tmp_path):
    """In CI the installed engine is the mypyc-compiled one: it must agree with the pure source."""
    import json
    import subprocess
    import sys

    import yaml

    paths, want = [], []
    examples: list[dict[str, Any]] = []

    @settings(
        max_examples=COMPARE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=scenario())
    def collect(data: dict[str, Any]) -> None:
        if len(examples) < COMPARE:
            examples.append(data)

    collect()
    for k, data in enumerate(examples):
        path = tmp_path / f"s{k}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        sc = from_dict(data)
        paths.append(str(path))
        want.append(
            json.dumps(RunResult(simulate(build(sc.spec), sc.seed, 0, True), sc).summary, sort_keys=True)
        )
    out = subprocess.run(
        [sys.executable, "-c", COMPARE_CODE, *paths], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    got = out.stdout.splitlines()
    assert len(got) == len(want) >= 10
    for k, (a, b) in enumerate(zip(got, want, strict=True)):
        assert a == b, f"s{k}.yaml: the installed engine and the source disagree"


@st.composite
def overtaking(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[float, float]], float]:
    """Many small shipments with random lead times much longer than their period (so they
    overtake each other), and one to three delays; the route is paused at the first delay, so
    what a delay must reach is exactly what is on the way then.  A second route keeps shipping."""
    every_h = draw(st.sampled_from([1, 2, 3, 6, 12]))
    lo_h = draw(st.integers(1, 24))
    hi_h = lo_h + draw(st.integers(every_h * 2, 96))  # leads spread over several periods
    delays: list[tuple[float, float]] = []
    d = (draw(st.integers(8, 60)) + 0.5) * every_h / 24  # half-way between two departures
    for _ in range(draw(st.integers(1, 3))):
        delays.append((d, draw(st.integers(1, 72)) / 24))
        d += draw(st.integers(1, 48)) / 24
    lead = {"dist": "uniform", "low": f"{lo_h}h", "high": f"{hi_h}h"}
    route = {"from": "outside", "to": "S", "interceptor": "I", "at": "0d", "lead_time": lead}
    data: dict[str, Any] = {
        "name": "overtaking",
        "provenance": "notional, test",
        "seed": draw(st.integers(0, 2**32)),
        "duration": f"{delays[-1][0] + sum(b for _, b in delays) + hi_h / 24 + 1:.4f}d",
        "interceptors": {"I": {"pk": 0.7}},
        "threats": {"T": {"class": "drone"}},
        "sites": {
            "S": {
                "interceptors": ["I"],
                "stock": {"I": draw(st.integers(0, 20))},
                "fire_channels": 2,
                "engagement_time": "5m",
            }
        },
        "attacks": [{"stream": {"rate": f"{draw(st.integers(0, 40))}/d", "threats": "T"}}],
        "transfers": [
            route | {"name": "r", "every": f"{every_h}h", "quantity": draw(st.integers(1, 3))},
            route | {"name": "other", "every": "5h", "quantity": 1, "loss": draw(st.floats(0, 0.3))},
        ],
        "route_events": [{"at": f"{delays[0][0]:.6f}d", "route": "r", "action": "pause"}]
        + [{"at": f"{t:.6f}d", "route": "r", "action": "delay", "by": f"{b:.6f}d"} for t, b in delays],
    }
    if draw(st.booleans()):
        data["transfers"][0]["loss"] = draw(st.floats(0, 0.5))
    return data, delays, hi_h / 24


@pytest.mark.fuzz
@settings(SETTINGS, max_examples=60)
@given(case=overtaking())
def test_a_delay_reaches_exactly_what_is_in_transit_when_shipments_overtake(case):
    data, delays, longest = case
    sc = from_dict(data)
    result = RunResult(simulate(build(sc.spec), sc.seed, 0, True), sc)
    check_run(result)  # the books balance, per series and over the network
    ev = result.record.events
    assert ev is not None
    r = [p.name for p in result.plan.network.routes].index("r")
    shipped = ev.select((ev.kind == EventKind.SHIPPED) & (ev.route == r))
    ends = ev.select(np.isin(ev.kind, [EventKind.DELIVERY, EventKind.LOST]) & (ev.route == r))
    first = delays[0][0]
    assert not (shipped.time >= first).any()  # paused with the first delay
    total = int(shipped.n.sum())
    for d, b in delays:
        on_the_way = int(shipped.n[shipped.time < d].sum()) - int(ends.n[ends.time <= d].sum())
        # the delay reaches every shipment on the way and nothing that had arrived: none arrives
        # within the delay, and all that were on the way arrive after it
        assert not ((ends.time > d) & (ends.time < d + b)).any(), (d, b)
        assert int(ends.n[ends.time > d].sum()) == on_the_way, (d, b)
    assert int(ends.n.sum()) == total  # each shipment ends once: delivered or lost
    assert ends.time.max(initial=0) <= first + longest + sum(b for _, b in delays) + 1e-9
    summary = result.summary["routes"]["r"]
    assert summary["delivered"] + summary.get("lost", 0) == total
    assert summary["in_transit_at_end"] == 0
