"""The ``defsim`` command: a thin layer over the Python API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from . import __version__, api
from .output import OutputExistsError
from .scenario import ScenarioError
from .schema import json_schema

SET_HELP = "Override a scenario key, e.g. --set sites.A.fire_channels=4 (repeatable)."


class UserError(click.ClickException):
    """A problem with the user's input: message on stderr, exit status 2, no traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


def _load(path: str, overrides: tuple[str, ...]) -> Any:
    try:
        return api.load(path, overrides)
    except ScenarioError as exc:
        raise UserError(exc.format()) from None


def _default_out(scenario_path: str) -> Path:
    """results/<name>, or results/<name>-2, -3 ...: never an existing folder."""
    base = Path("results") / Path(scenario_path).stem
    out, k = base, 1
    while out.exists():
        k += 1
        out = base.with_name(f"{base.name}-{k}")
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="defsim")
def main() -> None:
    """defsim: air-defence interceptor stockpiles under attack (notional, for teaching).

    \b
    Start with:
      defsim run scenarios/textbook.yaml
      defsim validate my_scenario.yaml
    """


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--seed", type=click.IntRange(min=0), default=None, help="Random seed (default: the scenario's seed:)."
)
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help="Results folder (default: results/<scenario name>, never one that exists).",
)
@click.option("--force", is_flag=True, help="Replace --out if it already exists.")
@click.option("--no-plot", is_flag=True, help="Skip stock.png.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the results folder.")
def run(
    scenario: str,
    seed: int | None,
    overrides: tuple[str, ...],
    out: str | None,
    force: bool,
    no_plot: bool,
    quiet: bool,
) -> None:
    """Run SCENARIO once and write a results folder.

    \b
    Writes summary.json, stock.csv, events.csv, scenario.yaml and stock.png.
    Example:
      defsim run scenarios/nightly_raids.yaml --seed 7 --out results/raids
      defsim run scenarios/textbook.yaml --set sites.Battery.fire_channels=2
    """
    sc = _load(scenario, overrides)
    result = api.run(sc, seed=seed)
    target = Path(out) if out else _default_out(scenario)
    try:
        result.save(target, force=force, plot=not no_plot)
    except OutputExistsError as exc:
        raise UserError(f"error: {exc}") from None
    if quiet:
        click.echo(str(target))
        return
    print_summary(result.summary)
    Console().print(f"results written to [bold]{target}[/bold]")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help=SET_HELP)
def validate(scenario: str, overrides: tuple[str, ...]) -> None:
    """Check SCENARIO against the schema without running it.

    \b
    Example:
      defsim validate scenarios/textbook.yaml
    """
    sc = _load(scenario, overrides)
    click.echo(
        f"{scenario}: valid ({len(sc.sites)} sites, {len(sc.interceptors)} interceptor types, "
        f"{len(sc.threats)} threat types, {len(sc.attacks)} attacks, {sc.duration:g} days)"
    )


@main.command()
def schema() -> None:
    """Print the scenario JSON Schema (for editor completion).

    \b
    Example:
      defsim schema > defsim.schema.json
    """
    click.echo(json.dumps(json_schema(), indent=2))


def _day(v: float | None, date: str | None) -> str:
    if v is None:
        return "-"
    return date if date else f"{v:.1f}"


def print_summary(s: dict[str, Any]) -> None:
    console = Console(width=None if sys.stdout.isatty() else 120)
    t = Table(title=f"{s['scenario']} (seed {s['seed']}, {s['duration_days']:g} days)", title_justify="left")
    for col in (
        "threat",
        "arrived",
        "engaged",
        "killed",
        "leaked",
        "no_stock",
        "saturated",
        "not_engaged",
        "missed",
    ):
        t.add_column(col, justify="left" if col == "threat" else "right", no_wrap=True, min_width=len(col))
    rows = list(s["threats"].items()) + [("all", s["totals"])]
    for name, v in rows:
        r = v["leaked_by_reason"]
        t.add_row(
            name,
            *(
                str(x)
                for x in (
                    v["arrived"],
                    v["engaged"],
                    v["killed"],
                    v["leaked"],
                    r["no_stock"],
                    r["saturated"],
                    r["not_engaged"],
                    r["missed"],
                )
            ),
            style="bold" if name == "all" else None,
        )
    console.print(t)
    t = Table(title="sites", title_justify="left")
    for col in ("site", "shots", "final stock", "first stockout", "days empty"):
        t.add_column(col, justify="left" if col == "site" else "right", no_wrap=True, min_width=len(col))
    for name, v in s["sites"].items():
        t.add_row(
            name,
            str(v["shots"]),
            str(v["final_stock"]),
            _day(v["first_stockout_day"], v["first_stockout_date"]),
            f"{v['days_empty']:.1f}",
        )
    console.print(t)
    c = s["cost"]
    cer = c["cost_exchange_ratio"]
    console.print(
        f"interceptors spent: {c['interceptor_cost_spent']:,.0f}   threats defeated: "
        f"{c['threat_cost_defeated']:,.0f}   cost-exchange ratio: {'-' if cer is None else f'{cer:.2f}'}"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
