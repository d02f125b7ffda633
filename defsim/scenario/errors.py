"""Problems found in a scenario: each names the file, the YAML line, the key path and what was expected."""

from __future__ import annotations

from dataclasses import dataclass

#: a key path into the scenario data, e.g. ("sites", "Battery", "stock", "long_range")
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: KeyPath
    message: str
    line: int | None = None

    def format(self, source: str, prefix: str = "") -> str:
        at = f"{source}:{self.line}" if self.line else source
        return f"{prefix}{at}: {self.where()}: {self.message}"

    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(top level)"


class InputError(ValueError):
    """A request the user got wrong, outside any scenario file: an argument out of range, a
    figure or folder that does not exist, too much work.  The message says what to change.

    The command line turns exactly this (and :class:`ScenarioError`) into ``error:`` and exit
    status 2; any other exception, a ``ValueError`` from inside the engine included, is a fault
    of defsim's and is reported as an internal error.  A ``ValueError`` for the API's callers."""


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[Problem], header: str | None = None):
        self.source = source
        self.problems = problems
        self.header = header or f"error: {source} is not a valid scenario"
        super().__init__(self.format())

    def format(self) -> str:
        lines = [self.header]
        lines.extend(p.format(self.source, "  ") for p in self.problems)
        return "\n".join(lines)
