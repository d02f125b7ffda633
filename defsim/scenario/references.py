"""Cross references only the whole scenario can show: unknown names, dates outside the run, loops."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from . import schema
from .errors import KeyPath, Problem
from .schema import ScenarioSpec
from .units import MAX_DAYS, MAX_YEAR


def check_references(sc: ScenarioSpec) -> list[Problem]:
    """Problems only the whole scenario can show: unknown names, dates outside the run."""
    out: list[Problem] = []
    start = sc.start_datetime
    ints, threats, sites = set(sc.interceptors), set(sc.threats), set(sc.sites)
    threat_or_class = threats | set(schema.THREAT_CLASSES)

    def need(name: str, pool: set[str], what: str, path: KeyPath) -> None:
        if name not in pool:
            close = difflib.get_close_matches(name, sorted(pool), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(pool))}"
            out.append(Problem(path, f"unknown {what} {name!r}{hint}"))

    def when(tp: Any, path: KeyPath) -> None:
        if isinstance(tp, dt.datetime):
            if start is None:
                out.append(Problem(path, "a calendar date needs a 'start:' date at the top of the scenario"))
            elif tp < start:
                out.append(
                    Problem(path, f"{tp:%Y-%m-%d %H:%M} is before the scenario start {start:%Y-%m-%d}")
                )

    for name, it in sc.interceptors.items():
        if isinstance(it.pk, dict):
            for key in it.pk:
                if key != "default":
                    need(key, threat_or_class, "threat type or class", ("interceptors", name, "pk", key))

    def listed(t: str, site_name: str, path: KeyPath) -> None:
        """An interceptor type a site's key names: known at all, then in the site's own list."""
        if t not in ints:
            need(t, ints, "interceptor type", path)
        elif t not in sc.sites[site_name].interceptors:
            out.append(
                Problem(
                    path,
                    f"{t!r} is not in this site's interceptors: add it to sites.{site_name}.interceptors",
                )
            )

    bad_covers = False
    for name, site in sc.sites.items():
        base: KeyPath = ("sites", name)
        for i, t in enumerate(site.interceptors):
            need(t, ints, "interceptor type", base + ("interceptors", i))
        for t in site.stock:
            listed(t, name, base + ("stock", t))
        for t in site.launchers:
            listed(t, name, base + ("launchers", t))
        for i, t in enumerate(site.engage or []):
            need(t, threat_or_class, "threat type or class", base + ("engage", i))
        for i, rule in enumerate(site.reserve):
            listed(rule.interceptor, name, base + ("reserve", i, "interceptor"))
            for j, t in enumerate(rule.for_threats):
                need(t, threat_or_class, "threat type or class", base + ("reserve", i, "for", j))
        for i, rp in enumerate(site.resupply):
            listed(rp.interceptor, name, base + ("resupply", i, "interceptor"))
        seen_rules: dict[tuple[str, int], int] = {}
        for i, rr in enumerate(site.rationing):
            listed(rr.interceptor, name, base + ("rationing", i, "interceptor"))
            for j, t in enumerate(rr.engage or []):
                need(t, threat_or_class, "threat type or class", base + ("rationing", i, "engage", j))
            rkey = (rr.interceptor, rr.below)
            if rkey in seen_rules:
                out.append(
                    Problem(
                        base + ("rationing", i, "below"),
                        f"overlaps rationing rule {seen_rules[rkey] + 1}: both hold below {rr.below} "
                        f"{rr.interceptor!r} rounds; give each rule its own 'below'",
                    )
                )
            seen_rules.setdefault(rkey, i)
        for i, a in enumerate(site.covers):
            if a not in sc.assets:
                bad_covers = True
            need(a, set(sc.assets), "asset", base + ("covers", i))
        if "layer" in site.model_fields_set and not site.covers:
            out.append(
                Problem(base + ("layer",), "a layer of no asset: list the assets it defends in 'covers:'")
            )
    for name in sc.assets if not bad_covers else ():  # layers of a misspelt asset: one message
        if name in sites:
            out.append(
                Problem(("assets", name), f"{name!r} is a site's name too: give the asset its own name")
            )
        numbers = sorted({st.layer for st in sc.sites.values() if name in st.covers})
        if not numbers:
            out.append(
                Problem(("assets", name), f"no site covers asset {name!r}: add it to a site's 'covers:'")
            )
        gaps = _gaps(numbers)  # one problem for every run of missing layers, however long
        if gaps:
            out.append(
                Problem(
                    ("assets", name),
                    f"{gaps} of asset {name!r} {'have' if ',' in gaps or '-' in gaps else 'has'} no site "
                    f"(sites cover layers {', '.join(map(str, numbers))}); number the layers 1, 2, 3 ...",
                )
            )

    def day(tp: Any) -> float | None:
        """A time point in days from the start (None when it cannot be told yet)."""
        if isinstance(tp, dt.datetime):
            return None if start is None else (tp - start).total_seconds() / 86400.0
        return None if tp is None else float(tp)

    if start is not None:
        last = dt.datetime(MAX_YEAR, 12, 31)
        if start + dt.timedelta(days=min(sc.duration, MAX_DAYS)) > last:
            out.append(
                Problem(("duration",), f"the run would end after {last:%Y-%m-%d}, the last date supported")
            )

    def check_targets(targets: dict[str, float] | None, path: KeyPath) -> None:
        if targets is None:
            return
        for n in targets:
            need(n, sites | set(sc.assets), "site or asset" if sc.assets else "site", path + (n,))
        if sum(targets.values()) <= 0:
            out.append(Problem(path, "target weights must not all be zero"))

    labels: dict[str, int] = {}
    for i, atk in enumerate(sc.attacks):
        base = ("attacks", i, atk.kind)
        label = getattr(atk.wave or atk.raid or atk.stream, "label", "")
        if label:
            if label in labels:
                out.append(
                    Problem(base + ("label",), f"label {label!r} is used by attack {labels[label] + 1} too")
                )
            labels.setdefault(label, i)
        if atk.wave:
            when(atk.wave.at, base + ("at",))
            for t in atk.wave.threats:
                need(t, threats, "threat type", base + ("threats", t))
            check_targets(atk.wave.targets, base + ("targets",))
        elif atk.raid:
            r = atk.raid
            when(r.first, base + ("first",))
            when(r.until, base + ("until",))
            for t in r.size:
                need(t, threats, "threat type", base + ("size", t))
            check_targets(r.targets, base + ("targets",))
        elif atk.stream:
            s = atk.stream
            when(s.begin, base + ("from",))
            when(s.until, base + ("until",))
            b, u = day(s.begin), day(s.until)
            if b is not None and u is not None and u <= b:
                out.append(Problem(base + ("until",), "a stream's until must come after its from"))
            for t in s.threats:
                need(t, threats, "threat type", base + ("threats", t))
            if sum(s.threats.values()) <= 0:
                out.append(Problem(base + ("threats",), "mix weights must not all be zero"))
            check_targets(s.targets, base + ("targets",))
    out.extend(check_network(sc, need, when))
    return out


def check_network(sc: ScenarioSpec, need: Any, when: Any) -> list[Problem]:
    """Cross references of the supply network: holders, routes, types, floors, loops."""

    out: list[Problem] = []
    ints, threats = set(sc.interceptors), set(sc.threats)
    sites, stockpiles, producers = set(sc.sites), set(sc.stockpiles), set(sc.producers)
    holders = sites | stockpiles | producers
    for group, names in (("stockpiles", stockpiles), ("producers", producers)):
        for n in names:
            if n in sites or (group == "producers" and n in stockpiles):
                out.append(Problem((group, n), f"the name {n!r} is already used by another holder"))
            if n == "outside":
                out.append(Problem((group, n), "'outside' is reserved for rounds from outside the scenario"))

    for n, sp in sc.stockpiles.items():
        held = set(sp.stock) | set(sp.capacity) | {a.interceptor for _, a in sp.allocations()}
        held |= {tr.interceptor for tr in sc.transfers if n in (tr.source, tr.to)}
        held |= {d.interceptor for d in sc.deliveries if d.to == n}
        held |= {pr.interceptor for pr in sc.producers.values() if pr.to == n}
        held |= {a.interceptor for o in sc.stockpiles.values() for _, a in o.allocations() if n in a.to}
        if not held:
            out.append(
                Problem(
                    ("stockpiles", n),
                    "this stockpile holds no interceptor type: "
                    "give it stock:, capacity:, or a route to or from it",
                )
            )

    def fires(holder: str, itype: str, path: KeyPath) -> None:
        if holder in sc.sites and itype in ints and itype not in sc.sites[holder].interceptors:
            out.append(Problem(path, f"site {holder!r} does not fire {itype!r}"))

    for n, sp in sc.stockpiles.items():
        for t in sp.stock:
            need(t, ints, "interceptor type", ("stockpiles", n, "stock", t))
        for t, cap in sp.capacity.items():
            need(t, ints, "interceptor type", ("stockpiles", n, "capacity", t))
            if sp.stock.get(t, 0) > cap:
                out.append(
                    Problem(("stockpiles", n, "stock", t), f"stock {sp.stock[t]} is above the capacity {cap}")
                )
        fed: dict[tuple[str, str], int] = {}  # (recipient, type) -> the rule (from 1) that feeds it
        for place, a in sp.allocations():
            base: KeyPath = ("stockpiles", n, "allocate", *place)
            need(a.interceptor, ints, "interceptor type", base + ("interceptor",))
            when(a.first, base + ("first",))
            for i, to in enumerate(a.to):
                need(to, holders - {n}, "holder (site or stockpile)", base + ("to", i))
                fires(to, a.interceptor, base + ("to", i))
                # two rules feeding one holder with one type would each count the other's rounds
                # as missing: one rule per (type, recipient)
                other = fed.setdefault((to, a.interceptor), place[0] + 1 if place else 1)
                if place and other != place[0] + 1:
                    out.append(
                        Problem(
                            base + ("to", i),
                            f"allocation rule {other} already gives {a.interceptor!r} to {to!r}: "
                            "one rule per interceptor type and recipient",
                        )
                    )
    for n, pr in sc.producers.items():
        base = ("producers", n)
        need(pr.interceptor, ints, "interceptor type", base + ("interceptor",))
        when(pr.start, base + ("start",))
        when(pr.not_before, base + ("not_before",))
        for i, pt in enumerate(pr.ramp or []):
            when(pt.at, base + ("ramp", i, "at"))
        if pr.to is not None:
            need(pr.to, holders - {n}, "holder", base + ("to",))
            fires(pr.to, pr.interceptor, base + ("to",))
    route_names = [tr.route for tr in sc.transfers]
    known_routes = set(route_names) | {f"{n} -> {pr.to}" for n, pr in sc.producers.items() if pr.to}
    for i, tr in enumerate(sc.transfers):
        base = ("transfers", i)
        if route_names.count(tr.route) > 1 and route_names.index(tr.route) != i:
            out.append(Problem(base, f"route name {tr.route!r} is used twice; give each a 'name'"))
        need(tr.source, holders | {"outside"}, "holder (or 'outside')", base + ("from",))
        need(tr.to, holders, "holder", base + ("to",))
        need(tr.interceptor, ints, "interceptor type", base + ("interceptor",))
        fires(tr.to, tr.interceptor, base + ("interceptor",))
        fires(tr.source, tr.interceptor, base + ("interceptor",))
        if tr.source == tr.to:
            out.append(Problem(base + ("to",), "a route needs two different holders"))
        for key in ("at", "until", "not_before"):
            when(getattr(tr, key), base + (key,))
        if tr.backfill is not None:
            need(tr.backfill, known_routes, "route to watch for backfill", base + ("backfill",))
            watched = next((t for t in sc.transfers if t.route == tr.backfill), None)
            watched_to = (
                watched.to
                if watched
                else next((pr.to for n, pr in sc.producers.items() if f"{n} -> {pr.to}" == tr.backfill), None)
            )
            if watched_to is not None and watched_to != tr.source:
                out.append(
                    Problem(
                        base + ("from",),
                        f"a backfill releases from the holder the watched route "
                        f"delivers to ({watched_to!r}), not {tr.source!r}",
                    )
                )
        if tr.source in sc.stockpiles:
            limit = sc.stockpiles[tr.source].capacity.get(tr.interceptor)
            if limit is not None and tr.floor > limit:
                out.append(
                    Problem(base + ("floor",), f"floor {tr.floor} is above {tr.source!r}'s capacity {limit}")
                )
    cycle = backfill_cycle(sc)
    if cycle:
        i = route_names.index(cycle[0])
        out.append(
            Problem(
                ("transfers", i, "backfill"),
                "backfill links form a loop that would ship forever: " + " -> ".join(cycle),
            )
        )
    for i, e in enumerate(sc.route_events):
        need(e.route, known_routes, "route", ("route_events", i, "route"))
        when(e.at, ("route_events", i, "at"))
    for i, cl in enumerate(sc.cross_levelling):
        for j, s in enumerate(cl.sites):
            need(s, sites, "site", ("cross_levelling", i, "sites", j))
            fires(s, cl.interceptor, ("cross_levelling", i, "sites", j))
        need(cl.interceptor, ints, "interceptor type", ("cross_levelling", i, "interceptor"))
    for n, site in sc.sites.items():
        for i, rp in enumerate(site.resupply):
            need(
                rp.source,
                stockpiles | {"outside"},
                "stockpile (or 'outside')",
                ("sites", n, "resupply", i, "from"),
            )
    for i, d in enumerate(sc.deliveries):
        base = ("deliveries", i)
        when(d.at, base + ("at",))
        when(d.until, base + ("until",))
        need(d.to, holders, "holder", base + ("to",))
        need(d.interceptor, ints, "interceptor type", base + ("interceptor",))
        fires(d.to, d.interceptor, base + ("interceptor",))
    if sc.attacker is not None:
        for key in ("stock", "production"):
            for t in getattr(sc.attacker, key):
                need(t, threats, "threat type", ("attacker", key, t))
    return out


def backfill_cycle(sc: ScenarioSpec) -> list[str] | None:
    """A loop of backfill links (each waits on the next), or None."""
    watch = {tr.route: tr.backfill for tr in sc.transfers if tr.backfill}
    for startname in watch:
        seen = [startname]
        cur = watch.get(startname)
        while cur is not None:
            if cur in seen:
                return seen[seen.index(cur) :] + [cur]
            seen.append(cur)
            cur = watch.get(cur)
    return None


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
