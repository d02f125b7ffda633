"""The installed package (its engine compiled by mypyc, see setup.py) gives exactly what the source gives.

The suite imports defsim from the source tree; these tests run the installed package in a
separate process, from a folder outside the repository, and compare the files byte for byte.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import defsim
from tests.conftest import ROOT, SCENARIOS

PROBE = "import defsim, defsim.engine.site as s; print(defsim.__file__); print(s.__file__)"


def c_compiler_works(tmp_path: Path) -> bool:
    """Whether $CC (or the compiler Python was built with) compiles C, as setup.py checks."""
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    try:
        subprocess.run(
            [*cc, "-x", "c", "-c", "-o", str(tmp_path / "probe.o"), "-"],
            input="int main(void) { return 0; }\n",
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def installed(tmp_path: Path) -> tuple[Path, str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    package, site = out.stdout.split()
    return Path(package).parent, site


def test_installed_engine_is_compiled_unless_asked_not_to_or_no_compiler(tmp_path):
    package, site = installed(tmp_path)
    if package.resolve() == (ROOT / "defsim").resolve():
        pytest.skip("defsim is installed from this source tree (editable): nothing compiled to compare")
    if os.environ.get("DEFSIM_PURE") == "1" or not c_compiler_works(tmp_path):
        assert site.endswith(".py")  # setup.py fell back to the pure-Python engine
    else:
        assert site.endswith(".so"), f"the installed engine is not compiled: {site}"


def test_version_says_which_engine_is_installed(tmp_path):
    _, site = installed(tmp_path)
    cmd = [sys.executable, "-m", "defsim", "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, check=True)
    engine = "pure Python" if site.endswith(".py") else "compiled by mypyc"
    assert out.stdout.strip() == f"defsim {defsim.__version__} (engine: {engine})"


def test_engine_kind_of_the_source_tree():
    from defsim._build import engine_kind
    from defsim.engine import site

    assert engine_kind() == ("pure Python" if site.__file__.endswith(".py") else "compiled by mypyc")


@pytest.mark.parametrize("scenario", ["multi_site.yaml", "backfill.yaml"])
def test_installed_package_gives_byte_identical_results(tmp_path, scenario):
    path = SCENARIOS / scenario
    subprocess.run(
        [
            sys.executable,
            "-m",
            "defsim",
            "run",
            str(path),
            "--out",
            str(tmp_path / "installed"),
            "--no-plot",
            "--quiet",
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    defsim.run(defsim.load(path)).save(tmp_path / "source", plot=False)
    for f in ("summary.json", "stock.csv", "events.csv"):
        assert (tmp_path / "installed" / f).read_bytes() == (tmp_path / "source" / f).read_bytes(), f
    assert json.loads((tmp_path / "source" / "summary.json").read_text())["totals"]["arrived"] > 0
