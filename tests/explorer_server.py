"""The explorer served for a browser: a Streamlit server on a free 127.0.0.1 port, always stopped,
and headless Chromium driven by Playwright (Debian's ``chromium``: Playwright's own download is
not needed).  Used by tests/test_explore_browser.py, tests/explorer_screenshots.py and
benchmarks/explore.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from defsim.cli.explore import server_command

CHROMIUM = os.environ.get("DEFSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return (
        CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium") or shutil.which("chromium-browser")
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes], seconds: float = 60.0) -> float:
    """Seconds until the server answers its health check (it raises if the server stops)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        if proc.poll() is not None:
            raise RuntimeError(f"the explorer's server exited with status {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return time.perf_counter() - t0
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the explorer's server did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def served(env: dict[str, str] | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """(address, process, seconds until it answered); the server is stopped however the block ends."""
    port = free_port()
    proc = subprocess.Popen(
        server_command("127.0.0.1", port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        ready = wait_ready(url, proc)
        yield url, proc, ready
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def answer_locator(page: object, text: str = "runs dry") -> object:
    """The success box of the answer (Streamlit's st.success)."""
    return page.locator("[data-testid='stAlertContentSuccess']", has_text=text).first  # type: ignore[attr-defined]


def move_slider(page: object, label: str, steps: int) -> None:
    """Move the slider labelled ``label`` by ``steps`` (keyboard: as a student using arrows would)."""
    widget = page.locator("[data-testid='stSlider']", has_text=label).first.get_by_role("slider")  # type: ignore[attr-defined]
    widget.focus()
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        widget.press(key)
