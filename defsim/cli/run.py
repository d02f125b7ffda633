"""``defsim run``: one run or an ensemble of a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import FiniteFloat, Progress, _api_errors, _check_out, _save, ensemble_options
from .group import SET_HELP, UserError, _default_out, _load, main
from .lazy import LazyModule, lazy
from .plain import plain

if TYPE_CHECKING:
    from rich.console import Console
    from rich.markup import escape

    from .. import api
    from .tables import print_ensemble, print_summary
else:
    api = LazyModule("defsim.api")
    Console = lazy("rich.console", "Console")
    escape = lazy("rich.markup", "escape")
    print_ensemble = lazy("defsim.cli.tables", "print_ensemble")
    print_summary = lazy("defsim.cli.tables", "print_summary")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--reps",
    type=click.IntRange(min=1),
    default=None,
    help="Run an ensemble of this many replications (default: one run with the full event log).",
)
@click.option(
    "--precision",
    type=FiniteFloat(min=0, min_open=True),
    default=None,
    help="With --reps: add batches of --reps replications until the 95% half-width of --metric "
    "is below this.",
)
@click.option(
    "--metric",
    default="totals.leaked_share",
    show_default=True,
    help="The figure --precision applies to (`defsim figures SCENARIO` lists them; of a day: P(it came)).",
)
@click.option(
    "--replication",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Without --reps: which replication of the seed to run (an ensemble's replication i alone).",
)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
@ensemble_options
def run(
    scenario: str,
    reps: int | None,
    precision: float | None,
    metric: str,
    replication: int,
    overrides: tuple[str, ...],
    seed: int | None,
    workers: int | None,
    grid: str,
    scheduler: str | None,
    scheduler_timeout: float,
    allow_work: float,
    out: str | None,
    force: bool,
    no_plot: bool,
    fmt: str,
    report: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO once, or --reps times, and write a results folder.

    \b
    One run writes summary.json, answers.txt, stock.csv, events.csv, markers.csv,
    scenario.yaml, scenario.json, stock.png, threats.png, deliveries.png, and supply.png
    when the scenario has stockpiles or producers.
    An ensemble writes summary.json, answers.txt, reps.csv, bands.csv, p_dry.csv,
    scenario.yaml, scenario.json, fan.png, p_dry.png.  --report adds report.html.
    Examples:
      defsim run nightly_raids --seed 7 --out results/raids
      defsim run textbook --set sites.Battery.fire_channels=2
      defsim run backfill --reps 200 --workers 2
      defsim run textbook --reps 100 --precision 0.005
    """
    sc = _load(scenario, overrides)
    _check_out(out, force, (scenario,))
    target = Path(out) if out else _default_out(scenario)
    if precision is not None and reps is None:
        raise UserError("error: --precision needs --reps (the batch size)")
    if scheduler is not None and reps is None:
        raise UserError("error: --scheduler needs --reps (one run runs here, in this process)")
    if reps is None:
        with _api_errors(scenario):
            result = api.run(sc, seed=seed, allow_work=allow_work, replication=replication)
        _save(result, target, force, no_plot, fmt, report)
        if quiet:
            click.echo(str(target))
            return
        print_summary(result)
        Console().print(f"results written to [bold]{escape(plain(target))}[/bold]")
        return
    with _api_errors(scenario), Progress(sc.name, quiet) as progress:
        ens = api.ensemble(
            sc,
            reps,
            seed,
            workers=workers,
            grid=grid,
            scheduler=scheduler,
            precision=precision,
            metric=metric,
            progress=progress,
            allow_work=allow_work,
            scheduler_timeout=scheduler_timeout,
        )
    _save(ens, target, force, no_plot, fmt, report)
    if quiet:
        click.echo(str(target))
        return
    print_ensemble(ens)
    if precision is not None:
        click.echo(
            f"{ens.reps} replications to reach a 95% half-width of {ens.half_width(metric):.4g} "
            f"(target {precision:g}) on {metric}"
        )
    Console().print(f"results written to [bold]{escape(plain(target))}[/bold]")
