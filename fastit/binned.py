"""Histogram ("binned") estimators of mutual information and differential entropy.

Each column is binned by :mod:`fastit.binning` (every sample falls in a bin), the columns
of a multi-dimensional variable are combined into one joint symbol, and the entropies of
the resulting histograms are estimated with the chosen ``correction`` (see
``fastit._entropy_estimators``). For NSB the alphabet of a variable is its number of
cells (the product of its columns' bin counts).

    I(X; Y) = H(X) + H(Y) - H(X, Y)             over the cells of X, Y and (X, Y)
    h(X)    = H(cells) + sum_cells p ln(volume)  (unequal widths allowed)

The bin-width term of the differential entropy separates by column, since a cell's
log-volume is the sum of its bins' log-widths.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import entropy_from_counts
from ._validation import FloatArray, not_finite
from .binning import NUMPY_RULES, bin_edges, bin_edges_per_column

Codes = npt.NDArray[np.int64]

# The fused 2-D kernel counts in int32 cells (the table itself is far smaller in practice).
_MAX_FUSED_CELLS = 2**31 - 2


def column_codes(samples: FloatArray, edges: list[FloatArray]) -> list[Codes]:
    """Bin codes of every column of (n, d) samples."""
    from ._numba import bin_codes_edges

    codes = [bin_codes_edges(samples[:, c], e) for c, e in enumerate(edges)]
    # bin_edges_per_column guarantees every sample lies inside its edges.
    assert all((c >= 0).all() for c in codes)
    return codes


def _joint(codes: list[Codes], sizes: list[int]) -> tuple[Codes, int]:
    """One compact code per sample (0..m-1 over the occupied cells) and the cell count."""
    alphabet = int(np.prod(sizes, dtype=np.float64)) if len(sizes) > 1 else sizes[0]
    if len(codes) == 1:
        return codes[0], alphabet
    if alphabet <= 2**62:
        from ._numba import joint_codes

        mixed = joint_codes(np.column_stack(codes), np.asarray(sizes, dtype=np.int64))
        if alphabet <= 4 * mixed.shape[0]:
            return mixed, alphabet
        _, compact = np.unique(mixed, return_inverse=True)
    else:
        _, compact = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
    return compact.reshape(-1).astype(np.int64), alphabet


def _uniform(bins: Any) -> bool:
    """Whether ``bins`` gives equal-width bins over the data's range (np.linspace edges)."""
    if isinstance(bins, str):
        return bins in NUMPY_RULES
    return isinstance(bins, (int, np.integer)) and not isinstance(bins, bool)


def _equal_width_edges(lo: float, hi: float, n_bins: int, name: str) -> FloatArray:
    """np.histogram_bin_edges(column, n_bins) from the column's min and max."""
    if lo == hi:  # NumPy's widening of an empty range
        lo, hi = lo - 0.5, hi + 0.5
    return bin_edges(np.array([lo, hi]), n_bins, name)


def binned_mutual_info(xa: FloatArray, ya: FloatArray, bins: Any, correction: str | None) -> float:
    """I(X; Y) in nats from the histogram of (n, dx) and (n, dy) samples.

    The samples may still hold NaN or inf (``as_samples(check_finite=False)``): the first
    pass over them checks.
    """
    one_dimensional = xa.shape[1] == 1 and ya.shape[1] == 1
    if one_dimensional and _uniform(bins) and not isinstance(bins, str):
        from ._numba.scan import finite_range_pair

        x, y = np.ascontiguousarray(xa[:, 0]), np.ascontiguousarray(ya[:, 0])
        lo_x, hi_x, bad_x, lo_y, hi_y, bad_y = finite_range_pair(x, y)
        if bad_x or bad_y:
            raise not_finite(xa, "x") if bad_x else not_finite(ya, "y")
        ex = [_equal_width_edges(lo_x, hi_x, int(bins), "x")]
        ey = [_equal_width_edges(lo_y, hi_y, int(bins), "y")]
    else:
        for a, name in ((xa, "x"), (ya, "y")):
            if not np.isfinite(a).all():
                raise not_finite(a, name)
        ex = bin_edges_per_column(xa, bins, "x")
        ey = bin_edges_per_column(ya, bins, "y")
    nx, ny = len(ex[0]) - 1, len(ey[0]) - 1
    if one_dimensional and _uniform(bins) and nx * ny < _MAX_FUSED_CELLS:
        # One fused pass over x and y: bin and count without code arrays.
        from ._numba import joint_counts_uniform

        counts, outside = joint_counts_uniform(
            np.ascontiguousarray(xa[:, 0]),
            np.ascontiguousarray(ya[:, 0]),
            *(ex[0][0], ex[0][-1], ey[0][0], ey[0][-1], nx, ny),
        )
        assert outside == 0
        alphabet_x, alphabet_y = nx, ny
    else:
        from ._numba import histogram_2d

        cx, alphabet_x = _joint(column_codes(xa, ex), [len(e) - 1 for e in ex])
        cy, alphabet_y = _joint(column_codes(ya, ey), [len(e) - 1 for e in ey])
        counts, _ = histogram_2d(cx, cy, int(cx.max()) + 1, int(cy.max()) + 1)
    if correction is None:
        from ._numba import mutual_info_from_joint

        return float(mutual_info_from_joint(counts))
    return (
        entropy_from_counts(counts.sum(axis=1), correction, alphabet_x)
        + entropy_from_counts(counts.sum(axis=0), correction, alphabet_y)
        - entropy_from_counts(counts.ravel(), correction, alphabet_x * alphabet_y)
    )


def histogram_entropy(xa: FloatArray, bins: Any, correction: str | None) -> float:
    """Differential entropy h(X) in nats from the histogram of (n, d) samples."""
    edges = bin_edges_per_column(xa, bins, "x")
    codes = column_codes(xa, edges)
    sizes = [len(e) - 1 for e in edges]
    n = xa.shape[0]
    width_term = 0.0
    for c, e in zip(codes, edges, strict=True):
        column_counts = np.bincount(c, minlength=len(e) - 1)
        width_term += float(np.dot(column_counts, np.log(np.diff(e)))) / n
    joint, alphabet = _joint(codes, sizes)
    return entropy_from_counts(np.bincount(joint), correction, alphabet) + width_term
