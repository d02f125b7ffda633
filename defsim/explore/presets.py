"""The classroom exercises (docs/exercises/) as one-click what-ifs of the explorer.

Each preset is the sweep an exercise runs: its scenario, ``--set`` lines, the key it varies with
its values, replications, seed and extra figures, with a label per variant.  The page runs it
as the exercise's command does, so it shows the exercise's numbers; ``tests/test_explore.py``
checks that every preset's command is, word for word, one an exercise page runs.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    exercise: str  # the page in docs/exercises/, without .md
    title: str
    scenario: str
    key: str
    values: tuple[str, ...]
    labels: tuple[str, ...]
    reps: int
    seed: int
    sets: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()

    def command(self) -> str:
        """The same sweep on the command line (the exercise's, without its --no-plot and --out)."""
        parts = ["defsim", "sweep", self.scenario]
        vary = ["--vary", f"{self.key}={','.join(self.values)}"]
        sets = [x for s in self.sets for x in ("--set", s)]
        figs = [x for f in self.figures for x in ("--figure", f)]
        parts += [*sets, *vary, *figs]
        parts += ["--reps", str(self.reps), "--seed", str(self.seed)]
        return shlex.join(parts)


_DOCTRINES = ("{mode: salvo, shots: 2}", "{mode: shoot_look_shoot, shots: 1, opportunities: 2}")
_SURGE = (
    "attacks.0.stream.rate=12/h",
    "duration=2d",
    "deliveries=[]",
    "sites.Battery.stock.interceptor=5000",
)
_PAUSE = (
    "route_events=[{at: 2025-10-01, route: Licensee -> Licensor depot, action: pause}, "
    "{at: 2025-10-01, route: Licensee -> Licensor depot, action: resume}]"
)

PRESETS: tuple[Preset, ...] = (
    Preset(
        "01-days-until-dry",
        "1. How resupply shifts the day the battery runs dry",
        "textbook",
        "deliveries.0.at",
        ("7d", "41d"),
        ("weekly delivery", "no delivery"),
        200,
        1,
    ),
    Preset(
        "02-salvo-or-shoot-look-shoot",
        "2. Salvo or shoot-look-shoot (2 fire channels)",
        "textbook",
        "sites.Battery.doctrine",
        _DOCTRINES,
        ("salvo of 2", "shoot-look-shoot"),
        100,
        1,
        ("sites.Battery.fire_channels=2", *_SURGE),
        ("sites.Battery.shots", "totals.leaked_by_reason.saturated"),
    ),
    Preset(
        "03-backfill-what-if",
        "3. Does the backfill matter?",
        "backfill",
        "transfers.0.enabled",
        ("true", "false"),
        ("with backfill", "cut"),
        100,
        2023,
        figures=("sites.Capital.by_interceptor.LR-SAM.days_empty",),
    ),
    Preset(
        "04-cheap-drones-expensive-rounds",
        "4. Cheap drones, expensive rounds: the reserve",
        "nightly_raids",
        "sites.Battery.reserve.0.keep",
        ("1", "12", "24", "36"),
        ("keep 1", "keep 12", "keep 24", "keep 36"),
        100,
        7,
        figures=("threats.ballistic.leaked", "sites.Battery.by_interceptor.long_range.shots"),
    ),
    Preset(
        "05-production-ramp-lag",
        "5. When production ramps up",
        "backfill",
        "producers.Licensee.ramp.1.at",
        ("2025-01-01", "2025-07-01", "2026-01-01"),
        ("ramp Jan 2025", "ramp Jul 2025", "ramp Jan 2026"),
        100,
        2023,
        figures=("routes.backfill.delivered",),
    ),
    Preset(
        "06-retaliation-pause",
        "6. A retaliation pauses the licensed route",
        "backfill",
        "route_events.1.at",
        ("2025-10-01", "2026-01-01", "2026-04-01", "2026-06-30"),
        ("no pause", "3 months", "6 months", "9 months"),
        100,
        2023,
        (_PAUSE,),
        ("sites.Capital.by_interceptor.LR-SAM.days_empty",),
    ),
    Preset(
        "07-layered-defence",
        "7. Layered defence: should the upper tier engage drones?",
        "layered",
        "sites.Long_range.engage",
        ("[ballistic_missile, cruise_missile]", "[ballistic_missile, cruise_missile, drone]"),
        ("upper tier leaves drones", "upper tier engages drones"),
        100,
        1,
    ),
    Preset(
        "08-explorer-weekly-delivery",
        "8. How big must the weekly delivery be?",
        "textbook",
        "deliveries.0.quantity",
        ("14", "28", "42"),
        ("14 a week", "28 a week", "42 a week"),
        100,
        1,
    ),
)


def for_scenario(name: str) -> list[Preset]:
    return [p for p in PRESETS if p.scenario == name]


def by_exercise(exercise: str) -> Preset | None:
    return next((p for p in PRESETS if p.exercise == exercise), None)
