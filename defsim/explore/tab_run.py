"""The explorer's Run tab: the scenario's knobs, seed and replications, Run, and the answer.

The knobs start at the file's values or at a shared link's ``set=`` lines; every knob moved off
the file's value is one ``--set`` line.  A run's answers, tables and charts are made once and
kept with the run, so moving a knob afterwards redraws the page without remaking them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from ..scenario import InputError
from . import session as S
from .knobs import CHOICE, DATE, SLIDER, TOGGLE, Control, controls
from .ui import Bar, charts, md, show_error, table

Section = tuple[str, list[str], list[dict[str, Any]], list[Any]]


def _control(c: Control, key: str) -> None:
    label, tip = c.label, c.help or None
    if c.kind == SLIDER:
        if c.integer:
            st.slider(label, int(c.min), int(c.max), step=int(c.step), key=key, help=tip)
        else:
            st.slider(label, float(c.min), float(c.max), step=float(c.step), key=key, help=tip)
    elif c.kind == TOGGLE:
        st.toggle(label, key=key, help=tip)
    elif c.kind == DATE:
        st.date_input(
            label, key=key, help=tip, min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)
        )
    elif c.kind == CHOICE:
        st.selectbox(label, list(c.options), key=key, help=tip, format_func=c.text)


def knobs(ss: Any, source: S.Source, base: Any, link_sets: list[str], first: bool) -> tuple[str, ...]:
    """The knobs drawn (set from a shared link on the session's first page); their --set lines."""
    cs = controls(base)
    keys = {c.key: f"knob:{source.digest}:{c.key}" for c in cs}
    if first:  # a shared link sets the controls before they are drawn
        try:
            values = S.values_of(cs, link_sets)
        except InputError as exc:
            st.error(md(f"error: the link's settings: {exc}"))  # now, not on the next rerun
            values = {c.key: c.value for c in cs}
        for c in cs:
            ss[keys[c.key]] = values[c.key]
    for c in cs:
        if keys[c.key] not in ss:
            ss[keys[c.key]] = c.value
    if st.button("Reset the knobs to the file's values", key=f"reset:{source.digest}"):
        for c in cs:
            ss[keys[c.key]] = c.value
    cols = st.columns(2)
    for k, c in enumerate(cs):
        with cols[k % 2]:
            _control(c, keys[c.key])
    return S.settings(cs, {c.key: ss[keys[c.key]] for c in cs})


def run(ss: Any, setup: S.Setup, label: str = "") -> S.Run | None:
    """Run a set-up with a progress bar; kept in the session and shown (None if it failed)."""
    bar = Bar(setup.reps)
    try:
        made = S.execute(setup, bar)
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        show_error(exc)
        return None
    bar.empty()
    made.label = label
    ss.session.add(made)
    ss.shown = made.number
    return made


def sections(run: S.Run) -> list[Section]:
    """A run's heading, answer lines, figures table and charts: made once per run."""
    if "sections" not in run.views:
        r = run.result
        lines = S.headline(r) + S.answers(r)
        if r.__class__.__name__ == "RunResult":
            figs = [charts().stock(r)]
            rows = [
                {"figure": k, "value": v}
                for k, v in r.summary["totals"].items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            ]
        else:
            figs = [charts().fan(r), charts().p_dry(r)]
            rows = S.figures_table(r)
        heading = f"{run.title} ({run.setup.reps} replications, seed {run.setup.seed}, {run.seconds:.2f} s)"
        run.views["sections"] = [(heading, lines, rows, figs)]
        run.views["head"] = len(S.headline(r))
    return list(run.views["sections"])


def show(run: S.Run) -> None:
    for heading, lines, rows, figs in sections(run):
        head = run.views["head"]
        st.subheader(md(heading))
        st.success("  \n".join(md(x) for x in lines[:head]), icon=None)
        with st.container(key="answers"):
            for line in lines[head:]:
                st.markdown("- " + md(line))
        st.caption(md(f"the same run from the command line: {run.setup.command()}"))
        if rows:
            table(rows)
        for fig in figs:
            st.plotly_chart(fig, width="stretch")


def _seed_and_reps() -> Any:
    c1, c2, c3 = st.columns([1, 1, 2])
    with c1:
        st.number_input(
            "Seed",
            min_value=0,
            max_value=2**31 - 1,
            step=1,
            key="seed",
            help="The same seed gives the same runs: set-ups on one seed are paired.",
        )
    with c2:
        st.number_input(
            "Replications",
            min_value=1,
            max_value=S.MAX_REPS,
            step=10,
            key="reps",
            help="1: one run with its exact stock; more: the spread of outcomes.",
        )
    return c3


def tab(ss: Any, source: S.Source, base: Any, params: dict[str, list[str]], first: bool) -> tuple[str, ...]:
    """The Run tab; the --set lines of its knobs (the other tabs start from them)."""
    sets = knobs(ss, source, base, params.get("set", []), first)
    c3 = _seed_and_reps()
    setup = S.Setup(source, sets, int(ss.seed), int(ss.reps))
    scenario, warning = None, None
    try:
        scenario = source.load(sets)
        warning = S.check_work(scenario, setup.reps)
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        show_error(exc)
    if warning:
        st.warning(md(warning))
    with c3:
        # a caption, not st.code: the code block's highlighter is the browser's biggest download
        # (1.5 MB) and the first page would wait for it
        st.caption(md(" ".join(f"--set {s}" for s in sets) or "(every knob at the file's value)"))
    pressed = st.button("Run", type="primary", key="run", disabled=scenario is None)
    auto = first and (params.get("run") or [""])[0] == "1" and "vary" not in params
    if (pressed or auto) and scenario is not None and run(ss, setup) is not None:
        _set_address(source, sets, setup.seed, setup.reps)
    shown = ss.session.get([ss.shown]) if ss.shown is not None else []
    if shown:
        show(shown[0])
    return sets


def _set_address(source: S.Source, sets: tuple[str, ...], seed: int, reps: int) -> None:
    if not source.shipped:
        st.query_params.clear()  # an uploaded file cannot travel in a link
        return
    d: dict[str, Any] = {"scenario": source.name, "seed": str(seed), "reps": str(reps)}
    if sets:
        d["set"] = list(sets)
    st.query_params.from_dict(d)
