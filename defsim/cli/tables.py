"""Tables the CLI prints: a run's summary, an ensemble's figures, a comparison (rich)."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from ..analysis.figures import REGISTRY, row
from ..analysis.metrics import Kind
from ..engine.records import REASONS

#: what the run table shows: figure keys under ``threats.<threat>.`` / ``totals.``, ``sites.<site>.``
THREAT_COLUMNS = ("arrived", "engaged", "killed", "leaked", *(f"leaked_by_reason.{r}" for r in REASONS))
SITE_COLUMNS = ("shots", "final_stock", "first_stockout_day", "days_empty")
COST_FIGURES = (
    ("cost.interceptor_cost_spent", "interceptors spent"),
    ("cost.threat_cost_defeated", "threats defeated"),
    ("cost.cost_exchange_ratio", "cost-exchange ratio"),
)


def plain(value: object) -> str:
    """A user's string as it may reach a terminal: no control characters (escape sequences could
    recolour or rewrite the screen); the consoles below print it literally (markup off)."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 120, markup=False, highlight=False)


def _header(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ")


def print_summary(result: Any) -> None:
    """A run's figures, read by key and shown by kind (see :mod:`defsim.analysis.figures`)."""
    s = result.summary
    values = row(result)
    known = REGISTRY.catalogue(result.plan)

    def cell(key: str) -> str:
        fig = known[key]
        v = values.get(key)
        if fig.kind is Kind.DAY and v is not None and v == v and result.plan.start is not None:
            return result.date(v)
        return fig.kind.show(v)

    console = _console()
    t = Table(
        title=plain(f"{s['scenario']} (seed {s['seed']}, {s['duration_days']:g} days)"), title_justify="left"
    )
    t.add_column("threat", justify="left", no_wrap=True)
    columns = [c for c in THREAT_COLUMNS if f"totals.{c}" in known]  # rationed: with rationing rules
    for col in columns:
        t.add_column(_header(col), justify="right", no_wrap=True, min_width=len(_header(col)))
    for name in result.plan.threats:
        t.add_row(plain(name), *(cell(f"threats.{name}.{c}") for c in columns))
    t.add_row("all", *(cell(f"totals.{c}") for c in columns), style="bold")
    console.print(t)
    t = Table(title="sites", title_justify="left")
    t.add_column("site", justify="left", no_wrap=True)
    for col in SITE_COLUMNS:
        t.add_column(_header(col), justify="right", no_wrap=True, min_width=len(_header(col)))
    for name in result.plan.site_names:
        t.add_row(plain(name), *(cell(f"sites.{name}.{c}") for c in SITE_COLUMNS))
    console.print(t)
    if result.plan.assets:
        print_layers(result, console, cell)
    console.print("   ".join(f"{label}: {cell(key)}" for key, label in COST_FIGURES))


def print_layers(result: Any, console: Console, cell: Any) -> None:
    """Per asset: each layer's sites, threats met, killed and passed on (by reason), then damage."""
    plan = result.plan
    reasons = [r for r in REASONS if f"totals.leaked_by_reason.{r}" in REGISTRY.catalogue(plan)]
    t = Table(title="layers (1: the upper tier)", title_justify="left")
    for col in ("asset", "layer", "sites", "met", "killed", "passed", *reasons):
        t.add_column(col.replace("_", " "), justify="left" if col in ("asset", "sites") else "right")
    for a in plan.assets:
        for n in a.layer_numbers:
            k = f"assets.{a.name}.layers.{n}"
            sites = ", ".join(plan.sites[i].name for i in a.layers[a.layer_numbers.index(n)])
            t.add_row(
                plain(a.name),
                str(n),
                plain(sites),
                cell(f"{k}.met"),
                cell(f"{k}.killed"),
                cell(f"{k}.passed"),
                *(cell(f"{k}.passed_by_reason.{r}") for r in reasons),
            )
    console.print(t)
    t = Table(title="damage (value units)", title_justify="left")
    for col in ("asset", "value", "leaked", *plan.threats, "damage", "value protected"):
        t.add_column(plain(col), justify="left" if col == "asset" else "right")
    for a in plan.assets:
        k = f"assets.{a.name}"
        t.add_row(
            plain(a.name),
            f"{a.value:,.6g}",
            cell(f"{k}.leaked"),
            *(cell(f"{k}.damage_by_threat.{th}") for th in plan.threats),
            cell(f"{k}.damage"),
            cell(f"{k}.value_protected"),
            style=None,
        )
    console.print(t)


def _fmt(v: float | None, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}g}"


def print_ensemble(ens: Any) -> None:
    console = _console()
    t = Table(
        title=plain(f"{ens.plan.name}: {ens.reps} replications (seed {ens.seed})"), title_justify="left"
    )
    t.add_column("figure", overflow="fold")  # the figure's name wraps; numbers never do
    for col in ("mean", "95% interval", "median", "5th .. 95th pct"):
        t.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for line in ens.headline():
        stats = line.stats
        ci = stats.get("ci95") or [None, None]
        if "mean" not in stats:  # the median of a day that may never come
            t.add_row(
                plain(line.key), "", "", "never" if stats["median"] is None else _fmt(stats["median"]), ""
            )
        elif "p5" not in stats:  # the share of replications in which it came
            t.add_row(
                plain(line.key), _fmt(stats["mean"], 3), f"{_fmt(ci[0], 3)} .. {_fmt(ci[1], 3)}", "", ""
            )
        else:
            t.add_row(
                plain(line.key),
                _fmt(stats["mean"]),
                f"{_fmt(ci[0])} .. {_fmt(ci[1])}",
                _fmt(stats["median"]),
                f"{_fmt(stats['p5'])} .. {_fmt(stats['p95'])}",
            )
    console.print(t)


def print_comparison(result: Any) -> None:
    console = Console(width=None if sys.stdout.isatty() else 160, markup=False, highlight=False)
    rows = result.table()
    figures = list(dict.fromkeys(r["figure"] for r in rows))
    variants = [e.label for e in result.ensembles]
    first = result.ensembles[0]
    t = Table(
        title=plain(f"{first.plan.name}: {first.reps} replications per variant, same seeds ")
        + "(mean [95% interval]; Δ: difference from the first, paired by replication; stockout: median day)",
        title_justify="left",
    )
    t.add_column("figure", overflow="fold")
    for v in variants:
        t.add_column(plain(v), justify="right", overflow="fold")
    for f in figures:
        cells = []
        for v in variants:
            r = next((x for x in rows if x["figure"] == f and x["variant"] == v), None)
            if r is None:
                cells.append("-")
            elif r["mean"] is None:
                cells.append("never" if r["median"] is None else _fmt(r["median"]))
            elif r["ci95_low"] is None:
                cells.append(_fmt(r["mean"]))
            else:
                cell = f"{_fmt(r['mean'])} [{_fmt(r['ci95_low'])}, {_fmt(r['ci95_high'])}]"
                if r["diff_vs_first"] is not None:
                    cell += (
                        f"\nΔ {_fmt(r['diff_vs_first'])} [{_fmt(r['diff_ci95_low'])}, "
                        f"{_fmt(r['diff_ci95_high'])}]"
                    )
                cells.append(cell)
        t.add_row(plain(f), *cells)
    console.print(t)
