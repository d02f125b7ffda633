"""Outputs are safe: defsim never replaces what it did not write, OS errors leave nothing behind,
CSVs are quoted by the stdlib and defuse spreadsheet formulas, JSON is strict."""

from __future__ import annotations

import csv
import errno
import json
import os

import pytest
from click.testing import CliRunner

from defsim.cli import main
from tests.test_bad_input import BASE, _swap


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "inputs" / "scenario.yaml"
    path.parent.mkdir()
    path.write_text(BASE)
    return path


def _run(*args: str):
    return CliRunner().invoke(main, ["run", *args, "--no-plot", "--quiet"])


@pytest.mark.parametrize("where", [".", "..", "inputs"])
def test_working_folder_parents_and_the_inputs_folder_are_never_targets(tmp_cwd, scenario, where):
    os.chdir(scenario.parent.parent)
    r = _run(str(scenario), "--out", where, "--force")
    assert r.exit_code == 2, r.output
    assert "refusing to write results" in r.output
    assert scenario.read_text() == BASE  # the input is still there
    assert not [p for p in scenario.parent.parent.iterdir() if p.name.startswith(".")]


def test_a_file_in_the_way_is_a_clear_message(tmp_path, scenario):
    blocker = tmp_path / "taken"
    blocker.write_text("a file")
    r = _run(str(scenario), "--out", str(blocker))
    assert r.exit_code == 2, r.output
    assert ("is not a folder" in r.output or "is a file" in r.output) and "Traceback" not in r.output
    r = _run(str(scenario), "--out", str(blocker / "sub"))
    assert r.exit_code != 0 and "Traceback" not in r.output, r.output
    assert "cannot write results" in r.output or "not a folder" in r.output, r.output
    assert blocker.read_text() == "a file"


def test_a_folder_without_permission_is_a_clear_message(tmp_path, scenario, monkeypatch):
    # CI runs as root, which may write anywhere: the refusal is the operating system's, so stand in for it
    import defsim.io.files as files

    def denied(*_a, **_k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / "ro"))

    monkeypatch.setattr(files.tempfile, "mkdtemp", denied)
    r = _run(str(scenario), "--out", str(tmp_path / "ro" / "out"))
    assert r.exit_code == 1, r.output
    assert "cannot write results" in r.output and "Permission denied" in r.output, r.output


def test_a_name_too_long_is_a_clear_message(tmp_path, scenario):
    r = _run(str(scenario), "--out", str(tmp_path / ("x" * 300)))
    assert r.exit_code == 1, r.output
    assert "cannot write results" in r.output and "Traceback" not in r.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_full_disk_leaves_nothing_behind(tmp_path, scenario, monkeypatch):
    import defsim.io.save as save

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(save, "write_run_tables", full)
    r = _run(str(scenario), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1, r.output
    assert "No space left on device" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_interrupt_between_the_renames_of_force_puts_the_old_folder_back(tmp_path, scenario, monkeypatch):
    """--force renames the old folder aside, then the new one into place: stopped between the
    two, the user's old results are back where they were, nothing is left hidden."""
    import defsim.io.swap as swap

    out = tmp_path / "out"
    assert _run(str(scenario), "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.replace

    def interrupted(src, dst):
        if str(dst) == str(out) and ".old-" not in str(src):  # the new folder's rename
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(swap.os, "replace", interrupted)
    r = _run(str(scenario), "--out", str(out), "--force", "--seed", "9")
    assert r.exit_code == 130, r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


HOSTILE = _swap("  S:\n", "  'Kyiv, north':\n").replace("[S]", "['Kyiv, north']")
HOSTILE = HOSTILE.replace("  I:\n    pk: 0.7", "  '=HYPERLINK(\"http://x\")':\n    pk: 0.7")
HOSTILE = HOSTILE.replace("interceptors: [I]", "interceptors: ['=HYPERLINK(\"http://x\")']")
HOSTILE = HOSTILE.replace("stock: {I: 50}", "stock: {'=HYPERLINK(\"http://x\")': 50}")
HOSTILE = HOSTILE.replace("interceptor: I,", "interceptor: '=HYPERLINK(\"http://x\")',")
HOSTILE = HOSTILE.replace("to: S,", "to: 'Kyiv, north',")


def test_csv_quotes_every_name_and_defuses_formulas(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(HOSTILE)
    out = tmp_path / "ens"
    r = CliRunner().invoke(main, ["run", str(path), "--reps", "3", "--workers", "1", "--out", str(out), "-q"])
    assert r.exit_code == 0, r.output
    with (out / "reps.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert all(len(row) == len(header) for row in rows)  # a comma in a name shifts no column
    assert any("Kyiv, north" in h for h in header)
    for name in ("bands.csv", "p_dry.csv"):
        with (out / name).open(newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not any(c.startswith(("=", "+", "@")) for c in cells), name
        assert any(c.startswith("'=HYPERLINK") for c in cells) or name == "p_dry.csv"
    single = tmp_path / "one"
    assert (
        CliRunner().invoke(main, ["run", str(path), "--out", str(single), "-q", "--no-plot"]).exit_code == 0
    )
    for name in ("stock.csv", "events.csv"):
        with (single / name).open(newline="") as f:
            cells = [c for row in csv.reader(f) for c in row]
        assert not any(c.startswith(("=", "+", "@")) for c in cells), name


def _strict(text: str) -> object:
    def refuse(token: str) -> None:
        raise AssertionError(f"not strict JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict_even_when_a_figure_does_not_exist(tmp_path, scenario):
    out = tmp_path / "ens"
    # one replication: every standard error is undefined
    r = CliRunner().invoke(
        main, ["run", str(scenario), "--reps", "1", "--workers", "1", "--out", str(out), "-q"]
    )
    assert r.exit_code == 0, r.output
    summary = _strict((out / "summary.json").read_text())
    assert isinstance(summary, dict)
    one = tmp_path / "one"
    assert _run(str(scenario), "--out", str(one)).exit_code == 0
    _strict((one / "summary.json").read_text())


RED = '"Kyiv [/] \\e[31mred\\e[0m"'  # YAML's escape \e: a terminal colour sequence in the name
NAMES = _swap("  S:\n", f"  {RED}:\n").replace("[S]", f"[{RED}]")
NAMES = NAMES.replace("name: bad input test", "name: 'costs $4M ... $20k [bold]x[/bold]'")


def test_names_reach_the_terminal_literally_without_control_sequences(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text(NAMES.replace("to: S,", f"to: {RED},"))
    for args in (["--no-plot"], ["--reps", "3", "--workers", "1", "--no-plot"]):
        out = tmp_path / f"out{len(args)}"
        r = CliRunner().invoke(main, ["run", str(path), "--out", str(out), *args])
        assert r.exit_code == 0, r.output
        assert "\x1b" not in r.output
        assert "costs $4M ... $20k [bold]x[/bold]" in r.output  # markup shown, not applied
        assert (out / "summary.json").exists()


def test_a_bad_name_in_an_error_message_has_no_control_sequences(tmp_path):
    path = tmp_path / "names.yaml"
    path.write_text(NAMES.replace("    fire_channels: 2", '    "fire_chan\\e[2Jnels": 2'))
    r = CliRunner().invoke(main, ["validate", str(path)])
    assert r.exit_code == 2 and "\x1b" not in r.output, r.output


QUOTED = (
    BASE.replace("  S:\n", '  "\'=S":\n')
    .replace("targets: [S]", 'targets: ["\'=S"], label: "\'+night"')
    .replace("to: S,", 'to: "\'=S",')
)


def test_names_that_start_with_a_quote_read_back_as_written(tmp_path):
    """A leading quote is how a CSV field is kept from running as a formula; a name that starts
    with one itself ("'=S") was read back without it, so saving its folder failed as tampered,
    and a raid labelled "'+night" read back as "+night"."""
    import defsim
    from defsim.io.folder import read

    path = tmp_path / "quoted.yaml"
    path.write_text(QUOTED)
    result = defsim.run(defsim.load(str(path)), seed=1)
    result.save(tmp_path / "out", plot=False)
    folder, memory = read(tmp_path / "out"), result.view
    assert folder.holders() == memory.holders() and "'=S" in folder.holders()
    assert [m.label for m in folder.markers] == [m.label for m in memory.markers]
    assert any(m.label.startswith("'+night") for m in folder.markers), folder.markers


def test_an_interrupt_while_a_temporary_folder_is_removed_waits_until_it_is_gone(tmp_path, monkeypatch):
    """CI, once: a SIGTERM landed while a stopped save removed its temporary folder, and the
    hidden folder stayed behind, half removed.  Making, removing and swapping folders now hold
    Ctrl-C and SIGTERM until they are done, then act on them."""
    import signal

    import defsim
    import defsim.io.save as save
    import defsim.io.swap as swap

    def stopped(*_a, **_k):
        raise KeyboardInterrupt

    real = swap.shutil.rmtree

    def signalled(path, **kw):
        os.kill(os.getpid(), signal.SIGINT)  # lands at once, unless held
        for _ in range(1000):  # bytecodes for it to land on
            pass
        real(path, **kw)

    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    result = defsim.run(defsim.load(str(path)), seed=1)
    monkeypatch.setattr(save, "write_run_tables", stopped)
    monkeypatch.setattr(swap.shutil, "rmtree", signalled)
    with pytest.raises(KeyboardInterrupt):
        result.save(tmp_path / "out", plot=False)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_signal_held_is_acted_on_after_and_an_ignored_one_stays_ignored():
    import signal

    from defsim.interrupt import held

    with pytest.raises(KeyboardInterrupt), held():
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        done = True  # reached: the interrupt waited
    assert done
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with held():
            os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
    finally:
        signal.signal(signal.SIGINT, before)
