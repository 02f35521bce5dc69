"""Probability distributions of uncertain inputs, sampled by inverse CDF.

Every distribution maps uniform numbers ``u`` in (0, 1) to values with
:meth:`Distribution.ppf`, so correlated inputs can share a Gaussian copula and
the same ``u`` always gives the same value (common random numbers).

==============  ==========================  =====================================
``dist``        parameters                  central value (deterministic run)
==============  ==========================  =====================================
``pert``        ``low, mode, high``         ``mode``
``triangular``  ``low, mode, high``         ``mode``
``uniform``     ``low, high``               mean ``(low + high) / 2``
``normal``      ``mean, sd``                ``mean``
``lognormal``   ``mean, sd`` (of the value) ``mean``
==============  ==========================  =====================================

A distribution with ``low = high`` (``mode`` too) or ``sd = 0`` is a point value:
its central value and every draw are that value. An explicit ``base`` overrides the central value. PERT is the Beta
distribution on [low, high] with ``a = 1 + 4 (mode - low) / (high - low)``,
``b = 1 + 4 (high - mode) / (high - low)`` (Vose, *Risk Analysis*, 2008; the
"modified PERT" with lambda = 4). The lognormal's ``mean`` and ``sd`` are those
of the variable: ``sigma^2 = ln(1 + sd^2 / mean^2)``, ``mu = ln(mean) -
sigma^2 / 2``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from costmodel.problems import describe_value as _describe

__all__ = ["DISTRIBUTIONS", "Distribution", "DistributionError", "make_distribution"]

#: Parameters each distribution takes (required), in order.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "pert": ("low", "mode", "high"),
    "triangular": ("low", "mode", "high"),
    "uniform": ("low", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
}


#: Nodes of the PERT inverse-CDF table used by :meth:`Distribution.from_normal`.
PERT_TABLE_SIZE = 8193
_Z_MAX = 8.5
#: Spacing of the table's even grid of standard-normal scores.
_Z_STEP = 2 * _Z_MAX / (PERT_TABLE_SIZE - 1)


def _special():
    """scipy.special, imported when first needed (it costs ~0.1 s; the deterministic run never needs it)."""
    from scipy import special

    return special


def _pert_table(low: float, mode: float, high: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The even grid of ``z``, the exact PERT values there, and the slope of each interval (as ``np.interp`` has them)."""
    return _pert_table_cached(float(low), float(mode), float(high))


@lru_cache(maxsize=256)
def _pert_table_cached(low: float, mode: float, high: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    special = _special()
    grid = np.linspace(-_Z_MAX, _Z_MAX, PERT_TABLE_SIZE)
    a = 1 + 4 * (mode - low) / (high - low)
    b = 1 + 4 * (high - mode) / (high - low)
    table = low + (high - low) * special.betaincinv(a, b, special.ndtr(grid))
    slopes = (table[1:] - table[:-1]) / (grid[1:] - grid[:-1])
    for arr in (grid, table, slopes):
        arr.flags.writeable = False
    return grid, table, slopes


def table_lookup(z: np.ndarray, grid: np.ndarray, table: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """Linear interpolation in a table on the even grid of :func:`_pert_table`, by direct indexing.

    The same formula as ``np.interp`` (``slope_j * (z - grid_j) + table_j``, values
    beyond the grid's ends held at the end values), with the interval ``j``
    computed from ``z`` instead of found by binary search: the grid is even, so
    ``j = floor((z + 8.5) / step)``. Where rounding puts ``z`` a hair on the other
    side of a node, the neighbouring interval's line is used there, which
    differs by rounding only (both lines meet at the node).
    """
    zc = np.clip(z, -_Z_MAX, _Z_MAX)
    t = zc + _Z_MAX
    t *= 1.0 / _Z_STEP
    j = t.astype(np.intp)
    np.minimum(j, PERT_TABLE_SIZE - 2, out=j)
    out = np.take(grid, j)
    np.subtract(zc, out, out=out)
    out *= np.take(slopes, j)
    out += np.take(table, j)
    return out


class DistributionError(ValueError):
    """Parameters do not define a distribution; the message says why."""


def is_finite_number(v: object) -> bool:
    """True for an int or float (not a boolean) that is finite, also as a float.

    Examples
    --------
    >>> is_finite_number(3), is_finite_number(float("nan")), is_finite_number(10**400), is_finite_number(True)
    (True, False, False, False)
    """
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # a whole number beyond the largest float
        return False


@dataclass(frozen=True)
class Distribution:
    """A univariate distribution.

    Attributes
    ----------
    kind : str
        One of :data:`DISTRIBUTIONS`.
    params : dict of str to float
    base : float or None
        Explicit central value.
    """

    kind: str
    params: dict[str, float] = field(default_factory=dict)
    base: float | None = None

    @property
    def central(self) -> float:
        """Value used by the deterministic run."""
        if self.base is not None:
            return self.base
        p = self.params
        if self.kind in ("pert", "triangular"):
            return p["mode"]
        if self.kind == "uniform":
            return (p["low"] + p["high"]) / 2
        return p["mean"]

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest possible values."""
        p = self.params
        if self.kind in ("pert", "triangular", "uniform"):
            return p["low"], p["high"]
        if p["sd"] == 0:  # a point value
            return p["mean"], p["mean"]
        if self.kind == "lognormal":
            return 0.0, math.inf
        return -math.inf, math.inf

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """Inverse cumulative distribution function at ``u`` in (0, 1)."""
        special = _special()
        u = np.asarray(u, dtype=float)
        p = self.params
        if self.kind == "uniform":
            return p["low"] + u * (p["high"] - p["low"])
        if self.kind == "triangular":
            lo, m, hi = p["low"], p["mode"], p["high"]
            if hi == lo:
                return np.full_like(u, lo)
            c = (m - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (m - lo))
            right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - m))
            return np.where(u < c, left, right)
        if self.kind == "pert":
            lo, m, hi = p["low"], p["mode"], p["high"]
            if hi == lo:
                return np.full_like(u, lo)
            a = 1 + 4 * (m - lo) / (hi - lo)
            b = 1 + 4 * (hi - m) / (hi - lo)
            return lo + (hi - lo) * special.betaincinv(a, b, u)
        if self.kind == "normal":
            return p["mean"] + p["sd"] * special.ndtri(u)
        # lognormal
        mean, sd = p["mean"], p["sd"]
        sigma2 = math.log1p((sd / mean) ** 2)
        mu = math.log(mean) - sigma2 / 2
        return np.exp(mu + math.sqrt(sigma2) * special.ndtri(u))

    def from_normal(self, z: np.ndarray, table: bool | None = None) -> np.ndarray:
        """Value for standard-normal scores ``z`` (``ppf(Phi(z))``), fast for large arrays.

        Normal and lognormal values are exact transforms of ``z``. PERT uses a
        table of :data:`PERT_TABLE_SIZE` exact inverse-CDF values on an even
        grid of ``z`` in [-8.5, 8.5] with linear interpolation
        (:func:`table_lookup`; the inverse regularised incomplete beta function
        costs ~1 microsecond a value); the interpolation error is below 1e-6 of
        the range (tests check it).

        Parameters
        ----------
        z : numpy.ndarray
        table : bool, optional
            Whether PERT values come from the table (True) or the exact inverse
            (False). Default: the table when ``z`` holds more than
            :data:`PERT_TABLE_SIZE` values. The Monte Carlo decides once per run
            from its number of draws, so that its results never depend on the
            chunk size.
        """
        z = np.asarray(z, dtype=float)
        p = self.params
        if self.kind == "normal":
            return p["mean"] + p["sd"] * z
        if self.kind == "lognormal":
            sigma2 = math.log1p((p["sd"] / p["mean"]) ** 2)
            return np.exp(math.log(p["mean"]) - sigma2 / 2 + math.sqrt(sigma2) * z)
        if table is None:
            table = z.size > PERT_TABLE_SIZE
        if self.kind == "pert" and table and p["high"] > p["low"]:
            return table_lookup(z, *_pert_table(p["low"], p["mode"], p["high"]))
        return self.ppf(np.clip(_special().ndtr(z), 1e-15, 1 - 1e-15))

    def mean(self) -> float:
        """Expected value (closed form)."""
        p = self.params
        if self.kind == "pert":
            return (p["low"] + 4 * p["mode"] + p["high"]) / 6
        if self.kind == "triangular":
            return (p["low"] + p["mode"] + p["high"]) / 3
        if self.kind == "uniform":
            return (p["low"] + p["high"]) / 2
        return p["mean"]

    def scipy(self):
        """The equivalent frozen ``scipy.stats`` distribution (for tests and reports)."""
        from scipy import stats

        p = self.params
        if self.kind == "uniform":
            return stats.uniform(p["low"], p["high"] - p["low"])
        if self.kind == "triangular":
            return stats.triang((p["mode"] - p["low"]) / (p["high"] - p["low"]), p["low"], p["high"] - p["low"])
        if self.kind == "pert":
            lo, m, hi = p["low"], p["mode"], p["high"]
            return stats.beta(1 + 4 * (m - lo) / (hi - lo), 1 + 4 * (hi - m) / (hi - lo), lo, hi - lo)
        if self.kind == "normal":
            return stats.norm(p["mean"], p["sd"])
        sigma2 = math.log1p((p["sd"] / p["mean"]) ** 2)
        return stats.lognorm(math.sqrt(sigma2), scale=math.exp(math.log(p["mean"]) - sigma2 / 2))


def make_distribution(spec: dict) -> Distribution:
    """Build and check a distribution from a scenario table.

    Parameters
    ----------
    spec : dict
        ``{"dist": kind, <parameters>, "base": optional}``.

    Raises
    ------
    DistributionError
        Unknown ``dist``, missing or unknown parameters, non-numbers,
        ``low > high``, mode outside [low, high], negative ``sd``, a lognormal
        with ``mean <= 0``, a base outside the support.
    """
    kind = spec.get("dist")
    if not isinstance(kind, str):
        raise DistributionError(f"dist must be one of {', '.join(DISTRIBUTIONS)} (a string), got {_describe(kind)}")
    if kind not in DISTRIBUTIONS:
        import difflib

        close = difflib.get_close_matches(str(kind), list(DISTRIBUTIONS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DistributionError(f"unknown dist {kind!r}{hint}; expected one of {', '.join(DISTRIBUTIONS)}")
    needed = DISTRIBUTIONS[kind]
    extra = [k for k in spec if k not in (*needed, "dist", "base")]
    if extra:
        raise DistributionError(f"{kind}: unknown parameter(s) {', '.join(map(repr, extra))}; expected {', '.join(needed)}")
    missing = [k for k in needed if k not in spec]
    if missing:
        raise DistributionError(f"{kind}: missing parameter(s) {', '.join(missing)}")
    params = {}
    for k in (*needed, "base"):
        if k not in spec:
            continue
        v = spec[k]
        if not is_finite_number(v):
            shown = _describe(v) if isinstance(v, bool) or not isinstance(v, int | float) else repr(v)
            if isinstance(v, int) and not isinstance(v, bool):
                shown = f"a whole number of {len(str(abs(v)))} digits"
            raise DistributionError(f"{kind}: {k} must be a finite number (got {shown})")
        params[k] = float(v)
    base = params.pop("base", None)
    if kind in ("pert", "triangular", "uniform") and params["low"] > params["high"]:
        raise DistributionError(f"{kind}: low must be <= high (got low {params['low']:g} > high {params['high']:g})")
    if kind in ("pert", "triangular") and not params["low"] <= params["mode"] <= params["high"]:
        raise DistributionError(f"{kind}: mode must lie between low and high (got {params['mode']:g})")
    if kind in ("normal", "lognormal") and params["sd"] < 0:
        raise DistributionError(f"{kind}: sd must be >= 0 (got {params['sd']:g})")
    if kind == "lognormal" and params["mean"] <= 0:
        raise DistributionError(f"lognormal: mean must be > 0 (got {params['mean']:g})")
    # the spread must be computable: draws are low + u (high - low), or mean + z sd with |z| up to 8.5
    if kind in ("pert", "triangular", "uniform") and not math.isfinite(params["high"] - params["low"]):
        raise DistributionError(f"{kind}: high - low is too large to compute (low {params['low']:g}, high {params['high']:g})")
    if kind in ("normal", "lognormal") and not math.isfinite(abs(params["mean"]) + _Z_MAX * params["sd"]):
        raise DistributionError(f"{kind}: sd is too large to compute (mean {params['mean']:g}, sd {params['sd']:g})")
    dist = Distribution(kind, params, base)
    lo, hi = dist.support
    if base is not None and not lo <= base <= hi:
        raise DistributionError(f"{kind}: base {base:g} lies outside the distribution's range [{lo:g}, {hi:g}]")
    return dist
