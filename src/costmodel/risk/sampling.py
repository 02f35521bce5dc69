"""Drawing the random inputs: independent marginals joined by a Gaussian copula.

Every random input (named parameter or inline distribution) gets one column
of standard normal numbers, drawn from ``numpy.random.Generator`` in a fixed
order (named parameters in file order, then inline distributions in file
order). Correlated parameters have their columns mixed by a square-root
factor of the normal-copula correlation matrix; each column ``z`` becomes a
value ``F^-1(Phi(z))`` through the input's inverse CDF
(:meth:`~costmodel.scenario.distributions.Distribution.from_normal`).

The correlation given in the scenario is a **rank** (Spearman) correlation;
the normal copula's Pearson correlation is ``2 sin(pi rho_s / 6)`` (Kruskal,
1958), which reproduces it for any marginals (Iman & Conover, 1982, use the
same idea with rank reordering).

Because the generator fills arrays in order, drawing in chunks gives the same
numbers as drawing all at once: results depend on the seed and the number of
draws, never on the chunk size (the Monte Carlo also decides once per run,
from the number of draws, whether PERT values come from their table:
``table``). Options share every named input within a draw
(common random numbers), so option differences are not buried in noise.
"""

from __future__ import annotations

import numpy as np

from costmodel.scenario import Scenario
from costmodel.scenario.distributions import PERT_TABLE_SIZE
from costmodel.values import InputValues

__all__ = ["copula_factor", "draw_values", "random_labels", "spearman_to_pearson"]


def random_labels(scenario: Scenario) -> list[str]:
    """Labels of the random inputs in drawing order."""
    return list(scenario.random_inputs)


def spearman_to_pearson(rho_s: np.ndarray) -> np.ndarray:
    """Normal-copula correlation that gives the rank correlation ``rho_s``."""
    return 2.0 * np.sin(np.pi * np.asarray(rho_s, dtype=float) / 6.0)


def copula_factor(rho_s: np.ndarray) -> np.ndarray:
    """A factor ``L`` with ``L @ L.T`` equal to the normal-copula correlation.

    Uses the eigen-decomposition, so a positive *semi*-definite matrix (e.g. a
    correlation of exactly 1) works; tiny negative eigenvalues from the
    Spearman-to-Pearson conversion are set to zero.
    """
    r = spearman_to_pearson(rho_s)
    np.fill_diagonal(r, 1.0)
    w, v = np.linalg.eigh(r)
    return v * np.sqrt(np.clip(w, 0.0, None))


def draw_values(scenario: Scenario, n: int, rng: np.random.Generator, table: bool | None = None) -> InputValues:
    """Draw ``n`` values of every random input.

    Parameters
    ----------
    scenario : Scenario
    n : int
        Number of draws.
    rng : numpy.random.Generator
        Source of randomness (advanced by ``n x inputs`` normals).
    table : bool, optional
        PERT values from their inverse-CDF table (True) or exact (False);
        default the table when ``n`` is larger than the table
        (:meth:`~costmodel.scenario.distributions.Distribution.from_normal`).

    Returns
    -------
    InputValues
    """
    dists = scenario.random_inputs
    labels = list(dists)
    z = rng.standard_normal((n, len(labels))) if labels else np.zeros((n, 0))
    if scenario.correlation is not None:
        names, rho_s = scenario.correlation
        cols = [labels.index(nm) for nm in names]
        z[:, cols] = z[:, cols] @ _copula_factor(names, rho_s).T
    if table is None:
        table = n > PERT_TABLE_SIZE
    columns = z.T.copy() if n > 1 and len(labels) > 1 else z.T  # one contiguous row per input
    random = {label: dists[label].from_normal(columns[j], table) for j, label in enumerate(labels)}
    return InputValues(scenario, random, n)


_FACTORS: dict[tuple, np.ndarray] = {}


def _copula_factor(names: tuple[str, ...], rho_s: np.ndarray) -> np.ndarray:
    """:func:`copula_factor`, computed once per correlation matrix (every chunk uses it)."""
    key = (names, rho_s.tobytes(), rho_s.shape)
    factor = _FACTORS.get(key)
    if factor is None:
        if len(_FACTORS) > 64:
            _FACTORS.clear()
        factor = _FACTORS[key] = copula_factor(rho_s)
    return factor
