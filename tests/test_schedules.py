"""Recurring times are rules, not lists: the plan stays small, and the times and their order at
equal times are exactly those of every occurrence scheduled up front."""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from defsim.engine.clock import Clock
from defsim.plan import Every, Production
from defsim.plan.compiler import build
from defsim.plan.timing import production_times
from defsim.scenario import from_dict
from tests.conftest import one_site, with_top


def _listed(first: float, every: float, until: float, end: float) -> list[float]:
    """The list the plan used to hold."""
    out, t = [], first
    while t < end and t <= min(until, end):
        out.append(t)
        t += every
    return out


@settings(max_examples=200, derandomize=True, database=None)
@given(st.floats(0, 50), st.floats(0.01, 5), st.floats(0, 80), st.floats(0, 80))
def test_every_gives_the_listed_times(first, step, until, end):
    assert list(Every(first, step, until, end)) == _listed(first, step, until, end)


@settings(max_examples=200, derandomize=True, database=None)
@given(
    st.lists(st.tuples(st.floats(0, 30), st.floats(0, 40)), min_size=1, max_size=4),
    st.sampled_from(["step", "linear"]),
    st.floats(0, 10),
    st.one_of(st.none(), st.integers(1, 200)),
    st.integers(1, 5),
)
def test_production_lots_are_the_listed_rounds_grouped(points, interpolate, begin, cap, batch):
    times = production_times(points, interpolate, begin, 40.0, cap)
    if batch > 1:
        times = [t for t in times[batch - 1 :: batch] for _ in range(batch)]
    grouped: list[tuple[float, int]] = []
    for t in times:  # what the engine did with the list: equal times as one lot
        if grouped and grouped[-1][0] == t:
            grouped[-1] = (t, grouped[-1][1] + 1)
        else:
            grouped.append((t, 1))
    assert list(Production(tuple(points), interpolate, begin, 40.0, cap, batch).lots()) == grouped


def test_recurring_calls_keep_the_order_of_calls_scheduled_up_front():
    def order(lazy: bool) -> list[str]:
        clock, seen = Clock(), []
        a, b = Every(7.0, 7.0, 30.0, 30.0), Every(14.0, 14.0, 30.0, 30.0)
        if lazy:
            clock.every(a, lambda c: seen.append(f"a{clock.now:g}"))
            clock.every(b, lambda c: seen.append(f"b{clock.now:g}"))
        else:
            for t in a:
                clock.later(t, lambda c: seen.append(f"a{clock.now:g}"))
            for t in b:
                clock.later(t, lambda c: seen.append(f"b{clock.now:g}"))
        clock.later(3.0, lambda c: clock.later(11.0, lambda c: seen.append(f"x{clock.now:g}")))  # due at 14
        clock.run(30.0, [], [], [], [])
        return seen

    assert order(lazy=True) == order(lazy=False) == ["a7", "a14", "b14", "x14", "a21", "a28", "b28"]


def test_a_century_of_daily_shipments_and_a_fast_producer_make_a_small_plan():
    data = with_top(
        one_site(),
        duration="100y",
        attacks=[],
        stockpiles={"D": {"stock": {"I": 0}}},
        producers={"P": {"interceptor": "I", "rate": "1e5/d", "to": "D"}},
        transfers=[
            {
                "name": "daily",
                "from": "outside",
                "to": "S",
                "interceptor": "I",
                "quantity": 1,
                "at": "0d",
                "every": "1h",
            }
        ],
    )
    plan = build(from_dict(data).spec)
    assert len(pickle.dumps(plan)) < 20_000  # rules, not 3.6e9 production times and 876,600 shipments
