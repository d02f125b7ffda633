"""Writing results safely: whole folders atomically, CSV through the stdlib, strict JSON.

A results folder is written into a hidden temporary folder beside the target and renamed into
place at the end, so all its files appear together or none do; whatever goes wrong on the way
(a full disk, a permission, an interrupt) removes the temporary folder.  Every results folder
holds a marker file, and ``force`` replaces only a folder that holds one: defsim never deletes
what it did not write.  The working folder, its parents, the home folder and any folder holding
an input scenario are never targets.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are written with a leading apostrophe; JSON is strict (no NaN or
Infinity: a figure that does not exist is ``null``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

#: the file that marks a folder as defsim's results (and so replaceable with --force)
MARKER = ".defsim-results"
MARKER_TEXT = "This folder was written by defsim; `--force` may replace it.\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class OutputError(Exception):
    """Results cannot be written where asked: the message says why and what to do."""


class OutputRefused(OutputError):
    """The target may not be written (the user's choice of --out, not the disk)."""


class OutputExistsError(OutputRefused):
    """The target exists and may not be replaced."""


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_target(target: str | Path, force: bool = False, protect: Iterable[str | Path] = ()) -> Path:
    """Refuse a target that must not be written; return it resolved.  Raises :class:`OutputError`."""
    target = Path(target)
    try:
        return _check_target(target, force, protect)
    except OSError as exc:  # e.g. a name too long to look up
        raise OutputError(_os_message(target, exc)) from None


def _check_target(target: Path, force: bool, protect: Iterable[str | Path]) -> Path:
    resolved = target.resolve()
    cwd = Path.cwd().resolve()
    if _is_within(cwd, resolved):
        raise OutputRefused(
            f"refusing to write results to {target}: it is the working folder or one of its parents"
        )
    if resolved == Path.home().resolve():
        raise OutputRefused(f"refusing to write results to {target}: it is the home folder")
    for p in protect:
        q = Path(p)
        if q.exists() and _is_within(q.resolve(), resolved):
            raise OutputRefused(f"refusing to write results to {target}: it holds the input {p}")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputExistsError(f"{target} exists and is not a folder; choose another --out")
    if target.exists() and any(target.iterdir()):
        if not force:
            raise OutputExistsError(
                f"{target} already exists and is not empty; "
                "choose another --out or pass --force to replace it"
            )
        if not (target / MARKER).is_file():
            raise OutputExistsError(
                f"refusing to replace {target}: it was not written by defsim (no {MARKER} in it); "
                "choose another --out"
            )
    return resolved


def _os_message(target: Path, exc: OSError) -> str:
    why = exc.strerror or str(exc)
    return f"cannot write results to {target}: {why}" + (f" ({exc.filename})" if exc.filename else "")


@contextlib.contextmanager
def result_folder(
    target: str | Path, force: bool = False, protect: Iterable[str | Path] = ()
) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes ``target`` (see the module docstring)."""
    target = Path(target)
    check_target(target, force, protect)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise OutputError(_os_message(target, exc)) from None
    try:
        (tmp / MARKER).write_text(MARKER_TEXT)
        yield tmp
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        os.chmod(target, 0o755)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(_os_message(target, exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def csv_text(value: object) -> str:
    """A text CSV field: empty for None; text that would run as a spreadsheet formula is neutralised."""
    if value is None:
        return ""
    s = str(value)
    if isinstance(value, str) and s.startswith(FORMULA_START):
        return "'" + s
    return s


def csv_number(value: float) -> str:
    """A float in full precision; empty for NaN or infinity (e.g. "never")."""
    return repr(value) if math.isfinite(value) else ""


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """Rows of already formatted fields (header included), quoted by the stdlib ``csv`` module."""
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow([csv_text(h) for h in header])
        out.writerows(rows)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def write_json(path: Path, data: Any) -> None:
    """Strict JSON (RFC 8259): a non-finite number is written as null."""
    path.write_text(json.dumps(_finite(data), indent=2, allow_nan=False) + "\n", encoding="utf-8")


def atomic_write_text(path: Path, text: str) -> None:
    """Write one file atomically: a reader sees the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(_os_message(path, exc)) from None
