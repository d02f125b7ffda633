"""``defsim explore [SCENARIO]``: the classroom explorer, a page in the browser.

The command checks the scenario with the CLI's loader, then starts Streamlit serving
``defsim/explore/app.py`` as a child process, prints the address and opens the browser.  It
never imports Streamlit itself (the import-linter contract says so): without the ``explorer``
extra installed it says what to install and exits 2.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import webbrowser
from pathlib import Path

import click

from ..scenario import ScenarioError
from ..scenario.shipped import find as find_shipped
from .group import UserError, main
from .lazy import api
from .plain import plain

#: where the page is (found by path: importing it would import Streamlit)
APP = Path(__file__).resolve().parents[1] / "explore" / "app.py"
#: a scenario file named on the command line, read by the page once per session
FILE_ENV = "DEFSIM_EXPLORE_FILE"
LOCAL = ("127.0.0.1", "localhost", "::1")
MISSING = (
    'error: the explorer needs Streamlit and Plotly: pip install "defsim[explorer]" '
    '(in a clone: pip install ".[explorer]")'
)


def _missing() -> list[str]:
    return [m for m in ("streamlit", "plotly", "openpyxl") if importlib.util.find_spec(m) is None]


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _wait(host: str, port: int, proc: subprocess.Popen[bytes], seconds: float = 20.0) -> bool:
    """Until the server answers on its port (or has stopped)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and proc.poll() is None:
        try:
            with socket.create_connection(
                (host if host not in ("0.0.0.0", "::") else "127.0.0.1", port), 0.5
            ):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def server_command(host: str, port: int) -> list[str]:
    """The Streamlit command line (``streamlit run`` through defsim.explore.serve, which loads the
    page's modules while the browser loads): this machine's Python, no telemetry, no file watching."""
    return [
        sys.executable, "-m", "defsim.explore.serve", str(APP),  # `streamlit run`, the page preloaded
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.maxUploadSize", "5",  # MB: the loader's own bound is 4 MiB, with its message
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "minimal",
        "--runner.magicEnabled", "false",  # the page writes nothing by magic: its script is not rewritten
        # the page keeps the state of the tabs it does not draw by setting it (defsim.explore.app)
        "--global.disableWidgetStateDuplicationWarning", "true",
    ]  # fmt: skip


@main.command()
@click.argument("scenario", required=False)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8501,
    show_default=True,
    help="The port to serve on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to serve on; 0.0.0.0 serves every network of this machine (a class).",
)
@click.option("--no-browser", is_flag=True, help="Print the address, do not open a browser.")
def explore(scenario: str | None, port: int, host: str, no_browser: bool) -> None:
    """Open the classroom explorer: a page with the scenario's knobs, runs and comparisons.

    \b
      defsim explore                   # pick a shipped scenario on the page
      defsim explore textbook          # start on one
      defsim explore mine.yaml         # a file of yours (checked first, like validate)
      defsim explore --host 0.0.0.0 --port 8501   # serve a room: students open http://THIS-MACHINE:8501
    """
    if _missing():
        raise UserError(f"{MISSING} (missing: {', '.join(_missing())})")
    env = dict(os.environ)
    query = {}
    if scenario:
        try:
            api.load(scenario)
        except ScenarioError as exc:
            raise UserError(exc.format()) from None
        if find_shipped(scenario) is not None:
            query["scenario"] = Path(scenario).stem
        else:
            env[FILE_ENV] = str(Path(scenario).resolve())
    if port == 0:
        port = _free_port(host)
    if host not in LOCAL:
        click.echo(
            f"warning: serving on {plain(host)}: anyone who can reach this machine on port {port} can use "
            "the page and its processor; stop it (Ctrl-C) after the class",
            err=True,
        )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    address = f"http://{shown}:{port}/" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    # its own process group: Ctrl-C in the terminal reaches this command, which stops the server
    # (Streamlit on SIGINT prints an asyncio traceback); SIGTERM from here ends it quietly
    proc = subprocess.Popen(server_command(host, port), env=env, start_new_session=True)
    try:
        if not _wait(host, port, proc):
            code = proc.poll()
            proc.terminate()
            raise click.ClickException(
                f"the explorer's server did not start on {host}:{port}"
                + (
                    f" (it exited with status {code}; is the port in use? try --port 0)"
                    if code is not None
                    else ""
                )
            )
        click.echo(f"defsim explorer: {address}  (Ctrl-C stops it)")
        if not no_browser:
            webbrowser.open(address)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
