"""Reading a scenario: YAML with line numbers, schema validation, cross-reference checks.

Every problem becomes a :class:`ScenarioError` whose lines each name the file, the YAML line,
the key path and what was expected, so the CLI can print it and exit with status 2.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import schema
from .schema import Scenario

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path_
    message: str
    line: int | None = None

    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(top level)"


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.format())

    def format(self) -> str:
        lines = [f"error: {self.source} is not a valid scenario"]
        for p in self.problems:
            at = f"{self.source}:{p.line}" if p.line else self.source
            lines.append(f"  {at}: {p.where()}: {p.message}")
        return "\n".join(lines)


# --- YAML with line numbers ---------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe loading only: no Python objects can be built from a scenario file."""


def _line_map(node: yaml.Node, path: Path_, lines: dict[Path_, int], dups: list[Problem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dups.append(
                    Problem(
                        path + (key,),
                        "duplicate key (the earlier value would be lost)",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines, dups)


def read_yaml(text: str, source: str) -> tuple[Any, dict[Path_, int]]:
    """Parse YAML text safely; return the data and a map from key path to line number."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(
                source, [Problem((), "the file is empty: expected a mapping of scenario keys")]
            )
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            source, [Problem((), f"broken YAML: {what}", mark.line + 1 if mark else None)]
        ) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    dups: list[Problem] = []
    _line_map(node, (), lines, dups)
    if dups:
        raise ScenarioError(source, dups)
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem((), "expected a mapping of scenario keys at the top", 1)])
    return data, lines


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """Line of the deepest part of ``path`` that stands in the file."""
    best = lines.get(())
    cur: Path_ = ()
    for part in path:
        nxt = cur + (part,)
        if nxt in lines:
            cur = nxt
            best = lines[nxt]
        # parts that are not in the file (pydantic's union tags) are skipped
    return best


# --- schema errors ------------------------------------------------------------------------


def _unwrap(tp: Any) -> list[Any]:
    """The model classes a type annotation may hold (through Optional, list, dict, unions)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    out: list[Any] = []
    for arg in typing.get_args(tp):
        out.extend(_unwrap(arg))
    return out


def _model_at(loc: Path_) -> type[BaseModel] | None:
    """The schema block at ``loc`` (a pydantic error location), to list its allowed keys."""
    model: type[BaseModel] | None = Scenario
    i = 0
    while model is not None and i < len(loc):
        part = loc[i]
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        if part not in fields:
            return model if i == len(loc) else None
        candidates = _unwrap(fields[part].annotation)
        i += 1
        # skip container keys / indices and union tags until the next field name
        nxt: type[BaseModel] | None = None
        while i <= len(loc):
            for c in candidates:
                cf = {f.alias or n for n, f in c.model_fields.items()}
                if i == len(loc) or loc[i] in cf:
                    nxt = c
                    break
            if nxt is not None or i == len(loc):
                break
            i += 1
        model = nxt
    return model


def _describe_input(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_problems(exc: ValidationError, lines: dict[Path_, int]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: Path_ = tuple(err["loc"])
        kind = err["type"]
        msg = err["msg"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc[:-1])
            allowed = sorted({f.alias or n for n, f in model.model_fields.items()}) if model else []
            close = difflib.get_close_matches(key, allowed, n=1)
            msg = f"unknown key {key!r}"
            if close:
                msg += f"; did you mean {close[0]!r}?"
            elif allowed:
                msg += f"; expected one of: {', '.join(allowed)}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind == "value_error":
            msg = msg.removeprefix("Value error, ")  # our own messages already say what was got
        else:
            msg = f"{msg[0].lower()}{msg[1:]} (got {_describe_input(err.get('input'))})"
        # a nullable field's branch tag ("function-before[...]") is not a key of the file
        path = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        problems.append(Problem(path, msg, line_of(lines, path)))
    return problems


# --- cross references ---------------------------------------------------------------------


def check_references(sc: Scenario) -> list[Problem]:
    """Problems only the whole scenario can show: unknown names, dates outside the run."""
    out: list[Problem] = []
    start = sc.start_datetime
    ints, threats, sites = set(sc.interceptors), set(sc.threats), set(sc.sites)
    threat_or_class = threats | set(schema.THREAT_CLASSES)

    def need(name: str, pool: set[str], what: str, path: Path_) -> None:
        if name not in pool:
            close = difflib.get_close_matches(name, sorted(pool), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(sorted(pool))}"
            out.append(Problem(path, f"unknown {what} {name!r}{hint}"))

    def when(tp: Any, path: Path_) -> None:
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
    for name, site in sc.sites.items():
        base: Path_ = ("sites", name)
        for i, t in enumerate(site.interceptors):
            need(t, ints, "interceptor type", base + ("interceptors", i))
        for t in site.stock:
            need(
                t,
                set(site.interceptors),
                "interceptor type (not in this site's interceptors)",
                base + ("stock", t),
            )
        for t in site.launchers:
            need(
                t,
                set(site.interceptors),
                "interceptor type (not in this site's interceptors)",
                base + ("launchers", t),
            )
        for i, t in enumerate(site.engage or []):
            need(t, threat_or_class, "threat type or class", base + ("engage", i))
        for i, rule in enumerate(site.reserve):
            need(
                rule.interceptor,
                set(site.interceptors),
                "interceptor type (not in this site's interceptors)",
                base + ("reserve", i, "interceptor"),
            )
            for j, t in enumerate(rule.for_threats):
                need(t, threat_or_class, "threat type or class", base + ("reserve", i, "for", j))

    def check_targets(targets: dict[str, float] | None, path: Path_) -> None:
        if targets is None:
            return
        for n in targets:
            need(n, sites, "site", path + (n,))
        if sum(targets.values()) <= 0:
            out.append(Problem(path, "target weights must not all be zero"))

    for i, atk in enumerate(sc.attacks):
        base = ("attacks", i, atk.kind)
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
            for t in s.threats:
                need(t, threats, "threat type", base + ("threats", t))
            if sum(s.threats.values()) <= 0:
                out.append(Problem(base + ("threats",), "mix weights must not all be zero"))
            check_targets(s.targets, base + ("targets",))
    out.extend(check_network(sc, need, when))
    return out


def check_network(sc: Scenario, need: Any, when: Any) -> list[Problem]:
    """Cross references of the supply network: holders, routes, types, floors, loops."""
    from .engine.network import backfill_cycle

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

    def fires(holder: str, itype: str, path: Path_) -> None:
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
        a = sp.allocate
        if a is not None:
            base: Path_ = ("stockpiles", n, "allocate")
            need(a.interceptor, ints, "interceptor type", base + ("interceptor",))
            when(a.first, base + ("first",))
            for i, to in enumerate(a.to):
                need(to, holders - {n}, "holder (site or stockpile)", base + ("to", i))
                fires(to, a.interceptor, base + ("to", i))
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
            base = ("sites", n, "resupply", i)
            need(
                rp.interceptor,
                set(site.interceptors),
                "interceptor type (not in this site's interceptors)",
                base + ("interceptor",),
            )
            need(rp.source, stockpiles | {"outside"}, "stockpile (or 'outside')", base + ("from",))
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


# --- overrides and the public entry point -------------------------------------------------


def apply_override(data: dict[str, Any], assignment: str, source: str) -> dict[str, Any]:
    """Return a copy of ``data`` with ``path.to.key=value`` set; the value is read as YAML."""
    if "=" not in assignment:
        raise ScenarioError(source, [Problem((), f"--set {assignment!r}: expected path.to.key=value")])
    key, _, raw = assignment.partition("=")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return set_value(data, key, value, source)


def set_value(data: dict[str, Any], key: str, value: Any, source: str) -> dict[str, Any]:
    """Return a copy of ``data`` with the dotted ``key`` set to ``value``."""
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    out = copy.deepcopy(data)
    cur: Any = out
    for i, part in enumerate(parts[:-1]):
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            options = sorted(map(str, cur)) if isinstance(cur, dict) else []
            close = difflib.get_close_matches(str(part), options, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(
                source, [Problem(tuple(parts[: i + 1]), f"--set {key}: no such key in the scenario{hint}")]
            ) from None
    last = parts[-1]
    if isinstance(cur, list) and isinstance(last, int):
        if last >= len(cur):
            raise ScenarioError(source, [Problem(tuple(parts), f"--set {key}: index out of range")])
        cur[last] = value
    elif isinstance(cur, dict):
        cur[last] = value
    else:
        raise ScenarioError(source, [Problem(tuple(parts), f"--set {key}: cannot set a key inside a value")])
    return out


def validate_data(data: dict[str, Any], lines: dict[Path_, int], source: str) -> Scenario:
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, _pydantic_problems(exc, lines)) from None
    problems = check_references(sc)
    if problems:
        raise ScenarioError(
            source, [Problem(p.path, p.message, p.line or line_of(lines, p.path)) for p in problems]
        )
    sc._source_data = data
    sc._source_lines = lines
    sc._source_name = source
    return sc


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override (``path.to.key=value``) and validate a scenario file."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [Problem((), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem((), f"cannot read the file: {exc}")]) from None
    return loads(text, source, overrides)


def loads(text: str, source: str = "<scenario>", overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    data, lines = read_yaml(text, source)
    for assignment in overrides:
        data = apply_override(data, assignment, source)
    sc = validate_data(data, lines, source)
    return sc


def from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario given as Python data (as if read from YAML, without line numbers)."""
    return validate_data(copy.deepcopy(data), {}, source)
