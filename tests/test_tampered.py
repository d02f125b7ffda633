"""A results folder is input too: truncated by a full disk, edited by hand, handed over by someone
else.  ``report``, ``plot`` and ``compare`` refuse a tampered folder with one message naming the
file and what is wrong (exit 2), or work if what is left is sound (exit 0); never an internal error.
The folder reader checks every file (defsim/io/folder_check.py), so the plots need not."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from defsim.cli import main
from defsim.io.folder import NotAResultsFolder, read

ROOT = Path(__file__).resolve().parents[1]
TEXTBOOK = ROOT / "defsim" / "scenarios" / "textbook.yaml"
HUGE = "9" * 5000
BAD_RULE = "\nsites: {Battery: {rationing: 7}}\n"  # a second sites: key, which YAML lets win

Tamper = Callable[[Path], None]


def _text(name: str, change: Callable[[str], str]) -> Tamper:
    def tamper(folder: Path) -> None:
        path = folder / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return tamper


def _bytes(name: str, data: bytes) -> Tamper:
    def tamper(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return tamper


def _json(name: str, change: Callable[[dict], object]) -> Tamper:
    def tamper(folder: Path) -> None:
        path = folder / name
        path.write_text(json.dumps(change(json.loads(path.read_text()))))

    return tamper


def _set(data: dict, key: str, value: object) -> dict:
    data[key] = value
    return data


def _first(data: dict, key: str) -> dict:
    """The first entry of the object under ``key``."""
    return next(iter(data[key].values()))


def _removed(name: str) -> Tamper:
    return lambda folder: (folder / name).unlink()


def _folder_instead(name: str) -> Tamper:
    def tamper(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()

    return tamper


def _cell(name: str, column: int, value: str, line: int = 2) -> Tamper:
    """Put ``value`` in one cell (``line`` 1 is the header)."""

    def change(text: str) -> str:
        lines = text.split("\n")
        cells = lines[line - 1].split(",")
        cells[column] = value
        lines[line - 1] = ",".join(cells)
        return "\n".join(lines)

    return _text(name, change)


def _csv_tampers(name: str, number_column: int) -> list[tuple[str, Tamper]]:
    """What happens to any CSV file: cut short, emptied, columns renamed or gone, rows ragged,
    numbers out of bounds or not numbers, bytes that are not text, the file gone."""
    return [
        (f"{name} cut mid-row", _text(name, lambda t: t[: len(t) // 2])),
        (f"{name} empty", _bytes(name, b"")),
        (f"{name} header only", _text(name, lambda t: t.split("\n")[0] + "\n")),
        (f"{name} a column renamed", _text(name, lambda t: t.replace(t.split(",")[0], "renamed", 1))),
        (
            f"{name} a column gone",
            _text(name, lambda t: "\n".join(",".join(r.split(",")[1:]) for r in t.split("\n"))),
        ),
        (f"{name} a ragged row", _text(name, lambda t: re.sub(r"\n", ",extra\n", t, count=2))),
        (f"{name} a 5000-digit number", _cell(name, number_column, HUGE)),
        (f"{name} nan in a number", _cell(name, number_column, "nan")),
        (f"{name} text in a number", _cell(name, number_column, "lots")),
        (f"{name} not UTF-8", _bytes(name, b"time_d,\xff\xfe\n1,\x80\n")),
        (f"{name} gone", _removed(name)),
        (f"{name} a folder", _folder_instead(name)),
    ]


def _summary_tampers(kind: str) -> list[tuple[str, Tamper]]:
    """What happens to summary.json: cut short, [] or null, numbers too long or not strict, keys
    gone or of the wrong type, nested without end."""
    s = "summary.json"
    cases: list[tuple[str, Tamper]] = [
        ("summary cut short", _text(s, lambda t: t[: len(t) // 2])),
        ("summary []", _bytes(s, b"[]")),
        ("summary null", _bytes(s, b"null")),
        ("summary {}", _bytes(s, b"{}")),
        ("summary empty", _bytes(s, b"")),
        ("summary a 5000-digit seed", _text(s, lambda t: re.sub(r'"seed": \d+', f'"seed": {HUGE}', t))),
        (
            "summary a 5000-digit float",
            _text(s, lambda t: t.replace('"duration_days": 40.0', f'"duration_days": {HUGE}.5')),
        ),
        ("summary NaN", _text(s, lambda t: t.replace('"duration_days": 40.0', '"duration_days": NaN'))),
        ("summary 1e999", _text(s, lambda t: t.replace('"duration_days": 40.0', '"duration_days": 1e999'))),
        ("summary seed as text", _json(s, lambda d: _set(d, "seed", "one"))),
        ("summary no scenario", _json(s, lambda d: {k: v for k, v in d.items() if k != "scenario"})),
        ("summary a bad start date", _json(s, lambda d: _set(d, "start", "the day after"))),
        ("summary nested without end", _bytes(s, b"[" * 100_000 + b"]" * 100_000)),
        ("summary not UTF-8", _bytes(s, b'{"scenario": "\xff"}')),
    ]
    if kind == "run":
        cases += [
            ("summary sites a list", _json(s, lambda d: _set(d, "sites", []))),
            (
                "summary a site without by_interceptor",
                _json(s, lambda d: _first(d, "sites").pop("by_interceptor") and d),
            ),
            ("summary a count as text", _json(s, lambda d: _set(d["totals"], "leaked", "many") and d)),
            ("summary cost null", _json(s, lambda d: _set(d, "cost", None))),
            ("summary a route as a number", _json(s, lambda d: _set(d, "routes", {"r": 3}))),
        ]
    else:
        cases += [
            ("summary figures a list", _json(s, lambda d: _set(d, "figures", []))),
            ("summary a figure without its mean", _json(s, lambda d: _first(d, "figures").pop("mean") and d)),
            (
                "summary a day figure without p_happened",
                _json(
                    s,
                    lambda d: (
                        [st.pop("p_happened") for k, st in d["figures"].items() if k.endswith("_day")] and d
                    ),
                ),
            ),
            (
                "summary a ci95 of one number",
                _json(s, lambda d: _set(_first(d, "figures"), "ci95", [1.0]) and d),
            ),
        ]
    return cases


#: scenario.json is what a folder is read by: checked as strictly as summary.json
SCENARIO_TAMPERS = [
    ("scenario.json not JSON", _bytes("scenario.json", b"{")),
    ("scenario.json NaN", _text("scenario.json", lambda t: t.replace('"seed": ', '"seed": NaN, "x": ', 1))),
    ("scenario.json not an object", _bytes("scenario.json", b"[]")),
    ("scenario.json currency a number", _json("scenario.json", lambda d: _set(d, "currency", 5))),
    ("scenario.json no name", _json("scenario.json", lambda d: d.pop("name") and d)),
    ("scenario.json another seed", _json("scenario.json", lambda d: _set(d, "seed", d["seed"] + 1))),
    ("scenario.json another name", _json("scenario.json", lambda d: _set(d, "name", "other"))),
    (
        "scenario.json a rule without below",
        _json("scenario.json", lambda d: _set(d, "sites", {"Battery": {"rationing": [{"shots": 1}]}})),
    ),
    ("scenario.json a folder", _folder_instead("scenario.json")),
    ("scenario.json gone", _removed("scenario.json")),
]

RUN_TAMPERS = [
    *_summary_tampers("run"),
    *_csv_tampers("stock.csv", 4),
    *_csv_tampers("events.csv", 0),
    ("stock.csv a level 2.5", _cell("stock.csv", 4, "2.5")),
    ("stock.csv an unknown kind", _cell("stock.csv", 2, "castle")),
    ("stock.csv time going back", _cell("stock.csv", 0, "-5", line=3)),
    ("stock.csv no series of a site", _text("stock.csv", lambda t: re.sub(r".*,site,.*\n", "", t))),
    ("events.csv n as text", _cell("events.csv", 6, "two", line=3)),
    ("markers.csv a ragged row", _text("markers.csv", lambda t: t + "1.0,raid\n")),
    ("markers.csv a size as text", _text("markers.csv", lambda t: t + "1.0,raid,big raid,huge\n")),
    ("markers.csv gone", _removed("markers.csv")),
    ("scenario.yaml not YAML", _bytes("scenario.yaml", b"[: : :")),
    ("scenario.yaml nested without end", _bytes("scenario.yaml", b"[" * 50_000)),
    ("scenario.yaml a bad rationing rule", _text("scenario.yaml", lambda t: t + BAD_RULE)),
    *SCENARIO_TAMPERS,
]  # fmt: skip

ENSEMBLE_TAMPERS = [
    *_summary_tampers("ensemble"),
    *_csv_tampers("bands.csv", 4),
    *_csv_tampers("reps.csv", 1),
    ("reps.csv no replications", _text("reps.csv", lambda t: t.split("\n")[0] + "\n")),
    ("reps.csv inf", _cell("reps.csv", 2, "inf", line=3)),
    ("reps.csv 1e999", _cell("reps.csv", 2, "1e999", line=3)),
    ("reps.csv 1.2.3", _cell("reps.csv", 2, "1.2.3", line=3)),
    ("bands.csv cut at a line's end", _text("bands.csv", lambda t: "\n".join(t.split("\n")[:-3]) + "\n")),
    ("bands.csv a day past the end", _cell("bands.csv", 0, "1e6", line=4)),
    ("bands.csv time going back", _cell("bands.csv", 0, "-1", line=4)),
    ("scenario.yaml gone", _removed("scenario.yaml")),
    *SCENARIO_TAMPERS,
]  # fmt: skip


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("made")
    out = {"run": base / "run", "ens": base / "ens", "other": base / "other"}
    r = CliRunner().invoke(main, ["run", str(TEXTBOOK), "--out", str(out["run"]), "-q", "--no-plot"])
    assert r.exit_code == 0, r.output
    for name in ("ens", "other"):
        args = [
            "run",
            str(TEXTBOOK),
            "--reps",
            "4",
            "--workers",
            "1",
            "--out",
            str(out[name]),
            "-q",
            "--no-plot",
        ]
        assert CliRunner().invoke(main, args).exit_code == 0
    return out


def _command(command: str, folder: Path, made: dict[str, Path], tmp: Path) -> list[str]:
    if command == "plot":
        return ["plot", str(folder), "--format", "svg", "--dpi", "20"]
    if command == "report":
        return ["report", str(folder), "-o", str(tmp / "page.html")]
    return ["compare", str(made["other"]), str(folder), "--out", str(tmp / "cmp"), "-q"]


def _outcome(r, folder: Path) -> str:
    """exit 0, or exit 2 with one line naming a file of the folder; never anything else."""
    if r.exit_code == 0:
        return "ok"
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output and "Traceback" not in r.output, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    assert str(folder) in lines[0] or folder.name in lines[0], r.output
    return "refused"


def _tampered(made: dict[str, Path], kind: str, tamper: Tamper, tmp: Path) -> Path:
    folder = tmp / "tampered"
    shutil.copytree(made[kind], folder)
    tamper(folder)
    return folder


#: tamperings that leave what is drawn sound: the folder is read (scenario.yaml is only shown, and
#: read by a folder without scenario.json, written before it existed: it only names things)
HARMLESS = {"markers.csv gone", "events.csv header only", "scenario.yaml gone", "scenario.yaml not YAML"}
HARMLESS |= {"scenario.yaml nested without end", "scenario.yaml a bad rationing rule", "scenario.json gone"}
#: the tamperings each command is tried with (the harmless ones together, below: drawing is slow)
RUN_CASES = [c for c in RUN_TAMPERS if c[0] not in HARMLESS]
ENSEMBLE_CASES = [c for c in ENSEMBLE_TAMPERS if c[0] not in HARMLESS]


@pytest.mark.parametrize("command", ["plot", "report"])
@pytest.mark.parametrize("case", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_a_tampered_run_folder_is_refused_with_one_message(made, tmp_path, command, case):
    folder = _tampered(made, "run", case[1], tmp_path)
    _outcome(CliRunner().invoke(main, _command(command, folder, made, tmp_path)), folder)


@pytest.mark.parametrize("command", ["plot", "report", "compare"])
@pytest.mark.parametrize("case", ENSEMBLE_CASES, ids=[c[0] for c in ENSEMBLE_CASES])
def test_a_tampered_ensemble_folder_is_refused_with_one_message(made, tmp_path, command, case):
    folder = _tampered(made, "ens", case[1], tmp_path)
    _outcome(CliRunner().invoke(main, _command(command, folder, made, tmp_path)), folder)


@pytest.mark.parametrize("kind", ["run", "ens"])
def test_harmless_tamperings_still_draw_report_and_compare(made, tmp_path, kind):
    folder = tmp_path / kind
    shutil.copytree(made[kind], folder)
    for name, tamper in RUN_TAMPERS if kind == "run" else ENSEMBLE_TAMPERS:
        if name in HARMLESS and (folder / name.split()[0]).exists():
            tamper(folder)
    for command in ("plot", "report"):
        r = CliRunner().invoke(main, _command(command, folder, made, tmp_path))
        assert r.exit_code == 0, r.output
    if kind == "ens":  # without scenario.yaml a comparison cannot name its figures: one line
        r = CliRunner().invoke(main, _command("compare", folder, made, tmp_path))
        assert _outcome(r, folder) == "refused" and "scenario.yaml" in r.output


def test_what_defsim_wrote_is_read_back_and_what_matters_is_refused(made, tmp_path):
    """The untouched folders are read, and exactly the tamperings that break a figure are
    refused (not silently drawn): the checks are neither too lax nor too strict."""
    for kind in ("run", "ens"):
        read(made[kind])
    refused = set()
    for kind, cases in (("run", RUN_TAMPERS), ("ens", ENSEMBLE_TAMPERS)):
        for k, (name, tamper) in enumerate(cases):
            try:
                read(_tampered(made, kind, tamper, tmp_path / f"{kind}{k}"))
            except NotAResultsFolder:
                refused.add(name)
    names = {c[0] for c in RUN_TAMPERS} | {c[0] for c in ENSEMBLE_TAMPERS}
    # a cell that looks like a number but is not one is refused when its figure is read
    lazy = {"reps.csv 1e999", "reps.csv 1.2.3"}
    assert refused == names - HARMLESS - lazy
    folder = _tampered(made, "ens", dict(ENSEMBLE_TAMPERS)["reps.csv 1e999"], tmp_path / "lazy")
    with pytest.raises(NotAResultsFolder, match="too large"):
        read(folder).figure(read(folder).columns[1])


# --- random mutations ----------------------------------------------------------------------------


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """One random edit of a file: a byte changed, a line cut or doubled, the file cut short, two
    fields swapped, a digit run lengthened."""
    if not data:
        return b"x"
    k = rng.randrange(6)
    at = rng.randrange(len(data))
    lines = data.split(b"\n")
    j = rng.randrange(len(lines))
    if k == 0:
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if k == 1:
        return b"\n".join(lines[:j] + lines[j + 1 :])
    if k == 2:
        return b"\n".join(lines[: j + 1] + lines[j:])
    if k == 3:
        return data[:at]
    if k == 4:
        cells = lines[j].split(b",")
        rng.shuffle(cells)
        return b"\n".join([*lines[:j], b",".join(cells), *lines[j + 1 :]])
    return re.sub(rb"\d+", lambda m: m.group(0) * rng.choice([1, 50, 2000]), data, count=rng.randrange(1, 4))


@pytest.mark.fuzz
def test_randomly_mutated_folders_work_or_are_refused(made, tmp_path):
    rng = random.Random(2026)
    seen = {"ok": 0, "refused": 0}
    for k in range(30):  # each one that is read draws or reports: about 2 s
        kind = rng.choice(["run", "ens"])
        folder = tmp_path / f"m{k}"
        shutil.copytree(made[kind], folder)
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        for path in rng.sample(files, rng.choice([1, 1, 2])):
            path.write_bytes(_mutate(rng, path.read_bytes()))
        command = rng.choice(["plot", "report", "compare"] if kind == "ens" else ["plot", "report"])
        r = CliRunner().invoke(main, _command(command, folder, made, tmp_path / f"o{k}"))
        outcome = _outcome(r, folder)
        seen[outcome] += 1
        if outcome == "ok" and command == "report":
            assert (tmp_path / f"o{k}" / "page.html").read_text().startswith("<!DOCTYPE html>")
        if outcome == "ok" and command == "plot":
            assert all(p.read_bytes().lstrip().startswith(b"<?xml") for p in folder.glob("*.svg"))
    print(seen)
    assert seen["ok"] and seen["refused"], seen  # both kinds of answer were exercised


@pytest.mark.parametrize(
    "text",
    [b"[: : :", b"[" * 50_000, b"currency: !!binary aGVsbG8=\nname: x\n", BAD_RULE.encode(), b"- a list\n"],
    ids=["not YAML", "nested without end", "binary", "a bad rationing rule", "a list"],
)
def test_an_older_folder_reads_whatever_its_scenario_yaml_holds(made, tmp_path, text):
    """Without scenario.json (an older folder), scenario.yaml only names things: whatever it
    holds, the folder reads, and what it cannot name is left plain (money in USD)."""
    folder = tmp_path / "old"
    shutil.copytree(made["run"], folder)
    (folder / "scenario.json").unlink()
    (folder / "scenario.yaml").write_bytes(text)
    view = read(folder)
    assert view.currency == "USD" and view.as_run.rationing("Battery", "interceptor") == []
    r = CliRunner().invoke(main, ["report", str(folder), "-o", str(tmp_path / "page.html")])
    assert r.exit_code == 0, r.output
