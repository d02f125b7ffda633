"""A discovery's section of the HTML report: the answer in words, the boxes, the ranking, the plots.

Built with the report's own pieces (:mod:`defsim.io.report`): one self-contained page, every
string from the user or the scenario escaped.
"""

from __future__ import annotations

from typing import Any

from .._version import __version__
from .report_html import CSS, captioned_plot, e, table


def section(result: Any) -> str:
    """The discovery's section: answer, boxes, ranking, plots."""
    from .plot_discover import draw

    parts = ['<h2>Which futures? What matters?</h2><ul class="answers">']
    parts += [f"<li>{e(line.strip())}</li>" for line in result.answers()]
    parts.append("</ul>")
    for k, box in enumerate(result.boxes):
        s = box.stats
        parts.append(
            f"<h2>Box {k + 1}</h2><p>coverage {s['coverage']:.0%}, density {s['density']:.0%}, "
            f"mass {s['mass']:.0%} (step {box.chosen} of the peeling trajectory)</p>"
        )
        rows = []
        for key, r in box.limits.items():
            where = ", ".join(r["values"]) if "values" in r else f"{r['low'] or '-'} to {r['high'] or '-'}"
            rows.append([e(key), e(where), f"{r['quasi_p']:.2g}"])
        parts.append(table(["key", "restricted to", "quasi-p-value"], rows))
    rk = result.ranking
    parts.append(f"<h2>Ranking</h2><p>{e(rk.method)}{'; ' + e(rk.note) if rk.note else ''}</p>")
    if rk.scores and rk.scores[0].low is not None:
        rows = [
            [
                e(s.key),
                f"{s.score:.3f} [{s.low:.3f}, {s.high:.3f}]",
                f"{s.first:.3f} [{s.first_low:.3f}, {s.first_high:.3f}]",
            ]
            for s in rk.scores
        ]
        parts.append(table(["key", "total order ST [95%]", "first order S1 [95%]"], rows))
    elif rk.scores:
        parts.append(
            table(
                ["key", "distance", "p-value"],
                [[e(s.key), f"{s.score:.3f}", f"{s.p_value:.2g}"] for s in rk.scores],
            )
        )
    captions = {
        "tradeoff": "PRIM peeling trajectory: coverage against density; the chosen box ringed.",
        "box_scatter": "The futures over the chosen box's keys; dashed: the box's limits.",
        "ranking": "How much each uncertain key matters.",
    }
    figs = draw(result)
    parts += [
        captioned_plot(figs[name], captions[name])
        for name in ("tradeoff", "box_scatter", "ranking")
        if name in figs
    ]
    return "\n".join(parts)


def render(result: Any, command: str = "", scenario_yaml: str = "") -> str:
    """The whole page of a discovery."""
    sc = result.scenario
    parts = [f"<h1>{e(sc.name)}: scenario discovery</h1>"]
    if sc.description:
        parts.append(f"<p>{e(sc.description)}</p>")
    if sc.provenance:
        parts.append(f'<p class="prov"><b>Provenance:</b> {e(sc.provenance)}</p>')
    d = result.summary
    parts.append(
        f'<p class="meta">{e(d["futures"])} futures ({e(d["sampling"])}), {e(d["reps"])} replication(s) '
        f"each, seed {e(d['seed'])}</p>"
    )
    rows = [
        [e(u["key"]), e(", ".join(u["choices"]) if "choices" in u else f"{u['low']} to {u['high']}")]
        for u in d["uncertainties"]
    ]
    parts.append("<h2>Uncertain keys</h2>" + table(["key", "values sampled"], rows))
    parts.append(section(result))
    if scenario_yaml:
        parts.append(
            "<h2>Scenario</h2><details><summary>scenario.yaml (as run)</summary>"
            f"<pre>{e(scenario_yaml)}</pre></details>"
        )
    cmd = command or "defsim discover scenario.yaml ..."
    parts.append(f"<h2>Reproduce</h2><p>defsim {e(__version__)}</p><pre><code>{e(cmd)}</code></pre>")
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(sc.name)} — defsim discovery</title><style>{CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
    )
