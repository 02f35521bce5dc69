"""Pure, vectorised financial mathematics for life-cycle cost analysis.

Every function takes scalars or numpy arrays and broadcasts; none reads files
or knows about scenarios. Rates are decimals per year (``0.08``, never ``8``).

Conventions follow NIST Handbook 135 (Fuller & Petersen, 1996 edition, the
method behind NIST BLCC) and OMB Circular A-94 (Appendix B for timing and for
nominal versus real rates):

* a cash flow at time ``t`` years after the start of the base year is worth
  ``(1 + r) ** -t`` of itself at the start of the base year;
* end-of-year flows fall at ``t = 1, 2, ...``; mid-year at ``t - 0.5``;
  beginning-of-year at ``t - 1``.

References
----------
.. [1] S. K. Fuller and S. R. Petersen, "Life-Cycle Costing Manual for the
   Federal Energy Management Program", NIST Handbook 135, 1996 edition.
.. [2] Office of Management and Budget, Circular A-94, "Guidelines and
   Discount Rates for Benefit-Cost Analysis of Federal Programs", 1992,
   Appendix B.
.. [3] HM Treasury, "The Green Book: Central Government Guidance on Appraisal
   and Evaluation", 2022, Annex A6 (discounting).
.. [4] 10 CFR 436.22 (adjusted internal rate of return) and NIST BLCC ECIP
   reports.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "CRF_SERIES_BELOW",
    "TIMING_OFFSET",
    "adjusted_internal_rate_of_return",
    "capital_recovery_factor",
    "discount_factor",
    "equivalent_annual_cost",
    "nominal_rate_from_real",
    "payback_year",
    "present_value",
    "real_rate_from_nominal",
    "savings_to_investment_ratio",
    "time_in_years",
    "timing_offset",
]

#: Offset of a cash flow inside its year, as a fraction of the year,
#: measured from the start of that year (NIST Handbook 135; OMB A-94 App. B).
TIMING_OFFSET: dict[str, float] = {"start": 0.0, "mid": 0.5, "end": 1.0}


def time_in_years(year: ArrayLike, base_year: int, timing: str = "end") -> np.ndarray:
    """Time of a cash flow in years after the start of the base year.

    Parameters
    ----------
    year : array_like of int
        Calendar year in which the cash flow occurs.
    base_year : int
        Year whose start is the valuation date (``t = 0``).
    timing : {"start", "mid", "end"}
        Where in its year the cash flow falls.

    Returns
    -------
    numpy.ndarray
        ``(year - base_year) + offset``, with offset 0, 0.5 or 1. [year]

    Examples
    --------
    >>> time_in_years([2024, 2025], 2024, "mid").tolist()
    [0.5, 1.5]
    """
    try:
        offset = TIMING_OFFSET[timing]
    except KeyError:
        raise ValueError(f"timing must be one of {sorted(TIMING_OFFSET)}, got {timing!r}") from None
    return np.asarray(year, dtype=float) - base_year + offset


def timing_offset(timing: str, first_month: ArrayLike = 1, last_month: ArrayLike = 12) -> np.ndarray:
    """Where in its year a cash flow falls, for a year served from ``first_month`` to ``last_month``.

    The NIST Handbook 135 / OMB A-94 timing conventions placed inside the
    months of the year that an item is in service: ``"start"`` at the start of
    the first month, ``"mid"`` at the midpoint of the months in service,
    ``"end"`` at the end of the last month. For a whole year (months 1 to 12)
    this is 0, 0.5 and 1, as in :data:`TIMING_OFFSET`.

    Parameters
    ----------
    timing : {"start", "mid", "end"}
    first_month, last_month : array_like of int
        First and last month in service (1-12), broadcast together. [month]

    Returns
    -------
    numpy.ndarray
        Offset from the start of the year. [year]

    Examples
    --------
    A service from September: start 8/12, mid (8 + 12) / 24, end 12/12.

    >>> [round(float(timing_offset(t, 9, 12)), 4) for t in ("start", "mid", "end")]
    [0.6667, 0.8333, 1.0]
    >>> [float(timing_offset(t)) for t in ("start", "mid", "end")]
    [0.0, 0.5, 1.0]
    """
    first, last = np.broadcast_arrays(np.asarray(first_month, dtype=float), np.asarray(last_month, dtype=float))
    if timing == "start":
        return (first - 1.0) / 12.0
    if timing == "mid":
        return (first - 1.0 + last) / 24.0
    if timing == "end":
        return last / 12.0
    raise ValueError(f"timing must be one of {sorted(TIMING_OFFSET)}, got {timing!r}")


def discount_factor(rate: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Single-present-value discount factor ``(1 + rate) ** -t``.

    Parameters
    ----------
    rate : array_like
        Discount rate per year, as a decimal, ``> -1``. [1/year]
    t : array_like
        Time after the valuation date. [year] May be negative (a past cash
        flow carried forward to the valuation date).

    Returns
    -------
    numpy.ndarray
        Discount factor, broadcast over ``rate`` and ``t``. [-]

    References
    ----------
    NIST Handbook 135, "single present value (SPV) factor";
    HM Treasury Green Book Annex A6: DF(1) at 3.5 % is 0.9662.

    Examples
    --------
    >>> round(float(discount_factor(0.035, 1)), 4)
    0.9662
    """
    rate = np.asarray(rate, dtype=float)
    if np.any(rate <= -1):
        raise ValueError("discount rate must be > -1")
    return np.power(1.0 + rate, -np.asarray(t, dtype=float))


def present_value(amount: ArrayLike, rate: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Present value of cash flows ``amount`` occurring at times ``t``.

    Parameters
    ----------
    amount : array_like
        Cash flows. [VND]
    rate : array_like
        Discount rate per year, as a decimal. [1/year]
    t : array_like
        Time of each flow after the valuation date. [year]

    Returns
    -------
    numpy.ndarray
        ``sum(amount * (1 + rate) ** -t)`` over the last axis. [VND]

    Notes
    -----
    Unlike ``numpy_financial.npv`` (which puts the first value at ``t = 0``
    and silently mis-handles square 2-D input), the time of every flow is
    explicit and any leading axes broadcast (e.g. Monte Carlo draws).

    Examples
    --------
    Excel's NPV example (10 %; -10,000 at the end of year 1, then 3,000,
    4,200, 6,800):

    >>> round(float(present_value([-10000, 3000, 4200, 6800], 0.10, [1, 2, 3, 4])), 2)
    1188.44
    """
    amount = np.asarray(amount, dtype=float)
    return np.sum(amount * discount_factor(rate, t), axis=-1)


def nominal_rate_from_real(real_rate: ArrayLike, inflation: ArrayLike) -> np.ndarray:
    """Nominal rate from a real rate and inflation (Fisher equation).

    ``(1 + nominal) = (1 + real) * (1 + inflation)`` (OMB A-94 App. B).

    Parameters
    ----------
    real_rate : array_like
        Real discount rate per year. [1/year]
    inflation : array_like
        General inflation per year. [1/year]

    Returns
    -------
    numpy.ndarray
        Nominal rate per year. [1/year]

    Examples
    --------
    US FEMP 2024 rates: real 3.0 %, inflation 1.2 %:

    >>> round(float(nominal_rate_from_real(0.03, 0.012)), 4)
    0.0424
    """
    return (1.0 + np.asarray(real_rate, dtype=float)) * (1.0 + np.asarray(inflation, dtype=float)) - 1.0


def real_rate_from_nominal(nominal_rate: ArrayLike, inflation: ArrayLike) -> np.ndarray:
    """Real rate from a nominal rate and inflation (Fisher equation, inverted).

    Parameters
    ----------
    nominal_rate : array_like
        Nominal rate per year. [1/year]
    inflation : array_like
        General inflation per year, ``> -1``. [1/year]

    Returns
    -------
    numpy.ndarray
        ``(1 + nominal) / (1 + inflation) - 1``. [1/year]
    """
    return (1.0 + np.asarray(nominal_rate, dtype=float)) / (1.0 + np.asarray(inflation, dtype=float)) - 1.0


#: Below this absolute rate the capital recovery factor is computed from its series
#: ``1/n + (n + 1) r / (2 n) + (n^2 - 1) r^2 / (12 n)`` (exact to ~1e-15 for n <= 301):
#: the closed form divides 0 by 0 as r -> 0 (1 + r is 1 in floating point below ~1e-16)
#: and loses digits just above. The workbook's formula uses the same threshold.
CRF_SERIES_BELOW = 1e-6


def capital_recovery_factor(rate: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Capital recovery factor ``r / (1 - (1 + r) ** -n)``; ``1 / n`` at ``r = 0``.

    Multiplying a present value by the CRF gives the equal end-of-year amount
    over ``n`` years with the same present value (the "annual value" of NIST
    BLCC reports; NIST Handbook 135, uniform capital recovery factor). For
    ``|r| <`` :data:`CRF_SERIES_BELOW` the series around ``r = 0`` is used, so a
    vanishingly small rate gives ``1 / n`` (its limit), never a division by zero.

    Parameters
    ----------
    rate : array_like
        Discount rate per year. [1/year]
    n : array_like
        Number of years, ``>= 1``. [year]

    Returns
    -------
    numpy.ndarray
        Capital recovery factor. [1/year]

    Examples
    --------
    >>> round(float(capital_recovery_factor(0.08, 5)), 6)
    0.250456
    >>> float(capital_recovery_factor(1e-300, 5))
    0.2
    """
    rate = np.asarray(rate, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("n must be >= 1")
    small = np.abs(rate) < CRF_SERIES_BELOW
    series = 1.0 / n + (n + 1.0) * rate / (2.0 * n) + (n * n - 1.0) * rate * rate / (12.0 * n)
    safe = np.where(small, 0.1, rate)  # any rate away from 0 where the series is used
    # 1 - (1 + r) ** -n written with expm1/log1p stays accurate for small r.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        crf = safe / -np.expm1(-n * np.log1p(safe))
    return np.where(small, series, crf)


def equivalent_annual_cost(pv_cost: ArrayLike, rate: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Equivalent annual cost ``pv_cost * CRF(rate, n)``.

    Parameters
    ----------
    pv_cost : array_like
        Present value of costs. [VND]
    rate : array_like
        Discount rate per year. [1/year]
    n : array_like
        Number of years in the study period. [year]

    Returns
    -------
    numpy.ndarray
        Equal end-of-year amount with the same present value. [VND/year]
    """
    return np.asarray(pv_cost, dtype=float) * capital_recovery_factor(rate, n)


def savings_to_investment_ratio(savings: ArrayLike, added_investment: ArrayLike) -> np.ndarray:
    """Savings-to-investment ratio (SIR), NIST Handbook 135 ch. 5.

    Parameters
    ----------
    savings : array_like
        Present value of non-investment savings of the alternative against
        the base case, ``S``. [VND]
    added_investment : array_like
        Present value of additional investment-related costs of the
        alternative, ``ΔI``. [VND]

    Returns
    -------
    numpy.ndarray
        ``S / ΔI`` where ``ΔI > 0``, NaN elsewhere (undefined). [-]
    """
    savings = np.asarray(savings, dtype=float)
    added = np.asarray(added_investment, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(added > 0, savings / np.where(added > 0, added, 1.0), np.nan)


def adjusted_internal_rate_of_return(sir: ArrayLike, rate: ArrayLike, n: ArrayLike) -> np.ndarray:
    """Adjusted internal rate of return ``(1 + r) * SIR ** (1 / n) - 1``.

    Assumes savings are reinvested at the discount rate (10 CFR 436.22;
    NIST Handbook 135, eq. for AIRR).

    Parameters
    ----------
    sir : array_like
        Savings-to-investment ratio. [-]
    rate : array_like
        Discount rate per year. [1/year]
    n : array_like
        Study period. [year]

    Returns
    -------
    numpy.ndarray
        AIRR per year where ``sir > 0``, NaN elsewhere. [1/year]

    Examples
    --------
    >>> round(float(adjusted_internal_rate_of_return(2.0, 0.03, 20)), 6)
    0.066323
    """
    sir = np.asarray(sir, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = (1.0 + np.asarray(rate, dtype=float)) * np.power(
            np.where(sir > 0, sir, 1.0), 1.0 / np.asarray(n, dtype=float)
        ) - 1.0
    return np.where(sir > 0, out, np.nan)


def payback_year(years: ArrayLike, net_saving: ArrayLike, tolerance: float = 0.0) -> float:
    """First year from which the cumulative net saving stays non-negative.

    The payback year is the first ``y`` such that the cumulative saving up to
    and including ``y`` is ``>= 0`` in ``y`` **and in every later year** of the
    study period (NIST Handbook 135, simple and discounted payback, with the
    "stays paid back" rule so that a later outlay cannot be ignored).

    Parameters
    ----------
    years : array_like of int
        The study-period years, ascending.
    net_saving : array_like
        Saving in each year (baseline cost minus alternative cost). [VND]
    tolerance : float
        Cumulative savings with absolute value ``<= tolerance`` count as 0. [VND]

    Returns
    -------
    float
        The payback year, or NaN when the cumulative saving is negative in the
        last year.

    Examples
    --------
    >>> payback_year([2024, 2025, 2026, 2027], [-100, 60, 60, -10])
    2026.0
    """
    years = np.asarray(years)
    cum = np.cumsum(np.asarray(net_saving, dtype=float))
    cum = np.where(np.abs(cum) <= tolerance, 0.0, cum)
    ok = cum >= 0
    # stays_ok[i]: ok in i and every later year
    stays_ok = np.flip(np.logical_and.accumulate(np.flip(ok)))
    idx = np.flatnonzero(stays_ok)
    return float(years[idx[0]]) if idx.size else float("nan")
