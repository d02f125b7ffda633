"""The SimPy behaviour defsim's clock relies on (defsim/engine/clock.py), pinned.

If a SimPy release changes any of this, these tests fail before any result does.
"""

from __future__ import annotations

from typing import Any

import simpy
from simpy.events import NORMAL, URGENT

from defsim.engine.clock import Call, Clock


def test_queue_entries_are_time_priority_eid_event():
    env = simpy.Environment()
    t = env.timeout(2.5, value="x")
    assert len(env._queue) == 1
    time, priority, eid, event = env._queue[0]
    assert (time, priority, event) == (2.5, NORMAL, t)
    assert isinstance(eid, int)
    assert URGENT < NORMAL
    assert next(env._eid) == eid + 1  # one shared insertion counter


def test_the_queue_orders_by_time_then_priority_then_insertion():
    env = simpy.Environment()
    seen: list[str] = []
    for name, delay in (("b1", 1.0), ("a", 0.5), ("b2", 1.0), ("b3", 1.0)):
        env.timeout(delay).callbacks.append(lambda ev, name=name: seen.append(name))
    urgent = env.event()
    urgent._ok, urgent._value = True, None  # triggered by hand, as Environment.schedule expects
    urgent.callbacks.append(lambda ev: seen.append("urgent"))
    env.schedule(urgent, priority=URGENT, delay=1.0)  # URGENT before NORMAL at equal times
    env.run()
    assert seen == ["a", "urgent", "b1", "b2", "b3"]


def test_step_calls_each_callback_with_the_event_and_checks_ok():
    """A Call is processed by SimPy's own loop like an event."""
    env = simpy.Environment()
    got: list[Any] = []
    clock = Clock(env)
    clock.later(1.0, got.append, "v")
    env.step()
    assert env.now == 1.0
    assert len(got) == 1 and isinstance(got[0], Call) and got[0].value == "v"
    assert got[0].callbacks is None  # step() clears callbacks: a Call fires once
    failed = env.event()
    failed.fail(ValueError("boom"))
    try:
        env.step()
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("a failed, undefused event must raise from step()")


def test_clock_calls_interleave_with_a_plain_simpy_process_in_simpy_order():
    """Same clock, same order: a process's timeouts and scheduled calls, in both loops."""

    def scenario(env: simpy.Environment, clock: Clock, seen: list[tuple[str, float]]) -> None:
        def proc(env: simpy.Environment) -> Any:
            for _ in range(3):
                yield env.timeout(1.0)
                seen.append(("process", env.now))
                assert env.now == clock.now  # what a process sees is the engine's clock
                clock.later(0.0, lambda ev: seen.append(("after process", clock.now)))

        env.process(proc(env))
        for t in (0.5, 1.0, 2.0, 2.5):
            clock.later(t, lambda ev: seen.append(("call", clock.now)))

    # reference: SimPy's own loop
    env = simpy.Environment()
    clock = Clock(env)
    ref: list[tuple[str, float]] = []
    scenario(env, clock, ref)

    while env.peek() < 10:  # SimPy's loop moves env.now; the clock follows it
        clock.now = env.peek()
        env.step()
    # defsim's merged loop, with two arrivals at t=1.0 and t=2.0
    env2 = simpy.Environment()
    clock2 = Clock(env2)
    got: list[tuple[str, float]] = []
    scenario(env2, clock2, got)
    arrivals: list[tuple[int, int, float]] = []

    def arrive(i: int, kind: int) -> None:
        arrivals.append((i, kind, clock2.now))
        assert env2.now == clock2.now

    clock2.run(10.0, [1.0, 2.0, 12.0], [0, 0, 0], [7, 8, 9], [arrive])
    assert got == ref
    # at 1.0 the call scheduled first comes first; the process's timeout was scheduled when the
    # process started, after it; what the process schedules for "now" follows the process
    assert ref[:5] == [("call", 0.5), ("call", 1.0), ("process", 1.0), ("after process", 1.0), ("call", 2.0)]
    assert arrivals == [(0, 7, 1.0), (1, 8, 2.0)]  # the one at 12 is after the end
    assert env2.now == clock2.now == 10.0


def test_arrivals_come_after_every_event_due_at_the_same_time():
    env = simpy.Environment()
    clock = Clock(env)
    seen: list[str] = []
    clock.later(1.0, lambda ev: seen.append("call at 1"))
    env.timeout(1.0).callbacks.append(lambda ev: seen.append("timeout at 1"))
    clock.run(5.0, [1.0, 1.0], [0, 0], [0, 0], [lambda i, k: seen.append(f"arrival {i}")])
    assert seen == ["call at 1", "timeout at 1", "arrival 0", "arrival 1"]


def test_a_failed_event_raises_from_the_merged_loop_unless_defused():
    env = simpy.Environment()
    clock = Clock(env)
    bad = env.event()
    bad.fail(RuntimeError("x"))
    try:
        clock.run(1.0, [], [], [], [])
    except RuntimeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected the failure to propagate")
    env2 = simpy.Environment()
    ok = env2.event()
    ok.fail(RuntimeError("x"))
    ok.defused = True
    Clock(env2).run(1.0, [], [], [], [])
