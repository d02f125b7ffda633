"""Tables the CLI prints: a run's summary, an ensemble's figures, a comparison (rich)."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.table import Table


def _day(v: float | None, date: str | None) -> str:
    if v is None:
        return "-"
    return date if date else f"{v:.1f}"


def print_summary(s: dict[str, Any]) -> None:
    console = Console(width=None if sys.stdout.isatty() else 120)
    t = Table(title=f"{s['scenario']} (seed {s['seed']}, {s['duration_days']:g} days)", title_justify="left")
    for col in (
        "threat",
        "arrived",
        "engaged",
        "killed",
        "leaked",
        "no_stock",
        "saturated",
        "not_engaged",
        "missed",
    ):
        t.add_column(col, justify="left" if col == "threat" else "right", no_wrap=True, min_width=len(col))
    rows = list(s["threats"].items()) + [("all", s["totals"])]
    for name, v in rows:
        r = v["leaked_by_reason"]
        t.add_row(
            name,
            *(
                str(x)
                for x in (
                    v["arrived"],
                    v["engaged"],
                    v["killed"],
                    v["leaked"],
                    r["no_stock"],
                    r["saturated"],
                    r["not_engaged"],
                    r["missed"],
                )
            ),
            style="bold" if name == "all" else None,
        )
    console.print(t)
    t = Table(title="sites", title_justify="left")
    for col in ("site", "shots", "final stock", "first stockout", "days empty"):
        t.add_column(col, justify="left" if col == "site" else "right", no_wrap=True, min_width=len(col))
    for name, v in s["sites"].items():
        t.add_row(
            name,
            str(v["shots"]),
            str(v["final_stock"]),
            _day(v["first_stockout_day"], v["first_stockout_date"]),
            f"{v['days_empty']:.1f}",
        )
    console.print(t)
    c = s["cost"]
    cer = c["cost_exchange_ratio"]
    console.print(
        f"interceptors spent: {c['interceptor_cost_spent']:,.0f}   threats defeated: "
        f"{c['threat_cost_defeated']:,.0f}   cost-exchange ratio: {'-' if cer is None else f'{cer:.2f}'}"
    )


def _fmt(v: float | None, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}g}"


def print_ensemble(ens: Any) -> None:
    console = Console(width=None if sys.stdout.isatty() else 120)
    t = Table(title=f"{ens.plan.name}: {ens.reps} replications (seed {ens.seed})", title_justify="left")
    t.add_column("figure", overflow="fold")  # the figure's name wraps; numbers never do
    for col in ("mean", "95% interval", "median", "5th .. 95th pct"):
        t.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for line in ens.headline():
        stats = line.stats
        ci = stats.get("ci95") or [None, None]
        if "mean" not in stats:  # the median of a day that may never come
            t.add_row(line.key, "", "", "never" if stats["median"] is None else _fmt(stats["median"]), "")
        elif "p5" not in stats:  # the share of replications in which it came
            t.add_row(line.key, _fmt(stats["mean"], 3), f"{_fmt(ci[0], 3)} .. {_fmt(ci[1], 3)}", "", "")
        else:
            t.add_row(
                line.key,
                _fmt(stats["mean"]),
                f"{_fmt(ci[0])} .. {_fmt(ci[1])}",
                _fmt(stats["median"]),
                f"{_fmt(stats['p5'])} .. {_fmt(stats['p95'])}",
            )
    console.print(t)


def print_comparison(result: Any) -> None:
    console = Console(width=None if sys.stdout.isatty() else 160)
    rows = result.table()
    figures = list(dict.fromkeys(r["figure"] for r in rows))
    variants = [e.label for e in result.ensembles]
    first = result.ensembles[0]
    t = Table(
        title=f"{first.plan.name}: {first.reps} replications per variant, same seeds "
        "(mean [95% interval]; Δ: difference from the first, paired by replication; stockout: median day)",
        title_justify="left",
    )
    t.add_column("figure", overflow="fold")
    for v in variants:
        t.add_column(v, justify="right", overflow="fold")
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
        t.add_row(f, *cells)
    console.print(t)
