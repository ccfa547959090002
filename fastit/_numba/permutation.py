"""Local (restricted) permutations for conditional independence tests."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._jit import kernel

IntArray = NDArray[np.int64]


@kernel
def local_permutation(neighbours: IntArray, order: IntArray, keys: NDArray[np.float64]) -> IntArray:
    """Runge's (2018) nearest-neighbour permutation: sample i takes the x of one of its
    neighbours in z, each neighbour used once where possible.

    Samples are visited in ``order``; sample i tries its neighbours ``neighbours[i]`` in
    the order of ``keys[i]`` (random numbers, so a random order) and takes the first one
    no earlier sample took; when all are taken it takes the first in that order (so a
    few values may repeat). All randomness comes from ``order`` and ``keys``.

    Parameters
    ----------
    neighbours : ndarray of int64, shape (n, m)
        Indices of the m nearest samples in z of every sample (itself included).
    order : ndarray of int64, shape (n,)
        A permutation of 0..n-1: the visiting order.
    keys : ndarray of float64, shape (n, m)

    Returns
    -------
    ndarray of int64, shape (n,)
        ``perm``: sample i is paired with x[perm[i]].
    """
    n, m = neighbours.shape
    taken = np.zeros(n, np.bool_)
    perm = np.empty(n, np.int64)
    for t in range(n):
        i = order[t]
        tries = np.argsort(keys[i])
        choice = neighbours[i, tries[0]]
        for s in range(m):
            j = neighbours[i, tries[s]]
            if not taken[j]:
                choice = j
                break
        taken[choice] = True
        perm[i] = choice
    return perm
