"""Writing results safely: one layer every file defsim writes goes through.

A single file is written atomically (:func:`write_output`): into a temporary file in the same
folder, flushed to the disk, then renamed over the target, so a reader sees the old file or the
whole new one, and a full disk leaves the old file (or none), never a part.  The target is never
followed if it is a symbolic link: such a target, or one that is a folder or a device, is refused.

A results folder is written into a hidden temporary folder beside the target and renamed into
place at the end (:func:`result_folder`), so all its files appear together or none do; whatever
goes wrong on the way (a full disk, a permission, an interrupt) removes the temporary folder.

Every results folder holds a marker file, ``.defsim-results``, that lists the files defsim wrote
in it (its manifest).  defsim replaces only what it lists: ``defsim plot`` and ``defsim report``
refuse to replace a file a user put in the folder (and add what they write to the list), and
``--force`` replaces a folder only when it holds a marker and nothing the marker does not list:
a folder with a user's file in it is refused, with the file named, and left as it was.  A marker
written before it listed files (no list) stands for the file names defsim writes.  The working
folder, its parents, the home folder and any folder holding an input (a scenario file or a
results folder read) are never targets, nor is a folder inside an input folder.

Every error of the operating system (permission, read-only or full disk, a name too long) is an
:class:`OutputError` naming the path and the cause; a target that may not be written (the
user's choice, not the disk) is an :class:`OutputRefused`.

CSV cells and strict JSON are :mod:`.formats`'.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..interrupt import held
from .swap import put_in_place, remove_whole

#: the file that marks a folder as defsim's results and lists the files defsim wrote in it
MARKER = ".defsim-results"
MARKER_TEXT = (
    "This folder was written by defsim. `--force` may replace it when it holds nothing but the\n"
    "files listed below; `defsim plot` and `defsim report` replace only these (one per line).\n"
)
#: the end of the name of a temporary file defsim is writing (its own, wherever it is found)
TMP_SUFFIX = ".defsim-tmp"
#: what a marker without a list (written by an earlier defsim) stands for: the names defsim writes
#: the plots defsim draws into a results folder
_PLOT = re.compile(
    r"(stock|supply|threats|deliveries|fan|p_dry|stock_compare|p_dry_compare|p_empty_compare"
    r"|diff_compare)\.(png|svg|pdf)"
)
_LEGACY = re.compile(
    r"(variants/[^/]+/)?(summary\.json|stock\.csv|events\.csv|markers\.csv|scenario\.yaml|answers\.txt"
    r"|reps\.csv|bands\.csv|p_dry\.csv)"
    r"|compare\.csv|compare\.json|report\.html|" + _PLOT.pattern
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class Target:
    """Where and how a results folder is written: what every result's ``save`` is asked."""

    folder: Path
    force: bool = False
    plot: bool = True
    fmt: str = "png"
    report: bool = False
    command: str = ""


class OutputError(Exception):
    """Results cannot be written where asked: the message says why and what to do."""

    #: the operating system's words for what went wrong ("No space left on device"), if it was the OS
    cause: str = ""


class OutputRefused(OutputError):
    """The target may not be written (the user's choice of --out, not the disk)."""


class OutputExistsError(OutputRefused):
    """The target exists and may not be replaced."""


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _os_error(target: Path, exc: OSError, what: str = "results to ") -> OutputError:
    why = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(target) else ""
    out = OutputError(f"cannot write {what}{target}: {why}{where}")
    out.cause = why
    return out


# -- the manifest ----------------------------------------------------------------------------


def read_nofollow(path: Path, limit: int = 1 << 20) -> bytes | None:
    """The first ``limit`` bytes of a regular file, or None when it is missing, a link or unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def manifest(folder: Path) -> set[str] | None:
    """The files (paths relative to ``folder``, with ``/``) its marker lists; None when the folder
    holds no marker; a marker without a list (an earlier defsim's) gives an empty set."""
    data = read_nofollow(folder / MARKER)
    if data is None:
        return None
    text = data.decode("utf-8", errors="replace")
    _, sep, names = text.partition("\n\n")
    return {n for n in names.splitlines() if n} if sep else set()


def _legacy(folder: Path) -> bool:
    data = read_nofollow(folder / MARKER)
    return data is not None and b"\n\n" not in data


def owned(folder: Path, name: str) -> bool:
    """Whether defsim wrote ``folder/name`` (as far as the folder's marker says)."""
    listed = manifest(folder)
    if listed is None:
        return False
    return name in listed or (_legacy(folder) and _LEGACY.fullmatch(name) is not None)


def _marker_text(names: Iterable[str]) -> str:
    return MARKER_TEXT + "\n" + "".join(f"{n}\n" for n in sorted(set(names)))


def _record(folder: Path, name: str) -> None:
    """Add ``name`` to the folder's manifest (before it is written: a failed write then leaves a
    listed name with no file, which is harmless, never a file of defsim's that is not listed)."""
    listed = manifest(folder)
    if listed is None or name in listed or "\n" in name:
        return
    if _legacy(folder):
        listed = {n for n in _files(folder) if _LEGACY.fullmatch(n)}
    _write_file(folder / MARKER, _marker_text({*listed, name}).encode("utf-8"), True)


def _files(folder: Path) -> list[str]:
    """Every entry of ``folder`` but its folders and the marker, relative, links not followed."""
    out: list[str] = []
    for root, dirs, names in os.walk(folder):
        rel = Path(root).relative_to(folder)
        out.extend((rel / n).as_posix() for n in names)
        # a link to a folder is listed as an entry of its own (never walked into)
        out.extend((rel / d).as_posix() for d in dirs if (Path(root) / d).is_symlink())
    return [n for n in out if n != MARKER]


def unmarked_plots(folder: Path) -> None:
    """Refuse to redraw in a folder without a marker that holds plots already: defsim cannot
    tell its own from a user's there (a folder with a marker says which are its own)."""
    if manifest(folder) is not None:
        return
    plots = [n for n in _files(folder) if _PLOT.fullmatch(n)]
    if plots:
        raise OutputRefused(
            f"refusing to redraw in {folder}: it has no {MARKER} to say that defsim wrote "
            f"{', '.join(sorted(plots)[:3])}; move them away and run again"
        )


def foreign_files(folder: Path) -> list[str]:
    """Files in a results folder that defsim did not write (all of them when it holds no marker)."""
    listed = manifest(folder)
    legacy = _legacy(folder)
    out = []
    for name in _files(folder):
        if name.endswith(TMP_SUFFIX):
            continue  # one of defsim's own, left by a write that was killed
        if listed is not None and (name in listed or (legacy and _LEGACY.fullmatch(name))):
            continue
        out.append(name)
    return sorted(out)


# -- one file --------------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_file(path: Path, data: bytes | Callable[[IO[bytes]], None], replace: bool) -> None:
    """The atomic write itself (the checks are :func:`write_output`'s); raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 would hide the results from others
        if not replace and os.path.lexists(path):
            raise FileExistsError(17, "it exists", str(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # the rename itself on the disk (not on Windows)
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_output(
    path: str | Path,
    data: bytes | str | Callable[[IO[bytes]], None],
    replace: bool | Callable[[Path], bool] = True,
    refused: str = "",
) -> Path:
    """Write one file atomically, never through a link; the path.

    ``data`` is the bytes (text is UTF-8) or a function writing them to a binary file.  An
    existing target is replaced only when ``replace`` allows it (True, or a function of the path
    that says whether this file may be replaced; ``refused`` is then the advice of the message)
    and, inside a results folder, only when its marker lists it.  Raises :class:`OutputRefused`
    or :class:`OutputError` (the disk), with the path and the cause.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        if path.name in ("", ".", ".."):
            raise OutputRefused(f"refusing to write {path}: it names a folder, not a file")
        try:
            st: os.stat_result | None = os.lstat(path)
        except FileNotFoundError:
            st = None
        if st is not None:
            if stat.S_ISLNK(st.st_mode):
                raise OutputRefused(
                    f"refusing to write {path}: it is a symbolic link (defsim never writes through one)"
                )
            if stat.S_ISDIR(st.st_mode):
                raise OutputRefused(f"refusing to write {path}: it is a folder")
            if not stat.S_ISREG(st.st_mode):
                raise OutputRefused(f"refusing to write {path}: it is not a regular file")
        folder = path.parent
        results = manifest(folder) is not None
        if st is not None:
            if results and not owned(folder, path.name):
                raise OutputExistsError(
                    f"refusing to replace {path}: defsim did not write it (its results folder's "
                    f"{MARKER} does not list it); move it away and run again"
                )
            if replace is False or (callable(replace) and not replace(path)):
                raise OutputExistsError(f"refusing to replace {path}: {refused or 'it exists'}")
        if results:
            _record(folder, path.name)
        _write_file(path, data, True)
    except OSError as exc:
        raise _os_error(path, exc, "") from None
    return path


def copy_output(source: Path, path: Path) -> Path:
    """Copy a file (read in blocks, however big) through :func:`write_output`."""

    def copy(f: IO[bytes]) -> None:
        with source.open("rb") as src:
            shutil.copyfileobj(src, f)

    return write_output(path, copy)


# -- results folders ---------------------------------------------------------------------------


def check_target(target: str | Path, force: bool = False, protect: Iterable[str | Path] = ()) -> Path:
    """Refuse a target that must not be written; return it resolved.  Raises :class:`OutputError`."""
    target = Path(target)
    try:
        return _check_target(target, force, protect)
    except OSError as exc:  # e.g. a name too long to look up
        raise _os_error(target, exc) from None


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
            what = "is" if q.resolve() == resolved else "holds"
            raise OutputRefused(f"refusing to write results to {target}: it {what} the input {p}")
        if q.is_dir() and _is_within(resolved, q.resolve()):
            raise OutputRefused(f"refusing to write results to {target}: it is inside the input {p}")
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputExistsError(f"{target} exists and is not a folder; choose another --out")
    if target.exists() and any(target.iterdir()):
        if not force:
            raise OutputExistsError(
                f"{target} already exists and is not empty; "
                "choose another --out or pass --force to replace it"
            )
        if manifest(target) is None:
            raise OutputExistsError(
                f"refusing to replace {target}: it was not written by defsim (no {MARKER} in it); "
                "choose another --out"
            )
        theirs = foreign_files(target)
        if theirs:
            shown = ", ".join(theirs[:5]) + (f" and {len(theirs) - 5} more" if len(theirs) > 5 else "")
            raise OutputExistsError(
                f"refusing to replace {target}: it holds files defsim did not write ({shown}); "
                "move them away or choose another --out"
            )
    return resolved


@contextlib.contextmanager
def result_folder(
    target: str | Path, force: bool = False, protect: Iterable[str | Path] = ()
) -> Iterator[Path]:
    """Yield a temporary folder; on success it becomes ``target`` (see the module docstring)."""
    target = Path(target)
    check_target(target, force, protect)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(target, exc) from None
    tmp: Path | None = None
    try:
        with held():  # made and named in one step: an interrupt between would leave it behind
            tmp = Path(tempfile.mkdtemp(prefix=f".{target.name[:40]}.", suffix=TMP_SUFFIX, dir=target.parent))
        yield tmp
        # everything in the temporary folder is defsim's: the manifest lists it all
        _write_file(tmp / MARKER, _marker_text(_files(tmp)).encode("utf-8"), True)
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's 0700 would hide the results from others
        if target.exists():
            check_target(target, force, protect)  # again: a file may have been added meanwhile
        with held():
            put_in_place(tmp, target, target.with_name(f".{target.name[:40]}.old-{os.getpid()}{TMP_SUFFIX}"))
    except OSError as exc:
        remove_whole(tmp)
        raise _os_error(target, exc) from None
    except OutputError as exc:
        remove_whole(tmp)
        if exc.cause:  # a file of the temporary folder: name the folder the user asked for
            out = OutputError(f"cannot write results to {target}: {exc.cause}")
            out.cause = exc.cause
            raise out from None
        raise
    except BaseException:
        remove_whole(tmp)
        raise


def atomic_write_text(
    path: Path, text: str, replace: bool | Callable[[Path], bool] = True, refused: str = ""
) -> None:
    """Write one text file atomically (see :func:`write_output`); its folder is made if missing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_error(path, exc, "") from None
    write_output(path, text, replace, refused)
