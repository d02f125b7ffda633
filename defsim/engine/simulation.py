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
from .behaviour import shots_of
from .clock import Clock
from .layers import Asset, ThreatMarks, layer_record
from .network import Network
from .recorder import NullRecorder, Recorder
from .records import RunRecord
from .site import Site
from .state import RunState


class Simulation:
    """One replication of a plan: its parts wired on one clock, run, and their records collected.

    Each part receives what it uses (see state.py): sites the run state and the threat marks,
    the network the run state and the sites, assets the run state and their layers' sites, user
    processes a :class:`~defsim.engine.control.World`.
    """

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
        self.arrivals: Arrivals = generate(
            plan, streams.generator(root, "attacks"), streams.generator(root, "targets")
        )
        draws = streams.Streams(root, len(self.arrivals))
        self._times: list[float] = self.arrivals.time.tolist()
        times = self._times
        recorder: Recorder = Recorder(times, self.arrivals.time) if record_events else NullRecorder(times)
        self.state = state = RunState(self.clock, recorder, draws, len(plan.threats))
        # layered defence (see layers.py): per threat id, the asset it is aimed at (-1: a site)
        n_sites = len(plan.sites)
        target = self.arrivals.site
        marks = ThreatMarks(
            np.where(target >= n_sites, target - n_sites, -1).tolist() if plan.assets else [],
            len(plan.assets),
        )
        outcomes = shots_of(plan)  # how a shot at each threat type resolves
        self.sites = [Site(state, sp, plan.interceptors, marks, outcomes) for sp in plan.sites]
        self.network = Network(state, plan.network, self.sites, plan.interceptors)
        self.assets = [self._asset(i) for i in range(len(plan.assets))]
        self.world = control.start(state, plan, self.network, self.sites, processes)

    def _asset(self, i: int) -> Asset:
        """Asset ``i``, each site of its layers wired to it and to the sites of the next layer."""
        ap = self.plan.assets[i]
        layers = [[self.sites[k] for k in layer] for layer in ap.layers]
        asset = Asset(self.state, ap, layers, len(self.plan.threats))
        for k, sites in enumerate(layers):
            after = layers[k + 1] if k + 1 < len(layers) else []
            for s in sites:
                s.cover(asset, k, after)
        return asset

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
        self.clock.run(self.plan.duration, self._times, a.site.tolist(), a.threat.tolist(), handlers)
        return self.collect()

    def collect(self) -> RunRecord:
        """The run record: each part's piece."""
        plan, state = self.plan, self.state
        shots = np.zeros((len(self.sites), len(plan.interceptors)), dtype=np.int64)
        for s in self.sites:
            for slot, itype in enumerate(s.itype):
                shots[s.index, itype] += s.shots_fired[slot]
        a = self.arrivals
        layers, twice = (
            layer_record(self.assets, self.sites, a.site, a.threat, len(plan.threats))
            if self.assets
            else (None, [0] * len(plan.threats))
        )
        arrived, engaged, killed, leaked = state.ledger.counts(twice)
        series = state.series
        return RunRecord(
            plan=plan,
            seed=self.seed,
            replication=self.replication,
            series=series.names,
            initial=np.array(series.initial, dtype=np.int64),
            initial_ready=np.array(series.initial_ready, dtype=np.int64),
            stock=state.recorder.stock_log(),
            events=state.recorder.event_log(),
            arrivals=len(a),
            planned=a.planned,
            arrived=arrived,
            # a threat still engaged at the end in a layer under one that engaged it counts once
            engaged=engaged,
            killed=killed,
            leaked=leaked,
            shots=shots,
            raids=a.raids,
            deliveries=self.network.deliveries,
            routes=self.network.route_records(),
            produced=self.network.produced_record(),
            layers=layers,
        )


def simulate(
    plan: Plan,
    seed: int = 0,
    replication: int = 0,
    record_events: bool = True,
    processes: list[control.Process] | tuple[control.Process, ...] = (),
) -> RunRecord:
    """Run one replication of a built plan, with the user's SimPy ``processes`` (see control.py)."""
    return Simulation(plan, seed, replication, record_events, processes).run()
