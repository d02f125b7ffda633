"""defsim plot redraws a results folder from its files; defsim compare compares folders (paired)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from defsim.cli import main
from defsim.io.plotkit import label_rows, lit

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "defsim" / "scenarios"
TEXTBOOK = str(SCENARIOS / "textbook.yaml")


def invoke(*args: str) -> str:
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_plot_redraws_a_run_as_svg_without_running(tmp_path: Path) -> None:
    out = tmp_path / "run"
    invoke("run", str(SCENARIOS / "nightly_raids.yaml"), "--out", str(out), "-q", "--no-plot")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    written = invoke("plot", str(out), "--format", "svg").split()
    assert {Path(p).name for p in written} == {"stock.svg", "threats.svg", "deliveries.svg"}
    svg = (out / "stock.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # nothing else changed: the files it was drawn from are as they were; the marker now lists
    # the new figures too (defsim wrote them, so a later plot or --force may replace them)
    marker = before.pop(".defsim-results").decode()
    assert {p: (out / p).read_bytes() for p in before} == before
    listed = (out / ".defsim-results").read_text()
    drawn = {"stock.svg", "threats.svg", "deliveries.svg"}
    assert set(listed.splitlines()) == set(marker.splitlines()) | drawn
    again = (out / "stock.svg").read_bytes()
    invoke("plot", str(out), "--format", "svg")
    assert (out / "stock.svg").read_bytes() == again  # no dates in the file: the same bytes
    assert invoke("plot", str(out), "--format", "svg", "-q") == ""  # quiet: nothing printed
    assert (out / "stock.svg").read_bytes() == again


def test_plot_refuses_what_is_not_a_results_folder(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["plot", str(tmp_path)])
    assert r.exit_code == 2 and "not a defsim results folder" in r.output


def test_compare_results_folders_paired_or_says_why_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    invoke("run", TEXTBOOK, "--reps", "6", "--out", str(a), "-q", "--no-plot", "--workers", "1")
    invoke("run", TEXTBOOK, "--reps", "6", "--set", "sites.Battery.fire_channels=1", "--out", str(b), "-q",
           "--no-plot", "--workers", "1")  # fmt: skip
    invoke("run", TEXTBOOK, "--reps", "5", "--out", str(c), "-q", "--no-plot", "--workers", "1")
    out = tmp_path / "cmp"
    invoke("compare", str(a), str(b), "--out", str(out), "-q", "--format", "svg")
    table = json.loads((out / "compare.json").read_text())
    assert table["replications"] == 6 and table["variants"] == [str(a), str(b)]
    diffs = [r for r in table["table"] if r["variant"] == str(b) and r["diff_vs_first"] is not None]
    assert diffs, "paired differences against the first folder"
    assert (out / "diff_compare.svg").exists() and len(list((out / "variants").iterdir())) == 2
    # the same scenario compared with itself: every paired difference is exactly 0
    same = tmp_path / "same"
    invoke("compare", str(a), str(a), "--out", str(same), "-q", "--no-plot")
    rows = json.loads((same / "compare.json").read_text())["table"]
    assert all(r["diff_vs_first"] in (None, 0.0) for r in rows)
    r = CliRunner().invoke(main, ["compare", str(a), str(c), "--out", str(tmp_path / "no"), "-q"])
    assert r.exit_code == 2 and "6 replications" in r.output and "5" in r.output and "--reps 6" in r.output
    r = CliRunner().invoke(
        main, ["compare", str(a), str(b), "--seed", "99", "--out", str(tmp_path / "n2"), "-q"]
    )
    assert r.exit_code == 0  # --seed only applies to scenario files run alongside
    r = CliRunner().invoke(
        main, ["compare", str(a), TEXTBOOK, "--out", str(tmp_path / "mixed"), "-q", "--no-plot"]
    )
    assert r.exit_code == 0, r.output  # the scenario file is run with the folder's seed and replications
    mixed = json.loads((tmp_path / "mixed" / "compare.json").read_text())
    assert mixed["replications"] == 6
    assert all(r["diff_vs_first"] in (None, 0.0) for r in mixed["table"])


def test_user_strings_are_literal_in_plots() -> None:
    assert lit("$4M ... $20k") == r"\$4M ... \$20k" and lit("$^$") == r"\$^\$"
    from matplotlib.figure import Figure

    fig = Figure()
    fig.suptitle(lit("$^$ and $4M ... $20k"))
    fig.savefig(__import__("io").BytesIO(), format="png")  # mathtext would fail on "$^$"


def test_labels_are_placed_in_rows_that_never_overlap() -> None:
    times = [0.0, 1.0, 2.0, 10.0, 10.5]
    widths = [3.0, 3.0, 3.0, 1.0, 1.0]
    rows = label_rows(times, widths, gap=0.1)
    spans: dict[int, list[tuple[float, float]]] = {}
    for t, w, r in zip(times, widths, rows, strict=True):
        for a, b in spans.get(r, []):
            assert t >= b or t + w <= a
        spans.setdefault(r, []).append((t, t + w))
    assert rows[0] == 0 and rows[3] == 0  # a label goes back to the first row once there is room


@pytest.mark.parametrize("scenario", ["textbook", "multi_site"])
def test_every_shipped_scenario_plots(tmp_path: Path, scenario: str) -> None:
    out = tmp_path / scenario
    invoke("run", str(SCENARIOS / f"{scenario}.yaml"), "--out", str(out), "-q")
    assert (out / "stock.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "threats.png").exists()


def test_in_transit_lines_end_where_the_summary_says(tmp_path: Path) -> None:
    """The in-transit series read from events.csv ends at each route's in_transit_at_end, and
    never goes below zero (a delivery is never counted before its shipment)."""
    from defsim.io.folder import read
    from defsim.io.plot_stock import in_transit

    invoke("run", "backfill", "--out", str(tmp_path / "b"), "--no-plot", "-q")
    view = read(tmp_path / "b")
    seen = 0
    for holder in view.kinds:
        for itype in view.types(holder):
            routes = [
                r for r in view.summary["routes"].values() if r["to"] == holder and r["interceptor"] == itype
            ]
            moving = in_transit(view, holder, itype)
            if moving is None:
                continue
            seen += 1
            assert moving[1].min() >= 0
            assert moving[1][-1] == sum(r["in_transit_at_end"] for r in routes)
    assert seen >= 5


def test_damage_over_time_adds_up_to_the_summary(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import yaml
    from test_layers import SALVO1, layered

    from defsim.io.folder import read
    from defsim.io.plot_threats import damage_over_time

    spec = layered([(0.7, SALVO1), (0.6, SALVO1)], raids=50)
    (tmp_path / "l.yaml").write_text(yaml.safe_dump(spec))
    invoke("run", str(tmp_path / "l.yaml"), "--out", str(tmp_path / "l"), "-q")
    view = read(tmp_path / "l")
    t, dealt = damage_over_time(view)  # type: ignore[misc]
    assert dealt[-1] == pytest.approx(view.summary["damage"]["total"]) and dealt[-1] > 0
    assert (t[1:] >= t[:-1]).all() and (dealt[1:] >= dealt[:-1]).all()
    assert (tmp_path / "l" / "threats.png").is_file()
    # a scenario without damage draws no damage panel
    invoke("run", "textbook", "--out", str(tmp_path / "t"), "--no-plot", "-q")
    assert damage_over_time(read(tmp_path / "t")) is None


def test_stock_plot_marks_when_each_rationing_rule_came_into_force(tmp_path: Path) -> None:
    """The first rule's start drawn on stock.png is the summary's rationing_from_day; every rule
    has its threshold line and a legend entry saying from when and for how long it held."""
    from defsim.io.folder import read
    from defsim.io.plot_stock import RATION, plot_stock, rationing_spans

    invoke("run", "layered", "--out", str(tmp_path / "l"), "--no-plot", "-q")
    view = read(tmp_path / "l")
    t, lev = view.series[("Long_range", "long_range")]
    rules = view.rationing("Long_range", "long_range")
    assert [r["below"] for r in rules] == [40, 16]
    first = rationing_spans(t, lev, 40, view.duration)
    assert first[0][0] == pytest.approx(
        view.summary["sites"]["Long_range"]["rationing_from_day"]["long_range"]
    )
    held = sum(b - a for a, b in first)
    assert all(lev[np.searchsorted(t, a, side="right") - 1] < 40 for a, _ in first)
    fig = plot_stock(view, view.holders("site"), "q")
    ax = fig.axes[1]  # the first site's panel, under the timeline strip
    labels = ax.get_legend_handles_labels()[1]
    ours = [x for x in labels if x.startswith("rationing")]
    assert len(ours) == 2 and ours[0].startswith("rationing below 40: 1 round per threat: from ")
    assert f"{held:.0f} days in force" in ours[0] and "only ballistic_missile" in ours[1]
    ours_lines = [ln for ln in ax.get_lines() if ln.get_color() == RATION and len(ln.get_ydata()) == 2]
    flat = sorted(float(ln.get_ydata()[0]) for ln in ours_lines if len(set(ln.get_ydata())) == 1)
    assert flat == [16, 40]  # the thresholds; the other two are the starts (vertical)
    assert len(ours_lines) == 4
    # a site without rules draws none
    assert not any(x.startswith("rationing") for x in fig.axes[2].get_legend_handles_labels()[1])


def _panels_under(fig, strip):  # the panels in a strip's column (same left edge), below it
    box = strip.get_position()
    return [
        a
        for a in fig.axes
        if a is not strip and abs(a.get_position().x0 - box.x0) < 1e-9 and a.get_position().y1 <= box.y0
    ]


@pytest.mark.parametrize(("scenario", "figure"), [("multi_site", "stock"), ("backfill", "supply")])
def test_markers_sit_over_their_date_in_every_column(tmp_path: Path, scenario: str, figure: str) -> None:
    """Each raid or decision symbol on a strip is drawn at the pixel where the panels under it
    show its date, in every column (a strip spanning the whole figure put it elsewhere)."""
    from matplotlib.dates import date2num

    from defsim.io.folder import read
    from defsim.io.plot_stock import plot_stock
    from defsim.io.plotkit import x_of

    invoke("run", scenario, "--out", str(tmp_path / "r"), "--no-plot", "-q")
    view = read(tmp_path / "r")
    # the holders of each figure as the folder draws it (view.kinds also names routes)
    supply = [h for h, k in view.kinds.items() if k in ("stockpile", "producer")]
    holders = view.holders("site") if figure == "stock" else supply
    fig = plot_stock(view, holders, "q")
    strips = [a for a in fig.axes if not a.get_yticks().size and a.get_lines() and a.get_legend()]
    assert len(strips) >= 2, "a strip per column"
    times = sorted(m.time for m in view.markers)
    for strip in strips:
        panels = _panels_under(fig, strip)
        assert panels
        # right above the first panel of its column, never over a cell left empty
        gap = (strip.get_position().y0 - max(p.get_position().y1 for p in panels)) * fig.get_figheight()
        assert gap < 0.8, f"{gap:.2f} inches between a strip and the panel under it"
        drawn = sorted(
            float(x)
            for line in strip.get_lines()
            for x in date2num(line.get_xdata())
            if len(line.get_xdata())
        )
        assert len(drawn) == len(times)
        want = date2num(x_of(times, view.start))
        assert np.allclose(drawn, want)  # in the strip's data coordinates: the event's date
        px = strip.transData.transform(np.column_stack([drawn, np.zeros(len(drawn))]))[:, 0]
        for ax in panels:  # and in pixels, where each panel of the column shows that date
            at = ax.transData.transform(np.column_stack([want, np.zeros(len(want))]))[:, 0]
            assert np.allclose(px, at, atol=0.5)


def test_no_strip_without_markers_and_no_legend_under_a_title(tmp_path: Path) -> None:
    """textbook has nothing to mark: no empty strip.  A one-panel comparison's legend stands
    clear of the title and of the panel (bounding boxes, drawn)."""
    from defsim.io.folder import read
    from defsim.io.plot_compare import plot_compare_p_dry
    from defsim.io.plot_stock import plot_stock

    invoke("run", "textbook", "--out", str(tmp_path / "t"), "--no-plot", "-q")
    view = read(tmp_path / "t")
    assert not view.markers
    fig = plot_stock(view, view.holders("site"), "q")
    assert len(fig.axes) == 1 and "to mark" not in " ".join(t.get_text() for t in fig.texts)
    a, b = tmp_path / "a", tmp_path / "b"
    invoke("run", "textbook", "--reps", "4", "--out", str(a), "-q", "--no-plot", "--workers", "1")
    invoke("run", "textbook", "--reps", "4", "--set", "sites.Battery.fire_channels=1", "--out", str(b), "-q",
           "--no-plot", "--workers", "1")  # fmt: skip
    invoke("compare", str(a), str(b), "--out", str(tmp_path / "c"), "-q", "--no-plot")
    cmp = read(tmp_path / "c")
    for empty in (False, True):
        fig = plot_compare_p_dry(cmp, empty=empty)  # type: ignore[arg-type]
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        fig.draw(renderer)
        legend = fig.legends[0].get_window_extent(renderer)
        assert fig._suptitle is not None
        title = fig._suptitle.get_window_extent(renderer)
        (ax,) = [x for x in fig.axes if x.get_visible()]
        panel = ax.get_tightbbox(renderer)
        assert not legend.overlaps(title) and not legend.overlaps(panel)
        assert legend.x1 <= fig.bbox.x1 and title.x1 <= fig.bbox.x1


def test_damage_axis_reads_in_value_units(tmp_path: Path) -> None:
    from defsim.io.folder import read
    from defsim.io.plot_threats import plot_threats

    invoke("run", "layered", "--out", str(tmp_path / "l"), "--no-plot", "-q")
    fig = plot_threats(read(tmp_path / "l"))
    assert fig is not None
    dax = fig.axes[-1]
    assert "value units" in dax.get_ylabel() and "value units in all" in dax.get_title(loc="left")
    labels = [t.get_text() for t in dax.get_yticklabels()]
    assert any(s.endswith(("bn", "m")) for s in labels) and not any("e" in s for s in labels)
    assert not dax.yaxis.get_offset_text().get_text()


def test_a_folder_draws_the_same_bytes_on_one_or_several_processes(tmp_path: Path) -> None:
    from defsim.io.drawing import draw_jobs
    from defsim.io.folder import read
    from defsim.io.plots import plot_deliveries, plot_stock, plot_threats

    invoke("run", "nightly_raids", "--out", str(tmp_path / "n"), "--no-plot", "-q")
    view = read(tmp_path / "n")
    seen = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        out.mkdir()
        jobs = [
            (out / "stock.png", lambda: plot_stock(view, view.holders("site"), "q")),
            (out / "threats.png", lambda: plot_threats(view)),
            (out / "deliveries.png", lambda: plot_deliveries(view)),
        ]
        written = draw_jobs(jobs, workers=workers)
        seen[workers] = {p.name: p.read_bytes() for p in written}
    assert seen[1] == seen[2] and len(seen[1]) >= 2


def test_drawing_workers_end_quietly(tmp_path: Path) -> None:
    """A drawing worker does not keep the command's SIGTERM handler (inherited through fork, it
    printed a traceback as the workers were stopped): it ends quietly when told to."""
    import signal

    from defsim.io.drawing import draw_jobs

    def seen(k: int) -> None:  # runs in the worker: what would SIGTERM do there?
        (tmp_path / f"h{k}").write_text(str(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL))

    def loud(signum: int, frame: object) -> None:
        raise RuntimeError("the command's handler")

    previous = signal.signal(signal.SIGTERM, loud)
    try:
        draw_jobs([(tmp_path / "a.png", lambda: seen(0)), (tmp_path / "b.png", lambda: seen(1))], workers=2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (tmp_path / "h0").read_text() == (tmp_path / "h1").read_text() == "True"


def _fails_in_the_worker() -> None:
    from defsim.io import OutputError

    raise OutputError("cannot draw q.png: the reason, word for word")


def test_an_error_in_a_drawing_worker_reaches_the_command_whole(tmp_path: Path) -> None:
    from defsim.io import OutputError
    from defsim.io.drawing import draw_jobs

    jobs = [(tmp_path / "a.png", lambda: None), (tmp_path / "q.png", _fails_in_the_worker)]
    with pytest.raises(OutputError, match="the reason, word for word"):
        draw_jobs(jobs, workers=2)
    assert not list(tmp_path.iterdir())


def test_a_drawing_worker_killed_is_reported_not_waited_for(tmp_path: Path) -> None:
    """The system ends a drawing worker (out of memory, say): the command hears of it at once
    (a pool of multiprocessing could hang in terminate() here)."""
    import signal
    import time

    from defsim.api import WorkerLost
    from defsim.io.drawing import draw_jobs

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    start = time.monotonic()
    with pytest.raises(WorkerLost, match="killed by signal 9"):
        draw_jobs([(tmp_path / "a.png", die), (tmp_path / "b.png", die)], workers=2)
    assert time.monotonic() - start < 30  # a bound against hanging, not a speed test


def test_figures_drawn_side_by_side_are_all_listed_in_the_marker(tmp_path: Path) -> None:
    """Workers writing figures at once never drop each other's name from the folder's marker:
    every figure stays one defsim may replace (``defsim plot`` again succeeds)."""
    from defsim.io.files import manifest

    for k in range(3):
        out = tmp_path / f"n{k}"
        invoke("run", "nightly_raids", "--out", str(out), "-q")
        listed = manifest(out)
        assert listed is not None
        assert {"stock.png", "threats.png", "deliveries.png"} <= listed
    invoke("plot", str(tmp_path / "n0"))


def test_a_busy_fan_is_one_column_per_type_naming_every_holder(tmp_path: Path) -> None:
    """backfill's fan had ten panels: now a column per type, sites and stockpiles apart, each
    holder a line named with how often and when it ran out."""
    from defsim.io.folder import read
    from defsim.io.plot_fan import plot_fan

    invoke("run", "backfill", "--reps", "4", "--out", str(tmp_path / "e"), "--no-plot", "-q")
    ens = read(tmp_path / "e")
    fig = plot_fan(ens)
    panels = [a for a in fig.axes if a.get_visible()]
    types = {i for _, _, i in ens.series}
    assert len(panels) <= 2 * len(types) < len(ens.series)
    named = [label for ax in panels for label in ax.get_legend_handles_labels()[1]]
    holders = {h for h, k, _ in ens.series if k != "producer"}
    assert {n.split(":")[0] for n in named} == holders
    assert all("ran out in" in n for n in named)


def test_the_deliveries_legend_lists_what_was_delivered(tmp_path: Path) -> None:
    """layered's guns get no deliveries: its legend named "gun" (every type held) and "lost in
    transit" (nothing was lost)."""
    from defsim.io.folder import read
    from defsim.io.plot_deliveries import plot_deliveries

    invoke("run", "layered", "--out", str(tmp_path / "l"), "--no-plot", "-q")
    view = read(tmp_path / "l")
    fig = plot_deliveries(view)
    assert fig is not None
    labels = set(fig.axes[-1].get_legend_handles_labels()[1])
    carried = {r["interceptor"] for r in view.summary["routes"].values() if r["shipped"]}
    assert labels == carried and "gun" not in labels
