"""The threat-behaviour seam (engine/behaviour.py): a manoeuvring threat against closed forms.

A threat with ``manoeuvre: {last_layer_pk_drop: f}`` is hit with every round's kill probability
times (1 - f) in the last layer defending its target, and as usual elsewhere.  Without
saturation it meets every layer it survives, so P(kill) = 1 - prod(1 - P_i) with the last
layer's P computed at p (1 - f) (compare tests/test_layers.py); each check uses a computed
standard error at a fixed seed.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

import defsim
from defsim.analysis import theory
from defsim.scenario import ScenarioError, from_dict, loads
from tests.conftest import one_site, run_data
from tests.test_layers import SALVO1, SALVO2, SLS12, layer_kill, layered

Z = 4.0
SHIPPED = Path(defsim.__file__).parent / "scenarios" / "manoeuvring.yaml"


def manoeuvring(data: dict, drop: float) -> dict:
    out = copy.deepcopy(data)
    for t in out["threats"].values():
        t["manoeuvre"] = {"last_layer_pk_drop": drop}
    return out


def killed_share(data: dict, seed: int = 5) -> tuple[float, int]:
    s = run_data(data, seed=seed, record_events=False).summary
    n = s["totals"]["arrived"]
    return s["totals"]["killed"] / n, n


CASES = {
    "salvo 0.7 then salvo 0.6, drop 0.3": ([(0.7, SALVO1), (0.6, SALVO1)], 0.3),
    "salvo 2 at 0.7 then SLS 1x2 at 0.8, drop 0.5": ([(0.7, SALVO2), (0.8, SLS12)], 0.5),
    "three layers at 0.5, drop 0.4": ([(0.5, SALVO1)] * 3, 0.4),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_last_layer_alone_loses_the_stated_fraction_of_its_pk(case):
    layers, drop = CASES[case]
    last = len(layers) - 1
    p_kill = 1 - math.prod(
        1 - layer_kill(p * (1 - drop) if k == last else p, d) for k, (p, d) in enumerate(layers)
    )
    plain = 1 - math.prod(1 - layer_kill(p, d) for p, d in layers)
    killed, n = killed_share(manoeuvring(layered(layers, raids=2000), drop))
    se = math.sqrt(p_kill * (1 - p_kill) / n)
    assert abs(killed - p_kill) < Z * se, (killed, p_kill, se)
    assert plain - p_kill > 2 * Z * se  # a drop the test can see, not lost in the noise


def test_a_threat_aimed_at_a_site_manoeuvres_against_it():
    """A site a threat is aimed at is the last (and only) layer defending it."""
    data = manoeuvring(one_site(doctrine={"mode": "salvo", "shots": 2}), 0.3)
    killed, n = killed_share(data)
    p_kill = theory.salvo(0.7 * 0.7, 2)[0]
    se = math.sqrt(p_kill * (1 - p_kill) / n)
    assert abs(killed - p_kill) < Z * se, (killed, p_kill, se)


def test_no_drop_is_the_plain_shot_draw_for_draw():
    """A drop of 0 resolves every shot as a threat without the key: identical records."""
    data = layered([(0.7, SALVO1), (0.8, SLS12)], raids=200)
    plain = run_data(data, seed=2).record
    zero = run_data(manoeuvring(data, 0.0), seed=2).record
    for column in ("time", "kind", "threat_id", "n", "reason"):
        assert (getattr(plain.events, column) == getattr(zero.events, column)).all()


def test_the_shipped_example_kills_as_its_closed_form():
    """defsim/scenarios/manoeuvring.yaml, run long with ample rounds: P(kill) per type."""
    sc = defsim.load(
        SHIPPED, ["duration=150w", "sites.Area.stock.area=100000", "sites.Point.stock.point=100000"]
    )
    s = defsim.run(sc, seed=11, record_events=False).summary
    expected = {"cruise": 1 - 0.3 * 0.2, "manoeuvring_cruise": 1 - 0.3 * (1 - 0.8 * 0.7)}
    for name, p_kill in expected.items():
        t = s["threats"][name]
        n = t["arrived"]
        se = math.sqrt(p_kill * (1 - p_kill) / n)
        assert n > 2000
        assert abs(t["killed"] / n - p_kill) < Z * se, (name, t["killed"] / n, p_kill, se)


def test_a_drop_outside_zero_to_one_is_refused_with_its_key():
    data = manoeuvring(one_site(), 1.5)
    with pytest.raises(ScenarioError, match="manoeuvre"):
        from_dict(data)
    with pytest.raises(ScenarioError, match="last_layer_pk_drop"):
        loads(
            "name: x\n" + "provenance: p\nduration: 1d\ninterceptors: {I: {pk: 0.5}}\n"
            "threats: {T: {class: drone, manoeuvre: {}}}\nsites: {S: {interceptors: [I], stock: {I: 1}}}\n"
        )
