"""Mutual information of every pair of binned columns, from codes computed once."""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import kernel, parallel_kernel

# Pairs that share one joint table (allocated once per chunk).
_PAIRS_PER_CHUNK = 64


@kernel
def _entropy_and_support(counts: NDArray[np.integer], n: int) -> tuple[float, int]:
    """Plug-in entropy (nats) of a histogram of n samples, and its number of nonzero cells."""
    s = 0.0
    m = 0
    for c in counts:
        if c > 0:
            s += c * math.log(c)
            m += 1
    return math.log(n) - s / n, m


@parallel_kernel
def pairwise_binned_mi(
    codes_x: NDArray[np.int32],
    sizes_x: NDArray[np.int64],
    codes_y: NDArray[np.int32],
    sizes_y: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    miller_madow: bool,
) -> NDArray[np.float64]:
    r"""I(X_i; Y_j) in nats for the pairs (rows[t], cols[t]).

    .. math:: I = H(X_i) + H(Y_j) - H(X_i, Y_j)

    from the plug-in entropies of the column histograms and of each pair's joint
    histogram, counted from codes (``codes_x[i]`` in ``[0, sizes_x[i])``), each with
    Miller-Madow's ``(m - 1) / (2n)`` added when asked (m = nonzero cells). Pairs run in
    parallel, each on its own table, so the result does not depend on the thread count.
    """
    n = codes_x.shape[1]
    hx = np.empty(codes_x.shape[0])
    hy = np.empty(codes_y.shape[0])
    for which in range(2):
        codes = codes_x if which == 0 else codes_y
        sizes = sizes_x if which == 0 else sizes_y
        out = hx if which == 0 else hy
        for i in numba.prange(codes.shape[0]):
            counts = np.zeros(sizes[i], np.int64)
            for t in range(n):
                counts[codes[i, t]] += 1
            h, m = _entropy_and_support(counts, n)
            out[i] = h + (m - 1) / (2.0 * n) if miller_madow else h
    result = np.empty(rows.shape[0])
    # Pairs in chunks, one table per chunk reused pair after pair: a fresh table per pair
    # costs an allocation (an mmap for large tables) each time.
    n_chunks = (rows.shape[0] + _PAIRS_PER_CHUNK - 1) // _PAIRS_PER_CHUNK
    for chunk in numba.prange(n_chunks):
        first = chunk * _PAIRS_PER_CHUNK
        last = min(first + _PAIRS_PER_CHUNK, rows.shape[0])
        largest = 0
        for t in range(first, last):
            largest = max(largest, sizes_x[rows[t]] * sizes_y[cols[t]])
        buffer = np.empty(largest, np.int64)
        for t in range(first, last):
            i, j = rows[t], cols[t]
            sy = sizes_y[j]
            table = buffer[: sizes_x[i] * sy]
            table[:] = 0
            ci = codes_x[i]
            cj = codes_y[j]
            for s in range(n):
                table[ci[s] * sy + cj[s]] += 1
            h, m = _entropy_and_support(table, n)
            if miller_madow:
                h += (m - 1) / (2.0 * n)
            result[t] = hx[i] + hy[j] - h
    return result
