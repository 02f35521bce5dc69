"""What every chart shares: numbers on axes in the reader's format, text never read as math, colours.

matplotlib writes ``2.5`` and ``1e9`` on axes and reads ``$...$`` in any label
as mathematics; a Vietnamese reader expects ``2,5`` and an option named
``Gói $ tiết kiệm`` must print as written. The helpers here are used by every
chart of :mod:`costmodel.reports`.
"""

from __future__ import annotations

import datetime as dt
import re

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Annotation, Text
from matplotlib.ticker import Formatter
from matplotlib.transforms import Bbox, IdentityTransform

from costmodel.reports import vocabulary as voc

__all__ = [
    "DateFormatter",
    "NumberFormatter",
    "figure_axes",
    "heading_above",
    "month_label",
    "palette",
    "plain",
    "plain_figure",
    "plain_rc",
]


def plain(text: object) -> str:
    """Text for a matplotlib label, shown as written (``$`` is not mathtext; a tab is a space: no font has its glyph)."""
    return str(text).replace("$", r"\$").replace("\t", " ")


_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def _plain_again(text: str) -> str:
    """Escape the ``$`` that :func:`plain` did not, tabs as spaces (a text already passed through it is unchanged)."""
    text = text.replace("\t", " ")
    return _UNESCAPED_DOLLAR.sub(r"\\$", text) if "$" in text else text


class _PlainFormatter(Formatter):
    """Tick labels of another formatter, with every ``$`` shown as written (:func:`plain_figure`)."""

    def __init__(self, inner: Formatter):
        self.inner = inner

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _plain_again(str(self.inner(x, pos)))

    def format_ticks(self, values) -> list[str]:
        return [_plain_again(str(t)) for t in self.inner.format_ticks(values)]

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def get_offset(self) -> str:
        return _plain_again(str(self.inner.get_offset()))

    def format_data(self, value) -> str:
        return _plain_again(str(self.inner.format_data(value)))

    def format_data_short(self, value) -> str:
        return _plain_again(str(self.inner.format_data_short(value)))


def plain_rc():
    r"""A context in which new texts are never TeX and read ``\$`` as a dollar sign (whatever matplotlibrc says)."""
    import matplotlib

    # svg.fonttype "none": SVG text stays text (searchable, copyable, smaller and faster than glyph paths)
    return matplotlib.rc_context({"text.usetex": False, "text.parse_math": True, "svg.fonttype": "none"})


def plain_figure(fig: Figure) -> Figure:
    """Make every text of ``fig`` show as written, whatever the chart code passed through :func:`plain`.

    The last line of defence before a figure is saved: no text is set in TeX,
    and a ``$`` not escaped by :func:`plain` is escaped now, in titles, labels,
    legends, annotations and the tick labels of names (fixed tick labels are
    re-read from their formatter at every draw, so the formatter's labels are
    escaped too). Returns the figure.
    """
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    for axes in fig.get_axes():
        for axis in (axes.xaxis, axes.yaxis):
            major, minor = axis.get_major_formatter(), axis.get_minor_formatter()
            if isinstance(major, FixedFormatter | FuncFormatter):  # labels given as text (names), not numbers
                axis.set_major_formatter(_PlainFormatter(major))
            if isinstance(minor, FixedFormatter | FuncFormatter):
                axis.set_minor_formatter(_PlainFormatter(minor))
    for text in fig.findobj(Text):
        text.set_usetex(False)
        text.set_parse_math(True)
        raw = text.get_text()
        if "$" in raw or "\t" in raw:
            text.set_text(_plain_again(raw))
    return fig


def figure_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The figure and axes a chart draws into.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.
    figsize : tuple of float
        Size of the new figure (inches); unused when ``ax`` is given.

    Returns
    -------
    tuple of (matplotlib.figure.Figure, matplotlib.axes.Axes)
        Without ``ax``, a new ``Figure(figsize=figsize, layout="constrained")``
        with one subplot; with ``ax``, ``(ax.figure, ax)``.
    """
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    return ax.figure, ax


class _Heading(Annotation):
    """Text above an axes title whose width a layout engine ignores beyond the axes (as matplotlib does for titles).

    Constrained layout would otherwise widen the axes' margins to make room
    for a heading longer than the axes are wide (a chart title spanning the
    caller's panels); drawn and saved (``bbox_inches="tight"``), it is whole.
    Only the part over the axes' own width counts in layout.
    """

    def get_tightbbox(self, renderer=None) -> Bbox:
        bbox = super().get_tightbbox(renderer)
        box = self.axes.bbox
        x0 = min(max(bbox.x0, box.x0), box.x1)
        x1 = max(min(bbox.x1, box.x1), x0)
        return Bbox.from_extents(x0, bbox.y0, x1, bbox.y1)


def heading_above(title: Text, text: str, fontsize: float) -> Text:
    """Write ``text`` just above an axes title, left-aligned with it (in place of a figure title on the caller's axes).

    The heading belongs to the title's axes, so it moves with them and leaves
    the caller's other axes alone; a layout engine makes room for its height
    (and for no more width than the axes').

    Parameters
    ----------
    title : matplotlib.text.Text
        The axes title (as returned by ``Axes.set_title``) to write above.
    text : str
        The heading (shown as written: pass it through :func:`plain`).
    fontsize : float

    Returns
    -------
    matplotlib.text.Text
    """
    ax = title.axes
    heading = _Heading(
        text,
        xy=(0, 1),
        xycoords=title,
        xytext=(0, 3),
        textcoords="offset points",
        ha="left",
        va="bottom",
        fontsize=fontsize,
        clip_on=False,
    )
    heading.set_transform(IdentityTransform())
    ax.add_artist(heading)
    return heading


class NumberFormatter(Formatter):
    """Tick labels with the reader's digit grouping and decimal comma, as many decimals as the ticks need."""

    def __init__(self, lang: str | None = None, scale: float = 1.0):
        self.lang = voc._lang(lang)
        self.scale = scale
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        """Remember the tick locations (to choose the number of decimals)."""
        self._ticks = [float(x) for x in locs]

    def _decimals(self) -> int:
        """The fewest decimals (at most 6) that write every tick exactly (2,5 needs 1; 13 is never shown for 12,5)."""
        locs = [x / self.scale for x in self._ticks]
        for decimals in range(7):
            if all(abs(x * 10**decimals - round(x * 10**decimals)) < 1e-6 for x in locs):
                return decimals
        return 6

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        return voc.number(x / self.scale, self._decimals(), self.lang)


class DateFormatter(Formatter):
    """Date ticks in the reader's words: ``Th5/2024`` (vi), ``May 2024`` (en); days as ``15/05``."""

    def __init__(self, lang: str | None = None):
        self.lang = voc._lang(lang)
        self._ticks: list[float] = []

    def set_locs(self, locs) -> None:
        """Remember the tick locations (to choose days or months)."""
        self._ticks = [float(x) for x in locs]

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x`` (a matplotlib date number)."""
        day = mdates.num2date(x).date()
        locs = self._ticks
        span = (max(locs) - min(locs)) if len(locs) > 1 else 365
        step = span / max(len(locs) - 1, 1)
        if step < 20:  # ticks closer than a month: day and month
            return day.strftime("%d/%m") if self.lang == "vi" else day.strftime("%d %b")
        return month_label(day, self.lang)


def month_label(day: dt.date, lang: str | None = None) -> str:
    """A month with its year: ``Th5/2024`` (vi), ``May 2024`` (en)."""
    lang = voc._lang(lang)
    name = voc.term(f"month.{day.month}", lang)
    return f"{name}/{day.year}" if lang == "vi" else f"{name} {day.year}"


def palette(n: int) -> list[str]:
    """``n`` distinct colours (repeating after 13)."""
    base = [
        "#4F81BD",
        "#C0504D",
        "#9BBB59",
        "#8064A2",
        "#4BACC6",
        "#F79646",
        "#2C4D75",
        "#772C2A",
        "#5F7530",
        "#4D3B62",
        "#276A7C",
        "#B65708",
        "#7F7F7F",
    ]
    return [base[i % len(base)] for i in range(n)]
