"""Where each panel of a plot goes, worked out once: fixed margins in inches, no layout engine.

matplotlib's constrained layout measures every artist of every panel each time a plot is
drawn (twice per saved plot when labels must be placed first); on a busy run that was most of
the time spent plotting.  Here a plot is a grid of cells of known size: each row is as tall as
its panels plus room for a panel title and the date labels under them, each column as wide as
its panels plus the widest y labels on its left and the widest legend on its right, measured
from the text of those labels alone (one font measurement per string, cached).  The plot's size
follows from that, so nothing is cut and nothing overlaps, and the same data give the same
positions, hence the same bytes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .plotkit import new_figure, save
from .text import _renderer, lit, text_size

TITLE_PT = 11.0
PAD = 0.12  # inches between a panel's decorations and its neighbour's


def _pt(size: Any) -> float:
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=size).get_size_in_points())


def legend_width(ax: Axes) -> float:
    """Inches a legend placed to the right of ``ax`` takes (0 if it has none)."""
    leg = ax.get_legend()
    if leg is None:
        return 0.0
    # the legend stands off its anchor by borderaxespad; text drawn at 110 dpi runs a little wider
    return float(leg.get_window_extent(_renderer()).width) / 72 * 1.04 + 0.1


def _labelsize(axis: Any) -> float:
    """The point size of an axis's tick labels, without making its ticks (costly)."""
    import matplotlib

    kw = getattr(axis, "_major_tick_kw", {})
    default = matplotlib.rcParams["xtick.labelsize" if axis.axis_name == "x" else "ytick.labelsize"]
    return _pt(kw.get("labelsize", default))


def ytick_width(ax: Axes) -> float:
    """Inches the y tick labels and the y label take left of ``ax`` (from the tick texts alone:
    no tick artist is made)."""
    width = 0.0
    if ax.yaxis.get_tick_params().get("labelleft", True) is not False:
        locs = [v for v in ax.yaxis.get_majorticklocs() if _inside(v, ax.get_ylim())]
        if locs:
            fmt = ax.yaxis.get_major_formatter()
            fmt.set_locs(locs)
            texts = fmt.format_ticks(locs)
            width = max(text_size(t, _labelsize(ax.yaxis))[0] for t in texts) + 0.08
    if ax.get_ylabel():
        lab = ax.yaxis.label
        width += text_size(lab.get_text(), lab.get_fontsize())[1] + 0.06
    return width


def _inside(v: float, lim: tuple[float, float]) -> bool:
    lo, hi = min(lim), max(lim)
    return lo - 1e-9 * (abs(hi - lo) + 1) <= v <= hi + 1e-9 * (abs(hi - lo) + 1)


def title_height(ax: Axes) -> float:
    """Inches a panel's title takes above it (titles here are one line of 8.5 to 9.5 points)."""
    text = ax.get_title(loc="left") or ax.get_title() or ax.get_title(loc="right")
    if not text:
        return 0.0
    return text_size(text, 9.5)[1] + 0.08


def xtick_height(ax: Axes) -> float:
    """Inches the x tick labels (one or two lines) and the x label take under ``ax``."""
    from matplotlib.ticker import FixedFormatter

    lines = 0
    if ax.xaxis.get_tick_params().get("labelbottom", True):
        fmt = ax.xaxis.get_major_formatter()
        seq = fmt.seq if isinstance(fmt, FixedFormatter) else ["0"]
        lines = max((s.count("\n") + 1 for s in seq), default=0)
    size = _labelsize(ax.xaxis)
    h = lines * size * 1.22 / 72 + (0.08 if lines else 0.04)
    if ax.get_xlabel():
        h += _pt(ax.xaxis.label.get_fontsize()) * 1.22 / 72 + 0.04
    return h


@dataclass
class Cell:
    ax: Axes
    row: int
    col: int
    height: float
    bottom: bool = False  # at the bottom of its row (a strip right above the panel under it)


@dataclass
class Grid:
    """Panels on rows and columns, each ``width`` inches wide and its row's height tall.

    Add panels with :meth:`add` and draw into them (a panel's size in inches is known from the
    start: ``width`` and its height), then :meth:`finish` sets the plot's size, every panel's
    position, the title and the place of a legend for the whole plot."""

    fig: Figure
    width: float
    cells: list[Cell] = field(default_factory=list)
    title_text: str = ""
    sub_text: str = ""
    legend: Any = None  # a legend for the whole plot, right of the panels, level with the first row

    @classmethod
    def new(cls, width: float) -> Grid:
        """A grid of panels ``width`` inches wide on a new plot."""
        return cls(new_figure(), width)

    def done(self, path: str | Path | None) -> Figure:
        """The plot laid out (:meth:`finish`) and written to ``path`` (None: not written)."""
        self.finish()
        save(self.fig, path)
        return self.fig

    def add(self, row: int, col: int, height: float, bottom: bool = False, **kw: Any) -> Axes:
        """A panel at (row, col), ``height`` inches tall, at the top of its row or at its
        ``bottom`` (keywords go to ``add_axes``: sharex)."""
        ax = self.fig.add_axes((0.0, 0.0, 1.0, 1.0), **kw)
        self.cells.append(Cell(ax, row, col, height, bottom))
        return ax

    def fig_legend(self, handles: list, labels: list[str], **kw: Any) -> None:
        """A legend for every panel, right of them all (under the title, never over it)."""
        self.legend = self.fig.legend(handles, labels, loc="upper left", frameon=False, **kw)

    def title(self, text: str, sub: str = "") -> None:
        self.title_text, self.sub_text = text, sub

    def finish(self) -> None:
        rows = sorted({c.row for c in self.cells})
        cols = sorted({c.col for c in self.cells})
        vis = [c for c in self.cells if c.ax.get_visible()]
        left = {k: max([ytick_width(c.ax) for c in vis if c.col == k] + [0.3]) + PAD for k in cols}
        right = {k: max([legend_width(c.ax) for c in vis if c.col == k] + [0.0]) + PAD for k in cols}
        tops = {r: max([title_height(c.ax) for c in vis if c.row == r] + [0.0]) + 0.06 for r in rows}
        bottoms = {r: max([xtick_height(c.ax) for c in vis if c.row == r] + [0.04]) for r in rows}
        heights = {r: max(c.height for c in self.cells if c.row == r) for r in rows}
        xs, x = {}, 0.1
        for k in cols:
            xs[k] = x + left[k]
            x = xs[k] + self.width + right[k]
        extra = (
            float(self.legend.get_window_extent(_renderer()).width) / 72 * 1.04 + 0.1 if self.legend else 0.0
        )
        fig_w = x + extra + 0.1
        chars = max(40, int(fig_w * 11))
        body = "\n".join(textwrap.wrap(lit(self.title_text), chars)) if self.title_text else ""
        if self.sub_text:
            body += "\n" + "\n".join(textwrap.wrap(lit(self.sub_text), int(chars * 1.2)))
        head = (body.count("\n") + 1) * TITLE_PT * 1.25 / 72 + 0.15 if body else 0.1
        ys, y = {}, head
        for r in rows:
            ys[r] = y + tops[r]  # the top of the panel, inches from the top of the plot
            y = ys[r] + heights[r] + bottoms[r]
        fig_h = y + 0.08
        self.fig.set_size_inches(fig_w, fig_h)
        for c in self.cells:
            top = ys[c.row] + (heights[c.row] - c.height if c.bottom else 0.0)
            self.fig_rect(c.ax, xs[c.col], top, self.width, c.height, fig_w, fig_h)
        if body:
            self.fig.suptitle(body, fontsize=TITLE_PT, x=0.1 / fig_w, y=1 - 0.06 / fig_h, ha="left", va="top")
        if self.legend is not None:
            self.legend.set_bbox_to_anchor(
                (x / fig_w, 1 - ys[rows[0]] / fig_h), transform=self.fig.transFigure
            )

    @staticmethod
    def fig_rect(ax: Axes, x: float, top: float, w: float, h: float, fig_w: float, fig_h: float) -> None:
        ax.set_position((x / fig_w, 1 - (top + h) / fig_h, w / fig_w, h / fig_h))
