"""The pieces of defsim's HTML reports: the stylesheet, escaping, tables, figures as data URIs,
and the plan a report names figures by.  Every string from the user or a file goes through
``html.escape`` (:func:`e`).
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis.answers import figure_label
from ..analysis.views import ComparisonView, EnsembleView, View
from .as_run import AsRun
from .files import read_nofollow

CSS = """
:root { --ink: #1a1a1a; --soft: #555; --line: #d0d0d0; --warn: #a33a00; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 62rem; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid var(--line); }
.meta, .prov { color: var(--soft); } .answers li { margin: .3rem 0; }
.question { font-size: 1.1rem; margin: .6rem 0 .2rem; } ul.answers:first-of-type { font-size: 1.05rem; }
table { border-collapse: collapse; margin: .6rem 0; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem; text-align: right;
         vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
td.diff { color: var(--soft); font-size: .9em; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--soft); font-size: .9em; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .8rem; }
code { font-size: .9em; }
@page { margin: 14mm; }  /* fits A4 (210 x 297 mm) and Letter (216 x 279 mm) */
@media print {
  body { font-size: 10.5pt; max-width: none; margin: 0; padding: 0; }
  /* a heading stays with what follows; a figure, a short table, an answer never split */
  h1, h2 { break-after: avoid; } figure, li, tr { break-inside: avoid; }
  table { break-inside: auto; } thead { display: table-header-group; }  /* long tables repeat heads */
  /* a tall figure (many routes or sites) is scaled to fit one page of A4 or Letter */
  figure img { max-height: 225mm; width: auto; max-width: 100%; border: 0; }
  figcaption { break-before: avoid; }
  /* greyscale printers: rules and captions dark enough to see, no tinted backgrounds */
  :root { --soft: #333; --line: #888; } pre { background: none; border: 1px solid var(--line); }
  details > pre { white-space: pre-wrap; } details { display: block; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def plain(meaning: str) -> str:
    """A figure's meaning without the registry's notes on nulls (a reader sees 'never')."""
    return figure_label(meaning)


def png(fig: Any, dpi: int = 100) -> str:
    if isinstance(fig, Path):  # the folder's own file: the same picture, already drawn
        data = fig.read_bytes()
    else:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        data = buf.getvalue()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def drawn(view: View, name: str, draw: Callable[[], Any]) -> Any:
    """The folder's ``name``.png when it has one (drawn from the same files: drawing it again
    would double the time a report takes), else the plot drawn now (None: nothing to draw)."""
    png = view.folder / f"{name}.png"
    return png if png.is_file() else draw()


def captioned_plot(fig: Any, caption: str) -> str:
    """A plot (a matplotlib Figure or a PNG file) as an HTML ``<figure>`` with its caption."""
    if fig is None:
        return ""
    return f'<figure><img alt="{e(caption)}" src="{png(fig)}"><figcaption>{e(caption)}</figcaption></figure>'


def table(head: list[str], rows: list[list[str]], cls: list[str] | None = None) -> str:
    out = ["<table><thead><tr>", *(f"<th>{e(h)}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return "".join(out) + "</tbody></table>"


# --- values by kind -----------------------------------------------------------------------


#: the plan of a folder's scenario as run (None if it cannot be built): the registry names figures
#: by it.  Given by the caller: building a plan needs the schema, which the io layer does not import.
PlanOf = Callable[[AsRun], Any]


def no_plan(as_run: AsRun) -> Any:
    return None


def plan_ran(view: EnsembleView | ComparisonView, plan_of: PlanOf) -> Any:
    """The plan the results ran: known in memory, built by ``plan_of`` for a folder."""
    return view.as_run.plan if view.as_run.plan is not None else plan_of(view.as_run)


# --- sections -----------------------------------------------------------------------------


#: the start of a report defsim wrote (``defsim report``), which it may replace
_REPORT = re.compile(
    rb"\A<!DOCTYPE html>\n<html[^>]*><head>.{0,400}?<title>.*? \xe2\x80\x94 defsim report</title>", re.S
)


def is_report(path: Path) -> bool:
    """Whether ``path`` is an HTML report defsim wrote (what ``defsim report -o`` may replace)."""
    data = read_nofollow(path, 1 << 16)
    return data is not None and _REPORT.match(data) is not None
