"""What several commands share when they run: saving results, printing where, output checks,
the API's refusals as messages (their options are in :mod:`.options`)."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..io import OutputError
from ..io.files import OutputRefused, check_target
from ..scenario import InputError, ScenarioError
from .group import UserError, writing
from .lazy import Console, api, escape, print_comparison
from .plain import plain
from .progress import Progress


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
    writing(target)
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
