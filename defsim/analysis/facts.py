"""One run's facts as the figure readers need them: counts per threat, stock statistics per
holder and type, deliveries per route and sender, costs.  Each part is computed once, when a
reader first asks for it (:mod:`defsim.analysis.figures` declares what is read).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Protocol

from ..engine import RunRecord
from ..engine.records import REASONS
from ..plan import HolderPlan, Plan
from .stock import StockSeries, step_stats


class RunLike(Protocol):
    """What the facts read of one run (a :class:`~defsim.analysis.run.RunAnalysis`)."""

    record: RunRecord
    plan: Plan
    seed: int

    @property
    def stock(self) -> StockSeries: ...

    def date(self, t: float) -> str | None: ...


def reasons(plan: Plan) -> Sequence[str]:
    """The leak reasons a plan reports: ``rationed`` only where a site has rationing rules."""
    if any(s.rationing for s in plan.sites):
        return REASONS
    return tuple(r for r in REASONS if r != "rationed")


def decisions(plan: Plan) -> list[tuple[float, str, str, float, bool]]:
    """(day, route, action, delay days, drops what waits) of every route event and approval
    date of a plan, in time order (approvals first among equals: the order the engine takes)."""
    routes = plan.network.routes
    out = [(r.not_before, r.name, "approve", 0.0, False) for r in routes if r.not_before > 0]
    out += [(e.time, routes[e.route].name, e.action, e.by, e.drop) for e in plan.network.events]
    return sorted(out, key=lambda d: d[0])


def holder_types(plan: Plan, h: HolderPlan) -> list[str]:
    """A holder's interceptor types, in the order of its stock series."""
    return [plan.interceptors[i] for i in h.types]


class Facts:
    """What the readers need from one run, each part computed once when first asked for."""

    def __init__(self, run: RunLike):
        self.run = run
        self.record = run.record
        self.plan = run.plan
        self.holder = {h.name: h for h in self.plan.network.holders}
        self.routes = {r["name"]: r for r in self.record.routes}
        self._stock: dict[str, dict[str | None, tuple[int, float | None, float]]] = {}

    @cached_property
    def threats(self) -> dict[str, dict[str, Any]]:
        r = self.record
        out = {}
        for t, name in enumerate(self.plan.threats):
            leaked = {reason: int(r.leaked[k, t]) for k, reason in enumerate(REASONS)}
            total = sum(leaked.values())
            out[name] = {
                "arrived": int(r.arrived[t]),
                "engaged": int(r.engaged[t]),
                "killed": int(r.killed[t]),
                "leaked": total,
                "unresolved_at_end": int(r.arrived[t] - r.killed[t] - total),
                **leaked,
            }
        return out

    @cached_property
    def decisions(self) -> list[dict[str, Any]]:
        """The plan's route events and approval dates, as the summary lists them."""
        out = []
        for day, route, action, by, drop in decisions(self.plan):
            entry: dict[str, Any] = {"day": round(day, 6), "date": self.run.date(day), "route": route}
            entry["action"] = action
            if action == "delay":
                entry["by_days"] = round(by, 6)
            if action == "pause":
                entry["waiting"] = "drop" if drop else "keep"
            out.append(entry)
        return out

    @cached_property
    def assets(self) -> dict[str, dict[str, Any]]:
        """Per asset: damage (all, by threat type), value protected, leakers; per layer counts."""
        lr, plan = self.record.layers, self.plan
        out: dict[str, dict[str, Any]] = {}
        if lr is None:
            return out
        for a in plan.assets:
            dmg = lr.damage[a.index]
            layers = {}
            for k, n in enumerate(a.layer_numbers):
                passed = lr.passed[a.index, k]
                layers[str(n)] = {
                    "sites": [plan.sites[i].name for i in a.layers[k]],
                    "met": int(lr.entered[a.index, k].sum()),
                    "killed": int(lr.killed[a.index, k].sum()),
                    "passed": int(passed.sum()),
                    "by_reason": {r: int(passed[j].sum()) for j, r in enumerate(REASONS)},
                }
            last = lr.passed[a.index, len(a.layers) - 1].sum() if a.layers else 0
            out[a.name] = {
                "damage": round(float(dmg.sum()), 6),
                "value_protected": round(max(a.value - float(dmg.sum()), 0.0), 6),
                "by_threat": {t: round(float(dmg[j]), 6) for j, t in enumerate(plan.threats)},
                "leaked": int(last),
                "layers": layers,
            }
        return out

    def asset(self, name: str) -> dict[str, Any]:
        return self.assets[name]

    def layer(self, asset: str, layer: str) -> dict[str, Any]:
        out: dict[str, Any] = self.assets[asset]["layers"][layer]
        return out

    @property
    def damage_total(self) -> float:
        return round(float(sum(a["damage"] for a in self.assets.values())), 6)

    def total(self, what: str) -> int:
        return sum(v[what] for v in self.threats.values())

    def stock(self, holder: str, interceptor: str | None = None) -> tuple[int, float | None, float]:
        """(final stock, first stockout day or None, days empty) of a holder, or one of its types."""
        if holder not in self._stock:
            st, plan, h = self.run.stock, self.plan, self.holder[holder]
            entry: dict[str | None, tuple[int, float | None, float]] = {}
            for name in holder_types(plan, h):
                t, lev = st.series(holder, name)
                entry[name] = (int(lev[-1]), *step_stats(t, lev, plan.duration))
            t, lev = st.holder_total(holder)
            entry[None] = (int(lev[-1]), *step_stats(t, lev, plan.duration))
            if h.kind == "producer":  # output ships as it is made: "empty" would say nothing
                entry = {k: (v[0], None, 0.0) for k, v in entry.items()}
            self._stock[holder] = entry
        return self._stock[holder][interceptor]

    def _delivered(self, outer: str, inner: str) -> dict[str, dict[str, int]]:
        """Rounds delivered, summed by two fields of a route, in the order routes are listed."""
        out: dict[str, dict[str, int]] = {}
        for route in self.record.routes:
            if route["delivered"]:
                rec = out.setdefault(route[outer], {})
                rec[route[inner]] = rec.get(route[inner], 0) + route["delivered"]
        return out

    @cached_property
    def received(self) -> dict[str, dict[str, int]]:
        """Rounds delivered per receiving holder and route."""
        return self._delivered("to", "name")

    @cached_property
    def by_source(self) -> dict[str, dict[str, int]]:
        """Rounds delivered per sender and interceptor type."""
        return self._delivered("source", "interceptor")

    @cached_property
    def cost(self) -> tuple[float, float]:
        r, plan = self.record, self.plan
        return (
            float((r.shots.sum(axis=0) * plan.interceptor_cost).sum()),
            float((r.killed * plan.threat_cost).sum()),
        )
