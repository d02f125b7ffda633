"""The comparison part of a report: the variants side by side with their paired differences, the
answer in words, and the overlay plots (left out, with a note, where every variant coincides).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..analysis.answers import difference, percent, show
from ..analysis.metrics import Figure, Kind
from ..analysis.summary_figures import TableRow, comparison_rows
from ..analysis.views import ComparisonView
from .report_html import PlanOf, captioned_plot, drawn, e, no_plan, plain, plan_ran, table


def _cell(r: TableRow, fig: Figure | None, start: Any, currency: str) -> str:
    """One variant's figure: its mean with the interval (a share, a median day), and its
    difference from the first variant's."""
    kind = fig.kind if fig is not None else Kind.RATIO
    unit = fig.unit if fig is not None else ""
    share = r.figure.endswith(".p_happened")
    if share:
        cell = percent(r.mean) if r.mean is not None else "-"
    elif r.figure.endswith(".median"):
        cell = e(show(Kind.DAY, r.median, start))
    else:
        cell = e(show(kind, r.mean, start, currency, unit))
        lo, hi = r.ci95
        if lo is not None:
            cell += f' <span class="meta">[{e(show(kind, lo, start, currency, unit))}, '
            cell += f"{e(show(kind, hi, start, currency, unit))}]</span>"
    if r.diff is not None:
        d = difference(Kind.SHARE if share else kind, *r.diff, currency, unit)
        cell += f'<br><span class="meta">{e(d)}</span>'
    return cell


def _differences(c: ComparisonView, labels: list[str]) -> str:
    from .plots_ensemble import differences

    rows = []
    for key, label, diffs in differences(c):
        unit = " days" if key.endswith("days_empty") else ""
        rows.append([e(label), *("-" if d is None else f"{d[0]:+,.1f}{unit} ± {d[1]:,.1f}" for d in diffs)])
    return "<p>Each variant minus the first, paired by replication (mean ± 95% half-width):</p>" + table(
        ["figure", *(f"{lab} − {labels[0]}" for lab in labels[1:])], rows
    )


def comparison_table(c: ComparisonView, plan_of: PlanOf) -> str:
    from ..analysis.figures import REGISTRY

    labels = [v.label for v in c.variants]
    rows_in = comparison_rows(c.summary)
    plan = plan_ran(c, plan_of)
    kinds = {f.key: f for f in REGISTRY.catalogue(plan).values()} if plan is not None else {}
    start = c.variants[0].start if c.variants else None
    rows = []
    for key in dict.fromkeys(r.figure for r in rows_in):
        fig = kinds.get(key.removesuffix(".p_happened").removesuffix(".median"))
        name = plain(fig.meaning) if fig is not None else key
        cells = [e(name + (" (share of runs)" if key.endswith(".p_happened") else ""))]
        for label in labels:
            r = next((x for x in rows_in if x.figure == key and x.variant == label), None)
            cells.append("-" if r is None else _cell(r, fig, start, c.currency))
        rows.append(cells)
    out = table(["figure", *labels], rows)
    return out + (_differences(c, labels) if len(c.variants) > 1 else "")


def comparison_lines(c: ComparisonView, plan_of: PlanOf = no_plan) -> list[str]:
    """What each later variant did, in words with intervals, as compare.json holds it (computed
    from the variants' files for a folder written before compare.json carried it)."""
    saved = c.summary.get("answer")
    if isinstance(saved, dict) and isinstance(saved.get("lines"), list):
        return [str(x) for x in saved["lines"]]
    plan = plan_ran(c, plan_of)
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


def comparison_plots(view: ComparisonView) -> list[str]:
    from .plots_ensemble import plot_compare_diff, plot_compare_p_dry, plot_compare_stock

    same = coinciding(view) if len(view.variants) > 1 else {}
    out = []
    if len(view.variants) > 1:
        out.append(
            captioned_plot(
                drawn(view, "diff_compare", lambda: plot_compare_diff(view)),
                "Each variant minus the first, paired by replication, with 95% intervals.",
            )
        )
    overlays = (
        (
            "p_empty",
            lambda: drawn(view, "p_empty_compare", lambda: plot_compare_p_dry(view, empty=True)),
            "Share of runs holding none of each type on each day, per variant.",
            "holding none of a type on a day",
        ),
        (
            "p_dry",
            lambda: drawn(view, "p_dry_compare", lambda: plot_compare_p_dry(view)),
            "Share of runs in which each type has run out by each day, per variant.",
            "having run out of a type by a day",
        ),
        (
            "stock",
            lambda: drawn(view, "stock_compare", lambda: plot_compare_stock(view)),
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
            out.append(captioned_plot(draw(), caption))
    return out
