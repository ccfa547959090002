"""Mutual information of every pair of binned columns, from codes computed once.

Tables are dense (one counter per cell) while they have at most ``dense_cells(n)`` cells,
a few per sample; larger ones are counted by sorting the pair's joint codes, so memory
stays O(n) per thread whatever the bin counts.  Every allocation is bounded that way
before the parallel loops start: a failed allocation inside ``prange`` is not reported
reliably, so none may happen there.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import kernel, parallel_kernel
from .sparse import sorted_entropy

# Pairs that share one joint table (allocated once per chunk) in pairwise_binned_mi.
_PAIRS_PER_CHUNK = 64
# Dense tables: up to this many cells per sample, and at least this many (binned.py's rule).
_DENSE_CELLS_PER_SAMPLE = 4
_DENSE_MIN_CELLS = 1 << 16


@kernel
def dense_cells(n: int) -> int:
    """The most cells a table of n samples is counted in densely."""
    return max(_DENSE_CELLS_PER_SAMPLE * n, _DENSE_MIN_CELLS)


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


@kernel
def _finish(h: float, m: int, n: int, miller_madow: bool) -> float:
    return h + (m - 1) / (2.0 * n) if miller_madow else h


@parallel_kernel
def column_entropies(
    codes: NDArray[np.int32], sizes: NDArray[np.int64], miller_madow: bool
) -> NDArray[np.float64]:
    r"""Plug-in (or Miller-Madow) entropy in nats of each column of codes, ``codes[i]`` in
    ``[0, sizes[i])``: :math:`\ln n - \sum_k c_k \ln c_k / n` (+ (m - 1) / (2n))."""
    d, n = codes.shape
    out = np.empty(d)
    limit = dense_cells(n)
    for i in numba.prange(d):
        if sizes[i] <= limit:
            counts = np.zeros(sizes[i], np.int64)
            for t in range(n):
                counts[codes[i, t]] += 1
            h, m = _entropy_and_support(counts, n)
        else:
            keys = codes[i].astype(np.int64)
            h, m = sorted_entropy(keys, n)
        out[i] = _finish(h, m, n, miller_madow)
    return out


@parallel_kernel
def pair_joint_entropies(
    codes_x: NDArray[np.int32],
    sizes_x: NDArray[np.int64],
    codes_y: NDArray[np.int32],
    sizes_y: NDArray[np.int64],
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    miller_madow: bool,
    pairs_per_chunk: int,
) -> NDArray[np.float64]:
    r"""H(X_i, Y_j) in nats (+ Miller-Madow's (m - 1) / (2n)) for the pairs (rows[t], cols[t]).

    Pairs run in parallel in chunks of ``pairs_per_chunk``, each chunk on one table
    reused pair after pair (a fresh table per pair costs an allocation, an mmap for large
    tables); a pair whose table would exceed ``dense_cells(n)`` cells sorts its n joint
    codes instead.  Each pair's value is computed alone, so neither the thread count
    nor the chunking changes it.
    """
    n = codes_x.shape[1]
    limit = dense_cells(n)
    result = np.empty(rows.shape[0])
    n_chunks = (rows.shape[0] + pairs_per_chunk - 1) // pairs_per_chunk
    for chunk in numba.prange(n_chunks):
        first = chunk * pairs_per_chunk
        last = min(first + pairs_per_chunk, rows.shape[0])
        largest = 0
        sparse = False
        for t in range(first, last):
            cells = sizes_x[rows[t]] * sizes_y[cols[t]]
            if cells <= limit:
                largest = max(largest, cells)
            else:
                sparse = True
        buffer = np.empty(largest, np.int64)
        keys = np.empty(n if sparse else 0, np.int64)
        for t in range(first, last):
            i, j = rows[t], cols[t]
            sy = sizes_y[j]
            ci = codes_x[i]
            cj = codes_y[j]
            cells = sizes_x[i] * sy
            if cells <= limit:
                table = buffer[:cells]
                table[:] = 0
                for s in range(n):
                    table[ci[s] * sy + cj[s]] += 1
                h, m = _entropy_and_support(table, n)
            else:
                for s in range(n):
                    keys[s] = np.int64(ci[s]) * sy + cj[s]
                h, m = sorted_entropy(keys, n)
            result[t] = _finish(h, m, n, miller_madow)
    return result


@kernel
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
    Miller-Madow's ``(m - 1) / (2n)`` added when asked (m = nonzero cells). One call does
    all pairs (``fastit.pairwise`` calls :func:`column_entropies` once and
    :func:`pair_joint_entropies` on blocks of pairs instead, so Ctrl-C is seen between
    blocks); the result does not depend on the thread count.
    """
    hx = column_entropies(codes_x, sizes_x, miller_madow)
    hy = column_entropies(codes_y, sizes_y, miller_madow)
    joint = pair_joint_entropies(
        codes_x, sizes_x, codes_y, sizes_y, rows, cols, miller_madow, _PAIRS_PER_CHUNK
    )
    result = np.empty(rows.shape[0])
    for t in range(rows.shape[0]):
        result[t] = hx[rows[t]] + hy[cols[t]] - joint[t]
    return result
