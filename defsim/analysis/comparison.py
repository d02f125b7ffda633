"""What-ifs: the same ensemble for several variants of a scenario, side by side.

A sweep varies keys of one scenario (the cartesian product of the values given); a comparison
takes several scenario files.  Every variant runs the same replication seeds (common random
numbers), so the differences between them are the variants', not noise.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .ensemble import Z95, EnsembleAnalysis


class ComparisonAnalysis:
    """Ensembles of several variants with the same seeds: a table of headline figures and overlays."""

    def __init__(self, ensembles: list[EnsembleAnalysis], figures: list[str] | tuple[str, ...] = ()):
        self.ensembles = ensembles
        self.figures = tuple(figures)
        for ens in ensembles:
            ens.headline_keys(self.figures)  # unknown figures fail before anything is written

    def difference(self, k: int, key: str) -> tuple[float, float] | None:
        """Mean and standard error of (variant k - variant 0), paired by replication."""
        a, b = self.ensembles[0], self.ensembles[k]
        if key not in a.columns or key not in b.columns or a.reps != b.reps:
            return None
        d = b.figure(key) - a.figure(key)
        d = d[np.isfinite(d)]
        if len(d) < 2:
            return None
        return float(d.mean()), float(d.std(ddof=1) / math.sqrt(len(d)))

    def table(self) -> list[dict[str, Any]]:
        """One row per (variant, figure): mean (or median), standard error and 95% interval, and the
        difference from the first variant paired by replication, with its 95% interval."""
        rows = []
        for k, ens in enumerate(self.ensembles):
            for figure, stats in ens.headline(self.figures).items():
                if stats is None:
                    continue
                mean = stats.get("mean")
                se = stats.get("se")
                lo = hi = None
                if mean is not None and se is not None:
                    lo, hi = mean - Z95 * se, mean + Z95 * se
                    if "P(ran dry)" in figure:  # a probability
                        lo, hi = max(lo, 0.0), min(hi, 1.0)
                row = {
                    "variant": ens.label,
                    "figure": figure,
                    "mean": mean,
                    "se": se,
                    "ci95_low": lo,
                    "ci95_high": hi,
                    "median": stats.get("median"),
                    "diff_vs_first": None,
                    "diff_ci95_low": None,
                    "diff_ci95_high": None,
                }
                diff = self.difference(k, figure) if k > 0 else None
                if diff is not None:
                    row["diff_vs_first"] = diff[0]
                    row["diff_ci95_low"] = diff[0] - Z95 * diff[1]
                    row["diff_ci95_high"] = diff[0] + Z95 * diff[1]
                rows.append(row)
        return rows
