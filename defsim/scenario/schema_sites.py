"""Scenario blocks of the defence: interceptor and threat types, sites (fire channels,
launchers, doctrine, reserves, rationing, layers) and defended assets."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    Field,
    WithJsonSchema,
    model_validator,
)

from ..vocab import Share
from .schema_supply import Resupply
from .schema_types import (
    _PK_JS,
    MAX_LAYER,
    Cost,
    Duration,
    Location,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    Probability,
    ShareName,
    Strict,
    ThreatClass,
    TimeDistribution,
    _number_to_default,
    _registered_share,
)

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


class Manoeuvre(Strict):
    """A threat that manoeuvres at the end of its flight: harder to hit in its target's last layer."""

    last_layer_pk_drop: Probability = Field(
        description="fraction by which every round's kill probability drops in the last layer defending"
        " the threat's target (an asset's last layer, or the site it is aimed at): 0.3 makes 0.8 into 0.56"
    )


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
    manoeuvre: Manoeuvre | None = Field(
        None, description="how it evades at the end of its flight (default: it does not)"
    )
    description: str = Field("", description="free text")


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
    location: Location | None = Field(None, description="[latitude, longitude] in degrees")
    covers: list[str] = Field(default_factory=list, description="assets this site defends (as a layer)")
    layer: Annotated[int, Field(ge=1, le=MAX_LAYER)] = Field(
        1, description="its layer in the defence of 'covers': 1 = the upper tier"
    )
    window: Duration | None = Field(
        None, description="engagement window: how long a threat is in reach (default: its time_to_impact)"
    )
    rationing: list[RationRule] = Field(default_factory=list, description="doctrine as stock falls")
    description: str = Field("", description="free text")


class Asset(Strict):
    """A defended asset: what leakers damage."""

    value: Cost = Field(0.0, description="its value (money or points)")
    location: Location | None = Field(None, description="[latitude, longitude] in degrees")
    share: ShareName = Field(
        Share.FIRST_ABLE,
        title="Share",
        description="how several sites of one layer share the threats",
        json_schema_extra=_registered_share.js,
    )
    description: str = Field("", description="free text")
