r"""Plug-in information measures from counts, and mixing label codes into one code.

All results are in nats.  Sums use Neumaier's compensated summation so that
tables with many small cells keep full double precision.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from ._jit import kernel, parallel_kernel

# Annotations are for readers and mypy; Numba ignores them and compiles per argument type.
IntArray = NDArray[np.int64]

__all__ = ["entropy_from_counts", "joint_codes", "mutual_info_from_joint"]

_INT64_MAX = np.iinfo(np.int64).max


@kernel
def _neumaier_add(total: float, comp: float, term: float) -> tuple[float, float]:
    """One step of Neumaier's compensated sum; returns the new (total, compensation)."""
    t = total + term
    if abs(total) >= abs(term):
        comp += (total - t) + term
    else:
        comp += (term - t) + total
    return t, comp


@kernel
def _xlogx_term(c: float, total: float) -> float:
    r""":math:`-p \ln p` with :math:`p = c / N`, accurate also for :math:`p` close to 1."""
    p = c / total
    if c > 0.5 * total:
        # ln p = log1p(-(N - c) / N); N - c is exact for counts below 2**53.
        return -p * math.log1p(-(total - c) / total)
    return -p * math.log(p)


@kernel
def entropy_from_counts(counts: NDArray[Any]) -> float:
    r"""Plug-in (maximum-likelihood) entropy of a table of counts, in nats.

    .. math::
        \hat H = -\sum_{k : n_k > 0} \frac{n_k}{N} \ln \frac{n_k}{N},
        \qquad N = \sum_k n_k

    Zero counts are skipped (:math:`0 \ln 0 = 0`).  Every term is non-negative and is
    summed with compensation; :math:`\ln p` is taken as ``log1p`` for the one cell that
    may hold more than half the mass, so a nearly degenerate table keeps its relative
    precision.

    Parameters
    ----------
    counts : ndarray of int64 or float64, any shape
        Non-negative counts (a joint table gives the joint entropy).

    Returns
    -------
    float
        The entropy; NaN when all counts are zero (no samples).

    Raises
    ------
    ValueError
        If a count is negative or NaN.
    """
    total = 0.0
    for c in counts.flat:
        if not c >= 0:
            raise ValueError("counts must be non-negative (and not NaN)")
        total += c
    if total == 0:
        return np.nan
    h = 0.0
    comp = 0.0
    for c in counts.flat:
        if c > 0:
            h, comp = _neumaier_add(h, comp, _xlogx_term(np.float64(c), total))
    return h + comp


@kernel
def mutual_info_from_joint(counts: NDArray[Any]) -> float:
    r"""Plug-in mutual information of a 2-D table of joint counts, in nats.

    .. math::
        \hat I(X;Y) = \sum_{j,k : n_{jk} > 0} \frac{n_{jk}}{N}
            \ln \frac{n_{jk} N}{n_{j\cdot} n_{\cdot k}}

    with row sums :math:`n_{j\cdot}`, column sums :math:`n_{\cdot k}` and total
    :math:`N`.  The ratio is formed as :math:`(n_{jk}/n_{j\cdot})(N/n_{\cdot k})` so that
    no product overflows; terms (of either sign) are summed with compensation.  The
    plug-in MI is exactly non-negative, so a rounding residue below 0 is returned as 0.

    Parameters
    ----------
    counts : ndarray of int64 or float64, shape (nx, ny)
        Non-negative joint counts.

    Returns
    -------
    float
        The MI; NaN when all counts are zero.

    Raises
    ------
    ValueError
        If a count is negative or NaN.
    """
    nx, ny = counts.shape
    rows = np.zeros(nx, np.float64)
    cols = np.zeros(ny, np.float64)
    for j in range(nx):
        for k in range(ny):
            c = counts[j, k]
            if not c >= 0:
                raise ValueError("counts must be non-negative (and not NaN)")
            rows[j] += c
            cols[k] += c
    total = 0.0
    for j in range(nx):
        total += rows[j]
    if total == 0:
        return np.nan
    mi = 0.0
    comp = 0.0
    for j in range(nx):
        for k in range(ny):
            c = np.float64(counts[j, k])
            if c > 0:
                term = (c / total) * np.log((c / rows[j]) * (total / cols[k]))
                mi, comp = _neumaier_add(mi, comp, term)
    mi += comp
    return max(mi, 0.0)


@parallel_kernel
def joint_codes(codes: IntArray, cardinalities: IntArray) -> IntArray:
    r"""Mix m columns of label codes into one code per row (mixed radix, C order).

    .. math::
        c_i = \sum_{j=0}^{m-1} c_{ij} \prod_{l > j} K_l

    the same as ``np.ravel_multi_index(codes.T, cardinalities)``; the joint code
    takes values in ``[0, prod(K))``, so ``histogram_1d`` of it gives the joint counts.

    Parameters
    ----------
    codes : ndarray of int64, shape (n, m)
        Column j holds codes in ``[0, cardinalities[j])``.
    cardinalities : ndarray of int64, shape (m,)
        Number of labels of each column, each at least 1.

    Returns
    -------
    ndarray of int64, shape (n,)

    Raises
    ------
    ValueError
        If the product of the cardinalities exceeds the int64 range (factorise the
        observed combinations instead, e.g. with ``np.unique(..., axis=0)``), a
        cardinality is < 1, or a code lies outside its column's range.
    """
    n = codes.shape[0]
    m = codes.shape[1]
    if cardinalities.shape[0] != m:
        raise ValueError("cardinalities must have one entry per column of codes")
    strides = np.empty(m, np.int64)
    size = np.int64(1)
    for j in range(m - 1, -1, -1):
        k = cardinalities[j]
        if k < 1:
            raise ValueError("every cardinality must be at least 1")
        strides[j] = size
        if size > _INT64_MAX // k:
            raise ValueError(
                "the product of the cardinalities exceeds int64; factorise the joint labels"
            )
        size *= k
    out = np.empty(n, np.int64)
    n_bad = 0
    for i in numba.prange(n):
        code = np.int64(0)
        bad = 0
        for j in range(m):
            c = codes[i, j]
            if c < 0 or c >= cardinalities[j]:
                bad = 1
            code += c * strides[j]
        out[i] = code
        n_bad += bad
    if n_bad > 0:
        raise ValueError("a code lies outside [0, cardinality) of its column")
    return out
