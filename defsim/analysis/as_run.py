"""The scenario as run, as results carry it: its names, its currency, its rationing rules, its plan.

A result in memory carries the scenario's data as run (overrides applied, the seed set) and its
plan; a results folder holds the same data in ``scenario.json`` (written and read back by
:mod:`defsim.io.as_run`), so plots, answers and reports read the same values through the same
accessors either way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

META = ("name", "description", "provenance", "question")


@dataclass
class AsRun:
    """The scenario as run (``data``, the keys as written, overrides applied, the seed set),
    ``text`` (scenario.yaml, shown in reports) and the ``plan`` when it is known (a result in
    memory; a folder's is built by whoever asks, from ``data``: the analysis layer has no schema)."""

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


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _rule(rule: Any) -> bool:
    """A rationing rule the stock plot can draw: a number below, whole shots, a list to engage."""
    if not isinstance(rule, dict) or not _is_num(rule.get("below")):
        return False
    shots, engage = rule.get("shots"), rule.get("engage")
    return (shots is None or (_is_num(shots) and 0 < shots < 1e6)) and (
        engage is None or (isinstance(engage, list) and len(engage) < 1000)
    )
