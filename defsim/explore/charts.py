"""Interactive charts of the explorer (Plotly), read like defsim's static plots.

- :func:`fan`: per site (or stockpile) and type, the median stock with its 25-75% and 5-95% bands
  over the replications (``fan.png``);
- :func:`p_dry`: P(a holder has run dry by day d) (``p_dry.png``);
- :func:`stock`: one run's exact stock per site and type, empty spans shaded, deliveries,
  big raids and decisions marked (``stock.png``);
- :func:`compare`: the median stock of several runs overlaid, one panel per series;
- :func:`tradeoff` and :func:`ranking`: a discovery's PRIM peeling trajectory (coverage against
  density, the chosen box marked) and its ranking of the uncertainties (``tradeoff.png``,
  ``ranking.png``).

Names come from the user's scenario: Plotly draws text as text (never as HTML it runs), and the
few places that read HTML markup (titles, hover) get names escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def lit(text: str) -> str:
    """A name shown literally where Plotly reads HTML-like markup (titles, labels, hover)."""
    return html.escape(str(text), quote=False)


def _x(days: np.ndarray, start: dt.datetime | None) -> Any:
    if start is None:
        return days
    return [start + dt.timedelta(days=float(d)) for d in days]


def _axis(start: dt.datetime | None) -> str:
    return "date" if start is not None else "day"


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, title: str, rows: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "font": {"size": 15}},
        height=max(300, 230 * rows + 80),
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.08},
        template="plotly_white",
    )
    return fig


def _series(result: Any) -> list[tuple[str, str, str]]:
    """(holder, kind, type) of every stock series, producers left out."""
    return [s for s in result.series if s[2] != "producer"]


def _band(
    fig: Any,
    xs: Any,
    top: Any,
    bottom: Any,
    fill: str,
    name: str,
    low: str,
    group: str,
    first: bool,
    row: int,
) -> None:
    """A shaded band between two step series: the top edge unseen, then the bottom filled up to it."""
    edge = {"width": 0, "shape": "hv"}
    fig.add_trace(
        go.Scatter(x=xs, y=top, line=edge, hoverinfo="skip", showlegend=False, legendgroup=group),
        row=row,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=bottom,
            fill="tonexty",
            fillcolor=fill,
            line=edge,
            name=name,
            hovertemplate=f"{low}: %{{y:.0f}}<extra></extra>",
            legendgroup=group,
            showlegend=first,
        ),
        row=row,
        col=1,
    )


def fan(result: Any) -> go.Figure:
    """Median stock with 25-75% and 5-95% bands, one panel per holder, a colour per type."""
    series = _series(result)
    holders = list(dict.fromkeys((h, k) for h, _, k in series))
    types = list(dict.fromkeys(t for _, t, _ in series))
    bands = result.bands()  # (percentile, series, grid)
    start = result.plan.start
    xs = _x(result.grid, start)
    fig = make_subplots(
        rows=len(holders),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[lit(h if k == "site" else f"{h} ({k})") for h, k in holders],
    )
    for s, (holder, itype, kind) in enumerate(result.series):
        if kind == "producer":
            continue
        row = holders.index((holder, kind)) + 1
        col = PALETTE[types.index(itype) % len(PALETTE)]
        name = lit(itype)
        first = row == 1 or (holder, kind) == holders[0]
        group = f"t{types.index(itype)}"
        b = bands[:, s, :]
        _band(fig, xs, b[4], b[0], _rgba(col, 0.15), f"{name}: 5-95% of runs", "5%", group, first, row)
        _band(fig, xs, b[3], b[1], _rgba(col, 0.35), f"{name}: 25-75%", "25%", group, first, row)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=b[2],
                line={"color": col, "width": 2, "shape": "hv"},
                name=f"{name}: median",
                legendgroup=group,
                showlegend=first,
                hovertemplate=f"{name} median: %{{y:.0f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title_text="rounds", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(title_text=_axis(start), row=len(holders), col=1)
    title = (
        f"{lit(result.plan.name)}: how much stock, with what spread? ({result.reps} runs, seed {result.seed})"
    )
    return _layout(fig, title, len(holders))


def p_dry(result: Any) -> go.Figure:
    """P(ran dry by day d): per site and stockpile, the share of runs that had run out of every type."""
    start = result.plan.start
    xs = _x(result.grid, start)
    fig = go.Figure()
    for k, (holder, p) in enumerate(result.p_dry().items()):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=p,
                name=lit(holder),
                line={"color": PALETTE[k % len(PALETTE)], "shape": "hv", "width": 2},
                hovertemplate=f"{lit(holder)}: %{{y:.0%}}<extra></extra>",
            )
        )
    fig.update_yaxes(title_text="P(ran dry by then)", range=[0, 1.02], tickformat=".0%")
    fig.update_xaxes(title_text=_axis(start))
    return _layout(fig, f"{lit(result.plan.name)}: P(ran dry by day d), {result.reps} runs", 1)


def _zero_spans(t: np.ndarray, level: np.ndarray, end: float) -> list[tuple[float, float]]:
    spans, begin = [], None
    for ti, li in zip(t.tolist(), level.tolist(), strict=True):
        if li <= 0 and begin is None:
            begin = ti
        elif li > 0 and begin is not None:
            spans.append((begin, ti))
            begin = None
    if begin is not None:
        spans.append((begin, end))
    return spans


def _stock_series(
    fig: Any, t: np.ndarray, level: np.ndarray, end: float, start: Any, col: str, name: str, row: int
) -> None:
    """One type's stock at one holder: the step line and its empty spans shaded."""
    fig.add_trace(
        go.Scatter(
            x=_x(t, start),
            y=level,
            name=name,
            legendgroup=name,
            showlegend=row == 1,
            line={"color": col, "shape": "hv", "width": 1.8},
            hovertemplate=f"{name}: %{{y:.0f}} rounds<extra></extra>",
        ),
        row=row,
        col=1,
    )
    for a, b in _zero_spans(t, level, end):
        x0, x1 = (_x(np.array([x]), start)[0] for x in (a, b))
        fig.add_vrect(x0=x0, x1=x1, fillcolor=_rgba(col, 0.10), line_width=0, row=row, col=1)


def _deliveries(
    fig: Any, mine: list[tuple[float, int]], t: Any, level: Any, start: Any, col: str, name: str, row: int
) -> None:
    """Deliveries of one type to one holder, on its stock line (hover: how many)."""
    dt_ = np.array([m[0] for m in mine])
    fig.add_trace(
        go.Scatter(
            x=_x(dt_, start),
            y=np.interp(dt_, t, level),
            mode="markers",
            name=f"{name} deliveries",
            marker={"symbol": "triangle-up", "size": 8, "color": col},
            legendgroup=name,
            showlegend=row == 1,
            customdata=np.array([m[1] for m in mine]),
            hovertemplate=f"delivery: %{{customdata}} {name}<extra></extra>",
        ),
        row=row,
        col=1,
    )


def _marks(fig: Any, result: Any, start: Any) -> None:
    """Big raids and decisions along the first panel's time axis (hover: what)."""
    from ..analysis.markers import RAID, run_markers

    marks = run_markers(result)
    if not marks:
        return
    mt = np.array([m.time for m in marks])
    kinds = ["raid" if m.kind == RAID else "decision" for m in marks]
    for kind, symbol, col in (("raid", "x", "#444444"), ("decision", "diamond", "#7f3fbf")):
        idx = [i for i, k in enumerate(kinds) if k == kind]
        if idx:
            trace = go.Scatter(
                x=_x(mt[idx], start),
                y=[0] * len(idx),
                mode="markers",
                name=f"{kind}s",
                marker={"symbol": symbol, "size": 10, "color": col},
                text=[lit(marks[i].label) for i in idx],
                hovertemplate="%{text}<extra></extra>",
            )
            fig.add_trace(trace, row=1, col=1)


def stock(result: Any) -> go.Figure:
    """One run's exact stock per holder and type: empty spans shaded; deliveries, big raids and
    decisions marked (hover for what and how many)."""
    plan = result.plan
    start, end = plan.start, plan.duration
    st = result.stock
    holders = [h for h in st.holders if st.kind(h) in ("site", "stockpile")]  # not producers, routes
    types = list(dict.fromkeys(t for h in holders for t in st.types(h)))
    fig = make_subplots(
        rows=len(holders),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[lit(h) for h in holders],
    )
    deliveries = [r for r in result.event_rows() if r[2] == "delivery"]
    for row, holder in enumerate(holders, start=1):
        for itype in st.types(holder):
            t, level = st.series(holder, itype)
            t = np.append(t, end)
            level = np.append(level, level[-1] if len(level) else 0)
            col, name = PALETTE[types.index(itype) % len(PALETTE)], lit(itype)
            _stock_series(fig, t, level, end, start, col, name, row)
            mine = [(r[0], r[7]) for r in deliveries if r[3] == holder and r[6] == itype]
            if mine:
                _deliveries(fig, mine, t, level, start, col, name, row)
        fig.update_yaxes(title_text="rounds", rangemode="tozero", row=row, col=1)
    _marks(fig, result, start)
    fig.update_xaxes(title_text=_axis(start), row=len(holders), col=1)
    return _layout(fig, f"{lit(plan.name)}: the stock of one run (seed {result.seed}), exact", len(holders))


def compare(results: Sequence[Any], labels: Sequence[str]) -> go.Figure:
    """The median stock of several ensembles overlaid, one panel per (holder, type)."""
    first = results[0]
    series = [s for s in first.series if s[2] != "producer"]
    start = first.plan.start
    fig = make_subplots(
        rows=len(series),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        subplot_titles=[lit(f"{h}: {t}") for h, t, _ in series],
    )
    for k, (res, label) in enumerate(zip(results, labels, strict=True)):
        bands = res.bands()
        col = PALETTE[k % len(PALETTE)]
        for row, s in enumerate(series, start=1):
            if s not in res.series:
                continue
            j = res.series.index(s)
            fig.add_trace(
                go.Scatter(
                    x=_x(res.grid, start),
                    y=bands[2, j, :],
                    name=lit(label),
                    legendgroup=str(k),
                    showlegend=row == 1,
                    line={"color": col, "shape": "hv", "width": 2},
                    hovertemplate=f"{lit(label)}: %{{y:.0f}}<extra></extra>",
                ),
                row=row,
                col=1,
            )
            fig.update_yaxes(title_text="median rounds", rangemode="tozero", row=row, col=1)
    fig.update_xaxes(title_text=_axis(start), row=len(series), col=1)
    return _layout(fig, "median stock of each run, same seeds", len(series))


def tradeoff(box: Any) -> go.Figure:
    """A PRIM box's peeling trajectory: coverage against density, each step a point, the chosen one marked."""
    t = box.trajectory
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[s["coverage"] for s in t],
            y=[s["density"] for s in t],
            mode="lines+markers",
            name="peeling steps",
            marker={
                "color": [s["mass"] for s in t],
                "colorscale": "Viridis",
                "showscale": True,
                "colorbar": {"title": "mass"},
            },
            line={"color": "#999999"},
        )
    )
    c = t[box.chosen]
    fig.add_trace(
        go.Scatter(
            x=[c["coverage"]],
            y=[c["density"]],
            mode="markers",
            name="the chosen box",
            marker={"size": 16, "symbol": "star", "color": PALETTE[1]},
        )
    )
    fig.update_layout(
        title="The box's trade-off: coverage against density",
        xaxis={"title": "coverage (share of the futures of interest in the box)", "range": [0, 1.05]},
        yaxis={"title": "density (share of the box that is of interest)", "range": [0, 1.05]},
        legend={"orientation": "h", "y": -0.25},  # clear of the mass colour bar
        height=460,
    )
    return fig


def ranking(result: Any) -> go.Figure:
    """The uncertainties ranked: the score of each (with its interval for Sobol indices)."""
    scores = list(reversed(result.ranking.scores))
    err = None
    if scores and all(s.low is not None for s in scores):
        err = {
            "type": "data",
            "symmetric": False,
            "array": [s.high - s.score for s in scores],
            "arrayminus": [s.score - s.low for s in scores],
        }
    fig = go.Figure(
        go.Bar(
            x=[s.score for s in scores],
            y=[lit(s.key) for s in scores],
            orientation="h",
            error_x=err,
            marker={"color": PALETTE[0]},
        )
    )
    fig.update_layout(
        title=lit(f"What matters most: {result.ranking.method}"),
        xaxis={"title": "score (0: no effect)"},
        height=160 + 40 * len(scores),
        margin={"l": 260},
    )
    return fig
