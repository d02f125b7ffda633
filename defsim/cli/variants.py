"""``defsim sweep`` and ``defsim compare``: variants side by side, paired by replication."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..scenario import InputError, parse_vary
from .common import _api_errors, _check_out, _command, _what_if, ensemble_keywords, finish, output_errors
from .group import SET_HELP, UserError, _default_out, _load, main, writing
from .lazy import api, print_comparison
from .options import count_option, ensemble_options, variant_options
from .progress import Progress


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    multiple=True,
    required=True,
    metavar="KEY=V1,V2,...",
    help="Values of one key to try (repeatable: the cartesian product is run).",
)
@count_option("--reps", 100, "Replications per variant.")
@variant_options
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
@ensemble_options
def sweep(
    scenario: str,
    vary: tuple[str, ...],
    reps: int,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
    labels: tuple[str, ...],
    **opts: Any,
) -> None:
    """Run ensembles of SCENARIO for every combination of --vary values, side by side.

    \b
    Every variant uses the same replication seeds, so differences are not noise.
    Writes compare.csv, compare.json, stock_compare.png, p_dry_compare.png and variants/.
    Examples:
      defsim sweep backfill --vary transfers.0.enabled=true,false --reps 200 \\
        --label "with backfill" --label "backfill cut"
      defsim sweep textbook --vary sites.Battery.doctrine.shots=1,2,3 --reps 100
    """
    sc = _load(scenario, overrides)
    _check_out(opts["out"], opts["force"], (scenario,))
    with _api_errors(scenario):
        vary_values = parse_vary(vary, scenario)
    count = 1
    for values in vary_values.values():
        count *= len(values)
    _check_labels(labels, count)
    _what_if(
        lambda **kw: api.sweep(sc, vary_values, reps, figures=figures, labels=labels or None, **kw),
        _default_out(scenario, "sweep"),
        scenario,
        opts,
    )


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@count_option(
    "--reps", None, "Replications per scenario (default 100, or those of the results folders given)."
)
@variant_options
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP + " Applies to every scenario."
)
@ensemble_options
def compare(
    scenarios: tuple[str, ...],
    reps: int | None,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
    labels: tuple[str, ...],
    **opts: Any,
) -> None:
    """Compare two or more SCENARIOS (scenario files or ensemble results folders), same seeds.

    \b
    Scenario files are run as ensembles.  Results folders (of `defsim run --reps`) are compared
    as they are, paired by replication, when they share the seed and the number of
    replications (scenario files given with them are run with that seed and number).
    Writes compare.csv, compare.json, stock_compare.png, p_dry_compare.png, diff_compare.png
    and variants/.
    Examples:
      defsim compare textbook my_variant.yaml --reps 200
      defsim compare results/base results/more-stock
    """
    if len(scenarios) < 2:
        raise UserError(
            f"error: compare needs two or more scenarios or results folders, got only {scenarios[0]} "
            f"(for one scenario alone: defsim run {scenarios[0]} --reps N)"
        )
    _check_labels(labels, len(scenarios))
    names = list(labels) or list(scenarios)
    if any(Path(s).is_dir() for s in scenarios):
        _compare_folders(scenarios, reps, overrides, figures, names, **opts)
        return
    loaded = [_load(s, overrides) for s in scenarios]
    _check_out(opts["out"], opts["force"], scenarios)
    _what_if(
        lambda **kw: api.compare(loaded, reps or 100, figures=figures, labels=names, **kw),
        _default_out(scenarios[0], "compare"),
        scenarios[0],
        opts,
    )


def _check_labels(labels: tuple[str, ...], variants: int) -> None:
    if labels and len(labels) != variants:
        raise UserError(
            f"error: --label given {len(labels)} time{'s' if len(labels) != 1 else ''} for {variants} "
            f"variants: give one --label per variant, in order, or none"
        )


def _compare_folders(
    given: tuple[str, ...],
    reps: int | None,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
    names: list[str],
    **opts: Any,
) -> None:
    """Compare results folders (running any scenario files given with them to match)."""
    import tempfile

    from ..io.compare import CannotCompare, load_ensembles

    folders = [s for s in given if Path(s).is_dir()]
    try:
        first = load_ensembles(folders[:1])[0]
    except CannotCompare as exc:
        raise UserError(f"error: cannot compare: {exc}") from None
    if reps is not None and reps != first.reps:
        raise UserError(
            f"error: cannot compare: {folders[0]} has {first.reps} replications, not --reps {reps}"
        )
    seed = opts["seed"] if opts["seed"] is not None else first.seed
    target = Path(opts["out"]) if opts["out"] else _default_out(Path(folders[0]).name, "compare")
    _check_out(str(target), opts["force"], tuple(folders))  # never one of the folders compared
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, s in enumerate(given):
            if Path(s).is_dir():
                paths.append(s)
                continue
            sc = _load(s, overrides)
            with _api_errors(s), Progress(sc.name, opts["quiet"]) as progress:
                ens = api.ensemble(sc, first.reps, **ensemble_keywords({**opts, "seed": seed}, progress))
            path = Path(tmp) / f"{k:02d}"
            ens.save(path, plot=False)
            paths.append(str(path))
        writing(target)
        try:
            with output_errors():
                result = api.compare_results(
                    paths,
                    target,
                    labels=names,
                    figures=figures,
                    force=opts["force"],
                    plot=not opts["no_plot"],
                    fmt=opts["fmt"],
                    report=opts["report"],
                    command=_command(),
                )
        except InputError as exc:  # CannotCompare, a folder that is not one: not a ValueError at large
            raise UserError(f"error: cannot compare: {exc}") from None
    finish(target, opts["quiet"], lambda: print_comparison(result))
