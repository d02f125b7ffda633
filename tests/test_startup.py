"""The ``defsim`` command starts without its heavy libraries, and an interrupt at any moment of
its start-up is answered as one: the exception a signal raises needs nothing being imported.

Speed itself is measured in ``benchmarks/run.py`` (the "time to a results folder" row); these
tests check what makes it fast, which a slower machine does not change."""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap

import pytest

from defsim import api, interrupt
from defsim.analysis import execution
from tests.conftest import SCENARIOS

HEAVY = ("numpy", "matplotlib", "pydantic", "rich", "simpy", "defsim.api")


def _modules_after(args: list[str]) -> tuple[set[str], str]:
    """The heavy modules loaded once ``defsim ARGS`` has answered, and what it printed."""
    script = textwrap.dedent(
        f"""
        import sys
        sys.argv = ["defsim", *{args!r}]
        from defsim.cli import main
        try:
            main()
        except SystemExit as exc:
            assert not exc.code, exc.code
        print("LOADED", *sorted(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("LOADED"), done.stdout
    return set(last.split()[1:]), done.stdout


@pytest.mark.parametrize("args", [["--version"], ["list"], ["list", "--templates"], ["--help"]])
def test_version_and_list_import_no_heavy_library(args):
    loaded, out = _modules_after(args)
    assert loaded == set(), f"defsim {' '.join(args)} imported {sorted(loaded)}"
    assert "defsim" in out


def test_the_check_sees_a_heavy_import():
    # the same check on a command that needs the API: it does load numpy and the API
    loaded, _ = _modules_after(["figures", str(SCENARIOS / "textbook.yaml")])
    assert {"numpy", "defsim.api"} <= loaded


def test_one_interrupted_class_for_the_command_the_api_and_the_workers():
    assert api.Interrupted is execution.Interrupted is interrupt.Interrupted
    exc = pickle.loads(pickle.dumps(interrupt.Interrupted(signal.SIGTERM)))
    assert isinstance(exc, KeyboardInterrupt) and exc.signum == signal.SIGTERM
    assert interrupt.Interrupted().signum == signal.SIGINT


def test_sigterm_while_the_command_imports_the_api_is_an_interrupt(tmp_path):
    """SIGTERM arrives while ``defsim run`` is half-way through importing the API (made certain
    by an import hook that sends it then): exit 143, one line, no traceback, nothing written."""
    out = tmp_path / "o"
    script = textwrap.dedent(
        f"""
        import os, signal, sys

        class SendWhileImporting:
            def find_spec(self, name, path=None, target=None):
                # the API has begun importing and not yet got to its own names
                if name.startswith("defsim.analysis") and "defsim.api" in sys.modules:
                    sys.meta_path.remove(self)
                    os.kill(os.getpid(), signal.SIGTERM)
                return None

        sys.meta_path.insert(0, SendWhileImporting())
        sys.argv = ["defsim", "run", {str(SCENARIOS / "textbook.yaml")!r}, "--no-plot", "--out", {str(out)!r}]
        from defsim.cli import main
        main()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "interrupted" in done.stderr and "wrote nothing" in done.stderr, done.stderr
    assert not out.exists()
