"""The classroom exercises (docs/exercises/) as one-click what-ifs of the explorer.

Each preset is the sweep an exercise runs: its scenario, ``--set`` lines, the key it varies with
its values, replications, seed and extra figures, with a label per variant.  The page runs it
as the exercise's command does, so it shows the exercise's numbers; ``tests/test_explore.py``
checks that every preset's command is, word for word, one an exercise page runs.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from ..scenario.overrides import split_values


@dataclass(frozen=True)
class Preset:
    """An exercise's sweep: its page, the button's title, the exercise's command (without its
    --no-plot and --out) and a label per value of the varied key.  The rest is read from the
    command, so the button runs exactly what the page tells a student to type."""

    exercise: str  # the page in docs/exercises/, without .md
    title: str
    line: str
    labels: tuple[str, ...]
    _opts: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = shlex.split(self.line)
        opts: dict[str, list[str]] = {"scenario": [words[2]]}
        for opt, value in zip(words[3::2], words[4::2], strict=True):
            opts.setdefault(opt.removeprefix("--"), []).append(value)
        object.__setattr__(self, "_opts", opts)

    def _one(self, name: str) -> str:
        return self._opts[name][0]

    @property
    def scenario(self) -> str:
        return self._one("scenario")

    @property
    def key(self) -> str:
        return self._one("vary").partition("=")[0]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(split_values(self._one("vary").partition("=")[2]))

    @property
    def reps(self) -> int:
        return int(self._one("reps"))

    @property
    def seed(self) -> int:
        return int(self._one("seed"))

    @property
    def sets(self) -> tuple[str, ...]:
        return tuple(self._opts.get("set", ()))

    @property
    def figures(self) -> tuple[str, ...]:
        return tuple(self._opts.get("figure", ()))

    def command(self) -> str:
        """The same sweep on the command line (the exercise's, without its --no-plot and --out)."""
        return self.line


_SURGE = (
    "--set sites.Battery.fire_channels=2 --set attacks.0.stream.rate=12/h --set duration=2d "
    "--set 'deliveries=[]' --set sites.Battery.stock.interceptor=5000"
)
_DOCTRINES = (
    "'sites.Battery.doctrine={mode: salvo, shots: 2},{mode: shoot_look_shoot, shots: 1, opportunities: 2}'"
)
_PAUSE = (
    "'route_events=[{at: 2025-10-01, route: Licensee -> Licensor depot, action: pause}, "
    "{at: 2025-10-01, route: Licensee -> Licensor depot, action: resume}]'"
)
_LR_DAYS = "--figure sites.Capital.by_interceptor.LR-SAM.days_empty"

PRESETS: tuple[Preset, ...] = (
    Preset(
        "01-days-until-dry",
        "1. How resupply shifts the day the battery runs dry",
        "defsim sweep textbook --vary deliveries.0.at=7d,41d --reps 200 --seed 1",
        ("weekly delivery", "no delivery"),
    ),
    Preset(
        "02-salvo-or-shoot-look-shoot",
        "2. Salvo or shoot-look-shoot (2 fire channels)",
        f"defsim sweep textbook {_SURGE} --vary {_DOCTRINES} --figure sites.Battery.shots "
        "--figure totals.leaked_by_reason.saturated --reps 100 --seed 1",
        ("salvo of 2", "shoot-look-shoot"),
    ),
    Preset(
        "03-backfill-what-if",
        "3. Does the backfill matter?",
        f"defsim sweep backfill --vary transfers.0.enabled=true,false {_LR_DAYS} --reps 100 --seed 2023",
        ("with backfill", "cut"),
    ),
    Preset(
        "04-cheap-drones-expensive-rounds",
        "4. Cheap drones, expensive rounds: the reserve",
        "defsim sweep nightly_raids --vary sites.Battery.reserve.0.keep=1,12,24,36 --figure "
        "threats.ballistic.leaked --figure sites.Battery.by_interceptor.long_range.shots --reps 100 --seed 7",
        ("keep 1", "keep 12", "keep 24", "keep 36"),
    ),
    Preset(
        "05-production-ramp-lag",
        "5. When production ramps up",
        "defsim sweep backfill --vary producers.Licensee.ramp.1.at=2025-01-01,2025-07-01,2026-01-01 "
        "--figure routes.backfill.delivered --reps 100 --seed 2023",
        ("ramp Jan 2025", "ramp Jul 2025", "ramp Jan 2026"),
    ),
    Preset(
        "06-retaliation-pause",
        "6. A retaliation pauses the licensed route",
        f"defsim sweep backfill --set {_PAUSE} --vary route_events.1.at=2025-10-01,2026-01-01,2026-04-01,"
        f"2026-06-30 {_LR_DAYS} --reps 100 --seed 2023",
        ("no pause", "3 months", "6 months", "9 months"),
    ),
    Preset(
        "07-layered-defence",
        "7. Layered defence: should the upper tier engage drones?",
        "defsim sweep layered --vary 'sites.Long_range.engage=[ballistic_missile, cruise_missile],"
        "[ballistic_missile, cruise_missile, drone]' --reps 100 --seed 1",
        ("upper tier leaves drones", "upper tier engages drones"),
    ),
    Preset(
        "08-explorer-weekly-delivery",
        "8. How big must the weekly delivery be?",
        "defsim sweep textbook --vary deliveries.0.quantity=14,28,42 --reps 100 --seed 1",
        ("14 a week", "28 a week", "42 a week"),
    ),
)


def for_scenario(name: str) -> list[Preset]:
    return [p for p in PRESETS if p.scenario == name]


def by_exercise(exercise: str) -> Preset | None:
    return next((p for p in PRESETS if p.exercise == exercise), None)
