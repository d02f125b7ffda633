"""The plan compiler: ``build(spec)`` turns a validated scenario specification into a :class:`Plan`."""

from __future__ import annotations

import numpy as np

from ..scenario.schema import ScenarioSpec
from .attacks import attacker_caps, build_attacks
from .model import Plan, ShotPlan
from .network import build_network
from .sites import build_assets, build_sites


def build(spec: ScenarioSpec) -> Plan:
    """Compile a scenario specification (``Scenario.spec``) into a plan."""
    start = spec.start_datetime
    inames = list(spec.interceptors)
    tnames = list(spec.threats)
    sites = build_sites(spec)
    return Plan(
        name=spec.name,
        duration=spec.duration,
        start=start,
        interceptors=inames,
        threats=tnames,
        threat_class=[t.threat_class for t in spec.threats.values()],
        interceptor_cost=np.array([i.unit_cost for i in spec.interceptors.values()]),
        threat_cost=np.array([t.unit_cost for t in spec.threats.values()]),
        time_to_impact=np.array([t.time_to_impact for t in spec.threats.values()]),
        sites=sites,
        network=build_network(spec, inames, tnames, start),
        attacks=build_attacks(spec, [s.name for s in sites], start),
        attacker=attacker_caps(spec, tnames),
        assets=build_assets(spec),
        shots=[
            ShotPlan(t.manoeuvre.last_layer_pk_drop if t.manoeuvre is not None else 0.0)
            for t in spec.threats.values()
        ],
    )
