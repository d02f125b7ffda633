"""What every part of the explorer's page shares: text shown literally, errors in the CLI's words,
a progress bar that counts replications, and the heavy modules loaded off the first page.

The first page needs the scenario and its knobs, not Plotly, pandas or the runners: those are
imported by one background thread of the server once the first page is out (threads only: the
page starts no processes), so the first Run finds them loaded.  The thread waits a moment
(:data:`WARM_AFTER`) before it starts, while the browser still loads the first page's widgets from
this same process, unless a script run needs them first (``go``, set by the page's script).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import threading
import time
from typing import Any

import streamlit as st

from . import session as S

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
#: what a run, its charts and its tables import; loaded once per server, off the first page
HEAVY = ("defsim.api", "defsim.explore.answers", "defsim.explore.charts", "pandas", "pyarrow", "openpyxl")
#: seconds the heavy imports wait after the first page is sent: the browser is fetching that page's
#: widgets (scripts served by this process) meanwhile, and imports would slow each reply
WARM_AFTER = 2.0
_warm = threading.Lock()
_warmed: list[threading.Thread] = []


def md(text: Any) -> str:
    """Text shown literally in Streamlit's Markdown: every markup character escaped."""
    return _MD.sub(r"\\\1", str(text)).replace("\n", " ")


def show_error(exc: BaseException) -> None:
    """A user's error in the CLI's words; anything else as an internal error, never a traceback."""
    if S.user_error(exc):
        st.error(md(S.describe_error(exc)))
    else:
        st.error(md(S.describe_error(exc)), icon=":material/bug_report:")


def _import_all() -> None:
    for name in HEAVY:
        with contextlib.suppress(ImportError):  # what is missing says so when it is used
            importlib.import_module(name)


class Warm(threading.Thread):
    """The thread importing :data:`HEAVY`: after :data:`WARM_AFTER` seconds, or at once when ``go``
    is set (the page's script sets it before it waits for the thread)."""

    def __init__(self) -> None:
        super().__init__(name="defsim-explore-warm", daemon=True)
        self.go = threading.Event()

    def run(self) -> None:
        self.go.wait(WARM_AFTER)
        _import_all()


def warm() -> None:
    """Import what the first Run needs, in one background thread per server (at most once)."""
    with _warm:
        if not _warmed:
            t = Warm()
            _warmed.append(t)
            t.start()


def charts() -> Any:
    """The Plotly charts (imported with the first result, or before it by :func:`warm`)."""
    from . import charts as module

    return module


def _cell(value: Any) -> Any:
    """A cell as shown: text escaped, a missing value blank (the grid showed it so; not "None")."""
    if value is None:
        return ""
    return md(value) if isinstance(value, str) else value


def table(rows: list[dict[str, Any]]) -> None:
    """A small table as plain HTML (``st.table``), indexed by its first column: lighter for the
    browser than ``st.dataframe``'s grid, which a few rows of figures do not need.  ``st.table``
    reads every cell, header and index as Markdown, so every string is escaped (:func:`md`)."""
    import pandas as pd

    if rows:
        shown = [{md(k): _cell(v) for k, v in r.items()} for r in rows]
        frame = pd.DataFrame(shown)
        st.table(frame.set_index(frame.columns[0]))


class Bar:
    """A progress bar counting replications (or futures); ``start(total)`` when the total changes.

    It is redrawn at most every :data:`STEP` seconds (and at the end): each redraw is a message
    to the browser, and a run of 100 short replications would otherwise send 100 of them."""

    STEP = 0.1

    def __init__(self, total: int, what: str = "replications") -> None:
        self.total, self.done, self.what = total, 0, what
        self.bar = st.progress(0.0, text=f"0 of {total} {what}")
        self.shown = time.monotonic()

    def start(self, total: int) -> None:
        self.total = total

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown >= self.STEP or self.done >= self.total:
            self.shown = now
            self.bar.progress(
                min(self.done / self.total, 1.0), text=f"{self.done} of {self.total} {self.what}"
            )

    def empty(self) -> None:
        self.bar.empty()
