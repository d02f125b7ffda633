"""The explorer's knobs: keys of a scenario file a student may change from the page.

A knob names a key path (the same ``path.to.key`` that ``--set`` takes), a label and help text,
and how it is set: a slider between ``min`` and ``max`` (a number, or a number with a ``unit``
such as ``/d`` for a rate), one of ``options``, or, with neither, a toggle (a key holding
true/false) or a date picker (a key holding a date).  The schema checks each knob's own fields;
:func:`check_knobs` checks it against the file: the key exists and holds what the control sets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from pydantic import Field, model_validator

from .errors import KeyPath, Problem
from .schema_types import Strict

MAX_KNOBS = 40


class Knob(Strict):
    """One control of ``defsim explore``: which key it sets, its label, help and range."""

    key: str = Field(
        min_length=1,
        max_length=300,
        pattern=r"^[^=\n\r]+$",
        description="the key it sets, as --set writes it",
    )
    label: str = Field(min_length=1, max_length=80, description="the control's label")
    help: str = Field("", max_length=600, description="what it changes, shown beside the control")
    min: float | None = Field(None, ge=-1e15, le=1e15, description="a slider's lowest value")
    max: float | None = Field(None, ge=-1e15, le=1e15, description="a slider's highest value")
    step: float | None = Field(
        None, gt=0, le=1e15, description="a slider's step (default: 1, or a hundredth)"
    )
    unit: str = Field(
        "", max_length=12, pattern=r"^[A-Za-z/0-9]*$", description="written after the number: /d, d, month"
    )
    options: list[str | int | float | bool] | None = Field(
        None, min_length=2, max_length=20, description="the values a choice offers"
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Knob:
        if (self.min is None) != (self.max is None):
            raise ValueError("a slider needs both min: and max:")
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"min: {self.min:g} must be below max: {self.max:g}")
        if self.options is not None and self.min is not None:
            raise ValueError("a knob is a slider (min:, max:) or a choice (options:), not both")
        if self.unit and self.min is None:
            raise ValueError("unit: goes with a slider (min:, max:)")
        return self

    @property
    def kind(self) -> str:
        """slider, choice, or (read from the file) toggle or date."""
        if self.min is not None:
            return "slider"
        return "choice" if self.options is not None else "other"


def value_at(data: Any, key: str) -> tuple[bool, Any]:
    """(found, value) of the dotted ``key`` in the scenario data (list items by index)."""
    cur = data
    for part in key.strip().split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


def number_of(value: Any, unit: str) -> float | None:
    """The number a slider shows for a value: ``4/d`` with unit ``/d`` is 4; None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if unit and text.endswith(unit):
            text = text[: -len(unit)].strip()
        try:
            return float(text)
        except ValueError:
            return None
    return None


def date_of(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def control(knob: Knob, value: Any) -> str | None:
    """The control a knob is on this value (slider, choice, toggle, date), or None if it fits none."""
    if knob.kind == "slider":
        return "slider" if number_of(value, knob.unit) is not None else None
    if knob.kind == "choice":
        return "choice"
    if isinstance(value, bool):
        return "toggle"
    if date_of(value) is not None:
        return "date"
    return None


def _touches(a: KeyPath, b: KeyPath) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def check_knobs(knobs: list[Knob], data: dict[str, Any], overridden: Sequence[KeyPath] = ()) -> list[Problem]:
    """Every knob's key exists in the file and holds what its control sets.

    A knob whose key an override (``--set``, ``--vary``) set, removed or replaced is not checked:
    the file declares its knobs, and an override may take the key away (``--set deliveries=[]``)
    or past the slider's range; the page then offers that knob no more."""
    problems: list[Problem] = []
    if len(knobs) > MAX_KNOBS:
        problems.append(Problem(("knobs",), f"{len(knobs)} knobs; a page holds at most {MAX_KNOBS}"))
    seen: set[str] = set()
    for i, knob in enumerate(knobs):
        path: KeyPath = ("knobs", i, "key")
        key = knob.key.strip()
        if key == "knobs" or key.startswith("knobs."):
            problems.append(Problem(path, "a knob cannot set the knobs"))
            continue
        if key in seen:
            problems.append(Problem(path, f"{key!r} has two knobs"))
        seen.add(key)
        at: KeyPath = tuple(int(p) if p.isdigit() else p for p in key.split("."))
        if any(_touches(at, o) for o in overridden):
            continue
        found, value = value_at(data, key)
        if not found:
            problems.append(
                Problem(path, f"{key!r}: no such key in the scenario (knobs set keys that exist)")
            )
            continue
        kind = control(knob, value)
        if kind is None and knob.kind == "slider":
            unit = f" (or a number followed by {knob.unit})" if knob.unit else ""
            problems.append(
                Problem(path, f"{key!r} holds {value!r}, not a number{unit}: a slider cannot set it")
            )
        elif kind is None:
            problems.append(
                Problem(
                    path,
                    f"{key!r} holds {value!r}: give min: and max: for a slider or options: for a choice "
                    "(a key holding true/false or a date needs neither)",
                )
            )
        elif kind == "slider":
            x = number_of(value, knob.unit)
            assert x is not None and knob.min is not None and knob.max is not None
            if not knob.min <= x <= knob.max:
                problems.append(
                    Problem(
                        path, f"{key!r} holds {x:g}, outside the knob's range {knob.min:g} to {knob.max:g}"
                    )
                )
    return problems
