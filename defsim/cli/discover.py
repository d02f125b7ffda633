"""``defsim discover``: which sampled futures meet a condition, and which uncertainty matters most."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import click

from .common import Progress, _api_errors, _check_out, _save, ensemble_keywords, finish
from .group import SET_HELP, UserError, _default_out, _load, main
from .lazy import api
from .options import count_option, shared_options
from .plain import plain


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--range",
    "ranges",
    multiple=True,
    metavar="KEY=LOW..HIGH",
    help="An uncertain number, count, date or number with a unit, e.g. "
    "producers.Licensee.not_before=2024-06-01..2026-06-01 (repeatable).",
)
@click.option(
    "--choice",
    "choices",
    multiple=True,
    metavar="KEY=A,B,...",
    help="An uncertain key taking one of these values, e.g. transfers.0.enabled=true,false (repeatable).",
)
@click.option(
    "--when",
    default=None,
    metavar='"FIGURE < VALUE"',
    help="The futures of interest: a figure (`defsim figures SCENARIO`) compared with a number "
    "(<, <=, >, >=; a day figure also takes a date). PRIM finds the inputs that lead there.",
)
@click.option(
    "--outcome", default=None, metavar="FIGURE", help="Rank the uncertainties for a continuous figure."
)
@count_option("--samples", 1000, "Futures to sample.")
@count_option("--reps", 1, "Replications per future.")
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Sample for Sobol indices (first and total order with 95% intervals) instead of a Latin hypercube.",
)
@click.option("--resume", is_flag=True, help="Continue an interrupted discovery from OUT.partial.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
@shared_options(unit="futures", out="results/<name>-discover", shown="answer", ensemble=False)
def discover(
    scenario: str,
    ranges: tuple[str, ...],
    choices: tuple[str, ...],
    resume: bool,
    overrides: tuple[str, ...],
    **opts: Any,
) -> None:
    """Sample futures of SCENARIO over uncertain keys; find which meet a condition and what matters.

    \b
    Each --range or --choice key is set as --set would set it, in every future.  The answer:
    a PRIM box of input ranges where the --when condition holds (coverage, density, which
    restrictions matter), and a ranking of the keys (Sobol indices with --sensitivity,
    otherwise regional sensitivity).  Writes samples.csv, boxes.json, ranking.json,
    tradeoff.png, box_scatter.png, ranking.png and ema/.  Finished futures are kept in
    OUT.partial as they come: after an interrupt, the same command with --resume continues.
    Examples:
      defsim discover backfill --range producers.Licensee.not_before=2024-06-01..2026-06-01 \\
        --range producers.Licensee.ramp.0.rate=10/yr..90/yr --when "sites.Capital.days_empty > 600"
      defsim discover textbook --range attacks.0.stream.rate=2/d..6/d --outcome totals.leaked --sensitivity
    """
    from ..io import OutputError
    from ..io.discovery import checkpoint_of
    from ..io.files import OutputRefused

    sc = _load(scenario, overrides)
    out = Path(opts["out"]) if opts["out"] else _default_out(scenario, "discover")
    _check_out(str(out), opts["force"], (scenario,))
    partial = checkpoint_of(out)
    progress = Progress(sc.name, opts["quiet"], "futures")
    try:
        with _api_errors(scenario), progress:
            try:
                design = {k: opts[k] for k in ("when", "outcome", "samples", "reps", "sensitivity")}
                keywords = ensemble_keywords(opts, progress)
                result = api.discover(
                    sc, ranges, choices, checkpoint=partial, resume=resume, **design, **keywords
                )
            except OutputRefused as exc:
                raise UserError(f"error: {exc}") from None
            except OutputError as exc:
                raise click.ClickException(str(exc)) from None
    except api.WorkerLost as exc:
        click.echo(f"error: {exc}; stopped every worker{_kept(progress, partial)}", err=True)
        click.get_current_context().exit(1)
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        click.echo(
            f"\ninterrupted after {progress.done} of {progress.total} futures: stopped every worker"
            + _kept(progress, partial),
            err=True,
        )
        click.get_current_context().exit(128 + int(signum))
    _save(result, out, opts["force"], opts["no_plot"], opts["fmt"], opts["report"])
    finish(out, opts["quiet"], lambda: _echo(result.answers()))


def _echo(lines: list[str]) -> None:
    for line in lines:
        click.echo(plain(line))


def _kept(progress: Progress, partial: Path) -> str:
    if not partial.is_dir():
        return ""
    return (
        f"; the {progress.done} finished futures are kept in {plain(partial)}: run the same command "
        "with --resume to continue"
    )
