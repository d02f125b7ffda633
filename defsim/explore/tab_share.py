"""The explorer's "Share and download" tab: a link to the set-up, and what a student takes away.

The link holds the knobs, seed and replications (an uploaded file cannot travel in one).  The
downloads are made when their button is pressed, not with every page: the scenario as run (YAML
with its ``--set`` lines), the run's results (CSV), every run of the session (Excel) and the
self-contained HTML report of what is on screen.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from typing import Any

import streamlit as st

from . import report, tab_run
from . import session as S
from .ui import charts, md

#: what a link may keep as it is inside Markdown's (...): no brackets, parentheses or spaces
_URL_SAFE = ":/?#@!$&'*+,;=%-._~"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def link_of(params: dict[str, Any]) -> str:
    query = urllib.parse.urlencode(params, doseq=True)
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:
        base = ""
    return f"{base}?{query}"


def tab(ss: Any, source: S.Source, sets: tuple[str, ...]) -> None:
    st.markdown("**A link to this set-up** (the knobs, seed and replications; open it to get the same page)")
    if source.shipped:
        params = {"scenario": source.name, "seed": ss.seed, "reps": ss.reps, "set": list(sets), "run": "1"}
        link = link_of(params)
        # a link, not st.code: see tab_run (the code block's highlighter would hold up the first page)
        st.markdown(f"[{md(link)}]({urllib.parse.quote(link, safe=_URL_SAFE)})")
    else:
        st.caption(
            "An uploaded scenario cannot travel in a link: download it as YAML below and share the file."
        )
    shown = ss.session.get([ss.shown]) if ss.shown is not None else []
    _downloads(ss, shown[0] if shown else (ss.session.runs[-1] if ss.session.runs else None))


def _downloads(ss: Any, run: S.Run | None) -> None:
    if run is None:
        st.info("Run a set-up first: its scenario, results and report can then be taken away.")
        return
    st.markdown(md(f"Run #{run.number}: {run.title}"))
    name = run.setup.source.name.removesuffix(".yaml").removesuffix(".yml")
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name)[:40]
    buttons: tuple[tuple[str, Callable[[], str | bytes], str, str, str], ...] = (
        ("Scenario (YAML)", lambda: S.scenario_yaml(run.setup), f"{slug}.yaml", "text/yaml", "dl_yaml"),
        ("Results (CSV)", lambda: S.results_csv(run), f"{slug}-run{run.number}.csv", "text/csv", "dl_csv"),
        ("Every run (Excel)", lambda: S.results_xlsx(ss.session.runs), f"{slug}-runs.xlsx", XLSX, "dl_xlsx"),
        ("Report (HTML)", lambda: _report(ss, run), f"{slug}-report.html", "text/html", "dl_html"),
    )
    for col, (label, data, file_name, mime, key) in zip(st.columns(4), buttons, strict=True):
        with col:
            st.download_button(label, data, file_name=file_name, mime=mime, key=key, on_click="ignore")


def _report(ss: Any, run: S.Run) -> str:
    sc = run.result.scenario
    sections = tab_run.sections(run)
    numbers = getattr(ss, "sweep_shown", None)
    if numbers and tuple(numbers) in ss.comparisons:
        cmp = ss.comparisons[tuple(numbers)]
        figure = charts().compare(cmp.ensembles, cmp.labels)
        sections.append(
            (
                "Comparison, paired by replication",
                [S.comparison_sentence(cmp)],
                S.comparison_rows(cmp),
                [figure],
            )
        )
    return report.page(sc.spec.name, sc.spec.question, sections, f"defsim explore; {run.setup.command()}")
