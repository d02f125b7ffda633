"""Putting a finished results folder in place of what stood at its path, all or nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..interrupt import held


def put_in_place(tmp: Path, target: Path, aside: Path) -> None:
    """Rename the folder ``tmp`` to ``target``.

    A folder already at ``target`` (``--force``) is first renamed to ``aside`` and removed once
    the new one is in place.  If anything stops the swap half-way (an interrupt between the two
    renames), the old folder is put back rather than left hidden at ``aside``; an interrupt
    while it is being removed lets the removal finish first.
    """
    if not target.exists():
        os.replace(tmp, target)
        return
    os.replace(target, aside)
    try:
        os.replace(tmp, target)
    except BaseException:
        if not os.path.lexists(target):
            os.replace(aside, target)
        raise
    try:
        shutil.rmtree(aside, ignore_errors=True)
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        raise


def remove_whole(folder: Path | None) -> None:
    """Remove a temporary folder whole: an interrupt waits until it is gone."""
    if folder is not None:
        with held():
            shutil.rmtree(folder, ignore_errors=True)
