"""The explorer's page (a Streamlit script): ``defsim explore`` serves it.

A student picks a shipped scenario (or uploads one), moves its knobs, sets seed and
replications and presses Run; the page answers in words, then shows the headline figures with
their intervals, the stock fan, P(ran dry by day d), or for a single run the exact stock.  Every
run of the session is kept; two or more are compared paired by replication.  The set-up lives
in the page's address, so a link reproduces it.  All the work is in :mod:`.session` (plain
functions, tested without a browser); this script only lays it out.  Runs happen in this
process on one worker: the page starts no processes and reads no local file but the shipped
scenarios.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import urllib.parse
from pathlib import Path
from typing import Any

import streamlit as st

from defsim.explore import presets, report
from defsim.explore import session as S
from defsim.explore.knobs import CHOICE, DATE, SLIDER, TOGGLE, Control, controls
from defsim.scenario import InputError, split_values

FILE_ENV = "DEFSIM_EXPLORE_FILE"  # the same name as defsim.cli.explore's
MAX_UPLOAD = 4 * 2**20  # the loader refuses more, with its message
_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text: Any) -> str:
    """Text shown literally in Streamlit's Markdown: every markup character escaped."""
    return _MD.sub(r"\\\1", str(text)).replace("\n", " ")


def _state() -> Any:
    ss = st.session_state
    if "session" not in ss:
        ss.session = S.Session()
        ss.uploads = {}
        ss.comparisons = {}
        ss.booted = False
        ss.shown = None
        ss.errors = []
    return ss


@st.cache_resource(show_spinner=False, max_entries=64)
def _base(name: str, digest: str, data: bytes | None) -> Any:
    """The scenario as its file says (no --set): the controls' starting values."""
    return S.Source(name, data).load()


def _catalogue() -> list[Any]:
    return S.api.scenarios()


def _show_error(exc: BaseException) -> None:
    """A user's error in the CLI's words; anything else as an internal error, never a traceback."""
    if S.user_error(exc):
        st.error(md(S.describe_error(exc)))
    else:
        st.error(md(S.describe_error(exc)), icon=":material/bug_report:")


# --- the address -------------------------------------------------------------------------------


def _params() -> dict[str, list[str]]:
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


def _set_address(
    source: S.Source, sets: tuple[str, ...], seed: int, reps: int, extra: dict[str, Any]
) -> None:
    if not source.shipped:
        st.query_params.clear()  # an uploaded file cannot travel in a link
        return
    d: dict[str, Any] = {"scenario": source.name, "seed": str(seed), "reps": str(reps)}
    if sets:
        d["set"] = list(sets)
    d.update(extra)
    st.query_params.from_dict(d)


def link_of(params: dict[str, Any]) -> str:
    query = urllib.parse.urlencode(params, doseq=True)
    base = ""
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:
        base = ""
    return f"{base}?{query}"


# --- the page ------------------------------------------------------------------------------------


def _pick_scenario(ss: Any, params: dict[str, list[str]]) -> S.Source | None:
    shipped = _catalogue()
    names = [s.name for s in shipped]
    titles = {s.name: s.title for s in shipped}
    started_with = os.environ.get(FILE_ENV)
    if not ss.booted and started_with and not params.get("scenario"):
        # the one file named on `defsim explore FILE` by whoever started the server (checked there)
        path = Path(started_with)
        with path.open("rb") as f:
            ss.uploads[path.name] = f.read(MAX_UPLOAD + 1)
        ss.pick = f"upload: {path.name}"
    elif not ss.booted:
        wanted = (params.get("scenario") or [""])[0]
        if wanted in names:
            ss.pick = wanted
        elif wanted:
            ss.errors.append(
                f"error: the link names no shipped scenario {wanted!r}; shipped: {', '.join(names)}"
            )
    uploaded = list(ss.uploads)
    options = names + [f"upload: {u}" for u in uploaded]
    if ss.get("pick") not in options:
        ss.pick = "textbook" if "textbook" in names else names[0]
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
    if up is not None:
        data = up.getvalue()
        name = up.name
        if ss.uploads.get(name) != data:
            ss.uploads[name] = data
            ss.pick_next = f"upload: {name}"
            st.rerun()
    pick = ss.pick
    if pick.startswith("upload: "):
        name = pick.removeprefix("upload: ")
        return S.Source(name, ss.uploads[name])
    return S.Source(pick)


def _control(c: Control, key: str) -> None:
    label = c.label
    if c.kind == SLIDER:
        if c.integer:
            st.slider(label, int(c.min), int(c.max), step=int(c.step), key=key, help=c.help or None)
        else:
            st.slider(label, float(c.min), float(c.max), step=float(c.step), key=key, help=c.help or None)
    elif c.kind == TOGGLE:
        st.toggle(label, key=key, help=c.help or None)
    elif c.kind == DATE:
        st.date_input(
            label,
            key=key,
            help=c.help or None,
            min_value=dt.date(1900, 1, 1),
            max_value=dt.date(2200, 12, 31),
        )
    elif c.kind == CHOICE:
        st.selectbox(label, list(c.options), key=key, help=c.help or None, format_func=c.text)


def _knobs(
    ss: Any, source: S.Source, base: Any, params: dict[str, list[str]], first: bool
) -> tuple[str, ...]:
    cs = controls(base)
    keys = {c.key: f"knob:{source.digest}:{c.key}" for c in cs}
    if first:  # a shared link sets the controls before they are drawn
        try:
            values = S.values_of(cs, params.get("set", []))
        except InputError as exc:
            ss.errors.append(f"error: the link's settings: {exc}")
            values = {c.key: c.value for c in cs}
        for c in cs:
            ss[keys[c.key]] = values[c.key]
    for c in cs:
        if keys[c.key] not in ss:
            ss[keys[c.key]] = c.value
    reset = st.button("Reset the knobs to the file's values", key=f"reset:{source.digest}")
    if reset:
        for c in cs:
            ss[keys[c.key]] = c.value
    cols = st.columns(2)
    for k, c in enumerate(cs):
        with cols[k % 2]:
            _control(c, keys[c.key])
    return S.settings(cs, {c.key: ss[keys[c.key]] for c in cs})


def _run(ss: Any, setup: S.Setup, label: str = "") -> S.Run | None:
    bar = st.progress(0.0, text=f"0 of {setup.reps} replications")
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        bar.progress(min(done[0] / setup.reps, 1.0), text=f"{done[0]} of {setup.reps} replications")

    try:
        run = S.execute(setup, progress)
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        _show_error(exc)
        return None
    bar.empty()
    run.label = label
    ss.session.add(run)
    ss.shown = run.number
    return run


def _charts() -> Any:
    # Plotly is imported with the first result, not with the page: the first page comes sooner
    from defsim.explore import charts

    return charts


def _results(run: S.Run) -> list[tuple[str, list[str], list[dict[str, Any]], list[Any]]]:
    charts = _charts()
    r = run.result
    head = S.headline(r)
    lines = head + S.answers(r)
    if r.__class__.__name__ == "RunResult":
        figs = [charts.stock(r)]
        rows = [
            {"figure": k, "value": v}
            for k, v in r.summary["totals"].items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
    else:
        figs = [charts.fan(r), charts.p_dry(r)]
        rows = S.figures_table(r)
    return [
        (
            f"{run.title} ({run.setup.reps} replications, seed {run.setup.seed}, {run.seconds:.2f} s)",
            lines,
            rows,
            figs,
        )
    ]


def _show_results(run: S.Run) -> None:
    sections = _results(run)
    for heading, lines, rows, figs in sections:
        st.subheader(md(heading))
        head = S.headline(run.result)
        st.success("  \n".join(md(x) for x in head), icon=None)
        with st.container(key="answers"):
            for line in lines[len(head) :]:
                st.markdown("- " + md(line))
        st.caption(md(f"the same run from the command line: {run.setup.command()}"))
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch")
        for fig in figs:
            st.plotly_chart(fig, width="stretch")


def _compare_tab(ss: Any) -> None:
    runs = ss.session.runs
    if len(runs) < 2:
        st.info("Run two or more set-ups (or a preset) to compare them here.")
        return
    titles = {r.number: r.title for r in runs}
    default = ss.get("cmp_default") or [r.number for r in runs[-2:]]
    default = [n for n in default if n in titles]
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
        cmp = S.compare(picked)
        ss.comparisons[key] = cmp
    if cmp is None:
        st.warning(
            "These runs differ in seed or replications (or one is a single run), so they are not "
            "paired. Run them again on the first one's seed, the same number of replications:"
        )
        if st.button("Run them again, paired", key="repair"):
            try:
                with st.spinner("running every set-up on the same seeds"):
                    cmp = S.compare(picked)
                ss.comparisons[key] = cmp
            except Exception as exc:  # a user's error in their words, anything else as defsim's bug
                _show_error(exc)
                return
        else:
            return
    _show_comparison(cmp, picked)


def _show_comparison(cmp: Any, runs: list[S.Run]) -> None:
    st.success(md(S.comparison_sentence(cmp)))
    diff = S.differing(runs)
    if diff:
        st.markdown("**What differs between them**")
        st.dataframe(
            [
                {"knob": k, **{f"#{r.number}": v for r, v in zip(runs, vals, strict=True)}}
                for k, vals in diff.items()
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No knob differs: the runs differ only in what they were run with (seed, replications).")
    st.dataframe(S.comparison_rows(cmp), hide_index=True, width="stretch")
    st.plotly_chart(_charts().compare(cmp.ensembles, cmp.labels), width="stretch")


# --- which futures run us dry? (defsim.discover) -----------------------------------------------

MAX_SAMPLES = 500
DISCOVER_NEEDS = ("scipy", "SALib", "prim")
_OPS = (">", ">=", "<", "<=")


def _default_condition(keys: list[str]) -> str:
    """The first site's first type running dry at all (a days_empty figure), else the first figure."""
    empty = [k for k in keys if k.startswith("sites.") and k.endswith(".days_empty")]
    per_type = [k for k in empty if ".by_interceptor." in k]
    return (per_type or empty or keys)[0]


def _discover_tab(ss: Any, source: S.Source, sets: tuple[str, ...], seed: int) -> None:
    import importlib.util

    st.markdown(
        "Several things are uncertain at once. Pick the knobs you are unsure of and the range each "
        "could take; defsim samples futures across them, runs each, and finds the **box** of inputs "
        "in which the condition holds far more often than overall, and which knob matters most."
    )
    if any(importlib.util.find_spec(n) is None for n in DISCOVER_NEEDS):
        st.info('This needs the discover extra: pip install ".[discover]" (in a clone of defsim).')
        return
    scenario = source.load(sets)
    sliders = [c for c in controls(scenario) if c.kind == SLIDER]
    if len(sliders) < 2:
        st.info("This scenario has fewer than two sliders to be uncertain about.")
        return
    by_key = {c.key: c for c in sliders}
    tag = source.digest
    picked = st.multiselect(
        "Uncertain knobs (two to four)",
        list(by_key),
        default=list(by_key)[:2],
        max_selections=4,
        format_func=lambda k: by_key[k].label,
        key=f"dsc_knobs:{tag}",
    )
    ranges = []
    for k in picked:
        c = by_key[k]
        lo, hi = (int(c.min), int(c.max)) if c.integer else (float(c.min), float(c.max))
        step = int(c.step) if c.integer else float(c.step)
        got = st.slider(f"{c.label}: from .. to", lo, hi, (lo, hi), step=step, key=f"dsc_range:{tag}:{k}")
        if got[0] < got[1]:
            ranges.append(f"{k}={c.text(c.typed(got[0]))}..{c.text(c.typed(got[1]))}")
    keys = [f.key for f in S.api.figures(scenario)]
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
    when = f"{figure} {op} {threshold:g}"
    import shlex

    argv = ["defsim", "discover", source.name]
    for x in sets:
        argv += ["--set", x]
    for r in ranges:
        argv += ["--range", r]
    argv += ["--when", when, "--samples", str(int(samples)), "--seed", str(seed)]
    st.caption(md(f"the same from the command line: {shlex.join(argv)}"))
    if len(ranges) < 2:
        st.info("Pick two to four knobs, each over a range wider than one value.")
        return
    if not st.button("Find the futures", type="primary", key=f"dsc_run:{tag}"):
        result = ss.get("discovery")
        if result is not None and result[0] == (tag, sets):
            _show_discovery(result[1])
        return
    bar = st.progress(0.0, text="0 futures")
    total = [int(samples)]
    done = [0]

    class Progress:
        def start(self, n: int) -> None:
            total[0] = n

        def __call__(self, n: int) -> None:
            done[0] += n
            bar.progress(min(done[0] / total[0], 1.0), text=f"{done[0]} of {total[0]} futures")

    try:
        S.check_work(scenario, int(samples))  # the page's bound, as for replications
        result = S.api.discover(
            scenario, ranges, when=when, samples=int(samples), seed=seed, workers=1, progress=Progress()
        )
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        _show_error(exc)
        return
    bar.empty()
    ss.discovery = ((tag, sets), result)
    _show_discovery(result)


def _show_discovery(result: Any) -> None:
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
    charts = _charts()
    if result.boxes:
        b = result.boxes[0]
        st.dataframe(
            [
                {
                    "knob": k,
                    "low": r.get("low"),
                    "high": r.get("high"),
                    "values": ", ".join(r.get("values", [])),
                    "quasi-p": r["quasi_p"],
                }
                for k, r in b.limits.items()
            ],
            hide_index=True,
            width="stretch",
        )
        st.plotly_chart(charts.tradeoff(b), width="stretch")
    st.dataframe([sc.to_json() for sc in result.ranking.scores], hide_index=True, width="stretch")
    if result.ranking.scores:
        st.plotly_chart(charts.ranking(result), width="stretch")


def _preset_block(ss: Any, source: S.Source, seed: int) -> None:
    if not source.shipped:
        return
    mine = presets.for_scenario(source.name)
    if not mine:
        return
    st.sidebar.markdown("**Exercises as one-click what-ifs**")
    for p in mine:
        if st.sidebar.button(
            p.title, key=f"preset:{p.exercise}", help=f"The exercise's sweep: {p.command()}"
        ):
            _run_sweep(ss, source, p.sets, p.key, list(p.values), list(p.labels), p.seed, p.reps, p.figures)


def _run_sweep(
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
    total = reps * len(values)
    bar = st.progress(0.0, text=f"0 of {total} replications")
    done = [0]

    class Progress:
        def start(self, n: int) -> None:
            nonlocal total
            total = n

        def __call__(self, n: int) -> None:
            done[0] += n
            bar.progress(min(done[0] / total, 1.0), text=f"{done[0]} of {total} replications")

    try:
        cmp = S.sweep(source, sets, key, values, labels, seed, reps, figures, progress=Progress())
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        bar.empty()
        _show_error(exc)
        return
    bar.empty()
    numbers = []
    for ens, value, label in zip(cmp.ensembles, values, labels, strict=True):
        setup = S.Setup(source, (*sets, f"{key}={value}"), seed, reps)
        run = ss.session.add(S.Run(0, setup, ens, 0.0, label))
        numbers.append(run.number)
    ss.comparisons[tuple(numbers)] = cmp
    ss.cmp_default = numbers
    ss.sweep_shown = tuple(numbers)
    params = {
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


def _downloads(ss: Any, run: S.Run | None) -> None:
    if run is None:
        st.info("Run a set-up first: its scenario, results and report can then be taken away.")
        return
    st.markdown(md(f"Run #{run.number}: {run.title}"))
    cols = st.columns(4)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", run.setup.source.name.removesuffix(".yaml").removesuffix(".yml"))[
        :40
    ]
    with cols[0]:
        st.download_button(
            "Scenario (YAML)",
            S.scenario_yaml(run.setup),
            file_name=f"{slug}.yaml",
            mime="text/yaml",
            key="dl_yaml",
            on_click="ignore",
        )
    with cols[1]:
        st.download_button(
            "Results (CSV)",
            S.results_csv(run),
            file_name=f"{slug}-run{run.number}.csv",
            mime="text/csv",
            key="dl_csv",
            on_click="ignore",
        )
    with cols[2]:
        st.download_button(
            "Every run (Excel)",
            lambda: S.results_xlsx(ss.session.runs),
            file_name=f"{slug}-runs.xlsx",
            key="dl_xlsx",
            on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    with cols[3]:
        st.download_button(
            "Report (HTML)",
            lambda: _report(ss, run),
            file_name=f"{slug}-report.html",
            mime="text/html",
            key="dl_html",
            on_click="ignore",
        )


def _report(ss: Any, run: S.Run) -> str:
    sc = run.result.scenario
    sections = _results(run)
    numbers = getattr(ss, "sweep_shown", None)
    if numbers and tuple(numbers) in ss.comparisons:
        cmp = ss.comparisons[tuple(numbers)]
        sections.append(
            (
                "Comparison, paired by replication",
                [S.comparison_sentence(cmp)],
                S.comparison_rows(cmp),
                [_charts().compare(cmp.ensembles, cmp.labels)],
            )
        )
    return report.page(sc.spec.name, sc.spec.question, sections, f"defsim explore; {run.setup.command()}")


def main() -> None:
    st.set_page_config(page_title="defsim explorer", layout="wide")
    ss = _state()
    if "pick_next" in ss:
        ss.pick = ss.pop("pick_next")
    params = _params()
    first = not ss.booted
    source = _pick_scenario(ss, params)
    if source is None:
        return
    try:
        base = _base(source.name, source.digest, source.data)
    except Exception as exc:  # a user's error in their words, anything else as defsim's bug
        st.title("defsim explorer")
        _show_error(exc)
        ss.booted = True
        return
    spec = base.spec
    st.title(md(spec.name))
    if spec.question:
        st.markdown(f"#### {md(spec.question)}")
    if spec.description:
        st.caption(md(spec.description.strip()))
    for w in base.warnings:
        st.warning(md(w.format(source.name, "warning: ")))
    for e in ss.errors:
        st.error(md(e))
    ss.errors = []

    if first:

        def _int(name: str, default: int) -> int:
            try:
                return int((params.get(name) or [str(default)])[0])
            except ValueError:
                return default

        ss.seed = _int("seed", base.seed)
        ss.reps = min(max(_int("reps", 100), 1), S.MAX_REPS)
    tab_run, tab_cmp, tab_dsc, tab_share = st.tabs(
        ["Run", "Compare", "Which futures run us dry?", "Share and download"]
    )
    with tab_run:
        sets = _knobs(ss, source, base, params, first)
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
        setup = S.Setup(source, sets, int(ss.seed), int(ss.reps))
        try:
            scenario = source.load(sets)
            warning = S.check_work(scenario, setup.reps)
        except Exception as exc:  # a user's error in their words, anything else as defsim's bug
            _show_error(exc)
            scenario = None
            warning = None
        if warning:
            st.warning(md(warning))
        with c3:
            st.code(" ".join(f"--set {s}" for s in sets) or "(every knob at the file's value)", language=None)
        pressed = st.button("Run", type="primary", key="run", disabled=scenario is None)
        auto = first and (params.get("run") or [""])[0] == "1" and "vary" not in params
        if (pressed or auto) and scenario is not None:
            run = _run(ss, setup)
            if run is not None:
                _set_address(source, sets, setup.seed, setup.reps, {})
        shown = ss.session.get([ss.shown]) if ss.shown is not None else []
        if shown:
            _show_results(shown[0])
    if first and "vary" in params and source.shipped:
        key, _, values = params["vary"][0].partition("=")
        vals = split_values(values) if values else []
        labels = params.get("label") or vals
        if key and len(vals) >= 2 and len(labels) == len(vals):
            with tab_cmp:
                _run_sweep(
                    ss,
                    source,
                    tuple(params.get("set", [])),
                    key.strip(),
                    vals,
                    list(labels),
                    int(ss.seed),
                    int(ss.reps),
                    tuple(params.get("figure", [])),
                )
        else:
            ss.errors.append("error: the link's vary= needs key=v1,v2 and one label= per value")
    _preset_block(ss, source, int(ss.seed))
    with tab_cmp:
        _compare_tab(ss)
    with tab_dsc:
        try:
            _discover_tab(ss, source, sets, int(ss.seed))
        except Exception as exc:  # a user's error in their words, anything else as defsim's bug
            _show_error(exc)
    with tab_share:
        st.markdown(
            "**A link to this set-up** (the knobs, seed and replications; open it to get the same page)"
        )
        if source.shipped:
            st.code(
                link_of(
                    {"scenario": source.name, "seed": ss.seed, "reps": ss.reps, "set": list(sets), "run": "1"}
                ),
                language=None,
            )
        else:
            st.caption(
                "An uploaded scenario cannot travel in a link: download it as YAML below and share the file."
            )
        shown = ss.session.get([ss.shown]) if ss.shown is not None else []
        _downloads(ss, shown[0] if shown else (ss.session.runs[-1] if ss.session.runs else None))
    ss.booted = True


try:
    main()
except Exception as exc:  # the page's last guard: defsim's bug shown as one, the server lives on
    _show_error(exc)
