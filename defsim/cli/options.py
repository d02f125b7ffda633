"""The options commands share, declared once: how replications run, where results go, how wide
tables print.  Declarations only (click), so every command can carry them at no import cost."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import click

from .group import FORMATS
from .plain import set_width


def format_option(choices: Sequence[str], default: str, help: str) -> Callable[[Any], Any]:
    """--format: one of ``choices``."""
    return click.option(
        "--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help
    )


def _set_width(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
    set_width(value)


def width_option(f: Any) -> Any:
    """--width: the printed tables' width (default: the terminal's; piped: $COLUMNS, else 80)."""
    return click.option(
        "--width",
        type=click.IntRange(min=40),
        default=None,
        expose_value=False,
        callback=_set_width,
        help="Print tables this many columns wide (default: the terminal's width; when piped, "
        "$COLUMNS or 80).",
    )(f)


class FiniteFloat(click.FloatRange):
    """A number in a range, and a number: click's ranges let ``nan`` through (no comparison
    with it is true) and ``inf`` past a minimum, which would turn a bound off."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return rv


grid_option = click.option(
    "--grid", default="1d", show_default=True, help="Ensembles record stock on this grid."
)


def shared_options(
    unit: str = "replications", out: str = "results/<name>", shown: str = "table", ensemble: bool = True
) -> Callable[[Any], Any]:
    """The options of every command that runs replications (``unit``: what it runs), writes a
    results folder (``out``: where by default) and prints ``shown``; an ``ensemble`` records
    stock on a grid and prints tables (--grid, --width)."""
    options = [
        click.option(
            "--seed",
            type=click.IntRange(min=0),
            default=None,
            help="Random seed (default: the scenario's own `seed`).",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="Local worker processes (default and at most: the cores; see --allow-work).",
        ),
        *([grid_option] if ensemble else []),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help=f"Run {unit} on this Dask scheduler (needs defsim[dask]).",
        ),
        click.option(
            "--scheduler-timeout",
            type=FiniteFloat(min=0, min_open=True, max=86400),
            default=10.0,
            show_default=True,
            metavar="SECONDS",
            help="How long to wait for the Dask --scheduler to answer.",
        ),
        click.option(
            "--allow-work",
            type=FiniteFloat(min=1.0),
            default=1.0,
            metavar="FACTOR",
            help="Raise the bounds on threats, scheduled events, replications, grid values and workers "
            "by this finite factor (work beyond them is refused before it starts).",
        ),
        click.option(
            "--out",
            type=click.Path(file_okay=False),
            default=None,
            help=f"Results folder (default: {out}, never one that exists).",
        ),
        click.option("--force", is_flag=True, help="Replace --out if it already exists."),
        click.option("--report", is_flag=True, help="Also write report.html: one self-contained page."),
        format_option(FORMATS, "png", "The plots' file format."),
        click.option("--no-plot", is_flag=True, help="Skip the plots."),
        click.option(
            "--quiet", "-q", is_flag=True, help=f"No progress and no {shown}: print only the results folder."
        ),
        *([width_option] if ensemble else []),
    ]

    def apply(f: Any) -> Any:
        for option in reversed(options):  # the first listed is the first in --help
            f = option(f)
        return f

    return apply


#: the options of run, sweep and compare
ensemble_options = shared_options()


def count_option(name: str, default: int | None, help: str) -> Callable[[Any], Any]:
    """A count of at least one: --reps, --samples."""
    return click.option(
        name, type=click.IntRange(min=1), default=default, show_default=default is not None, help=help
    )


def variant_options(f: Any) -> Any:
    """--figure and --label, of sweep and compare."""
    f = click.option(
        "--label",
        "labels",
        multiple=True,
        metavar="NAME",
        help="Name the variants in order, once per variant (default: KEY=VALUE, or the path given).",
    )(f)
    return click.option(
        "--figure",
        "figures",
        multiple=True,
        metavar="KEY",
        help="Add a figure to the table, e.g. sites.Capital.days_empty "
        "(`defsim figures SCENARIO` lists them).",
    )(f)
