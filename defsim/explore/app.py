"""The explorer's page (a Streamlit script): ``defsim explore`` serves it.

A student picks a shipped scenario (or uploads one), moves its knobs, sets seed and
replications and presses Run; the page answers in words, then shows the headline figures with
their intervals, the stock fan, P(ran dry by day d), or for a single run the exact stock.  Every
run of the session is kept; two or more are compared paired by replication.  The set-up lives
in the page's address, so a link reproduces it.  All the work is in :mod:`.session` (plain
functions, tested without a browser); this script and its tabs (``tab_*``) only lay it out.
Runs happen in this process on one worker: the page starts no processes and reads no local
file but the shipped scenarios.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import streamlit as st


def _settle() -> None:
    """Wait for the server's loading thread (ui.warm's) to finish: two threads importing the same
    modules at once can see them half-made."""
    for t in threading.enumerate():
        if t.name.startswith("defsim-explore-") and t is not threading.current_thread():
            go = getattr(t, "go", None)  # ui.Warm waits a moment unless told to go
            if isinstance(go, threading.Event):
                go.set()
            t.join()


_settle()

from defsim.explore import session as S  # noqa: E402  (after the loading threads)
from defsim.explore import tab_compare, tab_discover, tab_run, tab_share  # noqa: E402
from defsim.explore.ui import md, show_error, warm  # noqa: E402

FILE_ENV = "DEFSIM_EXPLORE_FILE"  # the same name as defsim.cli.explore's
MAX_UPLOAD = 4 * 2**20  # the loader refuses more, with its message
TABS = ["Run", "Compare", "Which futures run us dry?", "Share and download"]
TAB = "tab"  # the open tab's label, in the session's state
#: the widgets of the tabs drawn only when open (their state is kept while another tab is open);
#: not their buttons, whose state cannot be set
KEPT = ("cmp:", "dsc_knobs:", "dsc_range:", "dsc_fig:", "dsc_op:", "dsc_thr:", "dsc_n:")


def _state() -> Any:
    ss = st.session_state
    if "session" not in ss:
        ss.session = S.Session()
        ss.uploads = {}
        ss.comparisons = {}
        ss.compare_views = {}
        ss.booted = False
        ss.shown = None
        ss.errors = []  # said under the page's title
    return ss


def _params() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


def _first_pick(ss: Any, params: dict[str, list[str]], names: list[str]) -> None:
    """The scenario of the session's first page: the server's file, or the link's scenario."""
    started_with = os.environ.get(FILE_ENV)
    wanted = (params.get("scenario") or [""])[0]
    if started_with and not wanted:
        # the one file named on `defsim explore FILE` by whoever started the server (checked there)
        path = Path(started_with)
        with path.open("rb") as f:
            ss.uploads[path.name] = f.read(MAX_UPLOAD + 1)
        ss.pick = f"upload: {path.name}"
    elif wanted in names:
        ss.pick = wanted
    elif wanted:
        ss.errors.append(f"error: the link names no shipped scenario {wanted!r}; shipped: {', '.join(names)}")


def _pick_scenario(ss: Any, params: dict[str, list[str]]) -> S.Source:
    shipped = S.catalogue()
    names = [s.name for s in shipped]
    titles = {s.name: s.title for s in shipped}
    if not ss.booted:
        _first_pick(ss, params, names)
    options = names + [f"upload: {u}" for u in ss.uploads]
    if ss.get("pick") not in options:
        ss.pick = S.DEFAULT if S.DEFAULT in names else names[0]
    st.sidebar.selectbox(
        "Scenario",
        options,
        key="pick",
        format_func=lambda n: f"{n}: {titles[n]}" if n in titles else n,
        help="A shipped scenario, or one you uploaded below.",
    )
    with st.sidebar.expander("The shipped scenarios and their questions"):
        for s in shipped:
            st.markdown(f"**{md(s.name)}**: {md(s.question)}")
    up = st.sidebar.file_uploader(
        "Or upload a scenario (YAML)",
        type=["yaml", "yml"],
        key="upload",
        help="Checked like `defsim validate` does; nothing is stored on the server once you close the page.",
    )
    if up is not None and ss.uploads.get(up.name) != up.getvalue():
        ss.uploads[up.name] = up.getvalue()
        ss.pick_next = f"upload: {up.name}"
        st.rerun()
    if ss.pick.startswith("upload: "):
        name = ss.pick.removeprefix("upload: ")
        return S.Source(name, ss.uploads[name])
    return S.Source(ss.pick)


def _header(base: Any, source: S.Source) -> None:
    spec = base.spec
    st.title(md(spec.name))
    if spec.question:
        st.markdown(f"#### {md(spec.question)}")
    if spec.description:
        st.caption(md(spec.description.strip()))
    for w in base.warnings:
        st.warning(md(w.format(source.name, "warning: ")))
    for e in st.session_state.errors:
        st.error(md(e))
    st.session_state.errors = []


def _seed_and_reps(ss: Any, params: dict[str, list[str]], base: Any) -> None:
    """The seed and replications of the session's first page: the link's, else the file's seed and 100."""

    def number(name: str, default: int) -> int:
        try:
            return int((params.get(name) or [str(default)])[0])
        except ValueError:
            return default

    ss.seed = number("seed", base.seed)
    ss.reps = min(max(number("reps", 100), 1), S.MAX_REPS)


def main() -> None:
    st.set_page_config(page_title="defsim explorer", layout="wide")
    ss = _state()
    for key in [k for k in ss if isinstance(k, str) and k.startswith(KEPT)]:
        ss[key] = ss[key]  # Streamlit forgets a widget's state when a run does not draw it
    if "pick_next" in ss:
        ss.pick = ss.pop("pick_next")
    params = _params()
    first = not ss.booted
    source = _pick_scenario(ss, params)
    try:
        base = source.load()
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        st.title("defsim explorer")
        show_error(exc)
        ss.booted = True
        return
    _header(base, source)
    if first:
        _seed_and_reps(ss, params, base)
    vary = first and "vary" in params and source.shipped
    if vary:
        ss[TAB] = TABS[1]  # a shared comparison opens on it
    # Only the open tab is drawn (and the Run tab always: its knobs are the set-up every tab starts
    # from): the first page draws, and the browser fetches the code of, only what it shows.
    run_tab, compare_tab, discover_tab, share_tab = st.tabs(TABS, key=TAB, on_change="rerun")
    with run_tab:
        sets = tab_run.tab(ss, source, base, params, first)
    if vary:
        with compare_tab:
            tab_compare.from_link(ss, source, params)
    tab_compare.preset_block(ss, source)
    if compare_tab.open:
        with compare_tab:
            tab_compare.tab(ss)
    if discover_tab.open:
        with discover_tab:
            try:
                tab_discover.tab(ss, source, sets, int(ss.seed))
            except Exception as exc:  # a user's error in their words, anything else as defsim's bug
                show_error(exc)
    if share_tab.open:
        with share_tab:
            tab_share.tab(ss, source, sets)
    ss.booted = True
    warm()  # Plotly and the runners load in the background while the student reads the page


try:
    main()
except Exception as exc:  # the page's last guard: defsim's bug shown as one, the server lives on
    show_error(exc)
