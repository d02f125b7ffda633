"""One run: wire sites, the supply network and arrivals into a SimPy environment, run, collect.

Phases as in desmod: the plan (built from the scenario) is wired into live objects, the
environment runs to the scenario's end, and the raw records are collected into a
:class:`RunRecord` that carries its plan and seed.  No file IO and no plotting here.
"""

from __future__ import annotations

import gc

import numpy as np

from ..plan import Plan
from . import control, streams
from .attacks import Arrivals, generate
from .clock import Clock
from .layers import Asset
from .recorder import NullRecorder, Recorder
from .records import REASONS, LayerRecord, RunRecord
from .site import Site
from .supply import Network, Route, Store


class Simulation:
    def __init__(
        self,
        plan: Plan,
        seed: int = 0,
        replication: int = 0,
        record_events: bool = True,
        processes: list[control.Process] | tuple[control.Process, ...] = (),
    ):
        self.plan = plan
        self.seed = seed
        self.replication = replication
        root = streams.replication_seed(seed, replication)
        self.clock = Clock()
        self.env = self.clock.env  # the SimPy environment: processes run on the same clock
        self.root = root
        self.arrivals: Arrivals = generate(
            plan, streams.generator(root, "attacks"), streams.generator(root, "targets")
        )
        # a threat's luck is its own: shot and assessment draws by (opportunity, threat id)
        self.shot_draws = streams.ThreatDraws(root, "shots", len(self.arrivals))
        self.assess_draws = streams.ThreatDraws(root, "assessment", len(self.arrivals))
        self._layer_draws: dict[tuple[str, int], streams.ThreatDraws] = {}
        nt = len(plan.threats)
        self.time_to_impact = plan.time_to_impact.tolist()
        self.arrived = [0] * nt
        self.engaged = [0] * nt
        self.killed = [0] * nt
        self.leaked = [[0] * nt for _ in REASONS]
        self.recorder: Recorder = Recorder() if record_events else NullRecorder()
        # layered defence (see layers.py): per threat id, the asset it is aimed at (-1: a site);
        # a site adds the number of assets once it has engaged the threat and passed it on
        n_sites = len(plan.sites)
        self.asset_of: list[int] = (
            np.where(self.arrivals.site >= n_sites, self.arrivals.site - n_sites, -1).tolist()
            if plan.assets
            else []
        )
        self.delivered: list[tuple[float, int, int]] = []
        self.produced: dict[int, int] = {}
        net = plan.network
        self.pipeline: list[dict[int, int]] = [{} for _ in net.holders]
        self.series: list[tuple[str, str, str]] = []
        initial: list[int] = []
        initial_ready: list[int] = []
        self.sites: list[Site] = []
        self.holders: list[Site | Store] = []
        for h in net.holders:
            ids = {}
            for it in h.types:
                ids[it] = len(self.series)
                self.series.append((h.name, plan.interceptors[it], h.kind))
                initial.append(h.initial.get(it, 0))
            if h.kind == "site":
                sp = plan.sites[h.index]
                site = Site(self, sp, [ids[it] for it in sp.types])
                self.sites.append(site)
                self.holders.append(site)
                initial_ready.extend(site.ready)
            else:
                self.holders.append(Store(self, h.index, h.initial, h.capacity, ids))
                initial_ready.extend(h.initial.get(it, 0) for it in h.types)
        self.routes: list[Route] = []
        for r in net.routes:
            self.routes.append(Route(self, r, len(self.series)))
            self.series.append((r.name, plan.interceptors[r.itype], "transit"))
            initial.append(0)
            initial_ready.append(0)
        self.initial = np.array(initial, dtype=np.int64)
        self.initial_ready = np.array(initial_ready, dtype=np.int64)
        self.assets = [Asset(self, a, nt) for a in plan.assets]
        self.network = Network(self)
        self.world = control.start(self, processes)  # the user's SimPy processes, if any

    def layer_draws(self, purpose: str, layer: int) -> streams.ThreatDraws:
        """The shot or assessment draws of layer ``layer`` (layer 1: those of a single layer)."""
        if layer == 1:
            return self.shot_draws if purpose == "shots" else self.assess_draws
        key = (purpose, layer)
        if key not in self._layer_draws:
            self._layer_draws[key] = streams.ThreatDraws(
                self.root, f"layer_{purpose}", len(self.arrivals), layer
            )
        return self._layer_draws[key]

    def stream(self, purpose: str, name: str) -> np.random.Generator:
        """The random stream of ``purpose`` that belongs to the site or route called ``name``."""
        return streams.generator(self.root, purpose, streams.key(name))

    # --- the event loop: SimPy's queue merged with the pre-drawn arrival stream ------------

    def run(self) -> RunRecord:
        """Run to the end of the scenario and collect the records.

        Arrivals are drawn up front and sorted, so they need no SimPy event: the loop steps the
        environment while its next event comes first, and otherwise moves the clock to the next
        arrival and hands it to its site.  This halves the events of a threat that is engaged at
        once (the hot path) and gives exactly the order of SimPy's own loop with the arrivals as
        events scheduled after any event due at the same time.
        """
        # The run allocates millions of small records that live to the end; the cyclic garbage
        # collector would rescan them again and again (run time then grows faster than the
        # number of threats).  Nothing here forms reference cycles that need collecting during
        # the run, so the collector is paused and restored afterwards.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._loop()
        finally:
            if was_enabled:
                gc.enable()

    def _loop(self) -> RunRecord:
        a = self.arrivals
        handlers = [site.arrive for site in self.sites] + [asset.handler for asset in self.assets]
        self.clock.run(self.plan.duration, a.time.tolist(), a.site.tolist(), a.threat.tolist(), handlers)
        return self.collect()

    def collect(self) -> RunRecord:
        plan = self.plan
        stock = self.recorder.stock_log()
        events = self.recorder.event_log()
        shots = np.zeros((len(self.sites), len(plan.interceptors)), dtype=np.int64)
        for s in self.sites:
            for slot, itype in enumerate(s.itype):
                shots[s.index, itype] += s.shots_fired[slot]
        names = plan.holder_names
        routes = []
        for r in self.routes:
            p = r.plan
            routes.append(
                {
                    "name": p.name,
                    "kind": p.kind,
                    "source": p.source,
                    "from": "outside" if p.src < 0 else names[p.src],
                    "to": names[p.dst],
                    "interceptor": plan.interceptors[p.itype],
                    "shipped": r.shipped,
                    "delivered": r.delivered,
                    "lost": r.lost,
                    "in_transit_at_end": r.transit_level,
                    "not_shipped": r.short + r.pending + r.owed,
                    "state_at_end": r.state,
                }
            )
        layers, twice = self._layer_record() if self.assets else (None, [0] * len(plan.threats))
        return RunRecord(
            plan=plan,
            seed=self.seed,
            replication=self.replication,
            series=self.series,
            initial=self.initial,
            initial_ready=self.initial_ready,
            stock=stock,
            events=events,
            arrivals=len(self.arrivals),
            planned=self.arrivals.planned,
            arrived=np.array(self.arrived),
            # a threat still engaged at the end in a layer under one that engaged it counts once
            engaged=np.array(self.engaged) - np.array(twice, dtype=np.int64),
            killed=np.array(self.killed),
            leaked=np.array(self.leaked),
            shots=shots,
            raids=self.arrivals.raids,
            deliveries=self.delivered,
            routes=routes,
            produced={names[h]: n for h, n in self.produced.items()},
            layers=layers,
        )

    def _layer_record(self) -> tuple[LayerRecord, list[int]]:
        # each site counted what it passed on, per asset; a layer's passes are its sites' sum.
        # Every threat that met a layer was killed there, passed on, or is still held by one of
        # its sites when the run stops: kills are what is left (see layers.py)
        depth = max((len(a.layers) for a in self.assets), default=0)
        nt, na = len(self.plan.threats), len(self.assets)
        entered = np.zeros((na, depth, nt), dtype=np.int64)
        killed = np.zeros((na, depth, nt), dtype=np.int64)
        passed = np.zeros((na, depth, len(REASONS), nt), dtype=np.int64)
        target = self.arrivals.site
        held = np.zeros((na, depth, nt), dtype=np.int64)
        twice = [0] * nt
        pending = self.clock.pending()
        for s in self.sites:
            if s.layered:
                out = [[0] * nt for _ in range(na)]
                s.in_flight(pending, out, twice)
                for i, k in enumerate(s.layer_of):
                    if k >= 0:
                        held[i, k] += out[i]
        for a in self.assets:
            i = a.index
            if not a.layers:
                continue
            for k, sites in enumerate(a.layers):
                for s in sites:
                    passed[i, k] += s.passed_of(i)
            # every threat aimed at the asset met its first layer; survivors the next
            mine = target == len(self.sites) + i
            entered[i, 0] = np.bincount(self.arrivals.threat[mine], minlength=nt)
            entered[i, 1:] = passed[i, :-1].sum(axis=1)
            killed[i] = entered[i] - passed[i].sum(axis=1) - held[i]
        record = LayerRecord(
            target=target.copy(),
            entered=entered,
            killed=killed,
            passed=passed,
            damage=np.array([a.damage for a in self.assets]),
            leaks=sorted(leak for a in self.assets for leak in a.leaks),
        )
        return record, twice


def simulate(
    plan: Plan,
    seed: int = 0,
    replication: int = 0,
    record_events: bool = True,
    processes: list[control.Process] | tuple[control.Process, ...] = (),
) -> RunRecord:
    """Run one replication of a built plan, with the user's SimPy ``processes`` (see control.py)."""
    return Simulation(plan, seed, replication, record_events, processes).run()
