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

    def where(self) -> str:
        return ".".join(str(p) for p in self.path) or "(top level)"


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.format())

    def format(self) -> str:
        lines = [f"error: {self.source} is not a valid scenario"]
        for p in self.problems:
            at = f"{self.source}:{p.line}" if p.line else self.source
            lines.append(f"  {at}: {p.where()}: {p.message}")
        return "\n".join(lines)

