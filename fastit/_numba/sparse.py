r"""Tables counted by sorting codes, for tables with many more cells than samples.

A dense table costs memory per cell; these kernels cost memory per sample: the occupied
cells are found by sorting the samples' cell codes, and everything (plug-in MI, entropy,
occupied cells) is computed from the runs of equal codes.  Sums use Neumaier's
compensated summation, as in :mod:`fastit._numba.counts`.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from ._jit import kernel
from .counts import _neumaier_add, _xlogx_term

IntArray = NDArray[np.int64]

__all__ = ["mutual_info_from_cells", "sorted_entropy"]


@kernel
def mutual_info_from_cells(
    cell_x: IntArray, cell_y: IntArray, counts: IntArray, count_x: IntArray, count_y: IntArray
) -> float:
    r"""Plug-in MI (nats) from the occupied cells of a joint table.

    .. math::
        \hat I = \sum_t \frac{c_t}{N} \ln\left(\frac{c_t}{n_{x(t)}} \frac{N}{n_{y(t)}}\right)

    over the occupied cells t = (cell_x[t], cell_y[t]) with counts c_t, and the marginal
    counts ``count_x``, ``count_y`` (the same terms, in another order, as
    ``mutual_info_from_joint`` of the dense table); clamped at 0 as it is.
    """
    total = 0.0
    for t in range(counts.shape[0]):
        total += counts[t]
    if total == 0:
        return np.nan
    mi = 0.0
    comp = 0.0
    for t in range(counts.shape[0]):
        c = np.float64(counts[t])
        ratio = (c / count_x[cell_x[t]]) * (total / count_y[cell_y[t]])
        mi, comp = _neumaier_add(mi, comp, (c / total) * math.log(ratio))
    return max(mi + comp, 0.0)


@kernel
def sorted_entropy(keys: IntArray, n: int) -> tuple[float, int]:
    """Plug-in entropy (nats) of the codes ``keys`` (sorted in place) and the number of
    distinct codes."""
    keys.sort()
    total = np.float64(n)
    h = 0.0
    comp = 0.0
    distinct = 0
    start = 0
    for i in range(1, n + 1):
        if i == n or keys[i] != keys[start]:
            h, comp = _neumaier_add(h, comp, _xlogx_term(np.float64(i - start), total))
            distinct += 1
            start = i
    return h + comp, distinct
