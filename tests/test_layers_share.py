"""How several sites of one layer share the threats: the ``most_rounds`` rule, walked by hand.

Two sites form the only layer of one asset, every round ready, one threat an hour, one round
each.  ``most_rounds`` sends each threat to the site holding most rounds it may fire at it (the
first listed of equals), so the fuller site fires until the two hold the same, then they
alternate.  ``first_able`` with free channels everywhere sends everything to the first site.
"""

from __future__ import annotations

import pytest

from tests.conftest import run_data


def scenario(share: str, a: int, b: int, threats: int) -> dict:
    def site(n: int) -> dict:
        return {
            "interceptors": ["I"],
            "stock": {"I": n},
            "fire_channels": 2,
            "engagement_time": "1m",
            "covers": ["City"],
            "layer": 1,
        }

    return {
        "name": "sharing",
        "provenance": "notional, test",
        "duration": f"{threats}h",
        "interceptors": {"I": {"pk": 0.5}},
        "threats": {"M": {"class": "cruise_missile"}},
        "assets": {"City": {"value": 1, "share": share}},
        "sites": {"A": site(a), "B": site(b)},
        "attacks": [{"raid": {"every": "1h", "first": "30m", "size": {"M": 1}}}],
    }


def by_hand(share: str, a: int, b: int, threats: int) -> tuple[int, int]:
    """Rounds each site fires, threat by threat."""
    held = [a, b]
    for _ in range(threats):
        # most_rounds: the fuller site (the first of equals); first_able: the first with a round
        k = int(held[0] < held[1]) if share == "most_rounds" else int(held[0] == 0)
        if held[k] > 0:
            held[k] -= 1
    return a - held[0], b - held[1]


@pytest.mark.parametrize("share", ["most_rounds", "first_able"])
@pytest.mark.parametrize("a, b", [(15, 10), (4, 9)])
def test_sites_of_one_layer_share_the_threats_by_the_stated_rule(share, a, b):
    threats = 16
    s = run_data(scenario(share, a, b, threats)).summary
    assert s["totals"]["arrived"] == threats
    fired = (s["sites"]["A"]["shots"], s["sites"]["B"]["shots"])
    assert fired == by_hand(share, a, b, threats)
    if share == "most_rounds":
        assert abs(s["sites"]["A"]["final_stock"] - s["sites"]["B"]["final_stock"]) <= 1


def test_a_sharing_rule_defined_here_and_registered_runs_from_yaml(monkeypatch):
    """One class and one register() call: the schema accepts its name, the JSON Schema and the
    generated reference list it, and an asset that names it shares its threats by it."""
    import yaml

    from defsim import vocab
    from defsim.engine import sharing
    from defsim.engine.sharing import base
    from defsim.engine.simulation import Simulation
    from defsim.plan.compiler import build
    from defsim.scenario import ScenarioError, json_schema, loads
    from defsim.scenario.schema_doc import reference_markdown

    monkeypatch.setattr(vocab, "_EXTRA_SHARES", [])  # the registration is undone after the test
    monkeypatch.setattr(base.SHARING, "table", dict(base.SHARING.table))
    text = yaml.safe_dump(scenario("last_listed", 15, 10, 8), sort_keys=False)
    with pytest.raises(ScenarioError, match="last_listed"):  # not a rule yet: refused
        loads(text)

    @sharing.register("last_listed")
    class LastListed:
        """Every threat to the site listed last."""

        def choose(self, sites, tt):
            return sites[-1]

    assert base.SHARING.table["last_listed"] is LastListed
    enum = json_schema()["$defs"]["Asset"]["properties"]["share"]["enum"]
    assert enum == ["first_able", "least_loaded", "most_rounds", "last_listed"]
    assert "`first_able`, `least_loaded`, `most_rounds`, `last_listed`" in reference_markdown()

    record = Simulation(build(loads(text).spec), seed=1).run()
    assert record.shots.sum(axis=1).tolist() == [0, 8]  # by_hand would give A the threats first
    assert by_hand("first_able", 15, 10, 8) == (8, 0)


def test_an_unknown_sharing_rule_names_the_registered_ones():
    from defsim.engine.sharing import share_rule

    with pytest.raises(ValueError, match="first_able, least_loaded, most_rounds"):
        share_rule("no_such_rule")
