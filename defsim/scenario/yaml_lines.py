"""YAML read safely and within bounds, with a map from every key path to the line it stands on.

Only plain data is read: mappings, lists, strings, numbers, booleans, null and dates (YAML's
merge key ``<<`` included).  A file is refused, with its line, before it is expanded when it
nests too deeply, refers to itself through an alias, or expands through aliases to more values
than any scenario needs (a few hundred bytes of nested aliases can otherwise fill the memory).
Every error is one line naming where it is and what was expected.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .errors import KeyPath, Problem, ScenarioError

#: values (scalars, lists, mappings) a file may hold once its aliases are expanded
MAX_VALUES = 200_000
#: levels of nesting (mappings and lists inside each other)
MAX_DEPTH = 40
#: the size of a scenario file
MAX_BYTES = 4 * 2**20

_PLAIN = "tag:yaml.org,2002:"
ALLOWED_TAGS = {
    _PLAIN + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
}


class _TooDeep(Exception):
    def __init__(self, line: int):
        self.line = line


class _Loader(yaml.SafeLoader):
    """Safe loading of plain data only; a value that cannot be read says where it stands.

    Nesting is bounded while the file is composed, not after: composing recurses once per
    level, so thousands of brackets took seconds and then ran out of stack."""

    _depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # brackets are counted as they are scanned: the scanner looks ahead over every open one,
        # so 1,000 of them cost a second before the composer would see the 41st
        if self.flow_level >= MAX_DEPTH:
            raise _TooDeep(int(self.get_mark().line) + 1)
        super().fetch_flow_collection_start(TokenClass)  # type: ignore[misc]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:  # the document's top node is level 0
                raise _TooDeep(int(self.peek_event().start_mark.line) + 1)
            return super().compose_node(parent, index)  # type: ignore[no-any-return]
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            what = _why(exc, node.tag.removeprefix(_PLAIN))
            raise _Refused(node, f"cannot read {_short(node.value)} as {what}") from None


def _why(exc: Exception, kind: str) -> str:
    if kind == "timestamp":
        detail = str(exc) if isinstance(exc, ValueError) else "expected YYYY-MM-DD"
        return f"a date ({detail})"
    if kind == "int" and "digits" in str(exc):
        return "a number (it has thousands of digits)"
    return {"float": "a number", "int": "a whole number", "bool": "true or false"}.get(kind, kind)


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else "this value"
    return text if len(text) <= 40 else text[:37] + "...'"


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Graph:
    """One pass over the composed nodes, before anything is built: tags, depth, aliases, size."""

    def __init__(self) -> None:
        self.size: dict[int, int] = {}
        self.open: set[int] = set()

    def check(self, node: Node, depth: int = 0) -> int:
        key = id(node)
        if key in self.size:  # an alias of something already checked
            return self.size[key]
        if key in self.open:
            raise _Refused(
                node, "an alias refers to the mapping or list that contains it (it would never end)"
            )
        if depth > MAX_DEPTH:
            raise _Refused(node, f"nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer")
        if node.tag not in ALLOWED_TAGS:
            tag = "!!" + node.tag.removeprefix(_PLAIN) if node.tag.startswith(_PLAIN) else node.tag
            raise _Refused(
                node, f"the tag {tag} is not plain data; write a mapping, a list, a string or a number"
            )
        self.open.add(key)
        total = 1
        if isinstance(node, MappingNode):
            for k, v in node.value:
                total += self.check(k, depth + 1) + self.check(v, depth + 1)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                total += self.check(item, depth + 1)
        self.open.discard(key)
        self.size[key] = total
        if total > MAX_VALUES:
            raise _Refused(
                node,
                f"this expands to more than {MAX_VALUES:,} values (through aliases); "
                "a scenario needs far fewer: write the values out",
            )
        return total


class _Refused(Exception):
    def __init__(self, node: Node, message: str):
        self.node = node
        self.line = _line(node)
        self.message = message


def _line_map(
    node: Node, path: KeyPath, lines: dict[KeyPath, int], dups: list[Problem], seen: dict[int, KeyPath]
) -> None:
    lines.setdefault(path, _line(node))
    if id(node) in seen:  # an alias: its lines are where the anchor stands, mapped once
        return
    seen[id(node)] = path
    if isinstance(node, MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _PLAIN + "merge":  # ``<<: *anchor``: its keys may be overridden here
                continue
            key = str(key_node.value)
            if key in keys:
                dups.append(
                    Problem(path + (key,), "duplicate key (the earlier value would be lost)", _line(key_node))
                )
            keys.add(key)
            lines[path + (key,)] = _line(key_node)
            _line_map(value_node, path + (key,), lines, dups, seen)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), lines, dups, seen)


def _yaml_problem(exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        return Problem(
            (), f"the file holds a character YAML does not allow (U+{exc.character:04X}); remove it", line
        )
    mark = getattr(exc, "problem_mark", None)
    what = (getattr(exc, "problem", None) or str(exc)).strip().replace("\n", " ")
    if "'\\t'" in what:
        what += "; indent with spaces, not tabs"
    return Problem((), f"broken YAML: {what}", mark.line + 1 if mark else None)


def compose(text: str, source: str) -> Node | None:
    """The checked node graph of a YAML document (None when it is empty)."""
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:  # the reader refuses control characters up front
        raise ScenarioError(source, [_yaml_problem(exc, text)]) from None
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [_yaml_problem(exc, text)]) from None
    except _TooDeep as exc:
        problem = Problem(
            (), f"nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer", exc.line
        )
        raise ScenarioError(source, [problem]) from None
    finally:
        loader.dispose()
    if node is not None:
        try:
            _Graph().check(node)
        except _Refused as exc:
            raise ScenarioError(source, [Problem((), exc.message, exc.line)]) from None
    return node


def construct(node: Node, text: str, source: str, paths: dict[int, KeyPath] | None = None) -> Any:
    """Plain Python data from a checked node graph; ``paths`` name where a bad value stands."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    except _Refused as exc:
        path = (paths or {}).get(id(exc.node), ())
        raise ScenarioError(source, [Problem(path, exc.message, exc.line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [_yaml_problem(exc, text)]) from None
    finally:
        loader.dispose()


def read_yaml(text: str, source: str) -> tuple[Any, dict[KeyPath, int]]:
    """Parse YAML text safely; return the data and a map from key path to line number."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(source, [Problem((), f"the file is larger than {MAX_BYTES // 2**20} MiB")])
    node = compose(text, source)
    if node is None:
        raise ScenarioError(source, [Problem((), "the file is empty: expected a mapping of scenario keys")])
    lines: dict[KeyPath, int] = {}
    dups: list[Problem] = []
    paths: dict[int, KeyPath] = {}
    _line_map(node, (), lines, dups, paths)  # before construction, which flattens merge keys in place
    if dups:
        raise ScenarioError(source, dups)
    data = construct(node, text, source, paths)
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem((), "expected a mapping of scenario keys at the top", 1)])
    return data, lines


def read_value(text: str) -> Any:
    """A single YAML value (an override's right-hand side), read as in a file; raises ScenarioError."""
    node = compose(text, "--set")
    return None if node is None else construct(node, text, "--set")


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
