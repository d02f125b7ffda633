"""What the CLI prints: the answers in words first, then tables that fit the width to print at
(rich; :func:`defsim.cli.plain.width`: --width, the terminal, $COLUMNS, else 80).

Values are shown by their kind (:func:`defsim.analysis.answers.show`): counts as counts, money
as money in the scenario's currency, days that may never come as dates.  Wide tables are split
rather than cut; long names wrap.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..analysis.answers import VALUE_UNITS, days, difference, figure_label, money, show
from ..analysis.figures import REGISTRY, row
from ..analysis.metrics import Kind
from ..engine.records import REASONS
from .plain import WIDTH, plain, width

#: what the run tables show: figure keys under ``threats.<threat>.`` / ``totals.``, ``sites.<site>.``
THREAT_COLUMNS = ("arrived", "engaged", "killed", "leaked", "unresolved_at_end")
REASON_COLUMNS = tuple(f"leaked_by_reason.{r}" for r in REASONS)
TYPE_COLUMNS = ("shots", "final_stock", "first_stockout_day", "days_empty")


def console() -> Console:
    # markup off: names are printed literally ("[/]" in a name is text, not a closing tag)
    return Console(width=width(), soft_wrap=False, markup=False, highlight=False)


def _bold(text: str) -> Text:
    return Text(plain(text), style="bold")


def _header(key: str) -> str:
    return key.rsplit(".", 1)[-1].replace("_", " ")


def print_answers(lines: list[str], out: Console, gap: bool = True) -> None:
    width = min(out.width or WIDTH, 100)
    for line in lines:
        # an interval "[32.7, 35.1]" stays on one line: its space is held while wrapping
        held = re.sub(r"\[[^\]]{0,40}\]", lambda m: m.group(0).replace(" ", "\x00"), plain(line))
        text = textwrap.fill(held, width, subsequent_indent="  ", break_on_hyphens=False)
        out.print(text.replace("\x00", " "), markup=False, highlight=False)
    if gap:
        out.print()


def _table(title: str, first: str) -> Table:
    t = Table(title=plain(title), title_justify="left")
    t.add_column(first, justify="left", overflow="fold", max_width=24)
    return t


def print_summary(result: Any) -> None:
    """A run: the answers in words, then threats, leaks by reason, each site's types, the cost."""
    s = result.summary
    values = row(result)
    known = REGISTRY.catalogue(result.plan)
    start = result.plan.start
    currency = result.scenario.spec.currency if hasattr(result, "scenario") else "USD"

    def cell(key: str) -> str:
        fig = known[key]
        v = values.get(key)
        return show(fig.kind, None if v is None or v != v else v, start, currency, fig.unit)

    out = console()
    out.print(_bold(s["scenario"]) + f" (seed {s['seed']}, {days(s['duration_days'])})")
    print_answers(result.answers, out)
    reasons = tuple(c for c in REASON_COLUMNS if f"totals.{c}" in known)  # rationed: with rationing rules
    for title, cols in (("threats", THREAT_COLUMNS), ("threats leaked, by reason", reasons)):
        t = _table(title, "threat")
        for col in cols:
            t.add_column(_header(col), justify="right", overflow="fold")
        for name in result.plan.threats:
            t.add_row(plain(name), *(cell(f"threats.{name}.{c}") for c in cols))
        t.add_row("all", *(cell(f"totals.{c}") for c in cols), style="bold")
        out.print(t)
    t = _table("sites, per interceptor type", "site: type")
    for col in TYPE_COLUMNS:
        t.add_column(
            _header(col).replace("first stockout day", "first out"), justify="right", overflow="fold"
        )
    for name in result.plan.site_names:
        types = list(s["sites"][name]["by_interceptor"])
        for itype in types:
            t.add_row(
                plain(f"{name}: {itype}"),
                *(cell(f"sites.{name}.by_interceptor.{itype}.{c}") for c in TYPE_COLUMNS),
            )
        if len(types) > 1:
            t.add_row(
                plain(f"{name}: no rounds of any type"), *(cell(f"sites.{name}.{c}") for c in TYPE_COLUMNS)
            )
    out.print(t)
    if result.plan.assets:
        print_layers(result, out, cell, currency)
    c = s["cost"]
    ratio = c["cost_exchange_ratio"]
    out.print(
        f"interceptors fired: {money(c['interceptor_cost_spent'], currency)}   "
        f"threats killed: {money(c['threat_cost_defeated'], currency)}   "
        f"cost-exchange ratio: {'-' if ratio is None else f'{ratio:.2f}'}",
        highlight=False,
    )


def _span(
    kind: Kind, lo: float | None, hi: float | None, start: Any, currency: str, unit: str, sep: str = " .. "
) -> str:
    """'16.2 .. 17.9 days': two ends with the unit once (dates and money keep their own)."""
    a, b = (show(kind, x, start, currency, unit) for x in (lo, hi))
    for suffix in (" days", "%"):
        if a.endswith(suffix) and b.endswith(suffix):
            return f"{a.removesuffix(suffix)}{sep}{b}"
    return f"{a}{sep}{b}"


def _stats_cells(fig: Any, stats: dict[str, Any], start: Any, currency: str) -> list[str]:
    def v(x: float | None) -> str:
        return show(fig.kind, x, start, currency, fig.unit)

    ci = stats.get("ci95") or [None, None]
    return [
        f"{v(stats['mean'])}\n[{_span(fig.kind, ci[0], ci[1], start, currency, fig.unit, ', ')}]",
        v(stats["median"]),
        _span(fig.kind, stats["p5"], stats["p95"], start, currency, fig.unit),
    ]


def print_layers(result: Any, console: Console, cell: Any, currency: str = "USD") -> None:
    """Per asset: each layer's sites, threats met, killed and passed on (then by reason), the
    damage (then by threat type), and each site's rationing: split so that each fits 80 columns."""
    plan = result.plan
    known = REGISTRY.catalogue(plan)
    reasons = [r for r in REASONS if f"totals.leaked_by_reason.{r}" in known]
    rows = [(a, n, f"assets.{a.name}.layers.{n}") for a in plan.assets for n in a.layer_numbers]
    t = Table(title="layers (1: the upper tier)", title_justify="left")
    for col in ("asset", "layer", "sites", "met", "killed", "passed on"):
        t.add_column(col, justify="left" if col in ("asset", "sites") else "right", overflow="fold")
    for a, n, k in rows:
        sites = ", ".join(plan.sites[i].name for i in a.layers[a.layer_numbers.index(n)])
        t.add_row(
            plain(a.name), str(n), plain(sites), cell(f"{k}.met"), cell(f"{k}.killed"), cell(f"{k}.passed")
        )
    console.print(t)
    t = Table(title="passed on, by reason", title_justify="left")
    for col in ("asset", "layer", *reasons):
        t.add_column(col.replace("_", " "), justify="left" if col == "asset" else "right", overflow="fold")
    for a, n, k in rows:
        t.add_row(plain(a.name), str(n), *(cell(f"{k}.passed_by_reason.{r}") for r in reasons))
    console.print(t)
    t = Table(title="damage (value units)", title_justify="left")
    for col in ("asset", "value", "leaked", "damage", "value protected"):
        t.add_column(col, justify="left" if col == "asset" else "right", overflow="fold")
    for a in plan.assets:
        k = f"assets.{a.name}"
        t.add_row(
            plain(a.name),
            show(Kind.MONEY, a.value, None, currency, VALUE_UNITS),
            cell(f"{k}.leaked"),
            cell(f"{k}.damage"),
            cell(f"{k}.value_protected"),
        )
    console.print(t)
    t = Table(title="damage by threat type", title_justify="left")
    t.add_column("asset", justify="left", overflow="fold")
    for th in plan.threats:
        t.add_column(plain(th), justify="right", overflow="fold")
    for a in plan.assets:
        t.add_row(plain(a.name), *(cell(f"assets.{a.name}.damage_by_threat.{th}") for th in plan.threats))
    console.print(t)
    rationed = [s for s in plan.sites if s.rationing]
    if not rationed:
        return
    t = Table(title="rationing (rules hold while the site holds fewer rounds)", title_justify="left")
    for col in ("site: type", "rules", "rationing from"):
        t.add_column(col, justify="right" if col == "rationing from" else "left", overflow="fold")
    for s in rationed:
        for slot in sorted({r.slot for r in s.rationing}):
            itype = plan.interceptors[s.types[slot]]
            rules = []
            for r in sorted((r for r in s.rationing if r.slot == slot), key=lambda r: -r.below):
                what = [f"{r.shots} round{'s' if r.shots > 1 else ''}"] if r.shots else []
                if not all(r.allowed):
                    allowed = zip(plan.threats, r.allowed, strict=True)
                    what.append("only " + ", ".join(th for th, ok in allowed if ok))
                rules.append(f"below {r.below}: {'; '.join(what)}")
            key = f"sites.{s.name}.rationing_from_day.{itype}"
            t.add_row(plain(f"{s.name}: {itype}"), plain(" / ".join(rules)), cell(key))
    console.print(t)


def _fmt(v: float | None, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}g}"


def print_ensemble(ens: Any) -> None:
    """An ensemble: the answers (per site and type), then the headline figures."""
    out = console()
    start = ens.plan.start
    currency = ens.scenario.spec.currency if hasattr(ens, "scenario") else "USD"
    out.print(_bold(ens.plan.name) + f": {ens.reps} replications (seed {ens.seed})")
    print_answers(ens.answers if hasattr(ens, "answers") else [], out)
    t = Table(title="headline figures", title_justify="left")
    t.add_column("figure", overflow="fold", min_width=16)
    for col in ("mean [95% interval]", "median", "5th .. 95th percentile"):
        t.add_column(col, justify="right", overflow="fold")
    for line in ens.headline():
        stats, fig = line.stats, line.figure
        name = plain(figure_label(fig.meaning, line.key))
        if line.key.endswith(".median"):  # the median of a day that may never come
            t.add_row(name, "", show(Kind.DAY, stats["median"], start), "")
        elif line.key.endswith(".p_happened"):  # the share of replications in which it came
            ci = stats.get("ci95") or [None, None]
            mean = show(Kind.SHARE, stats["mean"])
            t.add_row(name, f"{mean}\n[{_span(Kind.SHARE, ci[0], ci[1], None, currency, '', ', ')}]", "", "")
        else:
            t.add_row(name, *_stats_cells(fig, stats, start, currency))
    out.print(t)


def print_comparison(result: Any) -> None:
    """A sweep or comparison: each variant's answers, then the figures side by side (split into
    tables of at most three variants, so 80 columns hold them)."""
    out = console()
    rows = result.table()
    figures = list(dict.fromkeys(r["figure"] for r in rows))
    variants = [e.label for e in result.ensembles]
    first = result.ensembles[0]
    start = first.plan.start
    currency = first.scenario.spec.currency if hasattr(first, "scenario") else "USD"
    out.print(_bold(first.plan.name) + f": {first.reps} replications per variant, same seeds")
    if getattr(result, "question", ""):
        print_answers([f"Question: {result.question}"], out, gap=False)
    # the answer first: what each variant did, from the paired differences
    print_answers(result.answer().lines, out)
    for ens in result.ensembles:
        if hasattr(ens, "answers"):
            print_answers([f"[{ens.label}] {line}" for line in ens.answers], out)
    known = REGISTRY.catalogue(first.plan)
    for k0 in range(0, len(variants), 3):
        chunk = variants[k0 : k0 + 3]
        t = Table(
            title="mean [95% interval]; Δ: minus the first variant, paired by replication",
            title_justify="left",
        )
        t.add_column("figure", overflow="fold", min_width=16)
        for v in chunk:
            t.add_column(plain(v), justify="right", overflow="fold")
        for f in figures:
            base = f.removesuffix(".p_happened").removesuffix(".median")
            kind = known[base].kind if base in known else Kind.RATIO
            unit = known[base].unit if base in known else ""
            cells = []
            for v in chunk:
                r = next((x for x in rows if x["figure"] == f and x["variant"] == v), None)
                if r is None:
                    cells.append("-")
                elif f.endswith(".median"):
                    cells.append(show(Kind.DAY, r["median"], start))
                elif f.endswith(".p_happened"):
                    cells.append(show(Kind.SHARE, r["mean"]))
                else:
                    cell = show(kind, r["mean"], start, currency, unit)
                    if r["ci95_low"] is not None:
                        ends = _span(kind, r["ci95_low"], r["ci95_high"], start, currency, unit, ", ")
                        cell += f"\n[{ends}]"
                    if r["diff_vs_first"] is not None:
                        d = (r["diff_vs_first"], r["diff_ci95_low"], r["diff_ci95_high"])
                        cell += "\n" + difference(kind, *d, currency=currency, unit=unit, sep="\n")
                    cells.append(cell)
            t.add_row(plain(figure_label(known[base].meaning, f) if base in known else f), *cells)
        out.print(t)
