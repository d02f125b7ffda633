"""The parts the figure declarations (:mod:`defsim.analysis.figures`) are made of: the
parameter domains (which threats, sites, routes... a plan has), the readers that take a figure
from a run's :class:`~defsim.analysis.facts.Facts`, and the entries every holder repeats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..plan import HolderPlan, Plan
from .facts import Facts, holder_types, reasons
from .metrics import ABSENT, Domain, Entry, Field, Group, Kind, Metric, Params, Reader, per_run

C, S, D, DAY, M, R = Kind.COUNT, Kind.SHARE, Kind.DURATION, Kind.DAY, Kind.MONEY, Kind.RATIO


# --- parameter domains -------------------------------------------------------------------------


def _holder_of(plan: Plan, p: Params) -> HolderPlan:
    name = p.get("site") or p.get("holder") or p["producer"]
    return next(h for h in plan.network.holders if h.name == name)


def _unique(xs: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(xs))


@per_run
def _routes(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    return list(f.routes) if f is not None else _unique([r.name for r in plan.network.routes])


@per_run
def _routes_into(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    h = _holder_of(plan, p)
    if f is not None:
        return list(f.received.get(h.name, {}))
    return _unique([r.name for r in plan.network.routes if r.dst == h.index])


@per_run
def sources(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    return list(f.by_source) if f is not None else _unique([r.source for r in plan.network.routes])


@per_run
def source_types(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    if f is not None:
        return list(f.by_source[p["source"]])
    return _unique([plan.interceptors[r.itype] for r in plan.network.routes if r.source == p["source"]])


def attacked(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    return [plan.threats[t] for t in sorted(plan.attacker)]


def _layer_numbers(plan: Plan, p: Params) -> list[str]:
    a = next(a for a in plan.assets if a.name == p["asset"])
    return [str(n) for n in a.layer_numbers]


DOMAINS: dict[str, Domain] = {
    "threat": lambda plan, f, p: plan.threats,
    "reason": lambda plan, f, p: reasons(plan),
    "asset": lambda plan, f, p: [a.name for a in plan.assets],
    "layer": lambda plan, f, p: _layer_numbers(plan, p),
    "site": lambda plan, f, p: plan.site_names,
    "holder": lambda plan, f, p: [h.name for h in plan.network.holders if h.kind != "site"],
    "producer": lambda plan, f, p: [h.name for h in plan.network.holders if h.kind == "producer"],
    "interceptor": lambda plan, f, p: holder_types(plan, _holder_of(plan, p)),
    "route": _routes,
}


# --- the declarations ----------------------------------------------------------------------------


def _name(p: Params) -> str:
    return p.get("site") or p.get("holder") or p["producer"]


def _date(f: Facts, day: float | None) -> str | None:
    return f.run.date(day) if day is not None else None


def _stock_entries(prefix: str, typed: bool, headline: bool | Any = False) -> list[Entry]:
    """final stock, first stockout, days empty: of a holder, or (``typed``) of one of its types."""
    who = "{site}" if prefix.startswith("sites") else "{holder}"
    rounds = "{interceptor} rounds" if typed else "rounds (all types)"
    none = "no {interceptor} round" if typed else "no round of any type"
    never = "null: never" if prefix.startswith("sites") else "null: never, and always for producers"

    def stock(f: Facts, p: Params) -> tuple[int, float | None, float]:
        return f.stock(_name(p), p["interceptor"] if typed else None)

    def metric(key: str, kind: Kind, unit: str, meaning: str, part: int, head: bool | Any) -> Metric:
        # part 2 (days empty) is a sum of time steps: rounded as the summary writes it
        read = (lambda f, p: round(stock(f, p)[2], 6)) if part == 2 else (lambda f, p: stock(f, p)[part])
        return Metric(key=f"{prefix}.{key}", kind=kind, unit=unit, meaning=meaning, read=read, headline=head)

    date = Field(
        key=f"{prefix}.first_stockout_date",
        meaning="the same as a calendar date (with start:)",
        read=lambda f, p: _date(f, stock(f, p)[1]),
    )
    return [
        metric("final_stock", C, "rounds", f"{rounds} {who} held at the end", 0, False),
        metric(
            "first_stockout_day",
            DAY,
            "day",
            f"first time {who} held {none} ({never})",
            1,
            not typed and headline,
        ),
        date,
        metric("days_empty", D, "days", f"total time {who} held {none}", 2, headline is True and not typed),
    ]


def _not_producer(plan: Plan, p: Params) -> bool:
    return _holder_of(plan, p).kind != "producer"


def holder_entries(prefix: str, site: bool) -> list[Entry]:
    """Everything reported of one holder (a site, or a stockpile or producer)."""
    entries = _stock_entries(prefix, False, True if site else _not_producer)
    entries += [
        Group(
            key=f"{prefix}.received_by_route", meaning="rounds delivered to it, per route", read=empty_group
        ),
        Metric(
            key=f"{prefix}.received_by_route.{{route}}",
            kind=C,
            unit="rounds",
            meaning="rounds delivered by route {route} (absent if none)",
            read=lambda f, p: f.received.get(_name(p), {}).get(p["route"], ABSENT),
            domains={"route": _routes_into},
        ),
        Group(key=f"{prefix}.by_interceptor", meaning="the same per interceptor type", read=empty_group),
    ]
    typed = f"{prefix}.by_interceptor.{{interceptor}}"
    if site:
        entries.append(
            Metric(
                key=f"{typed}.shots",
                kind=C,
                unit="rounds",
                meaning="{interceptor} rounds {site} fired",
                read=lambda f, p: int(
                    f.record.shots[f.holder[p["site"]].index, f.plan.interceptors.index(p["interceptor"])]
                ),
            )
        )
        entries.append(
            Metric(
                key=f"{prefix}.rationing_from_day.{{interceptor}}",
                kind=DAY,
                unit="day",
                meaning="first time {site} held fewer {interceptor} rounds than its first rationing rule's"
                " 'below' (null: never)",
                read=_rationing_from,
                domains={"interceptor": _rationed_types},
                headline=True,  # only sites with rationing rules have it
            )
        )
    return entries + _stock_entries(typed, True)


def _rationed_types(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    """The interceptor types a site has rationing rules for (none: no figure)."""
    site = next(s for s in plan.sites if s.name == p["site"])
    return _unique([plan.interceptors[site.types[r.slot]] for r in site.rationing])


def _rationing_from(f: Facts, p: Params) -> float | None:
    site = next(s for s in f.plan.sites if s.name == p["site"])
    slot = site.types.index(f.plan.interceptors.index(p["interceptor"]))
    below = max(r.below for r in site.rationing if r.slot == slot)
    t, lev = f.run.stock.series(p["site"], p["interceptor"])
    on = lev < below
    return float(t[on.argmax()]) if len(t) and on.any() else None


def empty_group(f: Facts, p: Params) -> dict[str, Any]:
    return {}


def read_total(what: str) -> Any:
    return lambda f, p: f.total(what)


def _at(what: str, p: Params) -> str:
    """``what``, or (given as ``{name}``) the parameter ``name``."""
    return p[what[1:-1]] if what.startswith("{") else what


def read_threat(what: str) -> Any:
    return lambda f, p: f.threats[p["threat"]][_at(what, p)]


def read_route(what: str) -> Any:
    return lambda f, p: f.routes[p["route"]][what]


def read_attacker(f: Facts, p: Params) -> tuple[int, int]:
    t = f.plan.threats.index(p["threat"])
    return int(f.record.planned[t]), int(f.record.arrived[t])


def leaked_share(f: Facts, p: Params) -> float | None:
    arrived = f.total("arrived")
    return f.total("leaked") / arrived if arrived else None


def cost_ratio(f: Facts, p: Params) -> float | None:
    spent, defeated = f.cost
    return spent / defeated if defeated > 0 else None


def read_layer(what: str, then: str | None = None) -> Any:
    if then is None:
        return lambda f, p: f.layer(p["asset"], p["layer"])[what]
    return lambda f, p: f.layer(p["asset"], p["layer"])[what][_at(then, p)]


def read_asset(what: str, then: str | None = None) -> Any:
    if then is None:
        return lambda f, p: f.asset(p["asset"])[what]
    return lambda f, p: f.asset(p["asset"])[what][_at(then, p)]


def several_threats(plan: Plan, p: Params) -> bool:
    return len(plan.threats) > 1


THREAT_COUNTS = (
    ("arrived", "threats that arrived"),
    ("engaged", "threats shot at least once"),
    ("killed", "threats killed"),
    ("leaked", "threats that got through"),
)
ATTACKER_COUNTS: tuple[tuple[str, str, Any], ...] = (
    ("planned", "{threat} threats the attacks planned", lambda f, p: read_attacker(f, p)[0]),
    ("launched", "{threat} threats launched", lambda f, p: read_attacker(f, p)[1]),
    (
        "not_launched_for_lack_of_stock",
        "planned {threat} threats the attacker had no stock to launch",
        lambda f, p: read_attacker(f, p)[0] - read_attacker(f, p)[1],
    ),
)
UNRESOLVED = ("unresolved_at_end", "threats still waiting or being engaged when the run ended")
REASON = "threats that leaked for reason {reason} (see events.csv)"
ROUTE_COUNTS = (
    ("shipped", "rounds sent along route {route}"),
    ("delivered", "rounds route {route} delivered"),
    ("lost", "rounds lost in transit on route {route}"),
    ("in_transit_at_end", "rounds on the way along route {route} at the end"),
    (
        "not_shipped",
        "rounds wanted but not sent (floor, no stock, cut route, no approval; reorders: still owed)",
    ),
)
ROUTE_TEXT = (
    ("kind", "shipment, flow, backfill, production, allocation, cross_level, resupply or delivery"),
    ("source", "the sender, or a delivery's source label"),
    ("from", "the sending holder (outside: from outside the scenario)"),
    ("to", "the receiving holder"),
    ("interceptor", "the interceptor type it carries"),
)


#: the cost figures: what the defence spent, what the threats it killed cost, and their ratio
COSTS: tuple[tuple[str, Kind, str, str, Reader], ...] = (
    ("interceptor_cost_spent", M, "cost units", "rounds fired × unit cost", lambda f, p: f.cost[0]),
    ("threat_cost_defeated", M, "cost units", "threats killed × unit cost", lambda f, p: f.cost[1]),
    (
        "cost_exchange_ratio",
        R,
        "spent per defeated",
        "spent / defeated: above 1 the defence spends more than what it kills cost (null: none)",
        cost_ratio,
    ),
)


def field(key: str, meaning: str, read: Any) -> Field:
    return Field(key=key, meaning=meaning, read=read)


def threats(key: str, meaning: str, read: Reader, **more: Any) -> Metric:
    """A figure that counts threats."""
    return Metric(key=key, kind=C, unit="threats", meaning=meaning, read=read, **more)


def rounds(key: str, meaning: str, read: Reader, **more: Any) -> Metric:
    """A figure that counts rounds."""
    return Metric(key=key, kind=C, unit="rounds", meaning=meaning, read=read, **more)


def valued(key: str, meaning: str, read: Reader, **more: Any) -> Metric:
    """A figure in the assets' value units (damage)."""
    return Metric(key=key, kind=M, unit="value units", meaning=meaning, read=read, **more)
