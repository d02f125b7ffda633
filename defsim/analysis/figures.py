"""Every figure a run reports, declared once: key, kind, unit, meaning and how it is read.

The order of :data:`REGISTRY` is the order of ``summary.json``.  A new figure is one entry here;
the summary, ``reps.csv``, ensemble statistics, comparison tables, ``defsim figures`` and
docs/outputs.md follow from it.  Readers take a run's :class:`Facts` and the key's parameters
(the domains and readers are in :mod:`defsim.analysis.figure_parts`).
"""

from __future__ import annotations

import math
from typing import Any

from .facts import Facts, RunLike, decisions
from .figure_parts import (
    ATTACKER_COUNTS,
    COSTS,
    DOMAINS,
    REASON,
    ROUTE_COUNTS,
    ROUTE_TEXT,
    THREAT_COUNTS,
    UNRESOLVED,
    C,
    R,
    S,
    attacked,
    empty_group,
    field,
    holder_entries,
    leaked_share,
    read_asset,
    read_layer,
    read_route,
    read_threat,
    read_total,
    rounds,
    several_threats,
    source_types,
    sources,
    threats,
    valued,
)
from .metrics import ABSENT, Entry, Field, Figure, Group, Metric, Registry

ENTRIES: list[Entry] = [
    field("scenario", "the scenario's name", lambda f, p: f.plan.name),
    field("seed", "the seed", lambda f, p: f.run.seed),
    field(
        "replication", "the replication of the seed (a single run is 0)", lambda f, p: f.record.replication
    ),
    field("duration_days", "the run's length in days", lambda f, p: f.plan.duration),
    field(
        "start",
        "the calendar start (null without start:)",
        lambda f, p: f.plan.start.isoformat() if f.plan.start else None,
    ),
    *(
        threats(f"totals.{k}", f"{m}, all types", read_total(k), headline=k != "engaged")
        for k, m in THREAT_COUNTS
    ),
    Metric(
        key="totals.leaked_share",
        kind=S,
        unit="of arrived",
        meaning="leaked / arrived, all types",
        read=leaked_share,
        summary=False,
        headline=True,
    ),
    threats(f"totals.{UNRESOLVED[0]}", UNRESOLVED[1] + ", all types", read_total(UNRESOLVED[0])),
    threats("totals.leaked_by_reason.{reason}", REASON, lambda f, p: f.total(p["reason"])),
    Group(key="threats", meaning="per threat type", read=empty_group),
    *(
        threats(
            f"threats.{{threat}}.{k}",
            f"{{threat}} {m}",
            read_threat(k),
            headline=several_threats if k == "killed" else False,
        )
        for k, m in THREAT_COUNTS
    ),
    threats("threats.{threat}.leaked_by_reason.{reason}", "{threat} " + REASON, read_threat("{reason}")),
    threats(f"threats.{{threat}}.{UNRESOLVED[0]}", "{threat} " + UNRESOLVED[1], read_threat(UNRESOLVED[0])),
    Group(key="sites", meaning="per site", read=empty_group),
    rounds(
        "sites.{site}.shots",
        "rounds {site} fired",
        lambda f, p: int(f.record.shots[f.holder[p["site"]].index].sum()),
    ),
    *holder_entries("sites.{site}", site=True),
    Group(key="stockpiles_and_producers", meaning="per stockpile and producer", read=empty_group),
    field(
        "stockpiles_and_producers.{holder}.kind",
        "stockpile or producer",
        lambda f, p: f.holder[p["holder"]].kind,
    ),
    rounds(
        "stockpiles_and_producers.{producer}.produced",
        "rounds {producer} made",
        lambda f, p: f.record.produced.get(p["producer"], 0),
    ),
    *holder_entries("stockpiles_and_producers.{holder}", site=False),
    Group(key="routes", meaning="per route", read=empty_group),
    *(field(f"routes.{{route}}.{k}", m, read_route(k)) for k, m in ROUTE_TEXT),
    *(rounds(f"routes.{{route}}.{k}", m, read_route(k)) for k, m in ROUTE_COUNTS),
    field(
        "routes.{route}.state_at_end", "active, paused or cancelled at the end", read_route("state_at_end")
    ),
    Field(
        key="decisions.{all}",
        meaning="political decisions in time order: route events and approval dates (only with any)",
        read=lambda f, p: f.decisions,
        domains={"all": lambda plan, f, p: ["log"] if decisions(plan) else []},
    ),
    Group(key="deliveries_by_source", meaning="rounds delivered, by sender", read=empty_group),
    Metric(
        key="deliveries_by_source.{source}.{interceptor}",
        kind=C,
        unit="rounds",
        meaning="{interceptor} rounds delivered from {source} (absent if none)",
        read=lambda f, p: f.by_source.get(p["source"], {}).get(p["interceptor"], ABSENT),
        domains={"source": sources, "interceptor": source_types},
    ),
    Group(
        key="attacker",
        meaning="with attacker: (null without)",
        read=lambda f, p: {} if f.plan.attacker else None,
    ),
    *(
        Metric(
            key=f"attacker.{{threat}}.{k}",
            kind=C,
            unit="threats",
            meaning=m,
            read=read,
            domains={"threat": attacked},
        )
        for k, m, read in ATTACKER_COUNTS
    ),
    Group(
        key="assets",
        meaning="with assets: per defended asset",
        read=lambda f, p: {} if f.plan.assets else ABSENT,
    ),
    valued(
        "assets.{asset}.damage",
        "damage leakers dealt to {asset} (threat damage, or share of its value)",
        read_asset("damage"),
        headline=True,
    ),
    valued(
        "assets.{asset}.value_protected",
        "{asset}'s value less the damage (0 at least)",
        read_asset("value_protected"),
    ),
    valued(
        "assets.{asset}.damage_by_threat.{threat}",
        "damage {threat} leakers dealt to {asset}",
        read_asset("by_threat", "{threat}"),
    ),
    threats(
        "assets.{asset}.leaked", "threats aimed at {asset} that got through every layer", read_asset("leaked")
    ),
    field(
        "assets.{asset}.layers.{layer}.sites",
        "the sites of the layer (1: the upper tier)",
        lambda f, p: f.layer(p["asset"], p["layer"])["sites"],
    ),
    *(
        threats(f"assets.{{asset}}.layers.{{layer}}.{k}", m, read_layer(k))
        for k, m in (
            ("met", "threats aimed at {asset} that met layer {layer}"),
            ("killed", "threats layer {layer} of {asset} killed"),
            ("passed", "threats that survived layer {layer} of {asset} (went on, or leaked after the last)"),
        )
    ),
    threats(
        "assets.{asset}.layers.{layer}.passed_by_reason.{reason}",
        "threats that survived layer {layer} of {asset} for reason {reason}",
        read_layer("by_reason", "{reason}"),
    ),
    valued(
        "damage.{all}",
        "damage to every asset (with assets: only)",
        lambda f, p: f.damage_total,
        domains={"all": lambda plan, f, p: ["total"] if plan.assets else []},
    ),
    valued(
        "damage.by_threat.{threat}",
        "damage {threat} leakers dealt to every asset (with assets: only)",
        lambda f, p: round(sum(a["by_threat"][p["threat"]] for a in f.assets.values()), 6),
        domains={"threat": lambda plan, f, p: plan.threats if plan.assets else []},
    ),
    *(
        Metric(key=f"cost.{k}", kind=kind, unit=unit, meaning=m, read=read, headline=kind is R)
        for k, kind, unit, m, read in COSTS
    ),
]

REGISTRY = Registry(ENTRIES, DOMAINS)


def summary(run: RunLike) -> dict[str, Any]:
    """A run's summary.json."""
    return REGISTRY.summary(Facts(run))


def row(run: RunLike) -> dict[str, float]:
    """A run's figures by dotted key, as in reps.csv (NaN: never, or undefined)."""
    return REGISTRY.row(Facts(run))


def stockout_key(holder: str, kind: str) -> str:
    """The key of a holder's first stockout day."""
    return f"{'sites' if kind == 'site' else 'stockpiles_and_producers'}.{holder}.first_stockout_day"


#: the figures :func:`value` has looked up, by key: their readers and parameters do not change
#: with the numbers of a plan, so futures of one scenario share them
_ONE: dict[str, Any] = {}


def value(run: RunLike, key: str) -> float:
    """One figure of a run (NaN: never, or undefined), without reading the others."""
    fig: Figure | None = _ONE.get(key)
    if fig is None:
        fig = _ONE[key] = REGISTRY.lookup(run.plan, key)
    v = fig.metric.read(Facts(run), fig.params)
    return math.nan if v is None or v is ABSENT else float(v)
