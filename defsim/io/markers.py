"""Markers on a run's timeline: raids, political decisions, route events (markers.csv).

A marker is (time, label, kind); plots draw every marker of a kind they show through one
function (:func:`defsim.io.plotkit.draw_markers`), so a new kind of marker (say, an asset hit)
is one more row here and appears on the plots without the plotting code changing.  Deliveries
are not markers: they are in events.csv with their quantity and type, and plots read them there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine.records import EventKind
from .formats import FORMULA_START, csv_text, write_csv

if TYPE_CHECKING:
    from ..analysis import RunAnalysis

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


def write_markers(path: Path, markers: Iterable[Marker], sink: Any = write_csv) -> None:
    sink(
        path,
        ["time_d", "kind", "label", "size"],
        ([f"{m.time:.6f}", m.kind, csv_text(m.label), str(m.size)] for m in markers),
    )


def uncsv(text: str) -> str:
    """A text field as the user wrote it (undo the spreadsheet-formula guard of csv_text)."""
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_START and text[1:2] else text


def read_markers(path: Path, text: str | None = None) -> list[Marker]:
    """markers.csv (``text``: its text in memory), or no markers for a folder written before it existed."""
    if text is None and not path.is_file():
        return []
    from . import folder_check as fc

    return [
        Marker(
            fc.number(path, line, "time_d", r[col["time_d"]]),
            uncsv(r[col["label"]]),
            r[col["kind"]],
            fc.count(path, line, "size", r[col["size"]], 0),
        )
        for line, col, r in fc.Table(path, ("time_d", "kind", "label", "size"), text).rows()
    ]
