"""examples/classroom.ipynb runs from top to bottom in a fresh kernel, draws its figures, and
prints what defsim computes; the file in the repository carries no outputs."""

from __future__ import annotations

import json
import re

import nbclient
import nbformat

import defsim
from tests.conftest import ROOT

NOTEBOOK = ROOT / "examples" / "classroom.ipynb"


def test_the_notebook_is_stored_clean():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert raw["nbformat"] == 4
    nbformat.validate(nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4))
    code = [c for c in raw["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    first = raw["cells"][0]
    assert first["cell_type"] == "markdown" and "%pip install" in "".join(first["source"])


def test_the_notebook_runs_and_shows_defsims_numbers(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # in a scratch folder: whatever the notebook might write stays out of the repository
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {})]
    assert len(images) >= 3  # the fan chart, the comparison, the what-if (static without ipywidgets)
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    # the numbers it prints are the ones defsim computes here, with the notebook's reps and seed
    base = defsim.ensemble("textbook", reps=100, seed=1, workers=1).summary["first_stockout"]["Battery"]
    more = defsim.ensemble(
        defsim.load("textbook", overrides=["deliveries.0.quantity=28"]), reps=100, seed=1, workers=1
    ).summary["first_stockout"]["Battery"]
    assert f"median day the battery runs dry: {base['median']:.1f}" in text
    assert f"median day dry with 28 a week: {more['median']:.1f} (with 14: {base['median']:.1f})" in text
    assert more["median"] > base["median"]  # more deliveries: later dry
    assert re.search(r"ipywidgets is not installed|interact", text) or any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs
    )


def _sliders_cell(nb: nbformat.NotebookNode) -> int:
    return next(k for k, c in enumerate(nb.cells) if c.cell_type == "code" and "interact_manual" in c.source)


def test_the_notebook_extra_installs_a_way_to_open_it_and_its_sliders():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {re.split(r"[<>=\[ ]", r)[0] for r in extras["notebook"]}
    assert "ipywidgets" in names and names & {"notebook", "jupyterlab"} and "ipykernel" in names
    assert 'pip install ".[notebook]"' in "".join(nbformat.read(NOTEBOOK, as_version=4).cells[0].source)


def _execute_to_sliders(tmp_path, without_widgets: bool) -> list:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    k = _sliders_cell(nb)
    # the cells the sliders need (imports, SEED), the sliders cell, nothing slow in between
    keep = [
        c
        for j, c in enumerate(nb.cells)
        if j == k or (c.cell_type == "code" and j < k and "import" in c.source)
    ]
    setup = "SEED = 1\n" + ("import sys\nsys.modules['ipywidgets'] = None\n" if without_widgets else "")
    nb.cells = [nbformat.v4.new_code_cell(setup), *keep]
    nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    return nb.cells[-1].outputs


def test_the_sliders_cell_draws_sliders_with_ipywidgets_and_a_static_figure_without(tmp_path):
    import ipywidgets  # installed by the test extra, as by the notebook extra

    del ipywidgets
    outputs = _execute_to_sliders(tmp_path, without_widgets=False)
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert views, outputs  # the sliders, not the fallback
    assert "ipywidgets is not installed" not in "".join(o.get("text", "") for o in outputs)
    outputs = _execute_to_sliders(tmp_path, without_widgets=True)
    assert "ipywidgets is not installed" in "".join(o.get("text", "") for o in outputs)
    assert any("image/png" in o.get("data", {}) for o in outputs)
