"""The user's extension point: plain SimPy processes that read stock and act during a run.

A process function ``f(env, world)`` returns a generator, as any SimPy process does; the
engine starts it with ``env.process(f(env, world))`` in the run's own environment (time in
days from the scenario's start), before the first event.  ``world`` (a :class:`World`) reads
any holder's stock and acts through the same routes and sites as the scenario, so every
action lands in the event log and the stock series like any other: a shipment is a route
``emergency: FROM -> TO`` (kind ``action``) with its ``shipped`` and ``delivery`` rows, a
pause or resume a ``paused`` / ``resumed`` row, a doctrine change a ``doctrine`` row.

Example (examples/emergency_package.py)::

    def emergency_package(env, world):
        while True:
            yield world.below("Front stockpile", "LR-SAM", 20)
            world.ship("Licensor depot", "Front stockpile", "LR-SAM", 24, lead_time=10)
            yield env.timeout(90)  # at most one package every 90 days
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import simpy

from ..plan import OUTSIDE, Plan, RoutePlan
from ..vocab import RouteAction, RouteKind
from .network import Network
from .policies import Holder
from .site import Site
from .state import RunState
from .supply import Route

#: what ``processes=`` takes: ``f(env, world)`` returning a SimPy process generator
Process = Callable[[simpy.Environment, "World"], Generator[Any, Any, Any]]


class _Below:
    """Fires the pending event the first time a subscribed level is below a mark (a
    ``policies.LevelWatcher``, subscribed by :meth:`World.below`)."""

    def __init__(self, mark: int):
        self.mark = mark
        self.event: simpy.Event | None = None

    def on_level(self, holder: Holder, itype: int, level: int, change: int) -> None:
        if self.event is not None and level < self.mark:
            self.event.succeed(level)
            self.event = None


class World:
    """What a process may read and do.  Holders, routes and interceptors are named as in the scenario."""

    def __init__(self, state: RunState, plan: Plan, network: Network, sites: list[Site]):
        self._state = state
        self._env = state.clock.env
        self._network = network
        self._sites = sites
        #: names of sites, stockpiles and producers
        self.holders: list[str] = plan.holder_names
        #: names of the sites
        self.sites: list[str] = plan.site_names
        #: names of the routes (grows when an action opens one)
        self.routes: list[str] = [r.plan.name for r in network.routes]
        #: names of the interceptor types
        self.interceptors: list[str] = list(plan.interceptors)
        self._made: dict[tuple[int, int, int], Route] = {}
        self._below: dict[tuple[int, int, int], _Below] = {}

    # --- reading ----------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Days since the scenario's start (the same as ``env.now``)."""
        return float(self._env.now)

    def stock(self, holder: str, interceptor: str) -> int:
        """Rounds ``holder`` holds of ``interceptor`` (for a site: magazine plus ready rounds)."""
        h, it = self._holder(holder), self._type(interceptor)
        return self._network.holders[h].level(it)

    def on_order(self, holder: str, interceptor: str) -> int:
        """Rounds of ``interceptor`` on their way to ``holder``."""
        return self._network.on_order(self._holder(holder)).get(self._type(interceptor), 0)

    def below(self, holder: str, interceptor: str, level: int) -> simpy.Event:
        """An event that fires (value: the stock) as soon as the stock is below ``level``.

        It fires at once when the stock already is.  A stockpile's stock changes when rounds
        arrive or leave; a site's after each shot and each receipt.
        """
        h, it = self._holder(holder), self._type(interceptor)
        event = self._env.event()
        stock = self._network.holders[h].level(it)
        if stock < level:
            return event.succeed(stock)
        key = (h, it, level)
        watch = self._below.get(key)
        if watch is None:
            watch = self._below[key] = _Below(level)
            self._network.holders[h].subscribe(it, watch, below=level - 1)
        if watch.event is None:
            watch.event = event
        return watch.event

    # --- acting -----------------------------------------------------------------------------

    def ship(self, src: str, dst: str, interceptor: str, n: int, lead_time: float = 0.0) -> int:
        """Send ``n`` rounds from ``src`` (a holder, or ``"outside"``) to ``dst``, arriving after
        ``lead_time`` days; return how many left (``src``'s stock permitting)."""
        s = OUTSIDE if src == "outside" else self._holder(src)
        d, it = self._holder(dst), self._type(interceptor)
        route = self._route(s, d, it)
        route.lead = float(lead_time)
        return route.ship(int(n))

    def pause(self, route: str) -> None:
        """Hold back what ``route`` would ship until it is resumed (scheduled shipments wait)."""
        r = self._route_named(route)
        if r.state == "active":
            r.event(RouteAction.PAUSE, 0.0)  # records the paused row

    def resume(self, route: str) -> None:
        """Resume a paused route: what it held back leaves now."""
        r = self._route_named(route)
        if r.state == "paused":
            r.event(RouteAction.RESUME, 0.0)  # records the resumed row (rounds held back that leave)

    def set_doctrine(
        self,
        site: str,
        shots: int | None = None,
        opportunities: int | None = None,
    ) -> None:
        """Change a site's doctrine from now on: rounds per engagement cycle, cycles per threat."""
        k = self._site(site)
        s = self._sites[k]
        if shots is not None:
            if shots < 1:
                raise ValueError("shots must be at least 1")
            s.shots = int(shots)
        if opportunities is not None:
            if opportunities < 1:
                raise ValueError("opportunities must be at least 1")
            s.opportunities = int(opportunities)
        self._state.recorder.doctrine(self._state.clock.now, self.holders.index(site), s.shots)

    # --- names ------------------------------------------------------------------------------

    def _holder(self, name: str) -> int:
        return _index(self.holders, name, "holder", "holders")

    def _site(self, name: str) -> int:
        return _index(self.sites, name, "site", "sites")

    def _type(self, name: str) -> int:
        return _index(self.interceptors, name, "interceptor", "types")

    def _route_named(self, name: str) -> Route:
        return self._network.routes[_index(self.routes, name, "route", "routes")]

    def _route(self, src: int, dst: int, it: int) -> Route:
        """The action route from src to dst for one type, opened on first use."""
        key = (src, dst, it)
        route = self._made.get(key)
        if route is not None:
            return route
        src_name = "outside" if src == OUTSIDE else self.holders[src]
        name = f"emergency: {src_name} -> {self.holders[dst]}"
        if name in self.routes:
            name = f"{name} ({self.interceptors[it]})"
        plan = RoutePlan(len(self._network.routes), name, RouteKind.ACTION, src, dst, it, source=src_name)
        route = self._network.open_route(plan)
        self.routes.append(name)
        self._made[key] = route
        return route


def start(
    state: RunState,
    plan: Plan,
    network: Network,
    sites: list[Site],
    processes: list[Process] | tuple[Process, ...],
) -> World | None:
    """Start each process in the run's environment, with one shared :class:`World`."""
    if not processes:
        return None
    world = World(state, plan, network, sites)
    env = state.clock.env
    for f in processes:
        env.process(f(env, world))
    return world


def _index(names: list[str], name: str, what: str, all_of: str) -> int:
    """Where ``name`` is in ``names``, or a KeyError listing them."""
    try:
        return names.index(name)
    except ValueError:
        raise KeyError(f"no {what} {name!r}; {all_of}: {', '.join(names)}") from None
