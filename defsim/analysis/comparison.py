"""What-ifs: the same ensemble for several variants of a scenario, side by side.

A sweep varies keys of one scenario (the cartesian product of the values given); a comparison
takes several scenario files.  Every variant runs the same replication seeds (common random
numbers), so the differences between them are the variants', not noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .effects import ComparisonAnswers, comparison_answers
from .ensemble import EnsembleAnalysis
from .optional import needs_pandas
from .statistics import interval
from .streaming import Moments


class ComparisonAnalysis:
    """Ensembles of several variants with the same seeds: a table of headline figures and overlays."""

    def __init__(
        self,
        ensembles: Sequence[EnsembleAnalysis],
        figures: Sequence[str] = (),
        question: str = "",
        currency: str = "USD",
    ):
        #: the scenario's question and currency: what :meth:`answer` answers, in which money
        self.question = question
        self.currency = currency
        if not ensembles:
            raise ValueError("a comparison needs at least one ensemble")
        self.ensembles = list(ensembles)
        self.figures = tuple(figures)
        for ens in ensembles:
            for key in self.figures:
                ens.catalogue_figure(key)  # unknown figures fail before anything is written

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.ensembles]

    def difference(self, k: int, key: str) -> tuple[float, float] | None:
        """Mean and standard error of (variant k - variant 0), paired by replication."""
        a, b = self.ensembles[0], self.ensembles[k]
        if key not in a.columns or key not in b.columns or a.reps != b.reps:
            return None
        # read back a block at a time, both in replication order: blocks line up
        m = Moments(1)
        for x, y in zip(a.collected.column(key), b.collected.column(key), strict=True):
            m.add_block((y - x)[:, None])
        if m.n[0] < 2:
            return None
        return float(m.mean[0]), m.se(0)

    def answer(
        self, question: str | None = None, currency: str | None = None, per_variant: int = 3
    ) -> ComparisonAnswers:
        """What each later variant did compared with the first, in words with 95% intervals
        (:func:`defsim.analysis.effects.comparison_answers`; ``question``: default the scenario's)."""
        question = self.question if question is None else question
        currency = self.currency if currency is None else currency
        first = self.ensembles[0]
        columns = [c for c in first.columns if all(c in e.columns for e in self.ensembles[1:])]
        return comparison_answers(
            question,
            self.labels,
            first.catalogue,
            lambda k, key: self.ensembles[k].figure(key),
            columns,
            currency,
            per_variant,
        )

    def table(self) -> list[dict[str, Any]]:
        """One row per (variant, figure): mean (or median), standard error and 95% interval within
        the figure's bounds, and the difference from the first variant paired by replication, with
        its 95% interval (within the bounds a difference can have)."""
        rows = []
        for k, ens in enumerate(self.ensembles):
            for line in ens.headline(self.figures):
                stats = line.stats
                ci = stats.get("ci95") or [None, None]
                row = {
                    "variant": ens.label,
                    "figure": line.key,
                    "mean": stats.get("mean"),
                    "se": stats.get("se"),
                    "ci95_low": ci[0],
                    "ci95_high": ci[1],
                    "median": stats.get("median"),
                    "diff_vs_first": None,
                    "diff_ci95_low": None,
                    "diff_ci95_high": None,
                }
                diff = self.difference(k, line.key) if k > 0 and line.paired else None
                if diff is not None:
                    lo, hi = line.figure.bounds
                    span = hi - lo
                    d_ci = interval(diff[0], diff[1], (-span, span))
                    row["diff_vs_first"] = diff[0]
                    row["diff_ci95_low"], row["diff_ci95_high"] = d_ci or [None, None]
                rows.append(row)
        return rows

    @property
    def summary(self) -> dict[str, Any]:
        """What compare.json holds: the variants, replications, seed, the answer in words
        (:meth:`answer`) and the table."""
        first = self.ensembles[0]
        return {
            "variants": self.labels,
            "answer": self.answer().data(),
            "replications": first.reps,
            "seed": first.seed,
            "table": self.table(),
        }

    def to_frame(self) -> Any:
        """The table, one row per (variant, figure), as a pandas DataFrame (needs pandas)."""
        pd = needs_pandas()

        return pd.DataFrame(self.table())
