"""Cross references of the supply network: holders' names, what each stockpile holds, routes
and the types they carry, floors under capacities, backfill loops."""

from __future__ import annotations

from .cross_refs import Refs
from .errors import KeyPath
from .schema import ScenarioSpec
from .schema_supply import Stockpile, Transfer


def check_network(c: Refs) -> None:
    """Cross references of the supply network: holders, routes, types, floors, loops."""
    sc = c.sc
    stockpiles, producers = set(sc.stockpiles), set(sc.producers)
    holders = c.sites | stockpiles | producers
    for group, names in (("stockpiles", stockpiles), ("producers", producers)):
        for n in names:
            if n in c.sites or (group == "producers" and n in stockpiles):
                c.problem((group, n), f"the name {n!r} is already used by another holder")
            if n == "outside":
                c.problem((group, n), "'outside' is reserved for rounds from outside the scenario")
    for n in sc.stockpiles:
        if not _held(sc, n):
            c.problem(
                ("stockpiles", n),
                "this stockpile holds no interceptor type: "
                "give it stock:, capacity:, or a route to or from it",
            )
    for n, sp in sc.stockpiles.items():
        _stockpile(c, n, sp, holders)
    for n, pr in sc.producers.items():
        base: KeyPath = ("producers", n)
        c.need(pr.interceptor, c.ints, "interceptor type", base + ("interceptor",))
        c.when(pr.start, base + ("start",))
        c.when(pr.not_before, base + ("not_before",))
        for i, pt in enumerate(pr.ramp or []):
            c.when(pt.at, base + ("ramp", i, "at"))
        if pr.to is not None:
            c.need(pr.to, holders - {n}, "holder", base + ("to",))
            c.fires(pr.to, pr.interceptor, base + ("to",))
    known_routes = {tr.route for tr in sc.transfers} | {
        f"{n} -> {p.to}" for n, p in sc.producers.items() if p.to
    }
    _transfers(c, holders, known_routes)
    _other_routes(c, holders, known_routes)


def _held(sc: ScenarioSpec, n: str) -> set[str]:
    """The interceptor types stockpile ``n`` holds, is given or sends."""
    sp = sc.stockpiles[n]
    held = set(sp.stock) | set(sp.capacity) | {a.interceptor for _, a in sp.allocations()}
    held |= {tr.interceptor for tr in sc.transfers if n in (tr.source, tr.to)}
    held |= {d.interceptor for d in sc.deliveries if d.to == n}
    held |= {pr.interceptor for pr in sc.producers.values() if pr.to == n}
    held |= {a.interceptor for o in sc.stockpiles.values() for _, a in o.allocations() if n in a.to}
    return held


def _stockpile(c: Refs, n: str, sp: Stockpile, holders: set[str]) -> None:
    """A stockpile's types, stock under capacity, and allocation rules (one per type and recipient)."""
    for t in sp.stock:
        c.need(t, c.ints, "interceptor type", ("stockpiles", n, "stock", t))
    for t, cap in sp.capacity.items():
        c.need(t, c.ints, "interceptor type", ("stockpiles", n, "capacity", t))
        if sp.stock.get(t, 0) > cap:
            c.problem(("stockpiles", n, "stock", t), f"stock {sp.stock[t]} is above the capacity {cap}")
    fed: dict[tuple[str, str], int] = {}  # (recipient, type) -> the rule (from 1) that feeds it
    for place, a in sp.allocations():
        base: KeyPath = ("stockpiles", n, "allocate", *place)
        c.need(a.interceptor, c.ints, "interceptor type", base + ("interceptor",))
        c.when(a.first, base + ("first",))
        for i, to in enumerate(a.to):
            c.need(to, holders - {n}, "holder (site or stockpile)", base + ("to", i))
            c.fires(to, a.interceptor, base + ("to", i))
            # two rules feeding one holder with one type would each count the other's rounds
            # as missing: one rule per (type, recipient)
            other = fed.setdefault((to, a.interceptor), place[0] + 1 if place else 1)
            if place and other != place[0] + 1:
                c.problem(
                    base + ("to", i),
                    f"allocation rule {other} already gives {a.interceptor!r} to {to!r}: "
                    "one rule per interceptor type and recipient",
                )


def _transfers(c: Refs, holders: set[str], known_routes: set[str]) -> None:
    """Each transfer's names, holders, types, times, backfill and floor; backfill loops."""
    sc = c.sc
    route_names = [tr.route for tr in sc.transfers]
    for i, tr in enumerate(sc.transfers):
        base: KeyPath = ("transfers", i)
        if route_names.count(tr.route) > 1 and route_names.index(tr.route) != i:
            c.problem(base, f"route name {tr.route!r} is used twice; give each a 'name'")
        c.need(tr.source, holders | {"outside"}, "holder (or 'outside')", base + ("from",))
        c.need(tr.to, holders, "holder", base + ("to",))
        c.need(tr.interceptor, c.ints, "interceptor type", base + ("interceptor",))
        c.fires(tr.to, tr.interceptor, base + ("interceptor",))
        c.fires(tr.source, tr.interceptor, base + ("interceptor",))
        if tr.source == tr.to:
            c.problem(base + ("to",), "a route needs two different holders")
        for key in ("at", "until", "not_before"):
            c.when(getattr(tr, key), base + (key,))
        if tr.backfill is not None:
            _backfill(c, tr, known_routes, base)
        if tr.source in sc.stockpiles:
            limit = sc.stockpiles[tr.source].capacity.get(tr.interceptor)
            if limit is not None and tr.floor > limit:
                c.problem(base + ("floor",), f"floor {tr.floor} is above {tr.source!r}'s capacity {limit}")
    cycle = backfill_cycle(sc)
    if cycle:
        c.problem(
            ("transfers", route_names.index(cycle[0]), "backfill"),
            "backfill links form a loop that would ship forever: " + " -> ".join(cycle),
        )


def _backfill(c: Refs, tr: Transfer, known_routes: set[str], base: KeyPath) -> None:
    """A backfill watches a known route and releases from the holder that route delivers to."""
    assert tr.backfill is not None
    c.need(tr.backfill, known_routes, "route to watch for backfill", base + ("backfill",))
    watched = next((t for t in c.sc.transfers if t.route == tr.backfill), None)
    watched_to = (
        watched.to
        if watched
        else next((pr.to for n, pr in c.sc.producers.items() if f"{n} -> {pr.to}" == tr.backfill), None)
    )
    if watched_to is not None and watched_to != tr.source:
        c.problem(
            base + ("from",),
            f"a backfill releases from the holder the watched route "
            f"delivers to ({watched_to!r}), not {tr.source!r}",
        )


def _other_routes(c: Refs, holders: set[str], known_routes: set[str]) -> None:
    """Route events, cross-levelling, site resupply, deliveries and the attacker's stock."""
    sc = c.sc
    for i, e in enumerate(sc.route_events):
        c.need(e.route, known_routes, "route", ("route_events", i, "route"))
        c.when(e.at, ("route_events", i, "at"))
    for i, cl in enumerate(sc.cross_levelling):
        for j, s in enumerate(cl.sites):
            c.need(s, c.sites, "site", ("cross_levelling", i, "sites", j))
            c.fires(s, cl.interceptor, ("cross_levelling", i, "sites", j))
        c.need(cl.interceptor, c.ints, "interceptor type", ("cross_levelling", i, "interceptor"))
    for n, site in sc.sites.items():
        for i, rp in enumerate(site.resupply):
            c.need(
                rp.source,
                set(sc.stockpiles) | {"outside"},
                "stockpile (or 'outside')",
                ("sites", n, "resupply", i, "from"),
            )
    for i, d in enumerate(sc.deliveries):
        base: KeyPath = ("deliveries", i)
        c.when(d.at, base + ("at",))
        c.when(d.until, base + ("until",))
        c.need(d.to, holders, "holder", base + ("to",))
        c.need(d.interceptor, c.ints, "interceptor type", base + ("interceptor",))
        c.fires(d.to, d.interceptor, base + ("interceptor",))
    if sc.attacker is not None:
        for key in ("stock", "production"):
            for t in getattr(sc.attacker, key):
                c.need(t, c.threats, "threat type", ("attacker", key, t))


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
