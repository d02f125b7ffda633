"""The classroom explorer (``defsim explore``): knobs, session, presets, downloads and the page.

The page is driven by Streamlit's own harness (AppTest), as a student would: pick a scenario,
move a knob, press Run, compare, upload.  What the page computes is in defsim.explore.session
and is checked here directly too.  Browser tests (a real Chromium) are in test_explore_browser.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import shlex
import socket
import subprocess
import sys

import pytest
import yaml

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

import defsim
from defsim.cli import main
from defsim.explore import charts, presets
from defsim.explore import session as S
from defsim.explore.knobs import DATE, SLIDER, TOGGLE, controls, derived
from defsim.scenario import InputError

from .conftest import ROOT, SCENARIOS

APP = str(ROOT / "defsim" / "explore" / "app.py")
SHIPPED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=600)  # a shared CI machine may be slow
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def opened(at: AppTest, label: str) -> AppTest:
    """The page with the tab ``label`` open (as a click on it does): only the open tab is drawn."""
    at.session_state["tab"] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def qp(at: AppTest, key: str) -> list[str]:
    """A query parameter of the page's address, as a list (one value or repeated)."""
    v = at.query_params[key]
    return [v] if isinstance(v, str) else list(v)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.success] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [c.value for c in at.caption] + [t.value for t in at.title]
    return "\n".join(parts)


def unescape(text: str) -> str:
    return text.replace("\\", "")


# --- the knobs: declared in the scenario format, checked like every key -------------------------


def _with_knobs(knobs: list[dict], name: str = "textbook") -> str:
    data = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
    data["knobs"] = knobs
    return yaml.safe_dump(data, sort_keys=False)


@pytest.mark.parametrize(
    ("knob", "expected"),
    [
        ({"key": "sites.Battery.stok.interceptor", "label": "x", "min": 0, "max": 9}, "no such key"),
        ({"key": "name", "label": "x", "min": 0, "max": 9}, "not a number"),
        (
            {"key": "sites.Battery.stock.interceptor", "label": "x", "min": 0, "max": 9},
            "outside the knob's range",
        ),
        ({"key": "sites.Battery.stock.interceptor", "label": "x", "min": 5}, "needs both min: and max:"),
        ({"key": "sites.Battery.stock.interceptor", "label": "x", "min": 9, "max": 1}, "must be below max"),
        ({"key": "sites.Battery.stock.interceptor", "label": "x"}, "give min: and max: for a slider"),
        ({"key": "knobs.0.label", "label": "x", "min": 0, "max": 1}, "cannot set the knobs"),
        ({"key": "a=b", "label": "x", "min": 0, "max": 1}, "string should match pattern"),
    ],
)
def test_a_bad_knob_is_one_clear_message_with_its_line(knob, expected):
    with pytest.raises(defsim.ScenarioError) as err:
        defsim.api.loads(_with_knobs([knob]), "mine.yaml")
    text = err.value.format()
    assert expected in text
    assert "mine.yaml:" in text and "knobs.0" in text  # the file, its line, the key path


def test_every_shipped_scenario_declares_knobs_that_load():
    for name in SHIPPED:
        sc = defsim.load(name)
        assert sc.spec.knobs, name
        cs = controls(sc)
        assert len(cs) == len(sc.spec.knobs) >= 4


def test_an_override_may_take_a_knobs_key_away_or_out_of_range():
    # an exercise empties deliveries and raises the stock past the slider's top: still valid
    sc = defsim.load("textbook", ["deliveries=[]", "sites.Battery.stock.interceptor=5000"])
    assert sc.spec.deliveries == []


def test_knobs_are_derived_for_a_scenario_without_them():
    textbook = yaml.safe_load((SCENARIOS / "textbook.yaml").read_text())
    del textbook["knobs"]
    keys = {c.key: c for c in derived(textbook)}
    assert {
        "sites.Battery.stock.interceptor",
        "sites.Battery.fire_channels",
        "sites.Battery.doctrine.shots",
        "deliveries.0.quantity",
        "attacks.0.stream.rate",
    } <= set(keys)
    rate = keys["attacks.0.stream.rate"]
    assert rate.kind == SLIDER and rate.unit == "/d" and rate.value == 4 and rate.max >= 12
    backfill = yaml.safe_load((SCENARIOS / "backfill.yaml").read_text())
    del backfill["knobs"]
    kinds = {c.key: c.kind for c in derived(backfill)}
    assert kinds["transfers.0.enabled"] == TOGGLE and kinds["transfers.2.enabled"] == TOGGLE
    assert kinds["producers.Licensee.not_before"] == DATE and kinds["producers.Licensee.ramp.1.at"] == DATE
    # every derived knob sets a key the loader accepts, at both ends of its range
    for data in (textbook, backfill):
        text = yaml.safe_dump(data, sort_keys=False)
        for c in derived(data):
            for v in _far_values(c):
                defsim.api.loads(text, "derived.yaml", [c.assignment(v)])


def _far_values(c):
    if c.kind == SLIDER:
        return [c.typed(c.min), c.typed(c.max)]
    if c.kind == TOGGLE:
        return [not c.value]
    if c.kind == DATE:
        return [c.value + dt.timedelta(days=90)]
    return [o for o in c.options if o != c.value][:1]


def _changes(c):
    """Values of a control away from the file's: a slider's ends, a date four months earlier."""
    if c.kind == SLIDER:
        return [c.typed(x) for x in (c.min, c.max) if x != c.value]
    if c.kind == DATE:
        return [c.value - dt.timedelta(days=120)]
    return _far_values(c)[:1]


def _figures(result) -> dict:
    return result.summary  # every figure of the run: stock at every holder, shots, leaks, routes


@pytest.mark.parametrize("name", SHIPPED)
def test_every_knob_changes_the_run_it_should(name):
    base = defsim.load(name)
    seed = base.seed
    plain = _figures(defsim.run(base, seed=seed, record_events=False))
    for c in controls(base):
        changed = []
        for value in _changes(c):
            sets = S.settings(controls(base), {c.key: value})
            assert sets == (c.assignment(value),)
            sc = S.Source(name).load(sets)
            # the key holds what the knob set (as --set would write it) ...
            found = sc.source.data
            for part in c.key.split("."):
                found = found[int(part)] if isinstance(found, list) else found[part]
            assert c.text(found) == c.text(value), c.key
            changed.append(_figures(defsim.run(sc, seed=seed, record_events=False)) != plain)
        # ... and the run is not the same (a slider: at one end of its range at least)
        assert any(changed), f"{name}: {c.key}"


def test_a_shared_links_settings_read_back_and_a_bad_one_is_refused():
    cs = controls(defsim.load("backfill"))
    sets = (
        "transfers.0.enabled=false",
        "producers.Licensee.not_before=2025-01-01",
        "transfers.1.quantity=12",
    )
    values = S.values_of(cs, sets)
    assert values["transfers.0.enabled"] is False
    assert values["producers.Licensee.not_before"] == dt.date(2025, 1, 1)
    assert S.settings(cs, values) == sets
    for bad in ("nosuch.key=1", "transfers.0.enabled=maybe", "transfers.1.quantity=lots"):
        with pytest.raises(InputError) as caught:  # the user's error, not defsim's (issue 18)
            S.values_of(cs, [bad])
        assert S.user_error(caught.value) and S.describe_error(caught.value).startswith("error: ")


# --- the session: runs, answers, comparisons, downloads -------------------------------------------


def test_the_answer_moves_with_the_weekly_delivery():
    src = S.Source("textbook")
    days = []
    for q in (1, 14, 28):
        run = S.execute(S.Setup(src, (f"deliveries.0.quantity={q}",) if q != 14 else (), 1, 100))
        head = S.headline(run.result)[0]
        assert head.startswith("The battery runs dry around day ")
        days.append(int(head.split("around day ")[1].split()[0]))
    assert days[0] < days[1] < days[2]
    # the back-of-envelope arithmetic: about 120 / 8 = 15 days with (almost) no deliveries,
    # 120 / (8 - 2) = 20 with 14 a week, 120 / (8 - 4) = 30 with 28
    assert 13 <= days[0] <= 17 and 17 <= days[1] <= 22 and 25 <= days[2] <= 35
    rare = S.execute(S.Setup(src, ("deliveries.0.quantity=42",), 1, 100))
    assert S.headline(rare.result)[0].startswith("The battery runs dry in only ")


def test_progress_is_reported_once_per_replication():
    seen: list[int] = []
    S.execute(S.Setup(S.Source("textbook"), (), 1, 7), seen.append)
    assert seen == [1] * 7


def test_runs_on_one_seed_are_paired_and_the_sentence_reads_the_difference():
    src = S.Source("textbook")
    session = S.Session()
    a = session.add(S.execute(S.Setup(src, (), 1, 60)))
    b = session.add(S.execute(S.Setup(src, ("deliveries.0.quantity=42",), 1, 60)))
    assert S.pairable([a, b])
    cmp = S.compare([a, b])
    # paired: the same result as defsim.sweep on the same seeds
    sw = defsim.sweep("textbook", {"deliveries.0.quantity": [14, 42]}, reps=60, seed=1, workers=1)
    key = "sites.Battery.days_empty"
    assert cmp.difference(1, key) == pytest.approx(sw.difference(1, key))
    sentence = S.comparison_sentence(cmp)
    assert sentence.startswith("run 2: deliveries.0.quantity=42 against run 1: as the file:")
    assert "total time Battery held no round of any type" in sentence and "less" in sentence
    assert "same random numbers" in sentence
    assert S.differing([a, b]) == {"deliveries.0.quantity": ["(the file's)", "42"]}
    # different seeds are not paired: compare runs them again on the first one's seed
    c = session.add(S.execute(S.Setup(src, ("deliveries.0.quantity=42",), 2, 30)))
    assert not S.pairable([a, c])
    again = S.compare([a, c])
    assert again.ensembles[0].seed == again.ensembles[1].seed == 1 and again.ensembles[0].reps == 60


def test_identical_runs_compare_as_no_difference():
    src = S.Source("textbook")
    a, b = (S.execute(S.Setup(src, (), 3, 30)) for _ in range(2))
    assert "no headline figure differs beyond the noise" in S.comparison_sentence(S.compare([a, b]))


def test_downloads_reproduce_the_run():
    setup = S.Setup(S.Source("textbook"), ("deliveries.0.quantity=28", "attacks.0.stream.rate=5.5/d"), 4, 20)
    run = S.execute(setup, number=1)
    text = S.scenario_yaml(setup)
    assert "# --set deliveries.0.quantity=28" in text and "--seed 4 --reps 20" in text
    again = defsim.api.loads(text, "downloaded.yaml")
    assert again.spec == setup.source.load(setup.sets).spec
    rerun = defsim.ensemble(again, reps=20, seed=4, workers=1)
    assert rerun.summary["figures"] == run.result.summary["figures"]
    csv_text = S.results_csv(run)
    assert csv_text.splitlines()[0].startswith("replication,") and len(csv_text.splitlines()) == 21
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(S.results_xlsx([run])))
    assert wb.sheetnames == ["runs", "run 1"]
    assert wb["run 1"].max_row == 21
    assert wb["runs"]["F2"].value == setup.command()


def test_a_single_run_downloads_its_exact_stock_and_spreadsheets_never_get_formulas():
    run = S.execute(S.Setup(S.Source("textbook"), (), 1, 1))
    assert S.results_csv(run).splitlines()[0] == "time_d,date,holder,kind,interceptor,level,ready"
    hostile = _with_knobs([]).replace("name: One battery, textbook case", "name: '=HYPERLINK(\"x\")'")
    src = S.Source("=evil.yaml", hostile.encode())
    run = S.execute(S.Setup(src, (), 1, 3))
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(S.results_xlsx([run])))
    assert wb["runs"]["B2"].value == "'=evil.yaml"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"name: [unclosed", "is not a valid scenario"),
        (b"name: x\xffy\n", "not UTF-8"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nested"),
        (b"x" * (4 * 2**20 + 1), "larger than 4 MiB"),
        (
            b"a: &a [1,2,3,4,5,6,7,8,9]\n"
            + b"".join(
                b"%s: &%s [%s]\n" % (n, n, b",".join([b"*" + p] * 9))
                for p, n in zip([b"a", b"b", b"c", b"d"], [b"b", b"c", b"d", b"e"], strict=True)
            )
            + b"f: [*e,*e,*e,*e,*e,*e]\n",
            "values",
        ),
    ],
)
def test_hostile_uploads_get_the_clis_message(data, expected):
    with pytest.raises(defsim.ScenarioError) as err:
        S.Source("upload.yaml", data).load()
    assert expected in S.describe_error(err.value)


def test_work_beyond_the_page_is_refused_before_it_starts():
    text = _with_knobs([]).replace("rate: 4/d", "rate: 20000/d")  # 800,000 threats a run
    src = S.Source("big.yaml", text.encode())
    with pytest.raises(S.Refused, match="too much work for this page"):
        S.execute(S.Setup(src, (), 1, 100))
    huge = _with_knobs([]).replace("rate: 4/d", "rate: 1000000/d")  # 40 million: the CLI's bound
    with pytest.raises(S.Refused, match="too much work for this machine"):
        S.execute(S.Setup(S.Source("huge.yaml", huge.encode()), (), 1, 1))
    assert S.check_work(defsim.load("backfill"), 50) is not None  # warned: more than seconds
    assert S.check_work(defsim.load("textbook"), 100) is None


# --- presets: the exercises, one click each ----------------------------------------------------------


def _parsed(argv: list[str]) -> dict:
    out: dict = {"set": [], "figure": [], "vary": []}
    i = 3
    while i < len(argv):
        opt = argv[i].removeprefix("--")
        if opt == "no-plot":
            i += 1
            continue
        if opt in out:
            out[opt].append(argv[i + 1])
        elif opt != "out":
            out[opt] = argv[i + 1]
        i += 2
    return {"scenario": argv[2], **out}


@pytest.mark.parametrize("preset", presets.PRESETS, ids=lambda p: p.exercise)
def test_every_preset_is_an_exercises_own_sweep(preset):
    page = (ROOT / "docs" / "exercises" / f"{preset.exercise}.md").read_text()
    runs = [_parsed(shlex.split(line[2:])) for line in page.splitlines() if line.startswith("$ defsim sweep")]
    assert _parsed(shlex.split(preset.command())) in runs
    assert len(preset.values) == len(preset.labels)
    base = defsim.load(preset.scenario, list(preset.sets))  # its --set lines load
    S.check_work(base, preset.reps * len(preset.values))  # and the page runs it (not refused)


def test_every_exercise_page_with_a_sweep_has_a_preset():
    with_sweep = {
        p.stem for p in (ROOT / "docs" / "exercises").glob("[0-9]*.md") if "$ defsim sweep" in p.read_text()
    }
    assert with_sweep <= {p.exercise for p in presets.PRESETS}


# --- the page, driven by Streamlit's harness ---------------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_loads_in_the_page(name):
    at = app(scenario=name)
    sc = defsim.load(name)
    assert at.title[0].value.replace("\\", "") == sc.spec.name
    assert sc.spec.question.strip() in unescape(texts(at))
    labels = [w.label for w in (*at.slider, *at.toggle, *at.date_input, *at.selectbox)]
    for knob in sc.spec.knobs:
        assert knob.label in labels


def test_moving_the_weekly_delivery_and_pressing_run_answers_in_words():
    at = app()  # textbook is the default
    at.button(key="run").click().run()
    first = unescape(at.success[0].value)
    assert first.startswith("The battery runs dry around day ")
    slider = next(s for s in at.slider if s.label == "Weekly delivery (rounds)")
    slider.set_value(28).run()
    at.button(key="run").click().run()
    assert not at.exception
    second = unescape(at.success[0].value)
    assert second.startswith("The battery runs dry around day ") and second != first
    # the address holds the set-up
    assert qp(at, "set") == ["deliveries.0.quantity=28"]
    assert qp(at, "scenario") == ["textbook"] and qp(at, "reps") == ["100"]
    # the compare tab reads the two runs' difference
    assert "against" in unescape(opened(at, "Compare").tabs[1].success[0].value)
    # and the take-away buttons are there
    assert not at.get("download_button")  # the share tab is drawn when open
    opened(at, "Share and download")
    assert {b.label for b in at.get("download_button")} >= {"Scenario (YAML)", "Results (CSV)"}


def test_a_shared_link_reproduces_the_setup_and_runs_it():
    at = app(
        scenario="textbook",
        set=["deliveries.0.quantity=1", "sites.Battery.doctrine.shots=1"],
        seed="5",
        reps="40",
        run="1",
    )
    sliders = {s.label: s.value for s in at.slider}
    assert sliders["Weekly delivery (rounds)"] == 1 and sliders["Rounds fired at each missile"] == 1
    assert at.number_input(key="seed").value == 5 and at.number_input(key="reps").value == 40
    run = S.execute(
        S.Setup(S.Source("textbook"), ("deliveries.0.quantity=1", "sites.Battery.doctrine.shots=1"), 5, 40)
    )
    assert unescape(at.success[0].value) == S.headline(run.result)[0]


def test_a_bad_link_says_so_on_the_first_page():
    """A shared link's bad set=, vary= or scenario= is said at once, not after the next click."""
    at = app(scenario="textbook", set=["sites.Battery.stok.interceptor=3"], seed="5")
    said = unescape(" ".join(e.value for e in at.error))
    assert "the link's settings" in said and "sites.Battery.stok.interceptor" in said
    assert at.number_input(key="seed").value == 5  # the rest of the link still holds
    at = app(scenario="textbook", vary="deliveries.0.quantity=14", run="1")
    assert "the link's vary= needs key=v1,v2" in unescape(" ".join(e.value for e in at.error))
    at = app(scenario="no_such_one")
    assert "the link names no shipped scenario 'no_such_one'" in unescape(" ".join(e.value for e in at.error))


def test_the_backfill_comparison_reads_its_sentence_from_a_shared_link():
    at = app(
        scenario="backfill",
        vary="transfers.0.enabled=true,false",
        label=["with backfill", "cut"],
        seed="2023",
        reps="12",
        run="1",
    )
    assert at.session_state["tab"] == "Compare"  # a shared comparison opens on it
    sentence = unescape(at.tabs[1].success[0].value)
    assert sentence.startswith("cut against with backfill:")
    assert "ballistic missile threats killed" in sentence and "fewer" in sentence


def test_a_preset_runs_the_exercise_and_compares():
    at = app(scenario="textbook", reps="20")
    at.sidebar.button(key="preset:01-days-until-dry").click().run()
    assert not at.exception
    sentence = unescape(opened(at, "Compare").tabs[1].success[0].value)
    assert sentence.startswith("no delivery against weekly delivery:")
    assert qp(at, "vary") == ["deliveries.0.at=7d,41d"]


def test_a_single_run_shows_the_exact_stock():
    at = app(scenario="nightly_raids", reps="1")
    at.button(key="run").click().run()
    assert not at.exception
    assert unescape(at.success[0].value).startswith("The battery runs dry on ")
    assert len(at.get("plotly_chart")) == 1


def test_an_engine_fault_is_an_internal_error_not_the_users(monkeypatch):
    """A ValueError from inside the engine is defsim's bug: the page says so (escaped), the
    student's scenario is not blamed, and the page lives on (issue 18)."""
    import defsim.analysis.execution as execution

    def broken(*args, **kwargs):
        raise ValueError("engine broke <b>*here*</b>")

    monkeypatch.setattr(execution, "simulate", broken)
    at = app()
    at.button(key="run").click().run()
    assert not at.exception
    shown = [unescape(e.value) for e in at.error]
    assert len(shown) == 1, shown
    assert "this is a bug in defsim, not a problem with your scenario" in shown[0]
    assert "ValueError: engine broke <b>*here*</b>" in shown[0]
    assert not shown[0].startswith("error:")
    assert r"\<b\>" in at.error[0].value  # escaped: no markup of the message reaches the page
    assert not at.success  # no answer was made up
    # a user's error still reads as the user's, in the CLI's words
    monkeypatch.undo()
    slider = next(s for s in at.slider if s.label == "Weekly delivery (rounds)")
    slider.set_value(28).run()
    at.button(key="run").click().run()
    assert not at.error and at.success


def test_which_futures_run_us_dry_finds_a_box_in_words():
    """Issue 22: the discovery tab samples futures over two knobs' ranges and names the box."""
    pytest.importorskip("prim")
    at = app()
    assert not at.tabs[2].children  # drawn when open
    tab = opened(at, "Which futures run us dry?").tabs[2]
    assert [s.label for s in tab.slider] == [
        "Weekly delivery (rounds): from .. to",
        "Rounds at the start: from .. to",
    ]
    figure = next(w for w in tab.selectbox if w.label == "Condition: the figure")
    assert figure.value == "sites.Battery.by_interceptor.interceptor.days_empty"
    next(n for n in tab.number_input if n.label == "Futures").set_value(40).run()
    at.button(key=next(b.key for b in at.button if b.key.startswith("dsc_run"))).click().run()
    assert not at.exception and not at.error
    tab = at.tabs[2]
    head = unescape(tab.success[0].value)
    n = int(head.split(" of 40 futures")[0])
    assert 0 < n < 40, head  # some futures run dry, some do not: there is a box to find
    box = unescape(next(m.value for m in tab.markdown if m.value.startswith("**the box")))
    assert "deliveries.0.quantity" in box or "sites.Battery.stock.interceptor" in box
    assert "what matters most" in unescape(texts(at))
    assert len(tab.get("plotly_chart")) == 2  # the trade-off and the ranking
    # the same futures as defsim.discover gives on its own
    r = defsim.discover(
        "textbook",
        ["deliveries.0.quantity=1..56", "sites.Battery.stock.interceptor=0..400"],
        when="sites.Battery.by_interceptor.interceptor.days_empty > 0",
        samples=40,
        seed=defsim.load("textbook").seed,
        workers=1,
    )
    assert r.answers()[0] == head
    cli = unescape(next(c.value for c in tab.caption if "command line" in c.value))
    assert cli.endswith(
        "defsim discover textbook --range deliveries.0.quantity=1..56 "
        "--range sites.Battery.stock.interceptor=0..400 "
        "--when 'sites.Battery.by_interceptor.interceptor.days_empty > 0' --samples 40 --seed 1"
    )


def test_which_futures_without_the_discover_extra_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "prim" else real(n, *a))
    at = opened(app(), "Which futures run us dry?")
    assert 'pip install ".[discover]"' in unescape(at.tabs[2].info[0].value)
    assert not at.tabs[2].slider  # nothing to run without it


def test_uploads_good_bad_and_hostile():
    at = app()
    good = (
        (SCENARIOS / "nightly_raids.yaml")
        .read_bytes()
        .replace(b"name: Nightly raids on one battery", b'name: "<script>alert(1)</script> **x**"')
    )
    at.sidebar.file_uploader[0].set_value(("mine.yaml", good, "text/yaml")).run()
    assert not at.exception
    # a name is shown literally: markup escaped, never run
    assert unescape(at.title[0].value) == "<script>alert(1)</script> **x**"
    assert "\\<script\\>" in at.title[0].value and "\\*\\*x\\*\\*" in at.title[0].value
    at.button(key="run").click().run()
    assert unescape(at.success[0].value).startswith("The battery runs dry")
    for data, expected in (
        (b"name: [unclosed", "is not a valid scenario"),
        (b"name: x\xffy\n", "not UTF-8"),
        (b"a: " + b"[" * 3000 + b"]" * 3000, "nested"),
    ):
        at.sidebar.file_uploader[0].set_value(("bad.yaml", data, "text/yaml")).run()
        assert not at.exception
        assert expected in unescape(at.error[0].value)


def test_the_report_is_self_contained_and_escapes_names():
    from defsim.explore import report

    run = S.execute(S.Setup(S.Source("textbook"), (), 1, 10))
    page = report.page(
        "<b>x</b>", "why?", [("h", ["line <i>"], [{"a": "<td>"}], [charts.fan(run.result)])], "f"
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "line &lt;i&gt;" in page and "&lt;td&gt;" in page
    # self-contained: plotly.js inlined (megabytes), nothing fetched from elsewhere
    assert len(page) > 1_000_000 and "<script src=" not in page


# --- the command -------------------------------------------------------------------------------------


def test_explore_without_the_extra_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "streamlit" else real(n, *a))
    r = CliRunner().invoke(main, ["explore", "--no-browser"])
    assert r.exit_code == 2
    assert 'pip install "defsim[explorer]"' in r.output and "missing: streamlit" in r.output


def test_explore_checks_the_scenario_first():
    r = CliRunner().invoke(main, ["explore", "no_such_scenario", "--no-browser"])
    assert r.exit_code == 2 and "no such file" in r.output


def test_the_cli_never_imports_streamlit():
    code = "import sys, defsim.cli; sys.exit('streamlit' in sys.modules or 'plotly' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_every_shipped_knob_block_is_kept_in_the_shipped_yaml_copy():
    # `defsim show NAME` prints the file: knobs travel with it
    r = CliRunner().invoke(main, ["show", "textbook"])
    assert "knobs:" in r.output and copy.deepcopy(r.output).count("- key:") == len(
        defsim.load("textbook").spec.knobs
    )


def test_the_server_preloads_the_page_where_it_listens():
    """defsim.explore.serve is `streamlit run` that listens where its options say, the page loaded."""
    from defsim.cli.explore import server_command
    from defsim.explore import serve

    argv = server_command("0.0.0.0", 8765)[3:]
    assert argv[0].endswith("app.py") and serve._where(argv) == ("0.0.0.0", 8765)
    assert serve._where(server_command("10.1.2.3", 9)[3:]) == ("10.1.2.3", 9)
    assert serve._where(["app.py"]) is None and serve._where(server_command("::", 0)[3:]) is None
    serve.preload()
    assert all(name in sys.modules for name in serve.PAGE)


def _nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def test_the_server_listens_at_once_and_its_replies_are_not_held_back(monkeypatch):
    """Streamlit's listening socket, as Streamlit makes it, leaves Nagle's algorithm on the
    connections asyncio accepts (each reply after a connection's first waited 40 ms); the server's
    is TCP with TCP_NODELAY, and the one listening before Streamlit started is the one it serves on."""
    import asyncio

    from streamlit.web.server.starlette import starlette_server

    from defsim.explore import serve

    monkeypatch.setattr(starlette_server, serve.BIND, getattr(starlette_server, serve.BIND))  # restored after

    def accepted(listening: socket.socket) -> bool:
        """Whether a connection accepted by asyncio on ``listening`` has TCP_NODELAY."""

        async def go() -> bool:
            seen: list[bool] = []

            async def handle(_r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
                seen.append(_nodelay(w.get_extra_info("socket")))
                w.close()

            server = await asyncio.start_server(handle, sock=listening)
            port = listening.getsockname()[1]
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            while not seen:
                await asyncio.sleep(0.01)
            w.close()
            server.close()
            return seen[0]

        return asyncio.run(go())

    plain = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 16)[0]
    assert not accepted(plain), "Streamlit's socket now has TCP_NODELAY: is the hand-over still needed?"
    assert serve.hand_over() is True
    made = starlette_server._bind_server_socket("127.0.0.1", "127.0.0.1", 0, 16)[0]
    assert made.proto == socket.IPPROTO_TCP and _nodelay(made) and accepted(made)
    early = serve.listen_early("127.0.0.1", 0)
    assert early is not None
    where = ("127.0.0.1", early.getsockname()[1])
    monkeypatch.setitem(serve._early, where, early)
    # a client connecting before Streamlit takes the socket over is answered once it has
    client = socket.create_connection(where, 1)
    assert starlette_server._bind_server_socket(*where[:1], *where, 16)[0] is early and not serve._early
    # the port taken, no socket listens early: Streamlit binds, and says so, as it always did
    assert serve.listen_early(*where) is None
    assert accepted(early)
    client.close()
    # Streamlit binding the port under another name for the address (an empty --host was one):
    # the early socket is closed and Streamlit binds its own, instead of "port in use"
    early = serve.listen_early("127.0.0.1", 0)
    assert early is not None
    port = early.getsockname()[1]
    monkeypatch.setitem(serve._early, ("127.0.0.1", port), early)
    own = starlette_server._bind_server_socket("localhost", "localhost", port, 16)[0]
    assert own is not early and early.fileno() == -1 and not serve._early
    own.close()
    assert serve._where(["--server.address", "", "--server.port", "8501"]) == ("0.0.0.0", 8501)
    # a Streamlit without the function where it is expected: nothing is replaced
    monkeypatch.delattr(starlette_server, serve.BIND)
    assert serve.hand_over() is False and not hasattr(starlette_server, serve.BIND)


def test_the_server_skips_streamlits_component_scan_and_falls_back_when_streamlit_moves_it(monkeypatch):
    """The page uses no custom component, so the server skips Streamlit's scan of every installed
    package for them; a Streamlit without the scan where it is expected is left to scan as before."""
    import importlib.metadata

    from streamlit.components.v2 import manifest_scanner
    from streamlit.components.v2.component_manager import BidiComponentManager

    from defsim.explore import serve

    monkeypatch.setattr(manifest_scanner, serve.SCAN, getattr(manifest_scanner, serve.SCAN))  # restored after
    read: list[int] = []
    real = importlib.metadata.distributions
    monkeypatch.setattr(importlib.metadata, "distributions", lambda *a, **k: read.append(1) or real(*a, **k))
    BidiComponentManager().discover_and_register_components(start_file_watching=False)
    assert read, "Streamlit's runtime no longer scans the packages as expected: is the skip still needed?"
    read.clear()
    assert serve.skip_component_scan() is True
    BidiComponentManager().discover_and_register_components(start_file_watching=False)  # as the runtime does
    assert read == []  # skipped: no package's metadata read
    # a Streamlit that moved or renamed it: nothing is replaced, nothing fails, the scan runs as before
    monkeypatch.delattr(manifest_scanner, serve.SCAN)
    assert serve.skip_component_scan() is False and not hasattr(manifest_scanner, serve.SCAN)
    monkeypatch.setitem(sys.modules, "streamlit.components.v2.manifest_scanner", None)  # no such module
    assert serve.skip_component_scan() is False


def test_a_table_shows_its_strings_literally():
    """st.table reads cells, headers and index as Markdown: a knob's value, a figure's or a site's
    name (the user's strings) must show as written, not as a link, an image or bold text."""

    def page() -> None:
        from defsim.explore.ui import table

        table([{"knob [x](http://e)": "**bold**", "#1": "![i](http://e/i.png)", "#2": 3.5, "low": None}])

    at = AppTest.from_function(page, default_timeout=600)
    at.run()
    assert not at.exception
    frame = at.table[0].value
    assert list(frame.index) == [r"\*\*bold\*\*"]
    assert frame.index.name == r"knob \[x\]\(http\://e\)"
    assert frame.iloc[0, 0] == r"\!\[i\]\(http\://e/i\.png\)" and frame.iloc[0, 1] == 3.5
    assert frame.iloc[0, 2] == ""  # a missing value is blank, as the data grid showed it, not "None"


def test_the_heavy_imports_wait_for_the_first_page_unless_a_run_needs_them(monkeypatch):
    """ui.Warm waits (the browser is still loading the first page's widgets from the server) but a
    script run does not wait that out: the page's script sets it going, then waits for it."""
    from defsim.explore import ui

    monkeypatch.setattr(ui, "WARM_AFTER", 5.0)  # without the script's go it would take this long
    t = ui.Warm()
    t.start()
    t.join(0.3)
    assert t.is_alive() and not t.go.is_set()  # waiting, importing nothing yet
    app()  # the page's first run (it asserts the run raised nothing)
    assert t.go.is_set() and not t.is_alive()  # told to go by the script, which waited for it
