"""Brute-force O(n^2) NumPy references for the max-norm neighbour queries and estimators.

Every distance is computed as ``max_c |p_jc - p_ic|``, the point itself is excluded by
identity (not by distance), and counts compare differences with the radius directly, as
DESIGN.md asks. These are deliberately naive: use them on small n only.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma


def as_2d(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return a.reshape(-1, 1) if a.ndim == 1 else a


def cheb(a: np.ndarray) -> np.ndarray:
    """(n, n) max-norm distances; D[i, j] = max_c |a[j, c] - a[i, c]|."""
    a = as_2d(a)
    return np.abs(a[None, :, :] - a[:, None, :]).max(axis=2)


def knn_ref(points: np.ndarray, k: int) -> np.ndarray:
    """Distance from every point to its k-th nearest *other* point (duplicates count)."""
    d = cheb(points)
    np.fill_diagonal(d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]


def count_ref(points: np.ndarray, radii: np.ndarray, strict: bool = True) -> np.ndarray:
    """Number of other points j with distance < radii[i] (strict) or <= radii[i]."""
    d = cheb(points)
    r = np.asarray(radii, dtype=np.float64)[:, None]
    inside = d < r if strict else d <= r
    np.fill_diagonal(inside, False)
    return inside.sum(axis=1).astype(np.int64)


def ksg1_ref(x: np.ndarray, y: np.ndarray, k: int, *, strict: bool = True, local: bool = False):
    """KSG algorithm 1: psi(k) + psi(n) - <psi(nx + 1) + psi(ny + 1)>, counts < eps_i."""
    x, y = as_2d(x), as_2d(y)
    n = x.shape[0]
    dx, dy = cheb(x), cheb(y)
    dz = np.maximum(dx, dy)
    np.fill_diagonal(dz, np.inf)
    eps = np.sort(dz, axis=1)[:, k - 1]
    nx = count_ref(x, eps, strict)
    ny = count_ref(y, eps, strict)
    values = digamma(k) + digamma(n) - digamma(nx + 1) - digamma(ny + 1)
    return values if local else float(values.mean())


def ksg2_ref(x: np.ndarray, y: np.ndarray, k: int, *, strict: bool = False, local: bool = False):
    """KSG algorithm 2: per-marginal radii (largest marginal distance among the k joint
    neighbours), counts <= the radii; psi(k) - 1/k + psi(n) - <psi(nx) + psi(ny)>.

    The k joint neighbours must be unambiguous: asserts that no point has a tie between
    its k-th and (k+1)-th joint distance.
    """
    x, y = as_2d(x), as_2d(y)
    n = x.shape[0]
    dx, dy = cheb(x), cheb(y)
    dz = np.maximum(dx, dy)
    np.fill_diagonal(dz, np.inf)
    order = np.argsort(dz, axis=1, kind="stable")
    sorted_d = np.take_along_axis(dz, order, axis=1)
    assert (sorted_d[:, k - 1] < sorted_d[:, k]).all(), "k-th joint neighbour is ambiguous"
    nbrs = order[:, :k]
    rows = np.arange(n)[:, None]
    ex = dx[rows, nbrs].max(axis=1)
    ey = dy[rows, nbrs].max(axis=1)
    nx = count_ref(x, ex, strict)
    ny = count_ref(y, ey, strict)
    values = digamma(k) - 1.0 / k + digamma(n) - digamma(nx) - digamma(ny)
    return values if local else float(values.mean())


def frenzel_pompe_ref(x, y, z, k: int, *, local: bool = False):
    """psi(k) - <psi(nxz + 1) + psi(nyz + 1) - psi(nz + 1)>, counts strictly inside eps_i."""
    x, y, z = as_2d(x), as_2d(y), as_2d(z)
    xz, yz = np.hstack([x, z]), np.hstack([y, z])
    eps = knn_ref(np.hstack([x, y, z]), k)
    nxz = count_ref(xz, eps, True)
    nyz = count_ref(yz, eps, True)
    nz = count_ref(z, eps, True)
    values = digamma(k) - digamma(nxz + 1) - digamma(nyz + 1) + digamma(nz + 1)
    return values if local else float(values.mean())


def kozachenko_leonenko_ref(x, k: int, *, local: bool = False):
    """psi(n) - psi(k) + d <ln(2 eps_i)> with max-norm k-th neighbour distances."""
    x = as_2d(x)
    n, d = x.shape
    eps = knn_ref(x, k)
    with np.errstate(divide="ignore"):
        values = digamma(n) - digamma(k) + d * np.log(2.0 * eps)
    return values if local else float(values.mean())


def gaussian_pairs(rng: np.random.Generator, n: int, d: int, rho: float):
    """d independent pairs (x_c, y_c) with correlation rho; I(X;Y) = -d/2 ln(1 - rho^2)."""
    x = rng.standard_normal((n, d))
    y = rho * x + np.sqrt(1.0 - rho**2) * rng.standard_normal((n, d))
    return x, y


def gaussian_mi(d: int, rho: float) -> float:
    return -0.5 * d * np.log1p(-(rho**2))


def ross_ref(c, labels, k: int, *, local: bool = False):
    """Ross (2014), as scikit-learn's mutual_info_classif: per sample, the radius is the
    distance to the k-th nearest sample of the same label (k capped at count - 1); m_i counts
    the other samples, of any repeated label, within that radius, on it included. Samples
    whose label occurs once are left out (NaN locally)."""
    c = as_2d(c)
    labels = np.asarray(labels)
    n = c.shape[0]
    _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    codes = codes.reshape(-1)
    count = counts[codes]
    kept = count > 1
    d = cheb(c)
    values = np.full(n, np.nan)
    n_kept = int(kept.sum())
    for i in np.flatnonzero(kept):
        same = codes == codes[i]
        same[i] = False
        kc = min(k, int(count[i]) - 1)
        r = np.sort(d[i, same])[kc - 1]
        inside = (d[i] <= r) & kept
        inside[i] = False
        m = int(inside.sum())
        values[i] = digamma(n_kept) + digamma(kc) - digamma(count[i]) - digamma(m)
    return values if local else float(np.nanmean(values))


def gao_ref(x, y, k: int, *, local: bool = False):
    """Gao et al. (2017) as in the authors' reference code (mixed_KSG): counts include the
    sample itself, are strictly inside the joint k-th neighbour distance rho_i, and enter
    through digamma; where rho_i = 0 the counts are of exact copies (joint and marginal)."""
    x, y = as_2d(x), as_2d(y)
    n = x.shape[0]
    dx, dy = cheb(x), cheb(y)
    dz = np.maximum(dx, dy)
    off = dz.copy()
    np.fill_diagonal(off, np.inf)
    rho = np.sort(off, axis=1)[:, k - 1]
    values = np.empty(n)
    for i in range(n):
        if rho[i] == 0:
            kp = int((dz[i] == 0).sum())
            nx = int((dx[i] == 0).sum())
            ny = int((dy[i] == 0).sum())
        else:
            kp = k
            nx = int((dx[i] < rho[i]).sum())
            ny = int((dy[i] < rho[i]).sum())
        values[i] = digamma(kp) + np.log(n) - digamma(nx) - digamma(ny)
    return values if local else float(values.mean())
