"""The explorer's "Which futures run us dry?" tab: scenario discovery (``defsim discover``).

The student picks two to four knobs they are unsure of and a range for each, and a condition on
a figure; defsim samples futures across the ranges, runs each, and names the box of inputs in
which the condition holds far more often than overall, and which knob matters most.
"""

from __future__ import annotations

import importlib.util
import shlex
from typing import Any

import streamlit as st

from . import session as S
from .knobs import SLIDER, Control, controls
from .ui import Bar, charts, md, show_error, table

MAX_SAMPLES = 500
NEEDS = ("scipy", "SALib", "prim")
_OPS = (">", ">=", "<", "<=")


def _default_condition(keys: list[str]) -> str:
    """The first site's first type running dry at all (a days_empty figure), else the first figure."""
    empty = [k for k in keys if k.startswith("sites.") and k.endswith(".days_empty")]
    per_type = [k for k in empty if ".by_interceptor." in k]
    return (per_type or empty or keys)[0]


def _ranges(sliders: list[Control], tag: str) -> list[str]:
    """The knobs picked as uncertain, each with its range as a --range line."""
    by_key = {c.key: c for c in sliders}
    picked = st.multiselect(
        "Uncertain knobs (two to four)",
        list(by_key),
        default=list(by_key)[:2],
        max_selections=4,
        format_func=lambda k: by_key[k].label,
        key=f"dsc_knobs:{tag}",
    )
    out = []
    for k in picked:
        c = by_key[k]
        lo, hi = (int(c.min), int(c.max)) if c.integer else (float(c.min), float(c.max))
        step = int(c.step) if c.integer else float(c.step)
        got = st.slider(f"{c.label}: from .. to", lo, hi, (lo, hi), step=step, key=f"dsc_range:{tag}:{k}")
        if got[0] < got[1]:
            out.append(f"{k}={c.text(c.typed(got[0]))}..{c.text(c.typed(got[1]))}")
    return out


def _condition(keys: list[str], tag: str) -> tuple[str, int]:
    """The condition (``figure op threshold``) and how many futures to sample."""
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    with c1:
        figure = st.selectbox(
            "Condition: the figure",
            keys,
            index=keys.index(_default_condition(keys)),
            key=f"dsc_fig:{tag}",
            help="Any figure of the scenario (as defsim figures SCENARIO lists them).",
        )
    with c2:
        op = st.selectbox("is", _OPS, key=f"dsc_op:{tag}")
    with c3:
        threshold = st.number_input("than", value=0.0, key=f"dsc_thr:{tag}")
    with c4:
        samples = st.number_input(
            "Futures", min_value=10, max_value=MAX_SAMPLES, value=100, step=10, key=f"dsc_n:{tag}"
        )
    return f"{figure} {op} {threshold:g}", int(samples)


def tab(ss: Any, source: S.Source, sets: tuple[str, ...], seed: int) -> None:
    st.markdown(
        "Several things are uncertain at once. Pick the knobs you are unsure of and the range each "
        "could take; defsim samples futures across them, runs each, and finds the **box** of inputs "
        "in which the condition holds far more often than overall, and which knob matters most."
    )
    if any(importlib.util.find_spec(n) is None for n in NEEDS):
        st.info('This needs the discover extra: pip install ".[discover]" (in a clone of defsim).')
        return
    scenario = source.load(sets)
    sliders = [c for c in controls(scenario) if c.kind == SLIDER]
    if len(sliders) < 2:
        st.info("This scenario has fewer than two sliders to be uncertain about.")
        return
    tag = source.digest
    ranges = _ranges(sliders, tag)
    when, samples = _condition(S.figure_keys(source, sets), tag)
    argv = ["defsim", "discover", source.name]
    argv += [x for s in sets for x in ("--set", s)] + [x for r in ranges for x in ("--range", r)]
    argv += ["--when", when, "--samples", str(samples), "--seed", str(seed)]
    st.caption(md(f"the same from the command line: {shlex.join(argv)}"))
    if len(ranges) < 2:
        st.info("Pick two to four knobs, each over a range wider than one value.")
        return
    if st.button("Find the futures", type="primary", key=f"dsc_run:{tag}"):
        _find(ss, scenario, (tag, sets), ranges, when, samples, seed)
        return
    result = ss.get("discovery")
    if result is not None and result[0] == (tag, sets):
        _show(result[1])


def _find(ss: Any, scenario: Any, what: Any, ranges: list[str], when: str, samples: int, seed: int) -> None:
    from .. import api

    bar = Bar(samples, "futures")
    try:
        S.check_work(scenario, samples)  # the page's bound, as for replications
        result = api.discover(
            scenario, ranges, when=when, samples=samples, seed=seed, workers=1, progress=bar
        )
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        show_error(exc)
        return
    bar.empty()
    ss.discovery = (what, result)
    _show(result)


def _show(result: Any) -> None:
    lines = result.answers()
    box_at = next((i for i, x in enumerate(lines) if x.startswith("the box:")), None)
    st.success(md(lines[0]))
    if box_at is not None:
        with st.container(key="discovery_box"):
            st.markdown("**" + md(lines[box_at]) + "**")
    with st.container(key="discovery_answers"):
        for i, line in enumerate(lines[1:], 1):
            if i != box_at:
                st.markdown("- " + md(line.strip()))
    if result.boxes:
        b = result.boxes[0]
        limits = [
            {
                "knob": k,
                "low": r.get("low"),
                "high": r.get("high"),
                "values": ", ".join(r.get("values", [])),
                "quasi-p": r["quasi_p"],
            }
            for k, r in b.limits.items()
        ]
        table(limits)
        st.plotly_chart(charts().tradeoff(b), width="stretch")
    table([sc.to_json() for sc in result.ranking.scores])
    if result.ranking.scores:
        st.plotly_chart(charts().ranking(result), width="stretch")
