#!/usr/bin/env python3
"""Plain-SimPy baseline: the model a user would write by hand, to measure defsim against.

A single site holds six fire channels and a magazine of 400 rounds.  Threats arrive as a
Poisson stream (20 per hour).  A threat is engaged at once or not at all (time to impact 0):
it needs a free channel and at least one round.  An engaged threat gets one shot, which
kills it with probability 0.8, and keeps its channel busy for an exponentially distributed
time (mean 15 minutes).  Every 24 hours a depot delivers another 400 rounds.  Only counters
are kept, no event log or stock series.

benchmarks/minimal_baseline.yaml states the same model as a defsim scenario;
tests/test_benchmark_model.py checks that the two agree (and with Erlang B) within sampling
error, and benchmarks/run.py times both.

    python benchmarks/baseline_simpy.py [THREATS] [--seed S]

prints the threats simulated per second of wall time and the counters as one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Generator
from typing import Any

import simpy

RATE_PER_H = 20.0  # threat arrivals per hour (Poisson)
ENGAGE_MEAN_H = 0.25  # mean channel occupation per engagement, hours
CHANNELS = 6
PK = 0.8  # single-shot kill probability
INITIAL_STOCK = 400
DELIVERY = 400  # rounds per delivery
DELIVERY_EVERY_H = 24.0


def simulate(n_threats: int, seed: int) -> dict[str, int]:
    """Run until ``n_threats`` threats have arrived; return the counters."""
    rng = random.Random(seed)
    env = simpy.Environment()
    fire_channels = simpy.Resource(env, capacity=CHANNELS)
    stats = {"threats": 0, "not_engaged": 0, "fired": 0, "killed": 0, "leaked": 0}
    magazine = [INITIAL_STOCK]  # a one-element list so the processes can change it

    def engagement() -> Generator[simpy.Event, Any, None]:
        # a channel is known to be free: the request is granted at once
        with fire_channels.request() as channel:
            yield channel
            magazine[0] -= 1
            stats["fired"] += 1
            yield env.timeout(rng.expovariate(1.0 / ENGAGE_MEAN_H))
            stats["killed" if rng.random() < PK else "leaked"] += 1

    def arrivals() -> Generator[simpy.Event, Any, None]:
        for _ in range(n_threats):
            yield env.timeout(rng.expovariate(RATE_PER_H))
            stats["threats"] += 1
            if fire_channels.count < CHANNELS and magazine[0] > 0:
                env.process(engagement())
            else:  # no channel or no round now: it is not engaged and gets through
                stats["not_engaged"] += 1
                stats["leaked"] += 1

    def deliveries(done: simpy.Process) -> Generator[simpy.Event, Any, None]:
        while not done.triggered:
            yield env.timeout(DELIVERY_EVERY_H)
            magazine[0] += DELIVERY

    attack = env.process(arrivals())
    env.process(deliveries(attack))
    env.run(until=attack)
    return {**stats, "stock": magazine[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("threats", nargs="?", type=int, default=200_000, help="threats to simulate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    start = time.perf_counter()
    counters = simulate(args.threats, args.seed)
    wall = time.perf_counter() - start
    print(json.dumps({"threats_per_s": round(args.threats / wall), "wall_s": round(wall, 4), **counters}))


if __name__ == "__main__":
    main()
