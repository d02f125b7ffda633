"""``defsim plot`` and ``defsim report``: redraw or report a results folder without re-running."""

from __future__ import annotations

import click

from .. import api
from .common import output_errors
from .group import FORMATS, UserError, main


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="png", show_default=True)
@click.option("--dpi", type=click.IntRange(min=20, max=600), default=110, show_default=True)
def plot(results: str, fmt: str, dpi: int) -> None:
    """Redraw every figure of a RESULTS folder from its files, without running again.

    \b
    Works on a single run, an ensemble, a sweep or a comparison.
    Example:
      defsim plot results/backfill --format svg
    """
    from ..io.folder import NotAResultsFolder

    with output_errors():
        try:
            written = api.plot(results, fmt, dpi)
        except NotAResultsFolder as exc:
            raise UserError(f"error: {exc}") from None
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="The HTML file (default: RESULTS/report.html).",
)
def report(results: str, output: str | None) -> None:
    """Write one self-contained HTML page of a RESULTS folder: answers, tables, plots, scenario.

    \b
    Example:
      defsim report results/nightly_raids -o raids.html
    """
    from ..io.folder import NotAResultsFolder

    with output_errors():
        try:
            path = api.report(results, output)
        except NotAResultsFolder as exc:
            raise UserError(f"error: {exc}") from None
    click.echo(str(path))
