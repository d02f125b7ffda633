"""The scenario as run in a results folder (the model, :class:`~defsim.analysis.as_run.AsRun`, is the
analysis layer's): written beside the results and read back.

A results folder holds the scenario it ran twice: ``scenario.yaml`` for people (comments kept;
running it again reproduces the results) and ``scenario.json``, the same data as strict JSON, by
which the folder is read back.  A result in memory carries the same data (:func:`as_run_data`)
and the plan it ran, so plots, answers and reports drawn in memory and from the folder read the
same values through the same accessors.

A folder written before ``scenario.json`` existed is read from its ``scenario.yaml`` (bounded:
too big, too deep or not YAML names nothing; the figures come from the other files).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from ..analysis.as_run import AsRun
from . import folder_check as fc
from .formats import write_json

#: scenario.yaml longer or deeper than this is not read back (a scenario is a few kilobytes)
MAX_SCENARIO, MAX_DEPTH = 4 * 2**20, 64


def _iso(value: Any) -> str:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not scenario data")


def _plain(value: Any) -> Any:
    """YAML data as JSON data: a date or a time as ISO text (what the schema reads back)."""
    return json.loads(json.dumps(value, default=_iso))


def as_run_data(source: Any, seed: int) -> dict[str, Any]:
    """What ``scenario.json`` holds: the scenario's data as run (overrides applied, the seed set)."""
    data: dict[str, Any] = _plain({**source.data, "seed": seed})
    return data


def of_result(source: Any, seed: int, plan: Any) -> AsRun:
    """The scenario as run of a result in memory."""
    return AsRun(as_run_data(source, seed), plan=plan)


def write_as_run(path: Path, source: Any, seed: int) -> None:
    write_json(path, as_run_data(source, seed))


def read_as_run(folder: Path, summary: dict[str, Any] | None = None) -> AsRun:
    """A folder's scenario as run: scenario.json, checked (its name and seed must be the
    summary's); else, for an older folder, scenario.yaml as far as it can be read."""
    text_path, path = folder / "scenario.yaml", folder / "scenario.json"
    text = fc.read_text(text_path) if text_path.is_file() else ""
    if not path.exists():
        return AsRun(_yaml(text), text)
    data = fc.check(path, fc.read_json(path), fc.SCENARIO)
    if summary is not None:
        for key in ("scenario", "seed"):
            mine = data["name" if key == "scenario" else key]
            if mine != summary[key]:
                raise fc.tampered(path, f"{key} {mine!r} where summary.json has {summary[key]!r}")
    return AsRun(data, text)


def _yaml(text: str) -> dict[str, Any]:
    """An older folder's scenario.yaml data; empty when missing, too big or unreadable.  Only
    keys are looked up in it, so aliases cost nothing; deep nesting is caught."""
    if not text or len(text) > MAX_SCENARIO:
        return {}
    return _parsed(text)


@functools.lru_cache(maxsize=4)
def _parsed(text: str) -> dict[str, Any]:
    import yaml

    class Bounded(yaml.SafeLoader):
        """Stops at the first node nested deeper than any scenario: the scanner reads only as far
        as the composer asks, so ``[[[[...`` is refused at once rather than after seconds."""

        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            try:
                if self.depth > MAX_DEPTH:
                    raise yaml.YAMLError(f"nested more than {MAX_DEPTH} levels deep")
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    try:
        data = yaml.load(text, Loader=Bounded)
        return _plain(data) if isinstance(data, dict) else {}
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):  # TypeError: e.g. !!binary
        return {}
