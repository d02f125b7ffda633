"""What every plot shares: a colour-blind-safe palette, literal text, calendar axes, markers.

Colours are Okabe-Ito (safe for the common colour-vision deficiencies); each interceptor type
or variant also gets its own line style, so a plot printed in greyscale still reads.  User
strings go through :func:`lit` so a name with ``$`` is shown as written, never as mathtext.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .markers import DECISION, RAID, Marker

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
STYLES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)))
LEAK = "#D55E00"
KILL = "#0072B2"
EMPTY = "#D55E00"
GREY = "#555555"
MARKER_STYLE = {RAID: ("v", "#444444", "--"), DECISION: ("D", "#7a0177", "-.")}


def lit(text: object) -> str:
    """A user string shown literally: ``$`` escaped so matplotlib never reads mathtext, and
    :func:`drawable` (tick labels are made when drawn, after :func:`save` looks at the texts)."""
    return drawable(str(text).replace("\\", "\\\\").replace("$", r"\$"))


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


def time_axis(ax: Axes, start: dt.datetime | None, duration: float, label: bool = True) -> None:
    """An x axis from 0 to the end that reads unambiguously: '1 Feb' ticks with the year on the
    first tick and at each new year (no lone corner offset such as '2024-Mar'), or days."""
    ax.set_xlim(x_of([0.0], start)[0], x_of([duration], start)[0])
    if label:
        ax.set_xlabel("date" if start is not None else "day of the run")
    if start is None:
        return
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    locator = AutoDateLocator(minticks=4, maxticks=9)
    ax.xaxis.set_major_locator(locator)

    def fmt(value: float, pos: int | None) -> str:
        ticks = [num2date(v) for v in locator()]
        d = num2date(value)
        monthly = len(ticks) > 1 and (ticks[1] - ticks[0]).days >= 28
        text = f"{d:%b}" if monthly else f"{d.day} {d:%b}"
        first = bool(ticks) and abs((ticks[0] - d).total_seconds()) < 1
        prev = [t for t in ticks if t < d]
        if first or (prev and prev[-1].year != d.year):
            text += f"\n{d.year}"
        return text

    ax.xaxis.set_major_formatter(FuncFormatter(fmt))
    ax.xaxis.get_offset_text().set_visible(False)


def text_width_days(label: str, ax: Axes, duration: float, fontsize: float = 7) -> float:
    """Roughly how many days of the x axis a label takes (to keep labels apart)."""
    fig = ax.get_figure(root=True)
    assert isinstance(fig, Figure)
    width_in = fig.get_figwidth() * ax.get_position().width
    chars_per_inch = 72 / (0.62 * fontsize)
    return len(label) / chars_per_inch / max(width_in, 0.1) * duration


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


def draw_markers(
    strip: Axes,
    markers: Sequence[Marker],
    start: dt.datetime | None,
    duration: float,
    lines_on: Sequence[Axes] = (),
) -> None:
    """Markers as labelled symbols on a timeline strip (labels in rows that never overlap),
    with faint vertical lines through ``lines_on``.  Any kind of marker: unknown kinds are grey."""
    strip.set_yticks([])
    for side in ("left", "right", "top"):
        strip.spines[side].set_visible(False)
    if not markers:
        strip.text(
            0.0, 0.5, "no raids or decisions to mark", transform=strip.transAxes, fontsize=7, color=GREY
        )
        return
    ms = sorted(markers, key=lambda m: m.time)
    fig = strip.get_figure(root=True)
    if isinstance(fig, Figure):  # lay the figure out first: label widths depend on the axis width
        fig.draw_without_rendering()
    widths = [text_width_days(lit(m.label), strip, duration) for m in ms]
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
    for m, r, flip in zip(ms, rows, left, strict=True):
        symbol, col, ls = MARKER_STYLE.get(m.kind, ("o", GREY, ":"))
        x = x_of([m.time], start)[0]
        strip.plot([x], [r], symbol, color=col, ms=5, clip_on=False)
        strip.annotate(
            lit(m.label),
            (x, r),
            xytext=(-5 if flip else 5, 0),
            textcoords="offset points",
            fontsize=7,
            va="center",
            ha="right" if flip else "left",
            color=col,
        )
        for ax in lines_on:
            ax.axvline(x, color=col, ls=ls, lw=0.6, alpha=0.5, zorder=0)
    kinds = list(dict.fromkeys(m.kind for m in ms))
    handles = [
        strip.plot(
            [], [], MARKER_STYLE.get(k, ("o", GREY, ":"))[0], color=MARKER_STYLE.get(k, ("o", GREY))[1]
        )[0]
        for k in kinds
    ]
    strip.legend(handles, kinds, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)


def strip_height(markers: Sequence[Marker]) -> float:
    """Inches for a marker strip: more rows when labels crowd."""
    return 0.35 + 0.1 * min(len(markers), 12)


def outside_legend(ax: Axes, **kw: Any) -> None:
    """A legend to the right of the axes, never on the data."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(
            handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False, **kw
        )


def title(fig: Figure, text: str, sub: str = "") -> None:
    """A figure title that wraps instead of being cut (left aligned, literal)."""
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


def drawable(text: str) -> str:
    """Text as a figure may hold it: control, format (bidi) and unassigned characters become
    U+FFFD, so an SVG stays well-formed XML and no font is asked for an escape character."""
    return "".join(
        "\ufffd" if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn") else ch for ch in text
    )


def save(fig: Figure, path: str | Path | None, dpi: int = 110) -> None:
    """Write a figure (format from the suffix) so the same results give the same bytes: no
    creation dates, and SVG ids from a fixed salt instead of random ones.  Every text is made
    :func:`drawable` first, and every artist's label (a comment in an SVG), whatever user
    string (a name, a label) they hold."""
    if path is None:
        return
    import warnings

    import matplotlib
    from matplotlib.text import Text

    for artist in fig.findobj():
        if isinstance(artist, Text) and not artist.get_text().isprintable():
            artist.set_text(drawable(artist.get_text()))
        label = artist.get_label()  # an SVG carries it as a comment
        if isinstance(label, str) and not label.isprintable():
            artist.set_label(drawable(label))

    suffix = Path(path).suffix.lower()
    meta = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}, ".png": {"Software": None}}.get(suffix)
    from .files import write_output

    with matplotlib.rc_context({"svg.hashsalt": "defsim"}), warnings.catch_warnings():
        # a name in a script the font lacks is drawn as boxes; the warning would print the
        # name raw on the terminal, once per character
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        # through the one writing layer: atomic, never through a link, never over a user's file
        write_output(path, lambda f: fig.savefig(f, format=suffix[1:] or None, dpi=dpi, metadata=meta))
