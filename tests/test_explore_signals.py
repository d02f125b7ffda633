"""`defsim explore` stopped as a teacher stops it: Ctrl-C in the terminal (SIGINT to the whole
process group) or SIGTERM to the command. Either way the command exits 130 / 143 at once, with
no traceback, and the page's server it started is gone with it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.test_interrupts import _alive, _children, _foreground_signals

pytest.importorskip("streamlit")  # the explorer extra; the test extra installs it

START = 120.0  # seconds for the server to start on a loaded 2-core machine: a bound, not a speed test
STOP = 20.0


def _started() -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "defsim", "explore", "textbook", "--no-browser", "--port", "0"]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
        preexec_fn=_foreground_signals,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + START
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "defsim explorer: http://127.0.0.1:" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"the explorer did not start: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "how, status",
    [("SIGINT to the group", 130), ("SIGTERM to the command", 143)],
    ids=["ctrl-c", "sigterm"],
)
def test_stopping_the_explorer_stops_its_server(how, status):
    proc = _started()
    try:
        servers = _children(proc.pid)
        assert servers, "the command runs the page's server as its child"
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP)
        except subprocess.TimeoutExpired:
            pytest.fail(f"defsim explore did not stop within {STOP:g} s of {how}")
        assert proc.returncode == status
        err = proc.stderr.read() if proc.stderr else ""
        assert "Traceback" not in err, err
        deadline = time.monotonic() + STOP
        while any(_alive(pid) for pid in servers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in servers), "the page's server outlived the command"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
