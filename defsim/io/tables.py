"""Result tables as CSV files: a run's stock and events, an ensemble's replications, bands and P(dry)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..analysis import EnsembleAnalysis, RunAnalysis
from ..analysis.ensemble import PERCENTILES
from ..analysis.run import EVENT_COLUMNS, STOCK_COLUMNS
from .formats import csv_number, csv_text, write_csv


def _fmt(v: Any) -> str:
    return f"{v:.6f}" if isinstance(v, float) else csv_text(v)


def _column(values: tuple[Any, ...]) -> list[str] | tuple[str, ...]:
    """A column's cells as :func:`_fmt` writes each, by the column's one type when it has one:
    names repeat, so each distinct one is guarded once."""
    kinds = set(map(type, values))
    if kinds == {float}:
        return [f"{v:.6f}" for v in values]
    if kinds == {int}:
        return tuple(map(str, values))
    if kinds == {str}:
        text = {v: csv_text(v) for v in set(values)}
        return [text[v] for v in values]
    return [_fmt(v) for v in values]


def _rows_csv(path: Path, columns: tuple[str, ...], rows: list[tuple[Any, ...]], with_date: bool) -> None:
    keep = [i for i, c in enumerate(columns) if with_date or c != "date"]
    cells = list(zip(*rows, strict=True)) or [()] * len(columns)
    write_csv(path, (columns[i] for i in keep), zip(*(_column(cells[i]) for i in keep), strict=True))


def write_run_tables(result: RunAnalysis, folder: Path) -> None:
    """stock.csv and events.csv of one run."""
    dated = result.plan.start is not None
    _rows_csv(folder / "stock.csv", STOCK_COLUMNS, result.stock_rows(), dated)
    _rows_csv(folder / "events.csv", EVENT_COLUMNS, result.event_rows(), dated)


def _rep_rows(ens: EnsembleAnalysis) -> Iterator[list[str]]:
    """reps.csv's rows, read back a block at a time (never every replication at once)."""
    i = 0
    for block in ens.blocks():
        for row in block.tolist():
            yield [str(i), *(csv_number(v) for v in row)]
            i += 1


#: bands.csv's columns after the series: bin_rounds is 1 where the percentiles are exact
BAND_COLUMNS = ("p5", "p25", "median", "p75", "p95", "mean", "p_empty", "bin_rounds")


def write_ensemble_tables(ens: EnsembleAnalysis, folder: Path) -> None:
    """reps.csv, bands.csv and p_dry.csv into ``folder``."""
    write_csv(folder / "reps.csv", ["replication", *ens.columns], _rep_rows(ens))
    write_bands(ens, folder)
    grid = ens.grid.tolist()
    write_csv(
        folder / "p_dry.csv",
        [*_when_head(ens), "holder", "p_dry"],
        (
            [*_when(ens, t), csv_text(holder), f"{p:.6f}"]
            for holder, curve in ens.p_dry().items()
            for t, p in zip(grid, curve.tolist(), strict=True)
        ),
    )


def _when_head(ens: EnsembleAnalysis) -> list[str]:
    return ["time_d", *(["date"] if ens.plan.start is not None else [])]


def _when(ens: EnsembleAnalysis, t: float) -> list[str]:
    return [f"{t:.6f}", *([ens.date(t)] if ens.plan.start is not None else [])]


def write_bands(ens: EnsembleAnalysis, folder: Path) -> None:
    """bands.csv: the stock percentiles, mean and P(empty) of every series at every grid time."""
    bands, mean, empty, bins = ens.bands(), ens.level_mean(), ens.p_empty(), ens.band_bins()
    write_csv(
        folder / "bands.csv",
        [*_when_head(ens), "holder", "kind", "interceptor", *BAND_COLUMNS],
        (
            [
                *_when(ens, t),
                csv_text(holder),
                kind,
                csv_text(itype),
                *(f"{bands[q, s, g]:g}" for q in range(len(PERCENTILES))),
                f"{mean[s, g]:.4f}",
                f"{empty[s, g]:.4f}",
                str(bins[s]),
            ]
            for s, (holder, itype, kind) in enumerate(ens.series)
            for g, t in enumerate(ens.grid.tolist())
        ),
    )


def _cell(v: Any) -> str:
    if v is None:
        return ""
    return csv_number(v) if isinstance(v, float) else csv_text(v)


def write_comparison_table(rows: list[dict[str, Any]], path: Path) -> None:
    """compare.csv: one row per (variant, figure), the rows of :meth:`ComparisonAnalysis.table`."""
    head = list(rows[0]) if rows else ["variant", "figure"]
    write_csv(path, head, ((_cell(r[h]) for h in head) for r in rows))
