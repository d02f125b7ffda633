"""The plan: a scenario compiled into plain typed data that the engine reads.

Names have become indices, durations days, rates per day, dates and times of day offsets from
time 0, kill probabilities one effective probability per (interceptor, threat) pair with
reliability folded in.  Nothing here is pydantic, and nothing here changes during a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..vocab import Dist, HolderKind, RouteAction, RouteKind, SizeKind, Trigger
from .schedules import Every, Production

#: the sender of rounds that come from outside the scenario
OUTSIDE = -1


@dataclass(frozen=True)
class DurationPlan:
    """A random duration (days): ``dist`` and the parameters it uses."""

    dist: Dist
    value: float = 0.0  # fixed
    mean: float = 0.0  # exponential
    low: float = 0.0  # uniform, triangular
    mode: float = 0.0  # triangular
    high: float = 0.0  # uniform, triangular


@dataclass(frozen=True)
class ShotPlan:
    """How a shot at one threat type resolves beyond the round's kill probability."""

    #: fraction by which the kill probability drops in the last layer defending the threat's target
    last_layer_pk_drop: float = 0.0


@dataclass
class SitePlan:
    name: str
    index: int
    types: list[int]  # interceptor type indices, preference order
    initial: list[int]  # rounds at start, per entry of ``types``
    capacity: list[float]  # ready-round capacity per type (inf: every round is ready)
    reload_rounds: list[int]
    reload_time: list[float]
    fire_channels: int
    engagement: DurationPlan
    shots: int
    opportunities: int
    assess_live: float  # P(live target judged alive)
    assess_dead: float  # P(dead target judged alive)
    rank: list[int | None]  # per threat type: engage priority (0 = highest), None = not engaged
    # per threat type: usable (local type slot, effective p, rounds kept in reserve from it)
    choices: list[list[tuple[int, float, int]]]
    #: per threat type: how long it can wait here (the layer's engagement window), days
    window: list[float] = field(default_factory=list)
    rationing: list[RationPlan] = field(default_factory=list)
    layered: bool = False  # covers an asset: a threat that survives it goes on to the next layer
    layer: int = 1  # its layer number: its shot and assessment draws are the layer's own


@dataclass
class RationPlan:
    """While the site holds fewer than ``below`` rounds of slot ``slot``: at most ``shots`` rounds
    per cycle (0: the doctrine's) and only the threat types ``allowed`` (per type) from that slot."""

    slot: int
    below: int
    shots: int
    allowed: list[bool]


@dataclass
class AssetPlan:
    """A defended asset: its layers (site indices, upper tier first) and what leakers do to it."""

    name: str
    index: int
    value: float
    share: str  # a registered layer-sharing rule (vocab.share_rules)
    layers: list[list[int]]
    layer_numbers: list[int]  # the scenario's layer: numbers, per entry of ``layers``
    damage: list[float]  # per threat type: damage of one leaker (value units)


@dataclass
class HolderPlan:
    name: str
    kind: HolderKind
    index: int
    types: list[int]
    initial: dict[int, int]
    capacity: dict[int, float]


@dataclass
class RoutePlan:
    index: int
    name: str
    kind: RouteKind
    src: int  # holder index, or OUTSIDE
    dst: int
    itype: int
    lead: DurationPlan | None = None
    not_before: float = 0.0
    floor: int = 0
    loss: float = 0.0
    schedule: Every | None = None  # when a shipment, flow or delivery ships ``quantity``
    quantity: int = 0
    backfill_of: int = -1
    fraction: float = 1.0
    enabled: bool = True
    source: str = ""  # label for "deliveries by source": the sender, or a delivery's source


@dataclass
class ProducerPlan:
    holder: int
    itype: int
    output: Production  # when lots are finished
    route: int  # OUTSIDE when output stays at the producer
    batch: int = 1  # rounds shipped together to ``route``


@dataclass
class AllocationPlan:
    holder: int
    itype: int
    recipients: list[int]
    routes: list[int]
    policy: str  # a registered allocation policy (vocab.allocation_policies)
    times: Every
    quantity: int | None
    up_to: int | None
    floor: int


@dataclass
class CrossLevelPlan:
    sites: list[int]
    itype: int
    times: Every
    threshold: int
    routes: dict[tuple[int, int], int]


@dataclass
class ResupplyPlan:
    site: int
    itype: int
    policy: str  # a registered reorder policy (vocab.resupply_policies)
    level: int
    reorder_at: int
    trigger: Trigger
    route: int


@dataclass
class RouteEventPlan:
    time: float
    route: int
    action: RouteAction
    by: float
    drop: bool = False  # pause: what waits to leave is dropped (not shipped) instead of kept


@dataclass
class NetworkPlan:
    holders: list[HolderPlan]
    routes: list[RoutePlan]
    producers: list[ProducerPlan]
    allocations: list[AllocationPlan]
    cross_levels: list[CrossLevelPlan]
    resupply: list[ResupplyPlan]
    events: list[RouteEventPlan]


# --- attacks ---------------------------------------------------------------------------------


@dataclass
class SizePlan:
    """Threats of one type per raid occurrence: ``poisson`` (mean a), ``uniform`` (a..b) or ``fixed`` (a)."""

    threat: int
    kind: SizeKind
    a: float
    b: float = 0.0


@dataclass
class WavePlan:
    index: int  # position in the scenario's attacks, for the default label
    at: float
    counts: list[tuple[int, int]]  # (threat type, number)
    spread: float
    targets: list[float] | None  # weight per site; None: every site alike
    label: str


@dataclass
class RaidPlan:
    index: int
    first: float  # the first occurrence, time of day already applied
    until: float
    every: float
    sizes: list[SizePlan]
    spread: float
    targets: list[float] | None
    label: str


@dataclass
class StreamPlan:
    index: int
    begin: float
    until: float
    rate: float  # threats per day
    threats: list[int]
    weights: list[float]
    targets: list[float] | None
    label: str = ""


AttackPlan = WavePlan | RaidPlan | StreamPlan


@dataclass
class Plan:
    name: str
    duration: float
    start: dt.datetime | None  # for dates on outputs only: the engine works in days from 0
    interceptors: list[str]
    threats: list[str]
    threat_class: list[str]
    interceptor_cost: np.ndarray
    threat_cost: np.ndarray
    time_to_impact: np.ndarray
    sites: list[SitePlan]
    network: NetworkPlan
    attacks: list[AttackPlan] = field(default_factory=list)
    #: per threat type index: (attacker's stock at start, production per day) where limited
    attacker: dict[int, tuple[int, float]] = field(default_factory=dict)
    #: defended assets; attack targets index sites, then these (n_sites + asset index)
    assets: list[AssetPlan] = field(default_factory=list)
    #: per threat type, how a shot at it resolves (empty: every type as a plain shot)
    shots: list[ShotPlan] = field(default_factory=list)

    @property
    def site_names(self) -> list[str]:
        return [s.name for s in self.sites]

    @property
    def holder_names(self) -> list[str]:
        return [h.name for h in self.network.holders]
