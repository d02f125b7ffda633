"""An allocation policy is one registered class: a policy defined here is refused by the schema
until it is registered, and once registered the JSON Schema and the generated reference list it
and a stockpile that names it shares its rounds by it.

The depot holds 50 rounds and feeds three empty sites once (up to 30 each), with no attack, so
what each site holds at the end is what the allocation gave it: ``priority`` fills S1 then S2
(30, 20, 0); the policy defined here gives everything it may to the last recipient (0, 0, 30).
"""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import run_data


def scenario(policy: str) -> dict:
    site = {"interceptors": ["I"], "stock": {"I": 0}, "fire_channels": 1, "engagement_time": "1m"}
    return {
        "name": "allocation policy",
        "provenance": "notional, test",
        "duration": "1d",
        "interceptors": {"I": {"pk": 0.5}},
        "threats": {"M": {"class": "cruise_missile"}},
        "sites": {"S1": site, "S2": site, "S3": site},
        "stockpiles": {
            "Depot": {
                "stock": {"I": 50},
                "allocate": {
                    "to": ["S1", "S2", "S3"],
                    "interceptor": "I",
                    "policy": policy,
                    "every": "2d",
                    "up_to": 30,
                },
            }
        },
        "attacks": [],
    }


def held(policy: str) -> tuple[list[int], int]:
    """Rounds each site and the depot hold at the end."""
    s = run_data(scenario(policy)).summary
    sites = [s["sites"][n]["final_stock"] for n in ("S1", "S2", "S3")]
    return sites, s["stockpiles_and_producers"]["Depot"]["final_stock"]


def test_priority_fills_the_recipients_in_order():
    assert held("priority") == ([30, 20, 0], 0)


def test_an_allocation_policy_defined_here_and_registered_runs_from_yaml(monkeypatch):
    from defsim import vocab
    from defsim.engine import allocation
    from defsim.engine.allocation import base
    from defsim.scenario import ScenarioError, json_schema, loads
    from defsim.scenario.schema_doc import reference_markdown

    monkeypatch.setattr(vocab, "_EXTRA_ALLOCATIONS", [])  # the registration is undone after the test
    monkeypatch.setattr(base.ALLOCATION, "table", dict(base.ALLOCATION.table))
    with pytest.raises(ScenarioError, match="last_recipient"):  # not a policy yet: refused
        loads(yaml.safe_dump(scenario("last_recipient"), sort_keys=False))

    @allocation.register("last_recipient")
    class LastRecipient:
        """All the rounds the last recipient may take go to it."""

        def give(self, a, avail, have, need):
            return [0] * (len(need) - 1) + [int(min(avail, need[-1]))]

    assert base.ALLOCATION.table["last_recipient"] is LastRecipient
    enum = json_schema()["$defs"]["Allocation"]["properties"]["policy"]["enum"]
    assert enum == ["lowest_stock_first", "proportional_to_use", "priority", "last_recipient"]
    assert "`lowest_stock_first`, `proportional_to_use`, `priority`, `last_recipient`" in reference_markdown()

    assert held("last_recipient") == ([0, 0, 30], 20)


def test_an_unknown_allocation_policy_names_the_registered_ones():
    from defsim.engine.allocation import allocation_policy

    with pytest.raises(ValueError, match="lowest_stock_first, priority, proportional_to_use"):
        allocation_policy("no_such_rule")
