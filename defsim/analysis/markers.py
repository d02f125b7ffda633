"""Markers on a run's timeline: raids, political decisions, route events (markers.csv).

A marker is (time, label, kind); plots draw every marker of a kind they show through one
function (:func:`defsim.io.plotkit.draw_markers`), so a new kind of marker (say, an asset hit)
is one more row here and appears on the plots without the plotting code changing.  Deliveries
are not markers: they are in the event log with their quantity and type, and plots read them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..engine.records import EventKind

if TYPE_CHECKING:
    from .run import RunAnalysis

#: kinds of markers: raids (and strikes), decisions (political or by a user's process)
RAID, DECISION = "raid", "decision"


@dataclass(frozen=True)
class Marker:
    time: float
    label: str
    kind: str
    #: a raid's size (threats), else 0
    size: int = 0


def big_raids(raids: list[tuple[float, int, str]], most: int = 8) -> list[tuple[float, int, str]]:
    """The raids worth marking: the largest few, and only those well above the typical size."""
    if not raids:
        return []
    sizes = np.array([r[1] for r in raids])
    threshold = max(float(np.median(sizes)) * 2, 1) if len(raids) > 3 else 0
    big = [r for r in raids if r[1] >= threshold]
    return sorted(sorted(big, key=lambda r: -r[1])[:most])


def run_markers(result: RunAnalysis) -> list[Marker]:
    """The markers of one run: its big raids, route openings and route events, control actions."""
    plan = result.plan
    routes = plan.network.routes
    out = [Marker(t, f"{label}: {size}", RAID, size) for t, size, label in big_raids(result.record.raids)]
    for r in routes:
        if r.not_before > 0 and r.enabled:
            out.append(Marker(r.not_before, f"{r.name} opens", DECISION))
    for e in plan.network.events:
        out.append(Marker(e.time, f"{routes[e.route].name}: {e.action}", DECISION))
    ev = result.record.events
    if ev is not None:
        names = {
            EventKind.PAUSED: "paused",
            EventKind.RESUMED: "resumed",
            EventKind.DOCTRINE: "doctrine changed",
        }
        rec_routes = result.record.routes
        acts = ev.of(*names)
        for t, kind, route, holder in zip(
            acts.time.tolist(), acts.kind.tolist(), acts.route.tolist(), acts.holder.tolist(), strict=True
        ):
            where = rec_routes[route]["name"] if route >= 0 else plan.holder_names[holder]
            out.append(Marker(t, f"{where}: {names[EventKind(kind)]}", DECISION))
    return sorted(out, key=lambda m: (m.time, m.kind, m.label))
