"""The explorer's server: Streamlit's own (``streamlit run``), with the page's modules loaded early.

``python -m defsim.explore.serve APP [streamlit options]`` is ``streamlit run APP [options]``,
plus one background thread: once the server listens, and while the browser is still loading the
page's scripts, it imports the page's modules, reads the shipped scenarios' list and loads the scenario the
page opens on, so the first student's page does not wait for them.  Streamlit runs every page's script in this
process, so what the thread loads is what the script finds.  A thread, not a process: the page
starts no processes.
"""

from __future__ import annotations

import importlib
import itertools
import socket
import sys
import threading
import time

#: the page's own modules (Streamlit is the server's): loaded before the first page asks
PAGE = (
    "defsim.explore.tab_run",
    "defsim.explore.tab_compare",
    "defsim.explore.tab_discover",
    "defsim.explore.tab_share",
)
WAIT = 60.0  # seconds: a server that is not up by then is slow enough without this thread


def _where(argv: list[str]) -> tuple[str, int] | None:
    """The address the server will listen on, from its options (None if they do not say)."""
    opts = dict(itertools.pairwise(argv))
    if "--server.port" not in opts:
        return None
    host = opts.get("--server.address", "127.0.0.1")
    return ("127.0.0.1" if host in ("", "0.0.0.0", "::") else host), int(opts["--server.port"])


def _listening(where: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(where, 0.2):
            return True
    except OSError:
        return False


def preload(where: tuple[str, int] | None) -> None:
    """Wait until the server listens (so its start is not slowed), then load the first page's needs."""
    end = time.monotonic() + WAIT
    while where is not None and not _listening(where) and time.monotonic() < end:
        time.sleep(0.02)
    try:
        for name in PAGE:
            importlib.import_module(name)
        from . import session

        session.catalogue()
        first = session.Source(session.DEFAULT)  # the page a student meets first: its scenario and figures
        first.load()
        session.figure_keys(first, ())
    except Exception:  # the page meets the same problem and says so, in its words
        return


def main(argv: list[str]) -> None:
    threading.Thread(target=preload, args=(_where(argv),), name="defsim-explore-preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
