"""Replications folded in as they come back: in replication order, into statistics whose size
does not grow with replications, each figure's values spilled block by block to a temporary
file (what reps.csv and paired differences are written from)."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from .streaming import BLOCK, GridCrossings, LevelHistogram, Moments, ValueCounts

#: a replication's figures: dotted keys -> number (NaN for "never", e.g. no stockout)
Row = dict[str, float]


@dataclass
class Replication:
    index: int
    row: Row
    levels: np.ndarray


class Collected:
    """Replications folded in as they come back, in replication order, into statistics whose size
    does not grow with replications (see :mod:`defsim.analysis.streaming`).

    Replication ``i`` waits (at most a few chunks) until replications ``0..i-1`` are in, so every
    statistic sees replications in the same order whatever ran them.  Each figure's values are
    also appended, a block of :data:`~defsim.analysis.streaming.BLOCK` rows at a time, to an
    anonymous temporary file (``rows``): that is what reps.csv and paired differences are
    written from, and all the main process keeps of them is one block.
    """

    def __init__(self, grid: np.ndarray | None = None) -> None:
        self.grid = grid
        self.count = 0  # replications folded in (those waiting excluded)
        self.columns: list[str] = []  # in order of first appearance; outputs sort them
        self._where: dict[str, int] = {}
        self._waiting: dict[int, Replication] = {}
        self._block = np.full((BLOCK, 0), math.nan)
        self._in_block = 0
        self.moments = Moments()
        self.counts: list[ValueCounts] = []
        self.crossings: list[GridCrossings] = []
        self.levels: LevelHistogram | None = None
        self._spill: Any = None  # the temporary file of committed blocks
        self._blocks = 0
        self._snapshot: tuple[int, Moments, list[ValueCounts], list[GridCrossings]] | None = None

    # --- adding ------------------------------------------------------------------------------

    def add(self, reps: list[Replication]) -> None:
        for r in reps:
            if self.grid is None:
                self.grid = np.arange(r.levels.shape[1], dtype=float)
            if self.levels is None:
                self.levels = LevelHistogram(r.levels.shape[0], r.levels.shape[1])
            self._waiting[r.index] = r
        if reps:
            assert self.levels is not None
            # levels are counted at once: a histogram does not care about order
            self.levels.add(np.stack([r.levels for r in reps]))
        while self.count in self._waiting:
            self._fold(self._waiting.pop(self.count).row)
        if len(self._waiting) > 0 and min(self._waiting) < self.count:
            raise ValueError("a replication was added twice")

    def finish(self) -> None:
        """Fold in replications still waiting for an earlier one (indices given with gaps)."""
        for i in sorted(self._waiting):
            self._fold(self._waiting.pop(i).row)

    def _column(self, key: str) -> int:
        j = self._where.get(key)
        if j is None:
            j = self._where[key] = len(self.columns)
            self.columns.append(key)
            self._block = np.concatenate([self._block, np.full((BLOCK, 1), math.nan)], axis=1)
            self.moments.widen(len(self.columns))
            self.counts.append(ValueCounts())
            assert self.grid is not None
            crossing = GridCrossings(self.grid)
            # replications committed before had no value: their day never came (those of the
            # current block are counted when it is committed)
            crossing.n = self.count - self._in_block
            self.crossings.append(crossing)
        return j

    def _fold(self, row: Row) -> None:
        where = [self._column(key) for key in row]  # first: a new column widens the block
        line = self._block[self._in_block]
        line[:] = math.nan
        line[where] = list(row.values())
        self._in_block += 1
        self.count += 1
        self._snapshot = None
        if self._in_block == BLOCK:
            self._commit()

    def _commit(self) -> None:
        block = self._block[: self._in_block]
        self.moments.add_block(block)
        self.counts = _with_block(self.counts, block)
        for j, c in enumerate(self.crossings):
            c.add(block[:, j])
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(prefix="defsim-reps-")  # noqa: SIM115 - lives as long as the ensemble
        np.save(self._spill, block, allow_pickle=False)
        self._blocks += 1
        self._in_block = 0

    # --- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.count + len(self._waiting)

    def state(self) -> tuple[Moments, list[ValueCounts], list[GridCrossings]]:
        """The statistics of every replication in, the block not yet committed included."""
        if self._waiting:
            self.finish()
        if self._snapshot is None or self._snapshot[0] != self.count:
            block = self._block[: self._in_block]
            moments = self.moments.copy()
            moments.add_block(block)
            crossings = []
            for j, c in enumerate(self.crossings):
                copy = GridCrossings(c.grid)
                copy.first, copy.n = c.first.copy(), c.n
                copy.add(block[:, j])
                crossings.append(copy)
            self._snapshot = (self.count, moments, _with_block(self.counts, block), crossings)
        return self._snapshot[1], self._snapshot[2], self._snapshot[3]

    def blocks(self) -> Iterator[np.ndarray]:
        """Every replication's figures in replication order, a block at a time, one column per
        entry of ``columns`` (NaN: none)."""
        if self._waiting:
            self.finish()
        width = len(self.columns)
        if self._spill is not None:
            self._spill.flush()
            self._spill.seek(0)
            for _ in range(self._blocks):
                part = np.load(self._spill, allow_pickle=False)
                if part.shape[1] < width:
                    part = np.concatenate(
                        [part, np.full((len(part), width - part.shape[1]), math.nan)], axis=1
                    )
                yield part
            self._spill.seek(0, os.SEEK_END)
        if self._in_block:
            yield self._block[: self._in_block].copy()

    def column(self, key: str) -> Iterator[np.ndarray]:
        j = self._where[key]
        for part in self.blocks():
            yield part[:, j]

    @property
    def nbytes(self) -> int:
        """Bytes of the statistics held in memory (the temporary file excluded)."""
        held = self._block.nbytes + self.moments.n.nbytes * 3
        held += sum(c.nbytes for c in self.counts) + sum(c.first.nbytes for c in self.crossings)
        return held + (self.levels.nbytes if self.levels is not None else 0)

    def __getstate__(self) -> dict[str, Any]:
        # the temporary file cannot be pickled: its blocks travel as arrays
        state = {k: v for k, v in self.__dict__.items() if k not in ("_spill", "_snapshot")}
        state["_spilled"] = list(self.blocks())[: self._blocks]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        spilled = state.pop("_spilled")
        self.__dict__.update(state)
        self._snapshot = None
        self._spill = None
        if spilled:
            self._spill = tempfile.TemporaryFile(prefix="defsim-reps-")  # noqa: SIM115 - lives as long as the ensemble
            for part in spilled:
                np.save(self._spill, part, allow_pickle=False)


def _with_block(counts: list[ValueCounts], block: np.ndarray) -> list[ValueCounts]:
    out = []
    for j, vc in enumerate(counts):
        col = block[:, j]
        out.append(vc.merged(col[np.isfinite(col)]))
    return out
