"""Matrices of mutual information between the columns of one or two sample arrays."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._validation import (
    FloatArray,
    as_samples,
    check_choice,
    check_correction,
    log_base,
    n_threads,
    same_length,
)
from .binning import bin_edges_per_column

_METHODS = ("binned", "ksg1", "ksg2", "mixed")


def _column_codes(a: FloatArray, bins: Any, name: str) -> tuple[npt.NDArray[np.int32], Any]:
    """Bin codes of every column, (d, n) int32, computed once for all pairs (filled column
    by column, so a wide X never holds all its codes as int64 at once)."""
    from ._numba import bin_codes_edges
    from ._numba.histogram import bin_codes_uniform, uniform_edges

    edges = bin_edges_per_column(a, bins, name)
    codes = np.empty((a.shape[1], a.shape[0]), dtype=np.int32)
    for c, e in enumerate(edges):
        if np.array_equal(e, uniform_edges(e[0], e[-1], len(e) - 1)):
            # Equal-width edges (ints and NumPy's rules): an arithmetic guess checked
            # against the exact edges, instead of a binary search per value.
            codes[c] = bin_codes_uniform(a[:, c], e[0], e[-1], len(e) - 1)
        else:
            codes[c] = bin_codes_edges(a[:, c], e)
    return codes, np.array([len(e) - 1 for e in edges], dtype=np.int64)


def _binned_pairs(
    xa: FloatArray, ya: FloatArray, rows: Any, cols: Any, bins: Any, correction: str | None
) -> FloatArray:
    from ._entropy_estimators import entropy_from_counts
    from ._numba import histogram_2d
    from ._numba.pairwise import pairwise_binned_mi

    cx, sx = _column_codes(xa, bins, "X")
    cy, sy = (cx, sx) if ya is xa else _column_codes(ya, bins, "Y")
    if correction in (None, "miller-madow"):
        return np.asarray(
            pairwise_binned_mi(cx, sx, cy, sy, rows, cols, correction == "miller-madow")
        )
    # Other corrections need the whole table of each pair: counted in parallel, estimated here.
    out = np.empty(len(rows))
    for t, (i, j) in enumerate(zip(rows, cols, strict=True)):
        table, _ = histogram_2d(cx[i].astype(np.int64), cy[j].astype(np.int64), sx[i], sy[j])
        out[t] = (
            entropy_from_counts(table.sum(axis=1), correction, sx[i])
            + entropy_from_counts(table.sum(axis=0), correction, sy[j])
            - entropy_from_counts(table.ravel(), correction, sx[i] * sy[j])
        )
    return out


def pairwise_mutual_info(
    X: Any,
    Y: Any = None,
    *,
    method: str = "binned",
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    k: int = 3,
    base: float | None = None,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> FloatArray:
    """Mutual information between every column of X and every column of Y (or of X).

    Parameters
    ----------
    X : array_like, shape (n, p)
        Samples in rows, one variable per column.
    Y : array_like, shape (n, q), optional
        A second set of columns on the same samples; without it the (p, p) matrix of X
        against itself is returned (symmetric; each pair is computed once).
    method : {"binned", "ksg1", "ksg2", "mixed"}, default "binned"
        ``"binned"`` bins every column once and counts each pair's joint histogram in
        parallel (plug-in and Miller-Madow run entirely in compiled code; other
        corrections estimate each table in Python, which is slower). The k-NN methods call
        :func:`fastit.mutual_info` per pair.
    bins, correction, k, base, n_jobs, random_state
        As in :func:`fastit.mutual_info`.

    Returns
    -------
    ndarray of shape (p, p) or (p, q)
        In nats unless ``base`` says otherwise. The diagonal of the (p, p) matrix is
        I(X_i; X_i): the entropy of the binned column for ``"binned"``, and +inf for the
        k-NN methods (a continuous variable shares infinite information with itself).

    References
    ----------
    Kraskov, Stoegbauer, Grassberger, "Estimating mutual information", PRE 69, 066138 (2004),
    for ``"ksg1"`` and ``"ksg2"``; Gao, Kannan, Oh, Viswanath, "Estimating mutual
    information for discrete-continuous mixtures", NeurIPS (2017), for ``"mixed"``;
    G. A. Miller, "Note on the bias of information estimates" (1955), for the default
    correction.

    Examples
    --------
    Column 1 copies column 0; column 2 is independent of both:

    >>> import numpy as np, fastit
    >>> X = np.array([[0, 0, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]] * 25, dtype=float)
    >>> M = fastit.pairwise_mutual_info(X, bins=2, correction=None, base=2)
    >>> bool(np.allclose(M, [[1, 1, 0], [1, 1, 0], [0, 0, 1]]))  # bits
    True
    >>> fastit.pairwise_mutual_info(X[:, :2], X[:, 2:], bins=2).shape
    (2, 1)
    """
    method = check_choice(method, "method", _METHODS)
    correction = check_correction(correction)
    divisor = log_base(base)
    threads = n_threads(n_jobs)
    xa = as_samples(X, "X")
    ya = xa if Y is None else as_samples(Y, "Y")
    same_length(xa.shape[0], ya, "Y", "X")
    p, q = xa.shape[1], ya.shape[1]
    if Y is None:
        rows, cols = np.triu_indices(p)
    else:
        rows, cols = (g.ravel() for g in np.indices((p, q)))
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)

    if method == "binned":
        import numba

        old = numba.get_num_threads()
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]
        try:
            values = _binned_pairs(xa, ya, rows, cols, bins, correction)
        finally:
            numba.set_num_threads(old)
    else:
        from .estimators import mutual_info

        options = {"k": k, "method": method, "n_jobs": threads, "random_state": random_state}
        values = np.array(
            [
                np.inf if Y is None and i == j else mutual_info(xa[:, i], ya[:, j], **options)
                for i, j in zip(rows, cols, strict=True)
            ]
        )
    out = np.empty((p, q))
    out[rows, cols] = values
    if Y is None:
        out[cols, rows] = values
    return out / divisor
