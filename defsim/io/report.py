"""A results folder as one self-contained HTML page to hand out (``defsim report``).

The page holds the scenario's name, description and provenance, the answers in words, the
headline table, every plot (PNG data URIs: no network access, one file), for comparisons the
variants side by side with their paired differences, the scenario YAML in a collapsible block,
and defsim's version, the seed and the command that reproduces it.  A print stylesheet keeps it
readable on A4 and Letter.  Every string from the user or a file goes through ``html.escape``.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..analysis.answers import count, days, difference, figure_label, money, percent, short_date, show
from ..analysis.metrics import Kind
from .as_run import AsRun
from .files import atomic_write_text, is_report
from .folder import ComparisonView, EnsembleView, RunView, View, answer_lines, read

CSS = """
:root { --ink: #1a1a1a; --soft: #555; --line: #d0d0d0; --warn: #a33a00; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid var(--line); }
.meta, .prov { color: var(--soft); } .answers li { margin: .3rem 0; }
.question { font-size: 1.1rem; margin: .6rem 0 .2rem; } ul.answers:first-of-type { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: right;
         vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
td.diff { color: var(--soft); font-size: .9em; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--soft); font-size: .9em; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .8rem; }
code { font-size: .9em; }
@page { margin: 14mm; }  /* fits A4 (210 x 297 mm) and Letter (216 x 279 mm) */
@media print {
  body { font-size: 10.5pt; max-width: none; margin: 0; padding: 0; }
  /* a heading stays with what follows; a figure, a short table, an answer never split */
  h1, h2 { break-after: avoid; } figure, li, tr { break-inside: avoid; }
  table { break-inside: auto; } thead { display: table-header-group; }  /* long tables repeat heads */
  /* a tall figure (many routes or sites) is scaled to fit one page of A4 or Letter */
  figure img { max-height: 225mm; width: auto; max-width: 100%; border: 0; }
  figcaption { break-before: avoid; }
  /* greyscale printers: rules and captions dark enough to see, no tinted backgrounds */
  :root { --soft: #333; --line: #888; } pre { background: none; border: 1px solid var(--line); }
  details > pre { white-space: pre-wrap; } details { display: block; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def plain(meaning: str) -> str:
    """A figure's meaning without the registry's notes on nulls (a reader sees 'never')."""
    return figure_label(meaning)


def _png(fig: Any, dpi: int = 100) -> str:
    if isinstance(fig, Path):  # the folder's own file: the same picture, already drawn
        data = fig.read_bytes()
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        data = buf.getvalue()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _drawn(view: View, name: str, draw: Callable[[], Any]) -> Any:
    """The folder's ``name``.png when it has one (drawn from the same files: drawing it again
    would double the time a report takes), else the figure drawn now (None: nothing to draw)."""
    png = view.folder / f"{name}.png"
    return png if png.is_file() else draw()


def _figure(fig: Any, caption: str) -> str:
    if fig is None:
        return ""
    return f'<figure><img alt="{e(caption)}" src="{_png(fig)}"><figcaption>{e(caption)}</figcaption></figure>'


def _table(head: list[str], rows: list[list[str]], cls: list[str] | None = None) -> str:
    out = ["<table><thead><tr>", *(f"<th>{e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return "".join(out) + "</tbody></table>"


# --- values by kind -----------------------------------------------------------------------


#: the plan of a folder's scenario as run (None if it cannot be built): the registry names figures
#: by it.  Given by the caller: building a plan needs the schema, which the io layer does not import.
PlanOf = Callable[[AsRun], Any]


def _no_plan(as_run: AsRun) -> Any:
    return None


def _plan(view: EnsembleView | ComparisonView, plan_of: PlanOf) -> Any:
    """The plan the results ran: known in memory, built by ``plan_of`` for a folder."""
    return view.as_run.plan if view.as_run.plan is not None else plan_of(view.as_run)


# --- sections -----------------------------------------------------------------------------


def _run_table(v: RunView) -> str:
    s, start = v.summary, v.start
    threats = [
        [
            e(name),
            count(t["arrived"]),
            count(t["killed"]),
            count(t["leaked"]),
            count(t["leaked_by_reason"]["no_stock"]),
        ]
        for name, t in s["threats"].items()
    ]
    tot = s["totals"]
    threats.append(
        [
            "<b>all</b>",
            count(tot["arrived"]),
            count(tot["killed"]),
            count(tot["leaked"]),
            count(tot["leaked_by_reason"].get("no_stock", 0)),
        ]
    )
    out = _table(["threat", "arrived", "killed", "leaked", "of which: no rounds left"], threats)
    sites = []
    for name, entry in s["sites"].items():
        for itype, t in entry["by_interceptor"].items():
            sites.append(
                [
                    e(f"{name}: {itype}"),
                    count(t["shots"]),
                    count(t["final_stock"]),
                    e(short_date(t["first_stockout_day"], start)),
                    f"{t['days_empty']:,.1f}",
                ]
            )
        if len(entry["by_interceptor"]) > 1:
            sites.append(
                [
                    e(f"{name}: no rounds of any type"),
                    count(entry["shots"]),
                    count(entry["final_stock"]),
                    e(short_date(entry["first_stockout_day"], start)),
                    f"{entry['days_empty']:,.1f}",
                ]
            )
    out += _table(["site: interceptor", "fired", "left at the end", "first out", "days empty"], sites)
    c = s["cost"]
    ratio = "-" if c["cost_exchange_ratio"] is None else f"{c['cost_exchange_ratio']:.2f}"
    out += _table(
        ["cost", f"({e(v.currency)})"],
        [
            ["interceptors fired", e(money(c["interceptor_cost_spent"], v.currency))],
            ["threats killed", e(money(c["threat_cost_defeated"], v.currency))],
            ["cost-exchange ratio", ratio],
        ],
    )
    return out


def _ensemble_table(v: EnsembleView, plan_of: PlanOf) -> str:
    from ..analysis.figures import REGISTRY

    plan = _plan(v, plan_of)
    figures = REGISTRY.headline(plan) if plan is not None else []
    stats = v.summary.get("figures", {})
    rows = []
    for fig in figures:
        st = stats.get(fig.key)
        if st is None:
            continue
        if fig.kind is Kind.DAY:
            rows.append(
                [
                    e(plain(fig.meaning)),
                    f"in {percent(st['p_happened'])} of runs",
                    e(show(fig.kind, st["median"], v.start)),
                    e(f"{show(fig.kind, st['p5'], v.start)} to {show(fig.kind, st['p95'], v.start)}"),
                ]
            )
        else:
            ci = st.get("ci95") or [None, None]
            rows.append(
                [
                    e(plain(fig.meaning)),
                    e(show(fig.kind, st["mean"], v.start, v.currency))
                    + f' <span class="meta">[{e(show(fig.kind, ci[0], v.start, v.currency))}, '
                    f"{e(show(fig.kind, ci[1], v.start, v.currency))}]</span>",
                    e(show(fig.kind, st["median"], v.start, v.currency)),
                    e(
                        f"{show(fig.kind, st['p5'], v.start, v.currency)} to "
                        f"{show(fig.kind, st['p95'], v.start, v.currency)}"
                    ),
                ]
            )
    return _table(["figure", "mean [95% interval]", "median", "5th to 95th percentile"], rows)


def _comparison_table(c: ComparisonView, plan_of: PlanOf) -> str:
    from ..analysis.figures import REGISTRY
    from .plots_ensemble import differences

    labels = [v.label for v in c.variants]
    rows_in = c.summary.get("table", [])
    plan = _plan(c, plan_of)
    kinds = {f.key: f for f in REGISTRY.catalogue(plan).values()} if plan is not None else {}
    start = c.variants[0].start if c.variants else None
    keys = list(dict.fromkeys(r["figure"] for r in rows_in))
    rows = []
    for key in keys:
        base = key.removesuffix(".p_happened").removesuffix(".median")
        fig = kinds.get(base)
        kind = fig.kind if fig is not None else Kind.RATIO
        name = plain(fig.meaning) if fig is not None else key
        if key.endswith(".p_happened"):
            name += " (share of runs)"
        cells = [e(name)]
        for label in labels:
            r = next((x for x in rows_in if x["figure"] == key and x["variant"] == label), None)
            if r is None:
                cells.append("-")
                continue
            if key.endswith(".p_happened"):
                cell = percent(r["mean"]) if r["mean"] is not None else "-"
            elif key.endswith(".median"):
                cell = e(show(Kind.DAY, r["median"], start))
            else:
                unit = fig.unit if fig is not None else ""
                cell = e(show(kind, r["mean"], start, c.currency, unit))
                if r["ci95_low"] is not None:
                    lo = e(show(kind, r["ci95_low"], start, c.currency, unit))
                    hi = e(show(kind, r["ci95_high"], start, c.currency, unit))
                    cell += f' <span class="meta">[{lo}, {hi}]</span>'
            if r.get("diff_vs_first") is not None:
                dkind = Kind.SHARE if key.endswith(".p_happened") else kind
                unit = fig.unit if fig is not None else ""
                d = difference(
                    dkind, r["diff_vs_first"], r["diff_ci95_low"], r["diff_ci95_high"], c.currency, unit
                )
                cell += f'<br><span class="meta">{e(d)}</span>'

            cells.append(cell)
        rows.append(cells)
    out = _table(["figure", *labels], rows)
    if len(c.variants) > 1:
        diff_rows = []
        for key, label, diffs in differences(c):
            unit = " days" if key.endswith("days_empty") else ""
            diff_rows.append(
                [e(label), *("-" if d is None else f"{d[0]:+,.1f}{unit} ± {d[1]:,.1f}" for d in diffs)]
            )
        out += "<p>Each variant minus the first, paired by replication (mean ± 95% half-width):</p>"
        out += _table(["figure", *(f"{lab} − {labels[0]}" for lab in labels[1:])], diff_rows)
    return out


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


def comparison_lines(c: ComparisonView, plan_of: PlanOf = _no_plan) -> list[str]:
    """What each later variant did, in words with intervals, as compare.json holds it (computed
    from the variants' files for a folder written before compare.json carried it)."""
    saved = c.summary.get("answer")
    if isinstance(saved, dict) and isinstance(saved.get("lines"), list):
        return [str(x) for x in saved["lines"]]
    plan = _plan(c, plan_of)
    if plan is None or len(c.variants) < 2:
        return []
    from ..analysis.effects import comparison_answers
    from ..analysis.figures import REGISTRY

    first, rest = c.variants[0], c.variants[1:]
    columns = [k for k in first.columns if all(k in v.columns for v in rest)]
    return comparison_answers(
        c.meta.get("question", ""),
        [v.label for v in c.variants],
        REGISTRY.catalogue(plan),
        lambda k, key: c.variants[k].figure(key),
        columns,
        c.currency,
    ).lines


#: curves that differ by less than this (a share of runs, or of a series' largest stock) coincide
COINCIDE = 0.005


def _spread(curves: list[np.ndarray]) -> float:
    first = curves[0]
    return max((float(np.nanmax(np.abs(x - first))) if x.size else 0.0 for x in curves[1:]), default=0.0)


def coinciding(c: ComparisonView) -> dict[str, bool]:
    """Per overlay figure (``p_dry``, ``p_empty``, ``stock``): whether every variant's curves
    coincide with the first's on every panel (then the report says so instead of drawing it)."""
    from ..analysis.answers import type_key

    first = c.variants[0]
    keys = [(h, k, i) for h, k, i in first.series if k != "producer"]
    p_dry = p_empty = stock = 0.0
    for h, k, i in keys:
        p_dry = max(p_dry, _spread([v.p_dry(type_key(h, k, i)) for v in c.variants]))
        idx = [v.series.index((h, k, i)) if (h, k, i) in v.series else None for v in c.variants]
        if any(j is None for j in idx) or any(len(v.grid) != len(first.grid) for v in c.variants):
            return {"p_dry": False, "p_empty": False, "stock": False}
        p_empty = max(p_empty, _spread([v.p_empty[j] for v, j in zip(c.variants, idx, strict=True)]))
        medians = [v.bands[2, j] for v, j in zip(c.variants, idx, strict=True)]
        top = max(float(np.nanmax(m)) if m.size else 0.0 for m in medians)
        stock = max(stock, _spread(medians) / top if top > 0 else 0.0)
    return {"p_dry": p_dry < COINCIDE, "p_empty": p_empty < COINCIDE, "stock": stock < COINCIDE}


def _comparison_plots(view: ComparisonView) -> list[str]:
    from .plots_ensemble import plot_compare_diff, plot_compare_p_dry, plot_compare_stock

    same = coinciding(view) if len(view.variants) > 1 else {}
    out = []
    if len(view.variants) > 1:
        out.append(
            _figure(
                _drawn(view, "diff_compare", lambda: plot_compare_diff(view)),
                "Each variant minus the first, paired by replication, with 95% intervals.",
            )
        )
    overlays = (
        (
            "p_empty",
            lambda: _drawn(view, "p_empty_compare", lambda: plot_compare_p_dry(view, empty=True)),
            "Share of runs holding none of each type on each day, per variant.",
            "holding none of a type on a day",
        ),
        (
            "p_dry",
            lambda: _drawn(view, "p_dry_compare", lambda: plot_compare_p_dry(view)),
            "Share of runs in which each type has run out by each day, per variant.",
            "having run out of a type by a day",
        ),
        (
            "stock",
            lambda: _drawn(view, "stock_compare", lambda: plot_compare_stock(view)),
            "Median stock per variant.",
            "median stock",
        ),
    )
    for name, draw, caption, what in overlays:
        if same.get(name):
            out.append(
                f'<p class="meta">Not drawn: the variants coincide in {e(what)} on every panel '
                f"(within {100 * COINCIDE:g}%).</p>"
            )
        else:
            out.append(_figure(draw(), caption))
    return out


def render(view: View, command: str = "", plan_of: PlanOf = _no_plan) -> str:
    """The HTML page of a results folder's view: the scenario's question and the answer first."""
    from .plots import plot_deliveries, plot_stock, plot_threats
    from .plots_ensemble import plot_fan, plot_p_dry

    meta = view.meta
    name = meta.get("name") or view.name
    parts = [f"<h1>{e(name)}</h1>"]
    per_variant: list[str] = []
    if isinstance(view, RunView):
        kind = f"one run, seed {view.seed}, {days(view.duration)}"
        lines = answer_lines(view)
        table = _run_table(view)
        sites = view.holders("site")
        others = [h for h, k in view.kinds.items() if k in ("stockpile", "producer")]
        plots = [
            _figure(
                _drawn(
                    view,
                    "stock",
                    lambda: plot_stock(view, sites, "how many rounds does each site hold, per type?"),
                ),
                "Stock at each site per interceptor type; shaded: none of that type left.",
            ),
            _figure(
                _drawn(view, "threats", lambda: plot_threats(view)),
                "Threats per day: killed, leaked for lack of rounds, leaked otherwise.",
            ),
            _figure(
                _drawn(
                    view,
                    "supply",
                    lambda: (
                        plot_stock(view, others, "what do the stockpiles and producers hold?")
                        if others
                        else None
                    ),
                ),
                "Stock of the stockpiles and producers per type.",
            ),
            _figure(
                _drawn(view, "deliveries", lambda: plot_deliveries(view)),
                "Deliveries per route (dot size: rounds).",
            ),
        ]
    elif isinstance(view, EnsembleView):
        kind = f"an ensemble of {view.reps} replications, seed {view.seed}"
        lines = answer_lines(view)
        table = _ensemble_table(view, plan_of)
        plots = [
            _figure(
                _drawn(view, "fan", lambda: plot_fan(view)),
                "Stock per site and type: median, 25-75% and 5-95% of runs.",
            ),
            _figure(
                _drawn(view, "p_dry", lambda: plot_p_dry(view)),
                "Share of runs in which each type has run out by each day.",
            ),
        ]
    else:
        first = view.variants[0]
        kind = (
            f"{len(view.variants)} variants, {first.reps} replications each, seed {first.seed}, same seeds; "
            f"differences are paired by replication, with 95% intervals"
        )
        lines = comparison_lines(view, plan_of)
        for v in view.variants:
            per_variant += [f"[{v.label}] {line}" for line in answer_lines(v)]
        table = _comparison_table(view, plan_of)
        plots = _comparison_plots(view)
    if meta.get("question"):
        parts.append(f'<p class="question"><b>Question:</b> {e(meta["question"])}</p>')
    parts.append('<ul class="answers">' + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>")
    parts.append(f'<p class="meta">{e(kind)}</p>')
    if meta.get("description"):
        parts.append(f"<p>{e(meta['description'])}</p>")
    if meta.get("provenance"):
        parts.append(f'<p class="prov"><b>Provenance:</b> {e(meta["provenance"])}</p>')
    if per_variant:
        parts.append(
            '<h2>Each variant</h2><ul class="answers">'
            + "".join(f"<li>{e(x)}</li>" for x in per_variant)
            + "</ul>"
        )
    parts.append(f"<h2>Headline figures</h2>{table}")
    parts.append("<h2>Plots</h2>" + "".join(p for p in plots if p))
    yaml_text = view.scenario_yaml
    if yaml_text:
        parts.append(
            "<h2>Scenario</h2><details><summary>scenario.yaml (as run)</summary>"
            f"<pre>{e(yaml_text)}</pre></details>"
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
    folder: str | Path, path: str | Path | None = None, command: str = "", plan_of: PlanOf = _no_plan
) -> Path:
    """report.html of a results folder (or ``path``); the path written."""
    target = Path(path) if path is not None else Path(folder) / "report.html"
    view = read(folder)
    # a report replaces only a report defsim wrote: never the scenario or a file the report reads
    advice = "it is not a report defsim wrote; choose another -o"
    atomic_write_text(target, render(view, command, plan_of), is_report, advice)
    return target
