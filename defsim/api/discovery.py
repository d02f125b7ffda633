"""``defsim.discover``: which futures meet a condition, and which uncertainty matters most.

The uncertain keys are set in the scenario as written, through the same machinery as ``--set``,
and every sampled future is validated like the file itself (in the worker that runs it).
Futures run on the ensemble machinery: local processes on every core, or a Dask scheduler;
replication ``r`` of every future uses the ensemble's seed ``r``.  With a ``checkpoint``
folder, each finished chunk of futures is appended to it and synced to disk, so a discovery
that stops (Ctrl-C, a lost machine) resumes without redoing them and ends with the same files.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..analysis.discovery import (
    MIN_SOBOL_BASE,
    Condition,
    DiscoveryError,
    Uncertainty,
    latin_hypercube,
    make_choice,
    make_range,
    prim_boxes,
    rsa_ranking,
    saltelli,
    sobol_base,
    sobol_ranking,
    split_condition,
)
from ..analysis.execution import SCHEDULER_TIMEOUT, run_parts
from ..analysis.figures import REGISTRY
from ..analysis.figures import value as figure_value
from ..analysis.metrics import Kind
from ..analysis.run import RunAnalysis
from ..engine import simulate
from ..plan.compiler import build
from ..plan.size import DEFAULT_LIMITS, Work, check, estimate
from ..scenario import Problem, Scenario, ScenarioError, validate_data, variants
from ..scenario.errors import InputError
from ..scenario.overrides import parse_value, split_values
from .results_discover import DiscoveryResult
from .runs import Progress, ScenarioLike, _scenario_of, _start, workers_for

#: the futures one Dask task or pool job runs (each with all its replications)
MAX_CHUNK = 25


class SampleInvalid(InputError):
    """A sampled future is not a valid scenario (a combination of values the ranges allow)."""


def parse_range(item: str) -> tuple[str, Any, Any]:
    """``KEY=LO..HI`` -> (key, low, high), the ends read as YAML values."""
    key, eq, rest = item.partition("=")
    lo, dots, hi = rest.partition("..")
    if not eq or not key.strip() or not dots or not lo.strip() or not hi.strip():
        raise DiscoveryError(
            f"--range {item!r}: expected KEY=LOW..HIGH, e.g. sites.Capital.stock.LR-SAM=16..48"
        )
    return key.strip(), parse_value(lo.strip()), parse_value(hi.strip())


def parse_choice(item: str) -> tuple[str, list[Any]]:
    """``KEY=a,b,c`` -> (key, [a, b, c]), each read as a YAML value."""
    key, eq, rest = item.partition("=")
    if not eq or not key.strip() or not rest.strip():
        raise DiscoveryError(f"--choice {item!r}: expected KEY=A,B,..., e.g. transfers.0.enabled=true,false")
    return key.strip(), [parse_value(v) for v in split_values(rest)]


def _uncertainties(
    ranges: Mapping[str, tuple[Any, Any]] | Sequence[str],
    choices: Mapping[str, Sequence[Any]] | Sequence[str],
) -> list[Uncertainty]:
    out: list[Uncertainty] = []
    if isinstance(ranges, Mapping):
        for key, (lo, hi) in ranges.items():
            out.append(make_range(key, lo, hi, f"{key}={lo}..{hi}"))
    else:
        for item in ranges:
            key, lo, hi = parse_range(item)
            out.append(make_range(key, lo, hi, item))
    if isinstance(choices, Mapping):
        for key, values in choices.items():
            out.append(make_choice(key, list(values), f"{key}={','.join(map(str, values))}"))
    else:
        for item in choices:
            key, values = parse_choice(item)
            out.append(make_choice(key, values, item))
    if not out:
        raise DiscoveryError("give at least one uncertain key: --range KEY=LOW..HIGH or --choice KEY=A,B")
    keys = [u.key for u in out]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise DiscoveryError(f"{twice[0]} is given more than once")
    return out


def _ends(u: Uncertainty) -> list[Any]:
    return list(u.choices) if u.categorical else [u.value(0.0), u.value(1.0 - 1e-12)]


def _check_keys(sc: Scenario, uncertainties: list[Uncertainty]) -> list[Scenario]:
    """Each key exists and takes both its ends (each choice) in the scenario as written: the
    scenarios at the ends, for sizing the work.  A problem is a :class:`ScenarioError`."""
    out = []
    for u in uncertainties:
        found = variants(sc, {u.key: _ends(u)})
        out += [s for _, s in found]
    return out


def _condition(sc: Scenario, plan: Any, when: str) -> tuple[Condition, bool]:
    figure, op, raw = split_condition(when)
    fig = REGISTRY.lookup(plan, figure)
    day = fig.kind is Kind.DAY
    value: Any = parse_value(raw)
    if day and isinstance(value, dt.date):
        if sc.spec.start_datetime is None:
            raise DiscoveryError(f"--when {when!r}: the scenario has no start: date, so give a day number")
        start = sc.spec.start_datetime
        value = (dt.datetime.combine(value, dt.time()) - start.replace(tzinfo=None)).total_seconds() / 86400
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DiscoveryError(f"--when {when!r}: {raw!r} is not a number" + (" or a date" if day else ""))
    return Condition(fig.key, op, float(value), when), day


def _with_values(data: dict[str, Any], keys: list[str], values: tuple[Any, ...], name: str) -> dict[str, Any]:
    """``data`` with each key set, copying only the dicts and lists on the keys' paths (the rest
    is shared: nothing downstream changes the data), as :func:`~defsim.scenario.set_value` would."""
    out = dict(data)
    for key, value in zip(keys, values, strict=True):
        parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
        node: Any = out
        for part in parts[:-1]:
            child = node[part]
            child = dict(child) if isinstance(child, dict) else list(child)
            node[part] = child
            node = child
        node[parts[-1]] = value
    return out


def _run_futures(
    data: dict[str, Any],
    lines: Any,
    name: str,
    text: str | None,
    keys: list[str],
    figure: str,
    seed: int,
    reps: int,
    part: list[tuple[int, tuple[Any, ...]]],
) -> list[tuple[int, list[float]]]:
    """Run futures in this process (the unit of work sent to a worker): each future's figure in
    each replication (NaN: none)."""
    out = []
    for index, values in part:
        d = _with_values(data, keys, values, name)
        try:
            sc = validate_data(d, lines, name, {}, text)
        except ScenarioError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in zip(keys, values, strict=True))
            raise SampleInvalid(
                f"future {index} ({shown}) is not a valid scenario: "
                + "; ".join(p.message for p in exc.problems)
                + "; narrow the ranges"
            ) from None
        plan = build(sc.spec)
        ys = []
        for r in range(reps):
            ys.append(figure_value(RunAnalysis(simulate(plan, seed, r, record_events=False)), figure))
        out.append((index, ys))
    return out


def discover(
    scenario: ScenarioLike,
    ranges: Mapping[str, tuple[Any, Any]] | Sequence[str] = (),
    choices: Mapping[str, Sequence[Any]] | Sequence[str] = (),
    *,
    when: str | None = None,
    outcome: str | None = None,
    samples: int = 1000,
    reps: int = 1,
    sensitivity: bool = False,
    seed: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
    progress: Progress | None = None,
    allow_work: float = 1.0,
    checkpoint: str | Path | None = None,
    resume: bool = False,
) -> DiscoveryResult:
    """Sample futures of ``scenario`` and find which meet ``when`` and which input matters most.

    ``ranges``: ``{"path.to.key": (low, high)}`` (numbers, counts, dates, numbers with a unit
    such as ``"30/yr"``) or ``["KEY=LOW..HIGH", ...]``; ``choices``: ``{"key": [a, b]}`` or
    ``["KEY=a,b"]``.  ``when``: ``"FIGURE < VALUE"`` (``<=``, ``>``, ``>=``; a day figure also
    takes a date), or ``outcome``: a figure key for a continuous outcome.  ``samples`` futures
    are drawn as a Latin hypercube, or with ``sensitivity`` as a Saltelli design for Sobol
    indices (N x (keys + 2) futures, N the largest power of two that fits).  Each future runs
    ``reps`` replications.  ``checkpoint``: a folder where finished futures are kept as they
    come; ``resume`` continues from it.  Bad keys, values or figures raise before anything runs.
    """
    from ..io.discovery import Checkpoint

    sc = _scenario_of(scenario)
    if (when is None) == (outcome is None):
        raise DiscoveryError('give either a condition (--when "FIGURE < VALUE") or an --outcome FIGURE')
    if samples < 1 or reps < 1:
        raise DiscoveryError("--samples and --reps must be at least 1")
    seed = sc.seed if seed is None else seed
    uncertainties = _uncertainties(ranges, choices)
    ends = _check_keys(sc, uncertainties)
    aim = _aim(sc, build(sc.spec), when, outcome)
    base, n = _size(samples, len(uncertainties), sensitivity)
    _check_work(sc, ends, n * reps, allow_work)  # every replication of every future
    d = len(uncertainties)
    units = saltelli(base, d, seed) if sensitivity else latin_hypercube(n, d, seed)
    values = [tuple(u.value(float(x)) for u, x in zip(uncertainties, row, strict=True)) for row in units]
    design = {
        "scenario": sc.name,
        "scenario_data": _jsonable(sc.source.data),
        "seed": seed,
        "samples": n,
        "reps": reps,
        "sampling": "sobol" if sensitivity else "latin_hypercube",
        "sobol_base": base or None,
        "uncertainties": [u.describe() for u in uncertainties],
        "condition": when,
        "outcome": aim.figure,
    }
    ck = Checkpoint(Path(checkpoint), design, resume) if checkpoint is not None else None
    src = sc.source
    keys = [u.key for u in uncertainties]
    common = (src.data, src.lines, src.name, src.text, keys, aim.figure, seed, reps)
    run = _Runner(workers_for(workers, allow_work), scheduler, scheduler_timeout, progress)
    y = run.futures(common, values, reps, ck)
    result = _analyse(sc, uncertainties, values, y, aim, seed, sensitivity)
    result.design = design
    result.checkpoint = ck
    return result


class _Aim(NamedTuple):
    """What the futures are asked: a condition on a figure, or the figure as an outcome."""

    condition: Condition | None
    day: bool  # the figure is a day that may never come
    figure: str


def _aim(sc: Scenario, plan: Any, when: str | None, outcome: str | None) -> _Aim:
    if when is not None:
        condition, day = _condition(sc, plan, when)
        return _Aim(condition, day, condition.figure)
    assert outcome is not None
    fig = REGISTRY.lookup(plan, outcome)
    return _Aim(None, fig.kind is Kind.DAY, fig.key)


def _size(samples: int, d: int, sensitivity: bool) -> tuple[int, int]:
    """(Sobol base or 0, futures): with ``sensitivity`` a Saltelli design that fits ``samples``."""
    if not sensitivity:
        return 0, samples
    base = sobol_base(samples, d)
    if base < MIN_SOBOL_BASE:
        raise DiscoveryError(
            f"--sensitivity with {d} uncertain keys needs --samples of at least "
            f"{MIN_SOBOL_BASE * (d + 2)} ({MIN_SOBOL_BASE} x (keys + 2))"
        )
    return base, base * (d + 2)


def _check_work(sc: Scenario, ends: list[Scenario], reps: int, allow_work: float) -> None:
    """Refuse before anything runs a discovery too big: the biggest end of every range sizes the
    work (a raid size, a rate of production)."""
    works = [estimate(s.spec) for s in [sc, *ends]]
    busiest = max(works, key=lambda w: w.events)
    work = Work(
        max(w.threats for w in works), busiest.events, max(w.holder_series for w in works), busiest.largest
    )
    check(work, reps=reps, limits=DEFAULT_LIMITS.scaled(allow_work))


class _Runner(NamedTuple):
    """Where and how futures run: workers or a Dask scheduler, with progress."""

    workers: int
    scheduler: str | None
    timeout: float
    progress: Progress | None

    def futures(
        self, common: tuple[Any, ...], values: list[tuple[Any, ...]], reps: int, ck: Any
    ) -> np.ndarray:
        """Each future's figure per replication (NaN: none): those in the checkpoint ``ck`` as
        kept, the others run, in chunks, and appended to it as they come."""
        n, progress = len(values), self.progress
        y = np.full((n, reps), math.nan)
        done = ck.load() if ck is not None else {}
        for i, ys in done.items():
            y[i] = ys
        todo = [i for i in range(n) if i not in done]
        _start(progress, n)
        if progress is not None and done:
            progress(len(done))
        size = max(1, min(MAX_CHUNK, math.ceil(len(todo) / (self.workers * 4)))) if todo else 1
        parts = ([(i, values[i]) for i in todo[k : k + size]] for k in range(0, len(todo), size))
        count = math.ceil(len(todo) / size)
        try:
            for got in run_parts(
                _run_futures, common, parts, count, self.workers, self.scheduler, self.timeout
            ):
                for i, ys in got:
                    y[i] = ys
                if ck is not None:
                    ck.append(got)
                if progress is not None:
                    progress(len(got))
        finally:
            if ck is not None:
                ck.close()
        return y


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {str(k): _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, dt.date | dt.datetime):
        return data.isoformat()
    return data


def _analyse(
    sc: Scenario,
    uncertainties: list[Uncertainty],
    values: list[tuple[Any, ...]],
    y: np.ndarray,
    aim: _Aim,
    seed: int,
    sensitivity: bool,
) -> DiscoveryResult:
    """PRIM boxes (with a condition) and the ranking of the uncertain keys."""
    x = np.array(
        [
            [
                u.numeric(v) if not u.categorical else float(u.choices.index(v))
                for u, v in zip(uncertainties, row, strict=True)
            ]
            for row in values
        ]
    )
    condition, day = aim.condition, aim.day
    if condition is not None:
        share = condition.met(y.ravel(), day).reshape(y.shape).mean(axis=1)
        interest = share > 0.5
        boxes = prim_boxes(x, interest, uncertainties)
        target = share
        rsa_note = "futures that meet the condition against those that do not"
    else:
        # a day that never came is censored at the end of the run
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a future with no value at all: NaN
            target = np.nanmean(np.where(np.isnan(y), sc.duration if day else math.nan, y), axis=1)
        interest = target > np.nanmedian(target)
        boxes = []
        rsa_note = "futures above the outcome's median against those at or below it"
    if sensitivity:
        ranking = sobol_ranking(np.nan_to_num(target, nan=0.0), uncertainties, seed)
    else:
        ranking = rsa_ranking(x, interest, uncertainties, rsa_note)
    return DiscoveryResult(
        sc, uncertainties, values, x, y, condition, day, aim.figure, interest, target, boxes, ranking
    )


__all__ = ["DiscoveryError", "Problem", "SampleInvalid", "discover", "parse_choice", "parse_range"]
