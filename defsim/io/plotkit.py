"""What every plot shares: a colour-blind-safe palette, literal text, calendar axes, markers.

Colours are Okabe-Ito (safe for the common colour-vision deficiencies); each interceptor type
or variant also gets its own line style, so a plot printed in greyscale still reads.  User
strings go through :func:`lit` so a name with ``$`` is shown as written, never as mathtext.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .markers import DECISION, RAID, Marker
from .text import drawable, lit, text_size

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
LEAK = "#D55E00"
KILL = "#0072B2"
EMPTY = "#D55E00"
GREY = "#555555"
MARKER_STYLE = {RAID: ("v", "#444444", "--"), DECISION: ("D", "#7a0177", "-.")}


def color(k: int) -> str:
    return OKABE_ITO[k % len(OKABE_ITO)]


def style(k: int) -> Any:
    return STYLES[k % len(STYLES)]


def x_of(times: Any, start: dt.datetime | None) -> Any:
    """Days after the start as matplotlib x values: dates with a calendar, else days."""
    t = np.asarray(times, dtype=float)
    if start is None:
        return t
    return np.datetime64(start, "s") + (t * 86400).astype("timedelta64[s]")


def date_ticks(start: dt.datetime, duration: float, most: int = 8) -> tuple[list[float], list[str]]:
    """Tick positions (days after the start) and their labels for a calendar axis, computed once:
    '1 Feb' every few days or weeks, 'Feb' every few months, with the year on the first tick and
    at each new year (no lone corner offset such as '2024-Mar').  At most about ``most`` ticks,
    as matplotlib's date locator would choose, but as plain lists: no per-tick callback when drawn."""
    end = start + dt.timedelta(days=duration)
    base = dt.datetime(start.year, start.month, start.day)  # ticks at midnight
    ticks: list[dt.datetime] = []
    monthly = False
    for days in (1, 2, 3, 7, 14):
        if duration / days < most:
            first = base if base >= start else base + dt.timedelta(days=1)
            n = int((end - first).total_seconds() // (86400 * days)) + 1
            ticks = [first + dt.timedelta(days=days * k) for k in range(n)]
            break
    else:
        monthly = True
        for months in (1, 2, 3, 4, 6, 12, 24, 60, 120, 240, 600):
            if duration / (30.44 * months) < most:
                break
        # the first day of a month that is a multiple of the step (Jan, Apr, Jul, Oct for 3)
        k = start.year * 12 + start.month - 1
        if start != dt.datetime(start.year, start.month, 1):
            k += 1
        k = -(-k // months) * months
        while True:
            d = dt.datetime(k // 12, k % 12 + 1, 1)
            if d > end:
                break
            ticks.append(d)
            k += months
    labels = []
    for j, d in enumerate(ticks):
        text = f"{d:%b}" if monthly else f"{d.day} {d:%b}"
        if j == 0 or ticks[j - 1].year != d.year:
            text += f"\n{d.year}"
        labels.append(text)
    return [(d - start).total_seconds() / 86400 for d in ticks], labels


def time_axis(
    ax: Axes, start: dt.datetime | None, duration: float, label: bool = True, width_in: float = 6.4
) -> None:
    """An x axis from 0 to the end that reads unambiguously (see :func:`date_ticks`), or days;
    no more dates than fit side by side on ``width_in`` inches.  The ticks are fixed lists:
    drawing never calls back into Python per tick."""
    ax.set_xlim(x_of([0.0], start)[0], x_of([duration], start)[0])
    if label:
        ax.set_xlabel("date" if start is not None else "day of the run")
    if start is None:
        return
    from matplotlib.dates import date2num
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    days, labels = date_ticks(start, duration, min(8, max(3, int(width_in / 0.6))))
    at = date2num(x_of(days, start)) if days else []
    ax.xaxis.set_major_locator(FixedLocator(at))
    ax.xaxis.set_major_formatter(FixedFormatter(labels))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.get_offset_text().set_visible(False)


def text_width_days(label: str, width_in: float, duration: float, fontsize: float = 7) -> float:
    """How many days of an x axis ``width_in`` inches wide a label takes (to keep labels apart)."""
    return (text_size(label, fontsize)[0] * 1.04 + 0.2) / max(width_in, 0.1) * duration


def label_rows(times: Sequence[float], widths: Sequence[float], gap: float) -> list[int]:
    """A row for each label (in time order) so no two labels in a row overlap: greedy, lowest row."""
    ends: list[float] = []
    rows = []
    for t, w in zip(times, widths, strict=True):
        for r, end in enumerate(ends):
            if t >= end + gap:
                ends[r] = t + w
                rows.append(r)
                break
        else:
            ends.append(t + w)
            rows.append(len(ends) - 1)
    return rows


def _xnum(xs: Any, start: dt.datetime | None) -> np.ndarray:
    """x values as the plain numbers a transform takes (matplotlib's date numbers for dates)."""
    if start is None:
        return np.asarray(xs, dtype=float)
    from matplotlib.dates import date2num

    return np.asarray(date2num(xs), dtype=float)


def vlines_through(ax: Axes, times: Sequence[float], start: dt.datetime | None, **kw: Any) -> None:
    """Faint vertical lines at ``times`` from the bottom to the top of ``ax``: one collection,
    not an artist per line, and the data limits left as they are."""
    if not len(times):
        return
    from matplotlib.collections import LineCollection

    xs = _xnum(x_of(times, start), start)
    segs = np.stack([np.column_stack([xs, np.zeros(len(xs))]), np.column_stack([xs, np.ones(len(xs))])], 1)
    ax.add_collection(LineCollection(list(segs), transform=ax.get_xaxis_transform(), **kw), autolim=False)


def draw_markers(
    strip: Axes | None,
    markers: Sequence[Marker],
    start: dt.datetime | None,
    duration: float,
    width_in: float,
    lines_on: Sequence[Axes] = (),
) -> None:
    """Markers as labelled symbols on a timeline strip ``width_in`` inches wide (labels in rows
    that never overlap), with faint vertical lines through ``lines_on``, which share the strip's
    time axis and whose dates it shows.  Any kind of marker: unknown kinds are grey.  No strip
    (nothing to mark): nothing to do."""
    if strip is None:
        return
    time_axis(strip, start, duration, label=False, width_in=width_in)
    strip.set_yticks([])
    for side in ("left", "right", "top"):
        strip.spines[side].set_visible(False)
    strip.tick_params(labelbottom=False)
    ms = sorted(markers, key=lambda m: m.time)
    if not ms:
        return
    widths = [text_width_days(lit(m.label), width_in, duration) for m in ms]
    # a label that would run past the end of the axis (into the legend) goes left of its symbol
    left = [m.time + w > duration for m, w in zip(ms, widths, strict=True)]
    starts = [m.time - w if flip else m.time for m, w, flip in zip(ms, widths, left, strict=True)]
    order = sorted(range(len(ms)), key=lambda k: starts[k])
    placed = label_rows([starts[k] for k in order], [widths[k] for k in order], gap=0.004 * duration)
    rows = [0] * len(ms)
    for k, r in zip(order, placed, strict=True):
        rows[k] = r
    n = max(rows) + 1
    strip.set_ylim(-0.6, n - 0.4)
    kinds = list(dict.fromkeys(m.kind for m in ms))
    handles = []
    for kind in kinds:
        symbol, col, ls = MARKER_STYLE.get(kind, ("o", GREY, ":"))
        mine = [j for j, m in enumerate(ms) if m.kind == kind]
        times = [ms[j].time for j in mine]
        (h,) = strip.plot(
            x_of(times, start), [rows[j] for j in mine], symbol, color=col, ms=5, clip_on=False, ls="none"
        )
        handles.append(h)
        for ax in lines_on:
            vlines_through(ax, times, start, colors=col, linestyles=ls, lw=0.6, alpha=0.5, zorder=0)
    for m, r, flip in zip(ms, rows, left, strict=True):
        col = MARKER_STYLE.get(m.kind, ("o", GREY, ":"))[1]
        strip.annotate(
            lit(m.label),
            (x_of([m.time], start)[0], r),
            xytext=(-5 if flip else 5, 0),
            textcoords="offset points",
            fontsize=7,
            va="center",
            ha="right" if flip else "left",
            color=col,
        )
    strip.legend(handles, kinds, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)


def share_axis(ax: Axes, start: dt.datetime | None, duration: float, label: bool, width_in: float) -> None:
    """A panel of shares of runs over time: 0 to 1 up, the run's dates across."""
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0.0, 0.5, 1.0], ["0", "0.5", "1"])
    ax.set_ylabel("share of runs")
    ax.grid(alpha=0.25)
    time_axis(ax, start, duration, label=label, width_in=width_in)


def strip_height(markers: Sequence[Marker], width_in: float, duration: float) -> float:
    """Inches for a marker strip: a row per row of labels (see :func:`draw_markers`)."""
    if not markers:
        return 0.0
    ms = sorted(markers, key=lambda m: m.time)
    widths = [text_width_days(lit(m.label), width_in, duration) for m in ms]
    starts = [m.time - w if m.time + w > duration else m.time for m, w in zip(ms, widths, strict=True)]
    order = sorted(range(len(ms)), key=lambda k: starts[k])
    rows = max(label_rows([starts[k] for k in order], [widths[k] for k in order], 0.004 * duration)) + 1
    return 0.12 + 0.16 * rows


def shade_spans(ax: Axes, spans: Sequence[tuple[float, float]], start: dt.datetime | None, **kw: Any) -> None:
    """Spans of time shaded from the bottom to the top of ``ax``: one collection for them all
    (an artist per span cost most of a busy plot's time), the data limits left as they are."""
    if not spans:
        return
    from matplotlib.collections import PolyCollection

    a = _xnum(x_of([s[0] for s in spans], start), start)
    b = _xnum(x_of([s[1] for s in spans], start), start)
    verts = [
        [(x0, 0.0), (x0, 1.0), (x1, 1.0), (x1, 0.0)] for x0, x1 in zip(a.tolist(), b.tolist(), strict=True)
    ]
    ax.add_collection(PolyCollection(verts, transform=ax.get_xaxis_transform(), **kw), autolim=False)


def new_figure(width: float = 8.0, height: float = 6.0) -> Figure:
    """A figure drawn by the Agg backend (set explicitly: no GUI backend is looked for)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def outside_legend(ax: Axes, **kw: Any) -> None:
    """A legend to the right of the axes, never on the data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False, **kw
        )


def title(fig: Figure, text: str, sub: str = "") -> None:
    """A plot's title that wraps instead of being cut (left aligned, literal)."""
    import textwrap

    width = max(40, int(fig.get_figwidth() * 11))
    body = "\n".join(textwrap.wrap(lit(text), width))
    if sub:
        body += "\n" + "\n".join(textwrap.wrap(lit(sub), int(width * 1.2)))
    fig.suptitle(body, fontsize=11, x=0.01, ha="left")


def bin_days(duration: float) -> int:
    """The width in days of the bins of a band: a day, or more so a long run has ~150 bins."""
    return max(1, math.ceil(duration / 150))


def band(t: np.ndarray, level: np.ndarray, duration: float) -> tuple[np.ndarray, ...]:
    """(bin starts, min, max, level at the end of the bin) of a step series: a saw-tooth shown as
    a band keeps its range without drawing every tooth."""
    width = bin_days(duration)
    edges = np.arange(0.0, duration + width, width)
    idx_end = np.searchsorted(t, edges[1:], side="right") - 1
    at_end = level[np.clip(idx_end, 0, None)]
    idx_start = np.clip(np.searchsorted(t, edges[:-1], side="right") - 1, 0, None)
    lo = level[idx_start].astype(float)
    hi = lo.copy()
    bins = np.clip(np.floor(t / width).astype(int), 0, len(edges) - 2)
    np.minimum.at(lo, bins, level)
    np.maximum.at(hi, bins, level)
    return edges[:-1], lo, hi, at_end


def busy(t: np.ndarray, duration: float) -> bool:
    """A long run's series that changes more often than its bins reads better as a band (a short
    run's exact steps are readable as they are)."""
    return bin_days(duration) > 1 and len(t) > 3 * duration / bin_days(duration)


def figure_bytes(fig: Figure, suffix: str, dpi: int = 110) -> bytes:
    """A plot's file (format from the suffix) so the same results give the same bytes: no
    creation dates, and SVG ids from a fixed salt instead of random ones.  Every text is made
    :func:`drawable` first, and every artist's label (a comment in an SVG), whatever user
    string (a name, a label) they hold."""
    import io
    import warnings

    import matplotlib
    from matplotlib.text import Text

    for artist in fig.findobj():
        if isinstance(artist, Text) and not artist.get_text().isprintable():
            artist.set_text(drawable(artist.get_text()))
        label = artist.get_label()  # an SVG carries it as a comment
        if isinstance(label, str) and not label.isprintable():
            artist.set_label(drawable(label))

    suffix = suffix.lower()
    meta = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}, ".png": {"Software": None}}.get(suffix)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "defsim"}), warnings.catch_warnings():
        # a name in a script the font lacks is drawn as boxes; the warning would print the
        # name raw on the terminal, once per character
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        fig.savefig(buf, format=suffix[1:] or None, dpi=dpi, metadata=meta)
    return buf.getvalue()


def save(fig: Figure, path: str | Path | None, dpi: int = 110) -> None:
    """Write a plot (see :func:`figure_bytes`) through the one writing layer: atomic, never
    through a link, never over a user's file."""
    if path is None:
        return
    from .files import write_output

    write_output(path, figure_bytes(fig, Path(path).suffix, dpi))
