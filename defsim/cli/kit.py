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

from ..io.files import atomic_write_text
from ..scenario.templates import DEFAULT, UnknownTemplate, find
from .common import output_errors
from .group import UserError, main
from .lazy import api
from .options import format_option, width_option
from .plain import plain, width

LIST_FORMATS = ("table", "plain", "json")


def _widths(heads: tuple[str, ...], rows: list[tuple[str, ...]], most: int) -> list[int] | None:
    """Each column's width for a table at most ``most`` wide: the first as wide as its longest
    name, the others sharing what is left (a short one keeps its width); None when a word would
    have to be cut."""
    every = [heads, *rows]
    natural = [max(len(r[j]) for r in every) for j in range(len(heads))]
    longest_word = [max((len(w) for r in every for w in r[j].split()), default=1) for j in range(len(heads))]
    left = most - (3 * len(heads) + 1) - natural[0]
    if sum(natural[1:]) <= left:
        return natural
    if sum(longest_word[1:]) > left:
        return None
    widths = [natural[0], *longest_word[1:]]
    # water-filling: the narrowest column first gets its natural width or a fair share
    order = sorted(range(1, len(heads)), key=lambda j: natural[j])
    spare = left - sum(widths[1:])
    for k, j in enumerate(order):
        grow = min(natural[j] - widths[j], spare // (len(order) - k))
        widths[j] += grow
        spare -= grow
    return widths


def box_table(heads: tuple[str, ...], rows: list[tuple[str, ...]], most: int) -> str:
    """A table in box-drawing characters at most ``most`` columns wide (narrower when its text is
    shorter), its cells wrapped between words; where no table fits without cutting a word, one
    block per row.  Plain text: ``defsim list`` answers without loading a terminal library."""
    import textwrap

    widths = _widths(heads, rows, most)
    if widths is None:
        indent = {"initial_indent": "  ", "subsequent_indent": "  ", "break_on_hyphens": False}
        return "\n".join(
            f"{textwrap.fill(f'{name}: {title}', most)}\n{textwrap.fill(text, most, **indent)}"  # type: ignore[arg-type]
            for name, title, text in rows
        )

    def line(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    def cells(values: tuple[str, ...]) -> list[str]:
        wrapped = [
            textwrap.wrap(v, w, break_on_hyphens=False) or [""] for v, w in zip(values, widths, strict=True)
        ]
        return [
            "│"
            + "│".join(f" {(c[k] if k < len(c) else ''):<{w}} " for c, w in zip(wrapped, widths, strict=True))
            + "│"
            for k in range(max(len(c) for c in wrapped))
        ]

    out = [line("┌", "┬", "┐"), *cells(heads), line("├", "┼", "┤")]
    for j, row in enumerate(rows):
        out += cells(row)
        out.append(line("├", "┼", "┤") if j < len(rows) - 1 else line("└", "┴", "┘"))
    return "\n".join(out)


@main.command("list")
@click.option("--templates", "show_templates", is_flag=True, help="List the templates of defsim new instead.")
@format_option(LIST_FORMATS, "table", "A table, one block per scenario in plain text, or JSON.")
@width_option
def list_shipped(show_templates: bool, fmt: str) -> None:
    """List the shipped scenarios with the question each answers (or, --templates, the templates).

    \b
    Run one by name, or copy it to edit:
      defsim run textbook
      defsim show textbook > mine.yaml
      defsim new mine.yaml --template raids
    """
    if show_templates:
        from ..scenario import templates

        rows = [(t.name, t.title, t.description) for t in templates.catalogue()]
        heads = ("template", "title", "what it sets up")
    else:
        from ..scenario import shipped  # not the api: listing needs neither numpy nor pydantic

        rows = [(s.name, s.title, s.question) for s in shipped.catalogue()]
        heads = ("name", "title", "question")
    if fmt == "json":
        click.echo(json.dumps([dict(zip(heads, r, strict=True)) for r in rows], indent=2))
        return
    if fmt == "plain":
        for name, title, text in rows:
            click.echo(f"{plain(name)}: {plain(title)}\n  {plain(text)}")
        return
    click.echo(box_table(heads, [tuple(plain(c) for c in r) for r in rows], width()))
    how = "defsim new FILE --template NAME" if show_templates else "defsim run NAME, defsim show NAME"
    click.echo(f"use: {how}")


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
