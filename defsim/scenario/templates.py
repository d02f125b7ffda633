"""Starting scenarios for ``defsim new``: commented templates that ship inside the package.

They are package data (``defsim/templates/*.yaml``) like the shipped scenarios, but meant to be
copied and edited, not run as they are: every key carries a comment in plain words.  Each one
validates and runs (the tests check it), so a student starts from something that works.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from .shipped import SUFFIX, package_folder, stem, yaml_names

DEFAULT = "battery"


@dataclass(frozen=True)
class Template:
    """One template: its name, file, title and what it sets up."""

    name: str
    path: Path
    title: str
    description: str

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


class UnknownTemplate(LookupError):
    """No template of that name; the message offers the closest one or lists them all."""


def folder() -> Path:
    """The installed folder of templates."""
    return package_folder("templates")


def names() -> list[str]:
    return yaml_names(folder())


def find(name: str) -> Template:
    """The template called ``name`` (``battery`` or ``battery.yaml``); raises :class:`UnknownTemplate`."""
    bare = stem(name)
    if bare in names():
        return _read(bare)
    close = difflib.get_close_matches(bare, names(), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UnknownTemplate(f"no template '{name}'{hint} (templates: {', '.join(names())})")


def catalogue() -> list[Template]:
    """Every template, in name order."""
    return [_read(name) for name in names()]


def _read(name: str) -> Template:
    path = folder() / f"{name}{SUFFIX}"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    description = " ".join(str(data.get("description", "")).split())
    return Template(name, path, str(data.get("name", name)), description)
