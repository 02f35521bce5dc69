"""The price index: bring a price quoted in one year to another year's prices.

``scenarios/price-index.csv`` holds the general inflation (average CPI, year on
year) of each year with its source. A price quoted in year ``p`` is worth, at
the prices of year ``b``,

    price_b = price_p * prod_{k = p + 1}^{b} (1 + inflation_k)

(the inverse product when ``b < p``). Scenario items quoted before the base year
(``price_year``) and other provinces' published costs (``costmodel peers``) are
converted the same way, through :func:`index_factor`.

Every line has a year between ``MIN_YEAR`` and ``MAX_YEAR`` (1900-2200, as
scenario years) and an inflation that is a finite decimal above -1, each year
once; a problem names the file and line. A factor that overflows (rates so high
that the product is infinite) is an error, never an infinite price.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.csvfile import read_records
from costmodel.problems import InputError, Problem, read_text

__all__ = ["INDEX_COLUMNS", "PriceIndexError", "index_factor", "parse_price_index", "read_price_index"]

INDEX_COLUMNS = ["year", "inflation", "source", "type"]


class PriceIndexError(InputError):
    """The price-index file is malformed; ``problems`` says where."""


def read_price_index(path: str | Path) -> pd.DataFrame:
    """Read ``price-index.csv`` (columns year, inflation, source, type)."""
    return parse_price_index(read_text(path, PriceIndexError), str(path))


def parse_price_index(text: str, source: str = "<price-index>") -> pd.DataFrame:
    """Parse price-index CSV text; ``inflation`` is a decimal per year (``0.0363`` for 3,63 %)."""
    from costmodel.scenario.schema import MAX_YEAR, MIN_YEAR

    problems, out, seen = [], [], {}
    for line, row in read_records(text, source, INDEX_COLUMNS, error=PriceIndexError):
        where = f"line {line}"
        try:
            year = int(row["year"])
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(source, where, f"year must be a whole year between {MIN_YEAR} and {MAX_YEAR} (got {row['year']!r})")
            )
            continue
        try:
            inflation = float(row["inflation"])
        except (TypeError, ValueError):
            inflation = float("nan")
        if not np.isfinite(inflation) or inflation <= -1:
            problems.append(
                Problem(
                    source,
                    where,
                    f"inflation must be a finite decimal > -1, e.g. 0.0363 for 3.63 % (got {row['inflation']!r})",
                )
            )
            continue
        if year in seen:
            problems.append(Problem(source, f"line {line}", f"year {year} appears twice (also line {seen[year]})"))
            continue
        seen[year] = line
        out.append({"year": year, "inflation": inflation, "source": row["source"]})
    if problems:
        raise PriceIndexError(problems)
    index = pd.DataFrame(out, columns=["year", "inflation", "source"])
    index.attrs["source"] = source
    return index


def index_factor(index: pd.DataFrame, from_year: int, to_year: int) -> float:
    """Price factor from ``from_year`` prices to ``to_year`` prices.

    ``prod_{k = from_year + 1}^{to_year} (1 + inflation_k)``; the inverse when
    ``to_year < from_year``; 1 when equal.

    Raises
    ------
    KeyError
        When a year needed is not in the index.
    ValueError
        When the product overflows (the factor would be infinite, or zero for the inverse).

    Examples
    --------
    >>> idx = pd.DataFrame({"year": [2023, 2024], "inflation": [0.0325, 0.0363]})
    >>> round(index_factor(idx, 2022, 2024), 6)
    1.06998
    """
    rates = dict(zip(index["year"].astype(int), index["inflation"].astype(float), strict=True))
    lo, hi = sorted((from_year, to_year))
    missing = [y for y in range(lo + 1, hi + 1) if y not in rates]
    if missing:
        raise KeyError(f"price index has no inflation for year(s) {', '.join(map(str, missing))}")
    with np.errstate(over="ignore"):
        factor = float(np.prod([1.0 + rates[y] for y in range(lo + 1, hi + 1)]))
    if not (np.isfinite(factor) and factor > 0):
        raise ValueError(
            f"the price index's inflation from {lo + 1} to {hi} makes the price factor between {from_year} and {to_year} "
            f"{'infinite' if factor > 0 else 'zero'} (overflow)"
        )
    return factor if to_year >= from_year else 1.0 / factor
