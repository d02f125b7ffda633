"""The classroom kit's commands: ``defsim list`` (what ships), ``defsim show NAME`` (a shipped
scenario's YAML) and ``defsim new FILE`` (a commented starting scenario from a template).

They read package data through the API and write one file atomically; bad input (an unknown
name, a file that exists) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import api
from ..io.files import atomic_write_text
from ..scenario.templates import DEFAULT, UnknownTemplate, find
from .common import output_errors
from .group import UserError, main
from .tables import plain

LIST_FORMATS = ("table", "plain", "json")


@main.command("list")
@click.option("--templates", "show_templates", is_flag=True, help="List the templates of defsim new instead.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(LIST_FORMATS),
    default="table",
    show_default=True,
    help="A table, one block per scenario in plain text, or JSON.",
)
def list_shipped(show_templates: bool, fmt: str) -> None:
    """List the shipped scenarios with the question each answers (or, --templates, the templates).

    \b
    Run one by name, or copy it to edit:
      defsim run textbook
      defsim show textbook > mine.yaml
      defsim new mine.yaml --template raids
    """
    if show_templates:
        rows = [(t.name, t.title, t.description) for t in api.templates()]
        heads = ("template", "title", "what it sets up")
    else:
        rows = [(s.name, s.title, s.question) for s in api.scenarios()]
        heads = ("name", "title", "question")
    if fmt == "json":
        click.echo(json.dumps([dict(zip(heads, r, strict=True)) for r in rows], indent=2))
        return
    if fmt == "plain":
        for name, title, text in rows:
            click.echo(f"{plain(name)}: {plain(title)}\n  {plain(text)}")
        return
    # at most 80 columns, so the table reads the same in a narrow terminal, a notebook or a pipe
    console = Console(width=min(Console().width, 80))
    table = Table(*heads, show_lines=True)
    for name, title, text in rows:
        table.add_row(f"[bold]{escape(plain(name))}[/bold]", escape(plain(title)), escape(plain(text)))
    console.print(table)
    how = "defsim new FILE --template NAME" if show_templates else "defsim run NAME, defsim show NAME"
    console.print(f"use: {how}")


@main.command()
@click.argument("name")
def show(name: str) -> None:
    """Print the YAML of the shipped scenario NAME, to read or to copy and edit.

    \b
    Example:
      defsim show textbook > mine.yaml
    """
    found = {s.name: s for s in api.scenarios()}
    stem = name.removesuffix(".yaml")
    if stem not in found:
        close = difflib.get_close_matches(stem, list(found), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        shipped = ", ".join(found)
        raise UserError(f"error: no shipped scenario '{name}'{hint} (shipped: {shipped}; defsim list)")
    click.echo(found[stem].path.read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--template",
    "-t",
    "template",
    default=DEFAULT,
    show_default=True,
    help="battery, raids, supply or layered (defsim list --templates).",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def new(file: str, template: str, force: bool) -> None:
    """Write a commented starting scenario to FILE, from a template.

    \b
    Examples:
      defsim new my_battery.yaml
      defsim new my_network.yaml --template supply
      defsim run my_network.yaml
    """
    try:
        chosen = find(template)
    except UnknownTemplate as exc:
        raise UserError(f"error: {exc}") from None
    if not file.strip():
        raise UserError("error: FILE is empty; give a file name such as my_scenario.yaml")
    target = Path(file)
    with output_errors():
        if os.path.isdir(target):  # os.path: a name too long is "not a folder", then refused below
            raise UserError(
                f"error: {file} is a folder; give a file name such as {target / 'my_scenario.yaml'}"
            )
        advice = "it already exists; choose another name or pass --force to replace it"
        atomic_write_text(target, chosen.text(), force, advice)
    where = target.parent / "defsim.schema.json"
    click.echo(f"wrote {plain(file)} from the template '{chosen.name}' ({plain(chosen.title)})")
    click.echo(f"  next: defsim validate {plain(file)} && defsim run {plain(file)}")
    click.echo(f"  completion and inline errors in your editor: defsim schema > {plain(where)}")
