"""The explorer's server: Streamlit's own (``streamlit run``), listening at once, the page loaded first.

``python -m defsim.explore.serve APP [streamlit options]`` is ``streamlit run APP [options]``, plus
three things that make the first page come sooner; each replaces a function of Streamlit's where
it is expected, and leaves Streamlit as it is (as plain ``streamlit run``) if it is not there:

- **Listening at once.**  The server's socket is bound and listening before Streamlit is even
  imported (:func:`listen_early`), and handed to Streamlit when it binds (:func:`hand_over`): a
  browser that opens the address while the server starts waits in the socket's queue instead of
  being refused and trying again; ``defsim explore`` opens the browser that much sooner.
- **The page loaded before the first page is served.**  While the browser's request waits, the
  page's modules, the shipped scenarios' list and the scenario the page opens on are loaded
  (:func:`preload`), in this process (Streamlit runs every page's script here), before Streamlit
  serves anything: loaded meanwhile by a thread, they would hold Python's lock while the browser
  fetches Streamlit's hundred script files from this process, and slow every reply.
- **Replies sent at once.**  Streamlit makes its listening socket without naming its protocol, so
  asyncio does not know the connections it accepts as TCP and leaves Nagle's algorithm on them: a
  reply written in two parts (headers, then body) waits for the browser's delayed acknowledgement
  of the first, 40 ms on Linux, at every request of a kept-alive connection after the first.  The
  page's scripts are a hundred files over six connections: half a second of waiting for nothing.
  The socket is made naming TCP, with TCP_NODELAY set (which the accepted connections inherit).

It also skips Streamlit's scan of every installed package for custom components (the metadata of
each, read before the server listens: 0.2 s or more of its start with a hundred packages
installed).  The page uses no custom component (:func:`skip_component_scan`).
"""

from __future__ import annotations

import importlib
import itertools
import os
import socket
import sys
from typing import Any

#: the page's own modules (Streamlit is the server's): loaded before the first page asks
PAGE = (
    "defsim.explore.tab_run",
    "defsim.explore.tab_compare",
    "defsim.explore.tab_discover",
    "defsim.explore.tab_share",
)
#: Streamlit's function that reads every installed package's metadata looking for components
SCAN = "scan_component_manifests"
#: Streamlit's function that makes the server's listening socket: (address, port, backlog) -> socket
BIND = "_bind_socket"
BACKLOG = 2048  # uvicorn's; Streamlit sets its own when it takes the socket over
#: the sockets listening before Streamlit binds, by (address, port): each handed over once
_early: dict[tuple[str, int], socket.socket] = {}


def _where(argv: list[str]) -> tuple[str, int] | None:
    """The address and port the server will listen on, from its options (None if they do not say)."""
    opts = dict(itertools.pairwise(argv))
    if "--server.port" not in opts or "--server.address" not in opts:
        return None
    port = int(opts["--server.port"])
    # Streamlit binds an empty address as all of IPv4's
    return (opts["--server.address"] or "0.0.0.0", port) if port else None


def _tcp_socket(family: socket.AddressFamily) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def listen_early(address: str, port: int) -> socket.socket | None:
    """A socket listening on (address, port) as Streamlit's would (None if that fails: Streamlit
    then binds, and says what is wrong, as it always did)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = _tcp_socket(family)
    try:
        if os.name != "nt":  # as Streamlit's: on Windows it would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind((address, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        return None
    return sock


def _as_tcp(sock: socket.socket) -> socket.socket:
    """The same listening socket, known to asyncio as TCP, with TCP_NODELAY."""
    out = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    out.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return out


def hand_over() -> bool:
    """Streamlit's socket made by :func:`_bind`: the early one if listening there, else its own made
    TCP (True if this Streamlit's socket function was found where expected, and replaced)."""
    try:
        from streamlit.web.server.starlette import starlette_server
    except ImportError:
        return False
    bind = getattr(starlette_server, BIND, None)
    if not callable(bind):
        return False

    def _bind(address: str, port: int, backlog: int, *args: Any, **kwargs: Any) -> socket.socket:
        sock = _early.pop((address, port), None)
        if sock is None:
            for key in [k for k in _early if k[1] == port]:
                _early.pop(key).close()  # Streamlit names the address otherwise: the port is its own
            sock = _as_tcp(bind(address, port, backlog, *args, **kwargs))
        else:
            sock.listen(backlog)
        sock.setblocking(False)
        sock.set_inheritable(True)
        return sock

    setattr(starlette_server, BIND, _bind)
    return True


def preload() -> None:
    """Load the first page's needs: the page's modules, the shipped list, the first scenario."""
    try:
        for name in PAGE:
            importlib.import_module(name)
        from . import session

        session.catalogue()
        session.Source(session.DEFAULT).load()  # the scenario a student meets first
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
    where = _where(argv)
    early = listen_early(*where) if where is not None else None  # before importing anything heavy
    if hand_over():
        if early is not None and where is not None:
            _early[where] = early
    elif early is not None:
        early.close()  # this Streamlit binds its own socket: the port must be free for it
    skip_component_scan()
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
