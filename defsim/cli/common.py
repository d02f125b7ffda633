"""What several commands share: ensemble options, progress, saving results, output checks."""

from __future__ import annotations

import contextlib
import math
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..io import OutputError
from ..io.files import OutputRefused, check_target
from ..scenario import InputError, ScenarioError
from .group import FORMATS, UserError
from .lazy import Console, api, escape, print_comparison
from .plain import plain, set_width
from .progress import Progress


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
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="png",
            show_default=True,
            help="The plots' file format.",
        ),
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


def finish(target: Path, quiet: bool, show: Callable[[], None]) -> None:
    """After a results folder is written: its path alone when quiet, else what ``show`` prints
    and where the folder is."""
    if quiet:
        click.echo(str(target))
        return
    show()
    Console().print(f"results written to [bold]{escape(plain(target))}[/bold]")


def ensemble_keywords(opts: dict[str, Any], progress: Progress) -> dict[str, Any]:
    """The API's keywords for how replications run, from the shared options (--grid where the
    command has it)."""
    keys = ("seed", "workers", "grid", "scheduler", "allow_work", "scheduler_timeout")
    return {"progress": progress, **{k: opts[k] for k in keys if k in opts}}


def _command() -> str:

    ctx = click.get_current_context(silent=True)
    argv = ctx.find_root().meta.get("defsim.argv") if ctx is not None else None
    return shlex.join(["defsim", *(argv if argv is not None else sys.argv[1:])])


class DiskError(UserError):
    """The disk or the system refused a write (permission, full, read-only, a name too long):
    one line naming the path and the cause; exit status 1, since the input is not at fault."""

    exit_code = 1


@contextlib.contextmanager
def output_errors() -> Iterator[None]:
    """Whatever stops a write as one line: a refusal (the user's choice of target) exits 2,
    the operating system's error exits 1."""
    try:
        yield
    except OutputRefused as exc:
        raise UserError(f"error: {exc}") from None
    except OutputError as exc:
        raise DiskError(f"error: {exc}") from None
    except OSError as exc:  # an OS error outside the writing layer (a folder that cannot be listed)
        where = f"{exc.filename}: " if exc.filename else ""
        raise DiskError(f"error: {where}{exc.strerror or exc}") from None


def _save(
    result: Any, target: Path, force: bool, no_plot: bool, fmt: str = "png", report: bool = False
) -> None:
    with output_errors():
        result.save(target, force=force, plot=not no_plot, fmt=fmt, report=report, command=_command())


def _check_out(out: str | None, force: bool, inputs: tuple[str, ...] = ()) -> None:
    """Refuse an --out that may not be written before spending time on replications."""
    if out:
        with output_errors():
            check_target(out, force, inputs)


@contextlib.contextmanager
def _api_errors(scenario: str) -> Iterator[None]:
    """The API's refusals of the user's input as one line on stderr and exit status 2; anything
    else (a fault in the engine) goes on to the command group's internal-error report."""
    try:
        yield
    except ScenarioError as exc:
        raise UserError(exc.format()) from None
    except api.UnknownFigure as exc:
        raise UserError(f"error: {exc} (defsim figures {scenario} lists them)") from None
    except api.WorkTooBig as exc:
        raise UserError(f"error: too much work for this machine: {exc}") from None
    except InputError as exc:  # only what the user asked for: an engine's ValueError is a bug
        raise UserError(f"error: {exc}") from None


def _what_if(call: Callable[..., Any], default_out: Path, scenario: str, opts: dict[str, Any]) -> None:
    """Run a sweep or a comparison through the API, save it and print its table."""
    with _api_errors(scenario), Progress("variants", opts["quiet"]) as progress:
        result = call(**ensemble_keywords(opts, progress))
    target = Path(opts["out"]) if opts["out"] else default_out
    _save(result, target, opts["force"], opts["no_plot"], opts["fmt"], opts["report"])
    finish(target, opts["quiet"], lambda: print_comparison(result))
