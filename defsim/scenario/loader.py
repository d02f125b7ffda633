"""Loading a scenario: YAML with lines, overrides, schema validation, cross references.

Every problem becomes a :class:`ScenarioError` whose lines each name the file, the YAML line,
the key path and what was expected, so the CLI can print it and exit with status 2.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import KeyPath, Problem, ScenarioError
from .overrides import apply_override, set_value
from .references import check_references
from .schema import ScenarioSpec
from .source import Scenario, ScenarioSource
from .yaml_lines import line_of, read_yaml


def _unwrap(tp: Any) -> list[Any]:
    """The model classes a type annotation may hold (through Optional, list, dict, unions)."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [tp]
    out: list[Any] = []
    for arg in typing.get_args(tp):
        out.extend(_unwrap(arg))
    return out


def _model_at(loc: KeyPath) -> type[BaseModel] | None:
    """The schema block at ``loc`` (a pydantic error location), to list its allowed keys."""
    model: type[BaseModel] | None = ScenarioSpec
    i = 0
    while model is not None and i < len(loc):
        part = loc[i]
        fields = {f.alias or n: f for n, f in model.model_fields.items()}
        if part not in fields:
            return model if i == len(loc) else None
        candidates = _unwrap(fields[part].annotation)
        i += 1
        # skip container keys / indices and union tags until the next field name
        nxt: type[BaseModel] | None = None
        while i <= len(loc):
            for c in candidates:
                cf = {f.alias or n for n, f in c.model_fields.items()}
                if i == len(loc) or loc[i] in cf:
                    nxt = c
                    break
            if nxt is not None or i == len(loc):
                break
            i += 1
        model = nxt
    return model


def _describe_input(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pydantic_problems(exc: ValidationError, lines: dict[KeyPath, int]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc: KeyPath = tuple(err["loc"])
        kind = err["type"]
        msg = err["msg"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            model = _model_at(loc[:-1])
            allowed = sorted({f.alias or n for n, f in model.model_fields.items()}) if model else []
            close = difflib.get_close_matches(key, allowed, n=1)
            msg = f"unknown key {key!r}"
            if close:
                msg += f"; did you mean {close[0]!r}?"
            elif allowed:
                msg += f"; expected one of: {', '.join(allowed)}"
        elif kind == "missing":
            msg = "required key is missing"
        elif kind == "value_error":
            msg = msg.removeprefix("Value error, ")  # our own messages already say what was got
        else:
            msg = f"{msg[0].lower()}{msg[1:]} (got {_describe_input(err.get('input'))})"
        # a nullable field's branch tag ("function-before[...]") is not a key of the file
        path = tuple(p for p in loc if not (isinstance(p, str) and "[" in p))
        problems.append(Problem(path, msg, line_of(lines, path)))
    return problems




def validate_data(data: dict[str, Any], lines: dict[KeyPath, int], source: str) -> Scenario:
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, _pydantic_problems(exc, lines)) from None
    problems = check_references(spec)
    if problems:
        raise ScenarioError(
            source, [Problem(p.path, p.message, p.line or line_of(lines, p.path)) for p in problems]
        )
    return Scenario(spec, ScenarioSource(source, data, lines))


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override (``path.to.key=value``) and validate a scenario file."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, [Problem((), "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem((), f"cannot read the file: {exc}")]) from None
    return loads(text, source, overrides)


def loads(text: str, source: str = "<scenario>", overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    data, lines = read_yaml(text, source)
    for assignment in overrides:
        data = apply_override(data, assignment, source)
    return validate_data(data, lines, source)


def from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario given as Python data (as if read from YAML, without line numbers)."""
    return validate_data(copy.deepcopy(data), {}, source)


def variants(scenario: Scenario, vary: dict[str, list[Any]]) -> list[tuple[str, Scenario]]:
    """Every combination of the values in ``vary``, validated like the file itself."""
    src = scenario.source
    keys = list(vary)
    out = []
    for combo in itertools.product(*(vary[k] for k in keys)):
        d = src.data
        for k, v in zip(keys, combo, strict=True):
            d = set_value(d, k, v, src.name)
        label = ", ".join(f"{k}={_show(v)}" for k, v in zip(keys, combo, strict=True))
        try:
            out.append((label, validate_data(d, src.lines, src.name)))
        except ScenarioError as exc:
            raise ScenarioError(
                src.name, [Problem(p.path, f"{p.message} (in variant {label})", p.line) for p in exc.problems]
            ) from None
    return out


def _show(v: Any) -> str:
    return "true" if v is True else "false" if v is False else str(v)
