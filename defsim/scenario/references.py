"""Cross references only the whole scenario can show: unknown names, dates outside the run, loops."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .cross_refs import Refs
from .errors import KeyPath, Problem
from .network_refs import backfill_cycle, check_network
from .schema import ScenarioSpec
from .schema_sites import Site
from .units import MAX_DAYS, MAX_YEAR

__all__ = ["backfill_cycle", "check_network", "check_references", "schedule_warnings"]


def check_references(sc: ScenarioSpec) -> list[Problem]:
    """Problems only the whole scenario can show: unknown names, dates outside the run."""
    c = Refs(sc)
    for name, it in sc.interceptors.items():
        if isinstance(it.pk, dict):
            for key in it.pk:
                if key != "default":
                    c.need(key, c.threat_or_class, "threat type or class", ("interceptors", name, "pk", key))
    bad_covers = False
    for name, site in sc.sites.items():
        bad_covers |= _site(c, name, site)
    if not bad_covers:  # layers of a misspelt asset: one message
        _assets(c)
    if c.start is not None:
        last = dt.datetime(MAX_YEAR, 12, 31)
        if c.start + dt.timedelta(days=min(sc.duration, MAX_DAYS)) > last:
            c.problem(("duration",), f"the run would end after {last:%Y-%m-%d}, the last date supported")
    _attacks(c)
    check_network(c)
    return c.out


def _site(c: Refs, name: str, site: Site) -> bool:
    """A site's references; True when it covers an asset that does not exist."""
    base: KeyPath = ("sites", name)
    for i, t in enumerate(site.interceptors):
        c.need(t, c.ints, "interceptor type", base + ("interceptors", i))
    for t in site.stock:
        c.listed(t, name, base + ("stock", t))
    for t in site.launchers:
        c.listed(t, name, base + ("launchers", t))
    for i, t in enumerate(site.engage or []):
        c.need(t, c.threat_or_class, "threat type or class", base + ("engage", i))
    for i, reserve in enumerate(site.reserve):
        c.listed(reserve.interceptor, name, base + ("reserve", i, "interceptor"))
        for j, t in enumerate(reserve.for_threats):
            c.need(t, c.threat_or_class, "threat type or class", base + ("reserve", i, "for", j))
    for i, rp in enumerate(site.resupply):
        c.listed(rp.interceptor, name, base + ("resupply", i, "interceptor"))
    seen: dict[tuple[str, int], int] = {}
    for i, rr in enumerate(site.rationing):
        c.listed(rr.interceptor, name, base + ("rationing", i, "interceptor"))
        for j, t in enumerate(rr.engage or []):
            c.need(t, c.threat_or_class, "threat type or class", base + ("rationing", i, "engage", j))
        key = (rr.interceptor, rr.below)
        if key in seen:
            c.problem(
                base + ("rationing", i, "below"),
                f"overlaps rationing rule {seen[key] + 1}: both hold below {rr.below} "
                f"{rr.interceptor!r} rounds; give each rule its own 'below'",
            )
        seen.setdefault(key, i)
    bad_covers = False
    for i, a in enumerate(site.covers):
        bad_covers |= a not in c.sc.assets
        c.need(a, set(c.sc.assets), "asset", base + ("covers", i))
    if "layer" in site.model_fields_set and not site.covers:
        c.problem(base + ("layer",), "a layer of no asset: list the assets it defends in 'covers:'")
    return bad_covers


def _assets(c: Refs) -> None:
    """Each asset: its own name, covered by some site, its layers numbered without a gap."""
    for name in c.sc.assets:
        if name in c.sites:
            c.problem(("assets", name), f"{name!r} is a site's name too: give the asset its own name")
        numbers = sorted({st.layer for st in c.sc.sites.values() if name in st.covers})
        if not numbers:
            c.problem(("assets", name), f"no site covers asset {name!r}: add it to a site's 'covers:'")
        gaps = _gaps(numbers)  # one problem for every run of missing layers, however long
        if gaps:
            c.problem(
                ("assets", name),
                f"{gaps} of asset {name!r} {'have' if ',' in gaps or '-' in gaps else 'has'} no site "
                f"(sites cover layers {', '.join(map(str, numbers))}); number the layers 1, 2, 3 ...",
            )


def _targets(c: Refs, targets: dict[str, float] | None, path: KeyPath) -> None:
    if targets is None:
        return
    assets = c.sc.assets
    for n in targets:
        c.need(n, c.sites | set(assets), "site or asset" if assets else "site", path + (n,))
    if sum(targets.values()) <= 0:
        c.problem(path, "target weights must not all be zero")


def _attacks(c: Refs) -> None:
    """Each attack: its label used once, its threat types known, its times and targets."""
    labels: dict[str, int] = {}
    for i, atk in enumerate(c.sc.attacks):
        base: KeyPath = ("attacks", i, atk.kind)
        label = getattr(atk.wave or atk.raid or atk.stream, "label", "")
        if label:
            if label in labels:
                c.problem(base + ("label",), f"label {label!r} is used by attack {labels[label] + 1} too")
            labels.setdefault(label, i)
        if atk.wave:
            c.when(atk.wave.at, base + ("at",))
            for t in atk.wave.threats:
                c.need(t, c.threats, "threat type", base + ("threats", t))
            _targets(c, atk.wave.targets, base + ("targets",))
        elif atk.raid:
            r = atk.raid
            c.when(r.first, base + ("first",))
            c.when(r.until, base + ("until",))
            for t in r.size:
                c.need(t, c.threats, "threat type", base + ("size", t))
            _targets(c, r.targets, base + ("targets",))
        elif atk.stream:
            s = atk.stream
            c.when(s.begin, base + ("from",))
            c.when(s.until, base + ("until",))
            b, u = c.day(s.begin), c.day(s.until)
            if b is not None and u is not None and u <= b:
                c.problem(base + ("until",), "a stream's until must come after its from")
            for t in s.threats:
                c.need(t, c.threats, "threat type", base + ("threats", t))
            if sum(s.threats.values()) <= 0:
                c.problem(base + ("threats",), "mix weights must not all be zero")
            _targets(c, s.targets, base + ("targets",))


def schedule_warnings(sc: ScenarioSpec) -> list[Problem]:
    """Things that are valid but never happen because they fall after the end of the run."""
    start = sc.start_datetime
    end = sc.duration
    out: list[Problem] = []

    def after_end(tp: Any, path: KeyPath, what: str) -> None:
        if tp is None:
            return
        t = (tp - start).total_seconds() / 86400.0 if isinstance(tp, dt.datetime) and start else tp
        if isinstance(t, float | int) and t >= end:
            out.append(
                Problem(
                    path,
                    f"{what} is at day {t:g}, at or after the end of the run (day {end:g}): it never happens",
                )
            )

    for i, atk in enumerate(sc.attacks):
        base: KeyPath = ("attacks", i, atk.kind)
        if atk.wave:
            after_end(atk.wave.at, base + ("at",), "this wave")
        elif atk.raid:
            after_end(atk.raid.first, base + ("first",), "the first raid")
        elif atk.stream:
            after_end(atk.stream.begin, base + ("from",), "this stream's start")
    for i, e in enumerate(sc.route_events):
        after_end(e.at, ("route_events", i, "at"), f"this {e.action}")
    for i, d in enumerate(sc.deliveries):
        after_end(d.at, ("deliveries", i, "at"), "this delivery")
    for i, tr in enumerate(sc.transfers):
        after_end(tr.at, ("transfers", i, "at"), "this transfer's first shipment")
        after_end(tr.not_before, ("transfers", i, "not_before"), "this transfer's approval")
    for n, pr in sc.producers.items():
        after_end(pr.start, ("producers", n, "start"), "this producer's start")
        after_end(pr.not_before, ("producers", n, "not_before"), "this producer's approval")
    return out


def _gaps(numbers: list[int]) -> str:
    """The layers missing below the highest of ``numbers`` (sorted): "layer 2", "layers 2-5, 7"."""
    runs, expected = [], 1
    for n in numbers:
        if n > expected:
            runs.append(f"{expected}" if n - 1 == expected else f"{expected}-{n - 1}")
        expected = n + 1
    if not runs:
        return ""
    return ("layer " if len(runs) == 1 and "-" not in runs[0] else "layers ") + ", ".join(runs)
