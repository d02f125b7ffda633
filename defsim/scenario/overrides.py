"""``--set path.to.key=value`` overrides and ``--vary`` variants, applied to the data as written."""

from __future__ import annotations

import copy
import difflib
from typing import Any

from .errors import Problem, ScenarioError
from .yaml_lines import read_value


def apply_override(data: dict[str, Any], assignment: str, source: str) -> dict[str, Any]:
    """Return a copy of ``data`` with ``path.to.key=value`` set; the value is read as YAML."""
    if "=" not in assignment:
        raise ScenarioError(source, [Problem((), f"--set {assignment!r}: expected path.to.key=value")])
    key, _, raw = assignment.partition("=")
    return set_value(data, key, parse_value(raw), source)


def parse_value(raw: str) -> Any:
    """An override's value read as YAML, as in a file; what YAML cannot read stays the text itself
    (the schema then says what was expected, e.g. for ``start=2024-13-01``)."""
    if not raw.strip():
        return ""
    try:
        return read_value(raw)
    except ScenarioError:
        return raw


def set_value(data: dict[str, Any], key: str, value: Any, source: str) -> dict[str, Any]:
    """Return a copy of ``data`` with the dotted ``key`` set to ``value``."""
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in key.strip().split(".")]
    out = copy.deepcopy(data)
    cur: Any = out
    for i, part in enumerate(parts[:-1]):
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            options = sorted(map(str, cur)) if isinstance(cur, dict) else []
            close = difflib.get_close_matches(str(part), options, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ScenarioError(
                source, [Problem(tuple(parts[: i + 1]), f"--set {key}: no such key in the scenario{hint}")]
            ) from None
    last = parts[-1]
    if isinstance(cur, list) and isinstance(last, int):
        if last >= len(cur):
            raise ScenarioError(source, [Problem(tuple(parts), f"--set {key}: index out of range")])
        cur[last] = value
    elif isinstance(cur, dict):
        cur[last] = value
    else:
        raise ScenarioError(source, [Problem(tuple(parts), f"--set {key}: cannot set a key inside a value")])
    return out


def split_values(text: str) -> list[str]:
    """``"0,30/yr,[a, b]"`` -> ``["0", "30/yr", "[a, b]"]``: commas inside brackets stay."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return [v for v in out if v != ""]


def parse_vary(items: list[str] | tuple[str, ...], source: str) -> dict[str, list[Any]]:
    vary: dict[str, list[Any]] = {}
    for item in items:
        key, eq, values = item.partition("=")
        if not eq or not key.strip() or not values.strip():
            raise ScenarioError(source, [Problem((), f"--vary {item!r}: expected path.to.key=v1,v2,...")])
        vary[key.strip()] = [parse_value(v) for v in split_values(values)]
    return vary


def show_value(v: Any) -> str:
    """A value as the user would write it in YAML (``true``, ``{mode: salvo, shots: 2}``), not
    as Python."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {show_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(show_value(x) for x in v) + "]"
    return str(v)
