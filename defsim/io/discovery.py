"""A discovery's files: its checkpoint while it runs, and its results folder when it is done.

While futures run, each finished chunk is appended to ``done.jsonl`` in a checkpoint folder
(appended and synced, not rewritten: a torn last line is dropped when read)
(``<out>.partial``, with the design it was started with in ``design.json``) and synced to disk,
so a discovery that stops resumes where it was.  The checkpoint holds no marker of a results
folder: nothing takes it for finished results.  When all futures are in, the results folder is
written whole (see :mod:`defsim.io.files`) and the checkpoint removed.

The results folder: ``samples.csv`` (one row per future: its inputs and outcome),
``boxes.json`` (PRIM boxes with their peeling trajectories), ``ranking.json``,
``discovery.json`` (the design and the answer in words), ``scenario.yaml``, the plots
``tradeoff.png``, ``box_scatter.png`` and ``ranking.png``, ``ema/`` (the EMA Workbench shape:
``experiments.csv``, ``outcomes.json`` and ``results.tar.gz`` for ``ema_workbench.load_results``)
and, if asked, ``report.html``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import shutil
import tarfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from .files import OutputError, OutputRefused, Target, result_folder, write_output
from .formats import csv_number, csv_text, write_csv, write_json

if TYPE_CHECKING:
    from ..scenario import ScenarioSource

DESIGN = "design.json"
DONE = "done.jsonl"


def _canonical(data: Any) -> Any:
    return json.loads(json.dumps(data, allow_nan=False, default=str))


class Checkpoint:
    """The futures of a discovery finished so far, appended and synced as they come."""

    def __init__(self, folder: Path, design: dict[str, Any], resume: bool):
        self.folder = folder
        self._file: Any = None
        design = _canonical(design)
        try:
            if (folder / DESIGN).is_file():
                if not resume:
                    raise OutputRefused(
                        f"{folder} holds an unfinished discovery: pass --resume to continue it, or "
                        "delete that folder to start again"
                    )
                saved = json.loads((folder / DESIGN).read_text(encoding="utf-8"))
                differ = sorted(k for k in set(saved) | set(design) if saved.get(k) != design.get(k))
                if differ:
                    raise OutputRefused(
                        f"cannot resume from {folder}: it was started with other settings "
                        f"({', '.join(differ)} differ); run with the same ones, or delete it to start again"
                    )
            elif folder.exists() and any(folder.iterdir()):
                raise OutputRefused(
                    f"{folder} exists and is not a discovery's checkpoint; choose another --out"
                )
            else:
                folder.mkdir(parents=True, exist_ok=True)
                tmp = folder / f".{DESIGN}.tmp"
                with tmp.open("w", encoding="utf-8") as f:
                    f.write(json.dumps(design, indent=1) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, folder / DESIGN)
        except OSError as exc:
            raise OutputError(f"cannot write the checkpoint {folder}: {exc.strerror or exc}") from None

    def load(self) -> dict[int, list[float]]:
        """The futures finished so far; a line torn by a crash is dropped (and its futures rerun)."""
        path = self.folder / DONE
        out: dict[int, list[float]] = {}
        if not path.is_file():
            return out
        raw = path.read_bytes()
        good = 0
        for line in raw.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break
            try:
                entry = json.loads(line)
                chunk = {int(i): [math.nan if v is None else float(v) for v in ys] for i, ys in entry}
            except (ValueError, TypeError):
                break
            out.update(chunk)
            good += len(line)
        if good < len(raw):
            with path.open("r+b") as f:
                f.truncate(good)
        return out

    def append(self, got: Sequence[tuple[int, Sequence[float]]]) -> None:
        if self._file is None:
            self._file = (self.folder / DONE).open("a", encoding="utf-8")
        line = json.dumps(
            [[i, [None if not math.isfinite(v) else v for v in ys]] for i, ys in got], allow_nan=False
        )
        self._file.write(line + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def checkpoint_of(out: str | Path) -> Path:
    """The checkpoint folder of a results folder."""
    out = Path(out)
    return out.with_name(out.name + ".partial")


# --- the results folder ------------------------------------------------------------------------


def save_discovery(
    result: Any, to: Target, source: ScenarioSource | None = None, scenario_yaml: str = "", dpi: int = 110
) -> Path:
    """Write a :class:`~defsim.api.results_discover.DiscoveryResult`'s folder (atomically)."""
    inputs = [source.name] if source is not None and Path(source.name).is_file() else []
    command = to.command
    with result_folder(to.folder, to.force, inputs) as tmp:
        _samples_csv(result, tmp / "samples.csv")
        write_json(tmp / "boxes.json", result.boxes_json())
        write_json(tmp / "ranking.json", result.ranking_json())
        write_json(
            tmp / "discovery.json",
            {**result.summary, "defsim": __version__, "command": command, "answer": result.answers()},
        )
        write_output(tmp / "scenario.yaml", scenario_yaml)
        _ema(result, tmp / "ema")
        if to.plot:
            from .plot_discover import draw
            from .plotkit import save

            for name, fig in draw(result).items():
                save(fig, tmp / f"{name}.{to.fmt}", dpi)
        if to.report:
            from .report_discover import render

            write_output(tmp / "report.html", render(result, command, scenario_yaml))
    return Path(to.folder)


def _samples_csv(result: Any, path: Path) -> None:
    us = result.uncertainties
    head = ["future", *(u.label for u in us), result.figure]
    if result.condition is not None:
        head += ["share_meeting", "of_interest"]
    else:
        head += ["of_interest"]
    rows = []
    for i, values in enumerate(result.values):
        ys = [float(v) for v in result.y[i] if math.isfinite(v)]
        mean = sum(ys) / len(ys) if ys else math.nan
        row = [str(i), *(csv_text(u.column(v)) for u, v in zip(us, values, strict=True)), csv_number(mean)]
        if result.condition is not None:
            row.append(csv_number(float(result.target[i])))
        row.append("1" if result.interest[i] else "0")
        rows.append(row)
    write_csv(path, head, rows)


def _ema(result: Any, folder: Path) -> None:
    """The EMA Workbench's shape: an experiments table (one column per uncertainty, then
    ``scenario``, ``policy``, ``model``) and an outcomes dict of arrays (futures x replications),
    as plain files and as the archive ``ema_workbench.load_results`` reads (``results.tar.gz``:
    ``experiments.csv``, one file per outcome and ``metadata.json``, its format 0.1)."""
    folder.mkdir()
    us = result.uncertainties
    head = [*(u.key for u in us), "scenario", "policy", "model"]
    rows = [
        [
            *(csv_text(u.column(v)) for u, v in zip(us, values, strict=True)),
            str(i),
            "None",
            csv_text(result.name),
        ]
        for i, values in enumerate(result.values)
    ]
    write_csv(folder / "experiments.csv", head, rows)
    write_json(folder / "outcomes.json", {result.figure: [[float(v) for v in ys] for ys in result.y]})
    _ema_archive(result, folder / "results.tar.gz", head, rows)


def _csv(rows: list[list[str]], head: list[str] | None = None) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    if head is not None:
        w.writerow(head)
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def _ema_archive(result: Any, path: Path, head: list[str], rows: list[list[str]]) -> None:
    def dtype(u: Any) -> str:
        if u.kind in ("date", "choice"):
            return "object"  # read back as a category
        return "int64" if u.integer else "float64"

    experiments = {u.key: dtype(u) for u in result.uncertainties}
    experiments.update({"scenario": "int64", "policy": "object", "model": "object"})
    reps = result.y.shape[1]
    name = result.figure
    if reps == 1:  # a number per future: EMA's ScalarOutcome (its files end in .cls)
        outcome = ["ScalarOutcome", name, f"{name}.cls"]
        values = [[csv_number(float(ys[0]))] for ys in result.y]
    else:  # futures x replications: an ArrayOutcome
        outcome = ["ArrayOutcome", name, f"{name}.csv"]
        values = [[csv_number(float(v)) for v in ys] for ys in result.y]
    files = {
        "experiments.csv": _csv(rows, head),
        outcome[2]: _csv(values),
        "metadata.json": json.dumps(
            {"version": 0.1, "outcomes": [outcome], "experiments": experiments}
        ).encode(),
    }
    # gzip and tar without times or names of this machine: the same bytes on every run
    raw = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for fname, data in files.items():
            info = tarfile.TarInfo(fname)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    write_output(path, raw.getvalue())
