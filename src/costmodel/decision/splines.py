"""Regression smoothers for value-of-information estimates: natural cubic regression splines.

The expected value of partial perfect information (EVPPI) by regression
(Strong, Oakley & Brennan, 2014) needs an estimate of ``E[Y | theta]``, the
conditional mean of a cost (or a cost difference) ``Y`` given one input or a
few inputs ``theta``, at every Monte Carlo draw. This module supplies it with
plain least squares on a fixed basis, in numpy only:

* one input: a **natural cubic regression spline** (cubic between knots,
  linear beyond the boundary knots; Hastie, Tibshirani & Friedman, 2009,
  eq. 5.4-5.5) with knots at quantiles of the input, placed by Harrell's rule
  (2015, Table 2.3: 3 to 7 knots at fixed quantiles; more knots at equally
  spaced quantiles from 0.025 to 0.975, continuing the 7-knot row), the
  number of knots chosen by generalised cross-validation (GCV; Craven &
  Wahba, 1979) among :data:`KNOT_CANDIDATES`;
* several inputs: an **additive model**, the sum of each input's spline
  (with the number of knots chosen for it alone), plus the pairwise products
  of the (scaled) inputs, so that a cost driven by a product such as
  ``price_factor x demand`` is captured to first order.

Unlike mgcv's penalised thin-plate splines used by Strong et al., these
splines are unpenalised; the number of knots is their only smoothing
parameter. With the tens of thousands of draws a value-of-information run
uses, a few to twenty coefficients per input leave thousands of draws per
coefficient, so the variance added by not penalising is small.

The least-squares fits use an orthonormal basis of the design matrix from
Cholesky QR2 (two passes of ``Q = B R^-1`` with ``R`` the Cholesky factor of
the Gram matrix; Fukaya et al., 2014), which costs a few ``n x p^2`` matrix
products instead of a Householder QR's explicit ``Q`` and is accurate for
condition numbers up to about ``1e8`` (the truncated-power spline basis with
at most 20 knots stays below that on inputs scaled to their knot range). A
basis that is singular or too ill-conditioned (duplicated or zero columns)
falls back to the singular value decomposition with its numerical rank.
Candidate numbers of knots are compared on residual sums of squares from the
normal equations (one pass over the design), unless the design is close to
collinear; only the chosen fit is computed through ``Q``.

References
----------
.. [1] M. Strong, J. E. Oakley and A. Brennan, "Estimating multiparameter
   partial expected value of perfect information from a probabilistic
   sensitivity analysis sample: a nonparametric regression approach",
   Medical Decision Making 34(3):311-326, 2014.
.. [2] T. Hastie, R. Tibshirani and J. Friedman, "The Elements of
   Statistical Learning", 2nd ed., Springer, 2009, section 5.2.1.
.. [3] F. E. Harrell, "Regression Modeling Strategies", 2nd ed., Springer,
   2015, section 2.4.6 and Table 2.3.
.. [4] P. Craven and G. Wahba, "Smoothing noisy data with spline functions",
   Numerische Mathematik 31:377-403, 1979.
.. [5] T. Fukaya, Y. Nakatsukasa, Y. Yanagisawa and Y. Yamamoto,
   "CholeskyQR2: a simple and communication-avoiding algorithm for computing
   a tall-skinny QR factorization on a large-scale parallel system",
   ScalA '14, IEEE, 2014.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "KNOT_CANDIDATES",
    "KNOT_QUANTILES",
    "MIN_DRAWS_PER_COEFFICIENT",
    "Fit",
    "additive_design",
    "fit_least_squares",
    "knot_quantiles",
    "knots_at_quantiles",
    "natural_spline_basis",
    "select_knots",
]

#: Quantiles at which Harrell (2015, Table 2.3) places 3 to 7 knots of a
#: restricted (natural) cubic spline.
KNOT_QUANTILES: dict[int, tuple[float, ...]] = {
    3: (0.10, 0.50, 0.90),
    4: (0.05, 0.35, 0.65, 0.95),
    5: (0.05, 0.275, 0.50, 0.725, 0.95),
    6: (0.05, 0.23, 0.41, 0.59, 0.77, 0.95),
    7: (0.025, 0.1833, 0.3417, 0.50, 0.6583, 0.8167, 0.975),
}
#: Outer quantiles used for 2 knots (a straight line: the knots only scale the
#: input) and for 8 or more knots (equally spaced in between).
OUTER_QUANTILES = (0.025, 0.975)
#: Numbers of knots tried by :func:`select_knots` (2 knots is a straight line):
#: roughly geometric, about x 1.4 per step, so that a few fits span 1 to 19
#: degrees of freedom.
KNOT_CANDIDATES: tuple[int, ...] = (2, 3, 5, 7, 10, 14, 20)
#: A candidate basis is tried only if there are at least this many draws per
#: regression coefficient.
MIN_DRAWS_PER_COEFFICIENT = 10
#: Cholesky QR2's second pass is taken when the first pass left ``max |Q^T Q - I|``
#: below this (the second pass then restores orthogonality to rounding error;
#: Fukaya et al., 2014); otherwise the SVD is used.
_FIRST_PASS_TOLERANCE = 1e-2
#: The normal equations are used to compare candidate fits only when no column
#: of the (column-scaled) design is explained by the others to better than
#: ``1 - pivot^2``; closer to collinear, the accurate path is taken.
_NORMAL_EQUATIONS_MIN_PIVOT = 1e-5


def knot_quantiles(k: int) -> np.ndarray:
    """Quantile levels of ``k`` knots (Harrell's rule, see the module docstring).

    Parameters
    ----------
    k : int
        Number of knots, >= 2.

    Returns
    -------
    numpy.ndarray
        ``k`` increasing quantile levels in (0, 1). [-]

    Examples
    --------
    >>> knot_quantiles(3).tolist()
    [0.1, 0.5, 0.9]
    >>> knot_quantiles(11).round(3).tolist()
    [0.025, 0.12, 0.215, 0.31, 0.405, 0.5, 0.595, 0.69, 0.785, 0.88, 0.975]
    """
    if k < 2:
        raise ValueError(f"a natural cubic spline needs at least 2 knots, got {k}")
    if k in KNOT_QUANTILES:
        return np.array(KNOT_QUANTILES[k])
    return np.linspace(*OUTER_QUANTILES, k)


def knots_at_quantiles(x: ArrayLike, k: int) -> np.ndarray:
    """Distinct knots of ``k`` knots at quantiles of ``x``.

    Tied quantiles (an input with few distinct values) are merged, so fewer
    than ``k`` knots may come back; when the outer quantiles coincide the
    minimum and maximum of ``x`` are used instead. A constant ``x`` gives one
    knot (no spline can be fitted).

    Parameters
    ----------
    x : array_like, shape (n,)
        Values of the input. [unit of the input]
    k : int
        Number of knots wanted, >= 2.

    Returns
    -------
    numpy.ndarray
        Increasing distinct knots. [unit of the input]
    """
    return _knots_of_sorted(np.sort(np.asarray(x, dtype=float)), k)


def _knots_of_sorted(xs: np.ndarray, k: int) -> np.ndarray:
    """:func:`knots_at_quantiles` on values already sorted (numpy's default linear quantiles)."""
    h = (xs.size - 1) * knot_quantiles(k)
    lo = np.floor(h).astype(int)
    hi = np.minimum(lo + 1, xs.size - 1)
    knots = np.unique(xs[lo] + (h - lo) * (xs[hi] - xs[lo]))
    if knots.size < 2:
        knots = np.unique([xs[0], xs[-1]])
    return knots


def natural_spline_basis(x: ArrayLike, knots: ArrayLike, constant: bool = False) -> np.ndarray:
    """Natural cubic spline basis.

    With knots ``xi_1 < ... < xi_K`` and ``s = (x - xi_1) / (xi_K - xi_1)``
    (the same for the knots, ``t_k``), the columns are ``s`` and
    ``N_k(s) = d_k(s) - d_{K-1}(s)`` for ``k = 1 .. K-2``, where
    ``d_k(s) = ((s - t_k)_+^3 - (s - t_K)_+^3) / (t_K - t_k)`` (Hastie et al.,
    2009, eq. 5.4-5.5). Every linear combination of the columns plus a
    constant is cubic between knots, linear beyond the boundary knots and
    twice continuously differentiable.

    Parameters
    ----------
    x : array_like, shape (n,)
        Values of the input. [unit of the input]
    knots : array_like, shape (K,)
        Increasing distinct knots, ``K >= 2``. [unit of the input]
    constant : bool
        Put a column of ones first (the design matrix of the spline alone).

    Returns
    -------
    numpy.ndarray, shape (n, K - 1), or (n, K) with the constant
        The basis (a straight line, one column, when ``K = 2``). [-]

    Examples
    --------
    A natural spline is linear beyond its boundary knots (second difference
    of equally spaced points is 0 there):

    >>> b = natural_spline_basis([2.0, 3.0, 4.0], [0.0, 0.5, 1.0])
    >>> b.shape
    (3, 2)
    >>> float(abs(b[0, 1] - 2 * b[1, 1] + b[2, 1])) < 1e-12
    True
    """
    x = np.asarray(x, dtype=float)
    knots = np.asarray(knots, dtype=float)
    if knots.ndim != 1 or knots.size < 2 or np.any(np.diff(knots) <= 0):
        raise ValueError("knots must be at least 2 increasing distinct values")
    lo, span = knots[0], knots[-1] - knots[0]
    k = knots.size
    first = 1 if constant else 0
    out = np.empty((x.size, first + k - 1))
    if constant:
        out[:, 0] = 1.0
    s = out[:, first]
    np.subtract(x, lo, out=s)
    s /= span
    if k == 2:
        return out
    t = (knots - lo) / span
    p = s[:, None] - t[None, :]
    np.maximum(p, 0.0, out=p)
    p *= p * p  # (n, K) truncated cubes P_k = (s - t_k)_+^3; a product is much faster than ** 3
    # N_k = d_k - d_{K-1} is a linear combination of the P's: N = P @ a, one matrix product
    a = np.zeros((k, k - 2))
    inv_gap = 1.0 / (t[k - 1] - t[: k - 1])  # 1 / (t_K - t_k), k = 1 .. K-1
    a[np.arange(k - 2), np.arange(k - 2)] = inv_gap[: k - 2]
    a[k - 2, :] = -inv_gap[k - 2]
    a[k - 1, :] = inv_gap[k - 2] - inv_gap[: k - 2]
    np.matmul(p, a, out=out[:, first + 1 :])
    return out


def additive_design(columns: Sequence[np.ndarray], interactions: bool = True) -> np.ndarray:
    """Design matrix of an additive model: constant, each input's basis, pairwise products.

    Parameters
    ----------
    columns : sequence of numpy.ndarray, each of shape (n, p_i)
        The basis of each input (from :func:`natural_spline_basis`); the
        first column of each is the scaled input itself.
    interactions : bool
        Add the product of the first columns of every pair of inputs (the
        bilinear interactions).

    Returns
    -------
    numpy.ndarray, shape (n, 1 + sum p_i [+ pairs])
        The constant column first. [-]
    """
    n = columns[0].shape[0] if columns else 0
    parts = [np.ones((n, 1)), *columns]
    if interactions:
        linear = [c[:, 0] - c[:, 0].mean() for c in columns]
        for i in range(len(linear)):
            for j in range(i + 1, len(linear)):
                parts.append((linear[i] * linear[j])[:, None])
    return np.column_stack(parts)


@dataclass(frozen=True)
class Fit:
    """A least-squares fit of several responses on one design matrix.

    Attributes
    ----------
    fitted : numpy.ndarray, shape (n, m), or None
        Fitted values (None when not asked for). [unit of the responses]
    rss : numpy.ndarray, shape (m,)
        Residual sum of squares per response. [unit squared]
    tss : numpy.ndarray, shape (m,)
        Total sum of squares about the mean per response. [unit squared]
    rank : int
        Numerical rank of the design matrix (the fit's degrees of freedom).
    n : int
        Number of observations.
    basis : numpy.ndarray, shape (n, rank), or None
        Orthonormal basis of the column space of the design matrix; the
        fitted values are ``basis @ (basis.T @ y)`` (None with the fitted
        values). [-]
    """

    fitted: np.ndarray | None
    rss: np.ndarray
    tss: np.ndarray
    rank: int
    n: int
    basis: np.ndarray | None

    @property
    def gcv(self) -> float:
        """Generalised cross-validation score ``n sum_j (rss_j / tss_j) / (n - rank)^2``. [-]

        Each response's residual sum of squares is divided by its total sum
        of squares so that responses on different scales weigh alike;
        responses without variation are left out. Infinite when
        ``rank >= n``.
        """
        if self.rank >= self.n:
            return float("inf")
        keep = self.tss > 0
        return float(self.n * np.sum(self.rss[keep] / self.tss[keep]) / (self.n - self.rank) ** 2)

    @property
    def r_squared(self) -> float:
        """Share of the responses' total variation explained, ``1 - sum rss / sum tss`` (1 without variation). [-]"""
        total = float(np.sum(self.tss))
        return 1.0 if total == 0 else 1.0 - float(np.sum(self.rss)) / total


def _scaled_cholesky(gram: np.ndarray, min_pivot: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Columns kept (non-zero) and ``F`` with ``design[:, keep] @ F`` orthonormal in exact arithmetic.

    ``F = D^-1 R^-1`` with ``D`` the column norms and ``R`` the Cholesky factor
    of the unit-diagonal Gram matrix. Raises ``numpy.linalg.LinAlgError`` when
    the Gram matrix is not numerically positive definite or a diagonal
    element of ``R`` is below ``min_pivot`` (``R_jj^2`` is the share of
    column ``j`` not explained by the columns before it).
    """
    norms = np.sqrt(np.diag(gram))
    keep = norms > 0
    if not keep.any():
        raise np.linalg.LinAlgError("every column is zero")
    g, norms = gram[np.ix_(keep, keep)], norms[keep]
    r = np.linalg.cholesky(g / np.outer(norms, norms)).T
    if np.min(np.diag(r)) < min_pivot:
        raise np.linalg.LinAlgError("nearly collinear columns")
    return keep, np.linalg.inv(r) / norms[:, None]


def _orthonormal_basis(design: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the column space: Cholesky QR2, or the SVD when that fails.

    The columns are scaled to unit norm inside the small ``p x p`` factor
    (never by copying the design), and columns of zeros are dropped.
    """
    try:
        keep, factor = _scaled_cholesky(design.T @ design)
        q = (design if keep.all() else design[:, keep]) @ factor
        check = q.T @ q  # I up to the first pass's loss of orthogonality
        if np.all(np.isfinite(check)) and np.max(np.abs(check - np.eye(check.shape[0]))) < _FIRST_PASS_TOLERANCE:
            return q @ np.linalg.inv(np.linalg.cholesky(check).T)  # second pass: orthogonal to rounding
    except np.linalg.LinAlgError:
        pass
    norms = np.linalg.norm(design, axis=0)
    if not np.any(norms > 0):
        return np.zeros((design.shape[0], 0))
    scaled = design[:, norms > 0] / norms[norms > 0]
    u, sv, _ = np.linalg.svd(scaled, full_matrices=False)
    rank = int(np.sum(sv > sv[0] * max(scaled.shape) * np.finfo(float).eps))
    return u[:, :rank]


def fit_least_squares(design: np.ndarray, y: np.ndarray, fitted: bool = True) -> Fit:
    """Least-squares fit of every column of ``y`` on the columns of ``design``.

    Parameters
    ----------
    design : numpy.ndarray, shape (n, p)
        Design matrix; it must contain the constant column (the intercept).
    y : numpy.ndarray, shape (n,) or (n, m)
        Responses. [any unit]
    fitted : bool
        Compute the fitted values (and the orthonormal basis). Without them
        the residual sums of squares come from the normal equations,
        ``|y - mean|^2 - |R^-T X^T (y - mean)|^2`` with ``R`` the Cholesky
        factor of the (column-scaled) Gram matrix: one pass over the design
        instead of four, accurate to about ``eps cond(X)^2`` of the total sum
        of squares, which is enough to compare candidate fits (the accurate
        path is taken when the Cholesky factorisation fails).

    Returns
    -------
    Fit

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> fit = fit_least_squares(np.column_stack([np.ones(4), x]), 2 * x + 1)
    >>> fit.fitted[:, 0].round(12).tolist(), fit.rank
    ([1.0, 3.0, 5.0, 7.0], 2)
    """
    design = np.asarray(design, dtype=float)
    y = np.asarray(y, dtype=float)
    y2 = y[:, None] if y.ndim == 1 else y
    n = y2.shape[0]
    centred = y2 - y2.mean(axis=0)
    tss = np.einsum("ij,ij->j", centred, centred)
    if not fitted:
        try:
            keep, factor = _scaled_cholesky(design.T @ design, _NORMAL_EQUATIONS_MIN_PIVOT)
            coef = factor.T @ (design.T @ centred)[keep]  # = Q^T (y - mean)
            rss = np.maximum(tss - np.einsum("ij,ij->j", coef, coef), 0.0)
            return Fit(None, rss, tss, int(keep.sum()), n, None)
        except np.linalg.LinAlgError:
            pass
    q = _orthonormal_basis(design)
    values = q @ (q.T @ y2)
    resid = y2 - values
    return Fit(values, np.einsum("ij,ij->j", resid, resid), tss, q.shape[1], n, q)


def select_knots(x: ArrayLike, y: np.ndarray, candidates: Sequence[int] = KNOT_CANDIDATES) -> tuple[int, Fit]:
    """Number of knots of a natural cubic spline of ``y`` on ``x`` with the lowest GCV score.

    Candidates with fewer than :data:`MIN_DRAWS_PER_COEFFICIENT` draws per
    coefficient, more knots than ``x`` has distinct values, or quantile knots
    that collapse to fewer distinct knots than asked (an input with few
    distinct values) are skipped, except the straight line (2 knots); ties in
    the score go to the fewer knots. A constant ``x`` gives 0 knots and the fit
    of the mean alone.

    Parameters
    ----------
    x : array_like, shape (n,)
        Values of the input. [unit of the input]
    y : numpy.ndarray, shape (n,) or (n, m)
        Responses. [any unit]
    candidates : sequence of int
        Numbers of knots to try, each >= 2.

    Returns
    -------
    tuple of (int, Fit)
        The number of knots chosen and its fit (constant column included).

    Examples
    --------
    A straight line needs no more than 2 knots:

    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(size=2000)
    >>> select_knots(x, 3 * x + rng.normal(scale=0.1, size=2000))[0]
    2
    """
    x = np.asarray(x, dtype=float)
    n = x.size
    if np.ptp(x) == 0:
        return 0, fit_least_squares(np.ones((n, 1)), y)
    xs = np.sort(x)
    distinct = 1 + int(np.count_nonzero(xs[1:] != xs[:-1]))
    best: tuple[int, np.ndarray, float] | None = None  # knots, knot values, GCV score
    for k in sorted(set(candidates)):
        if k > 2 and (k > distinct or n < MIN_DRAWS_PER_COEFFICIENT * k):
            continue
        values = _knots_of_sorted(xs, k)
        if values.size < min(k, 3) or (k > 2 and values.size < k):
            continue
        score = fit_least_squares(natural_spline_basis(x, values, constant=True), y, fitted=False).gcv
        if best is None or score < best[2]:
            best = (k, values, score)
    if best is None:  # too few draws for any candidate: a straight line
        best = (2, _knots_of_sorted(xs, 2), math.nan)
    return best[0], fit_least_squares(natural_spline_basis(x, best[1], constant=True), y)
