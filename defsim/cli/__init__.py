"""The ``defsim`` command: a thin layer over the Python API."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from .. import api
from .._build import engine_kind
from .._version import __version__
from ..io import OutputError
from ..io.files import OutputRefused, check_target
from ..scenario import ScenarioError, json_schema, parse_vary
from .kit import COMMANDS as KIT_COMMANDS
from .tables import plain, print_comparison, print_ensemble, print_summary

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


class DefsimGroup(click.Group):
    """The commands, with one answer for whatever stops them: an interrupt (Ctrl-C or SIGTERM)
    ends the work and every worker and exits 130 (143 for SIGTERM) writing nothing; a
    replication that fails names itself and how to rerun it; an internal error says it is one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["defsim.argv"] = list(args)  # the command that reproduces a result, for its report
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        def terminate(signum: int, _frame: Any) -> None:
            raise api.Interrupted(signum)

        previous = signal.signal(signal.SIGTERM, terminate)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            signum = getattr(exc, "signum", signal.SIGINT)
            done = Progress.last.done if Progress.last is not None else None
            total = Progress.last.total if Progress.last is not None else None
            how_far = f" after {done} of {total} replications" if done is not None and total else ""
            click.echo(f"\ninterrupted{how_far}: stopped every worker, wrote nothing", err=True)
            ctx.exit(128 + int(signum))
        except api.ReplicationFailed as exc:
            click.echo(f"error: {exc}", err=True)
            where = shlex.quote(_LOADED[-1]) if _LOADED else "SCENARIO"
            variant = " with the variant's --set values" if exc.variant else ""
            rerun = f"defsim run {where} --seed {exc.seed} --replication {exc.index}"
            click.echo(f"  rerun it alone: {rerun}{variant}", err=True)
            click.echo(f"  this is an internal error, not a problem with your scenario: {REPORT}", err=True)
            ctx.exit(1)
        except api.SchedulerUnreachable as exc:
            click.echo(f"error: {exc}; check the address, or raise --scheduler-timeout", err=True)
            ctx.exit(1)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("DEFSIM_DEBUG"):
                raise
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


def ensemble_options(f: Any) -> Any:
    """Options shared by every command that runs replications."""
    f = click.option(
        "--quiet", "-q", is_flag=True, help="No progress and no table: print only the results folder."
    )(f)
    f = click.option("--no-plot", is_flag=True, help="Skip the plots.")(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="png",
        show_default=True,
        help="The plots' file format.",
    )(f)
    f = click.option("--report", is_flag=True, help="Also write report.html: one self-contained page.")(f)
    f = click.option("--force", is_flag=True, help="Replace --out if it already exists.")(f)
    f = click.option(
        "--out",
        type=click.Path(file_okay=False),
        default=None,
        help="Results folder (default: results/<name>, never one that exists).",
    )(f)
    f = click.option(
        "--allow-work",
        type=click.FloatRange(min=1.0),
        default=1.0,
        metavar="FACTOR",
        help="Raise the bounds on threats, rounds, replications, grid values and workers by this "
        "factor (work beyond them is refused before it starts).",
    )(f)
    f = click.option(
        "--scheduler-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=10.0,
        show_default=True,
        metavar="SECONDS",
        help="How long to wait for the Dask --scheduler to answer.",
    )(f)
    f = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Run replications on this Dask scheduler (needs defsim[dask]).",
    )(f)
    f = click.option("--grid", default="1d", show_default=True, help="Ensembles record stock on this grid.")(
        f
    )
    f = click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=None,
        help="Local worker processes (default and at most: the cores; see --allow-work).",
    )(f)
    f = click.option(
        "--seed",
        type=click.IntRange(min=0),
        default=None,
        help="Random seed (default: the scenario's seed:).",
    )(f)
    return f


class Progress:
    """A progress bar with ETA on a terminal, plain lines every 10% otherwise, nothing when quiet.

    The API tells it how many replications are planned (``start``) and how many are done.
    """

    #: the one running, for the message an interrupt prints
    last: Progress | None = None

    def __init__(self, label: str, quiet: bool):
        self.label, self.quiet, self.done, self.total = label, quiet, 0, 0
        self.tty = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._next_line = 0.1

    def __enter__(self) -> Progress:
        Progress.last = self
        if not self.quiet and self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._bar.start()
        return self

    def start(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            if self._task is None:
                self._task = self._bar.add_task(self.label, total=total)
            else:
                self._bar.update(self._task, total=total)

    def __call__(self, n: int) -> None:
        self.done += n
        if self.quiet:
            return
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=min(self.done, self.total))
        elif self._bar is None and self.done >= self._next_line * self.total:
            click.echo(f"{self.label}: {self.done}/{self.total} replications", err=True)
            while self._next_line * self.total <= self.done:
                self._next_line += 0.1

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()


def _command() -> str:
    import shlex

    ctx = click.get_current_context(silent=True)
    argv = ctx.find_root().meta.get("defsim.argv") if ctx is not None else None
    return shlex.join(["defsim", *(argv if argv is not None else sys.argv[1:])])


def _save(
    result: Any, target: Path, force: bool, no_plot: bool, fmt: str = "png", report: bool = False
) -> None:
    try:
        result.save(target, force=force, plot=not no_plot, fmt=fmt, report=report, command=_command())
    except OutputRefused as exc:
        raise UserError(f"error: {exc}") from None
    except OutputError as exc:  # the disk, not the scenario: exit 1
        raise click.ClickException(str(exc)) from None


def _check_out(out: str | None, force: bool, inputs: tuple[str, ...] = ()) -> None:
    """Refuse an --out that may not be written before spending time on replications."""
    if out:
        try:
            check_target(out, force, inputs)
        except OutputRefused as exc:
            raise UserError(f"error: {exc}") from None
        except OutputError as exc:
            raise click.ClickException(str(exc)) from None


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
    type=click.FloatRange(min=0, min_open=True),
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
    One run writes summary.json, stock.csv, events.csv, scenario.yaml, stock.png, deliveries.png.
    An ensemble writes summary.json, reps.csv, bands.csv, p_dry.csv, scenario.yaml, fan.png, p_dry.png.
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


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--vary",
    multiple=True,
    required=True,
    metavar="KEY=V1,V2,...",
    help="Values of one key to try (repeatable: the cartesian product is run).",
)
@click.option(
    "--reps", type=click.IntRange(min=1), default=100, show_default=True, help="Replications per variant."
)
@click.option(
    "--figure",
    "figures",
    multiple=True,
    metavar="KEY",
    help="Add a figure to the table, e.g. sites.Capital.days_empty (`defsim figures SCENARIO` lists them).",
)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
@ensemble_options
def sweep(
    scenario: str,
    vary: tuple[str, ...],
    reps: int,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
    **opts: Any,
) -> None:
    """Run ensembles of SCENARIO for every combination of --vary values, side by side.

    \b
    Every variant uses the same replication seeds, so differences are not noise.
    Writes compare.csv, compare.json, stock_compare.png, p_dry_compare.png and variants/.
    Examples:
      defsim sweep backfill --vary transfers.0.enabled=true,false --reps 200
      defsim sweep textbook --vary sites.Battery.doctrine.shots=1,2,3 --reps 100
    """
    sc = _load(scenario, overrides)
    _check_out(opts["out"], opts["force"], (scenario,))
    with _api_errors(scenario):
        vary_values = parse_vary(vary, scenario)
    _what_if(
        lambda **kw: api.sweep(sc, vary_values, reps, figures=figures, **kw),
        _default_out(scenario, "sweep"),
        scenario=scenario,
        **opts,
    )


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path())
@click.option(
    "--reps",
    type=click.IntRange(min=1),
    default=None,
    help="Replications per scenario (default 100, or those of the results folders given).",
)
@click.option(
    "--figure",
    "figures",
    multiple=True,
    metavar="KEY",
    help="Add a figure to the table, e.g. sites.Capital.days_empty (`defsim figures SCENARIO` lists them).",
)
@click.option(
    "--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP + " Applies to every scenario."
)
@ensemble_options
def compare(
    scenarios: tuple[str, ...],
    reps: int | None,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
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
    if any(Path(s).is_dir() for s in scenarios):
        _compare_folders(scenarios, reps, overrides, figures, **opts)
        return
    loaded = [_load(s, overrides) for s in scenarios]
    _check_out(opts["out"], opts["force"], scenarios)
    _what_if(
        lambda **kw: api.compare(loaded, reps or 100, figures=figures, labels=list(scenarios), **kw),
        _default_out(scenarios[0], "compare"),
        scenario=scenarios[0],
        **opts,
    )


def _compare_folders(
    given: tuple[str, ...],
    reps: int | None,
    overrides: tuple[str, ...],
    figures: tuple[str, ...],
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
    _check_out(str(target), opts["force"], ())
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for k, s in enumerate(given):
            if Path(s).is_dir():
                paths.append(s)
                continue
            sc = _load(s, overrides)
            with _api_errors(s), Progress(sc.name, opts["quiet"]) as progress:
                ens = api.ensemble(
                    sc,
                    first.reps,
                    seed,
                    workers=opts["workers"],
                    grid=opts["grid"],
                    scheduler=opts["scheduler"],
                    progress=progress,
                )
            path = Path(tmp) / f"{k:02d}"
            ens.save(path, plot=False)
            paths.append(str(path))
        try:
            result = api.compare_results(
                paths,
                target,
                labels=list(given),
                figures=figures,
                force=opts["force"],
                plot=not opts["no_plot"],
                fmt=opts["fmt"],
                report=opts["report"],
                command=_command(),
            )
        except (CannotCompare, ValueError) as exc:
            raise UserError(f"error: cannot compare: {exc}") from None
        except (OutputRefused, OutputError) as exc:
            raise UserError(f"error: {exc}") from None
    if opts["quiet"]:
        click.echo(str(target))
        return
    print_comparison(result)
    Console().print(f"results written to [bold]{escape(plain(target))}[/bold]")


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

    try:
        path = api.report(results, output)
    except NotAResultsFolder as exc:
        raise UserError(f"error: {exc}") from None
    except OutputError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(path))


@contextlib.contextmanager
def _api_errors(scenario: str) -> Iterator[None]:
    """The API's refusals as one line on stderr and exit status 2."""
    try:
        yield
    except ScenarioError as exc:
        raise UserError(exc.format()) from None
    except api.UnknownFigure as exc:
        raise UserError(f"error: {exc} (defsim figures {scenario} lists them)") from None
    except api.WorkTooBig as exc:
        raise UserError(f"error: too much work for this machine: {exc}") from None
    except ValueError as exc:
        raise UserError(f"error: {exc}") from None


def _what_if(
    call: Callable[..., Any],
    default_out: Path,
    *,
    scenario: str = "SCENARIO",
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
    """Run a sweep or a comparison through the API, save it and print its table."""
    with _api_errors(scenario), Progress("variants", quiet) as progress:
        result = call(
            seed=seed,
            workers=workers,
            grid=grid,
            scheduler=scheduler,
            progress=progress,
            allow_work=allow_work,
            scheduler_timeout=scheduler_timeout,
        )
    target = Path(out) if out else default_out
    _save(result, target, force, no_plot, fmt, report)
    if quiet:
        click.echo(str(target))
        return
    print_comparison(result)
    Console().print(f"results written to [bold]{escape(plain(target))}[/bold]")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
def validate(scenario: str, overrides: tuple[str, ...]) -> None:
    """Check SCENARIO against the schema without running it.

    \b
    Example:
      defsim validate textbook
    """
    sc = _load(scenario, overrides)
    click.echo(
        f"{scenario}: valid ({len(sc.spec.sites)} sites, {len(sc.spec.interceptors)} interceptor types, "
        f"{len(sc.spec.threats)} threat types, {len(sc.spec.attacks)} attacks, {sc.duration:g} days)"
    )


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
def figures(scenario: str, overrides: tuple[str, ...]) -> None:
    """List every figure SCENARIO reports: key, kind, unit and meaning.

    \b
    The keys are the columns of an ensemble's reps.csv, what --figure (sweep, compare) and
    --metric (run --precision) accept.  Nothing is run.
    Example:
      defsim figures textbook | grep days_empty
    """
    found = api.figures(_load(scenario, overrides))
    width = max(len(f.key) for f in found)
    kind = max(len(f.kind.value) for f in found)
    unit = max(len(f.unit) for f in found)
    click.echo(f"{'key':<{width}}  {'kind':<{kind}}  {'unit':<{unit}}  meaning")
    for f in found:
        click.echo(f"{f.key:<{width}}  {f.kind.value:<{kind}}  {f.unit:<{unit}}  {f.meaning}")


@main.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor completion).

    \b
    Example:
      defsim schema > defsim.schema.json
    """
    click.echo(json.dumps(json_schema(), indent=2))


for _command_ in KIT_COMMANDS:  # defsim list, show, new (defsim/cli/kit.py)
    main.add_command(_command_)

if __name__ == "__main__":
    main(sys.argv[1:])
