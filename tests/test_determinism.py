"""Same scenario and seed: byte-identical output files; another seed: another run."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SCENARIOS

FILES = ["summary.json", "stock.csv", "events.csv", "scenario.yaml", "stock.png"]


def _run(tmp_path, out, seed):
    cmd = [
        sys.executable,
        "-m",
        "defsim",
        "run",
        str(SCENARIOS / "nightly_raids.yaml"),
        "--seed",
        str(seed),
        "--out",
        str(tmp_path / out),
        "--quiet",
    ]
    subprocess.run(cmd, check=True, capture_output=True, cwd=tmp_path)
    return {f: (tmp_path / out / f).read_bytes() for f in FILES}


def test_same_seed_gives_byte_identical_files(tmp_path):
    a = _run(tmp_path, "a", 3)
    b = _run(tmp_path, "b", 3)
    for f in FILES:
        assert a[f] == b[f], f
    c = _run(tmp_path, "c", 4)
    assert c["events.csv"] != a["events.csv"]
