"""Every writer goes through one layer (defsim/io/files.py): atomic, never through a link, never
over a file defsim did not write, never onto one of its inputs; an OS error is one line naming
the path and the cause (exit 1), a refusal one line (exit 2).  Each case was found by a red team."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from defsim.cli import main
from defsim.io.files import MARKER, TMP_SUFFIX

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "defsim" / "scenarios" / "textbook.yaml"


def cli(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line(r, status: int) -> str:
    """The command failed with ``status`` and one clear line, no traceback or internal error."""
    assert r.exit_code == status, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output, r.output
    assert r.output.strip().startswith("error: ") and len(r.output.strip().splitlines()) == 1, r.output
    return r.output


def no_temporaries(folder: Path) -> None:
    left = [p for p in folder.rglob("*") if p.name.endswith((TMP_SUFFIX, ".tmp"))]
    assert not left, left


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("made")
    run, a, b = base / "run", base / "a", base / "b"
    assert cli("run", TEXTBOOK, "--out", run, "-q").exit_code == 0
    for out in (a, b):
        assert (
            cli("run", TEXTBOOK, "--reps", "4", "--workers", "1", "--out", out, "-q", "--no-plot").exit_code
            == 0
        )
    return {"run": run, "a": a, "b": b}


@pytest.fixture
def run(made, tmp_path) -> Path:
    """A fresh copy of a single run's folder (plots drawn)."""
    out = tmp_path / "run"
    shutil.copytree(made["run"], out, symlinks=True)
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# --- report -o -------------------------------------------------------------------------------


def test_report_never_replaces_the_scenario_or_a_file_it_reads(run, tmp_path):
    scenario = tmp_path / "mine.yaml"
    scenario.write_text(TEXTBOOK.read_text())
    for target in (scenario, run / "summary.json", run / "scenario.yaml", run / "stock.png"):
        before = target.read_bytes()
        out = one_line(cli("report", run, "-o", target), 2)
        assert "not a report defsim wrote" in out and str(target) in out
        assert target.read_bytes() == before
    # a report it wrote, it may write again
    page = tmp_path / "page.html"
    assert cli("report", run, "-o", page).exit_code == 0
    assert cli("report", run, "-o", page).exit_code == 0 and page.read_text().startswith("<!DOCTYPE html>")
    no_temporaries(tmp_path)


# --- plot: links, user files, atomic -----------------------------------------------------------


def test_plot_never_writes_through_a_link_planted_in_the_folder(run, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (run / "stock.png").unlink()
    (run / "stock.png").symlink_to(victim)
    out = one_line(cli("plot", run), 2)
    assert "symbolic link" in out and "stock.png" in out
    assert victim.read_text() == "precious" and (run / "stock.png").is_symlink()


def test_plot_never_replaces_a_file_a_user_put_in_the_folder(run):
    (run / "stock.svg").write_text("my own drawing")
    out = one_line(cli("plot", run, "--format", "svg"), 2)
    assert "defsim did not write it" in out and "stock.svg" in out
    assert (run / "stock.svg").read_text() == "my own drawing"
    (run / "stock.svg").unlink()
    assert cli("plot", run, "--format", "svg").exit_code == 0  # then it draws, and may again
    assert cli("plot", run, "--format", "svg").exit_code == 0
    assert "stock.svg" in (run / MARKER).read_text().splitlines()


def test_a_folder_where_a_figure_goes_is_refused(run):
    (run / "stock.svg").mkdir()
    out = one_line(cli("plot", run, "--format", "svg"), 2)
    assert "stock.svg" in out and "is a folder" in out


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.EPERM, errno.EACCES])
def test_a_disk_that_fails_while_plotting_leaves_the_old_figure_whole(run, monkeypatch, err):
    before = _snapshot(run)
    # figures are drawn in memory and then written: the disk fails once the bytes are out
    real_fsync = os.fsync

    def fsync(fd):
        if stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(err, os.strerror(err))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = one_line(cli("plot", run), 1)
    assert os.strerror(err) in out and "stock.png" in out  # the cause and the path
    assert _snapshot(run) == before  # stock.png whole, not 4 bytes
    no_temporaries(run)


# --- new ---------------------------------------------------------------------------------------


def test_new_name_too_long_and_an_unwritable_folder_are_one_line(tmp_cwd, monkeypatch):
    out = one_line(cli("new", "x" * 300 + ".yaml"), 1)
    assert "File name too long" in out
    Path("plain").write_text("a file")
    out = one_line(cli("new", Path("plain") / "sub" / "x.yaml"), 1)  # a folder in the way is a file
    assert "cannot write" in out and "plain" in out

    def read_only(*_a, **_k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "replace", read_only)
    out = one_line(cli("new", "mine.yaml"), 1)
    assert "Read-only file system" in out and "mine.yaml" in out
    assert not Path("mine.yaml").exists()
    no_temporaries(tmp_cwd)


def test_new_never_writes_through_a_link(tmp_cwd):
    victim = tmp_cwd / "victim.txt"
    victim.write_text("precious")
    Path("mine.yaml").symlink_to(victim)
    out = one_line(cli("new", "mine.yaml", "--force"), 2)
    assert "symbolic link" in out and victim.read_text() == "precious"


def test_new_with_an_empty_name_suggests_a_file_here(tmp_cwd):
    out = one_line(cli("new", ""), 2)
    assert "/my_scenario.yaml" not in out and "my_scenario.yaml" in out


# --- report: OS errors ---------------------------------------------------------------------------


def test_report_os_errors_are_one_line(run, tmp_path):
    plain = tmp_path / "a-file"
    plain.write_text("x")
    out = one_line(cli("report", run, "-o", plain / "report.html"), 1)
    assert "cannot write" in out and "a-file" in out
    out = one_line(cli("report", run, "-o", tmp_path / ("y" * 300 + ".html")), 1)
    assert "File name too long" in out
    no_temporaries(tmp_path)


# --- results folders: compare onto an input, --force with a user's file -------------------------


def test_compare_never_writes_onto_a_folder_it_compares(made, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(made["a"], a)
    shutil.copytree(made["b"], b)
    before = _snapshot(a)
    for out in (a, a / "inside"):
        msg = one_line(cli("compare", a, b, "--out", out, "--force", "-q", "--no-plot"), 2)
        assert "input" in msg and str(a) in msg
    assert _snapshot(a) == before and not (a / "inside").exists()
    no_temporaries(tmp_path)


def test_force_keeps_a_folder_holding_a_users_file(run):
    (run / "notes.txt").write_text("my notes")
    (run / "sub").mkdir()
    (run / "sub" / "more.txt").write_text("more")
    before = _snapshot(run)
    out = one_line(cli("run", TEXTBOOK, "--out", run, "--force", "-q", "--no-plot"), 2)
    assert "notes.txt" in out and "sub/more.txt" in out and "did not write" in out
    assert _snapshot(run) == before
    (run / "notes.txt").unlink()
    shutil.rmtree(run / "sub")
    assert cli("run", TEXTBOOK, "--out", run, "--force", "-q", "--no-plot").exit_code == 0


def test_compare_needs_two_inputs(made):
    for one in (made["a"], TEXTBOOK):
        out = one_line(cli("compare", one, "-q"), 2)
        assert "two or more" in out


def test_a_link_planted_in_a_folder_is_never_followed_by_force(run, tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep")
    (run / "linked").symlink_to(victim)
    out = one_line(cli("run", TEXTBOOK, "--out", run, "--force", "-q", "--no-plot"), 2)
    assert "linked" in out
    assert (victim / "keep.txt").read_text() == "keep"


def test_a_marker_without_a_list_stands_for_the_names_defsim_writes(run):
    # as an earlier defsim wrote it: the note alone
    (run / MARKER).write_text("This folder was written by defsim; `--force` may replace it.\n")
    assert cli("plot", run).exit_code == 0  # stock.png and the rest are names defsim writes
    assert "stock.png" in (run / MARKER).read_text().splitlines()  # now listed
    (run / "notes.txt").write_text("mine")
    out = one_line(cli("run", TEXTBOOK, "--out", run, "--force", "-q", "--no-plot"), 2)
    assert "notes.txt" in out and (run / "notes.txt").read_text() == "mine"


def test_plot_in_a_folder_without_a_marker_never_replaces_a_figure(run):
    (run / MARKER).unlink()
    before = _snapshot(run)
    out = one_line(cli("plot", run), 2)
    assert "stock.png" in out and MARKER in out
    assert _snapshot(run) == before
    for figure in run.glob("*.png"):
        figure.unlink()
    assert cli("plot", run).exit_code == 0 and (run / "stock.png").is_file()
