"""The peer implementations that the benchmarks run beside fastit.

Each takes the same NumPy arrays as fastit and returns the same quantity, so that
``compare.py`` and ``bench_knn.py`` can time and check them side by side.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma


def _columns(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 else a


def _ball_counts(points: np.ndarray, radii: np.ndarray, workers: int) -> np.ndarray:
    """Points j (i itself included) with max-norm distance <= radii[i], for every i."""
    tree = cKDTree(points)
    return tree.query_ball_point(points, r=radii, p=np.inf, return_length=True, workers=workers)


def sklearn_ksg1(x: np.ndarray, y: np.ndarray, k: int = 3) -> float:
    """scikit-learn's ``mutual_info_regression`` for a single 1-D feature x (nats).

    scikit-learn scales x and y to unit variance, adds noise of 1e-10 relative size
    and clips negative estimates to 0, so it differs from fastit in the last digits.
    """
    from sklearn.feature_selection import mutual_info_regression

    mi = mutual_info_regression(np.reshape(x, (-1, 1)), np.ravel(y), n_neighbors=k, random_state=0)
    return float(mi[0])


def ckdtree_ksg1(x: np.ndarray, y: np.ndarray, k: int = 3, workers: int = -1) -> float:
    """KSG algorithm 1 (Kraskov et al. 2004) on ``scipy.spatial.cKDTree``, in nats.

    eps_i is the max-norm distance from point i to its k-th nearest other point in the
    joint space (x, y); n_x(i) counts the other points with ``max|x_j - x_i| < eps_i``,
    n_y(i) likewise, and ``I = psi(k) + psi(n) - mean(psi(n_x + 1) + psi(n_y + 1))``.
    cKDTree's ball query counts ``<= r``, so the radius is ``nextafter(eps, 0)``, which
    makes the count strict exactly. x and y may be (n,) or (n, d).

    No standardisation and no tie handling: on tie-free data this is the same computation
    as ``fastit.mutual_info(x, y, k=k, method="ksg1", standardize=False)``, with identical
    counts; the two agree to about 1e-12 (summation order only). ``bench_knn.py`` checks it.
    """
    x, y = _columns(x), _columns(y)
    n = x.shape[0]
    xy = np.hstack((x, y))
    # k + 1 neighbours: the point itself comes first, at distance 0.
    dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf, workers=workers)
    radius = np.nextafter(dist[:, -1], 0)
    del dist, xy
    n_x = _ball_counts(x, radius, workers) - 1  # minus the point itself
    n_y = _ball_counts(y, radius, workers) - 1
    return float(digamma(k) + digamma(n) - np.mean(digamma(n_x + 1) + digamma(n_y + 1)))


def npeet_style_ksg1(x: np.ndarray, y: np.ndarray, k: int = 3, seed: int = 0) -> float:
    """KSG algorithm 1 the way NPEET's ``mi`` computes it (Ver Steeg's Non-parametric
    Entropy Estimation Toolbox), in nats.

    Noise of relative size 1e-10 is added to every value, the joint k-th neighbour
    distance comes from a one-thread cKDTree query, and the marginal counts from
    ``query_ball_point`` at that distance minus 1e-15 (an absolute offset standing in for
    strictness), the point itself included: psi(k) + psi(n) - <psi(n_x) + psi(n_y)>. The
    same estimate as fastit's up to the noise and the 1e-15 offset; single-threaded, as
    NPEET runs.
    """
    rng = np.random.default_rng(seed)
    x, y = _columns(x), _columns(y)
    x = x + 1e-10 * rng.random(x.shape)
    y = y + 1e-10 * rng.random(y.shape)
    xy = np.hstack((x, y))
    dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf, workers=1)
    radius = dist[:, -1] - 1e-15
    n_x = cKDTree(x).query_ball_point(x, radius, p=np.inf, return_length=True, workers=1)
    n_y = cKDTree(y).query_ball_point(y, radius, p=np.inf, return_length=True, workers=1)
    n = x.shape[0]
    return float(digamma(k) + digamma(n) - np.mean(digamma(n_x) + digamma(n_y)))


def ennemi_ksg(x: np.ndarray, y: np.ndarray, k: int = 3) -> float:
    """ennemi's ``estimate_mi`` (KSG algorithm 1 on unit-variance data with its own fixed
    noise, all cores) for one 1-D x against a 1-D y, in nats. Needs ``pip install ennemi``."""
    import ennemi

    return float(ennemi.estimate_mi(np.ravel(y), np.ravel(x), k=k)[0, 0])


def ckdtree_knn_distances(points: np.ndarray, k: int, workers: int = -1) -> np.ndarray:
    """Max-norm distance from every point to its k-th nearest other point (cKDTree)."""
    pts = _columns(points)
    dist, _ = cKDTree(pts).query(pts, k=k + 1, p=np.inf, workers=workers)
    return dist[:, -1]


def ckdtree_count_neighbors(
    points: np.ndarray, radii: np.ndarray, strict: bool = True, workers: int = -1
) -> np.ndarray:
    """Number of other points within max-norm distance < radii[i] (``<=`` if not strict).

    Tie-free data only: a zero radius would count the duplicates of a point.
    """
    pts = _columns(points)
    r = np.nextafter(radii, 0) if strict else np.asarray(radii, dtype=np.float64)
    return _ball_counts(pts, r, workers) - 1
