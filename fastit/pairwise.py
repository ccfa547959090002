"""Matrices of mutual information between the columns of one or two sample arrays."""

from __future__ import annotations

from typing import Any, NamedTuple

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
from ._warnings import DiscreteDataWarning, quiet
from .binning import bins_per_column, n_bins_of, split_bins

_METHODS = ("binned", "ksg1", "ksg2", "mixed")
# Sample visits per compiled call (a fraction of a second): long matrices run as many
# calls, and Python sees Ctrl-C between them.
_WORK_PER_CALL = 1 << 26

IntCodes = npt.NDArray[np.int32]


class ColumnCodes(NamedTuple):
    """Bin codes of every column of a sample array, computed once for all pairs."""

    codes: IntCodes  # (d, n): column i holds codes in [0, bounds[i])
    bounds: npt.NDArray[np.int64]  # (d,)
    alphabets: list[int]  # (d,) bin counts: NSB's alphabets


def column_codes(a: FloatArray, bins: Any, name: str) -> ColumnCodes:
    """Bin codes of every column, (d, n) int32, filled column by column (a wide X never
    holds all its codes as int64 at once). A column with more bins than
    ``dense_cells(n)`` is re-coded to its occupied bins, so no code exceeds that bound."""
    from .binned import column_codes as codes_of
    from .binned import compact, dense_cells

    n = a.shape[0]
    columns = bins_per_column(a, bins, name)
    codes = np.empty((a.shape[1], n), dtype=np.int32)
    bounds = np.empty(a.shape[1], dtype=np.int64)
    for c, b in enumerate(columns):
        column, size = codes_of(a[:, c : c + 1], [b])[0], n_bins_of(b)
        if size > dense_cells(n):
            column, size = compact(column, size)
        codes[c], bounds[c] = column, size
    return ColumnCodes(codes, bounds, [n_bins_of(b) for b in columns])


def _blocks(total: int, per_block: int) -> list[slice]:
    return [slice(s, min(s + per_block, total)) for s in range(0, total, per_block)]


def binned_pair_values(
    x: ColumnCodes,
    y: ColumnCodes,
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
    correction: str | None,
    threads: int,
) -> FloatArray:
    """I(X_i; Y_j) in nats for the pairs (rows[t], cols[t]), each as
    ``fastit.mutual_info(..., method="binned")`` computes it.

    Plug-in and Miller-Madow run in compiled code, on blocks of pairs sized to take a
    fraction of a second each (Ctrl-C is seen between them); the result is the same for
    every block size and thread count. Other corrections estimate each table here.
    """
    n = x.codes.shape[1]
    if correction in (None, "miller-madow"):
        from ._numba.pairwise import column_entropies, pair_joint_entropies
        from .binned import dense_cells

        mm = correction == "miller-madow"
        entropies = []
        for side in (x, y):
            per_column = max(threads, _WORK_PER_CALL // (n + int(side.bounds.max())))
            h = [
                column_entropies(side.codes[b], side.bounds[b], mm)
                for b in _blocks(side.codes.shape[0], per_column)
            ]
            entropies.append(np.concatenate(h))
        hx, hy = entropies
        widest = min(int(x.bounds.max()) * int(y.bounds.max()), dense_cells(n))
        per_call = max(threads, _WORK_PER_CALL // (n + widest))
        per_chunk = max(1, min(64, per_call // (4 * threads)))
        joint = np.empty(rows.size)
        for b in _blocks(rows.size, per_call):
            joint[b] = pair_joint_entropies(
                x.codes, x.bounds, y.codes, y.bounds, rows[b], cols[b], mm, per_chunk
            )
        return np.asarray(hx[rows] + hy[cols] - joint)
    from .binned import Variable, table_mutual_info

    assert correction is not None
    out = np.empty(rows.size)
    for t, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        vx = Variable(x.codes[i].astype(np.int64), int(x.bounds[i]), x.alphabets[i])
        vy = Variable(y.codes[j].astype(np.int64), int(y.bounds[j]), y.alphabets[j])
        out[t] = table_mutual_info(vx, vy, correction)
    return out


def _purely_discrete(column: FloatArray) -> bool:
    """Whether every value of the column occurs at least twice (no continuous part seen)."""
    _, counts = np.unique(column, return_counts=True)
    return bool(counts.min() >= 2)


def knn_diagonal(column: FloatArray, method: str, options: dict[str, Any]) -> float:
    """I(X; X) for the k-NN methods: +inf where X has a continuous part (a value seen
    once); for a purely discrete X, H(X): the mixed estimator's own estimate of I(X; X)
    (Gao et al. treat repeated values as atoms), the plug-in entropy for KSG (whose
    tie-breaking jitter would measure the jitter, not X)."""
    if not _purely_discrete(column):
        return float("inf")
    if method == "mixed":
        from .estimators import mutual_info

        return float(mutual_info(column, column, **options))
    from .discrete import discrete_entropy

    return discrete_entropy(column, correction=None)


def warn_discrete_columns(xa: FloatArray, ya: FloatArray | None) -> None:
    """The discrete-data warning of a k-NN matrix: once, naming the columns of X and Y."""
    from ._columns import MI_REMEDY, tie_report, warn_labelled

    arrays = [("X", xa)] if ya is None else [("X", xa), ("Y", ya)]
    report = np.concatenate([tie_report(a) for _, a in arrays], axis=1)
    labels = [f"{name}[:, {c}]" for name, a in arrays for c in range(a.shape[1])]
    warn_labelled(report, xa.shape[0], labels, MI_REMEDY)


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
        As in :func:`fastit.mutual_info`. A per-column ``bins`` list has one entry per
        column of X, or of X and Y together when Y is given. Long binned matrices run as
        many short compiled calls, so Ctrl-C interrupts them within about a second.

    Returns
    -------
    ndarray of shape (p, p) or (p, q)
        In nats unless ``base`` says otherwise. The diagonal of the (p, p) matrix is
        I(X_i; X_i) = H(X_i): for ``"binned"`` the entropy of the binned column (with the
        correction); for the k-NN methods +inf where the column has a continuous part
        (some value occurs once: a continuous variable shares infinite information with
        itself), and for a purely discrete column (every value repeats) its entropy: the
        estimate of ``"mixed"`` itself, the plug-in entropy for ``"ksg1"``/``"ksg2"``.

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

        spec_x, spec_y = (bins, bins) if Y is None else split_bins(bins, (p, q), ("X", "Y"))
        old = numba.get_num_threads()
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]
        try:
            cx = column_codes(xa, spec_x, "X")
            cy = cx if Y is None else column_codes(ya, spec_y, "Y")
            values = binned_pair_values(cx, cy, rows, cols, correction, threads)
        finally:
            numba.set_num_threads(old)
    else:
        from .estimators import mutual_info

        if method != "mixed":  # one warning for the matrix, not one per pair
            warn_discrete_columns(xa, ya if Y is not None else None)
        options = {"k": k, "method": method, "n_jobs": threads, "random_state": random_state}
        with quiet(DiscreteDataWarning):
            values = np.array(
                [
                    knn_diagonal(xa[:, i], method, options)
                    if Y is None and i == j
                    else mutual_info(xa[:, i], ya[:, j], **options)
                    for i, j in zip(rows, cols, strict=True)
                ]
            )
    out = np.empty((p, q))
    out[rows, cols] = values
    if Y is None:
        out[cols, rows] = values
    return out / divisor
