"""README.md's two commands stay true: CI runs exactly the test command README gives."""

from __future__ import annotations

from tests.conftest import ROOT, SCENARIOS

INSTALL_AND_RUN = "python3 -m venv .venv && . .venv/bin/activate && pip install . && defsim run nightly_raids"
TEST = 'python3 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest'


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert INSTALL_AND_RUN in readme
    assert TEST in readme


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert TEST in ci


def test_readme_scenario_exists():
    assert (SCENARIOS / "nightly_raids.yaml").exists()


def _whatif_rows() -> dict[str, tuple[str, str]]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What-if: does the backfill matter?")[1].split("One run is an anecdote")[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3 and cells[1] not in ("with backfill", "---"):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def test_readme_backfill_whatif_table_is_what_defsim_computes():
    """The single-run what-if table in README is recomputed here, so it cannot drift."""
    import defsim

    def figures(overrides: list[str]) -> list[str]:
        s = defsim.run(defsim.load("backfill", overrides=overrides)).summary
        bm = s["threats"]["ballistic missile"]
        lr = {
            name: s["sites"][name]["by_interceptor"]["LR-SAM"]["days_empty"]
            for name in ("Capital", "City East")
        }
        return [
            str(s["routes"]["backfill"]["delivered"]),
            f"{bm['killed']} / {bm['leaked']}",
            str(s["threats"]["cruise missile"]["killed"]),
            str(round(lr["Capital"])),
            str(round(lr["City East"])),
            str(s["stockpiles_and_producers"]["Licensor depot"]["final_stock"]),
        ]

    rows = _whatif_rows()
    labels = [
        "long-range rounds the licensor released as backfill",
        "ballistic missiles killed / leaked (of 567)",
        "cruise missiles killed (of 955)",
        "days the Capital held no long-range round",
        "days City East held no long-range round",
        "licensor depot's own stock at the end",
    ]
    assert list(rows) == labels
    with_bf, cut = figures([]), figures(["transfers.0.enabled=false"])
    assert [rows[k][0] for k in labels] == with_bf
    assert [rows[k][1] for k in labels] == cut
