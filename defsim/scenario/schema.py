"""The scenario format: every key a scenario file may hold, in one place.

A scenario is validated in two steps: this pydantic schema checks each key's type and range
(units are parsed here, so the rest of defsim sees days and per-day rates), then
:func:`defsim.scenario.check_references` checks what only the whole file can tell: that a
site names interceptor types that exist, that a date is not before ``start``, and so on.
``defsim schema`` prints this schema as JSON Schema for editor completion.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    WithJsonSchema,
    model_validator,
)

from .schema_knobs import Knob
from .schema_sites import (
    Asset,
    Doctrine,
    InterceptorType,
    KillAssessment,
    Launchers,
    Manoeuvre,
    RationRule,
    ReserveRule,
    Site,
    ThreatType,
)
from .schema_supply import (
    Allocation,
    AttackerStock,
    CrossLevel,
    Delivery,
    Producer,
    RatePoint,
    Resupply,
    RouteEvent,
    Stockpile,
    Transfer,
)
from .schema_types import (
    _DURATION_JS,
    MAX_COST,
    MAX_COUNT,
    THREAT_CLASSES,
    Cost,
    Duration,
    NonNegativeFloat,
    NonNegativeInt,
    Period,
    PositiveInt,
    Probability,
    Rate,
    Strict,
    ThreatClass,
    TimeDistribution,
    TimeOfDay,
    TimePoint,
    Weights,
    _start,
    shorthand,
)

# the scenario's blocks live in three modules; this one is where the rest of defsim imports them
__all__ = [
    "MAX_COST",
    "MAX_COUNT",
    "THREAT_CLASSES",
    "Allocation",
    "Asset",
    "Attack",
    "AttackerStock",
    "Cost",
    "CrossLevel",
    "Delivery",
    "Doctrine",
    "Duration",
    "InterceptorType",
    "KillAssessment",
    "Knob",
    "Launchers",
    "Manoeuvre",
    "NonNegativeFloat",
    "NonNegativeInt",
    "Period",
    "PositiveInt",
    "Probability",
    "Producer",
    "Raid",
    "RaidSize",
    "Rate",
    "RatePoint",
    "RationRule",
    "ReserveRule",
    "Resupply",
    "RouteEvent",
    "ScenarioSpec",
    "Site",
    "Stockpile",
    "Stream",
    "Strict",
    "ThreatClass",
    "ThreatType",
    "TimeDistribution",
    "TimeOfDay",
    "TimePoint",
    "Transfer",
    "Wave",
    "Weights",
    "json_schema",
]


# --- attacks ----------------------------------------------------------------------------


class RaidSize(Strict):
    """How many threats of a type one raid holds: a number, or one of poisson/uniform/fixed."""

    poisson: NonNegativeFloat | None = Field(None, description="Poisson with this mean")
    uniform: tuple[NonNegativeInt, NonNegativeInt] | None = Field(
        None, description="[low, high], both included"
    )
    fixed: NonNegativeInt | None = Field(None, description="exactly this many")

    _shorthand = shorthand(int, lambda n: {"fixed": n})

    @model_validator(mode="after")
    def _one(self) -> RaidSize:
        given = [k for k in ("poisson", "uniform", "fixed") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give a number, or exactly one of poisson:, uniform:, fixed:")
        if self.uniform is not None and self.uniform[1] < self.uniform[0]:
            raise ValueError("uniform: [low, high] needs low <= high")
        return self

    @property
    def mean(self) -> float:
        if self.poisson is not None:
            return self.poisson
        if self.uniform is not None:
            return (self.uniform[0] + self.uniform[1]) / 2
        return float(self.fixed or 0)


#: where an attack's threats go (one key of waves, raids and streams)
Targets = Annotated[
    Weights | None,
    Field(description="sites or assets, a list of them, or weights (default: all sites, or all assets)"),
]
#: the window an attack's arrivals are spread over (waves and raids)
Spread = Annotated[Duration, Field(description="arrivals spread uniformly over this window")]
#: a raid's or stream's name in outputs
Label = Annotated[str, Field(description="shown in outputs")]


class Wave(Strict):
    """One attack at a given time."""

    at: TimePoint = Field(description="when the wave arrives")
    threats: dict[str, NonNegativeInt] = Field(min_length=1, description="threats per type")
    targets: Targets = None
    spread: Spread = 0.0
    label: str = Field("", description="shown on plots (default: wave N)")


class Raid(Strict):
    """Raids that recur every period, with a random size per threat type."""

    every: Period = Field(description="period between raids")
    at: TimeOfDay | None = Field(None, description='time of day, e.g. "02:00"')
    first: TimePoint | None = Field(None, description="time of the first raid (default: start)")
    until: TimePoint | None = Field(None, description="no raid after this time (default: the end)")
    size: dict[str, RaidSize] = Field(min_length=1, description="threats per type in each raid")
    targets: Targets = None
    spread: Spread = 0.0
    label: Label = ""


class Stream(Strict):
    """A Poisson stream of threats."""

    rate: Rate = Field(description="threats per unit time")
    threats: Weights = Field(description="one threat type, or a mix of types with weights")
    begin: TimePoint | None = Field(None, alias="from", description="when the stream starts (default: start)")
    until: TimePoint | None = Field(None, description="when it stops (default: the end)")
    targets: Targets = None
    label: Label = ""


class Attack(Strict):
    """One item of ``attacks:``: exactly one of ``wave``, ``raid``, ``stream``."""

    wave: Wave | None = Field(None, description="one attack at a given time")
    raid: Raid | None = Field(None, description="recurring raids")
    stream: Stream | None = Field(None, description="a Poisson stream")

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        if isinstance(data, dict):
            kinds = [k for k in ("wave", "raid", "stream") if k in data]
            if len(kinds) != 1:
                raise ValueError(
                    "each attack is exactly one of 'wave:', 'raid:' or 'stream:'"
                    + (f", got {', '.join(kinds)}" if kinds else "")
                )
        return data

    @property
    def kind(self) -> str:
        return "wave" if self.wave else "raid" if self.raid else "stream"


# --- the scenario -----------------------------------------------------------------------


class ScenarioSpec(Strict):
    """A whole scenario file."""

    name: str = Field(min_length=1, description="a title, shown on plots and tables")
    description: str = Field("", description="free text")
    question: str = Field("", description="the question the scenario answers (defsim list shows it)")
    provenance: str = Field(min_length=1, description="where the numbers come from")
    start: Annotated[
        dt.datetime | None,
        BeforeValidator(_start),
        WithJsonSchema({"type": "string", "description": "a date (2024-01-15) or date-time"}),
    ] = Field(None, description="calendar date of time 0")
    duration: Duration = Field(gt=0, description="how long to simulate")
    seed: Annotated[int, Field(ge=0, lt=2**63, description="random seed (--seed overrides it)")] = 0
    currency: str = Field(
        "USD", pattern=r"^[A-Za-z]{3}$", description="the currency of every unit_cost (ISO code, e.g. USD)"
    )
    interceptors: dict[str, InterceptorType] = Field(min_length=1, description="interceptor types by name")
    threats: dict[str, ThreatType] = Field(min_length=1, description="threat types by name")
    sites: dict[str, Site] = Field(min_length=1, description="defended sites (batteries) by name")
    assets: dict[str, Asset] = Field(
        default_factory=dict, description="defended assets (targets); a site named as a target is its own"
    )
    attacks: list[Attack] = Field(default_factory=list, description="waves, raids and streams of threats")
    deliveries: list[Delivery] = Field(
        default_factory=list, description="rounds arriving from outside the scenario (the simple supply form)"
    )
    stockpiles: dict[str, Stockpile] = Field(default_factory=dict, description="depots by name")
    producers: dict[str, Producer] = Field(default_factory=dict, description="factories by name")
    transfers: list[Transfer] = Field(default_factory=list, description="routes between holders")
    route_events: list[RouteEvent] = Field(
        default_factory=list, description="political events on routes (pause, resume, cancel, delay)"
    )
    cross_levelling: list[CrossLevel] = Field(
        default_factory=list, description="rules that move stock between sites"
    )
    attacker: AttackerStock | None = Field(
        None, description="the attacker's own stock and production (default: unlimited)"
    )
    knobs: list[Knob] = Field(
        default_factory=list,
        description="the keys `defsim explore` offers as controls (default: derived from the scenario)",
    )

    @property
    def start_datetime(self) -> dt.datetime | None:
        return self.start


def json_schema() -> dict[str, Any]:
    """The scenario format as JSON Schema (``defsim schema``), for editors' completion and checks."""
    schema = ScenarioSpec.model_json_schema(by_alias=True)
    # a random duration may be written as a fixed one ("5m"), as the model's validator accepts
    defs = schema["$defs"]
    defs["TimeDistribution"] = {"anyOf": [_DURATION_JS, defs["TimeDistribution"]]}
    return schema
