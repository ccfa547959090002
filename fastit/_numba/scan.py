"""One pass over a column: its range and whether every value is finite."""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import parallel_kernel

_BLOCK = 1 << 16


@parallel_kernel
def finite_range(x: NDArray[np.float64]) -> tuple[float, float, int]:
    """(min, max, number of NaN or infinite values) of x, in one parallel pass.

    Blocks of fixed size, combined in order: the same answer for any thread count.
    The range is over the finite values only (inf, -inf if there are none).
    """
    n = x.shape[0]
    n_blocks = (n + _BLOCK - 1) // _BLOCK
    lo = np.full(n_blocks, np.inf)
    hi = np.full(n_blocks, -np.inf)
    bad = np.zeros(n_blocks, np.int64)
    for b in numba.prange(n_blocks):
        block_lo, block_hi, block_bad = np.inf, -np.inf, 0
        for i in range(b * _BLOCK, min(n, (b + 1) * _BLOCK)):
            v = x[i]
            if np.isfinite(v):
                block_lo = min(block_lo, v)
                block_hi = max(block_hi, v)
            else:
                block_bad += 1
        lo[b], hi[b], bad[b] = block_lo, block_hi, block_bad
    return lo.min() if n_blocks else np.inf, hi.max() if n_blocks else -np.inf, bad.sum()
