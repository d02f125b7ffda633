"""Bad input of layered defence, rationing and attack labels: one clear message with the YAML line.

In the style of tests/test_loader_hardening.py: each case through ``defsim validate`` and
``defsim run``, exit 2, no traceback, no output folder.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from defsim.cli import main

GOOD = """\
name: layers, bad input
provenance: notional, test
duration: 10d
interceptors:
  U: {pk: 0.7}
  L: {pk: 0.6}
threats:
  M: {class: cruise_missile, damage: 5}
assets:
  City: {value: 100}
sites:
  Upper:
    interceptors: [U]
    stock: {U: 50}
    fire_channels: 2
    engagement_time: 5m
    covers: [City]
    layer: 1
    rationing:
      - {interceptor: U, below: 20, shots: 1}
  Lower:
    interceptors: [L]
    stock: {L: 50}
    fire_channels: 2
    engagement_time: 5m
    covers: [City]
    layer: 2
attacks:
  - raid: {every: 1d, size: {M: 4}, targets: City, label: nightly}
  - wave: {at: 2d, threats: {M: 6}, targets: City, label: big strike}
"""


def swap(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


# (id, scenario text, text the message must contain, line it must name)
CASES = [
    (
        "unknown asset in covers",
        swap("covers: [City]", "covers: [Cty]"),
        "unknown asset 'Cty'; did you mean 'City'?",
        17,
    ),
    (
        "unknown target",
        swap("targets: City, label: nightly", "targets: Citty, label: nightly"),
        "did you mean 'City'?",
        29,
    ),
    (
        "a layer of no asset",
        swap("    covers: [City]\n    layer: 2\n", "    layer: 2\n"),
        "a layer of no asset",
        26,
    ),
    ("a layer with no site", swap("layer: 2", "layer: 3"), "layer 2 of asset 'City' has no site", 10),
    (
        "overlapping rationing rules",
        swap(
            "      - {interceptor: U, below: 20, shots: 1}\n",
            "      - {interceptor: U, below: 20, shots: 1}\n"
            "      - {interceptor: U, below: 20, engage: [M]}\n",
        ),
        "overlaps rationing rule 1",
        21,
    ),
    (
        "label used twice",
        swap("label: big strike", "label: nightly"),
        "label 'nightly' is used by attack 1 too",
        30,
    ),
    (
        "asset covered by no site",
        swap("  City: {value: 100}\n", "  City: {value: 100}\n  Port: {value: 5}\n"),
        "no site covers asset 'Port'",
        11,
    ),
    (
        "rule that does nothing",
        swap("{interceptor: U, below: 20, shots: 1}", "{interceptor: U, below: 20}"),
        "needs shots:, engage: or both",
        20,
    ),
]


@pytest.mark.parametrize("text, needle, line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_layered_input_gets_one_clear_message(tmp_path, text, needle, line, command):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    out = tmp_path / "results"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert needle in r.output, r.output
    assert f"scenario.yaml:{line}:" in r.output, r.output
    assert r.output.count("scenario.yaml:") == 1, r.output  # one message: no knock-on errors
    assert not out.exists()


def test_the_good_file_validates_and_runs(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(GOOD)
    r = CliRunner().invoke(main, ["run", str(path), "--out", str(tmp_path / "out"), "--no-plot"])
    assert r.exit_code == 0, r.output
    assert "layers (1: the upper tier)" in r.output and "damage" in r.output
