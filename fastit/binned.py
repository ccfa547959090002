"""Histogram ("binned") estimators of mutual information and differential entropy.

Each column is binned by :mod:`fastit.binning` (every sample falls in a bin), the columns
of a multi-dimensional variable are combined into one joint symbol, and the entropies of
the resulting histograms are estimated with the chosen ``correction`` (see
``fastit._entropy_estimators``). For NSB the alphabet of a variable is its number of
cells (the product of its columns' bin counts); the joint (X, Y) has between
max(cells of X, cells of Y) and their product possible cells (see ``joint_outcomes``).

    I(X; Y) = H(X) + H(Y) - H(X, Y)             over the cells of X, Y and (X, Y)
    h(X)    = H(cells) + sum_cells p ln(volume)  (unequal widths allowed)

The bin-width term of the differential entropy separates by column, since a cell's
log-volume is the sum of its bins' log-widths.

Memory is bounded by the data, not by the bins: a table is counted densely (one counter
per cell) only while it has at most ``dense_cells(n)`` cells, a few per sample; larger
tables are counted sparsely, by sorting the occupied cells' codes, so 10**9 bins on 300
samples cost what 300 codes cost.
"""

from __future__ import annotations

import math
from numbers import Integral
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import entropy_from_counts, joint_outcomes
from ._validation import FloatArray, not_finite
from ._warnings import EstimationWarning, warn
from .binning import (
    ColumnBins,
    UniformBins,
    bins_per_column,
    equal_width_bins,
    log_widths,
    n_bins_of,
    split_bins,
)

Codes = npt.NDArray[np.int64]

# Dense tables: up to this many cells per sample (and at least this many cells in all).
# (fastit._numba.pairwise.dense_cells, compiled into the pairwise kernels, is the same rule.)
_DENSE_CELLS_PER_SAMPLE = 4
_DENSE_MIN_CELLS = 1 << 16
# The fused 2-D kernel counts in int32 cells.
_MAX_FUSED_CELLS = 2**31 - 3


def dense_cells(n: int) -> int:
    """The most cells a table of n samples is counted in densely."""
    return max(_DENSE_CELLS_PER_SAMPLE * n, _DENSE_MIN_CELLS)


class Variable(NamedTuple):
    """A binned variable: a code per sample in [0, size), and its number of cells."""

    codes: Codes
    size: int  # bound of the codes (at most dense_cells(n), or the cell count when smaller)
    alphabet: int  # number of cells: the product of the columns' bin counts


def column_codes(samples: FloatArray, bins: list[ColumnBins]) -> list[Codes]:
    """Bin codes of every column of (n, d) samples (every sample lies inside its bins)."""
    from ._numba import bin_codes_edges, bin_codes_uniform

    codes = []
    for c, b in enumerate(bins):
        column = np.ascontiguousarray(samples[:, c])
        if isinstance(b, UniformBins):
            codes.append(bin_codes_uniform(column, b.lo, b.hi, b.n_bins))
        else:
            codes.append(bin_codes_edges(column, b))
    # The bins of fastit.binning hold every sample.
    assert all((c >= 0).all() for c in codes)
    return codes


def compact(codes: Codes, size: int) -> tuple[Codes, int]:
    """Codes re-numbered 0..m-1 over the m occupied values (in order), and m."""
    if size <= dense_cells(codes.shape[0]):
        present = np.bincount(codes, minlength=size) > 0
        rank = np.cumsum(present, dtype=np.int64) - 1
        return rank[codes], int(present.sum())
    values, inverse = np.unique(codes, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), int(values.size)


def variable(codes: list[Codes], n_bins: list[int]) -> Variable:
    """One code per sample for the cells of one or several columns.

    Mixed-radix codes while the cells fit a dense table; otherwise each column, then the
    mix, is re-coded to its occupied values, so no code exceeds the number of samples.
    """
    n = codes[0].shape[0]
    alphabet = math.prod(n_bins)
    limit = dense_cells(n)
    joint, size = codes[0], n_bins[0]
    if size > limit:
        joint, size = compact(joint, size)
    for c, k in zip(codes[1:], n_bins[1:], strict=True):
        if k > limit:
            c, k = compact(c, k)
        if size * k >= 2**62:  # (n beyond 2**30) keep the mixed codes within int64
            joint, size = compact(joint, size)
        joint, size = joint * k + c, size * k
        if size > limit:
            joint, size = compact(joint, size)
    return Variable(joint, size, alphabet)


def _sparse_pairs(vx: Variable, vy: Variable) -> tuple[Codes, Codes, Codes]:
    """The occupied joint cells as (x code, y code) with their counts, by one sort."""
    keys, counts = np.unique(vx.codes * vy.size + vy.codes, return_counts=True)
    return keys // vy.size, keys % vy.size, counts.astype(np.int64)


def table_mutual_info(
    vx: Variable, vy: Variable, correction: str | None, *, check_bins: bool = False
) -> float:
    """I(X; Y) in nats from the joint histogram of two binned (or labelled) variables;
    ``check_bins``: warn when the bins leave most samples alone in their cell."""
    n = vx.codes.shape[0]
    from ._numba import histogram_2d, mutual_info_from_joint
    from ._numba.sparse import mutual_info_from_cells

    dense = vx.size * vy.size <= dense_cells(n)
    if dense:
        counts, _ = histogram_2d(vx.codes, vy.codes, vx.size, vy.size)
        if check_bins:
            warn_if_alone(counts, n)
        if correction is None:
            return float(mutual_info_from_joint(counts))
        return corrected_mutual_info(counts, vx.alphabet, vy.alphabet, correction)
    cell_x, cell_y, joint = _sparse_pairs(vx, vy)
    if check_bins:
        warn_if_alone(joint, n)
    count_x = np.bincount(vx.codes, minlength=vx.size)
    count_y = np.bincount(vy.codes, minlength=vy.size)
    if correction is None:
        return float(mutual_info_from_cells(cell_x, cell_y, joint, count_x, count_y))
    return _entropy_sum(count_x, count_y, joint, vx.alphabet, vy.alphabet, correction)


def warn_if_alone(joint_counts: npt.NDArray[Any], n: int) -> None:
    """An EstimationWarning when at least half the samples sit alone in their joint cell:
    the histogram estimate then tends to ln n whatever the data, a measure of the bins."""
    alone = int(np.count_nonzero(joint_counts == 1))
    if n >= 8 and alone >= n / 2:
        warn(
            f"the bins leave {alone} of the {n} samples alone in their joint cell, so the "
            f"histogram estimate measures the bins more than the data (it tends to ln n = "
            f"{np.log(n):.3g} nats with more bins); use fewer bins (the default 'fd' "
            "adapts them to n) or a k-NN method",
            EstimationWarning,
        )


def _entropy_sum(
    count_x: Any, count_y: Any, joint: Any, alphabet_x: int, alphabet_y: int, correction: str
) -> float:
    """H(X) + H(Y) - H(X, Y) from the marginal and joint counts, one correction for all."""
    return (
        entropy_from_counts(count_x, correction, alphabet_x)
        + entropy_from_counts(count_y, correction, alphabet_y)
        - entropy_from_counts(joint, correction, joint_outcomes([alphabet_x, alphabet_y]))
    )


def corrected_mutual_info(
    counts: npt.NDArray[Any], alphabet_x: int, alphabet_y: int, correction: str
) -> float:
    """H(X) + H(Y) - H(X, Y) from a dense (nx, ny) table, one correction for all three."""
    return _entropy_sum(
        counts.sum(axis=1), counts.sum(axis=0), counts.ravel(), alphabet_x, alphabet_y, correction
    )


def _finite_uniform_pair(
    xa: FloatArray, ya: FloatArray, bins: int
) -> tuple[UniformBins, UniformBins]:
    """Equal-width bins of 1-D x and y from one parallel pass (ranges and finiteness)."""
    from ._numba.scan import finite_range_pair

    x, y = np.ascontiguousarray(xa[:, 0]), np.ascontiguousarray(ya[:, 0])
    lo_x, hi_x, bad_x, lo_y, hi_y, bad_y = finite_range_pair(x, y)
    if bad_x or bad_y:
        raise not_finite(xa, "x") if bad_x else not_finite(ya, "y")
    return equal_width_bins(lo_x, hi_x, bins, "x"), equal_width_bins(lo_y, hi_y, bins, "y")


def _is_count(bins: Any) -> bool:
    return isinstance(bins, Integral) and not isinstance(bins, (bool, np.bool_)) and int(bins) >= 1


def binned_mutual_info(xa: FloatArray, ya: FloatArray, bins: Any, correction: str | None) -> float:
    """I(X; Y) in nats from the histogram of (n, dx) and (n, dy) samples.

    The samples may still hold NaN or inf (``as_samples(check_finite=False)``): the first
    pass over them checks. ``bins`` is shared by x and y, or a list with one entry per
    column of x and y together (see ``fastit.binning.split_bins``).
    """
    n = xa.shape[0]
    ex: list[ColumnBins]
    ey: list[ColumnBins]
    if xa.shape[1] == 1 and ya.shape[1] == 1 and _is_count(bins):
        uniform_x, uniform_y = _finite_uniform_pair(xa, ya, int(bins))
        ex, ey = [uniform_x], [uniform_y]
    else:
        for a, name in ((xa, "x"), (ya, "y")):
            if not np.isfinite(a).all():
                raise not_finite(a, name)
        spec_x, spec_y = split_bins(bins, (xa.shape[1], ya.shape[1]), ("x", "y"))
        ex = bins_per_column(xa, spec_x, "x")
        ey = bins_per_column(ya, spec_y, "y")
    if len(ex) == len(ey) == 1:
        bx, by = ex[0], ey[0]
        if isinstance(bx, UniformBins) and isinstance(by, UniformBins):
            if bx.n_bins * by.n_bins <= min(dense_cells(n), _MAX_FUSED_CELLS):
                return _fused_mutual_info(xa, ya, bx, by, correction)
    vx = variable(column_codes(xa, ex), [n_bins_of(b) for b in ex])
    vy = variable(column_codes(ya, ey), [n_bins_of(b) for b in ey])
    return table_mutual_info(vx, vy, correction, check_bins=True)


def _fused_mutual_info(
    xa: FloatArray, ya: FloatArray, bx: UniformBins, by: UniformBins, correction: str | None
) -> float:
    """One fused pass over 1-D x and y: bin and count without code arrays."""
    from ._numba import joint_counts_uniform, mutual_info_from_joint

    counts, outside = joint_counts_uniform(
        np.ascontiguousarray(xa[:, 0]),
        np.ascontiguousarray(ya[:, 0]),
        *(bx.lo, bx.hi, by.lo, by.hi, bx.n_bins, by.n_bins),
    )
    assert outside == 0
    warn_if_alone(counts, xa.shape[0])
    if correction is None:
        return float(mutual_info_from_joint(counts))
    return corrected_mutual_info(counts, bx.n_bins, by.n_bins, correction)


def _occupied(codes: Codes, size: int) -> tuple[Codes, Codes]:
    """The occupied codes and their counts."""
    if size <= dense_cells(codes.shape[0]):
        counts = np.bincount(codes, minlength=size)
        cells = np.flatnonzero(counts)
        return cells.astype(np.int64), counts[cells]
    cells, counts = np.unique(codes, return_counts=True)
    return cells.astype(np.int64), counts


def histogram_entropy(xa: FloatArray, bins: Any, correction: str | None) -> float:
    """Differential entropy h(X) in nats from the histogram of (n, d) samples."""
    column = bins_per_column(xa, bins, "x")
    codes = column_codes(xa, column)
    n = xa.shape[0]
    width_term = 0.0
    for c, b in zip(codes, column, strict=True):
        cells, counts = _occupied(c, n_bins_of(b))
        width_term += float(np.dot(counts, log_widths(b, cells))) / n
    v = variable(codes, [n_bins_of(b) for b in column])
    _, counts = _occupied(v.codes, v.size)
    return entropy_from_counts(counts, correction, v.alphabet) + width_term
