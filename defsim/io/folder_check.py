"""What a results folder's files must hold before anything is drawn or reported from them.

A results folder is input too: it may be truncated by a full disk, edited by hand or handed over
by someone else.  The folder reader (:mod:`defsim.io.folder`) reads every file through this
module, which refuses anything defsim would not have written with one :class:`TamperedFolder`
naming the file, the line or key, and what was expected: JSON that is not strict or not whole,
numbers that are not finite or too long to be a count (a 5,000-digit integer), a summary of the
wrong shape (``[]``, ``null``, a key missing or of the wrong type), a CSV with a column missing or
renamed, a ragged row, a cell that is not a number.  Plots and reports can then trust the view.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..scenario.errors import InputError


class NotAResultsFolder(InputError):
    """The folder holds no defsim results this version can read."""


class TamperedFolder(NotAResultsFolder):
    """A results folder whose files are not as defsim wrote them: the message says which and how."""


#: longest text of a number defsim writes (repr of a float, a count): anything longer is refused
MAX_NUMBER_TEXT = 32
#: the largest magnitude of an integer read back (a count of rounds, threats or days)
MAX_INT = 2**53


def tampered(path: Path, what: str) -> TamperedFolder:
    return TamperedFolder(f"{path}: {what}; this results folder was changed or cut short, run it again")


# --- files ----------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """A file's text (UTF-8); an OS error or bytes that are not text are one refusal."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise tampered(path, "missing") from None
    except UnicodeDecodeError as exc:
        raise tampered(path, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise TamperedFolder(f"{path}: cannot read it: {exc.strerror or exc}") from None


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_TEXT:
        raise ValueError(f"a number {len(text)} digits long")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_TEXT:
        raise ValueError(f"a number {len(text)} characters long")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not strict JSON (defsim writes null for a figure that does not exist)")


def read_json(path: Path) -> Any:
    """Strict JSON with bounded, finite numbers."""
    text = read_text(path)
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise tampered(path, f"not valid JSON at line {exc.lineno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise tampered(path, f"not valid JSON: {exc or 'nested too deep'}") from None


# --- the shape of a summary -----------------------------------------------------------------


class Shape:
    """A JSON value's expected shape: ``check`` raises ValueError naming the key path."""

    def check(self, value: Any, where: str) -> None:
        raise NotImplementedError


class Scalar(Shape):
    def __init__(self, name: str, test: Callable[[Any], bool]):
        self.name, self.test = name, test

    def check(self, value: Any, where: str) -> None:
        if not self.test(value):
            raise ValueError(f"{where or 'the file'} should be {self.name}, not {_show(value)}")


class Opt(Shape):
    def __init__(self, inner: Shape):
        self.inner = inner

    def check(self, value: Any, where: str) -> None:
        if value is not None:
            self.inner.check(value, where)


class Map(Shape):
    """An object with any keys (names), each of one shape."""

    def __init__(self, inner: Shape):
        self.inner = inner

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"{where or 'the file'} should be an object, not {_show(value)}")
        for k, v in value.items():
            self.inner.check(v, f"{where}.{k}" if where else k)


class Obj(Shape):
    """An object with these keys (one written ``_key`` may be missing); other keys are allowed."""

    def __init__(self, **keys: Shape):
        self.keys = keys

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"{where or 'the file'} should be an object, not {_show(value)}")
        for key, shape in self.keys.items():
            name = key.lstrip("_")
            at = f"{where}.{name}" if where else name
            if name not in value:
                if key.startswith("_"):
                    continue
                raise ValueError(f"{at} is missing")
            shape.check(value[name], at)


class List(Shape):
    def __init__(self, inner: Shape):
        self.inner = inner

    def check(self, value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise ValueError(f"{where or 'the file'} should be a list, not {_show(value)}")
        for k, v in enumerate(value):
            self.inner.check(v, f"{where}[{k}]")


class Either(Shape):
    """One shape or the other, chosen by a test of the value."""

    def __init__(self, choose: Callable[[Any], bool], yes: Shape, no: Shape):
        self.choose, self.yes, self.no = choose, yes, no

    def check(self, value: Any, where: str) -> None:
        (self.yes if self.choose(value) else self.no).check(value, where)


def _show(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _is_date(x: Any) -> bool:
    import datetime as dt

    if not isinstance(x, str) or len(x) > 40:
        return False
    try:
        dt.datetime.fromisoformat(x)
    except ValueError:
        return False
    return True


NUM = Scalar("a number", _is_num)
COUNT = Scalar("a whole number", lambda x: _is_num(x) and abs(x) <= MAX_INT and float(x).is_integer())
STR = Scalar("text", lambda x: isinstance(x, str))
DATE = Scalar("a date (YYYY-MM-DD)", _is_date)
DURATION = Scalar("a positive number of days", lambda x: _is_num(x) and 0 < x <= 1e7)

_STOCK = {"final_stock": COUNT, "first_stockout_day": Opt(NUM), "days_empty": NUM}
_SITE = Obj(shots=COUNT, **_STOCK, by_interceptor=Map(Obj(shots=COUNT, **_STOCK)))
_STOCKPILE = Obj(kind=STR, **_STOCK, by_interceptor=Map(Obj(**_STOCK)))
_TOTALS = Obj(arrived=COUNT, killed=COUNT, leaked=COUNT, leaked_by_reason=Map(COUNT))
_THREAT = Obj(arrived=COUNT, killed=COUNT, leaked=COUNT, leaked_by_reason=Obj(no_stock=COUNT))
_ROUTE = Obj(to=STR, interceptor=STR, shipped=COUNT, lost=COUNT)
_ANSWERS = Opt(Obj(_lines=List(STR)))
_HEAD = {"scenario": STR, "seed": COUNT, "duration_days": DURATION, "start": Opt(DATE), "_answers": _ANSWERS}

#: summary.json of a single run: what the answers, plots and report read from it
RUN = Obj(
    **_HEAD,
    totals=_TOTALS,
    threats=Map(_THREAT),
    sites=Map(_SITE),
    stockpiles_and_producers=Map(_STOCKPILE),
    _routes=Map(_ROUTE),
    cost=Obj(interceptor_cost_spent=NUM, threat_cost_defeated=NUM, cost_exchange_ratio=Opt(NUM)),
    _damage=Opt(Obj(_by_threat=Opt(Map(Opt(NUM))))),
    _assets=Opt(Map(Obj(_damage=Opt(NUM)))),
)

_TIME_STATS = Obj(p_happened=NUM, median=Opt(NUM), p5=Opt(NUM), p95=Opt(NUM))
_VALUE_STATS = Obj(mean=Opt(NUM), median=Opt(NUM), p5=Opt(NUM), p95=Opt(NUM), _ci95=Opt(List(Opt(NUM))))

#: summary.json of an ensemble
ENSEMBLE = Obj(
    **_HEAD,
    _label=Opt(STR),
    figures=Map(Opt(Either(lambda v: isinstance(v, dict) and "p_happened" in v, _TIME_STATS, _VALUE_STATS))),
)

_ROW = Obj(
    variant=STR,
    figure=STR,
    mean=Opt(NUM),
    median=Opt(NUM),
    ci95_low=Opt(NUM),
    ci95_high=Opt(NUM),
    _diff_vs_first=Opt(NUM),
    _diff_ci95_low=Opt(NUM),
    _diff_ci95_high=Opt(NUM),
)
#: compare.json of a sweep or a comparison
COMPARISON = Obj(variants=List(STR), table=List(_ROW))
_RULE = Obj(interceptor=STR, below=NUM, _shots=Opt(COUNT), _engage=Opt(List(STR)))
#: scenario.json: the keys a folder is read by (the schema checks the rest when a plan is built)
SCENARIO = Obj(
    name=STR,
    seed=COUNT,
    provenance=STR,
    _description=Opt(STR),
    _question=Opt(STR),
    _currency=STR,
    _sites=Map(Obj(_rationing=Opt(List(_RULE)))),
)


def check(path: Path, data: Any, shape: Shape) -> Any:
    """``data`` (read from ``path``) if it has ``shape``; else a :class:`TamperedFolder`."""
    try:
        shape.check(data, "")
    except ValueError as exc:
        raise tampered(path, str(exc)) from None
    except RecursionError:
        raise tampered(path, "nested too deep") from None
    _consistent(path, data, shape)
    return data


def _consistent(path: Path, data: dict[str, Any], shape: Shape) -> None:
    """What the shapes cannot say: a day-figure has the statistics of a time; a paired difference
    has its interval."""
    if shape is ENSEMBLE:
        for key, st in data["figures"].items():
            if st is None:
                continue
            if key.endswith("_day") and "p_happened" not in st:
                raise tampered(path, f"figures.{key} should hold p_happened (it is a day)")
            ci = st.get("ci95")
            if ci is not None and len(ci) != 2:
                raise tampered(path, f"figures.{key}.ci95 should hold two numbers")
    if shape is COMPARISON:
        for k, row in enumerate(data["table"]):
            if row.get("diff_vs_first") is not None and not (
                _is_num(row.get("diff_ci95_low")) and _is_num(row.get("diff_ci95_high"))
            ):
                raise tampered(path, f"table[{k}] has a difference without its interval")


# --- CSV ------------------------------------------------------------------------------------


class Table:
    """A CSV file read row by row, each row checked to have the header's length."""

    def __init__(self, path: Path, required: tuple[str, ...]):
        self.path = path
        self.required = required

    def _open(self) -> Any:
        return self.path.open(newline="", encoding="utf-8")

    def rows(self) -> Iterator[tuple[int, dict[str, int], list[str]]]:
        """(line, column index, row) of every row; refuses a missing column or a ragged row."""
        try:
            f = self._open()
        except FileNotFoundError:
            raise tampered(self.path, "missing") from None
        except OSError as exc:
            raise TamperedFolder(f"{self.path}: cannot read it: {exc.strerror or exc}") from None
        with f:
            reader = csv.reader(f)
            try:
                head = next(reader, None)
                if head is None:
                    raise tampered(self.path, "empty (no header row)")
                col = {c: k for k, c in enumerate(head)}
                missing = [c for c in self.required if c not in col]
                if missing:
                    raise tampered(self.path, f"no column {', '.join(missing)} in its header")
                for row in reader:
                    if len(row) != len(head):
                        raise tampered(
                            self.path,
                            f"line {reader.line_num} has {len(row)} fields where the header has {len(head)}",
                        )
                    yield reader.line_num, col, row
            except UnicodeDecodeError as exc:
                raise tampered(self.path, f"not UTF-8 text (byte {exc.start})") from None
            except csv.Error as exc:
                raise tampered(self.path, f"line {reader.line_num}: {exc}") from None

    def header(self) -> list[str]:
        try:
            with self._open() as f:
                head = next(csv.reader(f), None)
        except FileNotFoundError:
            raise tampered(self.path, "missing") from None
        except UnicodeDecodeError as exc:
            raise tampered(self.path, f"not UTF-8 text (byte {exc.start})") from None
        except csv.Error as exc:
            raise tampered(self.path, f"line 1: {exc}") from None
        except OSError as exc:
            raise TamperedFolder(f"{self.path}: cannot read it: {exc.strerror or exc}") from None
        if head is None:
            raise tampered(self.path, "empty (no header row)")
        return head


def number(path: Path, line: int, name: str, text: str, empty: float | None = None) -> float:
    """A cell that holds a finite number (``empty`` stands for an empty cell, if allowed)."""
    if not text and empty is not None:
        return empty
    try:
        return _parse_float(text)
    except ValueError:
        shown = text if len(text) <= 20 else text[:17] + "..."
        raise tampered(path, f"line {line}: {name} should be a number, not {shown!r}") from None


#: a row of numbers as defsim writes them (no NaN or inf text, none longer than MAX_NUMBER_TEXT)
_CELL = f"[-+0-9.eE]{{0,{MAX_NUMBER_TEXT}}}"
_NUMBER_ROW = re.compile(f"{_CELL}(?:,{_CELL})*")


def numbers(path: Path, line: int, cells: list[str]) -> None:
    """Cells that are each a number or empty (a figure that does not exist).  A row of the
    characters of numbers passes at once (a cell that is still not one, or overflows to
    infinity, is refused when its figure is read); any other row gets its cell's message."""
    if _NUMBER_ROW.fullmatch(",".join(cells)):
        return
    for x in cells:
        number(path, line, "a figure", x, math.nan)


def count(path: Path, line: int, name: str, text: str, empty: int | None = None) -> int:
    """A cell that holds a whole number of at most :data:`MAX_INT`."""
    if not text and empty is not None:
        return empty
    value = number(path, line, name, text)
    if not value.is_integer() or abs(value) > MAX_INT:
        raise tampered(path, f"line {line}: {name} should be a whole number, not {text[:20]!r}")
    return int(value)
