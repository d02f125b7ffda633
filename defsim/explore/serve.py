"""The explorer's server: Streamlit's own (``streamlit run``), with the page's modules loaded early.

``python -m defsim.explore.serve APP [streamlit options]`` is ``streamlit run APP [options]``,
plus one background thread: once the server listens, and while the browser is still loading the
page's scripts, it imports the page's modules, reads the shipped scenarios' list and loads the scenario the
page opens on, so the first student's page does not wait for them.  Streamlit runs every page's script in this
process, so what the thread loads is what the script finds.  A thread, not a process: the page
starts no processes.

It also skips Streamlit's scan of every installed package for custom components (the metadata of
each, read before the server listens: 0.2 s or more of its start with a hundred packages
installed).  The page uses no custom component.  Streamlit has no setting for it, so the scanning
function is replaced where Streamlit's runtime looks it up (:func:`skip_component_scan`); if a
Streamlit release moves it, the scan simply runs, as before.
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
#: Streamlit's function that reads every installed package's metadata looking for components
SCAN = "scan_component_manifests"
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


def _no_components(*_args: object, **_kwargs: object) -> list[tuple[object, object]]:
    """What the scan finds for the explorer: no custom components (it uses none)."""
    return []


def skip_component_scan() -> bool:
    """Skip Streamlit's component scan if this Streamlit has it where it is expected (True if skipped).

    Streamlit's runtime imports the scanning function from its module when it starts, so replacing
    the module's attribute before the runtime starts is enough; anything else leaves it alone."""
    try:
        from streamlit.components.v2 import manifest_scanner
    except ImportError:
        return False
    if not callable(getattr(manifest_scanner, SCAN, None)):
        return False
    setattr(manifest_scanner, SCAN, _no_components)
    return True


def main(argv: list[str]) -> None:
    skip_component_scan()
    threading.Thread(target=preload, args=(_where(argv),), name="defsim-explore-preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
