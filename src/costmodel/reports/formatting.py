"""Number formatting for readers: whole đồng with digit grouping by language."""

from __future__ import annotations

import math

__all__ = ["format_number", "format_rate", "format_vnd"]

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def format_vnd(amount: float | None, lang: str = "vi") -> str:
    """Whole VND with digit grouping: ``1.234.567`` (vi) or ``1,234,567`` (en).

    Amounts are rounded half away from zero to the whole đồng; a missing
    value (None or NaN) is an empty string.

    Examples
    --------
    >>> format_vnd(1234567.5, "vi"), format_vnd(-1234567.4, "en")
    ('1.234.568', '-1,234,567')
    """
    return format_number(amount, 0, lang)


def format_number(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    """Format a number with grouping and ``decimals`` places for ``lang``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    thousands, decimal = _SEPARATORS[lang]
    scaled = abs(float(value)) * 10**decimals
    rounded = math.floor(scaled + 0.5)  # half away from zero (on the magnitude)
    sign = "-" if value < 0 and rounded != 0 else ""
    whole, frac = divmod(rounded, 10**decimals)
    text = f"{whole:,}".replace(",", thousands)
    if decimals:
        text += decimal + str(frac).zfill(decimals)
    return sign + text


def format_rate(rate: float | None, lang: str = "vi", decimals: int = 2) -> str:
    """A decimal rate as a percentage for display: 0.08 -> ``8,00%`` (vi)."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return ""
    return format_number(rate * 100, decimals, lang) + "%"
