"""A loaded scenario: the validated specification and the source it came from, side by side.

The source (the data as written, with units kept and overrides applied; the line of every key;
the file name) is what variants are derived from and what is saved with results, so that a
results folder can be run again.  The specification is what the plan is compiled from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._delegate import Delegate
from .errors import KeyPath, Problem

if TYPE_CHECKING:  # the source alone (what io needs) does not pull in the schema
    from .schema import ScenarioSpec


@dataclass(frozen=True)
class ScenarioSource:
    """Where a scenario came from: its name (a path or ``<dict>``), its data and its lines."""

    name: str
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(default_factory=dict, repr=False)
    #: the file as written (comments and all), when it was read from text
    text: str | None = field(default=None, repr=False)
    #: the overrides applied to it (``--set`` and ``--vary`` assignments), in order
    overrides: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: ``spec`` (every key, units resolved) and ``source`` (as written)."""

    spec: ScenarioSpec
    source: ScenarioSource
    #: valid but worth saying: e.g. an event after the end of the run, which never happens
    warnings: tuple[Problem, ...] = ()

    name = Delegate[str]("spec")
    seed = Delegate[int]("spec")
    duration = Delegate[float]("spec", "Days.")
    description = Delegate[str]("spec")
    provenance = Delegate[str]("spec")

    def __repr__(self) -> str:
        return f"Scenario({self.name!r} from {self.source.name}, {self.duration:,.4g} days, seed {self.seed})"
