r"""Bin codes and 1-D / 2-D / N-D histograms that equal NumPy's counts exactly.

Binning contract (the same as ``np.histogram``, ``np.histogram2d`` and
``np.histogramdd``): for non-decreasing edges :math:`e_0 \le \dots \le e_B`, bin
:math:`i < B - 1` is the half-open interval :math:`[e_i, e_{i+1})` and the last bin
is closed, :math:`[e_{B-1}, e_B]`.  A value outside :math:`[e_0, e_B]`, and NaN,
gets the code ``-1``.  Counting kernels skip every code outside ``[0, n_bins)`` and
return how many they skipped, so the caller decides whether that is an error
(nothing is dropped silently).

Inputs are ``float64`` (or integer) arrays; NumPy bins ``float32`` data with
``float32`` edges, so cast to ``float64`` first when comparing with NumPy.

Parallel kernels split the samples into a fixed number of blocks that depends only
on the data size and the table size (never on the thread count), give each
``prange`` iteration one block and a private row of int32 partial counts (blocks
hold fewer than 2**31 samples), then add the rows into int64 in block order.  The
counts are therefore identical for every thread count (and integer addition is
exact anyway).
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from numpy.typing import NDArray

from ._intrinsics import float_bits, prefetch
from ._jit import kernel, parallel_kernel

# Annotations are for readers and mypy; Numba ignores them and compiles per argument type.
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

__all__ = [
    "bin_codes_edges",
    "bin_codes_uniform",
    "histogram_1d",
    "histogram_2d",
    "histogram_nd",
    "joint_counts_uniform",
    "uniform_edge",
    "uniform_edges",
    "uniform_edges_at",
    "uniform_edges_distinct",
]

# Below this many samples per block a thread is not worth starting.
_MIN_BLOCK = 1 << 15
# At most this many blocks: enough to balance 64 threads, few rows to add up.
# (A constant, not numba.get_num_threads(), which would also stop cache=True.)
_MAX_BLOCKS = 64
# Cap on the cells of all partial-count rows together (4 bytes each: 32 MiB).
_MAX_PARTIAL_CELLS = 1 << 23
# Partial counts are int32 (half the cache footprint of int64: a 64 x 64 table fits
# in L1), so no block may hold 2**31 samples or more.
_MAX_BLOCK_LEN = (1 << 31) - 1
# Samples binned per vectorised batch in the fused kernel (its int32 cells fit in L1
# beside a 64 x 64 table).
_BATCH = 4096


@kernel
def _n_blocks(n: int, n_cells: int) -> int:
    """Number of sample blocks: a function of n and the table size only."""
    by_size = max(1, n // _MIN_BLOCK)
    by_memory = max(1, _MAX_PARTIAL_CELLS // max(1, n_cells))
    by_int32 = (n + _MAX_BLOCK_LEN - 1) // _MAX_BLOCK_LEN
    return max(1, by_int32, min(_MAX_BLOCKS, by_size, by_memory))


@kernel
def _block(n: int, n_blocks: int, b: int) -> tuple[int, int]:
    """Bounds ``[start, stop)`` of block ``b`` when ``n`` items are split into equal blocks."""
    start = (n * b) // n_blocks
    stop = (n * (b + 1)) // n_blocks
    return start, stop


@kernel
def _ulp(v: float) -> float:
    """The spacing of float64 numbers at magnitude |v| (the unit in the last place)."""
    m, e = math.frexp(abs(v))
    # (Subnormal numbers are all 5e-324 apart.)
    return max(math.ldexp(1.0, e - 53), 5e-324) if m != 0.0 else 5e-324


@kernel
def _uniform_step(lo: float, hi: float, n_bins: int) -> tuple[float, int]:
    r"""``(step, mode)`` of the equal-width edges of :func:`uniform_edge`.

    Mode 0: :math:`e_i = i \cdot step + lo` with :math:`step = (hi - lo) / n_{bins}`
    (``np.linspace``); mode 1: :math:`e_i = (i / n_{bins}) (hi - lo) + lo` where that step
    underflows to 0 (NumPy's fallback); mode 2: :math:`e_i = 2 (lo / 2 + i \cdot step)`
    with :math:`step = (hi / 2 - lo / 2) / n_{bins}` where :math:`hi - lo` overflows (NumPy
    has no edges there; halving and doubling are exact).
    """
    delta = hi - lo
    if not np.isfinite(delta):
        return (0.5 * hi - 0.5 * lo) / n_bins, 2
    step = delta / n_bins
    if step == 0.0:
        return 0.0, 1
    return step, 0


@kernel
def uniform_edge(i: int, lo: float, hi: float, n_bins: int, step: float, mode: int) -> float:
    """Edge ``i`` (0 <= i <= n_bins) of the equal-width bins, ``np.linspace``'s value
    bit for bit where NumPy has one; ``(step, mode)`` from ``_uniform_step``."""
    if i >= n_bins:
        return hi
    index = float(i)
    if mode == 0:
        return index * step + lo
    if mode == 1:
        return (index / n_bins) * (hi - lo) + lo
    return 2.0 * (0.5 * lo + index * step)


@kernel
def uniform_edges_distinct(lo: float, hi: float, n_bins: int, exhaustive: bool) -> bool:
    """Whether the ``n_bins + 1`` equal-width edges are strictly increasing.

    In O(1) when the step is a normal number above 4 ulps of the largest magnitude
    involved (each edge is then within 2 ulps of its exact value, so consecutive edges
    cannot meet); otherwise
    every edge is compared with the next when ``exhaustive``, and False is returned
    without looking when not.
    """
    step, mode = _uniform_step(lo, hi, n_bins)
    # (In mode 2 consecutive edges are 2 * step apart, and |lo|, |hi| bound every term.
    # A subnormal step carries an absolute rounding error, which n steps multiply.)
    big = max(abs(lo), abs(hi), abs(hi - lo) if mode == 0 else 0.0)
    if mode != 1 and step >= np.finfo(np.float64).tiny and step > 4.0 * _ulp(big):
        return True
    if not exhaustive:
        return False
    previous = lo
    for i in range(1, n_bins + 1):
        edge = uniform_edge(i, lo, hi, n_bins, step, mode)
        if not previous < edge:
            return False
        previous = edge
    return True


@kernel
def _check_uniform(lo: float, hi: float, n_bins: int) -> None:
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError("lo and hi must be finite")
    if not lo < hi:
        raise ValueError("lo must be smaller than hi")
    if not uniform_edges_distinct(lo, hi, n_bins, True):
        raise ValueError("too many bins for the range: the edges are not strictly increasing")


@kernel
def uniform_edges(lo: float, hi: float, n_bins: int) -> FloatArray:
    r"""The ``n_bins + 1`` equal-width edges, bit for bit ``np.linspace(lo, hi, n_bins + 1)``.

    .. math::
        e_i = i \cdot \frac{hi - lo}{n_{bins}} + lo \quad (0 \le i < n_{bins}),
        \qquad e_{n_{bins}} = hi

    (NumPy's own order of operations, including its fallback
    :math:`e_i = (i / n_{bins}) \cdot (hi - lo) + lo` when the step underflows to 0; where
    :math:`hi - lo` overflows, the halved form of :func:`uniform_edge`).

    Raises
    ------
    ValueError
        If ``n_bins < 1``, ``lo`` or ``hi`` is not finite, ``lo >= hi`` (NumPy widens an
        empty range by 0.5 on each side; the caller does that), or the edges are not
        strictly increasing ("too many bins for the data range", as in NumPy).
    """
    _check_uniform(lo, hi, n_bins)
    step, mode = _uniform_step(lo, hi, n_bins)
    edges = np.empty(n_bins + 1, np.float64)
    for i in range(n_bins + 1):
        edges[i] = uniform_edge(i, lo, hi, n_bins, step, mode)
    return edges


@kernel
def uniform_edges_at(lo: float, hi: float, n_bins: int, indices: IntArray) -> FloatArray:
    """Equal-width edges ``indices`` (each in [0, n_bins]) without the others:
    ``np.linspace(lo, hi, n_bins + 1)[indices]`` where NumPy has edges."""
    _check_uniform(lo, hi, n_bins)
    step, mode = _uniform_step(lo, hi, n_bins)
    out = np.empty(indices.shape[0], np.float64)
    for t in range(indices.shape[0]):
        out[t] = uniform_edge(indices[t], lo, hi, n_bins, step, mode)
    return out


@kernel
def _edge_code(v: float, edges: FloatArray) -> int:
    """Code of one value for sorted ``edges``: ``searchsorted(edges, v, 'right') - 1``,
    with ``v == edges[-1]`` moved into the last bin and out-of-range/NaN values at -1."""
    last: int = edges.shape[0] - 1
    # Written so that NaN fails the test.
    if not (v >= edges[0] and v <= edges[last]):
        return -1
    if v == edges[last]:
        return last - 1
    # Binary search for the first edge > v (searchsorted side='right').
    lo = 0
    hi = last + 1
    while lo < hi:
        mid = (lo + hi) >> 1
        if edges[mid] <= v:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


@kernel
def _check_edges(edges: FloatArray) -> None:
    if edges.ndim != 1 or edges.shape[0] < 2:
        raise ValueError("edges must be a 1-D array of at least 2 values")
    for i in range(edges.shape[0] - 1):
        # Also rejects NaN edges.
        if not edges[i] <= edges[i + 1]:
            raise ValueError("edges must be non-decreasing (and not NaN)")


@parallel_kernel
def bin_codes_edges(x: NDArray[Any], edges: FloatArray) -> IntArray:
    r"""Bin code of every value of ``x`` for explicit, sorted bin ``edges``.

    .. math::
        c(v) = \begin{cases}
            \max\{i : e_i \le v\} & e_0 \le v < e_B \\
            B - 1 & v = e_B \\
            -1 & v < e_0,\ v > e_B \text{ or } v \text{ is NaN}
        \end{cases}

    which is ``np.searchsorted(edges, x, side='right') - 1`` with the last edge
    closed: the same bins as ``np.histogram(x, bins=edges)`` (repeated edges
    included: an empty bin ``[e, e)`` gets nothing).  Found by binary search on the
    edges, never by arithmetic.

    Parameters
    ----------
    x : ndarray, shape (n,)
        Values (float64 or integer).
    edges : ndarray of float64, shape (B + 1,)
        Non-decreasing edges, B >= 1.

    Returns
    -------
    codes : ndarray of int64, shape (n,)
        Bin index in ``[0, B)``, or -1 outside ``[edges[0], edges[-1]]`` and for NaN.
    """
    _check_edges(edges)
    n = x.shape[0]
    codes = np.empty(n, np.int64)
    for i in numba.prange(n):
        codes[i] = _edge_code(x[i], edges)
    return codes


@kernel
def _uniform_setup(lo: float, hi: float, n_bins: int) -> tuple[float, int, float, float]:
    r"""``(step, mode, scale, tol)``: the edges' step and mode (``_uniform_step``), the
    scale :math:`n_{bins} / (hi - lo)` and the guess tolerance.  The range is checked.

    With :math:`t(v) = (v - lo)\, n_{bins} / (hi - lo)` in exact arithmetic, the
    computed guess :math:`f = \mathrm{fl}(\mathrm{fl}(v - lo) \cdot scale)` is within
    :math:`4\epsilon\, n_{bins}` of :math:`t(v)`, and every linspace edge satisfies
    :math:`|t(e_i) - i| \le 3\epsilon\, n_{bins} + \epsilon M\, scale` with
    :math:`M = \max(|lo|, |hi|)`.  So when the fractional part of :math:`f` is at
    least ``tol`` away from 0 and 1, :math:`\lfloor f \rfloor` is the exact bin; ``tol``
    is more than twice that bound.  Only values within ``tol`` of an edge (in bins) are
    checked against the edges.  A tolerance of 1 (extreme ranges, subnormal widths or
    steps, a range whose width overflows) sends every value through the edge comparisons.
    """
    _check_uniform(lo, hi, n_bins)
    step, mode = _uniform_step(lo, hi, n_bins)
    width = hi - lo
    scale = n_bins / width
    eps = np.finfo(np.float64).eps
    big = max(abs(lo), abs(hi))
    tol = 16.0 * eps * (n_bins + big * scale)
    tiny = np.finfo(np.float64).tiny
    if not (mode == 0 and np.isfinite(scale) and width >= tiny and step >= tiny):
        tol = 1.0
    if not tol < 0.25:
        tol = 1.0
    return step, mode, scale, tol


@kernel
def _uniform_search(
    v: float, first: int, last: int, lo: float, hi: float, n_bins: int, step: float, mode: int
) -> int:
    """The largest bin c in [first, last] whose lower edge is <= v (edge ``first`` is)."""
    while first < last:
        mid = (first + last + 1) >> 1
        if uniform_edge(mid, lo, hi, n_bins, step, mode) <= v:
            first = mid
        else:
            last = mid - 1
    return first


@kernel
def _uniform_code(
    v: float, lo: float, hi: float, n_bins: int, step: float, mode: int, scale: float, tol: float
) -> int:
    """Code of one value for equal-width bins: the arithmetic guess when it is provably
    right (see ``_uniform_setup``), otherwise the bin whose exact edges hold v (the guess
    checked against its two edges, and a binary search over the edges if it misses)."""
    # Written so that NaN fails the test.
    if not (v >= lo and v <= hi):
        return -1
    if mode == 2:  # the width overflows: guess from halved values
        f = (0.5 * v - 0.5 * lo) / step
    else:
        f = (v - lo) * scale
    if f >= 0.0 and f < n_bins:
        c = int(f)
        frac = f - c
        if frac >= tol and frac < 1.0 - tol:
            return c
    elif f >= n_bins:
        c = n_bins - 1
    else:  # negative or NaN (an infinite scale times 0)
        c = 0
    if v < uniform_edge(c, lo, hi, n_bins, step, mode):
        c = _uniform_search(v, 0, c - 1, lo, hi, n_bins, step, mode)
    elif c < n_bins - 1 and v >= uniform_edge(c + 1, lo, hi, n_bins, step, mode):
        c = _uniform_search(v, c + 1, n_bins - 1, lo, hi, n_bins, step, mode)
    return c


@parallel_kernel
def bin_codes_uniform(x: NDArray[Any], lo: float, hi: float, n_bins: int) -> IntArray:
    r"""Bin code of every value of ``x`` for ``n_bins`` equal-width bins on ``[lo, hi]``.

    .. math::
        c(v) = \left\lfloor (v - lo) \frac{n_{bins}}{hi - lo} \right\rfloor
        \text{ then corrected so that } e_c \le v < e_{c+1}
        \ (e_{c} \le v \le e_{c+1} \text{ for the last bin}),

    where :math:`e` = :func:`uniform_edges` = ``np.linspace(lo, hi, n_bins + 1)``, the
    edges ``np.histogram(x, bins=n_bins, range=(lo, hi))`` and ``np.histogram2d`` /
    ``np.histogramdd`` use.  The arithmetic guess is kept only when a rounding-error
    bound proves it right; a value that close to an edge is placed by comparisons
    with the exact edges, so values on an edge land where NumPy puts them (``hi``
    itself in the last bin).  (NumPy's 1-D fast path corrects its guess by one bin at
    most; this search is never wrong, and agrees with NumPy wherever NumPy's single
    step suffices, i.e. always outside pathological ranges.)  One parallel pass; the
    edges are computed where needed, never stored, so memory does not grow with
    ``n_bins``.

    Parameters
    ----------
    x : ndarray, shape (n,)
    lo, hi : float
        Finite, ``lo < hi``.
    n_bins : int
        At least 1.

    Returns
    -------
    codes : ndarray of int64, shape (n,)
        Bin index in ``[0, n_bins)``, or -1 outside ``[lo, hi]`` and for NaN.
    """
    step, mode, scale, tol = _uniform_setup(lo, hi, n_bins)
    n = x.shape[0]
    codes = np.empty(n, np.int64)
    for i in numba.prange(n):
        codes[i] = _uniform_code(x[i], lo, hi, n_bins, step, mode, scale, tol)
    return codes


@kernel
def _sum_rows(partial: NDArray[np.int32], n_cells: int) -> tuple[IntArray, int]:
    """Int64 column sums of the int32 partial counts (rows added in block order), and
    the sum of column ``n_cells`` when the rows carry that extra "outside" column."""
    out = np.zeros(n_cells, np.int64)
    outside = np.int64(0)
    for b in range(partial.shape[0]):
        for k in range(n_cells):
            out[k] += partial[b, k]
        if partial.shape[1] > n_cells:
            outside += partial[b, n_cells]
    return out, outside


@parallel_kernel
def histogram_1d(codes: IntArray, n_bins: int) -> tuple[IntArray, int]:
    r"""Counts of each code: :math:`n_k = \#\{i : c_i = k\}`, :math:`0 \le k < n_{bins}`.

    Parameters
    ----------
    codes : ndarray of int64, shape (n,)
        Bin codes, e.g. from :func:`bin_codes_edges`; -1 means "outside".
    n_bins : int

    Returns
    -------
    counts : ndarray of int64, shape (n_bins,)
    n_skipped : int
        Number of codes outside ``[0, n_bins)`` (the -1 "outside" codes), not counted.
    """
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    n = codes.shape[0]
    n_blocks = _n_blocks(n, n_bins)
    partial = np.zeros((n_blocks, n_bins), np.int32)
    skipped = np.zeros(n_blocks, np.int64)
    for b in numba.prange(n_blocks):
        start, stop = _block(n, n_blocks, b)
        s = 0
        for i in range(start, stop):
            k = codes[i]
            if k >= 0 and k < n_bins:
                partial[b, k] += 1
            else:
                s += 1
        skipped[b] = s
    return _sum_rows(partial, n_bins)[0], skipped.sum()


@parallel_kernel
def histogram_2d(codes_x: IntArray, codes_y: IntArray, nx: int, ny: int) -> tuple[IntArray, int]:
    r"""Joint counts :math:`n_{jk} = \#\{i : c^x_i = j,\ c^y_i = k\}`.

    Equals ``np.histogram2d(x, y, bins=..., range=...)[0]`` (as int64) when the codes
    come from :func:`bin_codes_uniform` / :func:`bin_codes_edges` with the same bins.

    Parameters
    ----------
    codes_x, codes_y : ndarray of int64, shape (n,)
    nx, ny : int
        Number of bins of x and of y.

    Returns
    -------
    counts : ndarray of int64, shape (nx, ny)
    n_skipped : int
        Number of samples with either code outside its range (not counted).
    """
    if nx < 1 or ny < 1:
        raise ValueError("nx and ny must be at least 1")
    n = codes_x.shape[0]
    if codes_y.shape[0] != n:
        raise ValueError("codes_x and codes_y must have the same length")
    n_cells = nx * ny
    n_blocks = _n_blocks(n, n_cells)
    partial = np.zeros((n_blocks, n_cells), np.int32)
    skipped = np.zeros(n_blocks, np.int64)
    for b in numba.prange(n_blocks):
        start, stop = _block(n, n_blocks, b)
        s = 0
        for i in range(start, stop):
            j = codes_x[i]
            k = codes_y[i]
            if j >= 0 and j < nx and k >= 0 and k < ny:
                partial[b, j * ny + k] += 1
            else:
                s += 1
        skipped[b] = s
    return _sum_rows(partial, n_cells)[0].reshape((nx, ny)), skipped.sum()


@parallel_kernel
def histogram_nd(codes: IntArray, shape: IntArray) -> tuple[IntArray, int]:
    r"""Counts of d-dimensional codes in a C-ordered (flattened) table.

    .. math::
        n_{k} = \#\{i : \textstyle\sum_j c_{ij} s_j = k\},
        \qquad s_j = \prod_{l > j} \mathrm{shape}_l

    Parameters
    ----------
    codes : ndarray of int64, shape (n, d)
        Column j holds codes in ``[0, shape[j])``; anything else is skipped.
    shape : ndarray of int64, shape (d,)
        Number of bins per dimension.

    Returns
    -------
    counts : ndarray of int64, shape (prod(shape),)
        Flat, C order: ``counts.reshape(tuple(shape))`` equals
        ``np.histogramdd(...)[0]`` (as int64) for the same bins.
    n_skipped : int
        Number of samples with any code outside its range.

    Raises
    ------
    ValueError
        If ``shape`` does not have d entries, an entry is < 1, or the table would have
        more than 2**62 cells.
    """
    n = codes.shape[0]
    d = codes.shape[1]
    if shape.shape[0] != d:
        raise ValueError("shape must have one entry per column of codes")
    strides = np.empty(d, np.int64)
    n_cells = np.int64(1)
    for j in range(d - 1, -1, -1):
        if shape[j] < 1:
            raise ValueError("every entry of shape must be at least 1")
        strides[j] = n_cells
        if n_cells > (np.int64(1) << 62) // shape[j]:
            raise ValueError("the table has too many cells (more than 2**62)")
        n_cells *= shape[j]
    n_blocks = _n_blocks(n, n_cells)
    partial = np.zeros((n_blocks, n_cells), np.int32)
    skipped = np.zeros(n_blocks, np.int64)
    for b in numba.prange(n_blocks):
        start, stop = _block(n, n_blocks, b)
        s = 0
        for i in range(start, stop):
            cell = np.int64(0)
            ok = True
            for j in range(d):
                c = codes[i, j]
                if c < 0 or c >= shape[j]:
                    ok = False
                    break
                cell += c * strides[j]
            if ok:
                partial[b, cell] += 1
            else:
                s += 1
        skipped[b] = s
    return _sum_rows(partial, n_cells)[0], skipped.sum()


@kernel
def _guess_cells(
    x: NDArray[Any],
    y: NDArray[Any],
    start: int,
    m: int,
    lo_x: float,
    lo_y: float,
    scale_x: float,
    scale_y: float,
    tol: float,
    nx: int,
    ny: int,
    cells: NDArray[np.int32],
) -> None:
    """Flat cells ``cells[:m]`` of samples ``start:start + m`` from the arithmetic guesses
    (see ``_uniform_setup``).  A sample whose guess is not provably exact (near an
    edge, outside a range, NaN) gets the cell ``nx * ny + 1``, to be redone exactly.
    Branch-free, so LLVM vectorises it."""
    fnx, fny = np.float64(nx), np.float64(ny)
    redo = np.float64(nx * ny + 1)
    # A fraction r is far enough from both edges when d = r - tol lies in [0, 1 - 2 tol):
    # as unsigned bits, one comparison (negative d and NaN have larger bits).  Rounding
    # of d moves that threshold by an ulp, far inside the margin tol.
    width = float_bits(1.0 - 2.0 * tol if tol < 0.5 else 0.0)
    # Unsigned indices skip Numba's negative-index wraparound, which blocks
    # vectorisation.  (Slices indexed from 0 would as well, but every slice touches
    # the array's shared, atomic reference count, which the threads then fight over.)
    for t in range(m):
        fx = (x[np.uint64(start + t)] - lo_x) * scale_x
        fy = (y[np.uint64(start + t)] - lo_y) * scale_y
        # Truncation: a negative guess keeps a fraction <= 0 and fails the test below.
        jx, jy = np.trunc(fx), np.trunc(fy)
        far = max(float_bits(fx - jx - tol), float_bits(fy - jy - tol)) < width
        exact = far & (jx < fnx) & (jy < fny)
        cells[t] = np.int32(jx * fny + jy if exact else redo)


@parallel_kernel
def joint_counts_uniform(
    x: NDArray[Any],
    y: NDArray[Any],
    lo_x: float,
    hi_x: float,
    lo_y: float,
    hi_y: float,
    nx: int,
    ny: int,
) -> tuple[IntArray, int]:
    r"""Fused 2-D equal-width histogram: bin and count x and y in one pass.

    .. math::
        n_{jk} = \#\{i : c_x(x_i) = j,\ c_y(y_i) = k\}

    with :math:`c_x`, :math:`c_y` the codes of :func:`bin_codes_uniform` (exact
    ``np.linspace`` edges, last edge closed).  Equals
    ``np.histogram2d(x, y, bins=(nx, ny), range=((lo_x, hi_x), (lo_y, hi_y)))[0]``
    as int64, without code arrays of length n.  Each thread takes its blocks of x and
    y in turn and, per batch of samples, bins the batch with vectorised arithmetic
    into int32 cells, then counts the cells into its own int32 table while
    prefetching the next batch; the rare sample within rounding error of an edge is
    binned again by comparisons with the exact edges.  Blocks run from the last to
    the first, so the data a range scan has just read are still in cache.

    Parameters
    ----------
    x, y : ndarray, shape (n,)
    lo_x, hi_x, lo_y, hi_y : float
        Finite ranges with ``lo < hi``.
    nx, ny : int
        Numbers of bins, with ``nx * ny < 2**31 - 2``.

    Returns
    -------
    counts : ndarray of int64, shape (nx, ny)
    n_skipped : int
        Samples with x or y outside its range, or NaN (not counted).
    """
    n = x.shape[0]
    if y.shape[0] != n:
        raise ValueError("x and y must have the same length")
    if nx < 1 or ny < 1 or nx * ny >= (1 << 31) - 2:
        raise ValueError("nx and ny must be at least 1, with nx * ny below 2**31 - 2")
    step_x, mode_x, scale_x, tol_x = _uniform_setup(lo_x, hi_x, nx)
    step_y, mode_y, scale_y, tol_y = _uniform_setup(lo_y, hi_y, ny)
    # (tol == 1: extreme ranges, maybe an infinite scale; every sample is redone.)
    tol = max(tol_x, tol_y)
    n_cells = nx * ny
    outside, redo = n_cells, n_cells + 1
    n_blocks = _n_blocks(n, n_cells + 1)
    # Column n_cells counts the samples outside the ranges.
    partial = np.zeros((n_blocks, n_cells + 1), np.int32)
    for r in numba.prange(n_blocks):
        b = n_blocks - 1 - r
        start, stop = _block(n, n_blocks, b)
        table = np.zeros(n_cells + 2, np.int32)
        cells = np.empty(_BATCH, np.int32)
        for lo in range(start, stop, _BATCH):
            m = min(_BATCH, stop - lo)
            _guess_cells(x, y, lo, m, lo_x, lo_y, scale_x, scale_y, tol, nx, ny, cells)
            ahead = lo + _BATCH
            whole = m - m % 8
            for t in range(0, whole, 8):
                # Eight samples, then one cache line of each column of the next batch.
                for u in range(8):
                    table[np.uint64(cells[t + u])] += 1
                prefetch(x, ahead + t)
                prefetch(y, ahead + t)
            for t in range(whole, m):
                table[np.uint64(cells[t])] += 1
            if table[redo]:
                table[redo] = 0
                for t in range(m):
                    if cells[t] == redo:
                        j = _uniform_code(x[lo + t], lo_x, hi_x, nx, step_x, mode_x, scale_x, tol_x)
                        k = _uniform_code(y[lo + t], lo_y, hi_y, ny, step_y, mode_y, scale_y, tol_y)
                        table[j * ny + k if (j >= 0) & (k >= 0) else outside] += 1
        partial[b, :] = table[: n_cells + 1]
    counts, n_outside = _sum_rows(partial, n_cells)
    return counts.reshape((nx, ny)), n_outside
