"""One pass over two columns: their ranges and whether every value is finite.

The scan works on the bits of each float64 as an int64 ``key`` ordered like the floats
(sign-magnitude turned into two's complement), so its min/max and the finiteness test
(exponent bits all set means inf or NaN) are integer operations that LLVM vectorises
without ``fastmath``; the pass runs at memory speed.  The key order puts -0.0 below
+0.0 and NaN beyond +-inf, which changes no range of finite values.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import kernel, parallel_kernel

__all__ = ["finite_range_pair"]

_BLOCK = 1 << 16
_MAGNITUDE = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_EXPONENT = np.int64(0x7FF0_0000_0000_0000)
_MAX_KEY = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_MIN_KEY = np.int64(-0x8000_0000_0000_0000)


@kernel
def _key(bits: int) -> int:
    """Order-preserving int64 key of a float64's bits (its own inverse)."""
    return int(bits ^ ((bits >> 63) & _MAGNITUDE))


@kernel
def _block_range(bits: NDArray[np.int64], start: int, stop: int) -> tuple[int, int, int]:
    """(min key, max key, number of inf/NaN) of ``bits[start:stop]``."""
    lo, hi, bad = _MAX_KEY, _MIN_KEY, 0
    # Unsigned indices: no negative-index wraparound, so the loop vectorises.
    for i in range(start, stop):
        b = bits[np.uint64(i)]
        bad += (b & _EXPONENT) == _EXPONENT
        k = _key(b)
        lo = min(lo, k)
        hi = max(hi, k)
    return lo, hi, bad


@kernel
def _as_float(key: int) -> float:
    return float(np.array([_key(key)]).view(np.float64)[0])


@parallel_kernel
def finite_range_pair(
    x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[float, float, int, float, float, int]:
    """``(min x, max x, bad x, min y, max y, bad y)`` in one parallel pass over x and y.

    ``bad`` counts the NaN and infinite values; the ranges mean something only when it
    is 0.  Both arrays must be C-contiguous float64 of the same length.
    """
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError("x and y must have the same length")
    xb, yb = x.view(np.int64), y.view(np.int64)
    n_blocks = (n + _BLOCK - 1) // _BLOCK
    found = np.empty((n_blocks, 6), np.int64)
    for b in numba.prange(n_blocks):
        start, stop = b * _BLOCK, min(n, (b + 1) * _BLOCK)
        found[b, 0], found[b, 1], found[b, 2] = _block_range(xb, start, stop)
        found[b, 3], found[b, 4], found[b, 5] = _block_range(yb, start, stop)
    if n_blocks == 0:
        return np.inf, -np.inf, 0, np.inf, -np.inf, 0
    return (
        _as_float(found[:, 0].min()),
        _as_float(found[:, 1].max()),
        found[:, 2].sum(),
        _as_float(found[:, 3].min()),
        _as_float(found[:, 4].max()),
        found[:, 5].sum(),
    )
