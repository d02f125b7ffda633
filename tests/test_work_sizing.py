"""Work is sized before it starts: requests beyond the machine's bounds are refused up front."""

from __future__ import annotations

import math

import pytest

import defsim
from defsim.plan.size import DEFAULT_LIMITS, WorkTooBig, check, estimate
from defsim.scenario import from_dict, loads
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
    with pytest.raises(WorkTooBig, match="most of them rounds made of producers.P"):
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
