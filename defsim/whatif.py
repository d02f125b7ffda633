"""What-ifs: the same ensemble for several variants of a scenario, side by side.

A sweep varies keys of one scenario (the cartesian product of the values given); a comparison
takes several scenario files.  Every variant runs the same replication seeds (common random
numbers), so the differences between them are the variants', not noise.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from .ensemble import Z95, EnsembleResult
from .output import csv_number, csv_text, result_folder, write_csv
from .scenario import Problem, ScenarioError, set_value, validate_data
from .schema import Scenario


def split_values(text: str) -> list[str]:
    """``"0,30/yr,[a, b]"`` -> ``["0", "30/yr", "[a, b]"]``: commas inside brackets stay."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return [v for v in out if v != ""]


def parse_vary(items: list[str] | tuple[str, ...], source: str) -> dict[str, list[str]]:
    import yaml

    vary: dict[str, list[Any]] = {}
    for item in items:
        key, eq, values = item.partition("=")
        if not eq or not key.strip() or not values.strip():
            raise ScenarioError(source, [Problem((), f"--vary {item!r}: expected path.to.key=v1,v2,...")])
        parsed = []
        for v in split_values(values):
            try:
                parsed.append(yaml.safe_load(v))
            except yaml.YAMLError:
                parsed.append(v)
        vary[key.strip()] = parsed
    return vary


def variants(scenario: Scenario, vary: dict[str, list[Any]]) -> list[tuple[str, Scenario]]:
    """Every combination of the values in ``vary``, validated like the file itself."""
    data = scenario._source_data
    if data is None:
        data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    source = scenario._source_name
    keys = list(vary)
    out = []
    for combo in itertools.product(*(vary[k] for k in keys)):
        d = data
        for k, v in zip(keys, combo, strict=True):
            d = set_value(d, k, v, source)
        label = ", ".join(f"{k}={_show(v)}" for k, v in zip(keys, combo, strict=True))
        try:
            out.append((label, validate_data(d, scenario._source_lines, source)))
        except ScenarioError as exc:
            raise ScenarioError(
                source, [Problem(p.path, f"{p.message} (in variant {label})", p.line) for p in exc.problems]
            ) from None
    return out


def _show(v: Any) -> str:
    return "true" if v is True else "false" if v is False else str(v)


def slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9._=-]+", "_", label).strip("_")[:80] or "variant"


class ComparisonResult:
    """Ensembles of several variants with the same seeds: a table of headline figures and overlays."""

    def __init__(self, ensembles: list[EnsembleResult], figures: list[str] | tuple[str, ...] = ()):
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

    def plot(self, folder: Path | None = None) -> list[Any]:
        from .plotting_ensemble import plot_compare_stock, plot_p_dry

        return [
            plot_compare_stock(self.ensembles, folder / "stock_compare.png" if folder else None),
            plot_p_dry(self.ensembles, folder / "p_dry_compare.png" if folder else None),
        ]

    def save(self, folder: str | Path, force: bool = False, plot: bool = True) -> Path:
        """compare.csv, compare.json, overlay plots, and each variant's ensemble files."""
        with result_folder(folder, force) as tmp:
            rows = self.table()
            head = list(rows[0]) if rows else ["variant", "figure"]
            write_csv(tmp / "compare.csv", head, ((_csv(r[h]) for h in head) for r in rows))
            meta = {
                "variants": [e.label for e in self.ensembles],
                "replications": self.ensembles[0].reps,
                "seed": self.ensembles[0].seed,
                "table": rows,
            }
            (tmp / "compare.json").write_text(json.dumps(meta, indent=2) + "\n")
            for k, ens in enumerate(self.ensembles):
                sub = tmp / "variants" / f"{k + 1:02d}-{slug(ens.label)}"
                sub.mkdir(parents=True)
                (sub / "summary.json").write_text(json.dumps(ens.summary, indent=2) + "\n")
                ens.write_tables(sub)
            if plot:
                self.plot(tmp)
        return Path(folder)


def _csv(v: Any) -> str:
    if v is None:
        return ""
    return csv_number(v) if isinstance(v, float) else csv_text(v)
