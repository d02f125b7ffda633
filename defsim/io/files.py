"""Writing result folders atomically: all files appear together or none do.

Files are written into a hidden temporary folder beside the target and renamed into place
at the end; an existing non-empty folder is replaced only when the caller asks (``force``).
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


class OutputExistsError(Exception):
    pass


@contextlib.contextmanager
def result_folder(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes ``target``."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not force:
        raise OutputExistsError(
            f"{target} already exists and is not empty; choose another --out or pass --force to replace it"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    os.chmod(target, 0o755)


def csv_text(value: object) -> str:
    """A CSV field: empty for None, quoted when it holds a comma, quote or newline."""
    s = "" if value is None else str(value)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def csv_number(value: float) -> str:
    """A float in full precision; empty for NaN or infinity (e.g. "never")."""
    return repr(value) if math.isfinite(value) else ""


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    """Rows of already formatted fields, one line each."""
    lines = [",".join(header)]
    lines.extend(",".join(row) for row in rows)
    path.write_text("\n".join(lines) + "\n")
