"""The plan layer: a validated scenario specification compiled into plain typed data.

This package exports the plan's types; :func:`defsim.plan.compiler.build` makes one from a
``Scenario.spec``.  The engine reads a :class:`Plan` and nothing else, so it never imports the
compiler (nor, through it, the schema).
"""

from __future__ import annotations

from .model import (
    OUTSIDE,
    AllocationPlan,
    AssetPlan,
    AttackPlan,
    CrossLevelPlan,
    DurationPlan,
    HolderPlan,
    NetworkPlan,
    Plan,
    ProducerPlan,
    RaidPlan,
    RationPlan,
    ResupplyPlan,
    RouteEventPlan,
    RoutePlan,
    ShotPlan,
    SitePlan,
    SizePlan,
    StreamPlan,
    WavePlan,
)
from .schedules import Every, Production

__all__ = [
    "OUTSIDE",
    "AllocationPlan",
    "AssetPlan",
    "AttackPlan",
    "CrossLevelPlan",
    "DurationPlan",
    "Every",
    "HolderPlan",
    "NetworkPlan",
    "Plan",
    "ProducerPlan",
    "Production",
    "RaidPlan",
    "RationPlan",
    "ResupplyPlan",
    "RouteEventPlan",
    "RoutePlan",
    "ShotPlan",
    "SitePlan",
    "SizePlan",
    "StreamPlan",
    "WavePlan",
]
