"""A results folder as one self-contained HTML page to hand out (``defsim report``).

The page holds the scenario's name, description and provenance, the answers in words, the
headline table, every plot (PNG data URIs: no network access, one file), for comparisons the
variants side by side with their paired differences, the scenario YAML in a collapsible block,
and defsim's version, the seed and the command that reproduces it.  A print stylesheet keeps it
readable on A4 and Letter.  Every string from the user or a file goes through ``html.escape``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._version import __version__
from ..analysis.answers import count, days, money, percent, short_date, show
from ..analysis.metrics import Kind
from ..analysis.summary_figures import RunFigures, Stock, figure_stats
from ..analysis.views import ComparisonView, EnsembleView, RunView, View, answer_lines
from .files import atomic_write_text
from .folder import read
from .report_compare import comparison_lines, comparison_plots, comparison_table
from .report_html import CSS, PlanOf, captioned_plot, drawn, e, is_report, no_plan, plain, plan_ran, table

__all__ = ["CSS", "comparison_lines", "render", "write_report"]


def _stock_row(label: str, s: Stock, start: Any) -> list[str]:
    return [
        e(label),
        count(s.shots),
        count(s.final_stock),
        e(short_date(s.first_stockout_day, start)),
        f"{s.days_empty:,.1f}",
    ]


def _run_table(v: RunView) -> str:
    run = RunFigures(v.summary)
    tallies = [*((e(name), t) for name, t in run.threats.items()), ("<b>all</b>", run.totals)]
    threats = [[name, *map(count, (t.arrived, t.killed, t.leaked, t.no_stock))] for name, t in tallies]
    out = table(["threat", "arrived", "killed", "leaked", "of which: no rounds left"], threats)
    sites = []
    for h in (h for h in run.holders() if h.kind == "site"):
        sites += [_stock_row(f"{h.name}: {itype}", s, v.start) for itype, s in h.types.items()]
        if len(h.types) > 1:
            sites.append(_stock_row(f"{h.name}: no rounds of any type", h.every, v.start))
    out += table(["site: interceptor", "fired", "left at the end", "first out", "days empty"], sites)
    spent, defeated, ratio = run.cost
    out += table(
        ["cost", f"({e(v.currency)})"],
        [
            ["interceptors fired", e(money(spent, v.currency))],
            ["threats killed", e(money(defeated, v.currency))],
            ["cost-exchange ratio", "-" if ratio is None else f"{ratio:.2f}"],
        ],
    )
    return out


def _ensemble_table(v: EnsembleView, plan_of: PlanOf) -> str:
    from ..analysis.figures import REGISTRY

    plan = plan_ran(v, plan_of)
    stats = figure_stats(v.summary)
    rows = []
    for fig in REGISTRY.headline(plan) if plan is not None else []:
        st = stats.get(fig.key)
        if st is None:
            continue

        def say(x: float | None, kind: Kind = fig.kind) -> str:
            return show(kind, x, v.start, v.currency)

        spread = e(f"{say(st.p5)} to {say(st.p95)}")
        if fig.kind is Kind.DAY:
            rows.append(
                [
                    e(plain(fig.meaning)),
                    f"in {percent(st.p_happened or 0.0)} of runs",
                    e(say(st.median)),
                    spread,
                ]
            )
        else:
            lo, hi = st.ci95
            mean = e(say(st.mean)) + f' <span class="meta">[{e(say(lo))}, {e(say(hi))}]</span>'
            rows.append([e(plain(fig.meaning)), mean, e(say(st.median)), spread])
    return table(["figure", "mean [95% interval]", "median", "5th to 95th percentile"], rows)


def _reproduce(view: View, command: str) -> str:
    if isinstance(view, ComparisonView):
        first = view.variants[0] if view.variants else None
        seed = first.seed if first else "-"
        reps = first.reps if first else "-"
        default = f"defsim compare <scenario files> --reps {reps} --seed {seed}"
    elif isinstance(view, EnsembleView):
        seed, reps = view.seed, view.reps
        default = f"defsim run scenario.yaml --reps {reps} --seed {seed}"
    else:
        seed, reps = view.seed, 1
        default = f"defsim run scenario.yaml --seed {seed}"
    cmd = command or default
    return (
        f"<p>defsim {e(__version__)}; seed {e(seed)}; {e(reps)} replication(s). Reproduce with "
        f"(scenario.yaml is in the results folder):</p><pre><code>{e(cmd)}</code></pre>"
    )


#: the captions of the plots a report shows, in the order it shows them
CAPTIONS = {
    "stock": "Stock at each site per interceptor type; shaded: none of that type left.",
    "threats": "Threats per day: killed, leaked for lack of rounds, leaked otherwise.",
    "supply": "Stock of the stockpiles and producers per type.",
    "deliveries": "Deliveries per route (dot size: rounds).",
    "fan": "Stock per site and type: median, 25-75% and 5-95% of runs.",
    "p_dry": "Share of runs in which each type has run out by each day.",
}


def _plots(view: RunView | EnsembleView) -> list[str]:
    """The folder's plots (drawn now where the folder has none), in the order of CAPTIONS."""
    from .plots import run_plots
    from .plots_ensemble import ensemble_plots

    draws = dict(run_plots(view) if isinstance(view, RunView) else ensemble_plots(view))
    return [
        captioned_plot(drawn(view, name, draws[name]), text)
        for name, text in CAPTIONS.items()
        if name in draws
    ]


def _sections(view: View, plan_of: PlanOf) -> tuple[str, list[str], str, list[str], list[str]]:
    """What the page says of ``view``: what it is, the answers, the table, the plots, and per
    variant of a comparison its own answers."""
    if isinstance(view, RunView):
        kind = f"one run, seed {view.seed}, {days(view.duration)}"
        return kind, answer_lines(view), _run_table(view), _plots(view), []
    if isinstance(view, EnsembleView):
        kind = f"an ensemble of {view.reps} replications, seed {view.seed}"
        return kind, answer_lines(view), _ensemble_table(view, plan_of), _plots(view), []
    first = view.variants[0]
    kind = (
        f"{len(view.variants)} variants, {first.reps} replications each, seed {first.seed}, same seeds; "
        f"differences are paired by replication, with 95% intervals"
    )
    per_variant = [f"[{v.label}] {line}" for v in view.variants for line in answer_lines(v)]
    lines = comparison_lines(view, plan_of)
    return kind, lines, comparison_table(view, plan_of), comparison_plots(view), per_variant


def _items(items: list[str]) -> str:
    return '<ul class="answers">' + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>"


def render(view: View, command: str = "", plan_of: PlanOf = no_plan) -> str:
    """The HTML page of a results folder's view: the scenario's question and the answer first."""
    kind, lines, headline, plots, per_variant = _sections(view, plan_of)
    meta = view.meta
    name = meta.get("name") or view.name
    parts = [f"<h1>{e(name)}</h1>"]
    if meta.get("question"):
        parts.append(f'<p class="question"><b>Question:</b> {e(meta["question"])}</p>')
    parts.append(_items(lines))
    parts.append(f'<p class="meta">{e(kind)}</p>')
    if meta.get("description"):
        parts.append(f"<p>{e(meta['description'])}</p>")
    if meta.get("provenance"):
        parts.append(f'<p class="prov"><b>Provenance:</b> {e(meta["provenance"])}</p>')
    if per_variant:
        parts.append("<h2>Each variant</h2>" + _items(per_variant))
    parts.append(f"<h2>Headline figures</h2>{headline}")
    parts.append("<h2>Plots</h2>" + "".join(p for p in plots if p))
    if view.scenario_yaml:
        parts.append(
            "<h2>Scenario</h2><details><summary>scenario.yaml (as run)</summary>"
            f"<pre>{e(view.scenario_yaml)}</pre></details>"
        )
    parts.append("<h2>Reproduce</h2>" + _reproduce(view, command))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(name)} — defsim report</title><style>{CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )


def write_report(
    folder: str | Path,
    path: str | Path | None = None,
    command: str = "",
    plan_of: PlanOf = no_plan,
    view: Any = None,
) -> Path:
    """report.html of a results folder (or ``path``); the path written.  ``view``: the folder as
    just read by whoever wrote it (its plots are looked up on disk when the report is made)."""
    target = Path(path) if path is not None else Path(folder) / "report.html"
    if view is None:
        view = read(folder)
    # a report replaces only a report defsim wrote: never the scenario or a file the report reads
    advice = "it is not a report defsim wrote; choose another -o"
    atomic_write_text(target, render(view, command, plan_of), is_report, advice)
    return target
