"""The explorer's take-away page: what is on screen as one self-contained HTML file.

Text is escaped (the scenario's names are the user's); the charts are Plotly's own HTML with
plotly.js inlined once, so the file opens offline and needs nothing else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
.answer { background: #eef6ee; border-left: 4px solid #2ca02c; padding: .6em 1em; }
table { border-collapse: collapse; font-size: .9em; } td, th { border: 1px solid #ccc; padding: .25em .6em; }
code { background: #f3f3f3; padding: 0 .25em; }
"""


def _table(rows: Sequence[dict[str, Any]]) -> str:
    if not rows:
        return ""
    cols = list(rows[0])
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in cols) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def page(
    title: str,
    question: str,
    sections: Sequence[tuple[str, Sequence[str], Sequence[dict[str, Any]], Sequence[Any]]],
    footer: str,
) -> str:
    """An HTML page: title and question, then per section its heading, answer lines, table and
    Plotly figures."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    if question:
        parts.append(f"<p><em>{html.escape(question)}</em></p>")
    plotly_js: Any = "inline"
    for heading, lines, rows, figures in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        for k, line in enumerate(lines):
            cls = " class='answer'" if k == 0 else ""
            parts.append(f"<p{cls}>{html.escape(line)}</p>")
        parts.append(_table(rows))
        for fig in figures:
            parts.append(fig.to_html(full_html=False, include_plotlyjs=plotly_js))
            plotly_js = False  # once per page
    parts.append(f"<p><small>{html.escape(footer)}</small></p></body></html>")
    return "\n".join(parts)
