"""The command group: its errors, exit statuses, signals and the shared option texts."""

from __future__ import annotations

import os
import shlex
import signal
import sys
from importlib import import_module
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import _startup
from .._build import engine_kind
from .._version import __version__
from ..interrupt import Interrupted, interrupt_inside, never_lost
from ..scenario import ScenarioError
from .lazy import api
from .plain import plain
from .progress import Progress

FORMATS = ("png", "svg", "pdf")
SET_HELP = "Override a scenario key, e.g. --set sites.A.fire_channels=4 (repeatable)."


class UserError(click.ClickException):
    """A problem with the user's input: message on stderr, exit status 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo("\n".join(plain(line) for line in self.message.split("\n")), err=True)


#: scenario files loaded by this command, for messages
_LOADED: list[str] = []


def _load(path: str, overrides: tuple[str, ...]) -> Any:
    _LOADED.append(path)
    try:
        sc = api.load(path, overrides)
    except ScenarioError as exc:
        raise UserError(exc.format()) from None
    for w in sc.warnings:
        click.echo(plain(w.format(path, "warning: ")), err=True)
    return sc


def _default_out(scenario_path: str, suffix: str = "") -> Path:
    """results/<name>, or results/<name>-2, -3 ...: never an existing folder."""
    base = Path("results") / (Path(scenario_path).stem + (f"-{suffix}" if suffix else ""))
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


REPORT = "please report it to defsim's developers with the command you ran and the scenario file"


#: commands that need neither the API nor the libraries of its tables
LIGHT = ("list", "new")


def _load_what_it_needs(argv: list[str]) -> None:
    """Import the API and the tables' libraries for a command that uses them, while Ctrl-C and
    SIGTERM are still only noted (:mod:`defsim._startup`): an interrupt raised from inside an
    import can land where Python only prints it (a module lock's callback) and the command would
    go on as if nothing had come."""
    name = next((a for a in argv if not a.startswith("-")), None)
    if name is None or name in LIGHT or "--help" in argv or "-h" in argv:
        return
    import_module("defsim.api")
    import_module("defsim.cli.tables")


#: results folders this command set out to write, each with what stood at its path before
_TARGETS: list[tuple[Path, tuple[int, int] | None]] = []


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def writing(target: Path) -> None:
    """Note that ``target`` is about to be written (atomically: a new folder renamed into place),
    so that an interrupt can tell whether it came before or after."""
    _TARGETS.append((target, _identity(target)))


def _interrupted(ctx: click.Context, exc: KeyboardInterrupt) -> NoReturn:
    """Say how far the work got and exit 128 + the signal's number: nothing written, or the
    results folder whole when the interrupt came after it was (while printing, say)."""
    if _startup.is_command():  # a second Ctrl-C while the command exits: nothing more to stop
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    signum = getattr(exc, "signum", signal.SIGINT)
    done = Progress.last.done if Progress.last is not None else None
    total = Progress.last.total if Progress.last is not None else None
    how_far = f" after {done} of {total} replications" if done is not None and total else ""
    written = [t for t, before in _TARGETS if _identity(t) not in (None, before)]
    if written:
        what = f"stopped every worker; {plain(written[-1])} had been written whole"
    else:
        what = "stopped every worker, wrote nothing"
    click.echo(f"\ninterrupted{how_far}: {what}", err=True)
    if _startup.is_command():
        # Everything is stopped and cleaned up; Python's own shut-down (atexit functions, module
        # teardown) is skipped: a signal or a thread's end landing in it ended the process by
        # the signal (exit -2) or aborted it, once in fifty interrupted runs under load
        _exit_flushed(128 + int(signum))
    ctx.exit(128 + int(signum))


def _exit_flushed(status: int) -> None:
    """End the process at once with ``status``, its output flushed first (if that fails it
    returns, and Python's own exit says so, as it always did)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)


def _exit_now() -> None:
    """A command that finished writing a results folder, in the ``defsim`` command process, exits
    at once: everything it wrote is flushed and closed, every worker ended, and Python's own
    shut-down would only unload modules (a quarter of a second with numpy and matplotlib
    loaded).  Anywhere else (a notebook, a test's runner), after any other command, or when the
    last output cannot be flushed, it returns."""
    if _TARGETS and _startup.is_command():
        _exit_flushed(0)


class DefsimGroup(click.Group):
    """The commands, with one answer for whatever stops them: an interrupt (Ctrl-C or SIGTERM)
    ends the work and every worker and exits 130 (143 for SIGTERM) writing nothing (or, when it
    came after the results folder was renamed into place, saying that folder is whole); a
    replication that fails names itself and how to rerun it; an internal error says it is one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["defsim.argv"] = list(args)  # the command that reproduces a result, for its report
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        def terminate(signum: int, _frame: Any) -> None:
            raise Interrupted(signum)

        _TARGETS.clear()  # what an earlier command in this process wrote is not this one's
        Progress.last = None
        _load_what_it_needs(ctx.meta.get("defsim.argv", []))
        noted = _startup.release()  # a signal that came while the command was loading
        previous = signal.signal(signal.SIGTERM, terminate)
        try:
            if noted is not None:
                raise Interrupted(noted)
            with never_lost():
                done = super().invoke(ctx)
            _exit_now()
            return done
        except KeyboardInterrupt as exc:
            _interrupted(ctx, exc)
        except api.ReplicationFailed as exc:
            click.echo(f"error: {exc}", err=True)
            where = shlex.quote(_LOADED[-1]) if _LOADED else "SCENARIO"
            variant = " with the variant's --set values" if exc.variant else ""
            rerun = f"defsim run {where} --seed {exc.seed} --replication {exc.index}"
            click.echo(f"  rerun it alone: {rerun}{variant}", err=True)
            click.echo(f"  this is an internal error, not a problem with your scenario: {REPORT}", err=True)
            ctx.exit(1)
        except api.WorkerVersionMismatch as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except api.WorkerLost as exc:  # the system ended a worker (out of memory ...): not a bug
            click.echo(f"error: {exc}; stopped every worker, wrote nothing", err=True)
            ctx.exit(1)
        except api.SchedulerUnreachable as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2 if isinstance(exc, api.SchedulerNotDask) else 1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # the reader went away (`defsim list | head`): nothing to say
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so that Python's last flush does not fail too
            ctx.exit(128 + signal.SIGPIPE)
        except Exception as exc:
            if os.environ.get("DEFSIM_DEBUG"):
                raise
            wrapped = interrupt_inside(exc)
            if wrapped is not None:  # Python wrapped the interrupt in another exception
                _interrupted(ctx, wrapped)
            click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
            click.echo(f"  this is a bug in defsim, not a problem with your scenario: {REPORT}", err=True)
            click.echo("  (DEFSIM_DEBUG=1 shows where it happened)", err=True)
            ctx.exit(1)
        finally:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=DefsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="defsim", message=f"%(prog)s %(version)s (engine: {engine_kind()})"
)
def main() -> None:
    """defsim: air-defence interceptor stockpiles under attack (notional, for teaching).

    \b
    Start with:
      defsim list
      defsim run textbook
      defsim run backfill --reps 200
      defsim new my_scenario.yaml --template raids
      defsim validate my_scenario.yaml
    """
