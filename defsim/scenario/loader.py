"""Loading a scenario: YAML with lines, overrides, schema validation, cross references.

Every problem becomes a :class:`ScenarioError` whose lines each name the file, the YAML line,
the key path and what was expected, so the CLI can print it and exit with status 2.
"""

from __future__ import annotations

import codecs
import copy
import difflib
import itertools
import re
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import shipped
from .errors import KeyPath, Problem, ScenarioError
from .overrides import apply_override, set_value, show_value
from .references import check_references, schedule_warnings
from .schema import ScenarioSpec
from .schema_knobs import check_knobs
from .schema_types import Strict
from .source import Scenario, ScenarioSource
from .yaml_lines import MAX_BYTES, line_of, read_yaml


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
    shapes: list[bool] = []
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
            if kind == "less_than_equal" and err.get("ctx", {}).get("le") == 1:
                msg += "; a probability is between 0 and 1 (70% is 0.7)"
        # a nullable field's branch tag ("function-before[...]") and a union's ("Allocation",
        # "list[Allocation]") are not keys of the file
        path = tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p in _BLOCKS)))
        if lines and path and path[-1] == "default" and path not in lines:
            path = path[:-1]  # ``pk: 0.7`` stands for ``pk: {default: 0.7}``: name what was written
        problems.append(Problem(path, msg, line_of(lines, path)))
        shapes.append(kind in _SHAPE_ERRORS)
    # ``allocate: {...}`` with a bad key fails both branches of ``Allocation | list[Allocation]``:
    # say what is wrong inside it, not also that it is not a list
    return _merge_typos(
        [
            p
            for p, shape in zip(problems, shapes, strict=True)
            if not (
                shape and any(len(q.path) > len(p.path) and q.path[: len(p.path)] == p.path for q in problems)
            )
        ]
    )


def _blocks(model: type[BaseModel]) -> set[str]:
    return {model.__name__}.union(*(_blocks(sub) for sub in model.__subclasses__()))


#: the names of the schema's blocks, which pydantic puts in an error's location for a union
_BLOCKS = _blocks(Strict)
#: errors that say a value has the wrong shape (not a list, not a mapping)
_SHAPE_ERRORS = {"list_type", "dict_type", "model_type", "model_attributes_type", "tuple_type"}


def _merge_typos(problems: list[Problem]) -> list[Problem]:
    """A misspelt required key is one problem, not two: the unknown key's did-you-mean says the
    required key is missing, and the separate "required key is missing" goes."""
    merged: set[KeyPath] = set()
    out = []
    for p in problems:
        m = re.search(r"; did you mean '([^']+)'\?$", p.message)
        missing = p.path[:-1] + (m.group(1),) if m and p.path else None
        if missing is not None and any(
            q.path == missing and q.message == "required key is missing" for q in problems
        ):
            merged.add(missing)
            assert m is not None
            p = Problem(p.path, f"{p.message} ({m.group(1)!r} is required and missing)", p.line)
        out.append(p)
    return [p for p in out if not (p.path in merged and p.message == "required key is missing")]


def _where(
    problems: list[Problem], lines: dict[KeyPath, int], overridden: dict[KeyPath, str]
) -> list[Problem]:
    """Each problem with its file line, or, where an override set the value, the override instead."""
    out = []
    for p in problems:
        setter = next((a for path, a in overridden.items() if p.path[: len(path)] == path), None)
        if setter is not None:
            out.append(Problem(p.path, f"{p.message} (set by {setter})", None))
        else:
            out.append(Problem(p.path, p.message, p.line or line_of(lines, p.path)))
    return out


def validate_data(
    data: dict[str, Any],
    lines: dict[KeyPath, int],
    source: str,
    overridden: dict[KeyPath, str] | None = None,
    text: str | None = None,
) -> Scenario:
    """Validate data read from ``source``; ``overridden`` maps key paths to the override that set them."""
    over = overridden or {}
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, _where(_pydantic_problems(exc, lines), lines, over)) from None
    problems = check_references(spec) + check_knobs(spec.knobs, data, list(over))
    if problems:
        raise ScenarioError(source, _where(problems, lines, over))
    warnings = tuple(_where(schedule_warnings(spec), lines, over))
    applied = tuple(a.split(" ", 1)[1] for a in over.values())
    return Scenario(spec, ScenarioSource(source, data, lines, text, applied), warnings)


def _key_path(key: str) -> KeyPath:
    return tuple(int(p) if p.isdigit() else p for p in key.strip().split("."))


def _decode(raw: bytes) -> str:
    """UTF-8 text; a UTF-16 file with its byte-order mark (what Windows PowerShell's ``>`` writes,
    e.g. ``defsim show textbook > mine.yaml``) and a UTF-8 mark are read too."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read, override (``path.to.key=value``) and validate a scenario file or shipped scenario.

    ``path`` is a file, or the name of a shipped scenario (``"textbook"``) when no such file exists.
    """
    p = shipped.find(path) or Path(path)
    source = str(p)
    try:
        with p.open("rb") as f:
            # at most one byte past the bound: /dev/zero or a huge file is refused, not read
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        hint = shipped.suggestion(path)
        raise ScenarioError(source, [], f"error: {source}: no such file{hint}") from None
    except IsADirectoryError:
        raise ScenarioError(source, [], f"error: {source} is a folder, not a scenario file") from None
    except OSError as exc:
        raise ScenarioError(source, [], f"error: cannot read {source}: {exc.strerror or exc}") from None
    try:
        return load_bytes(raw, source, overrides)
    except ScenarioError as exc:
        if p == Path(path) or exc.source != source:
            raise
        # a shipped scenario is named as the user named it, not by its path inside the install
        name = p.name
        shown = f" (the shipped scenario: `defsim show {p.stem}` prints it)"
        raise ScenarioError(name, exc.problems, exc.header.replace(source, name) + shown) from None


def load_bytes(raw: bytes, source: str, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """A scenario from a file's bytes (an upload): the same bounds, decoding and messages as a file."""
    if len(raw) > MAX_BYTES:
        problem = Problem((), f"the file is larger than {MAX_BYTES // 2**20} MiB; a scenario needs far less")
        raise ScenarioError(source, [problem])
    try:
        text = _decode(raw)
    except UnicodeDecodeError as exc:
        raise ScenarioError(source, [_undecodable(raw, exc)]) from None
    return loads(text, source, overrides)


def _undecodable(raw: bytes, exc: UnicodeDecodeError) -> Problem:
    """What is wrong with bytes that do not decode, on the line where decoding stopped."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # the line is counted in the text decoded so far: newline bytes mean nothing in UTF-16
        try:
            line: int | None = raw[: exc.start].decode("utf-16").count("\n") + 1
        except UnicodeDecodeError:
            line = None
        return Problem(
            (),
            f"the file starts with a UTF-16 byte-order mark but is not UTF-16 text ({exc.reason} at "
            f"byte {exc.start:,}): it was cut or damaged; save it again, as UTF-8",
            line,
        )
    line = raw.count(b"\n", 0, exc.start) + 1
    return Problem((), f"the file is not UTF-8 text (byte {raw[exc.start]:#04x}); save it as UTF-8", line)


def loads(text: str, source: str = "<scenario>", overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    data, lines = read_yaml(text, source)
    overridden: dict[KeyPath, str] = {}
    for assignment in overrides:
        data = apply_override(data, assignment, source)
        overridden[_key_path(assignment.partition("=")[0])] = f"--set {assignment}"
    return validate_data(data, lines, source, overridden, text)


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
        label = ", ".join(f"{k}={show_value(v)}" for k, v in zip(keys, combo, strict=True))
        try:
            over = {_key_path(a.partition("=")[0]): f"--set {a}" for a in src.overrides}
            over.update(
                {_key_path(k): f"--vary {k}={show_value(v)}" for k, v in zip(keys, combo, strict=True)}
            )
            out.append((label, validate_data(d, src.lines, src.name, over, src.text)))
        except ScenarioError as exc:
            raise ScenarioError(
                src.name, [Problem(p.path, f"{p.message} (in variant {label})", p.line) for p in exc.problems]
            ) from None
    return out
