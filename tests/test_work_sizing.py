"""Work is sized before it starts: requests beyond the machine's bounds are refused up front."""

from __future__ import annotations

import math
import re

import pytest
import yaml
from click.testing import CliRunner

import defsim
from defsim.cli import main
from defsim.plan.size import DEFAULT_LIMITS, WorkTooBig, check, estimate
from defsim.scenario import InputError, from_dict, loads
from tests.conftest import SCENARIOS, one_site, with_top
from tests.test_bad_input import BASE


@pytest.mark.parametrize("name", ["textbook", "nightly_raids", "multi_site", "backfill"])
def test_the_estimate_is_the_expected_number_of_threats(name):
    sc = defsim.load(SCENARIOS / f"{name}.yaml")
    work = estimate(sc.spec)
    result = defsim.run(sc, record_events=False)
    arrived = result.summary["totals"]["arrived"]
    # Poisson streams and raids whose sizes are Poisson, uniform or fixed: variance <= mean
    se = work.threats**0.5
    assert arrived <= work.threats + 4 * se, (arrived, work.threats)  # an attacker's stock only lowers it
    if sc.spec.attacker is None:
        assert abs(arrived - work.threats) <= 4 * se, (arrived, work.threats)


def test_a_century_long_fast_stream_is_refused_with_the_factor_to_raise_it():
    sc = from_dict(
        with_top(one_site(), duration="100y", attacks=[{"stream": {"rate": "1e4/d", "threats": "T"}}])
    )
    factor = math.ceil(365.25e6 / DEFAULT_LIMITS.threats_per_run)
    with pytest.raises(
        WorkTooBig,
        match=rf"threats in one run: about 3.7e\+08 \(about 610 GB of memory\).*--allow-work {factor}$",
    ):
        check(estimate(sc.spec))
    check(estimate(sc.spec), limits=DEFAULT_LIMITS.scaled(factor))  # raised, it passes


def test_a_producer_whose_every_round_would_be_listed_is_refused():
    data = loads(BASE).source.data
    data["stockpiles"] = {"D": {"stock": {"I": 1}}}
    data["producers"] = {"P": {"interceptor": "I", "rate": "1e6/d", "to": "D"}}
    data["duration"] = "100d"
    with pytest.raises(WorkTooBig, match=r"most of them rounds made of producers\.P"):
        check(estimate(from_dict(data).spec))


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        ({"reps": 10_000_000}, "replications in all"),
        ({"variants": 64_000}, "variants in the sweep"),
        ({"reps": 100, "grid_points": 31_536_000}, "grid points the ensemble statistics hold"),
        ({"reps": 2, "grid_points": 367, "variants": 60_000}, "variants in the sweep"),
    ],
)
def test_ensembles_and_sweeps_are_sized(kwargs, needle):
    work = estimate(loads(BASE).spec)
    with pytest.raises(WorkTooBig, match=needle):
        check(work, **kwargs)


def test_replications_do_not_count_against_the_grid_bound():
    """Ensembles fold replications into bounded statistics: a year-long daily grid at the
    replication cap passes, though its levels would fill terabytes if all were held."""
    work = estimate(loads(BASE).spec)
    check(work, reps=1_000_000, grid_points=367)
    with pytest.raises(WorkTooBig, match="grid points"):
        check(work, reps=1, grid_points=int(DEFAULT_LIMITS.grid_values / work.holder_series) + 10)


def test_ordinary_requests_pass():
    for name in ("textbook", "nightly_raids", "multi_site", "backfill"):
        sc = defsim.load(SCENARIOS / f"{name}.yaml")
        check(estimate(sc.spec), reps=1000, grid_points=1000, variants=4)


# Everything that recurs, at 1s for a century: about 3.2e9 occurrences each.  Before, only a
# raid's threats and a producer's or flow's rounds were counted: a raid of no threats, deliveries,
# shipments, allocations and cross-levelling passed, then allocated 23.5 GiB for raid times or
# grew without bound.
_CENTURY = {"duration": "100y"}
RECURRING = {
    "raid of no threats": {"attacks": [{"raid": {"every": "1s", "size": {"T": 0}}}]},
    "delivery": {"deliveries": [{"at": 0, "to": "S", "interceptor": "I", "quantity": 1, "every": "1s"}]},
    "shipment": {
        "transfers": [
            {"from": "outside", "to": "S", "interceptor": "I", "at": 0, "quantity": 1, "every": "1s"}
        ]
    },
    "standing flow": {"transfers": [{"from": "outside", "to": "S", "interceptor": "I", "rate": "1e5/d"}]},
    "allocation": {
        "stockpiles": {"D": {"stock": {"I": 5}, "allocate": {"interceptor": "I", "to": ["S"], "every": "1s"}}}
    },
    "cross-levelling": {
        "cross_levelling": [{"sites": ["S", "S2"], "interceptor": "I", "every": "1s", "threshold": 2}]
    },
    "producer": {
        "stockpiles": {"D": {}},
        "producers": {"P": {"interceptor": "I", "rate": "1e5/d", "to": "D"}},
    },
}
WHERE = {
    "raid of no threats": "raids of attacks.0.raid",
    "delivery": "deliveries of deliveries.0",
    "shipment": "shipments of transfers.0",
    "standing flow": "shipments of its flow of transfers.0",
    "allocation": "allocations (times recipients) of stockpiles.D.allocate",
    "cross-levelling": "checks of cross_levelling.0",
    "producer": "rounds made of producers.P",
}


def _recurring(kind: str) -> dict:
    data = with_top(one_site(), **{"attacks": [], **_CENTURY, **RECURRING[kind]})
    data["sites"]["S2"] = dict(data["sites"]["S"])
    return data


@pytest.mark.parametrize("kind", sorted(RECURRING))
def test_every_recurring_schedule_counts_in_the_work_estimate(kind):
    sc = from_dict(_recurring(kind))
    work = estimate(sc.spec)
    assert work.events > 3e9 if kind not in ("standing flow", "producer") else work.events > 3e6
    assert work.threats == 0
    with pytest.raises(
        WorkTooBig, match=rf"scheduled events in one run.*most of them {re.escape(WHERE[kind])}"
    ):
        check(work)


@pytest.mark.parametrize("kind", ["raid of no threats", "delivery"])
def test_a_recurring_schedule_too_big_is_refused_by_the_command_before_it_starts(tmp_path, kind):
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(_recurring(kind)))
    out = tmp_path / "results"
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "error: too much work for this machine: scheduled events in one run" in r.output, r.output
    assert "--allow-work" in r.output
    assert not out.exists()


def test_the_estimate_counts_occurrences_as_the_schedule_yields_them():
    from defsim.plan.schedules import Every
    from defsim.plan.size import occurrences

    cases = [(0, 1, 10, 10), (0.5, 0.25, 3, 10), (2, 7, 100, 50), (11, 1, 20, 10), (0, None, 5, 5)]
    for first, step, until, end in cases:
        assert occurrences(first, step, until, end) == len(list(Every(first, step, until, end)))


def test_the_bounds_fit_the_machine_by_measured_memory():
    """Each kind of work at its bound, and all three at once, within half of a 24 GB machine
    (the bytes per unit are measured by benchmarks/work_memory.py)."""
    from defsim.plan.size import BYTES_PER_EVENT, BYTES_PER_GRID_VALUE, BYTES_PER_THREAT

    lim = DEFAULT_LIMITS
    each = [
        lim.threats_per_run * BYTES_PER_THREAT,
        lim.events_per_run * BYTES_PER_EVENT,
        lim.grid_values * BYTES_PER_GRID_VALUE,
    ]
    assert max(each) < 24e9 / 5, each
    assert sum(each) < 24e9 / 2, each


@pytest.mark.parametrize("factor", [float("nan"), float("inf"), -1.0, 0.5])
def test_a_factor_that_would_lift_every_bound_is_refused(factor):
    with pytest.raises(InputError, match="allow_work must be a finite factor of at least 1"):
        DEFAULT_LIMITS.scaled(factor)
