"""markers.csv: a run's markers (:mod:`defsim.analysis.markers`, whose names are re-exported here)
written into its results folder and read back."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..analysis.markers import DECISION, RAID, Marker, big_raids, run_markers
from . import folder_check as fc
from .formats import csv_text, uncsv, write_csv

__all__ = ["DECISION", "RAID", "Marker", "big_raids", "read_markers", "run_markers", "uncsv", "write_markers"]


def write_markers(path: Path, markers: Iterable[Marker]) -> None:
    write_csv(
        path,
        ["time_d", "kind", "label", "size"],
        ([f"{m.time:.6f}", m.kind, csv_text(m.label), str(m.size)] for m in markers),
    )


def read_markers(path: Path) -> list[Marker]:
    """markers.csv, or no markers for a folder written before it existed."""
    if not path.is_file():
        return []
    return [
        Marker(
            fc.number(path, line, "time_d", r[col["time_d"]]),
            uncsv(r[col["label"]]),
            r[col["kind"]],
            fc.count(path, line, "size", r[col["size"]], 0),
        )
        for line, col, r in fc.Table(path, ("time_d", "kind", "label", "size")).rows()
    ]
