"""Every figure a run reports, declared once: key, kind, unit, meaning and how it is read.

The order of :data:`REGISTRY` is the order of ``summary.json``.  A new figure is one entry here;
the summary, ``reps.csv``, ensemble statistics, comparison tables, ``defsim figures`` and
docs/outputs.md follow from it.  Readers take a run's :class:`Facts` and the key's parameters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..engine.records import REASONS
from ..plan import HolderPlan, Plan
from .facts import Facts, holder_types
from .metrics import ABSENT, Domain, Entry, Field, Group, Kind, Metric, Params, Registry, per_run

if TYPE_CHECKING:
    from .run import RunAnalysis

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
def _sources(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    return list(f.by_source) if f is not None else _unique([r.source for r in plan.network.routes])


@per_run
def _source_types(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    if f is not None:
        return list(f.by_source[p["source"]])
    return _unique([plan.interceptors[r.itype] for r in plan.network.routes if r.source == p["source"]])


def _attacked(plan: Plan, f: Facts | None, p: Params) -> list[str]:
    return [plan.threats[t] for t in sorted(plan.attacker)]


def reasons(plan: Plan) -> Sequence[str]:
    """The leak reasons a plan reports: ``rationed`` only where a site has rationing rules."""
    if any(s.rationing for s in plan.sites):
        return REASONS
    return tuple(r for r in REASONS if r != "rationed")


def decisions(plan: Plan) -> list[tuple[float, str, str, float, bool]]:
    """(day, route, action, delay days, drops what waits) of every route event and approval
    date of a plan, in time order (approvals first among equals: the order the engine takes)."""
    routes = plan.network.routes
    out = [(r.not_before, r.name, "approve", 0.0, False) for r in routes if r.not_before > 0]
    out += [(e.time, routes[e.route].name, e.action, e.by, e.drop) for e in plan.network.events]
    return sorted(out, key=lambda d: d[0])


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

    def it(p: Params) -> str | None:
        return p["interceptor"] if typed else None

    return [
        Metric(
            key=f"{prefix}.final_stock",
            kind=C,
            unit="rounds",
            meaning=f"{rounds} {who} held at the end",
            read=lambda f, p: f.stock(_name(p), it(p))[0],
        ),
        Metric(
            key=f"{prefix}.first_stockout_day",
            kind=DAY,
            unit="day",
            meaning=f"first time {who} held {none} ({never})",
            read=lambda f, p: f.stock(_name(p), it(p))[1],
            headline=False if typed else headline,
        ),
        Field(
            key=f"{prefix}.first_stockout_date",
            meaning="the same as a calendar date (with start:)",
            read=lambda f, p: _date(f, f.stock(_name(p), it(p))[1]),
        ),
        Metric(
            key=f"{prefix}.days_empty",
            kind=D,
            unit="days",
            meaning=f"total time {who} held {none}",
            read=lambda f, p: round(f.stock(_name(p), it(p))[2], 6),
            headline=headline is True and not typed,
        ),
    ]


def _not_producer(plan: Plan, p: Params) -> bool:
    return _holder_of(plan, p).kind != "producer"


def _holder_entries(prefix: str, site: bool) -> list[Entry]:
    """Everything reported of one holder (a site, or a stockpile or producer)."""
    entries = _stock_entries(prefix, False, True if site else _not_producer)
    entries += [
        Group(key=f"{prefix}.received_by_route", meaning="rounds delivered to it, per route", read=_empty),
        Metric(
            key=f"{prefix}.received_by_route.{{route}}",
            kind=C,
            unit="rounds",
            meaning="rounds delivered by route {route} (absent if none)",
            read=lambda f, p: f.received.get(_name(p), {}).get(p["route"], ABSENT),
            domains={"route": _routes_into},
        ),
        Group(key=f"{prefix}.by_interceptor", meaning="the same per interceptor type", read=_empty),
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


def _empty(f: Facts, p: Params) -> dict[str, Any]:
    return {}


def _total(what: str) -> Any:
    return lambda f, p: f.total(what)


def _threat(what: str) -> Any:
    return lambda f, p: f.threats[p["threat"]][what]


def _route(what: str) -> Any:
    return lambda f, p: f.routes[p["route"]][what]


def _attacker(f: Facts, p: Params) -> tuple[int, int]:
    t = f.plan.threats.index(p["threat"])
    return int(f.record.planned[t]), int(f.record.arrived[t])


def _leaked_share(f: Facts, p: Params) -> float | None:
    arrived = f.total("arrived")
    return f.total("leaked") / arrived if arrived else None


def _ratio(f: Facts, p: Params) -> float | None:
    spent, defeated = f.cost
    return spent / defeated if defeated > 0 else None


def _layer_count(what: str) -> Any:
    return lambda f, p: f.layer(p["asset"], p["layer"])[what]


def _several_threats(plan: Plan, p: Params) -> bool:
    return len(plan.threats) > 1


THREAT_COUNTS = (
    ("arrived", "threats that arrived"),
    ("engaged", "threats shot at least once"),
    ("killed", "threats killed"),
    ("leaked", "threats that got through"),
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


def _field(key: str, meaning: str, read: Any) -> Field:
    return Field(key=key, meaning=meaning, read=read)


ENTRIES: list[Entry] = [
    _field("scenario", "the scenario's name", lambda f, p: f.plan.name),
    _field("seed", "the seed", lambda f, p: f.run.seed),
    _field(
        "replication", "the replication of the seed (a single run is 0)", lambda f, p: f.record.replication
    ),
    _field("duration_days", "the run's length in days", lambda f, p: f.plan.duration),
    _field(
        "start",
        "the calendar start (null without start:)",
        lambda f, p: f.plan.start.isoformat() if f.plan.start else None,
    ),
    *(
        Metric(
            key=f"totals.{k}",
            kind=C,
            unit="threats",
            meaning=f"{m}, all types",
            read=_total(k),
            headline=k != "engaged",
        )
        for k, m in THREAT_COUNTS
    ),
    Metric(
        key="totals.leaked_share",
        kind=S,
        unit="of arrived",
        meaning="leaked / arrived, all types",
        read=_leaked_share,
        summary=False,
        headline=True,
    ),
    Metric(
        key=f"totals.{UNRESOLVED[0]}",
        kind=C,
        unit="threats",
        meaning=UNRESOLVED[1] + ", all types",
        read=lambda f, p: f.total(UNRESOLVED[0]),
    ),
    Metric(
        key="totals.leaked_by_reason.{reason}",
        kind=C,
        unit="threats",
        meaning=REASON,
        read=lambda f, p: f.total(p["reason"]),
    ),
    Group(key="threats", meaning="per threat type", read=_empty),
    *(
        Metric(
            key=f"threats.{{threat}}.{k}",
            kind=C,
            unit="threats",
            meaning=f"{{threat}} {m}",
            read=_threat(k),
            headline=_several_threats if k == "killed" else False,
        )
        for k, m in THREAT_COUNTS
    ),
    Metric(
        key="threats.{threat}.leaked_by_reason.{reason}",
        kind=C,
        unit="threats",
        meaning="{threat} " + REASON,
        read=lambda f, p: f.threats[p["threat"]][p["reason"]],
    ),
    Metric(
        key=f"threats.{{threat}}.{UNRESOLVED[0]}",
        kind=C,
        unit="threats",
        meaning="{threat} " + UNRESOLVED[1],
        read=_threat(UNRESOLVED[0]),
    ),
    Group(key="sites", meaning="per site", read=_empty),
    Metric(
        key="sites.{site}.shots",
        kind=C,
        unit="rounds",
        meaning="rounds {site} fired",
        read=lambda f, p: int(f.record.shots[f.holder[p["site"]].index].sum()),
    ),
    *_holder_entries("sites.{site}", site=True),
    Group(key="stockpiles_and_producers", meaning="per stockpile and producer", read=_empty),
    _field(
        "stockpiles_and_producers.{holder}.kind",
        "stockpile or producer",
        lambda f, p: f.holder[p["holder"]].kind,
    ),
    Metric(
        key="stockpiles_and_producers.{producer}.produced",
        kind=C,
        unit="rounds",
        meaning="rounds {producer} made",
        read=lambda f, p: f.record.produced.get(p["producer"], 0),
    ),
    *_holder_entries("stockpiles_and_producers.{holder}", site=False),
    Group(key="routes", meaning="per route", read=_empty),
    *(_field(f"routes.{{route}}.{k}", m, _route(k)) for k, m in ROUTE_TEXT),
    *(
        Metric(key=f"routes.{{route}}.{k}", kind=C, unit="rounds", meaning=m, read=_route(k))
        for k, m in ROUTE_COUNTS
    ),
    _field("routes.{route}.state_at_end", "active, paused or cancelled at the end", _route("state_at_end")),
    Field(
        key="decisions.{all}",
        meaning="political decisions in time order: route events and approval dates (only with any)",
        read=lambda f, p: f.decisions,
        domains={"all": lambda plan, f, p: ["log"] if decisions(plan) else []},
    ),
    Group(key="deliveries_by_source", meaning="rounds delivered, by sender", read=_empty),
    Metric(
        key="deliveries_by_source.{source}.{interceptor}",
        kind=C,
        unit="rounds",
        meaning="{interceptor} rounds delivered from {source} (absent if none)",
        read=lambda f, p: f.by_source.get(p["source"], {}).get(p["interceptor"], ABSENT),
        domains={"source": _sources, "interceptor": _source_types},
    ),
    Group(
        key="attacker",
        meaning="with attacker: (null without)",
        read=lambda f, p: {} if f.plan.attacker else None,
    ),
    Metric(
        key="attacker.{threat}.planned",
        kind=C,
        unit="threats",
        meaning="{threat} threats the attacks planned",
        read=lambda f, p: _attacker(f, p)[0],
        domains={"threat": _attacked},
    ),
    Metric(
        key="attacker.{threat}.launched",
        kind=C,
        unit="threats",
        meaning="{threat} threats launched",
        read=lambda f, p: _attacker(f, p)[1],
        domains={"threat": _attacked},
    ),
    Metric(
        key="attacker.{threat}.not_launched_for_lack_of_stock",
        kind=C,
        unit="threats",
        meaning="planned {threat} threats the attacker had no stock to launch",
        read=lambda f, p: _attacker(f, p)[0] - _attacker(f, p)[1],
        domains={"threat": _attacked},
    ),
    Group(
        key="assets",
        meaning="with assets: per defended asset",
        read=lambda f, p: {} if f.plan.assets else ABSENT,
    ),
    Metric(
        key="assets.{asset}.damage",
        kind=M,
        unit="value units",
        meaning="damage leakers dealt to {asset} (threat damage, or share of its value)",
        read=lambda f, p: f.asset(p["asset"])["damage"],
        headline=True,
    ),
    Metric(
        key="assets.{asset}.value_protected",
        kind=M,
        unit="value units",
        meaning="{asset}'s value less the damage (0 at least)",
        read=lambda f, p: f.asset(p["asset"])["value_protected"],
    ),
    Metric(
        key="assets.{asset}.damage_by_threat.{threat}",
        kind=M,
        unit="value units",
        meaning="damage {threat} leakers dealt to {asset}",
        read=lambda f, p: f.asset(p["asset"])["by_threat"][p["threat"]],
    ),
    Metric(
        key="assets.{asset}.leaked",
        kind=C,
        unit="threats",
        meaning="threats aimed at {asset} that got through every layer",
        read=lambda f, p: f.asset(p["asset"])["leaked"],
    ),
    _field(
        "assets.{asset}.layers.{layer}.sites",
        "the sites of the layer (1: the upper tier)",
        lambda f, p: f.layer(p["asset"], p["layer"])["sites"],
    ),
    *(
        Metric(
            key=f"assets.{{asset}}.layers.{{layer}}.{k}",
            kind=C,
            unit="threats",
            meaning=m,
            read=_layer_count(k),
        )
        for k, m in (
            ("met", "threats aimed at {asset} that met layer {layer}"),
            ("killed", "threats layer {layer} of {asset} killed"),
            ("passed", "threats that survived layer {layer} of {asset} (went on, or leaked after the last)"),
        )
    ),
    Metric(
        key="assets.{asset}.layers.{layer}.passed_by_reason.{reason}",
        kind=C,
        unit="threats",
        meaning="threats that survived layer {layer} of {asset} for reason {reason}",
        read=lambda f, p: f.layer(p["asset"], p["layer"])["by_reason"][p["reason"]],
    ),
    Metric(
        key="damage.{all}",
        kind=M,
        unit="value units",
        meaning="damage to every asset (with assets: only)",
        read=lambda f, p: f.damage_total,
        domains={"all": lambda plan, f, p: ["total"] if plan.assets else []},
    ),
    Metric(
        key="damage.by_threat.{threat}",
        kind=M,
        unit="value units",
        meaning="damage {threat} leakers dealt to every asset (with assets: only)",
        read=lambda f, p: round(sum(a["by_threat"][p["threat"]] for a in f.assets.values()), 6),
        domains={"threat": lambda plan, f, p: plan.threats if plan.assets else []},
    ),
    Metric(
        key="cost.interceptor_cost_spent",
        kind=M,
        unit="cost units",
        meaning="rounds fired × unit cost",
        read=lambda f, p: f.cost[0],
    ),
    Metric(
        key="cost.threat_cost_defeated",
        kind=M,
        unit="cost units",
        meaning="threats killed × unit cost",
        read=lambda f, p: f.cost[1],
    ),
    Metric(
        key="cost.cost_exchange_ratio",
        kind=R,
        unit="spent per defeated",
        meaning="spent / defeated: above 1 the defence spends more than what it kills cost (null: none)",
        read=_ratio,
        headline=True,
    ),
]

REGISTRY = Registry(ENTRIES, DOMAINS)


def summary(run: RunAnalysis) -> dict[str, Any]:
    """A run's summary.json."""
    return REGISTRY.summary(Facts(run))


def row(run: RunAnalysis) -> dict[str, float]:
    """A run's figures by dotted key, as in reps.csv (NaN: never, or undefined)."""
    return REGISTRY.row(Facts(run))


def stockout_key(holder: str, kind: str) -> str:
    """The key of a holder's first stockout day."""
    return f"{'sites' if kind == 'site' else 'stockpiles_and_producers'}.{holder}.first_stockout_day"


#: the figures :func:`value` has looked up, by key: their readers and parameters do not change
#: with the numbers of a plan, so futures of one scenario share them
_ONE: dict[str, Any] = {}


def value(run: RunAnalysis, key: str) -> float:
    """One figure of a run (NaN: never, or undefined), without reading the others."""
    from .metrics import Figure

    fig: Figure | None = _ONE.get(key)
    if fig is None:
        fig = _ONE[key] = REGISTRY.lookup(run.plan, key)
    v = fig.metric.read(Facts(run), fig.params)
    return math.nan if v is None or v is ABSENT else float(v)
