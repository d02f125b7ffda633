"""What a run records: event kinds, leak reasons, and the named record types readers use.

The integer values of :class:`EventKind` and :class:`LeakReason` are stable (outputs name
events and reasons by them): never renumber, only append.  A :class:`RunRecord` carries its
event log and its stock changes as named numpy columns, so readers select by name
(``events.kind == EventKind.SHOT``), never by column number.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np

from ..plan import Plan


class Labelled(IntEnum):
    """A code with a word: ``name.lower()``."""

    @property
    def label(self) -> str:
        return self.name.lower()


class EventKind(Labelled):
    """What happened; ``name.lower()`` is the word written in events.csv."""

    ARRIVAL = 0
    SHOT = 1
    KILL = 2
    LEAK = 3
    DELIVERY = 4
    RELOAD = 5
    PRODUCED = 6
    SHIPPED = 7
    LOST = 8
    # actions of user processes (control.py): a route paused or resumed, a site's doctrine changed
    PAUSED = 9
    RESUMED = 10
    DOCTRINE = 11
    # layered defence: a threat survived one layer of an asset's defence and goes on to the next
    PASSED = 12
    # political decisions on routes (route_events:, approval dates): n is the rounds concerned
    CANCELLED = 13
    DELAYED = 14
    APPROVED = 15


class LeakReason(Labelled):
    """Why a threat leaked; ``name.lower()`` is the word written in outputs."""

    NO_STOCK = 0
    SATURATED = 1
    NOT_ENGAGED = 2
    MISSED = 3
    # let through by a rationing rule of the site's doctrine
    RATIONED = 4


EVENT_KINDS = tuple(k.label for k in EventKind)
REASONS = tuple(r.label for r in LeakReason)

#: the event log's columns, in the order events.csv writes them
EVENT_COLUMNS = ("time", "kind", "holder", "threat_id", "threat", "interceptor", "n", "reason", "route")


class _Rows:
    """Named columns of equal length, ``time`` among them: their length is the rows'."""

    time: np.ndarray

    def __len__(self) -> int:
        return len(self.time)


@dataclass
class EventLog(_Rows):
    """Every event of a run in the order it happened, one numpy array per column.

    ``time`` is in days; the others are integer codes, -1 where a column does not apply:
    ``holder`` (site or stockpile index, -1 outside), ``threat_id``, ``threat`` (type),
    ``interceptor`` (type), ``n`` (rounds, 1 for threat events), ``reason``
    (:class:`LeakReason`) and ``route`` (route index).  Each column has the type of its field in
    the recorder's full record (``n`` and ``time`` 64 bits, ``kind`` and ``reason`` 8, the
    indices 32): half the memory of 64 bits throughout, and the event log is made faster.
    """

    time: np.ndarray
    kind: np.ndarray
    holder: np.ndarray
    threat_id: np.ndarray
    threat: np.ndarray
    interceptor: np.ndarray
    n: np.ndarray
    reason: np.ndarray
    route: np.ndarray

    def select(self, mask: np.ndarray) -> EventLog:
        """The events where ``mask`` is true, in their order."""
        return EventLog(*(getattr(self, c)[mask] for c in EVENT_COLUMNS))

    def of(self, *kinds: EventKind) -> EventLog:
        """The events of these kinds, in their order."""
        return self.select(np.isin(self.kind, [int(k) for k in kinds]))


@dataclass
class StockLog(_Rows):
    """Every change of a stock level in the order it happened: named columns.

    ``series`` indexes :attr:`RunRecord.series`; ``level`` is the stock held after the change
    and ``ready`` the rounds of it on launchers (equal to ``level`` off sites).
    """

    time: np.ndarray
    series: np.ndarray
    level: np.ndarray
    ready: np.ndarray


@dataclass
class RunRecord:
    """Everything one run recorded, as arrays; derived figures are computed by readers."""

    plan: Plan
    seed: int
    replication: int
    series: list[tuple[str, str, str]]  # (holder, interceptor type, kind) per series id
    initial: np.ndarray  # level per series at time 0
    initial_ready: np.ndarray  # ready rounds per series at time 0
    stock: StockLog
    events: EventLog | None  # None when the run recorded no event log
    arrivals: int
    planned: np.ndarray  # per threat type, before the attacker's stock capped raids
    arrived: np.ndarray  # per threat type
    engaged: np.ndarray
    killed: np.ndarray
    leaked: np.ndarray  # (reason, threat type)
    shots: np.ndarray  # (site, interceptor type)
    raids: list[tuple[float, int, str]]
    deliveries: list[tuple[float, int, int]]  # (time, route, quantity) of every delivery
    routes: list[dict[str, Any]]  # per route: name, kind, from, to, interceptor, shipped, delivered, ...
    produced: dict[str, int]
    #: layered defence of assets (None when the plan has no assets): see engine/layers.py
    layers: LayerRecord | None = None


@dataclass
class LayerRecord:
    """What the assets' layers saw: counts per (asset, layer, threat type) and damage."""

    target: np.ndarray  # per threat id: the site or asset (n_sites + asset index) it was aimed at
    entered: np.ndarray  # (asset, layer, threat type): threats that met the layer
    killed: np.ndarray  # (asset, layer, threat type)
    passed: np.ndarray  # (asset, layer, reason, threat type): survived the layer
    damage: np.ndarray  # (asset, threat type): damage dealt by leakers, in the asset's value units
    leaks: list[tuple[float, int, float]]  # (time, asset, damage) of every leak through all layers
