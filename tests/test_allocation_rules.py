"""Several allocation rules on one stockpile (``allocate:`` as a list): one per interceptor type
or group of sites, each applying to its own type and recipients only.

The depot holds two types.  Rule 1 gives type A to both sites by priority, topping each up to
30 every day; rule 2 gives type B to site S2 only, lowest stock first, up to 20.  Only S1 is
attacked (one threat an hour, one round of A each, no reload limit), so rule 1 refills S1 every
day with exactly the rounds S1 fired the day before, and rule 2 ships its first fill and
nothing after.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from defsim.cli import main
from tests.conftest import run_data


def scenario() -> dict:
    site = {"fire_channels": 4, "engagement_time": "1m", "doctrine": {"mode": "salvo", "shots": 1}}
    return {
        "name": "two allocation rules",
        "provenance": "notional, test",
        "duration": "10d",
        "interceptors": {"A": {"pk": 0.5}, "B": {"pk": 0.5}},
        "threats": {"T": {"class": "cruise_missile"}},
        "sites": {
            "S1": {"interceptors": ["A"], "stock": {"A": 0}, **site},
            "S2": {"interceptors": ["A", "B"], "stock": {"A": 0, "B": 0}, **site},
        },
        "stockpiles": {
            "Depot": {
                "stock": {"A": 1000, "B": 100},
                "allocate": [
                    {
                        "interceptor": "A",
                        "to": ["S1", "S2"],
                        "policy": "priority",
                        "every": "1d",
                        "up_to": 30,
                    },
                    {
                        "interceptor": "B",
                        "to": ["S2"],
                        "policy": "lowest_stock_first",
                        "every": "1d",
                        "up_to": 20,
                    },
                ],
            }
        },
        # the first threat an hour after the first allocation (time 0)
        "attacks": [{"raid": {"every": "1h", "first": "1h", "size": {"T": 1}, "targets": "S1"}}],
    }


def test_two_rules_on_one_stockpile_each_apply_to_their_own_type_and_sites():
    s = run_data(scenario()).summary
    routes = {k: v["delivered"] for k, v in s["routes"].items()}
    # rule 2 feeds only S2 with B: its first fill, then nothing (S2 fires nothing)
    assert routes["Depot -> S2 (B)"] == 20
    assert "Depot -> S1 (B)" not in routes
    # rule 1: S2 is filled once with A; S1 gets back every day what it fired since
    assert routes["Depot -> S2 (A)"] == 30
    s1 = s["sites"]["S1"]["by_interceptor"]["A"]
    fired = s1["shots"]
    assert fired == 10 * 24  # one round an hour from 1h to the end (10d) included
    # conservation of the rule's rounds at S1: delivered = fired + held at the end
    assert routes["Depot -> S1 (A)"] == fired + s1["final_stock"]
    # daily refills to 30: at the end S1 holds 30 less the 24 rounds fired since the last (day 9)
    assert s1["final_stock"] == 30 - 24
    depot = s["stockpiles_and_producers"]["Depot"]["by_interceptor"]
    assert depot["A"]["final_stock"] == 1000 - routes["Depot -> S1 (A)"] - 30
    assert depot["B"]["final_stock"] == 100 - 20
    assert s["sites"]["S2"]["by_interceptor"]["B"]["final_stock"] == 20


def test_a_single_rule_keeps_its_route_names():
    data = scenario()
    data["stockpiles"]["Depot"]["allocate"] = data["stockpiles"]["Depot"]["allocate"][0]
    routes = run_data(data).summary["routes"]
    assert set(routes) == {"Depot -> S1", "Depot -> S2"}


GOOD = """\
name: two rules
provenance: notional, test
duration: 5d
interceptors:
  A: {pk: 0.5}
  B: {pk: 0.5}
threats:
  T: {class: drone}
sites:
  S1: {interceptors: [A], stock: {A: 5}, fire_channels: 1, engagement_time: 1m}
  S2: {interceptors: [A, B], stock: {A: 5}, fire_channels: 1, engagement_time: 1m}
stockpiles:
  Depot:
    stock: {A: 50, B: 50}
    allocate:
      - {interceptor: A, to: [S1, S2], every: 1d}
      - {interceptor: B, to: [S2], every: 1d}
attacks:
  - raid: {every: 1d, size: {T: 2}}
"""


@pytest.mark.parametrize(
    "old, new, needle, line",
    [
        (
            "{interceptor: B, to: [S2], every: 1d}",
            "{interceptor: A, to: [S2], every: 2d}",
            "allocation rule 1 already gives 'A' to 'S2'",
            17,
        ),
        (
            "{interceptor: B, to: [S2], every: 1d}",
            "{interceptor: B, to: [S1], every: 1d}",
            "does not fire 'B'",
            17,
        ),
        ("{interceptor: B, to: [S2], every: 1d}", "{interceptor: C, to: [S2], every: 1d}", "'C'", 17),
        ("{interceptor: B, to: [S2], every: 1d}", "{interceptor: B, to: [S3], every: 1d}", "'S3'", 17),
    ],
    ids=["same type and site twice", "site does not fire it", "unknown type", "unknown site"],
)
def test_bad_allocation_rules_get_one_clear_message(tmp_path, old, new, needle, line):
    assert old in GOOD
    path = tmp_path / "scenario.yaml"
    path.write_text(GOOD.replace(old, new))
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    assert f"scenario.yaml:{line}:" in r.output, r.output


def test_the_good_file_validates():
    from defsim.scenario import loads

    sc = loads(GOOD)
    assert [a.interceptor for _, a in sc.spec.stockpiles["Depot"].allocations()] == ["A", "B"]
