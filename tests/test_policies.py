"""The supply-policy protocol: holders publish level changes to the policies subscribed to them.

A new reorder policy is one class: a test below defines one, registers it under a name, and a
scenario's ``resupply`` entry of that name gets it, wired by the same mechanism as the built-ins.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from defsim import vocab
from defsim.engine.policies import REORDER, ReorderPolicy, register, reorder_policy
from defsim.engine.records import EventKind
from defsim.engine.simulation import Simulation
from defsim.plan.compiler import build
from defsim.scenario import ScenarioError, from_dict, json_schema, loads
from defsim.scenario.schema_doc import reference_markdown
from tests.conftest import one_site


class Recorder:
    """Remembers every level change it is told of (a LevelWatcher: subscribed by the test)."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, str, int, int]] = []
        self.sim: Simulation | None = None

    def on_level(self, holder, itype, level, change):
        assert self.sim is not None
        self.calls.append((self.sim.env.now, holder.__class__.__name__, level, change))


def resupplied_site() -> dict:
    data = one_site(
        stock={"I": 20},
        resupply=[{"interceptor": "I", "policy": "base_stock", "level": 20, "lead_time": "12h"}],
    )
    data["duration"] = "10d"
    data["attacks"] = [{"stream": {"rate": "50/d", "threats": "T"}}]
    return data


def resupplied_yaml(policy: str) -> str:
    """The scenario as a YAML file would give it, its reorder policy named ``policy``."""
    data = resupplied_site()
    data["sites"]["S"]["resupply"][0]["policy"] = policy
    return yaml.safe_dump(data, sort_keys=False)


def test_a_policy_defined_here_and_registered_runs_from_yaml(monkeypatch):
    """One class and one register() call: the schema accepts its name, the JSON Schema and the
    generated reference list it, and a scenario that names it runs it."""
    monkeypatch.setattr(vocab, "_EXTRA_POLICIES", [])  # the registration is undone after the test
    monkeypatch.setattr(REORDER, "table", dict(REORDER.table))
    text = resupplied_yaml("batch_of_5")
    with pytest.raises(ScenarioError, match="batch_of_5"):  # not a policy yet: refused
        loads(text)

    @register("batch_of_5")
    class BatchOfFive(ReorderPolicy):
        """Reorder in batches: every 5 rounds fired, order 5."""

        fired = 0

        def attach(self, net):
            self.route = net.routes[self.plan.route]
            net.holders[self.plan.site].subscribe(self.plan.itype, self)

        def on_level(self, holder, itype, level, change):
            if change < 0:
                self.fired -= change
                while self.fired >= 5:
                    self.fired -= 5
                    self.route.ship(5)

    assert REORDER.table["batch_of_5"] is BatchOfFive
    enum = json_schema()["$defs"]["Resupply"]["properties"]["policy"]["enum"]
    assert enum == ["base_stock", "reorder_point", "batch_of_5"]
    assert "`base_stock`, `reorder_point`, `batch_of_5`" in reference_markdown()

    record = Simulation(build(loads(text).spec), seed=3).run()
    ev = record.events
    fired = int(ev.n[ev.kind == EventKind.SHOT].sum())
    shipped = ev.of(EventKind.SHIPPED)
    assert fired > 100
    assert set(shipped.n.tolist()) == {5}
    assert len(shipped) == fired // 5
    assert record.routes[0]["shipped"] == 5 * (fired // 5)

    # the built-in policy under the same wiring ships one for one
    record = Simulation(build(loads(resupplied_yaml("base_stock")).spec), seed=3).run()
    ev = record.events
    assert record.routes[0]["shipped"] == int(ev.n[ev.kind == EventKind.SHOT].sum())


def test_unknown_policy_name_lists_the_registered_ones():
    plan = build(from_dict(resupplied_site()).spec)
    rp = plan.network.resupply[0]
    rp.policy = "no_such_policy"
    with pytest.raises(ValueError, match="base_stock, reorder_point"):
        reorder_policy(rp)


def test_a_site_calls_a_policy_only_at_or_below_its_threshold():
    data = one_site(stock={"I": 10})
    data["duration"] = "1d"
    data["attacks"] = [{"wave": {"at": "1h", "threats": {"T": 30}}}]
    sim = Simulation(build(from_dict(data).spec), seed=1)
    watcher = Recorder()
    watcher.sim = sim
    sim.network.holders[0].subscribe(0, watcher, below=3)
    record = sim.run()
    assert int(record.shots.sum()) == 10
    assert [c[2:] for c in watcher.calls] == [(3, -1), (2, -1), (1, -1), (0, -1)]


def test_a_stockpile_publishes_puts_and_takes_and_a_route_its_deliveries():
    data = one_site(stock={"I": 0})
    data["attacks"] = []
    data["stockpiles"] = {"depot": {"stock": {"I": 10}}}
    data["transfers"] = [
        {
            "name": "out",
            "from": "depot",
            "to": "S",
            "interceptor": "I",
            "at": "1d",
            "quantity": 4,
            "lead_time": "1d",
        },
        {"name": "in", "from": "outside", "to": "depot", "interceptor": "I", "at": "3d", "quantity": 3},
    ]
    sim = Simulation(build(from_dict(data).spec), seed=1)
    depot = sim.plan.holder_names.index("depot")
    at_depot, by_route = Recorder(), Recorder()
    at_depot.sim = by_route.sim = sim
    sim.network.holders[depot].subscribe(0, at_depot)
    out = next(r for r in sim.network.routes if r.plan.name == "out")
    out.subscribe(by_route)
    sim.run()
    assert at_depot.calls == [(1.0, "Store", 6, -4), (3.0, "Store", 9, 3)]
    assert by_route.calls == [(2.0, "Site", 4, 4)]


def test_policies_are_wired_per_holder_and_type():
    """A site's policy hears only its own interceptor type."""
    data = one_site(stock={"I": 5, "J": 5}, interceptors=["I", "J"])
    data["interceptors"]["J"] = {"pk": 0.7}
    data["duration"] = "1d"
    data["attacks"] = [{"wave": {"at": "1h", "threats": {"T": 8}}}]
    sim = Simulation(build(from_dict(data).spec), seed=1)
    on_i, on_j = Recorder(), Recorder()
    on_i.sim = on_j.sim = sim
    sim.network.holders[0].subscribe(0, on_i)
    sim.network.holders[0].subscribe(1, on_j)
    record = sim.run()
    assert np.array_equal(record.shots[0], [5, 3])  # preference order: I first, then J
    assert [c[2] for c in on_i.calls] == [4, 3, 2, 1, 0]
    assert [c[2] for c in on_j.calls] == [4, 3, 2]
