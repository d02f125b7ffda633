"""The scenario schema's building blocks: bounded numbers, units, the strict base, times.

Every block of :mod:`defsim.scenario.schema` is built from these; nothing here is a scenario key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..vocab import Dist, RouteAction, Trigger, allocation_policies, resupply_policies, share_rules
from .units import (
    PROBABILITY_HINT,
    check_date,
    parse_duration,
    parse_period,
    parse_probability,
    parse_rate,
    parse_time_of_day,
    parse_time_point,
    show_number,
)

#: the most rounds, threats or weight units one number may give: far above any real stockpile,
#: and well inside the range where the engine's counts and float times stay exact
MAX_COUNT = 10**12
#: the highest ``layer:`` of a layered defence: far more tiers than any defence has
MAX_LAYER = 100
#: the largest cost of one round or threat (any currency)
MAX_COST = 1e15


def _within(low: float, high: float) -> BeforeValidator:
    """An integer no float can hold (309 digits or more) refused before pydantic converts it
    (which would call it "not a valid number"), with the key's range."""

    def check(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
            raise ValueError(f"expected a number from {low:g} to {high:g}, got {show_number(value)}")
        return value

    return BeforeValidator(check)


# Bounded numbers: every count, cost and weight is finite and in a stated range (docs/reference/scenario.md)
NonNegativeInt = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PositiveInt = Annotated[int, Field(ge=1, le=MAX_COUNT)]
NonNegativeFloat = Annotated[
    float, Field(ge=0.0, le=float(MAX_COUNT), allow_inf_nan=False), _within(0, MAX_COUNT)
]
Cost = Annotated[float, Field(ge=0.0, le=MAX_COST, allow_inf_nan=False), _within(0, MAX_COST)]
#: a place on the map: [latitude, longitude] in degrees
Location = tuple[
    Annotated[float, Field(ge=-90.0, le=90.0), _within(-90, 90)],
    Annotated[float, Field(ge=-180.0, le=180.0), _within(-180, 180)],
]

THREAT_CLASSES = ("ballistic_missile", "cruise_missile", "drone", "decoy", "aircraft")
ThreatClass = Literal["ballistic_missile", "cruise_missile", "drone", "decoy", "aircraft"]

_DURATION_JS = {"type": ["string", "number"], "description": "duration: 30s, 45m, 6h, 3d, 2w; number = days"}
_PERIOD_JS = {
    "type": ["string", "number"],
    "description": "period: 30s, 45m, 6h, 3d, 2w; number = days; at least 1s",
}
_RATE_JS = {
    "type": ["string", "number"],
    "description": "rate: 20/h, 2/d, 10/month, 500/yr; number = per day",
}
_TIME_JS = {"type": ["string", "number"], "description": "time after start (3d, 36h) or a date (2024-01-15)"}

Duration = Annotated[float, BeforeValidator(parse_duration), WithJsonSchema(_DURATION_JS)]


def _words(choice: type[StrEnum]) -> dict[str, Any]:
    """A choice's JSON Schema: its words, as a Literal of them would give."""
    return {"enum": [m.value for m in choice], "type": "string"}


# the choices of defsim.vocab: YAML names a member by its word
DistChoice = Annotated[Dist, WithJsonSchema(_words(Dist))]
TriggerChoice = Annotated[Trigger, WithJsonSchema(_words(Trigger))]
ActionChoice = Annotated[RouteAction, WithJsonSchema(_words(RouteAction))]


class Registered:
    """Checks a name open to registration (reorder policies, sharing and allocation policies): one
    of ``names()``, asked when checked and when the JSON Schema is made, so registered names are
    included."""

    def __init__(self, names: Callable[[], list[str]]) -> None:
        self.names = names

    def __call__(self, name: str) -> str:
        names = self.names()
        if name not in names:
            expected = " or ".join(f"'{n}'" for n in names)
            raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})
        return name

    def js(self, schema: dict[str, Any]) -> None:
        schema["enum"] = self.names()


_registered_policy = Registered(resupply_policies)
_policies_js = _registered_policy.js
_registered_share = Registered(share_rules)
_registered_allocation = Registered(allocation_policies)

#: a site's reorder policy: a built-in one (vocab.ResupplyPolicy) or one registered since
PolicyName = Annotated[str, AfterValidator(_registered_policy)]
#: an asset's layer-sharing rule: a built-in one (vocab.Share) or one registered since
ShareName = Annotated[str, AfterValidator(_registered_share)]
#: a stockpile's allocation policy: a built-in one (vocab.AllocationPolicy) or one registered since
AllocationName = Annotated[str, AfterValidator(_registered_allocation)]


#: the period of something that recurs: a duration of at least one second
Period = Annotated[float, BeforeValidator(parse_period), WithJsonSchema(_PERIOD_JS)]
Rate = Annotated[float, BeforeValidator(parse_rate), WithJsonSchema(_RATE_JS)]
TimePoint = Annotated[float | dt.datetime, BeforeValidator(parse_time_point), WithJsonSchema(_TIME_JS)]
TimeOfDay = Annotated[
    float, BeforeValidator(parse_time_of_day), WithJsonSchema({"type": "string", "description": "HH:MM"})
]
_PROBABILITY_JS = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*[0-9.]+\s*%\s*$"},
    ],
    "description": PROBABILITY_HINT,
}
#: a probability: 0.7, or a percentage "70%" (units in strings, as durations and rates have them)
Probability = Annotated[
    float,
    BeforeValidator(parse_probability),
    Field(ge=0.0, le=1.0),
    _within(0, 1),  # runs first: a number no float holds is refused with the range
    WithJsonSchema(_PROBABILITY_JS),
]


def _number_to_default(value: Any) -> Any:
    """One probability for every threat (0.7 or "70%") -> {"default": it}; a map stays a map."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        parse_probability(value)  # "high" is refused here, saying what a probability looks like
        return {"default": value}
    if not isinstance(value, dict):
        raise ValueError(
            f"expected {PROBABILITY_HINT}, or a map from threat type or class to probability, got {value!r}"
        )
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
_PK_JS = {"anyOf": [*_PROBABILITY_JS["anyOf"], {"type": "object", "additionalProperties": _PROBABILITY_JS}]}
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


def shorthand(scalar: type | UnionType, expand: Callable[[Any], dict[str, Any]]) -> Any:
    """A block's before-validator: a bare ``scalar`` (never a bool) stands for ``expand(it)``."""

    def read(cls: type, data: Any) -> Any:
        if isinstance(data, scalar) and not isinstance(data, bool):
            return expand(data)
        return data

    return model_validator(mode="before")(read)  # a classmethod: its first parameter is cls


class TimeDistribution(Strict):
    """A random duration: fixed, exponential, uniform or triangular."""

    dist: DistChoice = Field(title="Dist", description="the distribution")
    value: Duration | None = Field(None, description="fixed")
    mean: Duration | None = Field(None, description="exponential")
    low: Duration | None = Field(None, description="uniform, triangular")
    mode: Duration | None = Field(None, description="triangular")
    high: Duration | None = Field(None, description="uniform, triangular")

    _shorthand = shorthand(str | int | float, lambda v: {"dist": "fixed", "value": v})

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
