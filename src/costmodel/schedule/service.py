"""When the rented service starts, and how many months of each year it runs."""

from __future__ import annotations

import datetime as dt

import pandas as pd

__all__ = ["service_months"]


def service_months(service_start: dt.date, years: range) -> pd.DataFrame:
    """Months of rented service in each year when the service starts on ``service_start``.

    Counts whole months from the month of ``service_start`` (the rental is
    billed from the first day of that month).

    Returns
    -------
    pandas.DataFrame
        Columns year, months_in_service (0-12), share_of_year (months / 12).

    Examples
    --------
    >>> service_months(dt.date(2024, 9, 1), range(2024, 2026))["months_in_service"].tolist()
    [4, 12]
    """
    rows = []
    for y in years:
        if y < service_start.year:
            months = 0
        elif y == service_start.year:
            months = 12 - service_start.month + 1
        else:
            months = 12
        rows.append({"year": y, "months_in_service": months, "share_of_year": months / 12})
    return pd.DataFrame(rows, columns=["year", "months_in_service", "share_of_year"])
