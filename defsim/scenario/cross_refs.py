"""The checks every cross reference of a scenario makes: a name that must be known (with a
"did you mean" hint), a date that needs ``start:`` and must not come before it, an interceptor
type a site must fire.  :mod:`defsim.scenario.references` and :mod:`.network_refs` use them."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from . import schema
from .errors import KeyPath, Problem
from .schema import ScenarioSpec


class Refs:
    """The problems found so far in one scenario, and the checks that add to them."""

    def __init__(self, sc: ScenarioSpec) -> None:
        self.sc = sc
        self.out: list[Problem] = []
        self.start = sc.start_datetime
        self.ints, self.threats, self.sites = set(sc.interceptors), set(sc.threats), set(sc.sites)
        self.threat_or_class = self.threats | set(schema.THREAT_CLASSES)

    def problem(self, path: KeyPath, message: str) -> None:
        self.out.append(Problem(path, message))

    def need(self, name: str, pool: set[str], what: str, path: KeyPath) -> None:
        """``name`` must be one of ``pool``."""
        if name not in pool:
            close = difflib.get_close_matches(name, sorted(pool), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(pool))}"
            self.problem(path, f"unknown {what} {name!r}{hint}")

    def when(self, tp: Any, path: KeyPath) -> None:
        """A calendar date needs ``start:`` and must not come before it."""
        if isinstance(tp, dt.datetime):
            if self.start is None:
                self.problem(path, "a calendar date needs a 'start:' date at the top of the scenario")
            elif tp < self.start:
                self.problem(path, f"{tp:%Y-%m-%d %H:%M} is before the scenario start {self.start:%Y-%m-%d}")

    def day(self, tp: Any) -> float | None:
        """A time point in days from the start (None when it cannot be told yet)."""
        if isinstance(tp, dt.datetime):
            return None if self.start is None else (tp - self.start).total_seconds() / 86400.0
        return None if tp is None else float(tp)

    def listed(self, t: str, site_name: str, path: KeyPath) -> None:
        """An interceptor type a site's key names: known at all, then in the site's own list."""
        if t not in self.ints:
            self.need(t, self.ints, "interceptor type", path)
        elif t not in self.sc.sites[site_name].interceptors:
            self.problem(
                path, f"{t!r} is not in this site's interceptors: add it to sites.{site_name}.interceptors"
            )

    def fires(self, holder: str, itype: str, path: KeyPath) -> None:
        """A route that ends (or starts) at a site carries a type the site fires."""
        sites = self.sc.sites
        if holder in sites and itype in self.ints and itype not in sites[holder].interceptors:
            self.problem(path, f"site {holder!r} does not fire {itype!r}")
