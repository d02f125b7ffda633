"""Sweeps and comparisons: ensembles of several variants on the same seeds, paired by replication."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Unpack

from ..analysis.execution import ReplicationFailed
from ..analysis.figures import REGISTRY
from ..plan.compiler import build
from ..plan.size import DEFAULT_LIMITS, check, estimate
from ..scenario import InputError, Scenario, variants
from .results import ComparisonResult
from .runs import ScenarioLike, _ensemble, _How, _how, _scenario_of, _start, _WhereKeywords


class _VariantKeywords(_WhereKeywords, total=False):
    """The keyword arguments of :func:`sweep` and :func:`compare`: where the ensembles run, and
    ``scheduler_timeout`` (SCHEDULER_TIMEOUT s)."""

    scheduler_timeout: float


def _labels(given: Sequence[str] | None, default: list[str]) -> list[str]:
    if given is None:
        return default
    if len(given) != len(default):
        raise InputError(f"{len(given)} labels for {len(default)} variants")
    return [str(x) for x in given]


def _compare(
    scs: list[Scenario],
    labels: list[str],
    reps: int,
    seed: int,
    figures: Sequence[str],
    how: _How,
    allow_work: float,
) -> ComparisonResult:
    """Check every figure on every variant, then run them all with the same seeds."""
    plans = [build(s.spec) for s in scs]
    for plan in plans:
        for key in figures:
            REGISTRY.lookup(plan, key)
    limits = DEFAULT_LIMITS.scaled(allow_work)
    for sc in scs:
        check(estimate(sc.spec), reps=reps, variants=len(scs), limits=limits)
    _start(how.progress, reps * len(scs))
    runs = []
    for sc, plan, lab in zip(scs, plans, labels, strict=True):
        try:
            runs.append(_ensemble(sc, plan, reps, seed, how._replace(label=lab), allow_work, len(scs)))
        except ReplicationFailed as exc:
            exc.variant = lab  # which variant, for the message
            raise
    return ComparisonResult(runs, figures, scs[0].spec.question, scs[0].spec.currency)


def sweep(
    scenario: ScenarioLike,
    vary: dict[str, list[Any]],
    reps: int = 100,
    seed: int | None = None,
    figures: Sequence[str] = (),
    labels: Sequence[str] | None = None,
    **kw: Unpack[_VariantKeywords],
) -> ComparisonResult:
    """Ensembles of every combination of the values in ``vary`` (``{"path.to.key": [v1, v2]}``),
    all with the same seeds (default: the scenario's).

    ``figures`` adds figure keys to the table; ``labels`` names the variants (default
    ``key=value, ...``).  Bad keys or values raise :class:`defsim.ScenarioError` and unknown
    figures :class:`UnknownFigure`, before anything runs.
    """
    how, allow_work = _how(kw, _VariantKeywords, "sweep")
    sc = _scenario_of(scenario)
    count = math.prod(len(v) for v in vary.values())
    check(
        estimate(sc.spec), reps=reps, variants=count, limits=DEFAULT_LIMITS.scaled(allow_work)
    )  # before validating
    found = variants(sc, vary)
    names = _labels(labels, [label for label, _ in found])
    seed = sc.seed if seed is None else seed
    return _compare([v for _, v in found], names, reps, seed, figures, how, allow_work)


def compare(
    scenarios: Sequence[ScenarioLike],
    reps: int = 100,
    seed: int | None = None,
    figures: Sequence[str] = (),
    labels: Sequence[str] | None = None,
    **kw: Unpack[_VariantKeywords],
) -> ComparisonResult:
    """Ensembles of two or more scenarios with the same replication seeds (default: the first's).

    ``labels`` names them (default: the path given, or the scenario's name).
    """
    how, allow_work = _how(kw, _VariantKeywords, "compare")
    if len(scenarios) < 2:
        raise InputError("compare needs at least two scenarios")
    scs = [_scenario_of(s) for s in scenarios]
    names = _labels(labels, [s.name if isinstance(s, Scenario) else str(s) for s in scenarios])
    seed = scs[0].seed if seed is None else seed
    return _compare(scs, names, reps, seed, figures, how, allow_work)
