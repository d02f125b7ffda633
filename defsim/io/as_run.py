"""The scenario as run, as results carry it: its names, its currency, its rationing rules, its plan.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import folder_check as fc
from .formats import write_json

#: scenario.yaml longer or deeper than this is not read back (a scenario is a few kilobytes)
MAX_SCENARIO, MAX_DEPTH = 4 * 2**20, 64
META = ("name", "description", "provenance", "question")


@dataclass
class AsRun:
    """The scenario as run (``data``, the keys as written, overrides applied, the seed set),
    ``text`` (scenario.yaml, shown in reports) and the ``plan`` when it is known (a result in
    memory; a folder's is built by whoever asks, from ``data``: the io layer has no schema)."""

    data: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    plan: Any = None

    @property
    def currency(self) -> str:
        return str(self.data.get("currency", "USD"))

    @property
    def meta(self) -> dict[str, str]:
        return {k: str(self.data.get(k) or "").strip() for k in META}

    def rationing(self, holder: str, itype: str) -> list[dict[str, Any]]:
        """``holder``'s rationing rules on ``itype`` (``below``, ``shots``, ``engage``)."""
        try:
            rules = self.data["sites"][holder].get("rationing") or []
        except (KeyError, TypeError, AttributeError):
            return []
        if not isinstance(rules, list):
            return []
        return [r for r in rules if _rule(r) and r.get("interceptor") == itype]


def _rule(rule: Any) -> bool:
    """A rationing rule the stock plot can draw: a number below, whole shots, a list to engage."""
    if not isinstance(rule, dict) or not fc._is_num(rule.get("below")):
        return False
    shots, engage = rule.get("shots"), rule.get("engage")
    return (shots is None or (fc._is_num(shots) and 0 < shots < 1e6)) and (
        engage is None or (isinstance(engage, list) and len(engage) < 1000)
    )


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
