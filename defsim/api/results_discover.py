"""The result of ``defsim.discover``: futures, outcomes, PRIM boxes, ranking; words, plots, files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.discovery import Box, Condition, Ranking, Uncertainty, box_words, percent, ranking_words
from ..io.files import Target
from ..scenario import Scenario
from .results import Saves


class DiscoveryResult(Saves):
    """Sampled futures of a scenario and what they say.

    ``values`` (one tuple per future, in the order of ``uncertainties``), ``x`` (the same as
    numbers: a date as its day number, a choice as its index), ``y`` (the figure per future and
    replication, NaN: none), ``interest`` (the futures of interest), ``target`` (what was ranked:
    the share of replications meeting the condition, or the outcome's mean), ``boxes`` (PRIM)
    and ``ranking``.  ``answers`` says it in words; ``save()`` writes the folder.
    """

    def __init__(
        self,
        scenario: Scenario,
        uncertainties: list[Uncertainty],
        values: list[tuple[Any, ...]],
        x: np.ndarray,
        y: np.ndarray,
        condition: Condition | None,
        day: bool,
        figure: str,
        interest: np.ndarray,
        target: np.ndarray,
        boxes: list[Box],
        ranking: Ranking,
    ):
        self.scenario = scenario
        self.uncertainties = uncertainties
        self.values = values
        self.x, self.y = x, y
        self.condition, self.day, self.figure = condition, day, figure
        self.interest, self.target = interest, target
        self.boxes, self.ranking = boxes, ranking
        self.design: dict[str, Any] = {}
        self.checkpoint: Any = None

    @property
    def name(self) -> str:
        return self.scenario.name

    def __repr__(self) -> str:
        return (
            f"<DiscoveryResult {self.name!r}: {len(self.values)} futures, "
            f"{int(np.sum(self.interest))} of interest, {len(self.boxes)} box(es)>"
        )

    @property
    def summary(self) -> dict[str, Any]:
        d = self.design
        return {
            "scenario": self.name,
            "seed": d.get("seed"),
            "futures": len(self.values),
            "reps": int(self.y.shape[1]),
            "sampling": d.get("sampling"),
            "sobol_base": d.get("sobol_base"),
            "seeding": "replication r of every future uses numpy.random.SeedSequence(seed).spawn(N)[r]",
            "uncertainties": [u.describe() for u in self.uncertainties],
            "condition": self.condition.text if self.condition is not None else None,
            "outcome": self.figure,
            "of_interest": int(np.sum(self.interest)),
        }

    def answers(self) -> list[str]:
        """The answer in words: how many futures, the box, what matters most."""
        n, reps = len(self.values), self.y.shape[1]
        k = int(np.sum(self.interest))
        out = []
        if self.condition is not None:
            often = f" (in more than half of their {reps} replications)" if reps > 1 else ""
            out.append(
                f"{k} of {n} futures ({percent(k / n)}) meet the condition {self.condition.text}{often}"
            )
            if not self.boxes:
                out.append(
                    "no box of inputs holds them more densely than all futures do"
                    if 0 < k < n
                    else "so there is no box to find"
                )
            for j, box in enumerate(self.boxes):
                lines = box_words(box, self.uncertainties)
                if j > 0:
                    lines[0] = lines[0].replace(
                        "the box:", f"box {j + 1}, among the futures the first missed:", 1
                    )
                out += lines
        else:
            t = self.target
            out.append(
                f"{n} futures: {self.figure} from {np.nanmin(t):.4g} to {np.nanmax(t):.4g}, "
                f"median {np.nanmedian(t):.4g} (PRIM boxes need a condition: --when)"
            )
        return out + ranking_words(self.ranking)

    def boxes_json(self) -> dict[str, Any]:
        return {
            "condition": self.condition.text if self.condition is not None else None,
            "method": "PRIM (Friedman and Fisher 1999; the prim package), peel and paste alpha 0.05, "
            "minimum mass 0.05; the chosen step maximises coverage x (density - share) / (1 - share), "
            "share: of the futures the box started from; quasi-p-values "
            "(Bryant and Lempert 2010) per restriction",
            "futures": len(self.values),
            "of_interest": int(np.sum(self.interest)),
            "boxes": [b.to_json() for b in self.boxes],
        }

    def ranking_json(self) -> dict[str, Any]:
        what = self.condition.text if self.condition is not None else self.figure
        return {"of": what, **self.ranking.to_json()}

    def plot(self) -> dict[str, Any]:
        """The plots as matplotlib Figures: ranking, and with a box tradeoff and box_scatter."""
        from ..io.plot_discover import draw

        return draw(self)

    def to_frame(self) -> Any:
        """One row per future: inputs, the outcome's mean, of interest (needs pandas)."""
        import pandas as pd

        cols: dict[str, Any] = {
            u.label: [u.column(v[j]) for v in self.values] for j, u in enumerate(self.uncertainties)
        }
        finite = np.isfinite(self.y)
        total = np.where(finite, self.y, 0.0).sum(axis=1)
        count = finite.sum(axis=1)
        # the mean over the replications that have a value (NaN: none has, e.g. never ran dry)
        cols[self.figure] = np.divide(total, count, out=np.full(len(total), np.nan), where=count > 0)
        cols["of_interest"] = self.interest
        return pd.DataFrame(cols)

    def _write(self, to: Target) -> Path:
        """samples.csv, boxes.json, ranking.json, discovery.json, scenario.yaml, ema/ and the
        plots (``report``: also report.html); then the checkpoint is removed."""
        from ..io.discovery import save_discovery
        from ..io.save import scenario_yaml

        src = self.scenario.source
        out = save_discovery(self, to, src, scenario_yaml(src, self.design["seed"]))
        if self.checkpoint is not None:
            self.checkpoint.remove()
        return out
