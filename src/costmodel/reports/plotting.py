"""What every chart shares: numbers on axes in the reader's format, text never read as math, colours.

matplotlib writes ``2.5`` and ``1e9`` on axes and reads ``$...$`` in any label
as mathematics; a Vietnamese reader expects ``2,5`` and an option named
``Gói $ tiết kiệm`` must print as written. The helpers here are used by every
chart of :mod:`costmodel.reports`.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
from matplotlib.ticker import Formatter

from costmodel.reports import vocabulary as voc

__all__ = ["DateFormatter", "NumberFormatter", "month_label", "palette", "plain"]


def plain(text: object) -> str:
    """Text for a matplotlib label, shown as written (``$`` is not mathtext)."""
    return str(text).replace("$", r"\$")


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
