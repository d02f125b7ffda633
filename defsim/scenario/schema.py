"""The scenario format: every key a scenario file may hold, in one place.

A scenario is validated in two steps: this pydantic schema checks each key's type and range
(units are parsed here, so the rest of defsim sees days and per-day rates), then
:func:`defsim.scenario.check_references` checks what only the whole file can tell: that a
site names interceptor types that exist, that a date is not before ``start``, and so on.
``defsim schema`` prints this schema as JSON Schema for editor completion.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from .units import check_date, parse_duration, parse_rate, parse_time_of_day, parse_time_point

#: the most rounds, threats or weight units one number may give: far above any real stockpile,
#: and well inside the range where the engine's counts and float times stay exact
MAX_COUNT = 10**12
#: the largest cost of one round or threat (any currency)
MAX_COST = 1e15

# Bounded numbers: every count, cost and weight is finite and in a stated range (docs/reference/scenario.md)
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PositiveInt = Annotated[int, Field(ge=1, le=MAX_COUNT)]
NonNegativeFloat = Annotated[float, Field(ge=0.0, le=float(MAX_COUNT), allow_inf_nan=False)]
Cost = Annotated[float, Field(ge=0.0, le=MAX_COST, allow_inf_nan=False)]

THREAT_CLASSES = ("ballistic_missile", "cruise_missile", "drone", "decoy", "aircraft")
ThreatClass = Literal["ballistic_missile", "cruise_missile", "drone", "decoy", "aircraft"]

_DURATION_JS = {"type": ["string", "number"], "description": "duration: 30s, 45m, 6h, 3d, 2w; number = days"}
_RATE_JS = {
    "type": ["string", "number"],
    "description": "rate: 20/h, 2/d, 10/month, 500/yr; number = per day",
}
_TIME_JS = {"type": ["string", "number"], "description": "time after start (3d, 36h) or a date (2024-01-15)"}

Duration = Annotated[float, BeforeValidator(parse_duration), WithJsonSchema(_DURATION_JS)]
Rate = Annotated[float, BeforeValidator(parse_rate), WithJsonSchema(_RATE_JS)]
TimePoint = Annotated[float | dt.datetime, BeforeValidator(parse_time_point), WithJsonSchema(_TIME_JS)]
TimeOfDay = Annotated[
    float, BeforeValidator(parse_time_of_day), WithJsonSchema({"type": "string", "description": "HH:MM"})
]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


def _number_to_default(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"default": value}
    return value


def _to_weights(value: Any) -> Any:
    """A name, a list of names (equal weights) or a map of names to weights -> a map."""
    if isinstance(value, str):
        return {value: 1.0}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {v: 1.0 for v in value}
    return value


# the JSON Schema (for editors) admits the same shorthands the validators accept
_WEIGHTS_JS = {
    "anyOf": [
        {"type": "string"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
    ]
}
_PK_JS = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "object", "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}},
    ]
}
Weights = Annotated[dict[str, NonNegativeFloat], BeforeValidator(_to_weights), WithJsonSchema(_WEIGHTS_JS)]


def _start(value: Any) -> Any:
    """``start:`` as a date-time: a date, a date-time, or either written as text."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"expected a date such as 2024-01-15 (or 2024-01-15 06:00), got {value!r}"
            ) from None
    if isinstance(value, dt.date):
        return check_date(value)
    if value is None:
        return None
    # pydantic would read a number as seconds since 1970 (with a time zone): not what anyone means
    raise ValueError(f"expected a date such as 2024-01-15, got {value!r}")


class Strict(BaseModel):
    """Base for every block: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- interceptors and threats ------------------------------------------------------------


class InterceptorType(Strict):
    """A kind of interceptor round."""

    unit_cost: Cost = Field(0.0, description="cost of one round (any currency)")
    pk: Annotated[dict[str, Probability], BeforeValidator(_number_to_default), WithJsonSchema(_PK_JS)] = (
        Field(
            description="single-shot kill probability: one number, or a map from threat type or"
            " threat class to probability, with an optional 'default'"
        )
    )
    reliability: Probability = Field(
        1.0, description="probability a round works; the effective kill probability is reliability * pk"
    )
    description: str = Field("", description="free text")


class ThreatType(Strict):
    """A kind of incoming threat."""

    threat_class: ThreatClass = Field(
        alias="class", description="the threat's class (interceptors' pk, engage and reserve may name it)"
    )
    unit_cost: Cost = Field(0.0, description="cost of one threat, for the cost-exchange ratio")
    time_to_impact: Duration = Field(
        0.0, description="how long the threat can wait for a free fire channel; 0 = engage now or never"
    )
    damage: NonNegativeFloat = Field(
        0.0, description="damage (value units) one leaker deals to the asset it reaches through every layer"
    )
    damage_share: Probability = Field(
        0.0, description="damage as a share of the asset's value, added to 'damage'"
    )
    description: str = Field("", description="free text")


# --- sites ------------------------------------------------------------------------------


class TimeDistribution(Strict):
    """A random duration: fixed, exponential, uniform or triangular."""

    dist: Literal["fixed", "exponential", "uniform", "triangular"] = Field(description="the distribution")
    value: Duration | None = Field(None, description="fixed")
    mean: Duration | None = Field(None, description="exponential")
    low: Duration | None = Field(None, description="uniform, triangular")
    mode: Duration | None = Field(None, description="triangular")
    high: Duration | None = Field(None, description="uniform, triangular")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return {"dist": "fixed", "value": data}
        return data

    @model_validator(mode="after")
    def _complete(self) -> TimeDistribution:
        needs = {
            "fixed": ("value",),
            "exponential": ("mean",),
            "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high"),
        }[self.dist]
        given = {k for k in ("value", "mean", "low", "mode", "high") if getattr(self, k) is not None}
        if set(needs) != given:
            raise ValueError(f"dist: {self.dist} takes exactly {', '.join(needs)}")
        if self.dist == "uniform" and self.high < self.low:  # type: ignore[operator]
            raise ValueError("uniform needs low <= high")
        if self.dist == "triangular" and not self.low <= self.mode <= self.high:  # type: ignore[operator]
            raise ValueError("triangular needs low <= mode <= high")
        return self

    @property
    def mean_value(self) -> float:
        if self.dist == "fixed":
            return self.value  # type: ignore[return-value]
        if self.dist == "exponential":
            return self.mean  # type: ignore[return-value]
        if self.dist == "uniform":
            return (self.low + self.high) / 2  # type: ignore[operator]
        return (self.low + self.mode + self.high) / 3  # type: ignore[operator]


class Launchers(Strict):
    """Launchers of one interceptor type: ready rounds, reloaded from the site's stock."""

    count: PositiveInt = Field(description="launchers of this type")
    rounds: PositiveInt = Field(description="ready rounds per launcher")
    reload_time: Duration = Field(description="time to reload one launcher from the site's stock")


class KillAssessment(Strict):
    """Imperfect kill assessment between shoot-look-shoot opportunities."""

    p_live_judged_alive: Probability = Field(
        1.0, description="probability a surviving threat is seen to survive (and shot at again)"
    )
    p_dead_judged_alive: Probability = Field(
        0.0, description="probability a killed threat is wrongly judged alive (rounds wasted)"
    )


class Doctrine(Strict):
    """How many rounds go at one threat."""

    mode: Literal["salvo", "shoot_look_shoot"] = Field(
        "salvo", description="salvo, or shoot-look-shoot (fire, assess, fire again)"
    )
    shots: PositiveInt = Field(1, description="rounds per engagement cycle (the salvo size)")
    opportunities: PositiveInt = Field(
        1, description="shoot-look-shoot: engagement cycles at most (salvo: always 1)"
    )
    kill_assessment: KillAssessment | None = Field(
        None, description="shoot-look-shoot: assessment errors (default: perfect)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Doctrine:
        if self.mode == "salvo" and self.opportunities != 1:
            raise ValueError("a salvo has one opportunity; use mode: shoot_look_shoot for more")
        return self


class ReserveRule(Strict):
    """Keep the last ``keep`` rounds of an interceptor type for the listed threats."""

    interceptor: str = Field(description="the interceptor type kept")
    keep: PositiveInt = Field(description="rounds kept for the listed threats")
    for_threats: list[str] = Field(alias="for", min_length=1, description="threat types or threat classes")


class RationRule(Strict):
    """Doctrine while the site holds fewer than ``below`` rounds of ``interceptor``."""

    interceptor: str = Field(description="the interceptor type whose stock is watched")
    below: PositiveInt = Field(description="the rule holds while the site holds fewer rounds than this")
    shots: PositiveInt | None = Field(None, description="rounds per engagement cycle at most")
    engage: list[str] | None = Field(
        None, description="threat types or classes still engaged with this type (others: rationed)"
    )

    @model_validator(mode="after")
    def _something(self) -> RationRule:
        if self.shots is None and self.engage is None:
            raise ValueError("a rationing rule needs shots:, engage: or both")
        return self


class Site(Strict):
    """A defended site (a battery): fire channels, launchers, stock and doctrine."""

    interceptors: list[str] = Field(min_length=1, description="interceptor types, in preference order")
    stock: dict[str, NonNegativeInt] = Field(
        default_factory=dict, description="rounds held at the start, per type (loaded first)"
    )
    fire_channels: PositiveInt = Field(description="simultaneous engagements")
    engagement_time: TimeDistribution = Field(
        description="how long one engagement cycle holds a fire channel"
    )
    launchers: dict[str, Launchers] = Field(
        default_factory=dict, description="per type; without it every round is ready"
    )
    engage: list[str] | None = Field(
        None, description="threat types or classes engaged, highest priority first (default: all)"
    )
    doctrine: Doctrine = Field(default_factory=Doctrine, description="how many rounds go at one threat")  # type: ignore[arg-type]  # pydantic overloads
    reserve: list[ReserveRule] = Field(default_factory=list, description="rounds kept back for some threats")
    resupply: list[Resupply] = Field(default_factory=list, description="the site's own reorder policies")
    location: tuple[float, float] | None = Field(None, description="[latitude, longitude]")
    covers: list[str] = Field(default_factory=list, description="assets this site defends (as a layer)")
    layer: PositiveInt = Field(1, description="its layer in the defence of 'covers': 1 = the upper tier")
    window: Duration | None = Field(
        None, description="engagement window: how long a threat is in reach (default: its time_to_impact)"
    )
    rationing: list[RationRule] = Field(default_factory=list, description="doctrine as stock falls")
    description: str = Field("", description="free text")


class Asset(Strict):
    """A defended asset: what leakers damage."""

    value: Cost = Field(0.0, description="its value (money or points)")
    location: tuple[float, float] | None = Field(None, description="[latitude, longitude]")
    share: Literal["first_able", "least_loaded", "most_rounds"] = Field(
        "first_able", description="how several sites of one layer share the threats"
    )
    description: str = Field("", description="free text")


# --- attacks ----------------------------------------------------------------------------


class RaidSize(Strict):
    """How many threats of a type one raid holds: a number, or one of poisson/uniform/fixed."""

    poisson: NonNegativeFloat | None = Field(None, description="Poisson with this mean")
    uniform: tuple[NonNegativeInt, NonNegativeInt] | None = Field(
        None, description="[low, high], both included"
    )
    fixed: NonNegativeInt | None = Field(None, description="exactly this many")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"fixed": data}
        return data

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


class Wave(Strict):
    """One attack at a given time."""

    at: TimePoint = Field(description="when the wave arrives")
    threats: dict[str, NonNegativeInt] = Field(min_length=1, description="threats per type")
    targets: Weights | None = Field(
        None, description="sites or assets, a list of them, or weights (default: all sites, or all assets)"
    )
    spread: Duration = Field(0.0, description="arrivals spread uniformly over this window")
    label: str = Field("", description="shown on plots (default: wave N)")


class Raid(Strict):
    """Raids that recur every period, with a random size per threat type."""

    every: Duration = Field(gt=0, description="period between raids")
    at: TimeOfDay | None = Field(None, description='time of day, e.g. "02:00"')
    first: TimePoint | None = Field(None, description="time of the first raid (default: start)")
    until: TimePoint | None = Field(None, description="no raid after this time (default: the end)")
    size: dict[str, RaidSize] = Field(min_length=1, description="threats per type in each raid")
    targets: Weights | None = Field(
        None, description="sites or assets, a list of them, or weights (default: all sites, or all assets)"
    )
    spread: Duration = Field(0.0, description="arrivals spread uniformly over this window")
    label: str = Field("", description="shown in outputs")


class Stream(Strict):
    """A Poisson stream of threats."""

    rate: Rate = Field(description="threats per unit time")
    threats: Weights = Field(description="one threat type, or a mix of types with weights")
    begin: TimePoint | None = Field(None, alias="from", description="when the stream starts (default: start)")
    until: TimePoint | None = Field(None, description="when it stops (default: the end)")
    targets: Weights | None = Field(
        None, description="sites or assets, a list of them, or weights (default: all sites, or all assets)"
    )
    label: str = Field("", description="shown in outputs")


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


# --- deliveries (the simple supply form) ------------------------------------------------


class Delivery(Strict):
    """Rounds arriving at a holder from outside the scenario, once or every period."""

    at: TimePoint = Field(description="the (first) delivery")
    to: str = Field(description="holder name (a site, stockpile or producer)")
    interceptor: str = Field(description="the type delivered")
    quantity: PositiveInt = Field(description="rounds per delivery")
    every: Duration | None = Field(None, gt=0, description="repeat every period")
    until: TimePoint | None = Field(None, description="no delivery after this time (default: the end)")
    source: str = Field("outside", description="label shown in outputs")


# --- the supply network -----------------------------------------------------------------


class Allocation(Strict):
    """Periodic allocation from a stockpile to the sites it feeds."""

    to: list[str] = Field(min_length=1, description="the sites (or stockpiles) fed")
    interceptor: str = Field(description="the type allocated")
    policy: Literal["lowest_stock_first", "proportional_to_use", "priority"] = Field(
        "lowest_stock_first", description="who gets the rounds"
    )
    every: Duration = Field(gt=0, description="period between allocations")
    first: TimePoint | None = Field(None, description="the first allocation (default: start)")
    quantity: PositiveInt | None = Field(
        None, description="rounds per allocation at most (default: all above floor)"
    )
    up_to: PositiveInt | None = Field(None, description="fill each recipient to at most this level")
    floor: NonNegativeInt = Field(0, description="rounds the stockpile keeps")
    lead_time: TimeDistribution | None = Field(
        None, description="time from stockpile to recipient (default 0)"
    )


class Stockpile(Strict):
    """A national or theatre depot: holds stock, ships it, allocates it to the sites it feeds."""

    stock: dict[str, NonNegativeInt] = Field(
        default_factory=dict, description="rounds held at the start, per type"
    )
    capacity: dict[str, PositiveInt] = Field(default_factory=dict, description="most it can hold, per type")
    allocate: Allocation | list[Allocation] | None = Field(
        None,
        description="an allocation rule, or a list of them: one per interceptor type or group of sites",
    )
    description: str = Field("", description="free text")

    def allocations(self) -> list[tuple[tuple[int, ...], Allocation]]:
        """Each allocation rule with its place under ``allocate`` (``()`` for a single rule)."""
        if self.allocate is None:
            return []
        if isinstance(self.allocate, Allocation):
            return [((), self.allocate)]
        return [((i,), a) for i, a in enumerate(self.allocate)]


class RatePoint(Strict):
    at: TimePoint = Field(description="from this time on")
    rate: Rate = Field(description="the production rate")


class Producer(Strict):
    """Makes interceptors at a rate that can ramp, from a start date, up to an optional cap."""

    interceptor: str = Field(description="the type made")
    rate: Rate | None = Field(None, description="constant rate (or give ramp)")
    ramp: list[RatePoint] | None = Field(None, description="rates from given times on")
    interpolate: Literal["step", "linear"] = Field("step", description="between ramp points")
    start: TimePoint | None = Field(None, description="first production (default: time 0)")
    cap: PositiveInt | None = Field(None, description="total output at most")
    to: str | None = Field(None, description="ship output to this holder as it is made (a route)")
    batch: PositiveInt = Field(
        1,
        description="rounds are finished (and shipped to 'to') in lots of this many (no last partial lot)",
    )
    lead_time: TimeDistribution | None = Field(None, description="for shipments to 'to'")
    not_before: TimePoint | None = Field(
        None, description="approval date for shipments to 'to': output waits at the producer until then"
    )
    stock: dict[str, NonNegativeInt] = Field(
        default_factory=dict, description="finished rounds held at start"
    )
    description: str = Field("", description="free text")

    @model_validator(mode="after")
    def _one_rate(self) -> Producer:
        if (self.rate is None) == (self.ramp is None):
            raise ValueError("give exactly one of rate: or ramp:")
        if self.ramp is not None and not self.ramp:
            raise ValueError("ramp: needs at least one point")
        return self


class Transfer(Strict):
    """A route between two holders: one-off shipments, periodic ones, a standing flow or backfill."""

    name: str | None = Field(None, description="route name (default: 'FROM -> TO')")
    source: str = Field(alias="from", description="holder name, or 'outside'")
    to: str = Field(description="holder name")
    interceptor: str = Field(description="the type moved")
    at: TimePoint | None = Field(None, description="one-off or first shipment")
    quantity: PositiveInt | None = Field(None, description="rounds per shipment")
    every: Duration | None = Field(None, gt=0, description="repeat shipments with this period")
    rate: Rate | None = Field(None, description="standing flow: ship 'batch' rounds every batch/rate")
    batch: PositiveInt = Field(1, description="standing flow: rounds per shipment")
    backfill: str | None = Field(
        None, description="route: when it delivers n to 'from', ship n*fraction to 'to'"
    )
    fraction: Annotated[
        float,
        Field(gt=0.0, le=1.0, description="backfill: the share of what 'backfill' delivers that is sent on"),
    ] = 1.0
    until: TimePoint | None = Field(None, description="no shipment after this time (default: the end)")
    lead_time: TimeDistribution | None = Field(None, description="fixed or random (default 0)")
    not_before: TimePoint | None = Field(None, description="approval date: nothing leaves before it")
    floor: NonNegativeInt = Field(0, description="ship only what the sender holds above this")
    loss: Probability = Field(0.0, description="probability a shipment is lost in transit (interdiction)")
    enabled: bool = Field(True, description="false: the route is cut from the start (nothing ships)")

    @model_validator(mode="after")
    def _one_kind(self) -> Transfer:
        kinds = [
            k
            for k, v in (("at/quantity", self.quantity), ("rate", self.rate), ("backfill", self.backfill))
            if v is not None
        ]
        if len(kinds) != 1:
            raise ValueError("a transfer is one of: quantity (with at, optionally every), rate, or backfill")
        if self.quantity is not None and self.at is None:
            raise ValueError("a shipment of 'quantity' needs 'at'")
        if self.every is not None and self.quantity is None:
            raise ValueError("'every' repeats a shipment of 'quantity'")
        return self

    @property
    def route(self) -> str:
        return self.name or f"{self.source} -> {self.to}"


class RouteEvent(Strict):
    """A political event on a route: pause, resume, cancel, or delay what is in transit."""

    at: TimePoint = Field(description="when it happens")
    route: str = Field(description="the route's name")
    action: Literal["pause", "resume", "cancel", "delay"] = Field(description="what happens to the route")
    by: Duration | None = Field(None, description="delay: how much later shipments in transit arrive")
    waiting: Literal["keep", "drop"] | None = Field(
        None,
        description="pause: keep what waits to leave until the resume (default), or drop it (not shipped)",
    )

    @model_validator(mode="after")
    def _by(self) -> RouteEvent:
        if (self.action == "delay") != (self.by is not None):
            raise ValueError("'by' goes with action: delay, and only with it")
        if self.waiting is not None and self.action != "pause":
            raise ValueError("'waiting' goes with action: pause, and only with it")
        return self


class Resupply(Strict):
    """A site's own reorder policy for one interceptor type."""

    interceptor: str = Field(description="the type reordered")
    policy: Literal["base_stock", "reorder_point"] = Field(
        description="base_stock (one for one) or reorder_point ((s, S))"
    )
    level: PositiveInt = Field(description="base stock S, or the order-up-to level S of (s, S)")
    reorder_at: NonNegativeInt | None = Field(None, description="reorder point s of (s, S)")
    trigger: Literal["shot", "demand"] = Field(
        "shot", description="base_stock: reorder each round fired, or each round asked for by a threat"
    )
    source: str = Field("outside", alias="from", description="a stockpile, or 'outside' (unlimited)")
    lead_time: TimeDistribution | None = Field(None, description="time from order to arrival (default 0)")

    @model_validator(mode="after")
    def _consistent(self) -> Resupply:
        if self.policy == "reorder_point":
            if self.reorder_at is None:
                raise ValueError("policy: reorder_point needs reorder_at (s)")
            if self.reorder_at >= self.level:
                raise ValueError("reorder_at (s) must be below level (S)")
        elif self.reorder_at is not None:
            raise ValueError("reorder_at goes with policy: reorder_point")
        return self


class CrossLevel(Strict):
    """Move stock from the fullest site to the emptiest when they differ by more than a threshold."""

    sites: list[str] = Field(min_length=2, description="the sites levelled")
    interceptor: str = Field(description="the type moved")
    every: Duration = Field(gt=0, description="period between checks")
    threshold: PositiveInt = Field(description="move when fullest - emptiest exceeds this")
    lead_time: TimeDistribution | None = Field(None, description="time from site to site (default 0)")


class AttackerStock(Strict):
    """What the attacker has: raids launch only what exists."""

    stock: dict[str, NonNegativeInt] = Field(default_factory=dict, description="per threat type at start")
    production: dict[str, Rate] = Field(default_factory=dict, description="per threat type")


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
