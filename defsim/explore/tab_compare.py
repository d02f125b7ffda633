"""The explorer's Compare tab, and the sweeps that fill it: the exercises as one-click presets,
and a shared link's ``vary=`` comparison.

Two or more runs of the session are compared paired by replication (the same seeds: common
random numbers): the answer sentence, which knobs differ, the table of paired differences with
their intervals and the median stock of each run overlaid.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..scenario import split_values
from . import presets
from . import session as S
from .ui import Bar, charts, md, show_error, table


def tab(ss: Any) -> None:
    runs = ss.session.runs
    if len(runs) < 2:
        st.info("Run two or more set-ups (or a preset) to compare them here.")
        return
    titles = {r.number: r.title for r in runs}
    default = [n for n in (ss.get("cmp_default") or [r.number for r in runs[-2:]]) if n in titles]
    chosen = st.multiselect(
        "Runs to compare (the first is the baseline)",
        list(titles),
        default=default,
        format_func=lambda n: f"#{n} {titles[n]}",
        key=f"cmp:{len(runs)}",
    )
    picked = ss.session.get(chosen)
    if len(picked) < 2:
        st.info("Choose two or more runs.")
        return
    key = tuple(chosen)
    cmp = ss.comparisons.get(key)
    if cmp is None and S.pairable(picked):
        cmp = ss.comparisons[key] = S.compare(picked)
    if cmp is None:
        st.warning(
            "These runs differ in seed or replications (or one is a single run), so they are not "
            "paired. Run them again on the first one's seed, the same number of replications:"
        )
        if not st.button("Run them again, paired", key="repair"):
            return
        try:
            with st.spinner("running every set-up on the same seeds"):
                cmp = ss.comparisons[key] = S.compare(picked)
        except Exception as exc:  # a user's error in their words, anything else as defsim's bug
            show_error(exc)
            return
    _show(ss, key, cmp, picked)


def _views(cmp: Any, runs: list[S.Run]) -> dict[str, Any]:
    """A comparison's sentence, tables and chart: made once, shown on every rerun after."""
    diff = S.differing(runs)
    return {
        "sentence": S.comparison_sentence(cmp),
        "differ": [
            {"knob": k, **{f"#{r.number}": v for r, v in zip(runs, vals, strict=True)}}
            for k, vals in diff.items()
        ],
        "rows": S.comparison_rows(cmp),
        "chart": charts().compare(cmp.ensembles, cmp.labels),
    }


def _show(ss: Any, key: tuple[int, ...], cmp: Any, runs: list[S.Run]) -> None:
    views = ss.compare_views.get(key)
    if views is None or views["of"] is not cmp:
        views = ss.compare_views[key] = {**_views(cmp, runs), "of": cmp}
    st.success(md(views["sentence"]))
    if views["differ"]:
        st.markdown("**What differs between them**")
        table(views["differ"])
    else:
        st.caption("No knob differs: the runs differ only in what they were run with (seed, replications).")
    with st.expander("Every headline figure of each run, with its paired difference from the first"):
        table(views["rows"])  # two runs of backfill: some sixty rows, folded so the chart shows
    st.plotly_chart(views["chart"], width="stretch")


def preset_block(ss: Any, source: S.Source) -> None:
    """The exercises of this scenario as buttons in the sidebar: each runs its exercise's sweep."""
    mine = presets.for_scenario(source.name) if source.shipped else []
    if not mine:
        return
    st.sidebar.markdown("**Exercises as one-click what-ifs**")
    for p in mine:
        if st.sidebar.button(
            p.title, key=f"preset:{p.exercise}", help=f"The exercise's sweep: {p.command()}"
        ):
            run_sweep(ss, source, p.sets, p.key, list(p.values), list(p.labels), p.seed, p.reps, p.figures)


def from_link(ss: Any, source: S.Source, params: dict[str, list[str]]) -> None:
    """A shared link's comparison: ``vary=key=v1,v2`` with one ``label=`` per value."""
    key, _, values = params["vary"][0].partition("=")
    vals = split_values(values) if values else []
    labels = params.get("label") or vals
    if not (key and len(vals) >= 2 and len(labels) == len(vals)):
        st.error(md("error: the link's vary= needs key=v1,v2 and one label= per value"))
        return
    sets, figures = tuple(params.get("set", [])), tuple(params.get("figure", []))
    run_sweep(ss, source, sets, key.strip(), vals, list(labels), int(ss.seed), int(ss.reps), figures)


def run_sweep(
    ss: Any,
    source: S.Source,
    sets: tuple[str, ...],
    key: str,
    values: list[str],
    labels: list[str],
    seed: int,
    reps: int,
    figures: tuple[str, ...] = (),
) -> None:
    """``key`` at each of ``values`` on the same seeds; each variant kept as a run, then compared."""
    bar = Bar(reps * len(values))
    try:
        cmp = S.sweep(source, sets, key, values, labels, seed, reps, figures, progress=bar)
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        show_error(exc)
        return
    bar.empty()
    numbers = []
    for ens, value, label in zip(cmp.ensembles, values, labels, strict=True):
        setup = S.Setup(source, (*sets, f"{key}={value}"), seed, reps)
        numbers.append(ss.session.add(S.Run(0, setup, ens, 0.0, label)).number)
    ss.comparisons[tuple(numbers)] = cmp
    ss.cmp_default = numbers
    ss.sweep_shown = tuple(numbers)
    params: dict[str, Any] = {
        "scenario": source.name,
        "seed": str(seed),
        "reps": str(reps),
        "vary": f"{key}={','.join(values)}",
        "label": labels,
        "run": "1",
    }
    if sets:
        params["set"] = list(sets)
    if figures:
        params["figure"] = list(figures)
    st.query_params.from_dict(params)
