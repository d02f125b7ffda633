"""The classroom kit: ``defsim list``, ``defsim show``, ``defsim new`` and its templates, the
JSON Schema editors read, and the package data a wheel carries."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema  # a dependency of nbformat, in the test extra
import pytest
import yaml
from click.testing import CliRunner

from defsim import api
from defsim.cli import main
from defsim.scenario import json_schema, shipped, templates
from tests.conftest import ROOT

TEMPLATES = templates.names()
SHIPPED = shipped.names()
MODELINE = "# yaml-language-server: $schema=./defsim.schema.json"


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_four_templates_ship():
    assert set(TEMPLATES) == {"battery", "raids", "supply", "layered"}


@pytest.mark.parametrize("width", [40, 60, 80, 100, 200])
def test_list_shows_every_shipped_scenario_with_its_question_wrapped_between_words(width):
    r = cli("list", "--width", str(width))
    assert r.exit_code == 0, r.output
    table = r.output.splitlines()[:-1]  # the last line says how to use a name
    assert all(len(line) <= width for line in table)
    if width >= 60:  # a table (narrower: one block per scenario), every line to its right border
        assert table[0].startswith("┌") and len({len(line) for line in table}) == 1
    words = r.output.replace("│", " ").split()
    for s in api.scenarios():
        assert s.name in r.output
        assert s.question and set(s.question.split()) <= set(words)  # no word cut in two
    if width >= 200:  # wide enough for every question on one line
        assert all(s.question in r.output for s in api.scenarios())


def test_list_follows_columns_when_piped():
    wide = CliRunner(env={"COLUMNS": "150"}).invoke(main, ["list"])
    narrow = CliRunner(env={"COLUMNS": "60"}).invoke(main, ["list"])
    assert max(map(len, narrow.output.splitlines())) <= 60
    assert 80 < max(map(len, wide.output.splitlines())) <= 150


def test_list_as_json_and_plain_and_the_templates():
    r = cli("list", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [row["name"] for row in rows] == SHIPPED
    assert all(row["question"] for row in rows)
    r = cli("list", "--templates", "--format", "plain")
    assert r.exit_code == 0, r.output
    assert [line.split(":")[0] for line in r.output.splitlines() if not line.startswith(" ")] == TEMPLATES


def test_show_prints_the_shipped_yaml_byte_for_byte_and_it_loads(tmp_path):
    r = cli("show", "textbook")
    assert r.exit_code == 0, r.output
    assert r.output == (ROOT / "defsim" / "scenarios" / "textbook.yaml").read_text(encoding="utf-8")
    copy = tmp_path / "mine.yaml"
    copy.write_text(r.output, encoding="utf-8")
    assert cli("validate", str(copy)).exit_code == 0


def test_show_an_unknown_name_suggests_the_closest_and_exits_2():
    r = cli("show", "textbok")
    assert r.exit_code == 2
    assert "did you mean 'textbook'" in r.output
    assert "Traceback" not in r.output


def _schema_keys() -> set[str]:
    schema = json_schema()
    keys = set(schema["properties"])
    for definition in schema.get("$defs", {}).values():
        keys |= set(definition.get("properties", {}))
    return keys


def _keys_without_a_comment(text: str) -> set[str]:
    """Schema keys used in ``text`` that no line explains: a comment on the line or just above."""
    keys, used, explained = _schema_keys(), set(), set()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        found = set(re.findall(r"(?:^|[{,\s-])\s*([A-Za-z_]+):", line.split("#")[0])) & keys
        used |= found
        if "#" in line or (i > 0 and lines[i - 1].lstrip().startswith("#")):
            explained |= found
    return used - explained


def test_the_comment_check_sees_a_bare_key():
    assert _keys_without_a_comment("sites:  # the batteries\n  A:\n    fire_channels: 2\n") == {
        "fire_channels"
    }


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_is_commented_notional_and_asks_a_question(name):
    text = templates.find(name).text()
    assert text.splitlines()[0] == MODELINE
    data = yaml.safe_load(text)
    assert "notional" in data["provenance"] and data["question"].strip()
    assert _keys_without_a_comment(text) == set()  # each template stands alone: every key explained


@pytest.mark.parametrize("name", TEMPLATES)
def test_new_writes_a_template_that_validates_and_runs(name, tmp_cwd):
    r = cli("new", "mine.yaml", "--template", name)
    assert r.exit_code == 0, r.output
    assert (tmp_cwd / "mine.yaml").read_text(encoding="utf-8") == templates.find(name).text()
    assert "defsim run mine.yaml" in r.output
    r = cli("run", "mine.yaml", "--out", "out", "--no-plot")
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_cwd / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["arrived"] > 0
    assert summary["totals"]["killed"] > 0


def test_new_refuses_an_existing_file_without_force(tmp_cwd):
    (tmp_cwd / "mine.yaml").write_text("mine: keep me\n", encoding="utf-8")
    r = cli("new", "mine.yaml")
    assert r.exit_code == 2
    assert "already exists" in r.output and "--force" in r.output
    assert (tmp_cwd / "mine.yaml").read_text(encoding="utf-8") == "mine: keep me\n"
    r = cli("new", "mine.yaml", "--force", "--template", "raids")
    assert r.exit_code == 0, r.output
    assert (tmp_cwd / "mine.yaml").read_text(encoding="utf-8") == templates.find("raids").text()


def test_new_with_an_unknown_template_suggests_one_and_writes_nothing(tmp_cwd):
    r = cli("new", "mine.yaml", "--template", "layerd")
    assert r.exit_code == 2
    assert "did you mean 'layered'" in r.output
    assert "Traceback" not in r.output
    assert not (tmp_cwd / "mine.yaml").exists()
    assert list(tmp_cwd.iterdir()) == []


def test_help_shows_names_not_repository_paths():
    r = cli("--help")
    assert "defsim run textbook" in r.output and "defsim list" in r.output
    assert "scenarios/" not in r.output


# --- editor support: the JSON Schema ------------------------------------------------------


def _schema() -> dict:
    r = cli("schema")
    assert r.exit_code == 0
    return json.loads(r.output)


def test_schema_is_a_valid_json_schema_that_rejects_a_misspelt_key():
    schema = _schema()
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    bad = yaml.safe_load(templates.find("battery").text())
    bad["sites"]["Battery"]["fire_chanels"] = 4  # a typo an editor should underline
    assert not validator(schema).is_valid(bad)


class Yaml12Loader(yaml.SafeLoader):
    """Reads scalars as YAML 1.2 does, like the YAML language server: a date stays a string
    (``start: 2024-01-01``) and ``4.0e6`` is a number (PyYAML's YAML 1.1 wants ``4.0e+6``)."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in rules if tag != "tag:yaml.org,2002:timestamp"]
    for first, rules in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.nan$"
    ),
    list("-+0123456789."),
)


def _as_an_editor_reads_it(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)


@pytest.mark.parametrize(
    "path",
    [shipped.folder() / f"{n}.yaml" for n in SHIPPED] + [templates.folder() / f"{n}.yaml" for n in TEMPLATES],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_every_shipped_scenario_and_template_validates_against_the_schema(path):
    schema = _schema()
    data = _as_an_editor_reads_it(path)
    # the schema's own draft (2020-12) and draft 7, which the YAML language server follows
    for validator in (
        jsonschema.validators.validator_for(schema)(schema),
        jsonschema.Draft7Validator(schema),
    ):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []


# --- the installed package carries the scenarios and templates ----------------------------


@pytest.mark.slow
def test_a_built_wheel_holds_the_shipped_scenarios_and_templates(tmp_path):
    # build from a copy, so the build leaves nothing in the working tree
    src = tmp_path / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "results", "*.egg-info", "__pycache__"
        ),
    )
    env = {**os.environ, "DEFSIM_PURE": "1"}
    out = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    (wheel,) = out.glob("defsim-*.whl")
    listed = set(zipfile.ZipFile(wheel).namelist())
    for n in SHIPPED:
        assert f"defsim/scenarios/{n}.yaml" in listed
    for n in TEMPLATES:
        assert f"defsim/templates/{n}.yaml" in listed


def test_list_into_a_pipe_closed_early_says_nothing():
    # `defsim list | head -1`: the reader is gone before the table is written
    proc = subprocess.Popen(
        [sys.executable, "-m", "defsim", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    proc.stdout.close()
    err = proc.stderr.read() if proc.stderr is not None else ""
    assert proc.wait(60) == 141, err
    assert err == ""
