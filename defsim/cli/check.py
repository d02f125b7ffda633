"""``defsim validate``, ``defsim figures`` and ``defsim schema``: look at a scenario without running it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from .group import SET_HELP, _load, main
from .lazy import api, lazy

if TYPE_CHECKING:
    from ..scenario import json_schema
else:
    json_schema = lazy("defsim.scenario.schema", "json_schema")


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
    from ..analysis.answers import days, plural

    s = sc.spec
    click.echo(
        f"{scenario}: valid ({plural(len(s.sites), 'site')}, "
        f"{plural(len(s.interceptors), 'interceptor type')}, {plural(len(s.threats), 'threat type')}, "
        f"{plural(len(s.attacks), 'attack')}, {days(sc.duration)})"
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
