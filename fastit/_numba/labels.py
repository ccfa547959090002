"""Label codes for integer labels in a narrow range, without sorting."""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import parallel_kernel


@parallel_kernel
def rank_codes(x: NDArray[Any], lo: int, rank: NDArray[np.int64]) -> NDArray[np.int64]:
    r"""Codes of integer labels through a lookup table.

    .. math:: c_i = \mathrm{rank}[x_i - lo]

    where ``rank[v]`` is the number of distinct labels below ``lo + v``, so the codes are
    those of ``numpy.unique(x, return_inverse=True)``, in one parallel pass.
    """
    n = x.shape[0]
    codes = np.empty(n, np.int64)
    for i in numba.prange(n):
        codes[i] = rank[np.int64(x[i]) - lo]
    return codes
