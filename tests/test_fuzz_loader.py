"""Fuzzing the loader: mutated shipped scenarios either load or give one clear message, quickly.

Each example takes a shipped scenario and breaks it the way people and programs break files:
keys dropped, duplicated, renamed or retyped; extreme numbers (NaN, infinities, 1e308, huge
integers, 309 digits and more); wrong units; periods under a second (down to 1e-300 days);
layer numbers up to 10^12; deep nesting (to thousands of brackets); long strings; aliases; tabs;
bytes that are not UTF-8 or UTF-16 that does not decode; truncation.  Whatever the damage,
``load`` must return a scenario whose plan builds and whose work can be sized, or raise a
:class:`ScenarioError` whose message names what is wrong, within a few seconds, and never any
other exception.  Examples are derandomised, so CI runs the same 2,000+ every time.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defsim.plan.compiler import build
from defsim.plan.size import estimate
from defsim.scenario import ScenarioError, load
from tests.conftest import SCENARIOS

SHIPPED = sorted((SCENARIOS).glob("*.yaml"))
EXAMPLES_PER_SCENARIO = 550  # x 4 shipped scenarios: more than 2,000 in all
TIME_BOUND = 10.0  # seconds per example: a bound against running away, not a speed test


def _data(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


SOURCES = {p.stem: _data(p) for p in SHIPPED}

# --- values that replace what a key held ---------------------------------------------------

weird_numbers = st.sampled_from(
    [float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 0, -1, 2**53 + 1, 10**40, 0.5, 1e-300]
)
# integers no float holds (they raised OverflowError): 309 digits and more
huge_integers = st.sampled_from([10**308 * 2, -(10**309), 10**400, int("9" * 1000)])
# periods under a second (at 1e-300 days the clock could not advance) and at the bound
tiny_periods = st.sampled_from(["1e-7", 1e-7, 1e-300, "1e-300d", "0.1s", "0.999s", 0, "1s"])
layers = st.sampled_from([10**12, 10**6, 101, 100, 50, 2])
weird_text = st.sampled_from(
    ["5 parsecs", "3/0d", "1e308d", "-2d", "2024-13-01", "02:61", "", " ", "=cmd()", "$^$", "[/]", "\x1b[31m"]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    weird_numbers,
    weird_text,
    st.text(max_size=20),
    st.text(min_size=5000, max_size=6000, alphabet="ab"),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    data = yaml.safe_load(yaml.safe_dump(SOURCES[name]))  # a fresh copy
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent(data, path), path[-1]
        action = draw(
            st.sampled_from(["drop", "retype", "rename", "nest", "copy", "huge", "period", "layer"])
        )
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(values)
        elif action == "rename" and isinstance(parent, dict):
            new = draw(st.text(min_size=1, max_size=12))
            parent[new] = parent.pop(key)
        elif action == "nest":
            value: Any = parent[key]
            for _ in range(draw(st.integers(1, 60))):
                value = [value]
            parent[key] = value
        elif action == "huge":
            parent[key] = draw(huge_integers)
        elif action == "period":
            # an existing period if the scenario has one, else whatever key was drawn
            periods = [p for p in paths if p[-1] == "every"]
            if periods:
                path = draw(st.sampled_from(periods))
                parent, key = _parent(data, path), path[-1]
            parent[key] = draw(tiny_periods)
        elif action == "layer" and isinstance(data.get("sites"), dict) and data["sites"]:
            site = data["sites"][draw(st.sampled_from(sorted(data["sites"])))]
            if isinstance(site, dict):
                site["layer"] = draw(layers)
                assets = data.setdefault("assets", {})
                if isinstance(assets, dict) and draw(st.booleans()):  # (an earlier mutation may retype it)
                    site["covers"] = ["Z"]
                    assets["Z"] = {}
        elif action == "copy":
            other = draw(st.sampled_from(paths))
            parent[key] = copy.deepcopy(_parent(data, other)[other[-1]])  # a copy: never a cycle
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    damage = draw(
        st.sampled_from(
            ["none", "none", "tab", "alias", "duplicate", "bytes", "truncate", "control", "deep", "utf16"]
        )
    )
    lines = text.splitlines(keepends=True)
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    if damage == "tab" and lines:
        lines[at] = "\t" + lines[at].lstrip(" ")
    elif damage == "alias":
        lines.append("x-bomb: &b0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n")
        for k in range(1, draw(st.integers(1, 8))):
            lines.append(f"x-b{k}: &b{k} [{', '.join([f'*b{k - 1}'] * 9)}]\n")
    elif damage == "duplicate" and lines:
        lines.insert(at, lines[at])
    elif damage == "truncate":
        lines = lines[:at]
    elif damage == "control" and lines:
        lines[at] = lines[at].rstrip("\n") + "\x07\n"
    elif damage == "deep":
        depth = draw(st.sampled_from([41, 200, 1000, 5000]))
        lines.append("x-deep: " + "[" * depth + "]" * depth + "\n")
    raw = "".join(lines).encode("utf-8")
    if damage == "utf16":  # a UTF-16 file as PowerShell writes it, whole or cut
        raw = "".join(lines).encode("utf-16")
        if draw(st.booleans()):
            raw = raw[: draw(st.integers(2, max(len(raw) - 1, 2)))] + draw(
                st.sampled_from([b"", b"\x00\xd8"])
            )
    if damage == "bytes":
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.binary(min_size=1, max_size=4)) + raw[cut:]
    return raw


def _check(raw: bytes, tmp: Path) -> None:
    path = tmp / "fuzzed.yaml"
    path.write_bytes(raw)
    t0 = time.perf_counter()
    try:
        sc = load(path)
    except ScenarioError as exc:
        message = exc.format()
        assert message.startswith("error: "), message
        assert "Traceback" not in message
        assert len(message) < 20_000, len(message)  # a message, not a dump of the input
        assert exc.problems or "cannot read" in message or "no such file" in message, message
    else:
        build(sc.spec)  # a file that validates compiles into a plan
        estimate(sc.spec)  # and its work can be sized (then refused if too big, before it starts)
    assert time.perf_counter() - t0 < TIME_BOUND


FUZZ = settings(
    max_examples=EXAMPLES_PER_SCENARIO,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def test_every_shipped_scenario_is_fuzzed():
    assert len(SHIPPED) >= 4


@pytest.mark.fuzz
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_mutated_scenarios_load_or_give_one_clear_message(name, tmp_path):
    @FUZZ
    @given(raw=mutated(name))
    def check(raw: bytes) -> None:
        _check(raw, tmp_path)

    check()
