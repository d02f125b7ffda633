"""Scenario blocks of the supply network: deliveries, stockpiles, producers, transfers,
route events, reorder policies, cross-levelling and the attacker's own stock."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    model_validator,
)

from ..vocab import AllocationPolicy, Trigger
from .schema_types import (
    ActionChoice,
    AllocationName,
    Duration,
    NonNegativeInt,
    Period,
    PolicyName,
    PositiveInt,
    Probability,
    Rate,
    Strict,
    TimeDistribution,
    TimePoint,
    TriggerChoice,
    _policies_js,
    _registered_allocation,
)

# --- deliveries (the simple supply form) ------------------------------------------------


class Delivery(Strict):
    """Rounds arriving at a holder from outside the scenario, once or every period."""

    at: TimePoint = Field(description="the (first) delivery")
    to: str = Field(description="holder name (a site, stockpile or producer)")
    interceptor: str = Field(description="the type delivered")
    quantity: PositiveInt = Field(description="rounds per delivery")
    every: Period | None = Field(None, description="repeat every period")
    until: TimePoint | None = Field(None, description="no delivery after this time (default: the end)")
    source: str = Field("outside", description="label shown in outputs")


# --- the supply network -----------------------------------------------------------------


class Allocation(Strict):
    """Periodic allocation from a stockpile to the sites it feeds."""

    to: list[str] = Field(min_length=1, description="the sites (or stockpiles) fed")
    interceptor: str = Field(description="the type allocated")
    policy: AllocationName = Field(
        AllocationPolicy.LOWEST_STOCK_FIRST,
        title="Policy",
        description="who gets the rounds",
        json_schema_extra=_registered_allocation.js,
    )
    every: Period = Field(description="period between allocations")
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
    every: Period | None = Field(None, description="repeat shipments with this period")
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
    action: ActionChoice = Field(title="Action", description="what happens to the route")
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
    policy: PolicyName = Field(
        title="Policy",
        description="base_stock (one for one) or reorder_point ((s, S))",
        json_schema_extra=_policies_js,
    )
    level: PositiveInt = Field(description="base stock S, or the order-up-to level S of (s, S)")
    reorder_at: NonNegativeInt | None = Field(None, description="reorder point s of (s, S)")
    trigger: TriggerChoice = Field(
        Trigger.SHOT,
        title="Trigger",
        description="base_stock: reorder each round fired, or each round asked for by a threat",
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
    every: Period = Field(description="period between checks")
    threshold: PositiveInt = Field(description="move when fullest - emptiest exceeds this")
    lead_time: TimeDistribution | None = Field(None, description="time from site to site (default 0)")


class AttackerStock(Strict):
    """What the attacker has: raids launch only what exists."""

    stock: dict[str, NonNegativeInt] = Field(default_factory=dict, description="per threat type at start")
    production: dict[str, Rate] = Field(default_factory=dict, description="per threat type")
