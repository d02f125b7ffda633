#!/usr/bin/env python3
"""defsim's performance benchmarks, measured against the plain-SimPy baseline in the same run.

    python benchmarks/run.py            # everything (about ten minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer replications and repeats (about two minutes)

Prints a Markdown table (the one in README.md's Performance section) and writes the figures to
benchmarks/results.json.  Wall times are the best of several repeats, baseline and defsim
interleaved, so that the ratios are fair on a noisy machine.  No test asserts a time.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import math
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE = ROOT / "benchmarks" / "baseline_simpy.py"

# defsim is imported as installed (pip install .), so the benchmark measures the compiled engine
import defsim  # noqa: E402
from defsim.analysis import RunAnalysis, theory  # noqa: E402
from defsim.engine.simulation import Simulation  # noqa: E402
from defsim.engine.site import Site as Site_  # noqa: E402
from defsim.plan.compiler import build  # noqa: E402
from defsim.scenario import from_dict  # noqa: E402


def load_baseline() -> Any:
    spec = importlib.util.spec_from_file_location("baseline_simpy", BASELINE)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot find the baseline at {BASELINE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best_of(repeats: int, fn: Any) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def defsim_single(plan: Any, record_events: bool) -> RunAnalysis:
    """One run as `defsim run` does it: exact stock series, summary (and the event log)."""
    result = RunAnalysis(Simulation(plan, 1, 0, record_events).run())
    _ = result.summary
    return result


def baseline_vs_defsim(repeats: int) -> dict[str, Any]:
    base = load_baseline()
    plan = build(defsim.load(HERE / "minimal_baseline.yaml").spec)
    n = 200_000
    times: dict[str, float] = {"baseline": math.inf, "defsim": math.inf, "defsim_events": math.inf}
    counters: dict[str, Any] = {}
    # interleaved, best of each; at least 7 rounds: on a shared virtual machine one round in
    # three or four runs 10-20% slow, and the best of three was not always a quiet one
    for _ in range(max(repeats, 7)):
        t, c = best_of(1, lambda: base.simulate(n, 1))
        times["baseline"] = min(times["baseline"], t)
        counters["baseline"] = c
        t, r = best_of(1, lambda: defsim_single(plan, False))
        times["defsim"] = min(times["defsim"], t)
        counters["defsim"] = r.summary
        t, _ = best_of(1, lambda: defsim_single(plan, True))
        times["defsim_events"] = min(times["defsim_events"], t)
    s = counters["defsim"]["totals"]
    b = counters["baseline"]
    arrived = s["arrived"]
    return {
        "baseline_threats_per_s": n / times["baseline"],
        "defsim_threats_per_s": arrived / times["defsim"],
        "defsim_with_event_log_threats_per_s": arrived / times["defsim_events"],
        "ratio": (arrived / times["defsim"]) / (n / times["baseline"]),
        "ratio_with_event_log": (arrived / times["defsim_events"]) / (n / times["baseline"]),
        "not_engaged_share": {
            "baseline": b["not_engaged"] / b["threats"],
            "defsim": (s["leaked_by_reason"]["saturated"] + s["leaked_by_reason"]["no_stock"]) / arrived,
            "erlang_b": theory.erlang_b(6, 20 * 0.25),
        },
        "kill_share": {"baseline": b["killed"] / b["threats"], "defsim": s["killed"] / arrived},
    }


def classroom_single(repeats: int) -> dict[str, Any]:
    sc = defsim.load(HERE / "classroom.yaml")
    plan = build(sc.spec)
    t, r = best_of(repeats, lambda: defsim_single(plan, True))
    t_noev, _ = best_of(repeats, lambda: defsim_single(plan, False))
    return {
        "threats": r.summary["totals"]["arrived"],
        "sites": len(sc.spec.sites),
        "seconds": t,
        "seconds_without_event_log": t_noev,
    }


ENSEMBLE_CODE = """
import json, resource, sys, time
import defsim
sc = defsim.load({path!r})
t = time.perf_counter()
e = defsim.run(sc, reps={reps}, workers={workers})
wall = time.perf_counter() - t
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak = main + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": wall, "peak_rss_mb_self_plus_largest_child": peak / 1024, "reps": e.reps,
                   "peak_rss_mb_main": main / 1024, "state_mb": e.collected.nbytes / 2**20}}))
"""


def ensemble(path: Path, reps: int, workers: int) -> dict[str, Any]:
    """An ensemble in a fresh process, so its peak memory is its own."""
    code = ENSEMBLE_CODE.format(path=str(path), reps=reps, workers=workers)
    # Linux carries a process's peak memory over fork and exec: started from this (large)
    # process, the ensemble would report this process's peak as its own.  A small shell forks it.
    fresh = ["/bin/sh", "-c", '"$0" -c "$1"; exit $?', sys.executable, code]
    out = subprocess.run(fresh, check=True, capture_output=True, text=True, cwd=HERE)
    return json.loads(out.stdout)


def scaling_threats(sizes: list[int]) -> list[dict[str, Any]]:
    base = defsim.load(HERE / "minimal_baseline.yaml").source.data
    rows = []
    for n in sizes:
        data = copy.deepcopy(base)
        data["duration"] = f"{n / 20}h"  # 20 threats an hour
        plan = build(from_dict(data).spec)
        t, r = best_of(2 if n <= 100_000 else 1, lambda plan=plan: defsim_single(plan, False))
        arrived = r.summary["totals"]["arrived"]
        rows.append({"threats": arrived, "seconds": t, "microseconds_per_threat": 1e6 * t / arrived})
    return rows


def scaling_sites(counts: list[int], threats: int = 20_000) -> list[dict[str, Any]]:
    base = defsim.load(HERE / "minimal_baseline.yaml").source.data
    rows = []
    for k in counts:
        data = copy.deepcopy(base)
        site = data["sites"].pop("Site")
        data["sites"] = {f"Site {i + 1}": copy.deepcopy(site) for i in range(k)}
        data["deliveries"] = [dict(data["deliveries"][0], to=f"Site {i + 1}") for i in range(k)]
        data["duration"] = f"{threats / 20}h"
        plan = build(from_dict(data).spec)
        t, r = best_of(3, lambda plan=plan: defsim_single(plan, False))
        arrived = r.summary["totals"]["arrived"]
        rows.append(
            {"sites": k, "threats": arrived, "seconds": t, "microseconds_per_threat": 1e6 * t / arrived}
        )
    return rows


def long_queue_data(per_day: int) -> dict[str, Any]:
    """A site whose threats wait long (time_to_impact 1 day) for few, slowly reloaded launchers."""
    return {
        "name": "long queue",
        "provenance": "notional, benchmark",
        "duration": "20d",
        "interceptors": {"I": {"pk": 0.7}},
        "threats": {"T": {"class": "cruise_missile", "time_to_impact": "1d"}},
        "sites": {
            "Site": {
                "interceptors": ["I"],
                "stock": {"I": 100000},
                "launchers": {"I": {"count": 1, "rounds": 1, "reload_time": "10m"}},
                "fire_channels": 8,
                "engagement_time": "1m",
            }
        },
        "attacks": [{"stream": {"rate": f"{per_day}/d", "threats": "T"}}],
    }


def long_queue(sizes: list[int]) -> list[dict[str, Any]]:
    """Serving a long waiting queue: the old rescanning queue against today's, same run, same plan."""
    import defsim.engine.simulation as simulation

    rows = []
    for per_day in sizes:
        plan = build(from_dict(long_queue_data(per_day)).spec)
        row: dict[str, Any] = {"threats_per_day": per_day}
        t, r = best_of(1, lambda plan=plan: defsim_single(plan, False))
        row["seconds_after"] = t
        try:
            from queue_before import QuadraticQueueSite  # type: ignore[import-not-found]

            simulation.Site = QuadraticQueueSite  # type: ignore[misc]
            t0, r0 = best_of(1, lambda plan=plan: defsim_single(plan, False))
            row["seconds_before"] = t0
            row["same_summary"] = r0.summary == r.summary
        except TypeError:  # a compiled engine cannot be subclassed: only today's figure
            row["seconds_before"] = None
        finally:
            simulation.Site = Site_  # type: ignore[misc]
        rows.append(row)
    return rows


def _wall(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its workers): on a shared machine the CPU
    time is the figure other users' load does not change."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def results_folders(repeats: int) -> dict[str, Any]:
    """Time to a results folder, end to end as a user types it (a fresh `defsim` process each
    time): every shipped scenario's `defsim run NAME` with its plots against the same run with
    `--no-plot`; the backfill sweep with `--report` against the same sweep with `--no-plot`;
    `defsim --version` and `defsim list`.  Medians of ``repeats``, the two timings interleaved."""
    import statistics
    import tempfile

    exe = [sys.executable, "-m", "defsim"]
    names = [p.stem for p in sorted((ROOT / "defsim" / "scenarios").glob("*.yaml"))]
    sweep = ["sweep", "backfill", "--vary", "transfers.0.enabled=true,false", "--reps", "50"]
    out: dict[str, Any] = {"runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)

        def pair(args: list[str], extra: list[str]) -> dict[str, float]:
            plot, bare = [], []
            for k in range(repeats):
                plot.append(_wall([*exe, *args, *extra, "-q", "--force", "--out", f"p{k}"], where))
                bare.append(_wall([*exe, *args, "--no-plot", "-q", "--force", "--out", f"n{k}"], where))
            p, n = statistics.median(w for w, _ in plot), statistics.median(w for w, _ in bare)
            pc, nc = statistics.median(c for _, c in plot), statistics.median(c for _, c in bare)
            row = {"seconds": p, "seconds_no_plot": n, "ratio": p / n, "cpu": pc, "cpu_no_plot": nc}
            print(f"  {' '.join(args)}: {row}", file=sys.stderr)
            return row

        for name in names:
            out["runs"][name] = pair(["run", name], [])
        out["sweep_report"] = pair(sweep, ["--report"])
        # start-up against Python's own (`python -c pass`), interleaved: the same load on both
        starts: dict[str, list[tuple[float, float]]] = {"python": [], "version": [], "list": []}
        for _ in range(max(3 * repeats, 9)):
            starts["python"].append(_wall([sys.executable, "-c", "pass"], where))
            starts["version"].append(_wall([*exe, "--version"], where))
            starts["list"].append(_wall([*exe, "list"], where))
        for what, times in starts.items():
            out[what] = statistics.median(w for w, _ in times)
            out[f"{what}_cpu"] = statistics.median(c for _, c in times)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer replications and repeats")
    ap.add_argument(
        "--folders", action="store_true", help="only the time to a results folder (`defsim run`, sweeps)"
    )
    ap.add_argument("--repeats", type=int, default=None, help="repeats of each timing (median)")
    args = ap.parse_args()
    repeats = 2 if args.quick else 3
    reps = 200 if args.quick else 1000
    import defsim.engine.site as hot

    out: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": defsim.analysis.default_workers(),
            "platform": platform.platform(),
        },
        "quick": args.quick,
        "engine": "pure Python" if hot.__file__.endswith(".py") else "compiled (mypyc)",
    }
    print("time to a results folder ...", file=sys.stderr)
    out["results_folders"] = results_folders(args.repeats or (3 if args.quick or args.folders else 5))
    if args.folders:
        print(folders_report(out))
        return
    print("baseline vs defsim ...", file=sys.stderr)
    out["baseline"] = baseline_vs_defsim(repeats)
    print("classroom, one run ...", file=sys.stderr)
    out["classroom_single"] = classroom_single(repeats)
    print(f"classroom, {reps} replications on 1 and 2 workers ...", file=sys.stderr)
    one = ensemble(HERE / "classroom.yaml", reps, 1)
    two = ensemble(HERE / "classroom.yaml", reps, 2)
    out["classroom_ensemble"] = {
        "reps": reps,
        "workers_1": one,
        "workers_2": two,
        "speedup_2_vs_1": one["seconds"] / two["seconds"],
    }
    light = ROOT / "defsim" / "scenarios" / "textbook.yaml"
    print("memory: year-long ensembles of 1,000, 10,000 and 100,000 replications ...", file=sys.stderr)
    year = HERE / "_year.yaml"
    year.write_text(light.read_text().replace("duration: 40d", "duration: 1yr"))
    try:
        out["memory"] = {
            str(n): ensemble(year, n, 2) for n in ((1000, 2000) if args.quick else (1000, 10000, 100_000))
        }
    finally:
        year.unlink()
    print("scaling ...", file=sys.stderr)
    out["scaling_threats"] = scaling_threats(
        [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    )
    out["scaling_sites"] = scaling_sites([1, 3, 12, 48])
    print("long waiting queue, before/after ...", file=sys.stderr)
    sys.path.insert(0, str(HERE))
    out["long_queue"] = long_queue([2000] if args.quick else [2000, 6000])
    (HERE / "results.json").write_text(json.dumps(out, indent=2) + "\n")
    print(report(out))


def folders_report(o: dict[str, Any]) -> str:
    f = o["results_folders"]
    lines = [
        f"| `defsim run {name}`: time to a results folder with its plots / with `--no-plot` (CPU) | "
        f"{r['seconds']:.2f} s / {r['seconds_no_plot']:.2f} s = **{r['ratio']:.2f}x** "
        f"({r['cpu']:.2f} / {r['cpu_no_plot']:.2f} CPU s) | <= 2.5 s |"
        for name, r in f["runs"].items()
    ]
    s = f["sweep_report"]
    lines.append(
        "| `defsim sweep backfill --vary transfers.0.enabled=true,false --reps 50`: `--report` / `--no-plot` | "
        f"{s['seconds']:.2f} s / {s['seconds_no_plot']:.2f} s = **{s['ratio']:.2f}x** "
        f"({s['cpu']:.2f} / {s['cpu_no_plot']:.2f} CPU s) | <= 1.5x |"
    )
    lines.append(
        f"| `defsim --version` / `defsim list` (`python -c pass`: {f.get('python', float('nan')):.2f} s) | "
        f"{f['version']:.2f} s / {f['list']:.2f} s "
        f"({f['version_cpu']:.2f} / {f['list_cpu']:.2f} CPU s) | < 0.4 s |"
    )
    return "\n".join(lines)


def report(o: dict[str, Any]) -> str:
    b, c, e = o["baseline"], o["classroom_single"], o["classroom_ensemble"]
    ne = b["not_engaged_share"]
    lines = [
        f"defsim engine: {o['engine']}",
        "",
        "| benchmark | measured | target |",
        "|---|---|---|",
        f"| baseline (plain SimPy, `benchmarks/baseline_simpy.py`, 200k threats) | "
        f"{b['baseline_threats_per_s']:,.0f} threats/s | - |",
        f"| defsim on `benchmarks/minimal_baseline.yaml`: stock series + summary | "
        f"{b['defsim_threats_per_s']:,.0f} threats/s = **{b['ratio']:.2f}x baseline** | >= 2x |",
        f"| the same with the full event log | {b['defsim_with_event_log_threats_per_s']:,.0f} threats/s = "
        f"**{b['ratio_with_event_log']:.2f}x baseline** | - |",
        f"| share not engaged: baseline / defsim / Erlang B(6, 5) | {ne['baseline']:.4f} / {ne['defsim']:.4f} / "
        f"{ne['erlang_b']:.4f} | agree |",
        f"| kill share: baseline / defsim | {b['kill_share']['baseline']:.4f} / {b['kill_share']['defsim']:.4f} | "
        "agree |",
        f"| classroom year ({c['sites']} sites, {c['threats']:,} threats, supply network), one run with event "
        f"log | {c['seconds']:.2f} s ({c['seconds_without_event_log']:.2f} s without) | < 1 s |",
        f"| classroom, {e['reps']} replications, 1 worker | {e['workers_1']['seconds']:.1f} s | - |",
        f"| classroom, {e['reps']} replications, 2 workers | {e['workers_2']['seconds']:.1f} s, "
        f"**{e['speedup_2_vs_1']:.2f}x** faster than 1 | < 40 s, >= 1.7x |",
    ]
    for n, m in o["memory"].items():
        lines.append(
            f"| year-long ensemble, {int(n):,} replications, 2 workers: peak memory | "
            f"{m['peak_rss_mb_self_plus_largest_child']:.0f} MB (main process {m['peak_rss_mb_main']:.0f} MB, "
            f"statistics held {m['state_mb']:.1f} MB), {m['seconds']:.1f} s | flat in replications |"
        )
    for r in o["scaling_threats"]:
        lines.append(
            f"| {r['threats']:,} threats, one run | {r['seconds']:.2f} s, "
            f"{r['microseconds_per_threat']:.1f} us/threat | linear |"
        )
    for r in o["scaling_sites"]:
        lines.append(
            f"| {r['sites']} sites, {r['threats']:,} threats in all | {r['seconds']:.2f} s, "
            f"{r['microseconds_per_threat']:.1f} us/threat | flat |"
        )
    for r in o.get("long_queue", []):
        before = "-" if r["seconds_before"] is None else f"{r['seconds_before']:.2f} s"
        lines.append(
            f"| long waiting queue (time_to_impact 1d, one launcher), {r['threats_per_day']:,} threats/day: "
            f"before / after | {before} / {r['seconds_after']:.2f} s | linear |"
        )
    return "\n".join(lines) + "\n" + folders_report(o)


if __name__ == "__main__":
    main()
