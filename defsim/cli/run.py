"""``defsim run``: one run or an ensemble of a scenario."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import Progress, _api_errors, _check_out, _save, ensemble_keywords, finish
from .group import SET_HELP, UserError, _default_out, _load, main
from .lazy import api, print_ensemble, print_summary
from .options import FiniteFloat, count_option, ensemble_options


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@count_option(
    "--reps", None, "Run an ensemble of this many replications (default: one run with the full event log)."
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
    **opts: Any,
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
    _check_out(opts["out"], opts["force"], (scenario,))
    target = Path(opts["out"]) if opts["out"] else _default_out(scenario)
    if precision is not None and reps is None:
        raise UserError("error: --precision needs --reps (the batch size)")
    if opts["scheduler"] is not None and reps is None:
        raise UserError("error: --scheduler needs --reps (one run runs here, in this process)")
    if opts["workers"] is not None and reps is None:
        raise UserError("error: --workers needs --reps (one run runs in one process)")
    saved = (opts["force"], opts["no_plot"], opts["fmt"], opts["report"])
    if reps is None:
        with _api_errors(scenario):
            result = api.run(sc, seed=opts["seed"], allow_work=opts["allow_work"], replication=replication)
        _save(result, target, *saved)
        finish(target, opts["quiet"], lambda: print_summary(result))
        return
    with _api_errors(scenario), Progress(sc.name, opts["quiet"]) as progress:
        keywords = ensemble_keywords(opts, progress)
        ens = api.ensemble(sc, reps, precision=precision, metric=metric, **keywords)
    _save(ens, target, *saved)

    def show() -> None:
        print_ensemble(ens)
        if precision is not None:
            click.echo(
                f"{ens.reps} replications to reach a 95% half-width of {ens.half_width(metric):.4g} "
                f"(target {precision:g}) on {metric}"
            )

    finish(target, opts["quiet"], show)
