"""User SimPy processes (engine/control.py): they run on the engine's own clock, see the right
time and stock between the engine's events, and their actions land in the event log."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import defsim
from defsim.engine.records import EVENT_COLUMNS, EventKind
from tests.conftest import ROOT, SCENARIOS, one_site

seen: list[tuple[float, float, int]] = []


def level_at(result, holder: str, interceptor: str, t: float) -> int:
    times, levels = result.stock.series(holder, interceptor)
    return int(levels[np.searchsorted(times, t, side="right") - 1])


def poller(env, world):
    """Every half day (off the hour, so nothing else happens at the same time), note the stock."""
    yield env.timeout(0.137)
    while True:
        seen.append((env.now, world.now, world.stock("Battery", "interceptor")))
        yield env.timeout(0.5)


def test_a_process_sees_the_engines_time_and_stock():
    seen.clear()
    result = defsim.run(SCENARIOS / "textbook.yaml", processes=[poller])
    assert len(seen) == 80  # 0.137, 0.637, ... up to the end at 40 days
    times = np.array([s[0] for s in seen])
    assert np.allclose(times, 0.137 + 0.5 * np.arange(80))
    assert all(a == b for a, b, _ in seen)
    stocks = [s[2] for s in seen]
    assert stocks == [level_at(result, "Battery", "interceptor", t) for t in times]
    assert stocks[0] > stocks[30] and min(stocks) == 0  # it saw the stock fall and run out
    # the poller read only: the run is the run without it
    plain = defsim.run(SCENARIOS / "textbook.yaml")
    a, b = plain.record.events, result.record.events
    assert all(np.array_equal(getattr(a, c), getattr(b, c)) for c in EVENT_COLUMNS)


def load_example():
    spec = importlib.util.spec_from_file_location(
        "emergency_package", ROOT / "examples" / "emergency_package.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_emergency_package_example_ships_when_and_as_its_rule_says():
    ex = load_example()
    result = defsim.run(ex.SCENARIO, processes=[ex.emergency_package])
    ev = result.record.events
    names = [r["name"] for r in result.record.routes]
    route = names.index("emergency: Licensor depot -> Front stockpile")
    shipped = ev.select((ev.kind == EventKind.SHIPPED) & (ev.route == route))
    delivered = ev.select((ev.kind == EventKind.DELIVERY) & (ev.route == route))
    assert len(shipped) >= 2
    assert set(shipped.n.tolist()) == {ex.PACKAGE}
    assert np.allclose(delivered.time, shipped.time[: len(delivered)] + ex.LEAD_TIME)
    assert np.all(np.diff(shipped.time) >= ex.EVERY)
    # the first package leaves the moment the front stock first falls below 20 ...
    times, levels = result.stock.series(ex.FRONT, ex.TYPE)
    first_below = times[np.argmax(levels < ex.BELOW)]
    assert shipped.time[0] == first_below
    # ... and every package leaves when it is below 20, from a depot that keeps more than 40
    for t in shipped.time:
        assert level_at(result, ex.FRONT, ex.TYPE, t) < ex.BELOW
        assert level_at(result, ex.DEPOT, ex.TYPE, t) >= ex.DEPOT_KEEPS
    summary = result.summary["routes"]["emergency: Licensor depot -> Front stockpile"]
    assert summary["kind"] == "action"
    assert summary["shipped"] == ex.PACKAGE * len(shipped)


def act(env, world):
    yield env.timeout(2.5)
    world.pause("supply")
    yield env.timeout(1.0)
    world.set_doctrine("S", shots=2)
    yield env.timeout(2.0)
    world.resume("supply")


def test_pause_resume_and_doctrine_changes_are_logged_and_take_effect():
    data = one_site(stock={"I": 1000})
    data["duration"] = "10d"
    data["attacks"] = [{"stream": {"rate": "10/d", "threats": "T"}}]
    data["transfers"] = [
        {
            "name": "supply",
            "from": "outside",
            "to": "S",
            "interceptor": "I",
            "at": "1d",
            "every": "1d",
            "quantity": 3,
        }
    ]
    result = defsim.run(defsim.scenario.from_dict(data), processes=[act])
    ev = result.record.events
    acts = ev.of(EventKind.PAUSED, EventKind.RESUMED, EventKind.DOCTRINE)
    logged = [
        (t, EventKind(k).label, n)
        for t, k, n in zip(acts.time.tolist(), acts.kind.tolist(), acts.n.tolist(), strict=True)
    ]
    # shipments due at days 3, 4 and 5 (just before the resume at 5.5) wait: 9 rounds leave then
    assert logged == [(2.5, "paused", 0), (3.5, "doctrine", 2), (5.5, "resumed", 9)]
    ships = ev.of(EventKind.SHIPPED)
    assert ships.time.tolist() == [1.0, 2.0, 5.5, 6.0, 7.0, 8.0, 9.0]
    assert ships.n.tolist() == [3, 3, 9, 3, 3, 3, 3]
    shots = ev.of(EventKind.SHOT)
    assert set(shots.n[shots.time < 3.5].tolist()) == {1}
    assert set(shots.n[shots.time > 3.5].tolist()) == {2}
    rows = [r for r in result.event_rows() if r[2] in ("paused", "resumed", "doctrine")]
    assert [r[3] for r in rows] == ["S", "S", "S"] and rows[0][-1] == "supply"


def shipper(env, world):
    """Module-level: sent to worker processes in an ensemble."""
    yield world.below("S", "I", 10)
    world.ship("outside", "S", "I", 5, lead_time=0.5)


def test_processes_run_in_every_replication_of_an_ensemble_whatever_the_workers():
    data = one_site(stock={"I": 30})
    data["duration"] = "5d"
    data["attacks"] = [{"stream": {"rate": "10/d", "threats": "T"}}]
    sc = defsim.scenario.from_dict(data)
    one = defsim.run(sc, reps=6, workers=1, processes=[shipper])
    two = defsim.run(sc, reps=6, workers=2, processes=[shipper])
    key = "routes.emergency: outside -> S.shipped"
    assert np.array_equal(one.values, two.values, equal_nan=True) and one.columns == two.columns
    assert set(one.figure(key).tolist()) == {5.0}


def bad_name(env, world):
    world.stock("nowhere", "I")
    yield env.timeout(1)


def test_names_are_checked():
    with pytest.raises(KeyError, match="no holder 'nowhere'; holders: S"):
        defsim.run(defsim.scenario.from_dict(one_site()), processes=[bad_name])


def test_an_ensemble_with_processes_summarises_and_saves_what_they_opened(tmp_path):
    data = one_site(stock={"I": 30})
    data["duration"] = "5d"
    data["attacks"] = [{"stream": {"rate": "10/d", "threats": "T"}}]
    ens = defsim.run(defsim.scenario.from_dict(data), reps=3, workers=1, processes=[shipper])
    stats = ens.summary["figures"]["routes.emergency: outside -> S.shipped"]
    assert stats["mean"] == 5.0 and stats["n"] == 3
    ens.save(tmp_path / "out", plot=False)
    assert "routes.emergency: outside -> S.shipped" in (tmp_path / "out" / "reps.csv").read_text()
