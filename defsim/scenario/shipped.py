"""The scenarios that ship inside the package, found by name (``defsim run textbook``).

They are package data (``defsim/scenarios/*.yaml``), so they travel with ``pip install`` and
work from any folder. A path that exists always wins over a shipped name, so a user's own
``textbook.yaml`` is never shadowed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import yaml

#: libyaml's parser where PyYAML has it: the list only needs each file's title and question
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SUFFIX = ".yaml"


@dataclass(frozen=True)
class Shipped:
    """One shipped scenario: its name, file, and the question it answers."""

    name: str
    path: Path
    title: str
    question: str


def package_folder(name: str) -> Path:
    """An installed folder of package data (``scenarios``, ``templates``)."""
    return Path(str(files("defsim") / name))


def yaml_names(where: Path) -> list[str]:
    """The names of the YAML files in ``where``, sorted."""
    return sorted(p.stem for p in where.glob(f"*{SUFFIX}"))


def stem(text: str) -> str:
    """``textbook`` for ``textbook`` or ``textbook.yaml``."""
    return text.removesuffix(SUFFIX)


def folder() -> Path:
    """The installed folder of shipped scenarios."""
    return package_folder("scenarios")


def names() -> list[str]:
    return yaml_names(folder())


def _looks_like_name(text: str) -> bool:
    return "/" not in text and "\\" not in text and not text.startswith(".")


def find(path: str | Path) -> Path | None:
    """The shipped file ``path`` names (``textbook`` or ``textbook.yaml``), or None.

    Only a bare name that is not an existing file is looked up.
    """
    text = str(path)
    if Path(text).exists() or not _looks_like_name(text):
        return None
    candidate = folder() / f"{stem(text)}{SUFFIX}"
    return candidate if candidate.is_file() else None


def suggestion(path: str | Path) -> str:
    """' (did you mean the shipped scenario X?)' or a list of shipped names, for a missing file."""
    text = str(path)
    if not _looks_like_name(text):
        return ""
    close = difflib.get_close_matches(stem(text), names(), n=1, cutoff=0.6)
    if close:
        return f"; did you mean the shipped scenario '{close[0]}'?"
    return f"; shipped scenarios: {', '.join(names())} (defsim list)"


def catalogue() -> list[Shipped]:
    """Every shipped scenario with its title and question, in name order."""
    out = []
    for name in names():
        path = folder() / f"{name}{SUFFIX}"
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        out.append(Shipped(name, path, str(data.get("name", name)), str(data.get("question", "")).strip()))
    return out
