"""What a student takes away from the explorer: the scenario as run (YAML with its ``--set``
lines), a run's results as CSV, every run of the session as an Excel workbook.

Spreadsheet cells never start a formula: a user's name beginning with ``=`` arrives as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import yaml


def scenario_yaml(setup: Any) -> str:
    """The scenario as run, as YAML that loads to the same scenario; its --set lines as comments."""
    scenario = setup.source.load(setup.sets)
    head = [
        f"# {setup.source.name}, as run in defsim explore",
        f"# the same run: {setup.command()}",
    ]
    head += [f"# --set {s}" for s in setup.sets] or ["# (no --set: the file as it ships)"]
    body = yaml.safe_dump(scenario.source.data, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + body


def _cell(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def result_rows(run: Any) -> tuple[list[str], list[list[Any]]]:
    """A run's results as a table: one row per replication and figure column (an ensemble), or
    one row per change of stock (a single run)."""
    r = run.result
    if hasattr(r, "collected"):
        cols = ["replication", *r.columns]
        rows = [[i, *map(_cell, map(float, row))] for i, row in enumerate(r.values.tolist())]
        return cols, rows
    cols = ["time_d", "date", "holder", "kind", "interceptor", "level", "ready"]
    return cols, [list(row) for row in r.stock_rows()]


def _safe(x: Any) -> Any:
    """A spreadsheet cell that is never a formula (=, +, -, @ start one)."""
    if isinstance(x, str) and x[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + x
    return x


def results_csv(run: Any) -> str:
    import csv
    import io

    cols, rows = result_rows(run)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow(["" if v is None else _safe(v) for v in row])
    return buf.getvalue()


def results_xlsx(runs: Sequence[Any]) -> bytes:
    """An Excel workbook: a sheet per run (its table) and one of the set-ups."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "runs"
    info.append(["run", "scenario", "seed", "replications", "set", "command", "seconds"])
    for run in runs:
        s = run.setup
        info.append(
            [
                _safe(run.title),
                _safe(s.source.name),
                s.seed,
                s.reps,
                _safe("; ".join(s.sets)),
                _safe(s.command()),
                round(run.seconds, 3),
            ]
        )
    for run in runs:
        ws = wb.create_sheet(f"run {run.number}"[:31])
        cols, rows = result_rows(run)
        ws.append(cols)
        for row in rows:
            ws.append([_safe(v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
