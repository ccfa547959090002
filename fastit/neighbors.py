"""Exact max-norm neighbour queries, as used by the k-NN estimators."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._validation import FloatArray, as_radii, as_samples, check_flag, check_k, n_threads


def knn_distances(points: Any, k: int, *, n_jobs: int | None = None) -> FloatArray:
    """Max-norm distance from every point to its k-th nearest other point.

    The point itself is excluded by identity, not by distance: a duplicate of a point is
    another point at distance 0. Exact (no approximation); 1-D data use sorted arrays,
    higher dimensions a kd-tree.

    Parameters
    ----------
    points : array_like, shape (n,) or (n, d)
    k : int, 1 <= k < n
    n_jobs : int, optional
        Threads; None or -1 uses every core.

    Returns
    -------
    ndarray of shape (n,)
    """
    pts = as_samples(points, "points")
    k = check_k(k, pts.shape[0])
    return np.asarray(_core.knn_distances(pts, k, n_threads(n_jobs)))


def count_neighbors(
    points: Any, radii: Any, *, strict: bool = True, n_jobs: int | None = None
) -> npt.NDArray[np.int64]:
    """For every point i, the number of other points j with max-norm distance < radii[i].

    With ``strict=False`` the comparison is ``<=``. Distances are compared exactly as
    ``max_c |p_jc - p_ic| < r`` would be in NumPy (see DESIGN.md on rounding at the radius).

    Parameters
    ----------
    points : array_like, shape (n,) or (n, d)
    radii : array_like, shape (n,)
        Non-negative radius per point.
    strict : bool, default True
    n_jobs : int, optional

    Returns
    -------
    ndarray of int64, shape (n,)
    """
    pts = as_samples(points, "points")
    strict = check_flag(strict, "strict")
    r = as_radii(radii, pts.shape[0])
    return np.asarray(_core.count_neighbors(pts, r, strict, n_threads(n_jobs)))
