"""Bad input: one clear message naming the key path and YAML line, exit 2, no traceback, no output."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from defsim.cli import main

BASE = """\
name: bad input test
provenance: notional, test
duration: 10d
interceptors:
  I:
    pk: 0.7
    reliability: 1.0
threats:
  T:
    class: drone
    time_to_impact: 0
sites:
  S:
    interceptors: [I]
    stock: {I: 50}
    fire_channels: 2
    engagement_time: 5m
    doctrine: {mode: salvo, shots: 1}
attacks:
  - stream: {rate: 10/d, threats: T}
  - wave: {at: 2d, threats: {T: 5}, targets: [S]}
deliveries:
  - {at: 3d, to: S, interceptor: I, quantity: 10}
"""


def _swap(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


# (id, scenario text, text the message must contain, line the message must name)
CASES = [
    ("wrong type", _swap("fire_channels: 2", "fire_channels: many"), "sites.S.fire_channels", 16),
    ("unknown key", _swap("fire_channels: 2", "fire_chanels: 2"), "did you mean 'fire_channels'", 16),
    ("negative count", _swap("stock: {I: 50}", "stock: {I: -5}"), "sites.S.stock.I", 15),
    ("probability above 1", _swap("pk: 0.7", "pk: 1.5"), "interceptors.I.pk", 6),
    ("probability below 0", _swap("reliability: 1.0", "reliability: -0.1"), "interceptors.I.reliability", 7),
    (
        "unknown interceptor",
        _swap("interceptors: [I]", "interceptors: [J]"),
        "unknown interceptor type 'J'",
        14,
    ),
    (
        "bad duration unit",
        _swap("engagement_time: 5m", "engagement_time: 5 parsecs"),
        "unknown unit 'parsecs'",
        17,
    ),
    ("bad rate unit", _swap("rate: 10/d", "rate: 10/fortnight"), "attacks.0.stream.rate", 20),
    ("broken yaml", _swap("stock: {I: 50}", "stock: {I: 50"), "broken YAML", 16),
    (
        "missing provenance",
        _swap("provenance: notional, test\n", ""),
        "provenance: required key is missing",
        1,
    ),
    ("unknown threat class", _swap("class: drone", "class: dragon"), "threats.T.class", 10),
    ("unknown threat in wave", _swap("threats: {T: 5}", "threats: {U: 5}"), "unknown threat type 'U'", 21),
    ("unknown target site", _swap("targets: [S]", "targets: [Z]"), "unknown site 'Z'", 21),
    ("date without start", _swap("at: 2d,", "at: 2024-01-05,"), "needs a 'start:' date", 21),
    (
        "date before start",
        _swap("duration: 10d", "duration: 10d\nstart: 2024-02-01").replace("at: 2d,", "at: 2024-01-05,"),
        "before the scenario start",
        22,
    ),
    (
        "duplicate key",
        _swap("fire_channels: 2", "fire_channels: 2\n    fire_channels: 3"),
        "duplicate key",
        17,
    ),
    (
        "two attack kinds",
        _swap(
            "- stream: {rate: 10/d, threats: T}",
            "- stream: {rate: 10/d, threats: T}\n    wave: {at: 1d, threats: {T: 1}}",
        ),
        "exactly one of 'wave:'",
        20,
    ),
    (
        "salvo with opportunities",
        _swap("{mode: salvo, shots: 1}", "{mode: salvo, shots: 1, opportunities: 2}"),
        "a salvo has one opportunity",
        18,
    ),
    ("empty file", "", "the file is empty", None),
    ("not a mapping", "- a\n- b\n", "expected a mapping", 1),
    (
        "triangular out of order",
        _swap("engagement_time: 5m", "engagement_time: {dist: triangular, low: 5m, mode: 1m, high: 9m}"),
        "low <= mode <= high",
        17,
    ),
    (
        "delivery of a type the site does not fire",
        _swap("interceptor: I, quantity", "interceptor: K, quantity"),
        "deliveries.0.interceptor",
        23,
    ),
    ("zero duration", _swap("duration: 10d", "duration: 0d"), "duration", 3),
    ("negative quantity", _swap("quantity: 10", "quantity: -10"), "deliveries.0.quantity", 23),
    (
        "python object tag (unsafe yaml)",
        _swap("name: bad input test", "name: !!python/object/apply:os.system [echo hi]"),
        "is not plain data",
        1,
    ),
]


@pytest.mark.parametrize("text, needle, line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_is_reported_clearly(tmp_path, text, needle, line, command):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    out = tmp_path / "results"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    if line is not None:
        assert f"scenario.yaml:{line}:" in r.output, r.output
    assert not out.exists()
    assert not list(tmp_path.glob(".results*"))  # no half-written temporary folder either


def test_there_are_at_least_15_distinct_cases():
    assert len({c[0] for c in CASES}) >= 15


def test_base_scenario_is_valid(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize(
    "assignment, needle",
    [
        ("sites.S.fire_chanels=3", "unknown key 'fire_chanels'; did you mean 'fire_channels'"),
        ("sites.S.fire_channels=lots", "sites.S.fire_channels"),
        ("sites.X.fire_channels=3", "no such key in the scenario"),
        ("interceptors.I.pk=2", "interceptors.I.pk"),
        ("nonsense", "expected path.to.key=value"),
    ],
)
def test_bad_override_is_reported_clearly(tmp_path, assignment, needle):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE)
    r = CliRunner().invoke(main, ["validate", str(path), "--set", assignment])
    assert r.exit_code == 2, r.output
    assert needle in r.output, r.output


def test_real_process_exit_status_and_stderr(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(_swap("pk: 0.7", "pk: 1.5"))
    p = subprocess.run(
        [sys.executable, "-m", "defsim", "run", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert p.returncode == 2
    assert p.stdout == ""
    assert "scenario.yaml:6: interceptors.I.pk" in p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "o").exists()


def test_missing_file(tmp_path):
    r = CliRunner().invoke(main, ["run", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2
    assert "no such file" in r.output


def test_existing_output_is_not_overwritten_without_force(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE)
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
    assert r.exit_code == 2
    assert "--force" in r.output
    assert (out / "notes.txt").read_text() == "keep me"
    # --force replaces only what defsim wrote: a folder of the user's stays as it is
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out), "--force", "--quiet"])
    assert r.exit_code == 2, r.output
    assert "not written by defsim" in r.output
    assert (out / "notes.txt").read_text() == "keep me" and not (out / "summary.json").exists()
    ours = tmp_path / "ours"
    assert CliRunner().invoke(main, ["run", str(path), "--out", str(ours), "--quiet"]).exit_code == 0
    (ours / "stock.csv").write_text("stale")
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(ours), "--force", "--quiet"])
    assert r.exit_code == 0, r.output
    assert (ours / "stock.csv").read_text() != "stale" and (ours / ".defsim-results").is_file()


NETWORK = """\
name: network bad input test
provenance: notional, test
start: 2024-01-01
duration: 30d
interceptors:
  I: {pk: 0.7}
threats:
  T: {class: drone}
sites:
  S: {interceptors: [I], stock: {I: 5}, fire_channels: 1, engagement_time: 5m}
stockpiles:
  depot:
    stock: {I: 10}
    capacity: {I: 50}
  ally: {}
producers:
  factory: {interceptor: I, rate: 30/yr, to: ally, lead_time: 10d}
transfers:
  - {name: aid, from: ally, to: depot, interceptor: I, backfill: factory -> ally}
  - {name: feed, from: depot, to: S, interceptor: I, rate: 1/d, floor: 2}
route_events:
  - {at: 2024-01-10, route: aid, action: pause}
attacks:
  - stream: {rate: 2/d, threats: T}
"""


def _net(old: str, new: str) -> str:
    assert old in NETWORK, old
    return NETWORK.replace(old, new, 1)


NETWORK_CASES = [
    (
        "transfer from unknown holder",
        _net("from: depot, to: S", "from: depto, to: S"),
        "unknown holder (or 'outside') 'depto'",
        20,
    ),
    (
        "transfer to unknown holder",
        _net("from: depot, to: S,", "from: depot, to: Q,"),
        "unknown holder 'Q'",
        20,
    ),
    (
        "producer ships to unknown holder",
        _net("to: ally, lead_time", "to: allly, lead_time"),
        "did you mean 'ally'",
        17,
    ),
    (
        "backfill loop",
        _net(
            "interceptor: I, backfill: factory -> ally}",
            "interceptor: I, backfill: back}\n"
            "  - {name: back, from: depot, to: ally, interceptor: I, backfill: aid}",
        ),
        "loop that would ship forever",
        19,
    ),
    (
        "floor above capacity",
        _net("rate: 1/d, floor: 2", "rate: 1/d, floor: 60"),
        "above 'depot''s capacity 50",
        20,
    ),
    ("route event before start", _net("at: 2024-01-10", "at: 2023-12-10"), "before the scenario start", 22),
    ("route event on unknown route", _net("route: aid", "route: aide"), "unknown route 'aide'", 22),
    (
        "producer rate and ramp",
        _net("rate: 30/yr, to", "rate: 30/yr, ramp: [{at: 0d, rate: 1/d}], to"),
        "exactly one of rate: or ramp:",
        17,
    ),
    ("transfer of no kind", _net("rate: 1/d, floor: 2", "floor: 2"), "a transfer is one of", 20),
    ("stock above capacity", _net("stock: {I: 10}", "stock: {I: 80}"), "above the capacity 50", 13),
    ("holder name clash", _net("  ally: {}", "  S: {}"), "already used by another holder", 15),
    (
        "backfill from the wrong holder",
        _net("{name: aid, from: ally", "{name: aid, from: depot"),
        "releases from the holder",
        19,
    ),
    (
        "resupply from unknown stockpile",
        _net(
            "engagement_time: 5m}",
            "engagement_time: 5m, resupply: [{interceptor: I, policy: base_stock, level: 5, from: nowhere}]}",
        ),
        "unknown stockpile (or 'outside') 'nowhere'",
        10,
    ),
    (
        "loss probability above 1",
        _net("rate: 1/d, floor: 2", "rate: 1/d, floor: 2, loss: 1.2"),
        "transfers.1.loss",
        20,
    ),
    (
        "reorder point above level",
        _net(
            "engagement_time: 5m}",
            "engagement_time: 5m, "
            "resupply: [{interceptor: I, policy: reorder_point, level: 5, reorder_at: 9}]}",
        ),
        "reorder_at (s) must be below level (S)",
        10,
    ),
]


@pytest.mark.parametrize(
    "text, needle, line", [c[1:] for c in NETWORK_CASES], ids=[c[0] for c in NETWORK_CASES]
)
def test_bad_network_is_reported_clearly(tmp_path, text, needle, line):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    out = tmp_path / "results"
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(out)])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    assert f"scenario.yaml:{line}:" in r.output, r.output
    assert not out.exists()


def test_network_base_is_valid(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(NETWORK)
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 0, r.output
