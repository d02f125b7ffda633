"""YAML read safely, with a map from every key path to the line it stands on."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import KeyPath, Problem, ScenarioError


class _Loader(yaml.SafeLoader):
    """Safe loading only: no Python objects can be built from a scenario file."""


def _line_map(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], dups: list[Problem]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                dups.append(
                    Problem(
                        path + (key,),
                        "duplicate key (the earlier value would be lost)",
                        key_node.start_mark.line + 1,
                    )
                )
            seen.add(key)
            lines[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), lines, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines, dups)


def read_yaml(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML text safely; return the data and a map from key path to line number."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(
                source, [Problem((), "the file is empty: expected a mapping of scenario keys")]
            )
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(
            source, [Problem((), f"broken YAML: {what}", mark.line + 1 if mark else None)]
        ) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    dups: list[Problem] = []
    _line_map(node, (), lines, dups)
    if dups:
        raise ScenarioError(source, dups)
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem((), "expected a mapping of scenario keys at the top", 1)])
    return data, lines


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """Line of the deepest part of ``path`` that stands in the file."""
    best = lines.get(())
    cur: KeyPath = ()
    for part in path:
        nxt = cur + (part,)
        if nxt in lines:
            cur = nxt
            best = lines[nxt]
        # parts that are not in the file (pydantic's union tags) are skipped
    return best

