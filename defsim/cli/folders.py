"""``defsim plot`` and ``defsim report``: redraw or report a results folder without re-running."""

from __future__ import annotations

import click

from .common import output_errors
from .group import FORMATS, UserError, main
from .lazy import api


@main.command()
@click.argument("results", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="png", show_default=True)
@click.option("--dpi", type=click.IntRange(min=20, max=600), default=110, show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress and no list of the files written.")
def plot(results: str, fmt: str, dpi: int, quiet: bool) -> None:
    """Redraw every plot of a RESULTS folder from its files, without running again.

    \b
    Works on a single run, an ensemble, a sweep or a comparison.
    Example:
      defsim plot results/backfill --format svg
    """
    import sys
    import time

    from ..io.folder import NotAResultsFolder

    t0 = time.perf_counter()

    def progress(line: str) -> None:  # on a terminal: a sweep's redraw takes a while
        if sys.stderr.isatty() and not quiet:
            click.echo(f"[{time.perf_counter() - t0:5.1f} s] {line}", err=True)

    with output_errors():
        try:
            written = api.plot(results, fmt, dpi, progress=progress)
        except NotAResultsFolder as exc:
            raise UserError(f"error: {exc}") from None
    for path in [] if quiet else written:
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
